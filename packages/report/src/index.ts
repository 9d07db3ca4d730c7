export * from './chart';
export * from './csv';
export * from './outputs';
export * from './table';
