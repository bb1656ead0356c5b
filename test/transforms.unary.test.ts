import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';

// Transformation rules of the unary family: gradients against central
// differences (float64), <vjp(u), v> == <u, jvp(v)>, second derivatives,
// complex conventions, zero gradients of the piecewise-constant ops and
// predicates, and vmap against a loop over the mapped axis for every op.

type Op = (x: mx.MxArray) => mx.MxArray;

// A fixed pseudo-random stream (independent of mx.random).
let state = 1234567;
function rnd(): number {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function fromValues(vals: number[], shape: number[], dtype: mx.Dtype = mx.float64): mx.MxArray {
  const a = mx.reshape(mx.array(Float64Array.from(vals)), shape);
  return dtype === mx.float64 ? a : a.astype(dtype);
}

/** Uniform values in [lo, hi). */
function uniform(shape: number[], lo = -1, hi = 1, dtype: mx.Dtype = mx.float64): mx.MxArray {
  return fromValues(
    Array.from({ length: size(shape) }, () => lo + (hi - lo) * rnd()),
    shape,
    dtype,
  );
}

/** Values with |v| in [lo, hi) and a random sign (away from a kink at 0). */
function awayFromZero(shape: number[], lo = 0.3, hi = 1.5): mx.MxArray {
  return fromValues(
    Array.from({ length: size(shape) }, () => (rnd() < 0.5 ? -1 : 1) * (lo + (hi - lo) * rnd())),
    shape,
  );
}

/** Complex values with real parts in [r0, r1) and imaginary parts in [i0, i1). */
function complexUniform(shape: number[], r0: number, r1: number, i0: number, i1: number): mx.MxArray {
  const vals = Array.from({ length: size(shape) }, () => ({ re: r0 + (r1 - r0) * rnd(), im: i0 + (i1 - i0) * rnd() }));
  return mx.reshape(mx.array(vals), shape);
}

/** Row-major values as float64 numbers (complex: interleaved re, im). */
function values(x: mx.MxArray): number[] {
  if (x.dtype === mx.complex64) return Array.from(x.toTypedArray() as Float32Array);
  return Array.from(x.astype(mx.float64).toTypedArray() as Float64Array);
}

/** The real inner product (Re(sum(conj(a) * b)) for complex arrays). */
function dot(a: mx.MxArray, b: mx.MxArray): number {
  expect(a.shape).toEqual(b.shape);
  const x = values(a);
  const y = values(b);
  expect(x.length).toBe(y.length);
  return x.reduce((s, v, i) => s + v * y[i], 0);
}

function expectClose(got: number[], want: number[], rtol: number, atol = rtol): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    const ok = (Number.isNaN(g) && Number.isNaN(w)) || g === w || Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) throw new Error(`element ${i}: got ${g}, expected ${w}\ngot:  ${got}\nwant: ${want}`);
  });
}

/** Central differences of the scalar function f at x (float64). */
function numericGrad(f: (x: mx.MxArray) => number, x: mx.MxArray, eps: number): number[] {
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

/** mx.grad of sum(op(x) * w) (w fixed random) against central differences. */
function checkGrad(op: Op, x: mx.MxArray, rtol = 1e-6, eps = 1e-6): void {
  const w = uniform(op(x).shape);
  const loss = (a: mx.MxArray) => mx.sum(mx.multiply(op(a), w));
  const g = mx.grad(loss)(x) as mx.MxArray;
  expect(g.shape).toEqual(x.shape);
  expect(g.dtype).toEqual(x.dtype);
  expectClose(values(g), numericGrad((a) => values(loss(a))[0], x, eps), rtol);
}

/** For random u and v: <vjp(u), v> == <u, jvp(v)>, with the right shapes and dtypes. */
function checkVjpJvp(op: Op, x: mx.MxArray, rtol = 1e-12): void {
  const out = op(x);
  const rand = (like: mx.MxArray) =>
    like.dtype === mx.complex64 ? complexUniform(like.shape, -1, 1, -1, 1) : uniform(like.shape, -1, 1, like.dtype);
  const u = rand(out);
  const v = rand(x);
  const [, [vj]] = mx.vjp((a) => op(a), [x], [u]);
  const [[jout], [jv]] = mx.jvp((a) => op(a), [x], [v]);
  expect(vj.shape).toEqual(x.shape);
  expect(vj.dtype).toEqual(x.dtype);
  expect(values(jout)).toEqual(values(out));
  expect(jv.shape).toEqual(out.shape);
  expect(jv.dtype).toEqual(out.dtype);
  const lhs = dot(vj, v);
  const rhs = dot(u, jv);
  const scale = Math.max(1, Math.abs(lhs), Math.sqrt(dot(vj, vj) * dot(v, v)));
  expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(rtol * scale);
}

/** The gradient of <grad(sum(op(x) * w)), w2> against central differences (second derivatives). */
function checkSecondOrder(op: Op, x: mx.MxArray, rtol = 1e-5): void {
  const w = uniform(x.shape);
  const w2 = uniform(x.shape);
  const g1 = mx.grad((a: mx.MxArray) => mx.sum(mx.multiply(op(a), w)));
  const g2 = (a: mx.MxArray) => mx.sum(mx.multiply(g1(a) as mx.MxArray, w2));
  const h = mx.grad(g2)(x) as mx.MxArray;
  expectClose(values(h), numericGrad((a) => values(g2(a))[0], x, 1e-5), rtol);
}

/** Item b of x along axis. */
function itemAt(x: mx.MxArray, axis: number, b: number): mx.MxArray {
  return x.index(...new Array<string>(axis).fill(':'), b);
}

/** mx.vmap(op, inAxis, outAxis)(x) equals op applied to each item, stacked on outAxis. */
function checkVmap(op: Op, x: mx.MxArray, inAxis: number, outAxis = 0): void {
  const n = x.shape[inAxis];
  const got = mx.vmap(op, inAxis, outAxis)(x) as mx.MxArray;
  const want = mx.stack(
    Array.from({ length: n }, (_, b) => op(itemAt(x, inAxis, b))),
    outAxis,
  );
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toEqual(want.dtype);
  // The same kernel on the same values: equal up to a vectorised path's rounding.
  expectClose(values(got), values(want), 1e-14, 0);
}

/** vmap over every axis (and to another output axis) of a batch of 3 items of shape [2, 4]. */
function checkVmapAll(op: Op, make: (shape: number[]) => mx.MxArray): void {
  const item = [2, 4];
  for (let ax = 0; ax <= item.length; ax++) {
    const shape = item.slice();
    shape.splice(ax, 0, 3);
    const x = make(shape);
    checkVmap(op, x, ax);
    checkVmap(op, x, ax, 2);
    // A non-contiguous batch: the transposed values of the reversed shape.
    const t = mx.transpose(make(shape.slice().reverse()));
    checkVmap(op, t, ax, 1);
  }
}

// ---------------------------------------------------------------------------
// The differentiable ops, each with inputs inside its domain (away from kinks
// and singularities).

interface Diff {
  name: string;
  op: Op;
  input: (shape: number[]) => mx.MxArray;
  /** The derivative, for the dtype checks (float64 reference). */
  deriv: (x: number) => number;
}

const u = (lo: number, hi: number) => (shape: number[]) => uniform(shape, lo, hi);

const sqrtPi = Math.sqrt(Math.PI);
const erfinvRef = (y: number): number => {
  // Newton on erf(x) = y with erf from the library (float64).
  let x = 0;
  for (let i = 0; i < 60; i++) {
    const e = values(mx.erf(fromValues([x], [1])))[0];
    x -= (e - y) / ((2 / sqrtPi) * Math.exp(-x * x));
  }
  return x;
};

const diffOps: Diff[] = [
  { name: 'abs', op: (x) => mx.abs(x), input: (s) => awayFromZero(s), deriv: (x) => Math.sign(x) },
  { name: 'negative', op: (x) => mx.negative(x), input: u(-2, 2), deriv: () => -1 },
  { name: 'exp', op: (x) => mx.exp(x), input: u(-2, 2), deriv: (x) => Math.exp(x) },
  { name: 'expm1', op: (x) => mx.expm1(x), input: u(-2, 2), deriv: (x) => Math.exp(x) },
  { name: 'log', op: (x) => mx.log(x), input: u(0.5, 3), deriv: (x) => 1 / x },
  { name: 'log1p', op: (x) => mx.log1p(x), input: u(-0.5, 2), deriv: (x) => 1 / (1 + x) },
  { name: 'log2', op: (x) => mx.log2(x), input: u(0.5, 3), deriv: (x) => 1 / (x * Math.LN2) },
  { name: 'log10', op: (x) => mx.log10(x), input: u(0.5, 3), deriv: (x) => 1 / (x * Math.LN10) },
  { name: 'sqrt', op: (x) => mx.sqrt(x), input: u(0.5, 3), deriv: (x) => 0.5 / Math.sqrt(x) },
  { name: 'rsqrt', op: (x) => mx.rsqrt(x), input: u(0.5, 3), deriv: (x) => -0.5 * x ** -1.5 },
  { name: 'square', op: (x) => mx.square(x), input: u(-2, 2), deriv: (x) => 2 * x },
  { name: 'reciprocal', op: (x) => mx.reciprocal(x), input: (s) => awayFromZero(s, 0.5, 2), deriv: (x) => -1 / (x * x) },
  { name: 'sin', op: (x) => mx.sin(x), input: u(-3, 3), deriv: (x) => Math.cos(x) },
  { name: 'cos', op: (x) => mx.cos(x), input: u(-3, 3), deriv: (x) => -Math.sin(x) },
  { name: 'tan', op: (x) => mx.tan(x), input: u(-1.2, 1.2), deriv: (x) => 1 / Math.cos(x) ** 2 },
  { name: 'arcsin', op: (x) => mx.arcsin(x), input: u(-0.8, 0.8), deriv: (x) => 1 / Math.sqrt(1 - x * x) },
  { name: 'arccos', op: (x) => mx.arccos(x), input: u(-0.8, 0.8), deriv: (x) => -1 / Math.sqrt(1 - x * x) },
  { name: 'arctan', op: (x) => mx.arctan(x), input: u(-3, 3), deriv: (x) => 1 / (1 + x * x) },
  { name: 'sinh', op: (x) => mx.sinh(x), input: u(-2, 2), deriv: (x) => Math.cosh(x) },
  { name: 'cosh', op: (x) => mx.cosh(x), input: u(-2, 2), deriv: (x) => Math.sinh(x) },
  { name: 'tanh', op: (x) => mx.tanh(x), input: u(-2, 2), deriv: (x) => 1 / Math.cosh(x) ** 2 },
  { name: 'arcsinh', op: (x) => mx.arcsinh(x), input: u(-3, 3), deriv: (x) => 1 / Math.sqrt(x * x + 1) },
  { name: 'arccosh', op: (x) => mx.arccosh(x), input: u(1.2, 3), deriv: (x) => 1 / Math.sqrt(x * x - 1) },
  { name: 'arctanh', op: (x) => mx.arctanh(x), input: u(-0.8, 0.8), deriv: (x) => 1 / (1 - x * x) },
  { name: 'degrees', op: (x) => mx.degrees(x), input: u(-3, 3), deriv: () => 180 / Math.PI },
  { name: 'radians', op: (x) => mx.radians(x), input: u(-100, 100), deriv: () => Math.PI / 180 },
  {
    name: 'erf',
    op: (x) => mx.erf(x),
    input: u(-2, 2),
    deriv: (x) => (2 / sqrtPi) * Math.exp(-x * x),
  },
  {
    name: 'erfinv',
    op: (x) => mx.erfinv(x),
    input: u(-0.9, 0.9),
    deriv: (y) => (sqrtPi / 2) * Math.exp(erfinvRef(y) ** 2),
  },
  {
    name: 'sigmoid',
    op: (x) => mx.sigmoid(x),
    input: u(-4, 4),
    deriv: (x) => {
      const s = 1 / (1 + Math.exp(-x));
      return s * (1 - s);
    },
  },
];

describe('differentiable unary ops (float64)', () => {
  for (const { name, op, input } of diffOps) {
    it(`${name}: gradient vs central differences, vjp/jvp consistency, second derivative`, () => {
      const x = input([2, 3]);
      checkGrad(op, x);
      checkVjpJvp(op, x);
      checkSecondOrder(op, x);
      // A non-contiguous input (a transpose) and a 0-d input.
      checkGrad(op, mx.transpose(input([3, 2])));
      checkVjpJvp(op, input([]));
    });
  }

  it('the derivatives are the closed forms (MLX), also for the jvp', () => {
    for (const { name, op, input, deriv } of diffOps) {
      const x = input([5]);
      const want = values(x).map(deriv);
      const g = mx.grad((a: mx.MxArray) => mx.sum(op(a)))(x) as mx.MxArray;
      try {
        expectClose(values(g), want, 1e-12);
        const [, [j]] = mx.jvp(op, [x], [mx.onesLike(x)]);
        expectClose(values(j), want, 1e-12);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
  });

  it('the cotangent scales the gradient elementwise', () => {
    const x = fromValues([0.5, 1, 2], [3]);
    const c = fromValues([1, -2, 3], [3]);
    const [, [g]] = mx.vjp((a) => mx.log(a), [x], [c]);
    expect(g.tolist()).toEqual([2, -2, 1.5]);
    const [, [t]] = mx.jvp((a) => mx.square(a), [x], [c]);
    expect(t.tolist()).toEqual([1, -4, 12]);
  });
});

describe('gradients keep the dtype', () => {
  it('float32, float16 and bfloat16 gradients and tangents of every differentiable op', () => {
    const tol: [mx.Dtype, number][] = [
      [mx.float32, 1e-5],
      [mx.float16, 1e-2],
      [mx.bfloat16, 4e-2],
    ];
    for (const { name, op, input, deriv } of diffOps) {
      // Values exactly representable in the low precision dtypes.
      const x64 = input([4]).astype(mx.bfloat16).astype(mx.float64);
      const want = values(x64).map(deriv);
      for (const [dtype, rtol] of tol) {
        const x = x64.astype(dtype);
        const g = mx.grad((a: mx.MxArray) => mx.sum(op(a)))(x) as mx.MxArray;
        const [, [j]] = mx.jvp(op, [x], [mx.onesLike(x)]);
        try {
          expect(g.dtype).toEqual(dtype);
          expect(j.dtype).toEqual(dtype);
          expectClose(values(g), want, rtol, rtol / 100);
          expectClose(values(j), want, rtol, rtol / 100);
        } catch (e) {
          throw new Error(`${name} ${dtype}: ${(e as Error).message}`);
        }
      }
    }
  });

  it('integer inputs: exp computes in float32 and the gradient comes back as the input dtype', () => {
    const x = mx.array([0, 1, 2], mx.int32);
    const [, [g]] = mx.vjp((a) => mx.exp(a), [x], [mx.array([1, 1, 1], mx.float32)]);
    expect(g.dtype).toEqual(mx.int32);
    // e^0 = 1, e^1 = 2.718..., e^2 = 7.389... cast to int32 (truncation).
    expect(g.tolist()).toEqual([1, 2, 7]);
    // abs, negative and square keep integer dtypes.
    const y = mx.array([-3, 2, 0], mx.int32);
    const [, [ga]] = mx.vjp((a) => mx.abs(a), [y], [mx.array([5, 5, 5], mx.int32)]);
    expect(ga.dtype).toEqual(mx.int32);
    expect(ga.tolist()).toEqual([-5, 5, 0]);
    const [, [gs]] = mx.vjp((a) => mx.square(a), [y], [mx.array([1, 2, 3], mx.int32)]);
    expect(gs.tolist()).toEqual([-6, 8, 0]);
    const [, [gn]] = mx.vjp((a) => mx.negative(a), [y], [mx.array([1, 2, 3], mx.int32)]);
    expect(gn.tolist()).toEqual([-1, -2, -3]);
  });
});

describe('edge values', () => {
  it('abs: the gradient at 0 is 0 (sign), sqrt at 0 is inf, tanh for large |x| is 0', () => {
    const ga = mx.grad((a: mx.MxArray) => mx.sum(mx.abs(a)))(fromValues([-2, 0, 3], [3])) as mx.MxArray;
    expect(ga.tolist()).toEqual([-1, 0, 1]);
    const gs = mx.grad((a: mx.MxArray) => mx.sum(mx.sqrt(a)))(fromValues([0, 4], [2])) as mx.MxArray;
    expect(gs.tolist()).toEqual([Infinity, 0.25]);
    const gt = mx.grad((a: mx.MxArray) => mx.sum(mx.tanh(a)))(fromValues([-1000, 1000], [2])) as mx.MxArray;
    expect(gt.tolist()).toEqual([0, 0]);
    // expm1 keeps full relative precision of its derivative for x << 0.
    const ge = mx.grad((a: mx.MxArray) => mx.sum(mx.expm1(a)))(fromValues([-30], [1])) as mx.MxArray;
    expectClose(values(ge), [Math.exp(-30)], 1e-15);
  });

  it('erfinv: sqrt(pi)/2 * exp(erfinv(x)^2), 0 at the center, inf at the ends', () => {
    const g = mx.grad((a: mx.MxArray) => mx.sum(mx.erfinv(a)))(fromValues([0, 1, -1], [3])) as mx.MxArray;
    expectClose(values(g), [sqrtPi / 2, Infinity, Infinity], 1e-15);
  });
});

describe('zero gradients', () => {
  const x = fromValues([-1.7, -0.5, 0, 0.4, 2.5, 3.2], [2, 3]);
  const ops: [string, Op][] = [
    ['sign', (a) => mx.sign(a)],
    ['floor', (a) => mx.floor(a)],
    ['ceil', (a) => mx.ceil(a)],
    ['round', (a) => mx.round(a)],
    ['round(2)', (a) => mx.round(a, 2)],
    ['stopGradient', (a) => mx.stopGradient(a)],
  ];

  it('sign, floor, ceil, round, stopGradient: zero gradients and tangents of the input dtype', () => {
    for (const [name, op] of ops) {
      const [, [g]] = mx.vjp(op, [x], [mx.onesLike(x)]);
      const [[out], [t]] = mx.jvp(op, [x], [mx.onesLike(x)]);
      try {
        expect(g.shape).toEqual([2, 3]);
        expect(g.dtype).toEqual(mx.float64);
        expect(values(g)).toEqual([0, 0, 0, 0, 0, 0]);
        expect(t.dtype).toEqual(mx.float64);
        expect(values(t)).toEqual([0, 0, 0, 0, 0, 0]);
        expect(values(out)).toEqual(values(op(x)));
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
    for (const dtype of [mx.float32, mx.float16, mx.bfloat16]) {
      const g = mx.grad((a: mx.MxArray) => mx.sum(mx.floor(a)))(x.astype(dtype)) as mx.MxArray;
      expect(g.dtype).toEqual(dtype);
    }
  });

  it('predicates and logicalNot: zero gradients and tangents through a float path', () => {
    const y = fromValues([NaN, Infinity, -Infinity, 1, -2, 0], [2, 3]);
    // logicalNot casts its input to bool first (as MLX): its tangent, like
    // the cast's, is bool; the predicates take the tangent's dtype.
    const preds: [Op, mx.Dtype][] = [
      [(a) => mx.isnan(a), mx.float64],
      [(a) => mx.isinf(a), mx.float64],
      [(a) => mx.isposinf(a), mx.float64],
      [(a) => mx.isneginf(a), mx.float64],
      [(a) => mx.isfinite(a), mx.float64],
      [(a) => mx.logicalNot(a), mx.bool_],
    ];
    for (const [p, tdtype] of preds) {
      // The bool output scales the input: only the direct path has a gradient.
      const f = (a: mx.MxArray) => mx.sum(mx.multiply(mx.where(p(a), 2, 3), mx.exp(mx.stopGradient(a))));
      const g = mx.grad(f)(fromValues([0.5, 1.5], [2])) as mx.MxArray;
      expect(values(g)).toEqual([0, 0]);
      const [, [vz]] = mx.vjp(p, [y], [mx.onesLike(p(y))]);
      expect(vz.dtype).toEqual(mx.float64);
      expect(values(vz)).toEqual([0, 0, 0, 0, 0, 0]);
      const [, [tz]] = mx.jvp(p, [y], [mx.onesLike(y)]);
      expect(tz.shape).toEqual([2, 3]);
      expect(tz.dtype).toEqual(tdtype);
      expect(values(tz)).toEqual([0, 0, 0, 0, 0, 0]);
    }
  });

  it('bitwiseInvert and logicalNot of integer/bool inputs: zero cotangents of the input dtype', () => {
    const i = mx.array([1, -2, 3], mx.int32);
    const [, [gi]] = mx.vjp((a) => mx.bitwiseInvert(a), [i], [mx.array([1, 1, 1], mx.int32)]);
    expect(gi.dtype).toEqual(mx.int32);
    expect(gi.tolist()).toEqual([0, 0, 0]);
    const [[oi], [ti]] = mx.jvp((a) => mx.bitwiseInvert(a), [i], [mx.array([1, 1, 1], mx.int32)]);
    expect(oi.tolist()).toEqual([-2, 1, -4]);
    expect(ti.tolist()).toEqual([0, 0, 0]);
    const b = mx.array([true, false]);
    const [, [gb]] = mx.vjp((a) => mx.logicalNot(a), [b], [mx.array([true, true])]);
    expect(gb.dtype).toEqual(mx.bool_);
    expect(gb.tolist()).toEqual([false, false]);
  });

  it('stopGradient blocks the vjp and the jvp but passes the value', () => {
    const a = fromValues([1, 2, 3], [3]);
    // d/dx sum(stop(x) * x) = stop(x) = x.
    const g = mx.grad((v: mx.MxArray) => mx.sum(mx.multiply(mx.stopGradient(v), v)))(a) as mx.MxArray;
    expect(g.tolist()).toEqual([1, 2, 3]);
    const [[o], [t]] = mx.jvp((v) => mx.add(mx.stopGradient(mx.square(v)), v), [a], [fromValues([1, 1, 1], [3])]);
    expect(o.tolist()).toEqual([2, 6, 12]);
    expect(t.tolist()).toEqual([1, 1, 1]);
    // A function that returns stop_gradient of its input: zero gradient.
    const [, [gz]] = mx.vjp((v) => mx.sin(mx.stopGradient(v)), [a], [fromValues([1, 1, 1], [3])]);
    expect(gz.tolist()).toEqual([0, 0, 0]);
  });
});

// ---------------------------------------------------------------------------
// complex64: jvp(v) = f'(z) v and vjp(c) = c * conj(f'(z)) for holomorphic f
// (MLX's convention: for a real loss L, grad = dL/dRe z + i dL/dIm z).

function complexValues(x: mx.MxArray): { re: number; im: number }[] {
  const f = values(x);
  return Array.from({ length: f.length / 2 }, (_, i) => ({ re: f[2 * i], im: f[2 * i + 1] }));
}

describe('complex64', () => {
  const holomorphic: [string, Op][] = [
    ['negative', (a) => mx.negative(a)],
    ['exp', (a) => mx.exp(a)],
    ['log', (a) => mx.log(a)],
    ['log2', (a) => mx.log2(a)],
    ['log10', (a) => mx.log10(a)],
    ['log1p', (a) => mx.log1p(a)],
    ['sqrt', (a) => mx.sqrt(a)],
    ['rsqrt', (a) => mx.rsqrt(a)],
    ['square', (a) => mx.square(a)],
    ['reciprocal', (a) => mx.reciprocal(a)],
    ['sin', (a) => mx.sin(a)],
    ['cos', (a) => mx.cos(a)],
    ['tan', (a) => mx.tan(a)],
    ['arcsin', (a) => mx.arcsin(a)],
    ['arccos', (a) => mx.arccos(a)],
    ['arctan', (a) => mx.arctan(a)],
    ['sinh', (a) => mx.sinh(a)],
    ['cosh', (a) => mx.cosh(a)],
    ['tanh', (a) => mx.tanh(a)],
    ['arcsinh', (a) => mx.arcsinh(a)],
    ['arccosh', (a) => mx.arccosh(a)],
    ['arctanh', (a) => mx.arctanh(a)],
    ['degrees', (a) => mx.degrees(a)],
  ];

  it('holomorphic ops: the jvp against complex central differences, vjp/jvp consistency', () => {
    // Off the real axis, away from the branch cuts.
    const z = complexUniform([4], 0.3, 0.8, 0.2, 0.6);
    const v = complexUniform([4], -1, 1, -1, 1);
    const h = 1e-2;
    for (const [name, op] of holomorphic) {
      try {
        const [, [t]] = mx.jvp(op, [z], [v]);
        expect(t.dtype).toEqual(mx.complex64);
        const step = mx.multiply(v, h);
        const fd = mx.divide(mx.subtract(op(mx.add(z, step)), op(mx.subtract(z, step))), 2 * h);
        expectClose(values(t), values(fd), 2e-3, 2e-3);
        checkVjpJvp(op, z, 1e-5);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
  });

  it('the vjp conjugates the derivative: grad of Re(exp(z)), Re(z^2)', () => {
    const z = mx.array([{ re: 0.5, im: 0.25 }, { re: -1, im: 2 }]);
    // d/dx Re(e^z) + i d/dy Re(e^z) = e^x cos y - i e^x sin y = conj(e^z).
    const g = mx.grad((a: mx.MxArray) => mx.sum(mx.real(mx.exp(a))))(z) as mx.MxArray;
    expect(g.dtype).toEqual(mx.complex64);
    const want = complexValues(mx.conjugate(mx.exp(z)));
    expectClose(values(g), want.flatMap((c) => [c.re, c.im]), 1e-6);
    // Re(z^2) = x^2 - y^2: gradient 2x - 2iy = 2 conj(z).
    const gs = mx.grad((a: mx.MxArray) => mx.sum(mx.real(mx.square(a))))(z) as mx.MxArray;
    expectClose(values(gs), [1, -0.5, -2, -4], 1e-6);
  });

  it('real, imag, conjugate: vjp and jvp', () => {
    const z = mx.array([{ re: 1, im: 2 }, { re: -3, im: 0.5 }]);
    const c = mx.array([2, -1], mx.float32);
    const [[r], [gr]] = mx.vjp((a) => mx.real(a), [z], [c]);
    expect(r.tolist()).toEqual([1, -3]);
    expect(gr.dtype).toEqual(mx.complex64);
    expect(gr.tolist()).toEqual([{ re: 2, im: 0 }, { re: -1, im: 0 }]);
    const [, [gi]] = mx.vjp((a) => mx.imag(a), [z], [c]);
    expect(gi.dtype).toEqual(mx.complex64);
    // i * c (the real part of i * (-1 + 0i) is -0).
    expectClose(values(gi), [0, 2, 0, -1], 0);
    const cz = mx.array([{ re: 1, im: 1 }, { re: 2, im: -3 }]);
    const [, [gc]] = mx.vjp((a) => mx.conjugate(a), [z], [cz]);
    expect(gc.tolist()).toEqual([{ re: 1, im: -1 }, { re: 2, im: 3 }]);
    const [[jr, ji, jc], [tr, ti, tc]] = mx.jvp((a) => [mx.real(a), mx.imag(a), mx.conj(a)], [z], [cz]);
    expect(jr.tolist()).toEqual([1, -3]);
    expect(ji.tolist()).toEqual([2, 0.5]);
    expect(jc.tolist()).toEqual([{ re: 1, im: -2 }, { re: -3, im: -0.5 }]);
    expect(tr.dtype).toEqual(mx.float32);
    expect(tr.tolist()).toEqual([1, 2]);
    expect(ti.tolist()).toEqual([1, -3]);
    expect(tc.tolist()).toEqual([{ re: 1, im: -1 }, { re: 2, im: 3 }]);
    // grad of Re(z) + 2 Im(z) + Re(conj(z) * w) (= x + 2y + xa + yb for w = a + ib):
    // (1 + a) + i (2 + b) = 1 + 2i + w.
    const w = mx.array([{ re: 0.5, im: 0.25 }, { re: -1, im: 1 }]);
    const f = (a: mx.MxArray) => mx.sum(mx.add(mx.add(mx.real(a), mx.multiply(mx.imag(a), 2)), mx.real(mx.multiply(mx.conj(a), w))));
    const g = mx.grad(f)(z) as mx.MxArray;
    expect(g.tolist()).toEqual([{ re: 1.5, im: 2.25 }, { re: 0, im: 3 }]);
  });

  it('abs: the gradient of |z| is z / |z|; the tangent is real', () => {
    const z = mx.array([{ re: 3, im: 4 }, { re: 0, im: -2 }]);
    const [[a], [g]] = mx.vjp((v) => mx.abs(v), [z], [mx.array([1, 2], mx.float32)]);
    expect(a.dtype).toEqual(mx.float32);
    expect(a.tolist()).toEqual([5, 2]);
    expect(g.dtype).toEqual(mx.complex64);
    expectClose(values(g), [0.6, 0.8, 0, -2], 1e-7);
    // d|z| along t = Re(conj(z) t) / |z|.
    const t = mx.array([{ re: 1, im: 1 }, { re: 2, im: 3 }]);
    const [, [j]] = mx.jvp((v) => mx.abs(v), [z], [t]);
    expect(j.dtype).toEqual(mx.float32);
    expectClose(values(j), [(3 + 4) / 5, (-2 * 3) / 2], 1e-7);
    checkVjpJvp((v) => mx.abs(v), complexUniform([5], -1, 1, -1, 1), 1e-5);
  });
});

// ---------------------------------------------------------------------------
// vmap: every op equals the loop over the mapped axis.

describe('vmap', () => {
  const f64 = (lo: number, hi: number) => (s: number[]) => uniform(s, lo, hi);
  const special = (s: number[]) => {
    const pool = [NaN, Infinity, -Infinity, 0, -0.5, 1.5, 2.5, -3.5];
    return fromValues(
      Array.from({ length: size(s) }, () => pool[Math.floor(rnd() * pool.length)]),
      s,
    );
  };

  it('every differentiable op over every axis, also non-contiguous', () => {
    for (const { name, op, input } of diffOps) {
      try {
        checkVmapAll(op, input);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
  });

  it('sign, floor, ceil, round, predicates, logicalNot, stopGradient', () => {
    const ops: [string, Op, (s: number[]) => mx.MxArray][] = [
      ['sign', (a) => mx.sign(a), f64(-2, 2)],
      ['floor', (a) => mx.floor(a), f64(-5, 5)],
      ['ceil', (a) => mx.ceil(a), f64(-5, 5)],
      ['round', (a) => mx.round(a), (s) => special(s)],
      ['round(1)', (a) => mx.round(a, 1), f64(-5, 5)],
      ['isnan', (a) => mx.isnan(a), special],
      ['isinf', (a) => mx.isinf(a), special],
      ['isposinf', (a) => mx.isposinf(a), special],
      ['isneginf', (a) => mx.isneginf(a), special],
      ['isfinite', (a) => mx.isfinite(a), special],
      ['logicalNot', (a) => mx.logicalNot(a), special],
      ['stopGradient', (a) => mx.stopGradient(a), f64(-2, 2)],
    ];
    for (const [name, op, make] of ops) {
      try {
        checkVmapAll(op, make);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
  });

  it('integer, bool, float32 and low precision dtypes keep their output dtype', () => {
    const ints = (s: number[]) => fromValues(Array.from({ length: size(s) }, () => Math.floor(rnd() * 200) - 100), s, mx.int32);
    const u8 = (s: number[]) => fromValues(Array.from({ length: size(s) }, () => Math.floor(rnd() * 256)), s, mx.uint8);
    const bools = (s: number[]) => mx.greater(uniform(s), 0);
    const ops: [string, Op, (s: number[]) => mx.MxArray][] = [
      ['bitwiseInvert int32', (a) => mx.bitwiseInvert(a), ints],
      ['bitwiseInvert uint8', (a) => mx.bitwiseInvert(a), u8],
      ['logicalNot bool', (a) => mx.logicalNot(a), bools],
      ['abs int32', (a) => mx.abs(a), ints],
      ['negative int32', (a) => mx.negative(a), ints],
      ['sign int32', (a) => mx.sign(a), ints],
      ['square uint8', (a) => mx.square(a), u8],
      ['exp int32', (a) => mx.exp(a.astype(mx.float32).multiply(0.05).astype(mx.int32)), ints],
      ['sqrt float32', (a) => mx.sqrt(a), (s) => uniform(s, 0, 4, mx.float32)],
      ['tanh float16', (a) => mx.tanh(a), (s) => uniform(s, -2, 2, mx.float16)],
      ['sigmoid bfloat16', (a) => mx.sigmoid(a), (s) => uniform(s, -2, 2, mx.bfloat16)],
      ['round(2) float32', (a) => mx.round(a, 2), (s) => uniform(s, -5, 5, mx.float32)],
      ['isnan int32', (a) => mx.isnan(a), ints],
    ];
    for (const [name, op, make] of ops) {
      try {
        checkVmapAll(op, make);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
  });

  it('complex64: real, imag, conjugate, abs, exp, sign', () => {
    const cz = (s: number[]) => complexUniform(s, -2, 2, -2, 2);
    const ops: [string, Op][] = [
      ['real', (a) => mx.real(a)],
      ['imag', (a) => mx.imag(a)],
      ['conjugate', (a) => mx.conjugate(a)],
      ['abs', (a) => mx.abs(a)],
      ['exp', (a) => mx.exp(a)],
      ['sign', (a) => mx.sign(a)],
      ['sqrt', (a) => mx.sqrt(a)],
    ];
    for (const [name, op] of ops) {
      try {
        checkVmapAll(op, cz);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
  });

  it('the output axis is the input axis; chains, nesting, unmapped arguments', () => {
    const x = uniform([2, 3, 4]);
    // A chain of unary ops mapped over axis 2 and returned at axis 2: no transposes needed.
    const chain = (a: mx.MxArray) => mx.tanh(mx.exp(mx.sin(mx.negative(a))));
    const got = mx.vmap(chain, 2, 2)(x) as mx.MxArray;
    expectClose(values(got), values(chain(x)), 1e-15, 0);
    // Nested vmap over two axes.
    const nested = mx.vmap(mx.vmap((a: mx.MxArray) => mx.log1p(mx.square(a)), 1, 0), 0, 0)(x) as mx.MxArray;
    expect(nested.shape).toEqual([2, 4, 3]);
    expectClose(values(nested), values(mx.transpose(mx.log1p(mx.square(x)), [0, 2, 1])), 1e-15, 0);
    // An unmapped second argument goes through its own unary op once.
    const y = uniform([4]);
    const f = (a: mx.MxArray, b: mx.MxArray) => mx.add(mx.cos(a), mx.arctan(b));
    const r = mx.vmap(f, [1, null])(x, y) as mx.MxArray;
    expect(r.shape).toEqual([3, 2, 4]);
    const want = mx.stack([0, 1, 2].map((i) => f(itemAt(x, 1, i), y)), 0);
    expectClose(values(r), values(want), 1e-15, 0);
  });

  it('vmap of grad (per-example gradients) and grad of vmap', () => {
    const x = uniform([3, 4], -2, 2);
    const perExample = mx.vmap(mx.grad((a: mx.MxArray) => mx.sum(mx.sin(a))), 1)(x) as mx.MxArray;
    expect(perExample.shape).toEqual([4, 3]);
    expectClose(values(perExample), values(mx.transpose(mx.cos(x))), 1e-15);
    const g = mx.grad((a: mx.MxArray) => mx.sum(mx.vmap((b: mx.MxArray) => mx.sigmoid(b), 1)(a) as mx.MxArray))(x) as mx.MxArray;
    const s = values(mx.sigmoid(x));
    expectClose(values(g), s.map((v) => v * (1 - v)), 1e-15);
    // jvp of a vmapped erf.
    const [, [t]] = mx.jvp((a) => mx.vmap((b: mx.MxArray) => mx.erf(b), 0)(a) as mx.MxArray, [x], [mx.onesLike(x)]);
    expectClose(values(t), values(x).map((v) => (2 / sqrtPi) * Math.exp(-v * v)), 1e-14);
  });
});
