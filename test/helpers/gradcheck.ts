// Shared numeric helpers for the transformation tests (test/transforms.*.test.ts):
// a seeded RNG, array builders, closeness checks, a finite-difference gradient
// check, a vjp/jvp consistency check and a vmap-equals-loop check.
// Not a test file itself (vitest only collects test/**/*.test.ts).
import { expect } from 'vitest';
import * as mx from 'mlx-ts';

/** A small seeded generator (mulberry32), so every run sees the same values. */
export function makeRng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

export const prod = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** A row-major array of `shape` from flat values. */
export function fromFlat(values: number[], shape: number[], dtype: mx.Dtype = mx.float64): mx.MxArray {
  if (shape.length === 0) return mx.array(values[0], dtype);
  return mx.reshape(mx.array(values, dtype), shape);
}

/** The values of `x` in row-major order, as float64 numbers. */
export function flat(x: mx.MxArray): number[] {
  return Array.from(x.astype(mx.float64).toTypedArray() as Float64Array);
}

/** The dot product of two equally long number lists. */
export function dot(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((s, v, i) => s + v * b[i], 0);
}

/** Elementwise |got - want| <= atol + rtol * |want|. */
export function expectClose(got: number[], want: number[], rtol = 1e-6, atol = 1e-9): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (Math.abs(got[i] - want[i]) > atol + rtol * Math.abs(want[i])) {
      throw new Error(`element ${i}: got ${got[i]}, want ${want[i]} (got ${JSON.stringify(got)}, want ${JSON.stringify(want)})`);
    }
  }
}

/** a transposed (column-major) view of a row-major 2-D array's data. */
export function transposed(x: mx.MxArray): mx.MxArray {
  const [r, c] = x.shape;
  return mx.asStrided(x, [c, r], [1, c]);
}

export type Fn1 = (x: mx.MxArray) => mx.MxArray;

/** mx.vmap(f, axes) equals stacking f over the slices of the mapped axis. */
export function checkVmap(f: (...xs: mx.MxArray[]) => mx.MxArray, args: mx.MxArray[], axes: (number | null)[]): void {
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

/** The helpers that draw random values, all sharing one mulberry32 stream
 * seeded with `seed` (so draws happen in the same order as calls). */
export interface GradHelpers {
  /** The next uniform value in [0, 1). */
  rand: () => number;
  /** Uniform values in [-1, 1), float64 unless told. */
  randn: (shape: number[], dtype?: mx.Dtype) => mx.MxArray;
  /** Random integer indices in [lo, hi). */
  randIdx: (shape: number[], lo: number, hi: number, dtype?: mx.Dtype) => mx.MxArray;
  /** The gradient of sum(f(x) * w) (a vjp with cotangent w, random when not
   * given) against central differences of that same scalar, for a float64 x.
   * Returns the gradient. */
  checkGradFD: (f: Fn1, x: mx.MxArray, w?: mx.MxArray) => mx.MxArray;
  /** <vjp(u), v> == <u, jvp(v)> for random u (output-shaped) and v (input-shaped). */
  checkVjpJvp: (f: Fn1, x: mx.MxArray) => void;
}

/** Seeded random builders and the checks that draw from them. */
export function gradHelpers(seed: number): GradHelpers {
  const rand = makeRng(seed);

  function randn(shape: number[], dtype: mx.Dtype = mx.float64): mx.MxArray {
    const v = Array.from({ length: prod(shape) }, () => rand() * 2 - 1);
    return fromFlat(v, shape, mx.float64).astype(dtype);
  }

  function randIdx(shape: number[], lo: number, hi: number, dtype: mx.Dtype = mx.int32): mx.MxArray {
    const v = Array.from({ length: prod(shape) }, () => lo + Math.floor(rand() * (hi - lo)));
    return fromFlat(v, shape, dtype);
  }

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

  return { rand, randn, randIdx, checkGradFD, checkVjpJvp };
}

// ------------------------------------------------------------------------
// The LCG-based helpers (binary, creation, reduce, shape transformation tests).

/** A fixed pseudo-random LCG stream (independent of mx.random) of values in [-1, 1). */
export function makeSignedLcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 2 - 1;
  };
}

/** A float64 array of `shape` from row-major values, cast to `dtype`. */
export function fromValues(values: number[], shape: number[], dtype: mx.Dtype = mx.float64): mx.MxArray {
  const a = mx.reshape(mx.array(Float64Array.from(values)), shape);
  return dtype === mx.float64 ? a : a.astype(dtype);
}

/** Row-major values as float64 numbers. */
export function values(x: mx.MxArray): number[] {
  return Array.from(x.astype(mx.float64).toTypedArray() as Float64Array);
}

/** One output or several, as a list. */
export function list(y: mx.MxArray | mx.MxArray[]): mx.MxArray[] {
  return Array.isArray(y) ? y : [y];
}

/** The inner product of two arrays of the same shape. */
export function dotArrays(a: mx.MxArray, b: mx.MxArray): number {
  expect(a.shape).toEqual(b.shape);
  const x = values(a);
  const y = values(b);
  return x.reduce((s, v, i) => s + v * y[i], 0);
}

/** Whether x has a floating-point (real) dtype. */
export function isFloat(x: mx.MxArray): boolean {
  return [mx.float64, mx.float32, mx.float16, mx.bfloat16].includes(x.dtype);
}

/** Elementwise |got - want| <= atol + rtol * |want| (NaN fails). */
export function expectCloseRel(got: number[], want: number[], rtol: number, atol = rtol): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]) <= atol + rtol * Math.abs(want[i]))) {
      throw new Error(`element ${i}: got ${g}, expected ${want[i]}\ngot:  ${got}\nwant: ${want}`);
    }
  });
}

/** Central differences of the scalar function f at x (float64). */
export function numericGrad(f: (x: mx.MxArray) => number, x: mx.MxArray, eps: number): number[] {
  const base = values(x);
  return base.map((_, k) => {
    const at = (d: number) => {
      const v = base.slice();
      v[k] += d;
      return f(fromValues(v, x.shape));
    };
    return (at(eps) - at(-eps)) / (2 * eps);
  });
}

/** Item b of x along axis. */
export function itemAt(x: mx.MxArray, axis: number, b: number): mx.MxArray {
  return x.index(...new Array<string>(axis).fill(':'), b);
}

/** An op of several inputs and one or several outputs. */
export type MultiOp = (...xs: mx.MxArray[]) => mx.MxArray | mx.MxArray[];

/** mx.vmap(op, inAxes, outAxis) equals op applied to each item, stacked on outAxis (exactly). */
export function checkVmapMulti(op: MultiOp, inputs: mx.MxArray[], inAxes: (number | null)[], outAxis = 0): void {
  const mapped = inputs.findIndex((_, i) => inAxes[i] !== null);
  const n = inputs[mapped].shape[inAxes[mapped] as number];
  const got = list(mx.vmap(op, inAxes, outAxis)(...inputs) as mx.MxArray | mx.MxArray[]);
  const items = Array.from({ length: n }, (_, b) =>
    list(op(...inputs.map((x, i) => (inAxes[i] === null ? x : itemAt(x, inAxes[i] as number, b))))),
  );
  expect(got.length).toBe(items[0].length);
  got.forEach((g, j) => {
    const want = mx.stack(
      items.map((it) => it[j]),
      outAxis,
    );
    expect(g.shape).toEqual(want.shape);
    expect(g.dtype).toEqual(want.dtype);
    expect(g.tolist()).toEqual(want.tolist());
  });
}

/** The random builders over one signed LCG stream seeded with `seed`. */
export interface LcgHelpers {
  /** The next value in [-1, 1). */
  rnd: () => number;
  /** Values in [-1, 1), float64 unless told. */
  randn: (shape: number[], dtype?: mx.Dtype) => mx.MxArray;
  /** A transposed (non-contiguous) array of the given shape made by `make` (randn by default). */
  strided: (shape: number[], make?: (s: number[]) => mx.MxArray) => mx.MxArray;
}

/** Seeded LCG random builders (one shared stream, draws in call order). */
export function lcgHelpers(seed: number): LcgHelpers {
  const rnd = makeSignedLcg(seed);
  function randn(shape: number[], dtype: mx.Dtype = mx.float64): mx.MxArray {
    return fromValues(Array.from({ length: prod(shape) }, rnd), shape, dtype);
  }
  function strided(shape: number[], make: (s: number[]) => mx.MxArray = randn): mx.MxArray {
    return mx.transpose(make(shape.slice().reverse()));
  }
  return { rnd, randn, strided };
}

// ------------------------------------------------------------------------
// The seed-per-call helpers (linalg, random transformation tests).

/** Deterministic values in [-1, 1) from a seed (an LCG: independent of mx.random). */
export function uniformValues(n: number, seed: number): number[] {
  let s = (seed * 2654435761) >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** An array of `shape` made directly in `dtype` from row-major values. */
export function fromValuesIn(vals: number[], shape: number[], dtype: mx.Dtype = mx.float64): mx.MxArray {
  return mx.reshape(mx.array(Float64Array.from(vals), dtype), shape);
}

/** Row-major values as JS numbers, read without a cast (complex: re, im pairs; bool: 0/1). */
export function rawValues(x: mx.MxArray): number[] {
  return Array.from(x.toTypedArray() as Float64Array, Number);
}

/** The inner product of the raw values of two arrays of the same size. */
export function dotRaw(a: mx.MxArray, b: mx.MxArray): number {
  const x = rawValues(a);
  const y = rawValues(b);
  expect(x.length).toBe(y.length);
  return x.reduce((s, v, i) => s + v * y[i], 0);
}

/** Elementwise |actual - expected| <= atol + rtol * |expected| (NaN fails; the message gives the tolerance). */
export function expectCloseTol(actual: number[], expected: number[], rtol: number, atol = rtol): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; ++i) {
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}
