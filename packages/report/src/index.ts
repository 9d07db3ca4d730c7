export * from './chart';
export * from './csv';
export * from './folder';
export * from './outputs';
export * from './table';
