// Custom kernels, the simple case from MLX's guide: elementwise exp written
// as a Metal body and as a CUDA body, plus a strided variant that reads its
// input through shape/strides instead of a row-contiguous copy. On a machine
// without a GPU both run on the CPU, compiled by the host C++ compiler.
//   npx tsx --conditions=source examples/custom_exp.ts
import { readFileSync } from 'node:fs';
import * as mx from 'mlx-ts';

const body = (file: string) => readFileSync(new URL(`../kernels/${file}`, import.meta.url), 'utf8');

// Metal: the signature is generated from the inputs, outputs and template.
const metalExp = mx.fast.metalKernel({ name: 'myexp', inputNames: ['inp'], outputNames: ['out'], source: body('exp.metal') });

function expMetal(a: mx.MxArray): mx.MxArray {
  return metalExp({
    inputs: [a],
    template: [['T', mx.float32]],
    grid: [a.size, 1, 1],
    threadgroup: [256, 1, 1],
    outputShapes: [a.shape],
    outputDtypes: [a.dtype],
  })[0];
}

// CUDA: grids round up to whole blocks, so the body guards with `n`.
const cudaExp = mx.fast.cudaKernel({ name: 'myexp_cuda', inputNames: ['inp', 'n'], outputNames: ['out'], source: body('exp.cu') });

function expCuda(a: mx.MxArray): mx.MxArray {
  return cudaExp({
    inputs: [a, a.size],
    grid: [a.size, 1, 1],
    threadgroup: [256, 1, 1],
    outputShapes: [a.shape],
    outputDtypes: [a.dtype],
  })[0];
}

// Strided: ensureRowContiguous false passes inp_shape/inp_strides/inp_ndim.
const stridedExp = mx.fast.metalKernel({
  name: 'myexp_strided',
  inputNames: ['inp'],
  outputNames: ['out'],
  source: body('exp_strided.metal'),
  ensureRowContiguous: false,
});

const a = mx.random.normal([4, 16]).astype(mx.float16);
console.log('Generated Metal kernel:\n' + metalExp.generate({
  inputs: [a], template: [['T', mx.float32]], grid: [a.size, 1, 1], threadgroup: [256, 1, 1],
  outputShapes: [a.shape], outputDtypes: [a.dtype],
}).source);

const b = expMetal(a);
console.log('metal exp matches mx.exp:', mx.allclose(b, mx.exp(a)).item());
const c = expCuda(a.astype(mx.float32));
console.log('cuda exp matches mx.exp: ', mx.allclose(c, mx.exp(a.astype(mx.float32)), 1e-5, 1e-5).item());

// Every other row: a view with strides, no copy before the kernel.
const view = mx.asStrided(a, [2, 16], [32, 1]);
const d = stridedExp({
  inputs: [view],
  template: [['T', mx.float32]],
  grid: [view.size, 1, 1],
  threadgroup: [256, 1, 1],
  outputShapes: [view.shape],
  outputDtypes: [view.dtype],
})[0];
console.log('strided exp matches mx.exp:', mx.allclose(d, mx.exp(view)).item());
console.log('kernel cache:', mx.fast.kernelCacheStats());
