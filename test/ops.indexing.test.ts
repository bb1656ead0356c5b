import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as mx from 'mlx-ts';

// numpy fixtures: test/fixtures/indexing/gen_fixtures.py
interface GatherCase {
  a_shape: number[];
  a: number[];
  indices_shape: number[];
  indices: number[];
  axis: number | null;
  out_shape: number[];
  out: number[];
}
interface Fixture {
  take: GatherCase[];
  take_oob: { indices: number[]; out: number[] };
  take_along_axis: GatherCase[];
  take_along_axis_flat: { indices: number[]; out: number[] };
}
const fx = JSON.parse(
  readFileSync(new URL('./fixtures/indexing/indexing.json', import.meta.url), 'utf8'),
) as Fixture;

/** A row-major array of `shape` from flat values. */
function shaped(values: number[], shape: number[], dtype: mx.Dtype = mx.float32): mx.MxArray {
  if (shape.length === 0) return mx.array(values[0], dtype);
  return mx.asStrided(mx.array(values, dtype), shape);
}

function flat(x: mx.MxArray): number[] {
  return Array.from(x.astype(mx.float64).toTypedArray() as Float64Array);
}

// The dtypes every gather must move (1, 2, 4 and 8 byte elements).
const allDtypes = [
  mx.bool_, mx.uint8, mx.uint16, mx.uint32, mx.uint64, mx.int8, mx.int16, mx.int32, mx.int64,
  mx.float16, mx.bfloat16, mx.float32, mx.float64, mx.complex64,
];
const indexDtypes = [mx.int8, mx.int16, mx.int32, mx.int64, mx.uint8, mx.uint16, mx.uint32, mx.uint64];

describe('take (numpy fixture)', () => {
  it.each(fx.take.map((c) => [String(c.indices_shape), String(c.axis), c] as const))(
    'indices (%s) axis %s',
    (_s, _a, c) => {
      const a = shaped(c.a, c.a_shape);
      const idx = shaped(c.indices, c.indices_shape, mx.int32);
      const out = mx.take(a, idx, c.axis);
      expect(out.shape).toEqual(c.out_shape);
      expect(out.dtype).toBe(mx.float32);
      expect(flat(out)).toEqual(c.out);
    },
  );
});

describe('take', () => {
  const m = mx.array([[1, 2, 3], [4, 5, 6]]);

  it('takes along an axis, flattened without one, and as a method', () => {
    expect(mx.take(m, mx.array([2, 0, -1]), 1).tolist()).toEqual([[3, 1, 3], [6, 4, 6]]);
    expect(mx.take(m, mx.array([1, 1]), 0).tolist()).toEqual([[4, 5, 6], [4, 5, 6]]);
    expect(mx.take(m, mx.array([[5, 0], [-2, 3]])).tolist()).toEqual([[6, 1], [5, 4]]);
    expect(m.take(mx.array([0, 2]), -1).tolist()).toEqual([[1, 3], [4, 6]]);
    expect(m.take(mx.array([4])).tolist()).toEqual([5]);
  });

  it('takes a JS integer index: the axis is removed', () => {
    expect(mx.take(m, 1, 0).tolist()).toEqual([4, 5, 6]);
    expect(mx.take(m, -1, 1).tolist()).toEqual([3, 6]);
    const s = mx.take(m, -2);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(5);
    expect(m.take(0, 1).tolist()).toEqual([1, 4]);
  });

  it('keeps the dtype for every dtype', () => {
    for (const dt of allDtypes) {
      const a = mx.array([[0, 1, 2], [3, 4, 5]], dt);
      const out = mx.take(a, mx.array([2, 0, 1, -3]), 1);
      expect(out.dtype).toBe(dt);
      expect(out.tolist()).toEqual(mx.array([[2, 0, 1, 0], [5, 3, 4, 3]], dt).tolist());
      const rows = mx.take(a, mx.array([1, 0]), 0);
      expect(rows.tolist()).toEqual(mx.array([[3, 4, 5], [0, 1, 2]], dt).tolist());
    }
  });

  it('keeps complex values whole', () => {
    const c = mx.array([{ re: 1, im: -1 }, { re: 2.5, im: 3 }, { re: 0, im: 7 }]);
    expect(mx.take(c, mx.array([2, 0])).tolist()).toEqual([{ re: 0, im: 7 }, { re: 1, im: -1 }]);
  });

  it('accepts every integer index dtype', () => {
    const a = mx.array([10, 20, 30, 40, 50]);
    for (const dt of indexDtypes) {
      expect(mx.take(a, mx.array([4, 0, 2], dt)).tolist()).toEqual([50, 10, 30]);
    }
    // Negative values of signed types wrap.
    for (const dt of [mx.int8, mx.int16, mx.int32, mx.int64]) {
      expect(mx.take(a, mx.array([-1, -5], dt)).tolist()).toEqual([50, 10]);
    }
  });

  it('reads strided, transposed and broadcast inputs', () => {
    const base = mx.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], mx.float32);
    // The transpose of the 3x4 row-major matrix: t[i][j] = 4 * j + i.
    const t = mx.asStrided(base, [4, 3], [1, 4]);
    expect(mx.take(t, mx.array([3, 0]), 0).tolist()).toEqual([[3, 7, 11], [0, 4, 8]]);
    expect(mx.take(t, mx.array([2, 1]), 1).tolist()).toEqual([[8, 4], [9, 5], [10, 6], [11, 7]]);
    // Flattened take follows the transposed (logical) row-major order.
    expect(mx.take(t, mx.array([0, 1, 2, 3, 11])).tolist()).toEqual([0, 4, 8, 1, 11]);
    // Every other column, with an offset: cols 1, 3 of the 3x4 matrix.
    const cols = mx.asStrided(base, [3, 2], [4, 2], 1);
    expect(mx.take(cols, mx.array([1, 0, 1]), 1).tolist()).toEqual([[3, 1, 3], [7, 5, 7], [11, 9, 11]]);
    expect(mx.take(cols, mx.array([2]), 0).tolist()).toEqual([[9, 11]]);
    // A 3-D strided view with the take axis in the middle: post dims not contiguous.
    const big = mx.array(Array.from({ length: 60 }, (_, i) => i), mx.int32);
    const v = mx.asStrided(big, [2, 3, 2, 2], [30, 10, 1, 5]); // v[a][b][c][d] = 30a + 10b + c + 5d
    const out = mx.take(v, mx.array([2, 0]), 1);
    const expected: number[][][][] = [];
    for (let a = 0; a < 2; ++a) {
      const pa: number[][][] = [];
      for (const b of [2, 0]) {
        const pb: number[][] = [];
        for (let c = 0; c < 2; ++c) pb.push([30 * a + 10 * b + c, 30 * a + 10 * b + c + 5]);
        pa.push(pb);
      }
      expected.push(pa);
    }
    expect(out.tolist()).toEqual(expected);
    // A broadcast row (stride 0) repeated 3 times.
    const row = mx.asStrided(mx.array([7, 8, 9]), [3, 3], [0, 1]);
    expect(mx.take(row, mx.array([2, 0]), 1).tolist()).toEqual([[9, 7], [9, 7], [9, 7]]);
    expect(mx.take(row, mx.array([1]), 0).tolist()).toEqual([[7, 8, 9]]);
  });

  it('reads strided indices', () => {
    const a = mx.array([10, 20, 30, 40]);
    const idx = mx.asStrided(mx.array([3, 9, 1, 9, 2, 9]), [3], [2]); // [3, 1, 2]
    expect(mx.take(a, idx).tolist()).toEqual([40, 20, 30]);
    const idxT = mx.asStrided(mx.array([0, 1, 2, 3]), [2, 2], [1, 2]); // [[0, 2], [1, 3]]
    expect(mx.take(a, idxT, 0).tolist()).toEqual([[10, 30], [20, 40]]);
    const idxB = mx.asStrided(mx.array([3]), [2, 2], [0, 0]);
    expect(mx.take(a, idxB).tolist()).toEqual([[40, 40], [40, 40]]);
  });

  it('clamps out-of-range array indices instead of reading out of bounds', () => {
    const a = mx.array([1, 11, 21], mx.float32);
    const out = mx.take(a, mx.array(fx.take_oob.indices));
    expect(out.tolist()).toEqual(fx.take_oob.out);
    // Extreme values of every index type stay inside the array.
    expect(mx.take(a, mx.array([2 ** 40, -(2 ** 40)], mx.int64)).tolist()).toEqual([21, 1]);
    expect(mx.take(a, mx.array([255], mx.uint8)).tolist()).toEqual([21]);
    expect(mx.take(a, mx.array([2 ** 32 - 1], mx.uint32)).tolist()).toEqual([21]);
    expect(mx.take(mx.array([[1, 2], [3, 4]]), mx.array([7, -9]), 1).tolist()).toEqual([[2, 1], [4, 3]]);
  });

  it('handles empty indices and empty arrays', () => {
    const m2 = mx.array([[1, 2, 3], [4, 5, 6]]);
    const e = mx.take(m2, mx.array([], mx.int32), 1);
    expect(e.shape).toEqual([2, 0]);
    expect(e.tolist()).toEqual([[], []]);
    const z = mx.zeros([0, 3]);
    expect(mx.take(z, mx.array([1, 2]), 1).shape).toEqual([0, 2]);
    expect(mx.take(z, mx.array([], mx.int32), 0).shape).toEqual([0, 3]);
  });

  it('gathers large arrays across threads', () => {
    const n = 512;
    const data = new Float32Array(n * n).map((_, i) => i);
    const a = mx.asStrided(mx.array(data), [n, n]);
    const idx = Array.from({ length: 700 }, (_, i) => (i * 37) % n);
    const rows = mx.take(a, mx.array(idx), 0).toTypedArray() as Float32Array;
    const cols = mx.take(a, mx.array(idx), 1).toTypedArray() as Float32Array;
    let bad = 0;
    for (let r = 0; r < idx.length; ++r) {
      for (let j = 0; j < n; ++j) if (rows[r * n + j] !== idx[r] * n + j) ++bad;
    }
    for (let i = 0; i < n; ++i) {
      for (let r = 0; r < idx.length; ++r) if (cols[i * idx.length + r] !== i * n + idx[r]) ++bad;
    }
    expect(bad).toBe(0);
  });

  it('rejects bad input with messages', () => {
    expect(() => mx.take(m, mx.array([0.5, 1]))).toThrow(
      '[take] Got indices with invalid dtype float32. Indices must be integral.',
    );
    expect(() => mx.take(m, mx.array([true]), 0)).toThrow(
      '[take] Got indices with invalid dtype bool. Indices must be integral.',
    );
    expect(() => mx.take(m, mx.array([0]), 2)).toThrow(
      '[take] Axis 2 is out of bounds for array with 2 dimensions.',
    );
    expect(() => mx.take(m, mx.array([0]), -3)).toThrow(
      '[take] Axis -3 is out of bounds for array with 2 dimensions.',
    );
    expect(() => mx.take(m, 3, 1)).toThrow('[take] Index 3 is out of bounds for axis 1 with size 3.');
    expect(() => mx.take(m, -3, 0)).toThrow('[take] Index -3 is out of bounds for axis 0 with size 2.');
    expect(() => mx.take(m, 6)).toThrow('[take] Index 6 is out of bounds for the flattened array of size 6.');
    expect(() => mx.take(m, 1.5)).toThrow('[take] Expected an integer argument, got 1.5.');
    expect(() => mx.take(m, [0, 1] as unknown as mx.MxArray)).toThrow(
      '[take] Expected an integer array or an integer for indices, got a JS Array.',
    );
    expect(() => mx.take(mx.zeros([2, 0]), mx.array([0]), 1)).toThrow(
      '[take] Cannot do a non-empty take from an empty axis: axis 1 of the array of shape (2, 0) has size 0.',
    );
    expect(() => mx.take(mx.zeros([0]), mx.array([0]))).toThrow(
      '[take] Cannot do a non-empty take from an array with zero elements.',
    );
  });
});

describe('takeAlongAxis (numpy fixture)', () => {
  it.each(fx.take_along_axis.map((c) => [String(c.indices_shape), String(c.axis), c] as const))(
    'indices (%s) axis %s',
    (_s, _a, c) => {
      const a = shaped(c.a, c.a_shape);
      const idx = shaped(c.indices, c.indices_shape, mx.int32);
      const out = mx.takeAlongAxis(a, idx, c.axis);
      expect(out.shape).toEqual(c.out_shape);
      expect(flat(out)).toEqual(c.out);
    },
  );

  it('axis null takes from the flattened array', () => {
    const c = fx.take_along_axis[0];
    const a = shaped(c.a, c.a_shape);
    const idx = mx.array(fx.take_along_axis_flat.indices, mx.int64);
    expect(flat(mx.takeAlongAxis(a, idx))).toEqual(fx.take_along_axis_flat.out);
    expect(flat(mx.takeAlongAxis(a, idx, null))).toEqual(fx.take_along_axis_flat.out);
  });
});

describe('takeAlongAxis', () => {
  const a = mx.array([[10, 30, 20], [60, 40, 50]]);

  it('gathers along rows and columns, broadcasting indices', () => {
    expect(mx.takeAlongAxis(a, mx.array([[0], [2]]), 1).tolist()).toEqual([[10], [50]]);
    expect(mx.takeAlongAxis(a, mx.array([[1, 0, 1]]), 0).tolist()).toEqual([[60, 30, 50]]);
    // Indices (1, 2) broadcast over the 2 rows.
    expect(mx.takeAlongAxis(a, mx.array([[2, -3]]), 1).tolist()).toEqual([[20, 10], [50, 60]]);
    // The array (1, 3) broadcasts over the 2 index rows.
    expect(mx.takeAlongAxis(mx.array([[5, 6, 7]]), mx.array([[0, 1], [2, 2]]), 1).tolist()).toEqual([
      [5, 6],
      [7, 7],
    ]);
  });

  it('keeps the dtype for every dtype and index dtype', () => {
    for (const dt of allDtypes) {
      const x = mx.array([[0, 1, 2], [3, 4, 5]], dt);
      const out = mx.takeAlongAxis(x, mx.array([[2, 0], [1, 1]]), 1);
      expect(out.dtype).toBe(dt);
      expect(out.tolist()).toEqual(mx.array([[2, 0], [4, 4]], dt).tolist());
    }
    for (const dt of indexDtypes) {
      expect(mx.takeAlongAxis(a, mx.array([[2, 0], [1, 1]], dt), 1).tolist()).toEqual([[20, 10], [40, 40]]);
    }
  });

  it('reads strided arrays and strided/broadcast indices', () => {
    const base = mx.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], mx.float32);
    const t = mx.asStrided(base, [4, 3], [1, 4]); // t[i][j] = 4j + i
    const idx = mx.array([[2, 0, 1], [0, 0, 0], [1, 2, 0], [-1, 1, 2]]);
    expect(mx.takeAlongAxis(t, idx, 1).tolist()).toEqual([[8, 0, 4], [1, 1, 1], [6, 10, 2], [11, 7, 11]]);
    // Indices transposed by strides: [[3, 1, 0], [0, 2, 3]] read column-wise.
    const idxT = mx.asStrided(mx.array([3, 0, 1, 2, 0, 3]), [2, 3], [1, 2]);
    expect(mx.takeAlongAxis(t, idxT, 0).tolist()).toEqual([[3, 5, 8], [0, 6, 11]]);
    // Broadcast indices by zero strides: one index per row repeated.
    const idxB = mx.asStrided(mx.array([2, 1, 0, 2]), [4, 2], [1, 0]);
    expect(mx.takeAlongAxis(t, idxB, 1).tolist()).toEqual([[8, 8], [5, 5], [2, 2], [11, 11]]);
    // A broadcast array (stride 0 rows).
    const rows = mx.asStrided(mx.array([7, 8, 9], mx.int16), [3, 3], [0, 1]);
    expect(mx.takeAlongAxis(rows, mx.array([[0], [1], [2]]), 1).tolist()).toEqual([[7], [8], [9]]);
  });

  it('clamps out-of-range indices', () => {
    expect(mx.takeAlongAxis(a, mx.array([[5, -7], [-4, 3]]), 1).tolist()).toEqual([[20, 10], [60, 50]]);
    expect(mx.takeAlongAxis(a, mx.array([[2 ** 40]], mx.int64), 0).tolist()).toEqual([[60, 40, 50]]);
  });

  it('handles empty results', () => {
    expect(mx.takeAlongAxis(a, mx.zeros([2, 0], mx.int32), 1).shape).toEqual([2, 0]);
    expect(mx.takeAlongAxis(mx.zeros([0, 3]), mx.zeros([1, 2], mx.int32), 1).shape).toEqual([0, 2]);
  });

  it('gathers large arrays across threads', () => {
    const n = 400;
    const a2 = mx.asStrided(mx.array(new Float32Array(n * n).map((_, i) => i)), [n, n]);
    const idxVals = new Int32Array(n * 300).map((_, i) => (i * 7919) % n);
    const idx = mx.asStrided(mx.array(idxVals), [n, 300]);
    const out = mx.takeAlongAxis(a2, idx, 1).toTypedArray() as Float32Array;
    let bad = 0;
    for (let i = 0; i < n; ++i) {
      for (let j = 0; j < 300; ++j) if (out[i * 300 + j] !== i * n + idxVals[i * 300 + j]) ++bad;
    }
    expect(bad).toBe(0);
  });

  it('rejects bad input with messages', () => {
    expect(() => mx.takeAlongAxis(a, mx.array([0, 1]), 1)).toThrow(
      '[take_along_axis] Indices of dimension 1 does not match array of dimension 2.',
    );
    expect(() => mx.takeAlongAxis(a, mx.array([[0], [1], [0]]), 1)).toThrow(
      '[take_along_axis] Indices of shape (3, 1) cannot be broadcast with the array of shape (2, 3) outside axis 1 (dimension 0: 3 vs 2).',
    );
    expect(() => mx.takeAlongAxis(a, mx.array([[0]]), 2)).toThrow(
      '[take_along_axis] Axis 2 is out of bounds for array with 2 dimensions.',
    );
    expect(() => mx.takeAlongAxis(a, mx.array([[0.5]]), 1)).toThrow(
      '[take_along_axis] Got indices with invalid dtype float32. Indices must be integral.',
    );
    expect(() => mx.takeAlongAxis(a, mx.array([[0]]))).toThrow(
      '[take_along_axis] Indices of dimension 2 does not match array of dimension 1 (the flattened array; axis is None).',
    );
    expect(() => mx.takeAlongAxis(mx.zeros([2, 0]), mx.array([[0]]), 1)).toThrow(
      '[take_along_axis] Cannot do a non-empty take from an empty axis: axis 1 of the array of shape (2, 0) has size 0.',
    );
    expect(() => mx.takeAlongAxis(a, 1 as unknown as mx.MxArray, 0)).toThrow(
      '[take_along_axis] Expected an integer array for indices, got number 1.',
    );
  });
});
