export * from './dense/index.js';
