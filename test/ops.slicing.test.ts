import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { native } from '../sdk/native.js';

// numpy-made expectations (see test/fixtures/shape/gen.py).
type EncodedIndex = number | null | '...' | { slice: [number | null, number | null, number | null] };
const fx = JSON.parse(readFileSync(new URL('./fixtures/shape/shape.json', import.meta.url), 'utf8')) as {
  base_shape: number[];
  index_cases: { index: EncodedIndex[]; shape: number[]; values: number[] }[];
};

function iota(shape: number[], dtype: mx.Dtype = mx.int32): mx.MxArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = mx.array(Float64Array.from({ length: n }, (_, i) => i), dtype);
  return shape.length === 1 ? flat : mx.asStrided(flat, shape);
}

function flat(x: mx.MxArray): number[] {
  return Array.from(x.toTypedArray() as Float32Array, Number);
}

function decode(e: EncodedIndex): mx.IndexEntry {
  if (e !== null && typeof e === 'object') return mx.Slice(e.slice[0], e.slice[1], e.slice[2]);
  return e;
}

function strides(x: mx.MxArray): number[] {
  mx.eval(x);
  return native.arrayStrides(x._native);
}

function allocatedBy(x: mx.MxArray, ...inputs: mx.MxArray[]): number {
  mx.eval(...inputs);
  const before = mx.getActiveMemory();
  mx.eval(x);
  return mx.getActiveMemory() - before;
}

describe('mx.Slice', () => {
  it('follows Python slice() argument rules, with or without new', () => {
    const s = mx.Slice(1, 5, 2);
    expect([s.start, s.stop, s.step]).toEqual([1, 5, 2]);
    expect(s instanceof mx.Slice).toBe(true);
    const n = new mx.Slice(3);
    expect([n.start, n.stop, n.step]).toEqual([null, 3, null]);
    expect(n instanceof mx.Slice).toBe(true);
    expect(String(mx.Slice(null, null, -1))).toBe('::-1');
    expect(String(mx.Slice(2, null))).toBe('2:');
    expect(String(mx.Slice())).toBe(':');
    expect(inspect(mx.Slice(1, null, -1))).toBe('Slice(1, null, -1)');
  });

  it('rejects non-integer bounds', () => {
    expect(() => mx.Slice(1.5)).toThrow('[Slice] Slice stop must be an integer or null, got number 1.5.');
    expect(() => mx.Slice(0, 2 ** 40)).toThrow('[Slice] Slice indices must be 32-bit integers');
  });
});

describe('x.index(...) basic indexing', () => {
  const base = iota(fx.base_shape);

  it('matches numpy for integers, slices, new axes and ellipses', () => {
    expect(fx.index_cases.length).toBeGreaterThan(60);
    for (const c of fx.index_cases) {
      const r = base.index(...c.index.map(decode));
      expect(r.shape, JSON.stringify(c.index)).toEqual(c.shape);
      expect(flat(r), JSON.stringify(c.index)).toEqual(c.values);
    }
  });

  it('integers drop the axis, negative counts from the end', () => {
    const a = iota([3, 4]);
    expect(a.index(1).tolist()).toEqual([4, 5, 6, 7]);
    expect(a.index(-1, -1).tolist()).toBe(11);
    expect(a.index(-1, -1).shape).toEqual([]);
    expect(a.index('...', 2).tolist()).toEqual([2, 6, 10]);
    expect(a.index(null).shape).toEqual([1, 3, 4]);
    expect(a.index(':', null).shape).toEqual([3, 1, 4]);
    expect(a.index().shape).toEqual([3, 4]);
    expect(mx.array(5).index(null, '...').tolist()).toEqual([5]);
  });

  it('accepts Python slice notation strings', () => {
    const a = iota([6]);
    expect(a.index('::-1').tolist()).toEqual([5, 4, 3, 2, 1, 0]);
    expect(a.index('1:').tolist()).toEqual([1, 2, 3, 4, 5]);
    expect(a.index(':-2').tolist()).toEqual([0, 1, 2, 3]);
    expect(a.index('4:0:-2').tolist()).toEqual([4, 2]);
    expect(a.index(' -1 : : -5 ').tolist()).toEqual([5, 0]);
    expect(a.index('10:').tolist()).toEqual([]);
  });

  it('negative steps, clamping and empty slices', () => {
    const a = iota([5]);
    expect(a.index(mx.Slice(null, null, -1)).tolist()).toEqual([4, 3, 2, 1, 0]);
    expect(a.index(mx.Slice(-2, null, -2)).tolist()).toEqual([3, 1]);
    expect(a.index(mx.Slice(100, -100, -3)).tolist()).toEqual([4, 1]);
    expect(a.index(mx.Slice(-100, 100)).tolist()).toEqual([0, 1, 2, 3, 4]);
    expect(a.index(mx.Slice(3, 1)).shape).toEqual([0]);
    expect(a.index(mx.Slice(1, 3, -1)).shape).toEqual([0]);
    expect(iota([2, 3]).index(':', mx.Slice(2, 2)).shape).toEqual([2, 0]);
    expect(mx.zeros([0, 3]).index(mx.Slice(null, null, -1)).shape).toEqual([0, 3]);
    const e = iota([4, 3]).index(mx.Slice(5, null));
    expect(e.shape).toEqual([0, 3]);
    expect(e.tolist()).toEqual([]);
  });

  it('returns strided views that share memory', () => {
    const a = iota([4, 6]);
    mx.eval(a);
    const r = a.index(mx.Slice(null, null, -1), mx.Slice(1, null, 2));
    expect(strides(r)).toEqual([-6, 2]);
    expect(allocatedBy(r, a)).toBe(0);
    expect(r.tolist()).toEqual([[19, 21, 23], [13, 15, 17], [7, 9, 11], [1, 3, 5]]);
    const col = a.index('...', 3);
    expect(strides(col)).toEqual([6]);
    expect(allocatedBy(col, a)).toBe(0);
    const nv = a.index(2, null, '1:3');
    expect(nv.shape).toEqual([1, 2]);
    expect(allocatedBy(nv, a)).toBe(0);
    expect(nv.tolist()).toEqual([[13, 14]]);
    // A view of a view of a view keeps reading the same buffer.
    const vvv = a.T.index(mx.Slice(null, null, -2)).index(1, '::-1');
    expect(allocatedBy(vvv, a)).toBe(0);
    expect(vvv.tolist()).toEqual([21, 15, 9, 3]);
  });

  it('ops on negative-stride and offset views compute the right values', () => {
    const a = iota([3, 4], mx.float32);
    const v = a.index('::-1', '1::2'); // [[9, 11], [5, 7], [1, 3]]
    expect(v.astype(mx.int32).tolist()).toEqual([[9, 11], [5, 7], [1, 3]]);
    expect(v.reshape(-1).tolist()).toEqual([9, 11, 5, 7, 1, 3]);
    expect(v.T.tolist()).toEqual([[9, 5, 1], [11, 7, 3]]);
    expect(mx.concatenate([v, v.index('::-1')], 1).tolist()).toEqual([
      [9, 11, 1, 3],
      [5, 7, 5, 7],
      [1, 3, 9, 11],
    ]);
    expect(mx.broadcastTo(v.index(0), [2, 2]).tolist()).toEqual([[9, 11], [9, 11]]);
    expect(Array.from(v.toTypedArray() as Float32Array)).toEqual([9, 11, 5, 7, 1, 3]);
    expect(v.split(3).map((p) => p.tolist())).toEqual([[[9, 11]], [[5, 7]], [[1, 3]]]);
    expect(String(v.index(1))).toBe('array([5, 7], dtype=float32)');
  });

  it('indexes every dtype without changing it', () => {
    const dtypes = [
      mx.bool_, mx.uint8, mx.uint16, mx.uint32, mx.uint64, mx.int8, mx.int16, mx.int32, mx.int64,
      mx.float16, mx.bfloat16, mx.float32, mx.float64,
    ];
    for (const d of dtypes) {
      const a = mx.array([[0, 1, 1], [1, 0, 0]], d);
      const r = a.index('::-1', mx.Slice(null, null, -2));
      expect(r.dtype).toBe(d);
      const want = d === mx.bool_ ? [[false, true], [true, false]] : [[0, 1], [1, 0]];
      expect(r.tolist()).toEqual(want);
      expect(a.index(1, -3).item()).toEqual(d === mx.bool_ ? true : 1);
    }
    const h = mx.array([0.5, 1.5, -2.25], mx.bfloat16).index('::-1');
    expect(h.tolist()).toEqual([-2.25, 1.5, 0.5]);
    const c = mx.array([{ re: 1, im: -1 }, { re: 2, im: -2 }]).index(-1);
    expect(c.item()).toEqual({ re: 2, im: -2 });
    const f16 = mx.concatenate([mx.array([0.25], mx.float16), h.astype(mx.float16)]);
    expect([f16.dtype, f16.tolist()]).toEqual([mx.float16, [0.25, -2.25, 1.5, 0.5]]);
  });

  it('reports bad indices', () => {
    const a = iota([3, 4]);
    expect(() => a.index(3)).toThrow('[index] Index 3 is out of bounds for axis 0 with size 3.');
    expect(() => a.index(0, -5)).toThrow('[index] Index -5 is out of bounds for axis 1 with size 4.');
    expect(() => a.index(0, 0, 0)).toThrow('[index] Too many indices for array with 2 dimensions: got 3.');
    expect(() => mx.array(1).index(0)).toThrow('[index] Too many indices for array with 0 dimensions');
    expect(() => a.index('...', '...')).toThrow("[index] An index can only have a single ellipsis ('...').");
    expect(() => a.index(mx.Slice(null, null, 0))).toThrow('[index] Slice step cannot be zero.');
    expect(() => a.index(1.5)).toThrow('[index] Indices must be integers, got 1.5.');
    expect(() => a.index('a:b')).toThrow("[index] Cannot parse the index string 'a:b'");
    expect(() => a.index(mx.array([0, 1]) as unknown as number)).toThrow('[index] Array (fancy) indexing is not supported');
    expect(() => a.index(true as unknown as number)).toThrow('[index] Cannot index an array with boolean true.');
  });
});

describe('mx.slice (dynamic slice)', () => {
  const a = mx.array([[1, 2, 3], [4, 5, 6]]);

  it('matches the MLX documentation examples', () => {
    expect(mx.slice(a, mx.array(1), [0], [1, 2]).tolist()).toEqual([[4, 5]]);
    expect(mx.slice(a, mx.array(1), [1], [2, 1]).tolist()).toEqual([[2], [5]]);
  });

  it('takes start indices as an array or a list, on several axes', () => {
    const b = mx.asStrided(mx.array(Float64Array.from({ length: 24 }, (_, i) => i), mx.int32), [4, 6]);
    expect(mx.slice(b, [1, 2], [0, 1], [2, 3]).tolist()).toEqual([[8, 9, 10], [14, 15, 16]]);
    expect(mx.slice(b, mx.array([2, 1], mx.uint8), [1, 0], [2, 2]).tolist()).toEqual([[8, 9], [14, 15]]);
    expect(mx.slice(b, mx.array([3], mx.int64), -1, [1, 3]).tolist()).toEqual([[3, 4, 5]]);
    // A strided input (its transpose).
    expect(mx.slice(b.T, [4], [0], [2, 2]).tolist()).toEqual([[4, 10], [5, 11]]);
  });

  it('clamps starts so that the block stays inside', () => {
    expect(mx.slice(a, mx.array(5), [1], [2, 2]).tolist()).toEqual([[2, 3], [5, 6]]);
    expect(mx.slice(a, mx.array(-3), [0], [1, 3]).tolist()).toEqual([[1, 2, 3]]);
  });

  it('reports bad arguments like MLX', () => {
    expect(() => mx.slice(a, mx.array([1, 2]), [0], [1, 2])).toThrow(
      '[slice] Number of starting indices 2 does not match number of axes 1.',
    );
    expect(() => mx.slice(a, mx.array(1.5), [0], [1, 2])).toThrow('[slice] Start indices must be integers, got type float32.');
    expect(() => mx.slice(a, mx.array(1), [2], [1, 2])).toThrow('[slice] Invalid axis 2 for array with dimension 2.');
    expect(() => mx.slice(a, [0, 0], [0, -2], [1, 2])).toThrow('[slice] Repeat axes not allowed.');
    expect(() => mx.slice(a, mx.array(0), [0], [3, 2])).toThrow(
      '[slice] Invalid slice size (3, 2) for array with shape (2, 3).',
    );
    expect(() => mx.slice(a, mx.array(0), [0], [1])).toThrow('[slice] Invalid slice size (1,) for array with 2 dimensions');
    expect(() => mx.slice(a, [0.5], [0], [1, 1])).toThrow('[slice] Start indices must be integers, got number 0.5.');
  });
});
