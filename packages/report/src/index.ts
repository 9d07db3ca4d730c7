export * from './chart';
export * from './chart-files';
export * from './csv';
export * from './folder';
export * from './outputs';
export * from './table';
export * from './write-file';
