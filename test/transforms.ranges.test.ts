// Transformation rules of the ranges family: vjp, jvp and vmap of tril/triu,
// vmap of view (not differentiable), and arange/linspace/eye/identity/tri
// (no inputs) as constants inside transformed functions.
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';

// ---------------------------------------------------------------- helpers

/** A small seeded generator (mulberry32), so every run sees the same values. */
function makeRng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = makeRng(7051);

const prod = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** A row-major array of `shape` from flat values. */
function fromFlat(values: number[], shape: number[], dtype: mx.Dtype = mx.float64): mx.MxArray {
  if (shape.length === 0) return mx.array(values[0], dtype);
  return mx.reshape(mx.array(values, dtype), shape);
}

/** Uniform values in [-1, 1), float64 unless told. */
function randn(shape: number[], dtype: mx.Dtype = mx.float64): mx.MxArray {
  const v = Array.from({ length: prod(shape) }, () => rand() * 2 - 1);
  return fromFlat(v, shape, mx.float64).astype(dtype);
}

/** Random integer indices in [lo, hi). */
function randIdx(shape: number[], lo: number, hi: number, dtype: mx.Dtype = mx.int32): mx.MxArray {
  const v = Array.from({ length: prod(shape) }, () => lo + Math.floor(rand() * (hi - lo)));
  return fromFlat(v, shape, dtype);
}

function flat(x: mx.MxArray): number[] {
  return Array.from(x.astype(mx.float64).toTypedArray() as Float64Array);
}

function dot(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((s, v, i) => s + v * b[i], 0);
}

function expectClose(got: number[], want: number[], rtol = 1e-6, atol = 1e-9): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (Math.abs(got[i] - want[i]) > atol + rtol * Math.abs(want[i])) {
      throw new Error(`element ${i}: got ${got[i]}, want ${want[i]} (got ${JSON.stringify(got)}, want ${JSON.stringify(want)})`);
    }
  }
}

type Fn1 = (x: mx.MxArray) => mx.MxArray;

/** The gradient of sum(f(x) * w) (a vjp with cotangent w) against central
 * differences of that same scalar, for a float64 x. Returns the gradient. */
function checkGradFD(f: Fn1, x: mx.MxArray, w?: mx.MxArray): mx.MxArray {
  const out = f(x);
  const wt = w ?? randn(out.shape);
  const [, [g]] = mx.vjp((y) => f(y), [x], [wt]);
  expect(g.shape).toEqual(x.shape);
  expect(g.dtype).toBe(x.dtype);
  const xs = flat(x);
  const ws = flat(wt);
  const loss = (v: number[]): number => dot(flat(f(fromFlat(v, x.shape))), ws);
  const eps = 1e-6;
  const num = xs.map((_, i) => {
    const p = xs.slice();
    const m = xs.slice();
    p[i] += eps;
    m[i] -= eps;
    return (loss(p) - loss(m)) / (2 * eps);
  });
  expectClose(flat(g), num, 1e-6, 1e-7);
  return g;
}

/** <vjp(u), v> == <u, jvp(v)> for random u (output-shaped) and v (input-shaped). */
function checkVjpJvp(f: Fn1, x: mx.MxArray): void {
  const out = f(x);
  const u = randn(out.shape, x.dtype);
  const v = randn(x.shape, x.dtype);
  const [, [vu]] = mx.vjp((y) => f(y), [x], [u]);
  const [outs, [jv]] = mx.jvp((y) => f(y), [x], [v]);
  expect(jv.shape).toEqual(out.shape);
  expectClose(flat(outs[0]), flat(out), 0, 0);
  const lhs = dot(flat(vu), flat(v));
  const rhs = dot(flat(u), flat(jv));
  expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * (1 + Math.abs(lhs)));
}

/** mx.vmap(f, axes) equals stacking f over the slices of the mapped axis. */
function checkVmap(f: (...xs: mx.MxArray[]) => mx.MxArray, args: mx.MxArray[], axes: (number | null)[]): void {
  const k = axes.findIndex((a) => a !== null);
  const n = args[k].shape[axes[k]!];
  const got = mx.vmap(f, axes)(...args);
  const slices: mx.MxArray[] = [];
  for (let i = 0; i < n; i++) {
    slices.push(f(...args.map((a, j) => (axes[j] === null ? a : mx.take(a, i, axes[j]!)))));
  }
  const want = mx.stack(slices, 0);
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  expect(flat(got)).toEqual(flat(want));
}

/** a transposed (column-major) view of a row-major 2-D array's data. */
function transposed(x: mx.MxArray): mx.MxArray {
  const [r, c] = x.shape;
  return mx.asStrided(x, [c, r], [1, c]);
}

// ---------------------------------------------------------------- tril / triu

const masks: [string, (x: mx.MxArray, k?: number) => mx.MxArray][] = [
  ['tril', mx.tril],
  ['triu', mx.triu],
];

describe.each(masks)('%s: vjp, jvp and vmap', (_name, op) => {
  it('matches finite differences for several diagonals', () => {
    const x = randn([4, 3]);
    for (const k of [0, 1, -1, 3, -4]) checkGradFD((y) => op(y, k), x);
    checkGradFD((y) => op(y, 1), randn([2, 3, 4]));
  });

  it('masks the cotangent exactly and keeps its dtype', () => {
    for (const dt of [mx.float16, mx.bfloat16, mx.float32, mx.float64]) {
      const x = mx.zeros([3, 4], dt);
      const w = mx.ones([3, 4], dt);
      const [, [g]] = mx.vjp((y) => op(y, -1), [x], [w]);
      expect(g.dtype).toBe(dt);
      expect(g.tolist()).toEqual(op(mx.ones([3, 4], dt), -1).tolist());
    }
    // A strided cotangent.
    const wBase = randn([4, 3]);
    const [, [g]] = mx.vjp((y) => op(y, 0), [randn([3, 4])], [transposed(wBase)]);
    expect(flat(g)).toEqual(flat(op(transposed(wBase), 0)));
  });

  it('vjp and jvp agree', () => {
    checkVjpJvp((y) => op(y, 0), randn([3, 5]));
    checkVjpJvp((y) => op(y, -2), randn([2, 4, 3]));
  });

  it('vmaps over a batch axis or one of the matrix axes', () => {
    const x = randn([2, 3, 4]);
    checkVmap((y) => op(y, 0), [x], [0]);
    checkVmap((y) => op(y, 1), [x], [1]); // the batch axis is one of the last two
    checkVmap((y) => op(y, -1), [x], [2]);
    const x4 = randn([2, 3, 4, 3]);
    checkVmap((y) => op(y, 0), [x4], [1]);
    checkVmap((y) => op(y, 2), [x4], [3]);
  });
});

// ---------------------------------------------------------------- view

describe('view: transforms', () => {
  it('is not differentiable (vjp and jvp throw, as in MLX)', () => {
    const x = randn([2, 4], mx.float32);
    expect(() => mx.vjp((y) => mx.view(y, mx.int32), [x], [mx.zeros([2, 4], mx.int32)])).toThrow(
      '[view] Cannot compute the gradient through view',
    );
    expect(() => mx.jvp((y) => mx.view(y, mx.uint8), [x], [x])).toThrow(
      '[view] Cannot compute the jvp through view',
    );
  });

  it('vmaps, also over the last axis when the item size changes', () => {
    const x = randn([3, 2, 4], mx.float32);
    for (const dt of [mx.int32, mx.uint8, mx.int16]) {
      checkVmap((y) => mx.view(y, dt), [x], [0]);
      checkVmap((y) => mx.view(y, dt), [x], [1]);
      checkVmap((y) => mx.view(y, dt), [x], [2]); // last axis
    }
    const b = randIdx([8, 3], 0, 256, mx.uint8);
    checkVmap((y) => mx.view(y, mx.int32), [b], [1]); // per element (8,) -> (2,)
    checkVmap((y) => mx.view(y, mx.uint16), [b], [1]);
    checkVmap((y) => mx.view(y, mx.int8), [b], [0]);
  });
});

// ---------------------------------------------------------------- arange, linspace, eye, identity, tri

describe('arange, linspace, eye, identity, tri: inside transforms', () => {
  // No array inputs: nothing to differentiate or map; they act as constants.
  it('act as constants under grad and vjp', () => {
    const x = randn([6]);
    checkGradFD((y) => mx.take(y, mx.arange(0, 6, 2, mx.int32)), x);
    checkGradFD((y) => mx.takeAlongAxis(mx.reshape(y, [2, 3]), mx.tri(2, 3, 0, mx.int32), 1), x);
    checkGradFD((y) => mx.tril(mx.reshape(y, [2, 3]), 0), x);
  });

  it('vmap: mapped inputs combined with generated constants', () => {
    const lin = mx.linspace(0, 1, 7, mx.float64);
    checkVmap((j) => mx.take(lin, j), [randIdx([3, 2], 0, 7)], [0]);
    const ey = mx.eye(4, 5, 1, mx.float32);
    checkVmap((j) => mx.takeAlongAxis(ey, j, 1), [randIdx([4, 3, 2], 0, 5)], [1]);
    const id = mx.identity(3, mx.float64);
    checkVmap((j) => mx.take(id, j, 0), [randIdx([2, 3], 0, 3)], [0]);
    checkVmap((j) => mx.take(mx.arange(5, mx.float32), j), [randIdx([4], 0, 5)], [0]);
  });

  it('vmap: outputs that do not depend on the mapped input are repeated', () => {
    const x = randn([3, 2]);
    const outs = mx.vmap((_y: mx.MxArray) => [mx.arange(4, mx.int32), mx.eye(2), mx.tri(2, 3), mx.linspace(0, 1, 3)])(x);
    expect(outs.map((o) => o.shape)).toEqual([[3, 4], [3, 2, 2], [3, 2, 3], [3, 3]]);
    expect(outs[1].tolist()).toEqual([[[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]]]);
    expect(outs[3].tolist()).toEqual([[0, 0.5, 1], [0, 0.5, 1], [0, 0.5, 1]]);
  });
});

// ---------------------------------------------------------------- output shapes

describe('shapeless compile (output_shapes of the ranges primitives)', () => {
  it('replays tril/triu/view and the generated constants for new input shapes', () => {
    const f = mx.compile(
      (x: mx.MxArray) => [mx.tril(x, 1), mx.triu(x, -1), mx.view(x, mx.uint8), mx.arange(1, 7, 2), mx.eye(2, 3), mx.linspace(0, 1, 4)],
      { shapeless: true },
    );
    for (const shape of [[2, 3], [4, 2], [2, 3, 5]]) {
      const x = randn(shape, mx.float32);
      const got = f(x);
      const want = [mx.tril(x, 1), mx.triu(x, -1), mx.view(x, mx.uint8), mx.arange(1, 7, 2), mx.eye(2, 3), mx.linspace(0, 1, 4)];
      expect(got.map((g) => g.shape)).toEqual(want.map((w) => w.shape));
      for (let i = 0; i < got.length; i++) expect(flat(got[i])).toEqual(flat(want[i]));
    }
  });
});
