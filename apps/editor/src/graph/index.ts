export * from './flows.js';
export * from './layout.js';
export * from './mapping.js';
export * from './ops.js';
export * from './types.js';
