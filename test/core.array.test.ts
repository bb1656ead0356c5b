import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import * as mx from 'mlx-ts';

describe('mx.array construction', () => {
  it('infers int32 from integers, float32 from fractions, bool from booleans', () => {
    expect(mx.array([1, 2, 3]).dtype).toBe(mx.int32);
    expect(mx.array([1.5, 2]).dtype).toBe(mx.float32);
    expect(mx.array([true, false]).dtype).toBe(mx.bool_);
    expect(mx.array(3).shape).toEqual([]);
    expect(mx.array([[1, 2], [3, 4]]).shape).toEqual([2, 2]);
  });

  it('keeps values and converts with an explicit dtype', () => {
    expect(mx.array([[1, 2], [3, 4]]).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(mx.array([1.5, -2.25], mx.float16).tolist()).toEqual([1.5, -2.25]);
    expect(mx.array([1.7, -1.7], mx.int32).tolist()).toEqual([1, -1]);
    expect(mx.array([0, 2, 0], mx.bool_).tolist()).toEqual([false, true, false]);
    expect(mx.array(new Float64Array([0.1])).dtype).toBe(mx.float64);
    expect(mx.array(new Uint8Array([255, 1])).tolist()).toEqual([255, 1]);
  });

  it('widens integers that do not fit int32 to int64', () => {
    const a = mx.array([2 ** 40, 1]);
    expect(a.dtype).toBe(mx.int64);
    expect(a.tolist()).toEqual([2 ** 40, 1]);
  });

  it('rounds to float16 and bfloat16 to nearest even', () => {
    // 1 + 2^-11 is halfway between 1 and the next float16: ties to even (1).
    expect(mx.array([1 + 2 ** -11, 1 + 3 * 2 ** -11], mx.float16).tolist()).toEqual([1, 1 + 2 ** -9]);
    expect(mx.array([1 + 2 ** -8], mx.bfloat16).tolist()).toEqual([1]);
    expect(mx.array([70000], mx.float16).tolist()).toEqual([Infinity]);
    // 3e38 = 1.763 * 2^127; 8 mantissa bits keep 226/128 * 2^127.
    expect(mx.array([3e38], mx.bfloat16).item()).toBe(226 * 2 ** 120);
  });

  it('rejects ragged lists and bad values with the op name', () => {
    expect(() => mx.array([[1, 2], [3]])).toThrow(/\[array\] Inhomogeneous nested list/);
    expect(() => mx.array(['a' as unknown as number])).toThrow(/\[array\] Expected numbers or booleans, got string a/);
    expect(() => mx.zeros([2, -1])).toThrow(/\[full\] Negative dimensions are not allowed/);
    expect(() => mx.zeros('x' as unknown as number[])).toThrow(/\[zeros\] Expected a shape/);
  });

  it('x instanceof mx.array', () => {
    expect(mx.zeros([2]) instanceof mx.array).toBe(true);
    expect({} instanceof mx.array).toBe(false);
  });
});

describe('properties and conversion', () => {
  it('reports shape, size, ndim, itemsize, nbytes', () => {
    const a = mx.zeros([2, 3], mx.float16);
    expect([a.shape, a.size, a.ndim, a.itemsize, a.nbytes]).toEqual([[2, 3], 6, 2, 2, 12]);
  });
  it('item() and toTypedArray()', () => {
    expect(mx.array(7).item()).toBe(7);
    expect(mx.array(true).item()).toBe(true);
    expect(() => mx.array([1, 2]).item()).toThrow(/\[item\] Only arrays with one element/);
    expect(mx.array([1, 2], mx.int64).toTypedArray()).toEqual(new BigInt64Array([1n, 2n]));
    expect(mx.array([0.5], mx.bfloat16).toTypedArray()).toEqual(new Float32Array([0.5]));
    expect(mx.array([{ re: 1, im: -2 }]).item()).toEqual({ re: 1, im: -2 });
  });
  it('astype between dtypes', () => {
    expect(mx.array([-1.5, 2.5, 300]).astype(mx.uint8).tolist()).toEqual([255, 2, 44]);
    expect(mx.array([true, false]).astype(mx.float32).tolist()).toEqual([1, 0]);
    expect(mx.array([{ re: 3, im: 4 }]).astype(mx.float32).tolist()).toEqual([3]);
    expect(mx.array([65504], mx.float32).astype(mx.float16).astype(mx.int32).tolist()).toEqual([65504]);
    expect(() => mx.zeros([1]).astype('float32' as unknown as mx.Dtype)).toThrow(/\[astype\] Expected a dtype/);
  });
});

describe('printing like MLX', () => {
  it('formats scalars, vectors and dtypes', () => {
    expect(String(mx.array([1, 2, 3]))).toBe('array([1, 2, 3], dtype=int32)');
    expect(String(mx.array([1.5, 2, 0.1]))).toBe('array([1.5, 2, 0.1], dtype=float32)');
    expect(String(mx.array(1 / 3))).toBe('array(0.333333, dtype=float32)');
    expect(String(mx.array([true, false]))).toBe('array([True, False], dtype=bool)');
    expect(String(mx.array([1e-7, 1234567]))).toBe('array([1e-07, 1.23457e+06], dtype=float32)');
    expect(String(mx.float32)).toBe('mlx.core.float32');
    expect(inspect(mx.array([1, 2]))).toBe('array([1, 2], dtype=int32)');
  });
  it('indents nested rows and summarises long dimensions', () => {
    expect(String(mx.array([[1, 2], [3, 4]]))).toBe('array([[1, 2],\n       [3, 4]], dtype=int32)');
    const long = mx.array(Array.from({ length: 10 }, (_, i) => i));
    expect(String(long)).toBe('array([0, 1, 2, ..., 7, 8, 9], dtype=int32)');
    const m = mx.zeros([8, 2], mx.int32);
    expect(String(m)).toBe(
      'array([[0, 0],\n       [0, 0],\n       [0, 0],\n       ...,\n       [0, 0],\n       [0, 0],\n       [0, 0]], dtype=int32)',
    );
  });
});

describe('fills', () => {
  it('full broadcasts values and casts', () => {
    expect(mx.full([2, 2], 7).tolist()).toEqual([[7, 7], [7, 7]]);
    expect(mx.full([2, 3], mx.array([1, 2, 3]), mx.float32).tolist()).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(mx.full([2], 2.5, mx.int32).tolist()).toEqual([2, 2]);
    expect(() => mx.full([2, 2], mx.array([1, 2, 3]))).toThrow(/\[full\] Shapes \(2, 2\) and \(3,\) cannot be broadcast/);
    expect(mx.onesLike(mx.zeros([2], mx.int8)).tolist()).toEqual([1, 1]);
    expect(mx.zerosLike(mx.ones([1], mx.float16)).dtype).toBe(mx.float16);
  });
});
