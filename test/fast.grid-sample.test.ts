// The seed's grid_sample: fused forward and vjp kernels (atomics, simd_sum)
// wired with mx.customFunction, against the op-composed reference, autodiff of
// the reference, finite differences, and checked mode.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { gridSample, gridSampleKernel, gridSampleRef } from '../examples/grid_sample/grid_sample.js';
import { lcg, maxAbsDiff, values } from './helpers/kernels.js';

const readKernel = (file: string): string => readFileSync(new URL(`../kernels/${file}`, import.meta.url), 'utf8');

const [B, H, W, C] = [3, 10, 12, 5];
const [gH, gW] = [4, 6];

/**
 * Grid points: the first and last batch stay inside the image (the forward
 * kernel reads neighbours before masking them, which must stay inside the
 * buffer when unchecked); the middle batch also samples past every edge.
 */
function makeGrid(seed: number): mx.MxArray {
  const n = gH * gW * 2;
  const inner = (s: number) => lcg(n, s, -0.9, 0.9);
  const outer = lcg(n, seed + 1, -1.2, 1.2);
  return mx.array([...inner(seed), ...outer, ...inner(seed + 2)], mx.float32).reshape([B, gH, gW, 2]);
}

const x = mx.array(lcg(B * H * W * C, 42), mx.float32).reshape([B, H, W, C]);
const grid = makeGrid(7);

describe('grid_sample custom kernels', () => {
  it('the forward kernel matches the op-composed reference', () => {
    const out = gridSampleKernel(x, grid);
    expect(out.shape).toEqual([B, gH, gW, C]);
    expect(maxAbsDiff(values(out), values(gridSampleRef(x, grid)))).toBeLessThan(1e-5);
  });

  it('float16 inputs run the template instantiation for half', () => {
    const xh = x.astype(mx.float16);
    const out = gridSampleKernel(xh, grid);
    expect(out.dtype).toBe(mx.float16);
    expect(maxAbsDiff(values(out), values(gridSampleRef(x, grid)))).toBeLessThan(1e-2);
  });

  it('the custom vjp matches autodiff of the reference', () => {
    const cot = mx.array(lcg(B * gH * gW * C, 9), mx.float32).reshape([B, gH, gW, C]);
    const loss = (f: typeof gridSampleRef) => (a: mx.MxArray, g: mx.MxArray) => mx.sum(mx.multiply(f(a, g), cot));
    const [gxK, ggK] = mx.grad(loss(gridSample), [0, 1])(x, grid) as mx.MxArray[];
    const [gxR, ggR] = mx.grad(loss(gridSampleRef), [0, 1])(x, grid) as mx.MxArray[];
    expect(gxK.shape).toEqual(x.shape);
    expect(ggK.shape).toEqual(grid.shape);
    expect(maxAbsDiff(values(gxK), values(gxR))).toBeLessThan(1e-4);
    expect(maxAbsDiff(values(ggK), values(ggR))).toBeLessThan(1e-3);
  });

  it('the custom vjp matches central finite differences', () => {
    const cot = mx.array(lcg(B * gH * gW * C, 5), mx.float32).reshape([B, gH, gW, C]);
    const lossOf = (a: mx.MxArray, g: mx.MxArray): number =>
      mx.sum(mx.multiply(gridSampleRef(a.astype(mx.float64), g.astype(mx.float64)), cot.astype(mx.float64))).item() as number;
    const [gx, gg] = (mx.grad((a: mx.MxArray, g: mx.MxArray) => mx.sum(mx.multiply(gridSample(a, g), cot)), [0, 1])(x, grid) as mx.MxArray[]).map(values);
    const xs = values(x);
    const gs = values(grid);
    const eps = 1e-3;
    const fd = (base: number[], shape: number[], k: number, which: 'x' | 'grid'): number => {
      const plus = base.slice();
      const minus = base.slice();
      plus[k] += eps;
      minus[k] -= eps;
      const arr = (v: number[]) => mx.array(v, mx.float64).reshape(shape);
      const lp = which === 'x' ? lossOf(arr(plus), grid) : lossOf(x, arr(plus));
      const lm = which === 'x' ? lossOf(arr(minus), grid) : lossOf(x, arr(minus));
      return (lp - lm) / (2 * eps);
    };
    for (const k of [0, 7, 123, 611, 1199, 1799]) expect(gx[k]).toBeCloseTo(fd(xs, x.shape, k, 'x'), 3);
    for (const k of [0, 5, 17, 50, 77, 101, 143]) expect(gg[k]).toBeCloseTo(fd(gs, grid.shape, k, 'grid'), 2);
  });

  it('checked mode flags the forward kernel reading neighbours before its bounds check', () => {
    const checked = mx.fast.metalKernel({
      name: 'grid_sample_checked',
      inputNames: ['x', 'grid'],
      outputNames: ['out'],
      source: readKernel('grid_sample.metal'),
      boundsCheck: true,
    });
    // A grid point at the top-left corner of the first image: its nw neighbour is at (-1, -1).
    const g = mx.array(new Array(B * gH * gW * 2).fill(-1), mx.float32).reshape([B, gH, gW, 2]);
    const [out] = checked({
      inputs: [x, g],
      template: [['T', mx.float32]],
      outputShapes: [[B, gH, gW, C]],
      outputDtypes: [mx.float32],
      grid: [B * gH * gW * C, 1, 1],
      threadgroup: [256, 1, 1],
    });
    expect(() => mx.eval(out)).toThrow(
      /\[metal_kernel\] Kernel 'grid_sample_checked' accessed 'x' out of bounds at index -\d+ \(valid 0\.\.1799\) in thread_position_in_grid \(\d+, 0, 0\)/,
    );
    // The same kernel on grid points inside the image passes the checks and is exact.
    const inside = mx.array(lcg(B * gH * gW * 2, 3, -0.9, 0.9), mx.float32).reshape([B, gH, gW, 2]);
    const [ok] = checked({
      inputs: [x, inside],
      template: [['T', mx.float32]],
      outputShapes: [[B, gH, gW, C]],
      outputDtypes: [mx.float32],
      grid: [B * gH * gW * C, 1, 1],
      threadgroup: [256, 1, 1],
    });
    expect(maxAbsDiff(values(ok), values(gridSampleRef(x, inside)))).toBeLessThan(1e-5);
  });
});
