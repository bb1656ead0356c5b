// Every op family's module (each adds its functions and array methods).
export * from './unary.js';
export * from './binary.js';
export * from './reduce.js';
export * from './shape.js';
export * from './indexing.js';
export * from './ranges.js';
export * from './slicing.js';
export * from './linalg.js';
export * as random from './random.js';
