// The axpby extension against the composed expression alpha * x + beta * y:
// values, dtypes, broadcasting, strided inputs, transforms, streams.
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';

import { axpby, axpbyKeepDtype } from '../index.js';
import { axpbyModel, exactValues, roundBf16, roundHalf, values } from './helpers.js';

const simpleAxpby = (x: mx.MxArray, y: mx.MxArray, alpha: number, beta: number): mx.MxArray =>
  mx.add(mx.multiply(alpha, x), mx.multiply(beta, y));

function expectClose(a: mx.MxArray, b: mx.MxArray, atol = 1e-5): void {
  expect(a.shape).toEqual(b.shape);
  const av = a.astype(mx.float32).toTypedArray() as Float32Array;
  const bv = b.astype(mx.float32).toTypedArray() as Float32Array;
  expect(av.length).toBe(bv.length);
  for (let i = 0; i < av.length; i++) expect(Math.abs(av[i] - bv[i])).toBeLessThanOrEqual(atol + 1e-5 * Math.abs(bv[i]));
}

describe('axpby', () => {
  it('computes alpha * x + beta * y (the guide example)', () => {
    const a = mx.ones([3, 4]);
    const b = mx.ones([3, 4]);
    const c = axpby(a, b, 4.0, 2.0, mx.cpu);
    expect(c.shape).toEqual([3, 4]);
    expect(c.dtype).toBe(mx.float32);
    expect(mx.all(mx.equal(c, 6.0)).item()).toBe(true);
  });

  it('matches the composed ops on random values', () => {
    const x = mx.random.normal([64, 33]);
    const y = mx.random.normal([64, 33]);
    expectClose(axpby(x, y, 0.5, -1.25), simpleAxpby(x, y, 0.5, -1.25));
  });

  it('promotes dtypes as the guide does', () => {
    const f32 = mx.array([1, 2, 3], mx.float32);
    const f16 = mx.array([1, 2, 3], mx.float16);
    const i32 = mx.array([1, 2, 3], mx.int32);
    expect(axpby(f32, f32, 2, 3).dtype).toBe(mx.float32);
    // float16 is not a subtype of float32, so the guide's rule upcasts it.
    expect(axpby(f16, f16, 2, 3).dtype).toBe(mx.float32);
    expect(axpby(i32, i32, 2, 3).dtype).toBe(mx.float32);
    expect(axpby(i32, f16, 2, 3).dtype).toBe(mx.float32);
    expect(axpby(i32, i32, 2, 3).tolist()).toEqual([5, 10, 15]);
    expect(axpby(f16, i32, 0.5, 1).tolist()).toEqual([1.5, 3, 4.5]);
  });

  it('rejects non-floating results it has no kernel for', () => {
    // float64 inputs promote to float64, which the guide's eval_cpu does not dispatch.
    const d = mx.array([1, 2], mx.float64);
    expect(() => axpby(d, d, 1, 1, mx.cpu).tolist()).toThrow(/only supported for floating point/);
  });

  it('broadcasts like NumPy', () => {
    const x = mx.reshape(mx.arange(6, mx.float32), [2, 3]);
    const y = mx.array([10, 20, 30], mx.float32);
    const z = axpby(x, y, 2, 1);
    expect(z.shape).toEqual([2, 3]);
    expect(z.tolist()).toEqual([[10, 22, 34], [16, 28, 40]]);
    const col = mx.array([[1], [2]], mx.float32);
    expect(axpby(col, y, 1, 1).tolist()).toEqual([[11, 21, 31], [12, 22, 32]]);
    expect(axpby(mx.array(2, mx.float32), y, 3, 1).tolist()).toEqual([16, 26, 36]);
    expect(() => axpby(mx.ones([2, 3]), mx.ones([4]), 1, 1)).toThrow(/broadcast/i);
  });

  it('reads strided (transposed) inputs', () => {
    const x = mx.random.normal([5, 7]);
    const y = mx.random.normal([7, 5]);
    const xt = mx.transpose(x);
    expectClose(axpby(xt, y, 1.5, 2.5), simpleAxpby(xt, y, 1.5, 2.5));
  });

  it('runs on an explicit stream (mx.cpu, a new stream)', () => {
    const x = mx.array([1, 2], mx.float32);
    const y = mx.array([3, 4], mx.float32);
    expect(axpby(x, y, 1, 1, mx.cpu).tolist()).toEqual([4, 6]);
    const s = mx.newStream(mx.cpu);
    expect(axpby(x, y, 2, 0.5, s).tolist()).toEqual([3.5, 6]);
  });

  it('grad matches the composed expression', () => {
    const x = mx.random.normal([4, 3]);
    const y = mx.random.normal([4, 3]);
    const loss = (f: typeof axpby) => (a: mx.MxArray, b: mx.MxArray) => mx.sum(mx.multiply(f(a, b, 3, -2), a));
    const [gx, gy] = mx.grad(loss(axpby), [0, 1])(x, y) as mx.MxArray[];
    const [ex, ey] = mx.grad(loss(simpleAxpby), [0, 1])(x, y) as mx.MxArray[];
    expectClose(gx, ex);
    expectClose(gy, ey);
  });

  it('vjp matches the composed expression', () => {
    const x = mx.random.normal([6]);
    const y = mx.random.normal([6]);
    const ct = mx.random.normal([6]);
    const [outs, vjps] = mx.vjp((a, b) => axpby(a, b, 0.75, 4), [x, y], [ct]);
    const [eouts, evjps] = mx.vjp((a, b) => simpleAxpby(a, b, 0.75, 4), [x, y], [ct]);
    expectClose(outs[0], eouts[0]);
    expectClose(vjps[0], evjps[0]);
    expectClose(vjps[1], evjps[1]);
  });

  it('jvp matches the composed expression (both and one tangent)', () => {
    const x = mx.random.normal([2, 5]);
    const y = mx.random.normal([2, 5]);
    const tx = mx.random.normal([2, 5]);
    const ty = mx.random.normal([2, 5]);
    const [, j] = mx.jvp((a, b) => axpby(a, b, -1.5, 2), [x, y], [tx, ty]);
    const [, e] = mx.jvp((a, b) => simpleAxpby(a, b, -1.5, 2), [x, y], [tx, ty]);
    expectClose(j[0], e[0]);
    // Only x varies: the primitive's single-argnum rule.
    const [, j1] = mx.jvp((a) => axpby(a, y, -1.5, 2), [x], [tx]);
    expectClose(j1[0], mx.multiply(-1.5, tx));
  });

  it('vmap matches the composed expression', () => {
    const x = mx.random.normal([4, 3]);
    const y = mx.random.normal([3, 4]);
    const yRow = mx.random.normal([3]);
    const f = (a: mx.MxArray, b: mx.MxArray) => axpby(a, b, 2, 3);
    const g = (a: mx.MxArray, b: mx.MxArray) => simpleAxpby(a, b, 2, 3);
    expectClose(mx.vmap(f, [0, 1])(x, y) as mx.MxArray, mx.vmap(g, [0, 1])(x, y) as mx.MxArray);
    expectClose(mx.vmap(f, [0, null])(x, yRow) as mx.MxArray, mx.vmap(g, [0, null])(x, yRow) as mx.MxArray);
    expectClose(mx.vmap(f, [1, 0])(y, x) as mx.MxArray, mx.vmap(g, [1, 0])(y, x) as mx.MxArray);
  });

  it('rejects non-array arguments with the op name', () => {
    expect(() => axpby({} as unknown as mx.MxArray, mx.ones([2]), 1, 1)).toThrow(/toNative|axpby/);
  });

  it('rounds float32 like the kernel model (each product, then the sum)', () => {
    const xs = exactValues(257, mx.float32, 3);
    const ys = exactValues(257, mx.float32, 4);
    const z = axpby(mx.array(xs, mx.float32), mx.array(ys, mx.float32), 0.1, -2.7, mx.cpu);
    expect(values(z)).toEqual(xs.map((x, i) => axpbyModel(x, ys[i], 0.1, -2.7, Math.fround)));
  });
});

describe('axpbyKeepDtype (no upcast of floating inputs)', () => {
  it('keeps float16 and bfloat16, rounding every operation to them', () => {
    for (const [dtype, round] of [
      [mx.float16, roundHalf],
      [mx.bfloat16, roundBf16],
    ] as const) {
      const xs = exactValues(100, dtype, 5);
      const ys = exactValues(100, dtype, 6);
      const z = axpbyKeepDtype(mx.array(xs, dtype), mx.array(ys, dtype), 0.1, 3, mx.cpu);
      expect(z.dtype).toBe(dtype);
      expect(values(z)).toEqual(xs.map((x, i) => axpbyModel(x, ys[i], 0.1, 3, round)));
    }
    // A hand-computed float16 case: f16(0.1) = 0.0999755859375; 0.1 * 1.5 -> 0.1500244140625;
    // 3 * 1.5 = 4.5; 4.6500244140625 rounds to 4.6484375 (spacing 2^-8 at 4).
    const h = mx.array([1.5], mx.float16);
    expect(axpbyKeepDtype(h, h, 0.1, 3).tolist()).toEqual([4.6484375]);
  });

  it('promotes mixed dtypes without the float32 upcast', () => {
    const f16 = mx.array([1, 2], mx.float16);
    const bf16 = mx.array([1, 2], mx.bfloat16);
    expect(axpbyKeepDtype(f16, mx.array([1, 2], mx.int8), 1, 1).dtype).toBe(mx.float16);
    expect(axpbyKeepDtype(f16, bf16, 1, 1).dtype).toBe(mx.float32);
    expect(axpbyKeepDtype(mx.array([1, 2], mx.int32), mx.array([1, 2], mx.int32), 2, 1).dtype).toBe(mx.float32);
    expect(axpbyKeepDtype(mx.array([1, 2], mx.int32), mx.array([1, 2], mx.int32), 2, 1).tolist()).toEqual([3, 6]);
  });

  it('computes complex64 (alpha and beta real)', () => {
    const x = mx.array([{ re: 1, im: 2 }, { re: -1, im: 0.5 }]);
    const y = mx.array([{ re: 0.25, im: -4 }, { re: 3, im: 0 }]);
    const z = axpby(x, y, 2, -1, mx.cpu);
    expect(z.dtype).toBe(mx.complex64);
    expect(z.tolist()).toEqual([
      { re: 1.75, im: 8 },
      { re: -5, im: 1 },
    ]);
  });

  it('jvp of float16 keeps float16 tangents', () => {
    const x = mx.array([1, 2, 3], mx.float16);
    const t = mx.array([1, 1, 0.5], mx.float16);
    const [outs, tans] = mx.jvp((a, b) => axpbyKeepDtype(a, b, 2, 3), [x, x], [t, t]);
    expect(outs[0].dtype).toBe(mx.float16);
    expect(tans[0].dtype).toBe(mx.float16);
    expect(tans[0].tolist()).toEqual([5, 5, 2.5]);
  });
});
