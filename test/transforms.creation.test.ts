import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { fromValues, lcgHelpers, values } from './helpers/gradcheck.js';

// Transformation rules of the creation primitives: AsType (astype), Copy
// (mx.array of an array) and Full (mx.full of an array value).

type Op = (...xs: mx.MxArray[]) => mx.MxArray;

const { randn } = lcgHelpers(777);

function expectClose(got: number[], want: number[], rtol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (Math.abs(g - want[i]) > rtol * Math.max(1, Math.abs(want[i]))) {
      throw new Error(`element ${i}: got ${g}, expected ${want[i]}\ngot:  ${got}\nwant: ${want}`);
    }
  });
}

/** mx.grad of sum(op(x) * w) against central differences (x float64). */
function checkGrad(op: Op, x: mx.MxArray, eps = 1e-6, rtol = 1e-6): mx.MxArray {
  const w = randn(op(x).shape);
  const loss = (a: mx.MxArray) => mx.sum(mx.multiply(op(a).astype(mx.float64), w));
  const g = mx.grad(loss)(x) as mx.MxArray;
  expect(g.shape).toEqual(x.shape);
  expect(g.dtype).toEqual(x.dtype);
  const base = values(x);
  const at = (k: number, d: number) => {
    const v = base.slice();
    v[k] += d;
    return values(loss(fromValues(v, x.shape)))[0];
  };
  expectClose(values(g), base.map((_, k) => (at(k, eps) - at(k, -eps)) / (2 * eps)), rtol);
  return g;
}

/** <vjp(u), v> == <u, jvp(v)> for random u, v. */
function checkVjpJvp(op: Op, x: mx.MxArray, rtol = 1e-9): void {
  const y = op(x);
  const u = randn(y.shape, y.dtype);
  const v = randn(x.shape, x.dtype);
  const [, [vj]] = mx.vjp(op, [x], [u]);
  const [, [jv]] = mx.jvp(op, [x], [v]);
  expect(vj.dtype).toEqual(x.dtype);
  expect(jv.dtype).toEqual(y.dtype);
  expect(jv.shape).toEqual(y.shape);
  const dot = (a: mx.MxArray, b: mx.MxArray) => {
    const p = values(a);
    const q = values(b);
    return p.reduce((s, e, i) => s + e * q[i], 0);
  };
  const lhs = dot(vj, v);
  const rhs = dot(u, jv);
  expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(lhs)));
}

/** mx.vmap(op) over `axis` equals op on each item, stacked on axis 0. */
function checkVmap(op: Op, x: mx.MxArray, axis: number): void {
  const got = mx.vmap(op, axis)(x) as mx.MxArray;
  const n = x.shape[axis];
  const want = mx.stack(Array.from({ length: n }, (_, b) => op(x.index(...new Array<string>(axis).fill(':'), b))));
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toEqual(want.dtype);
  expect(got.tolist()).toEqual(want.tolist());
}

describe('astype', () => {
  it('the gradient is the cotangent cast back to the input dtype', () => {
    // float32 rounding makes the function piecewise constant: wide steps.
    checkGrad((a) => mx.astype(a, mx.float32), randn([2, 3]), 1e-2, 1e-4);
    const g = checkGrad((a) => mx.astype(mx.astype(a, mx.float32), mx.float64), randn([4]), 1e-2, 1e-4);
    expect(g.dtype).toEqual(mx.float64);
    const [, [g16]] = mx.vjp((a) => a.astype(mx.float16), [randn([3], mx.float32)], [mx.array([1, 2, 3], mx.float16)]);
    expect(g16.dtype).toEqual(mx.float32);
    expect(g16.tolist()).toEqual([1, 2, 3]);
    const [, [gb]] = mx.vjp((a) => a.astype(mx.bfloat16), [randn([2], mx.float64)], [mx.array([0.5, -4], mx.bfloat16)]);
    expect(gb.dtype).toEqual(mx.float64);
    expect(gb.tolist()).toEqual([0.5, -4]);
  });

  it('vjp/jvp agree; the tangent is cast to the output dtype', () => {
    checkVjpJvp((a) => a.astype(mx.float32), randn([3, 2]), 1e-6);
    const [, [t]] = mx.jvp((a) => a.astype(mx.float16), [randn([2])], [mx.array([1.5, 2], mx.float64)]);
    expect(t.dtype).toEqual(mx.float16);
    expect(t.tolist()).toEqual([1.5, 2]);
  });

  it('vmap', () => {
    checkVmap((a) => a.astype(mx.float32), randn([3, 2]), 0);
    checkVmap((a) => a.astype(mx.int32), fromValues([1, 2, 3, 4, 5, 6], [2, 3]), 1);
    checkVmap((a) => mx.astype(a, mx.bool_), fromValues([0, 2, 0, 4], [2, 2]), 1);
  });
});

describe('copy (mx.array of an array)', () => {
  it('is the identity for every transform', () => {
    const x = randn([2, 3]);
    checkGrad((a) => mx.array(a), x);
    checkVjpJvp((a) => mx.array(a), x);
    checkVmap((a) => mx.array(a), x, 0);
    checkVmap((a) => mx.array(a), x, 1);
    // A non-contiguous input.
    checkGrad((a) => mx.array(mx.transpose(a)), x);
  });
});

describe('full with an array value', () => {
  it('the gradient sums the cotangent over the broadcast axes', () => {
    checkGrad((a) => mx.full([2, 3], a), randn([3]));
    checkGrad((a) => mx.full([2, 2, 3], a), randn([2, 1, 3]));
    checkGrad((a) => mx.full([4], a), randn([]));
    checkGrad((a) => mx.full([2, 3], a), randn([2, 3]));
    const [, [g]] = mx.vjp((a) => mx.full([2, 3], a), [randn([1])], [mx.ones([2, 3], mx.float64)]);
    expect(g.tolist()).toEqual([6]);
    // A value cast to the requested dtype: the gradient comes back in the value's dtype.
    const [, [g32]] = mx.vjp((a) => mx.full([2], a, mx.float32), [randn([], mx.float64)], [mx.ones([2], mx.float32)]);
    expect(g32.dtype).toEqual(mx.float64);
    expect(g32.tolist()).toEqual(2);
  });

  it('jvp broadcasts the tangent; vjp/jvp agree', () => {
    checkVjpJvp((a) => mx.full([2, 3], a), randn([3]));
    checkVjpJvp((a) => mx.full([2, 2], a), randn([]));
    const [, [t]] = mx.jvp((a) => mx.full([2, 2], a), [randn([2])], [mx.array([1, 2], mx.float64)]);
    expect(t.tolist()).toEqual([[1, 2], [1, 2]]);
  });

  it('vmap', () => {
    checkVmap((a) => mx.full([2, 3], a), randn([4, 3]), 0);
    checkVmap((a) => mx.full([2, 3], a), randn([3, 4]), 1);
    checkVmap((a) => mx.full([2, 2, 3], a), randn([2, 1, 5]), 2);
    checkVmap((a) => mx.full([2], a), randn([3]), 0);
  });
});
