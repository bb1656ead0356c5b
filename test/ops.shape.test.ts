import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { native } from '../sdk/native.js';

// numpy-made expectations (see test/fixtures/shape/gen.py).
interface Result {
  shape: number[];
  values: number[];
}
const fx = JSON.parse(readFileSync(new URL('./fixtures/shape/shape.json', import.meta.url), 'utf8')) as {
  t_shape: number[];
  perm_cases: ({ axes: number[] } & Result)[];
  move_cases: ({ source: number; destination: number } & Result)[];
  swap_cases: ({ axis1: number; axis2: number } & Result)[];
  reshape_cases: ({ axes: number[]; shape: number[] } & Result)[];
  split_cases: { indicesOrSections: number | number[]; axis: number; parts: Result[] }[];
};

/** 0, 1, ..., prod(shape) - 1 in row-major order (independent of any op under test). */
function iota(shape: number[], dtype: mx.Dtype = mx.int32): mx.MxArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = mx.array(Float64Array.from({ length: n }, (_, i) => i), dtype);
  return shape.length === 1 ? flat : mx.asStrided(flat, shape);
}

function flat(x: mx.MxArray): number[] {
  return Array.from(x.toTypedArray() as Float32Array, Number);
}

function expectResult(x: mx.MxArray, r: Result): void {
  expect(x.shape).toEqual(r.shape);
  expect(flat(x)).toEqual(r.values);
}

function strides(x: mx.MxArray): number[] {
  mx.eval(x);
  return native.arrayStrides(x._native);
}

/** Bytes allocated while evaluating `x` (0 for a view of evaluated inputs). */
function allocatedBy(x: mx.MxArray, ...inputs: mx.MxArray[]): number {
  mx.eval(...inputs);
  const before = mx.getActiveMemory();
  mx.eval(x);
  return mx.getActiveMemory() - before;
}

describe('reshape', () => {
  it('reshapes row-major and infers one -1 dimension', () => {
    const a = iota([6]);
    expect(mx.reshape(a, [2, 3]).tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(mx.reshape(a, [3, -1]).shape).toEqual([3, 2]);
    expect(mx.reshape(a, [-1]).shape).toEqual([6]);
    expect(mx.reshape(iota([2, 3]), [3, 2]).tolist()).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(mx.reshape(mx.array(5), [1, 1]).tolist()).toEqual([[5]]);
    expect(mx.reshape(iota([1]), []).shape).toEqual([]);
    expect(mx.reshape(mx.zeros([0, 3]), [3, 0, 5]).shape).toEqual([3, 0, 5]);
  });

  it('array method takes the shape as arguments or as a list', () => {
    const a = iota([6]);
    expect(a.reshape(2, 3).shape).toEqual([2, 3]);
    expect(a.reshape([3, 2]).shape).toEqual([3, 2]);
    expect(a.reshape([3, 2], mx.cpu).shape).toEqual([3, 2]);
    expect(a.reshape(-1, 2, mx.cpu).shape).toEqual([3, 2]);
  });

  it('is a view of a row-contiguous input', () => {
    const a = iota([4, 6]);
    const r = a.reshape(2, 3, 4);
    expect(allocatedBy(r, a)).toBe(0);
    expect(strides(r)).toEqual([12, 4, 1]);
  });

  it('views a non-contiguous input when its strides allow, copies otherwise', () => {
    // Every other row of a 6x4 matrix: rows stay contiguous inside.
    const a = iota([6, 4]);
    const rows = mx.asStrided(a, [3, 4], [8, 1]);
    const split = rows.reshape(3, 2, 2);
    expect(allocatedBy(split, rows)).toBe(0);
    expect(strides(split)).toEqual([8, 2, 1]);
    expect(split.tolist()).toEqual([[[0, 1], [2, 3]], [[8, 9], [10, 11]], [[16, 17], [18, 19]]]);
    // Merging the rows needs a copy (the gap between rows).
    const merged = rows.reshape(12);
    expect(allocatedBy(merged, rows)).toBeGreaterThanOrEqual(12 * 4);
    expect(merged.tolist()).toEqual([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19]);
    // A transposed matrix flattened is a copy in the transposed order.
    const t = mx.asStrided(iota([2, 3]), [3, 2], [1, 3]);
    expect(t.reshape(-1).tolist()).toEqual([0, 3, 1, 4, 2, 5]);
    // A broadcast can split its axes without a copy.
    const b = mx.broadcastTo(mx.array([7]), [4, 6]);
    const br = b.reshape(2, 12);
    expect(allocatedBy(br, b)).toBe(0);
    expect(br.tolist()).toEqual([new Array(12).fill(7), new Array(12).fill(7)]);
  });

  it('matches numpy on transposed inputs', () => {
    const t = iota(fx.t_shape);
    for (const c of fx.reshape_cases) expectResult(mx.transpose(t, c.axes).reshape(c.shape), c);
  });

  it('reports bad shapes like MLX', () => {
    const a = iota([6]);
    expect(() => a.reshape(4)).toThrow('[reshape] Cannot reshape array of size 6 into shape (4,).');
    expect(() => a.reshape(4, -1)).toThrow('[reshape] Cannot reshape array of size 6 into shape (4, 1).');
    expect(() => a.reshape(-1, -1)).toThrow('[reshape] Reshape can only infer one dimension.');
    expect(() => mx.zeros([0]).reshape(0, -1)).toThrow('[reshape] Cannot infer the shape of an empty array.');
    expect(() => a.reshape(-2, -3)).toThrow('[reshape] Invalid dimension -2 in shape (-2, -3)');
    expect(() => a.reshape(2.5 as number)).toThrow(/\[reshape\] Expected an integer/);
    expect(() => a.reshape('x' as unknown as number)).toThrow(/\[reshape\] Expected integers or a list of integers, got string x/);
  });
});

describe('transpose, moveaxis, swapaxes', () => {
  const t = iota([2, 3, 4, 5]);

  it('matches numpy for permutations and is a view with permuted strides', () => {
    for (const c of fx.perm_cases) expectResult(mx.transpose(t, c.axes), c);
    const v = t.transpose(3, 1, 0, 2);
    expect(strides(v)).toEqual([1, 20, 60, 5]);
    expect(allocatedBy(v, t)).toBe(0);
  });

  it('reverses the axes by default; T and the method forms', () => {
    const a = iota([2, 3]);
    expect(mx.transpose(a).tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(a.T.tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(a.transpose().shape).toEqual([3, 2]);
    expect(a.transpose(1, 0).shape).toEqual([3, 2]);
    expect(a.transpose([-1, -2]).shape).toEqual([3, 2]);
    expect(t.T.shape).toEqual([5, 4, 3, 2]);
    expect(strides(t.T)).toEqual([1, 5, 20, 60]);
    expect(a.T.T.tolist()).toEqual(a.tolist());
    expect(mx.array(3).T.tolist()).toBe(3);
  });

  it('moveaxis and swapaxes match numpy', () => {
    for (const c of fx.move_cases) expectResult(mx.moveaxis(t, c.source, c.destination), c);
    for (const c of fx.swap_cases) expectResult(t.swapaxes(c.axis1, c.axis2), c);
    expect(t.moveaxis(0, -1).shape).toEqual([3, 4, 5, 2]);
  });

  it('reports bad axes', () => {
    expect(() => mx.transpose(iota([2, 3, 4]), [1, 0])).toThrow(
      '[transpose] Received 2 axes for array with 3 dimensions.',
    );
    expect(() => mx.transpose(iota([2, 3]), [0, 2])).toThrow('[transpose] Invalid axis (2) for array with 2 dimensions.');
    expect(() => mx.transpose(iota([2, 3]), [0, -2])).toThrow('[transpose] Repeat axes not allowed');
    expect(() => mx.moveaxis(iota([2, 3]), 2, 0)).toThrow('[moveaxis] Invalid axis 2 for array with 2 dimensions.');
    expect(() => mx.swapaxes(iota([2, 3]), 0, -3)).toThrow('[swapaxes] Invalid axis -3 for array with 2 dimensions.');
  });

  it('keeps every dtype intact through a transposed copy', () => {
    const dtypes = [
      mx.bool_, mx.uint8, mx.uint16, mx.uint32, mx.uint64, mx.int8, mx.int16, mx.int32, mx.int64,
      mx.float16, mx.bfloat16, mx.float32, mx.float64,
    ];
    for (const d of dtypes) {
      const a = mx.array([[0, 1, 0], [1, 1, 0]], d);
      const t = a.T;
      expect(t.dtype).toBe(d);
      const expected = d === mx.bool_ ? [[false, true], [true, true], [false, false]] : [[0, 1], [1, 1], [0, 0]];
      expect(t.tolist()).toEqual(expected);
      // A copy through astype of the strided view.
      expect(t.astype(mx.float32).tolist()).toEqual([[0, 1], [1, 1], [0, 0]]);
    }
    const c = mx.array([[{ re: 1, im: 2 }, { re: 3, im: 4 }]]).T;
    expect(c.tolist()).toEqual([[{ re: 1, im: 2 }], [{ re: 3, im: 4 }]]);
  });
});

describe('broadcastTo and broadcastArrays', () => {
  it('broadcasts with zero strides (a view)', () => {
    const a = mx.array([[1], [2]]);
    const b = mx.broadcastTo(a, [3, 2, 4]);
    expect(b.shape).toEqual([3, 2, 4]);
    expect(strides(b)).toEqual([0, 1, 0]);
    expect(allocatedBy(b, a)).toBe(0);
    expect(b.tolist()).toEqual(new Array(3).fill([[1, 1, 1, 1], [2, 2, 2, 2]]));
    expect(mx.broadcastTo(5, [2, 2]).tolist()).toEqual([[5, 5], [5, 5]]);
    expect(mx.broadcastTo(mx.array([1, 2]), [0, 2]).shape).toEqual([0, 2]);
    expect(mx.broadcastTo(mx.array([1, 2]), [2]).tolist()).toEqual([1, 2]);
  });

  it('broadcasts a transposed input', () => {
    const t = mx.asStrided(iota([2, 3]), [3, 2], [1, 3]); // [[0,3],[1,4],[2,5]]
    const b = mx.broadcastTo(t, [2, 3, 2]);
    expect(b.tolist()).toEqual([[[0, 3], [1, 4], [2, 5]], [[0, 3], [1, 4], [2, 5]]]);
  });

  it('reports shapes that do not broadcast', () => {
    expect(() => mx.broadcastTo(iota([2, 3]), [4, 3])).toThrow(
      '[broadcast_to] Cannot broadcast array of shape (2, 3) into shape (4, 3).',
    );
    expect(() => mx.broadcastTo(iota([2, 3]), [3])).toThrow(
      '[broadcast_to] Cannot broadcast array of shape (2, 3) into shape (3,).',
    );
    expect(() => mx.broadcastTo(iota([2]), [-1, 2])).toThrow('[broadcast_to] Negative dimensions not allowed');
  });

  it('broadcastArrays takes a list or arguments', () => {
    const [x, y] = mx.broadcastArrays([mx.array([[1], [2], [3]]), mx.array([10, 20])]);
    expect(x.tolist()).toEqual([[1, 1], [2, 2], [3, 3]]);
    expect(y.tolist()).toEqual([[10, 20], [10, 20], [10, 20]]);
    const outs = mx.broadcastArrays(mx.zeros([2, 1, 3]), mx.zeros([4, 1]), mx.array(1));
    expect(outs.map((o) => o.shape)).toEqual([[2, 4, 3], [2, 4, 3], [2, 4, 3]]);
    expect(mx.broadcastArrays(mx.zeros([2])).length).toBe(1);
    expect(() => mx.broadcastArrays(mx.zeros([2]), mx.zeros([3]))).toThrow(
      '[broadcast_arrays] Shapes (2,) and (3,) cannot be broadcast.',
    );
  });
});

describe('squeeze and expandDims', () => {
  it('squeezes all or given size-1 axes', () => {
    const a = iota([1, 3, 1, 2]);
    expect(mx.squeeze(a).shape).toEqual([3, 2]);
    expect(mx.squeeze(a, 0).shape).toEqual([3, 1, 2]);
    expect(mx.squeeze(a, [-2, 0]).shape).toEqual([3, 2]);
    expect(a.squeeze(2).tolist()).toEqual([[[0, 1], [2, 3], [4, 5]]]);
    expect(allocatedBy(a.squeeze(), a)).toBe(0);
    expect(mx.squeeze(mx.array([[7]])).shape).toEqual([]);
  });

  it('expands at output positions', () => {
    const a = iota([2, 3]);
    expect(mx.expandDims(a, 0).shape).toEqual([1, 2, 3]);
    expect(mx.expandDims(a, -1).shape).toEqual([2, 3, 1]);
    expect(mx.expandDims(a, [0, 2, 4]).shape).toEqual([1, 2, 1, 3, 1]);
    expect(mx.expandDims(a, [1, -1]).tolist()).toEqual([[[[0], [1], [2]]], [[[3], [4], [5]]]]);
    const e = mx.expandDims(a, 1);
    expect(allocatedBy(e, a)).toBe(0);
    expect(native.arrayStrides(e._native).filter((_, i) => i !== 1)).toEqual([3, 1]);
  });

  it('reports bad axes', () => {
    const a = iota([1, 3]);
    expect(() => mx.squeeze(a, 1)).toThrow('[squeeze] Cannot squeeze axis 1 with size 3 which is not equal to 1.');
    expect(() => mx.squeeze(a, 2)).toThrow('[squeeze] Axis 2 is out of bounds for array with 2 dimensions.');
    expect(() => mx.squeeze(mx.zeros([1, 1]), [0, -2])).toThrow('[squeeze] Received duplicate axes.');
    expect(() => mx.expandDims(a, 3)).toThrow('[expand_dims] Axis 3 is out of bounds for array with 3 dimensions.');
    expect(() => mx.expandDims(a, [0, 0])).toThrow('[expand_dims] Received duplicate axes.');
  });
});

describe('flatten and unflatten', () => {
  it('flattens ranges of axes with clamping', () => {
    const a = iota([2, 3, 4]);
    expect(mx.flatten(a).shape).toEqual([24]);
    expect(a.flatten(1).shape).toEqual([2, 12]);
    expect(a.flatten(0, 1).shape).toEqual([6, 4]);
    expect(a.flatten(-2, -1).shape).toEqual([2, 12]);
    expect(a.flatten(-10, 10).shape).toEqual([24]);
    expect(mx.flatten(mx.array(3)).tolist()).toEqual([3]);
    expect(mx.flatten(mx.array([[1, 2], [3, 4]])).tolist()).toEqual([1, 2, 3, 4]);
    expect(allocatedBy(a.flatten(), a)).toBe(0);
    // Non-contiguous: flattening a transpose copies in the transposed order.
    expect(mx.flatten(iota([2, 3]).T).tolist()).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('unflattens an axis, inferring -1', () => {
    expect(mx.unflatten(mx.array([1, 2, 3, 4]), 0, [2, -1]).tolist()).toEqual([[1, 2], [3, 4]]);
    const a = iota([2, 12]);
    expect(mx.unflatten(a, -1, [3, 2, 2]).shape).toEqual([2, 3, 2, 2]);
    expect(mx.unflatten(a, 1, [12]).shape).toEqual([2, 12]);
    expect(mx.unflatten(a.T, 0, [4, 3]).tolist()).toEqual(
      mx.asStrided(iota([2, 12]), [4, 3, 2], [3, 1, 12]).tolist(),
    );
  });

  it('reports bad arguments', () => {
    const a = iota([2, 3, 4]);
    expect(() => a.flatten(2, 1)).toThrow('[flatten] start_axis must be less than or equal to end_axis');
    expect(() => mx.unflatten(a, 1, [2, 2])).toThrow('[unflatten] Cannot unflatten axis 1 with size 3 into shape (2, 2).');
    expect(() => mx.unflatten(a, 3, [2, 2])).toThrow('[unflatten] Invalid axis 3 for array with 3 dimensions.');
    expect(() => mx.unflatten(a, 0, [-1, -1])).toThrow('[unflatten] Can only infer one dimension.');
    expect(() => mx.unflatten(a, 0, [])).toThrow('[unflatten] Shape to unflatten to cannot be empty.');
    expect(() => mx.unflatten(a, 0, [0, -1])).toThrow('[unflatten] Cannot infer the -1 dimension of shape (0, -1)');
  });
});

describe('concatenate and stack', () => {
  it('concatenates along an axis, including strided inputs', () => {
    const a = iota([2, 2]);
    const b = mx.array([[9, 8]]);
    expect(mx.concatenate([a, b]).tolist()).toEqual([[0, 1], [2, 3], [9, 8]]);
    expect(mx.concatenate([a, a.T], 1).tolist()).toEqual([[0, 1, 0, 2], [2, 3, 1, 3]]);
    expect(mx.concatenate([a, mx.broadcastTo(mx.array([5]), [2, 3])], -1).tolist()).toEqual([
      [0, 1, 5, 5, 5],
      [2, 3, 5, 5, 5],
    ]);
    expect(mx.concatenate([a, mx.zeros([0, 2], mx.int32), b]).shape).toEqual([3, 2]);
    expect(mx.concatenate([a, b], null).tolist()).toEqual([0, 1, 2, 3, 9, 8]);
    expect(mx.concatenate([a]).tolist()).toEqual([[0, 1], [2, 3]]);
  });

  it('promotes dtypes like MLX', () => {
    const i32 = mx.array([1], mx.int32);
    const f16 = mx.array([0.5], mx.float16);
    const c1 = mx.concatenate([i32, f16]);
    expect(c1.dtype).toBe(mx.float16);
    expect(c1.tolist()).toEqual([1, 0.5]);
    expect(mx.concatenate([mx.array([200], mx.uint8), mx.array([-1], mx.int8)]).dtype).toBe(mx.int16);
    const bi = mx.concatenate([mx.array([true]), mx.array([3], mx.int32)]);
    expect(bi.dtype).toBe(mx.int32);
    expect(bi.tolist()).toEqual([1, 3]);
    expect(mx.concatenate([mx.array([1], mx.bfloat16), mx.array([2], mx.float16)]).dtype).toBe(mx.float32);
    expect(mx.concatenate([mx.array([1], mx.uint64), mx.array([2], mx.int64)]).dtype).toBe(mx.float32);
    expect(mx.stack([mx.array([1], mx.int32), mx.array([2.5], mx.float32)]).dtype).toBe(mx.float32);
  });

  it('stacks along a new axis', () => {
    const a = mx.array([1, 2]);
    const b = mx.array([3, 4]);
    expect(mx.stack([a, b]).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(mx.stack([a, b], 1).tolist()).toEqual([[1, 3], [2, 4]]);
    expect(mx.stack([a, b], -1).tolist()).toEqual([[1, 3], [2, 4]]);
    expect(mx.stack([1, 2, 3]).tolist()).toEqual([1, 2, 3]);
    expect(mx.stack([iota([2, 3]), iota([2, 3]).T.T], 2).shape).toEqual([2, 3, 2]);
  });

  it('reports bad inputs', () => {
    expect(() => mx.concatenate([])).toThrow('[concatenate] No arrays provided for concatenation.');
    expect(() => mx.concatenate([iota([2, 3]), iota([2, 4])])).toThrow(
      '[concatenate] All the input array dimensions must match exactly except for the concatenation axis. ' +
        'However, the provided shapes are (2, 3), (2, 4), and the concatenation axis is 0.',
    );
    expect(() => mx.concatenate([iota([2, 3]), iota([3])])).toThrow(
      '[concatenate] All the input arrays must have the same number of dimensions. However, got arrays with dimensions 2 and 1.',
    );
    expect(() => mx.concatenate([iota([2]), iota([2])], 1)).toThrow(
      '[concatenate] Axis 1 is out of bounds for array with 1 dimensions.',
    );
    expect(() => mx.concatenate(iota([2]) as unknown as mx.MxArray[])).toThrow('[concatenate] Expected a list of arrays');
    expect(() => mx.stack([])).toThrow('[stack] No arrays provided for stacking.');
    expect(() => mx.stack([iota([2]), iota([3])])).toThrow('[stack] All arrays must have the same shape, got (2,) and (3,).');
    expect(() => mx.stack([iota([2]), iota([2])], 2)).toThrow('[stack] Axis 2 is out of bounds for array with 2 dimensions.');
  });
});

describe('split', () => {
  it('matches numpy for sections and indices', () => {
    const t = iota(fx.t_shape);
    for (const c of fx.split_cases) {
      const parts = mx.split(t, c.indicesOrSections, c.axis);
      expect(parts.length).toBe(c.parts.length);
      parts.forEach((p, i) => expectResult(p, c.parts[i]));
    }
  });

  it('returns views', () => {
    const a = iota([6, 4]);
    const [x, y] = a.split(2);
    expect(allocatedBy(y, a)).toBe(0);
    expect(strides(y)).toEqual([4, 1]);
    expect(y.tolist()).toEqual([[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]]);
    const cols = a.split([1, 3], 1);
    expect(cols.map((c) => c.shape)).toEqual([[6, 1], [6, 2], [6, 1]]);
    expect(strides(cols[1])).toEqual([4, 1]);
    expect(cols[2].reshape(-1).tolist()).toEqual([3, 7, 11, 15, 19, 23]);
    expect(x.shape).toEqual([3, 4]);
    // A split of a transposed view.
    const [p] = a.T.split(2);
    expect(p.tolist()).toEqual([[0, 4, 8, 12, 16, 20], [1, 5, 9, 13, 17, 21]]);
  });

  it('reports uneven sections and bad axes', () => {
    expect(() => mx.split(iota([6]), 4)).toThrow(
      '[split] Array split does not result in sub arrays with equal size: attempting 4 splits along axis 0 for shape (6,).',
    );
    expect(() => mx.split(iota([6]), 0)).toThrow('[split] num_splits must be positive and non-zero but got 0.');
    expect(() => mx.split(iota([6]), 2, 1)).toThrow('[split] Axis 1 is out of bounds for array with 1 dimensions.');
  });
});

describe('atleast1d / atleast2d / atleast3d', () => {
  it('adds leading (and trailing for 3d) axes', () => {
    const s = mx.array(1);
    const v = mx.array([1, 2]);
    const m = iota([2, 3]);
    expect((mx.atleast1d(s) as mx.MxArray).shape).toEqual([1]);
    expect(mx.atleast1d(v).shape).toEqual([2]);
    expect(mx.atleast2d(s).shape).toEqual([1, 1]);
    expect(mx.atleast2d(v).shape).toEqual([1, 2]);
    expect(mx.atleast2d(m).shape).toEqual([2, 3]);
    expect(mx.atleast3d(s).shape).toEqual([1, 1, 1]);
    expect(mx.atleast3d(v).shape).toEqual([1, 2, 1]);
    expect(mx.atleast3d(m).shape).toEqual([2, 3, 1]);
    expect(mx.atleast3d(iota([1, 2, 3, 4])).shape).toEqual([1, 2, 3, 4]);
    expect(mx.atleast3d(v).tolist()).toEqual([[[1], [2]]]);
  });

  it('returns a list for several arrays or a list', () => {
    const outs = mx.atleast2d(mx.array(1), mx.array([1, 2, 3]));
    expect(outs.map((o) => o.shape)).toEqual([[1, 1], [1, 3]]);
    const listed = mx.atleast1d([mx.array(1)], mx.cpu);
    expect(Array.isArray(listed)).toBe(true);
    expect(listed[0].shape).toEqual([1]);
    expect(mx.atleast1d(mx.array(2), mx.cpu).shape).toEqual([1]);
  });
});
