// The seed's grid_sample: a fused forward kernel and a custom vjp kernel
// (atomics + simd_sum) wired with mx.customFunction, checked against the
// op-composed reference and its autodiff gradient, then timed.
//   npx tsx --conditions=source examples/grid_sample/main.ts
import * as mx from 'mlx-ts';
import { gridSample, gridSampleRef } from './grid_sample.js';

const [B, H, W, C] = [2, 64, 64, 32];
const [gH, gW] = [32, 32];
const x = mx.random.normal([B, H, W, C]);
// Keep the samples inside the image: the forward kernel (as in MLX's guide)
// reads neighbours before masking them.
const grid = mx.random.uniform(-0.9, 0.9, [B, gH, gW, 2]);
const cot = mx.random.normal([B, gH, gW, C]);

const out = gridSample(x, grid) as mx.MxArray;
console.log('forward matches the reference:', mx.allclose(out, gridSampleRef(x, grid), 1e-5, 1e-5).item());

const loss = (f: typeof gridSampleRef) => (a: mx.MxArray, g: mx.MxArray) => mx.sum(mx.multiply(f(a, g), cot));
const [gx, gg] = mx.grad(loss(gridSample as typeof gridSampleRef), [0, 1])(x, grid) as mx.MxArray[];
const [rx, rg] = mx.grad(loss(gridSampleRef), [0, 1])(x, grid) as mx.MxArray[];
console.log('x gradient matches autodiff of the reference:   ', mx.allclose(gx, rx, 1e-4, 1e-4).item());
console.log('grid gradient matches autodiff of the reference:', mx.allclose(gg, rg, 1e-3, 1e-3).item());

function time(label: string, f: () => mx.MxArray | mx.MxArray[]): void {
  mx.eval(f());
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) mx.eval(f());
  console.log(`${label}: ${((performance.now() - t0) / 5).toFixed(2)} ms`);
}
time('forward, custom kernel', () => gridSample(x, grid) as mx.MxArray);
time('forward, composed ops ', () => gridSampleRef(x, grid));
time('vjp, custom kernel    ', () => mx.grad(loss(gridSample as typeof gridSampleRef), [0, 1])(x, grid) as mx.MxArray[]);
time('vjp, composed ops     ', () => mx.grad(loss(gridSampleRef), [0, 1])(x, grid) as mx.MxArray[]);
