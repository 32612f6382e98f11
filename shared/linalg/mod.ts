export { eigSym, type SymEig } from './eig.js';
export { type Inertia, type LDLT, ldlt, SingularMatrixError } from './ldlt.js';
export * from './vector.js';
