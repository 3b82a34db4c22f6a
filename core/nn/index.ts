export { affine, matMulTA, product, sumRows } from './fast-matmul.js';
export { activate, type Activation } from './activations.js';
export { Linear, type LinearArgs } from './linear.js';
export { LayerNorm, type LayerNormArgs } from './layer-norm.js';
export { LearnedPositional, type PositionalArgs } from './positional.js';
