import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { checkVmapMulti as checkVmap, dotArrays as dot, expectCloseRel as expectClose, fromValues, isFloat, lcgHelpers, list, prod as count, values } from './helpers/gradcheck.js';

// Transformation rules of the binary family (elementwise two-input ops, where,
// divmod, isclose/allclose/arrayEqual): gradients against central differences
// (with broadcasting inside the op, so the cotangents must be summed back to
// each input's shape), <vjp(u), v> == <u, jvp(v)>, zero gradients of the
// non-differentiable ops, and vmap against a loop over the mapped axis.

type Op = (...xs: mx.MxArray[]) => mx.MxArray | mx.MxArray[];

const { rnd, randn, strided } = lcgHelpers(4242);

/** Magnitudes in [0.5, 1.5), random signs (away from 0: safe divisors). */
function away(shape: number[], dtype: mx.Dtype = mx.float64): mx.MxArray {
  return fromValues(
    Array.from({ length: count(shape) }, () => {
      const r = rnd();
      return Math.sign(r || 1) * (0.5 + Math.abs(rnd()));
    }),
    shape,
    dtype,
  );
}

/** Positive values in [0.5, 1.5). */
function positive(shape: number[]): mx.MxArray {
  return fromValues(Array.from({ length: count(shape) }, () => 1 + rnd() / 2), shape);
}

/** Small integers in [-lim, lim]. */
function ints(shape: number[], lim = 4, dtype: mx.Dtype = mx.int32): mx.MxArray {
  return fromValues(Array.from({ length: count(shape) }, () => Math.round(rnd() * lim)), shape, dtype);
}

function bools(shape: number[]): mx.MxArray {
  return fromValues(Array.from({ length: count(shape) }, () => (rnd() > 0 ? 1 : 0)), shape, mx.bool_);
}

/**
 * mx.grad of sum(op(xs) * w) (w fixed random, one per output) for each float
 * argument (or those in `args`), against central differences.
 */
function checkGrad(op: Op, inputs: mx.MxArray[], args?: number[], rtol = 1e-6): void {
  const eps = 1e-6;
  const ws = list(op(...inputs)).map((o) => randn(o.shape));
  const loss = (...xs: mx.MxArray[]) =>
    list(op(...xs))
      .map((o, j) => mx.sum(mx.multiply(o, ws[j])))
      .reduce((a, b) => mx.add(a, b));
  const lossValue = (xs: mx.MxArray[]) => values(loss(...xs))[0];
  const which = args ?? inputs.map((_, i) => i).filter((i) => isFloat(inputs[i]));
  // All requested gradients at once (an argnums list) ...
  const all = mx.grad(loss, which)(...inputs) as mx.MxArray[];
  which.forEach((i, k) => {
    const x = inputs[i];
    // ... and each alone (an argnums subset).
    const g = mx.grad(loss, i)(...inputs) as mx.MxArray;
    expect(g.shape).toEqual(x.shape);
    expect(g.dtype).toEqual(x.dtype);
    expect(all[k].tolist()).toEqual(g.tolist());
    const base = values(x);
    const num = base.map((_, e) => {
      const at = (d: number) => {
        const v = base.slice();
        v[e] += d;
        const xs = inputs.slice();
        xs[i] = fromValues(v, x.shape, x.dtype);
        return lossValue(xs);
      };
      return (at(eps) - at(-eps)) / (2 * eps);
    });
    expectClose(values(g), num, rtol);
  });
}

/** For random u (per output) and v (per float input): <vjp(u), v> == <u, jvp(v)>. */
function checkVjpJvp(op: Op, inputs: mx.MxArray[], rtol = 1e-9): void {
  const outs = list(op(...inputs));
  const us = outs.map((o) => randn(o.shape, isFloat(o) ? o.dtype : mx.float64));
  const vs = inputs.map((x) => (isFloat(x) ? randn(x.shape, x.dtype) : mx.zerosLike(x)));
  const [, vjps] = mx.vjp(op, inputs, us);
  const [jouts, jvps] = mx.jvp(op, inputs, vs);
  expect(vjps.length).toBe(inputs.length);
  expect(jouts.length).toBe(outs.length);
  let lhs = 0;
  inputs.forEach((x, i) => {
    expect(vjps[i].shape).toEqual(x.shape);
    if (isFloat(x)) {
      expect(vjps[i].dtype).toEqual(x.dtype);
      lhs += dot(vjps[i], vs[i]);
    }
  });
  let rhs = 0;
  outs.forEach((o, j) => {
    expect(jvps[j].shape).toEqual(o.shape);
    if (isFloat(o)) expect(jvps[j].dtype).toEqual(o.dtype);
    rhs += dot(us[j], jvps[j]);
  });
  expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(lhs)));
}

/** A two-input op as an Op (drops the stream parameter from the signature). */
function two(f: (a: mx.MxArray, b: mx.MxArray) => mx.MxArray): Op {
  return (a, b) => f(a, b);
}

function checkAll(op: Op, inputs: mx.MxArray[]): void {
  checkGrad(op, inputs);
  checkVjpJvp(op, inputs);
}

/**
 * vmap of a two-input op in several layouts: both mapped (same and different
 * axes, different ranks), one unmapped (either side, with a rank that needs a
 * size-1 axis or not), a non-contiguous input and a non-zero out axis.
 * `make(shape)` makes a valid input.
 */
function checkVmapBinary(op: Op, make: (s: number[]) => mx.MxArray, makeB = make): void {
  checkVmap(op, [make([3, 2, 4]), makeB([3, 2, 4])], [0, 0]);
  checkVmap(op, [make([2, 3, 4]), makeB([4, 3])], [1, 1]);
  checkVmap(op, [make([3, 2, 4]), makeB([4, 3])], [0, 1]);
  checkVmap(op, [make([2, 4, 3]), makeB([3, 1, 4])], [2, 0]);
  checkVmap(op, [make([2, 1, 3]), makeB([3])], [2, 0]);
  checkVmap(op, [make([3]), makeB([2, 3, 4])], [0, 1]);
  // One input unmapped.
  checkVmap(op, [make([3, 2, 4]), makeB([4])], [0, null]);
  checkVmap(op, [make([2, 4]), makeB([2, 3, 4])], [null, 1]);
  checkVmap(op, [make([2, 3]), makeB([4, 2, 1])], [1, null]);
  checkVmap(op, [make([1, 4]), makeB([4, 3])], [null, 1]);
  checkVmap(op, [make([2, 4]), makeB([3, 4])], [null, 0], 1);
  // Non-contiguous inputs, 0-d items.
  checkVmap(op, [strided([3, 4], make), makeB([4, 3])], [1, 0]);
  checkVmap(op, [make([3]), makeB([3])], [0, 0]);
  checkVmap(op, [make([3]), makeB([])], [0, null]);
}

/** The gradients of sum(op(...) * w) for all float inputs are zero (with their shapes and dtypes). */
function checkZeroGrad(op: Op, inputs: mx.MxArray[]): void {
  const outs = list(op(...inputs));
  const ws = outs.map((o) => randn(o.shape));
  const loss = (...xs: mx.MxArray[]) =>
    list(op(...xs))
      .map((o, j) => mx.sum(mx.multiply(o, ws[j])))
      .reduce((a, b) => mx.add(a, b));
  const args = inputs.map((_, i) => i);
  const gs = mx.grad(loss, args)(...inputs) as mx.MxArray[];
  gs.forEach((g, i) => {
    expect(g.shape).toEqual(inputs[i].shape);
    expect(g.dtype).toEqual(inputs[i].dtype);
    expect(values(g).every((v) => v === 0)).toBe(true);
  });
  // jvp: zeros of the output shape.
  const ts = inputs.map((x) => (isFloat(x) ? randn(x.shape, x.dtype) : mx.zerosLike(x)));
  const [, jvps] = mx.jvp(op, inputs, ts);
  jvps.forEach((t, j) => {
    expect(t.shape).toEqual(outs[j].shape);
    expect(values(t).every((v) => v === 0)).toBe(true);
  });
}

/** Broadcasting layouts for gradient checks: [shapeA, shapeB]. */
const layouts: [number[], number[]][] = [
  [[2, 3], [2, 3]],
  [[2, 3], [3]],
  [[2, 1], [1, 3]],
  [[], [2, 3]],
  [[3, 1, 2], [2, 1]],
];

describe('add, subtract, multiply, divide', () => {
  const ops: [string, Op, (s: number[]) => mx.MxArray][] = [
    ['add', (a, b) => mx.add(a, b), randn],
    ['subtract', (a, b) => mx.subtract(a, b), randn],
    ['multiply', (a, b) => mx.multiply(a, b), randn],
    ['divide', (a, b) => mx.divide(a, b), away],
  ];
  for (const [name, op, makeB] of ops) {
    it(`${name}: gradients with broadcasting inside the op, vjp/jvp`, () => {
      for (const [sa, sb] of layouts) {
        checkAll(op, [randn(sa), makeB(sb)]);
        checkAll(op, [randn(sb), makeB(sa)]);
      }
      // Non-contiguous inputs.
      checkAll(op, [strided([3, 2]), strided([3, 2], makeB)]);
      checkAll(op, [strided([2, 3]), makeB([3])]);
      // The same array as both arguments: the two cotangents accumulate.
      checkGrad((a) => op(a, a), [away([2, 3])]);
    });

    it(`${name}: vmap equals a loop`, () => {
      checkVmapBinary(op, randn, makeB);
      checkVmapBinary(op, (s) => ints(s, 9), (s) => ints(s, 9).add(20));
    });
  }

  it('hand-computed gradients', () => {
    const a = mx.array([[1, 2, 3], [4, 5, 6]], mx.float64);
    const b = mx.array([2, 4, 8], mx.float64);
    const sumOf = (f: (x: mx.MxArray, y: mx.MxArray) => mx.MxArray) =>
      mx.grad((x: mx.MxArray, y: mx.MxArray) => mx.sum(f(x, y)), [0, 1])(a, b) as mx.MxArray[];
    let [ga, gb] = sumOf(mx.add);
    expect(ga.tolist()).toEqual([[1, 1, 1], [1, 1, 1]]);
    expect(gb.tolist()).toEqual([2, 2, 2]);
    [ga, gb] = sumOf(mx.subtract);
    expect(gb.tolist()).toEqual([-2, -2, -2]);
    [ga, gb] = sumOf(mx.multiply);
    expect(ga.tolist()).toEqual([[2, 4, 8], [2, 4, 8]]);
    expect(gb.tolist()).toEqual([5, 7, 9]);
    [ga, gb] = sumOf(mx.divide);
    expect(ga.tolist()).toEqual([[0.5, 0.25, 0.125], [0.5, 0.25, 0.125]]);
    expect(gb.tolist()).toEqual([-5 / 4, -7 / 16, -9 / 64]);
  });

  it('cotangents keep each input dtype (float32, float16, bfloat16, weak scalars)', () => {
    for (const dt of [mx.float32, mx.float16, mx.bfloat16]) {
      const x = mx.array([1, 2, 3], dt);
      const g = mx.grad((v: mx.MxArray) => mx.sum(mx.multiply(v, 2.5)))(x) as mx.MxArray;
      expect(g.dtype).toEqual(dt);
      expect(g.tolist()).toEqual([2.5, 2.5, 2.5]);
      // A float32 x times a float64 y: the promoted product; x's gradient is float32.
      const y = mx.array([[1], [2]], mx.float64);
      const [gx, gy] = mx.grad((u: mx.MxArray, w: mx.MxArray) => mx.sum(mx.multiply(u, w)), [0, 1])(
        x,
        y,
      ) as mx.MxArray[];
      expect(gx.dtype).toEqual(dt);
      expect(gx.tolist()).toEqual([3, 3, 3]);
      expect(gy.dtype).toEqual(mx.float64);
      expect(gy.tolist()).toEqual([[6], [6]]);
    }
    // Integer inputs promoted by divide: the gradient comes back as float.
    const x = mx.array([1, 2, 4], mx.float32);
    const g = mx.grad((v: mx.MxArray) => mx.sum(mx.divide(mx.array([4, 4, 4], mx.int32), v)))(x) as mx.MxArray;
    expect(g.dtype).toEqual(mx.float32);
    expect(g.tolist()).toEqual([-4, -1, -0.25]);
  });
});

describe('power', () => {
  it('gradients: d/da = b a^(b-1), d/db = log(a) a^b', () => {
    for (const [sa, sb] of layouts) checkAll(two(mx.power), [positive(sa), randn(sb)]);
    checkAll(two(mx.power), [strided([3, 2], positive), strided([3, 2])]);
    // Negative bases with integer exponents (gradient for the base only).
    checkGrad(two(mx.power), [away([2, 3]), mx.array([2, 3, -1], mx.float64)], [0]);
    const a = mx.array([1, 2, 4], mx.float64);
    const b = mx.array([3, 0.5, 2], mx.float64);
    const [ga, gb] = mx.grad((x: mx.MxArray, y: mx.MxArray) => mx.sum(mx.power(x, y)), [0, 1])(a, b) as mx.MxArray[];
    expectClose(values(ga), [3, 0.5 / Math.sqrt(2), 8], 1e-12);
    expectClose(values(gb), [0, Math.log(2) * Math.sqrt(2), Math.log(4) * 16], 1e-12);
  });

  it('d/db is 0 where a^b is 0 (0 * log 0)', () => {
    const [, gb] = mx.grad((x: mx.MxArray, y: mx.MxArray) => mx.sum(mx.power(x, y)), [0, 1])(
      mx.array([0, 0], mx.float64),
      mx.array([2, 3], mx.float64),
    ) as mx.MxArray[];
    expect(gb.tolist()).toEqual([0, 0]);
  });

  it('vmap equals a loop', () => {
    checkVmapBinary(two(mx.power), positive, randn);
    checkVmapBinary(two(mx.power), (s) => ints(s, 5), (s) => mx.abs(ints(s, 3)));
  });
});

describe('maximum, minimum, clip', () => {
  it('gradients go to the selected input', () => {
    for (const op of [two(mx.maximum), two(mx.minimum)]) {
      for (const [sa, sb] of layouts) checkAll(op, [randn(sa), randn(sb)]);
      checkAll(op, [strided([3, 2]), randn([2])]);
    }
  });

  it("ties: the gradient goes to the second input (MLX's rule)", () => {
    const a = mx.array([1, 2, 3], mx.float64);
    const b = mx.array([1, 5, 0], mx.float64);
    for (const [op, wantA, wantB] of [
      [mx.maximum, [0, 0, 1], [1, 1, 0]],
      [mx.minimum, [0, 1, 0], [1, 0, 1]],
    ] as const) {
      const [ga, gb] = mx.grad((x: mx.MxArray, y: mx.MxArray) => mx.sum(op(x, y)), [0, 1])(a, b) as mx.MxArray[];
      expect(ga.tolist()).toEqual(wantA);
      expect(gb.tolist()).toEqual(wantB);
      // The same array twice: the whole gradient reaches it once.
      const g = mx.grad((x: mx.MxArray) => mx.sum(op(x, x)))(a) as mx.MxArray;
      expect(g.tolist()).toEqual([1, 1, 1]);
    }
  });

  it('clip: gradients to the array inside the bounds and to the bounds outside', () => {
    const x = mx.array([-2, -0.5, 0.25, 3], mx.float64);
    const g = mx.grad((v: mx.MxArray) => mx.sum(mx.clip(v, -1, 1)))(x) as mx.MxArray;
    expect(g.tolist()).toEqual([0, 1, 1, 0]);
    const lo = mx.array(-1, mx.float64);
    const hi = mx.array([1, 0, 0, 1], mx.float64);
    const [gx, glo, ghi] = mx.grad(
      (v: mx.MxArray, l: mx.MxArray, h: mx.MxArray) => mx.sum(mx.clip(v, l, h)),
      [0, 1, 2],
    )(x, lo, hi) as mx.MxArray[];
    expect(gx.tolist()).toEqual([0, 1, 0, 0]);
    expect(glo.tolist()).toEqual(1);
    expect(ghi.tolist()).toEqual([0, 0, 1, 1]);
    checkAll((v, l, h) => mx.clip(v, l, h), [randn([2, 3]), randn([3]).subtract(1), randn([2, 1]).add(1)]);
    checkAll((v) => mx.clip(v, null, 0.2), [randn([4])]);
  });

  it('vmap equals a loop', () => {
    checkVmapBinary(two(mx.maximum), randn);
    checkVmapBinary(two(mx.minimum), randn);
    checkVmapBinary(two(mx.maximum), (s) => ints(s));
    checkVmap((v, l, h) => mx.clip(v, l, h), [randn([3, 4]), randn([3]).subtract(1), randn([4]).add(1)], [0, 0, null]);
  });
});

describe('arctan2, logaddexp', () => {
  it('gradients', () => {
    for (const [sa, sb] of layouts) {
      checkAll(two(mx.arctan2), [randn(sa), away(sb)]);
      checkAll(two(mx.logaddexp), [randn(sa), randn(sb)]);
    }
    checkAll(two(mx.arctan2), [strided([2, 3]), strided([2, 3], away)]);
    checkAll(two(mx.logaddexp), [strided([2, 3]), randn([2, 1])]);
    // Hand-computed: d/dy atan2(y, x) = x / (x^2 + y^2); d/dx = -y / (x^2 + y^2).
    const [gy, gx] = mx.grad((y: mx.MxArray, x: mx.MxArray) => mx.sum(mx.arctan2(y, x)), [0, 1])(
      mx.array([1, 3], mx.float64),
      mx.array([2, -4], mx.float64),
    ) as mx.MxArray[];
    expectClose(values(gy), [2 / 5, -4 / 25], 1e-15);
    expectClose(values(gx), [-1 / 5, -3 / 25], 1e-15);
    // logaddexp: sigmoid(a - b) and sigmoid(b - a).
    const [ga, gb] = mx.grad((a: mx.MxArray, b: mx.MxArray) => mx.sum(mx.logaddexp(a, b)), [0, 1])(
      mx.array([0, Math.log(3)], mx.float64),
      mx.array([0, 0], mx.float64),
    ) as mx.MxArray[];
    expectClose(values(ga), [0.5, 0.75], 1e-15);
    expectClose(values(gb), [0.5, 0.25], 1e-15);
  });

  it('vmap equals a loop', () => {
    checkVmapBinary(two(mx.arctan2), randn, away);
    checkVmapBinary(two(mx.logaddexp), randn);
  });
});

describe('remainder, floorDivide, divmod', () => {
  it('remainder: d/da = 1, d/db = -floor(a / b)', () => {
    for (const [sa, sb] of layouts) {
      checkAll(two(mx.remainder), [randn(sa).multiply(3), away(sb)]);
    }
    checkAll(two(mx.remainder), [strided([3, 2]).multiply(3), strided([3, 2], away)]);
    const [ga, gb] = mx.grad((a: mx.MxArray, b: mx.MxArray) => mx.sum(mx.remainder(a, b)), [0, 1])(
      mx.array([7.5, -7.5, 7.5], mx.float64),
      mx.array([2, 2, -2], mx.float64),
    ) as mx.MxArray[];
    expect(ga.tolist()).toEqual([1, 1, 1]);
    expect(gb.tolist()).toEqual([-3, 4, 4]);
  });

  it('floorDivide and divmod have zero gradients', () => {
    checkZeroGrad(two(mx.floorDivide), [randn([2, 3]).multiply(3), away([3])]);
    checkZeroGrad((a, b) => mx.divmod(a, b), [randn([2, 1]).multiply(3), away([1, 3])]);
    // divmod's quotient and remainder are both zero-gradient (as MLX).
    checkZeroGrad((a, b) => mx.divmod(a, b)[1], [randn([3]).multiply(3), away([3])]);
  });

  it('vmap equals a loop', () => {
    checkVmapBinary(two(mx.remainder), (s) => randn(s).multiply(5), away);
    checkVmapBinary(two(mx.floorDivide), (s) => randn(s).multiply(5), away);
    checkVmapBinary((a, b) => mx.divmod(a, b), (s) => randn(s).multiply(5), away);
    const nonzero = (s: number[]) => mx.where(mx.equal(ints(s, 3), 0), 2, ints(s, 3));
    checkVmapBinary(two(mx.remainder), (s) => ints(s, 20), nonzero);
    checkVmapBinary(two(mx.floorDivide), (s) => ints(s, 20), nonzero);
    checkVmapBinary((a, b) => mx.divmod(a, b), (s) => ints(s, 20), nonzero);
    // Both outputs placed at a non-zero out axis.
    checkVmap((a, b) => mx.divmod(a, b), [randn([2, 3]).multiply(5), away([3, 2])], [1, 0], 1);
  });
});

describe('where', () => {
  it('gradients go to the chosen branch; none to the condition', () => {
    const c = mx.array([true, false, true]);
    const x = mx.array([1, 2, 3], mx.float64);
    const y = mx.array([[4, 5, 6], [7, 8, 9]], mx.float64);
    const [gx, gy] = mx.grad(
      (a: mx.MxArray, b: mx.MxArray) => mx.sum(mx.where(c, a, b)),
      [0, 1],
    )(x, y) as mx.MxArray[];
    expect(gx.tolist()).toEqual([2, 0, 2]);
    expect(gy.tolist()).toEqual([[0, 1, 0], [0, 1, 0]]);
    checkAll((cc, a, b) => mx.where(cc, a, b), [bools([2, 3]), randn([2, 3]), randn([2, 3])]);
    checkAll((cc, a, b) => mx.where(cc, a, b), [bools([3]), randn([2, 1]), randn([])]);
    checkAll((cc, a, b) => mx.where(cc, a, b), [bools([2, 1, 3]), strided([2, 3]), randn([3])]);
    // The condition computed from the input (its gradient path is zero).
    checkAll((a) => mx.where(mx.greater(a, 0), a, mx.multiply(a, 0.1)), [randn([2, 3])]);
    // A float condition (cast to bool inside the op).
    checkGrad((cc, a) => mx.where(cc, a, 0), [randn([2, 3]), randn([2, 3])], [1]);
    checkZeroGrad((cc) => mx.where(cc, 1, 2).astype(mx.float64), [randn([3])]);
  });

  it('vmap equals a loop (three inputs in any mix of axes)', () => {
    const cond = bools([3, 2, 4]);
    checkVmap((cc, a, b) => mx.where(cc, a, b), [cond, randn([3, 2, 4]), randn([3, 2, 4])], [0, 0, 0]);
    checkVmap((cc, a, b) => mx.where(cc, a, b), [cond, randn([2, 3, 4]), randn([4, 3])], [0, 1, 1]);
    checkVmap((cc, a, b) => mx.where(cc, a, b), [bools([4, 3]), randn([3, 2, 4]), randn([])], [1, 0, null]);
    checkVmap((cc, a, b) => mx.where(cc, a, b), [bools([2, 4]), randn([4, 3]), randn([3])], [null, 1, 0]);
    checkVmap((cc, a, b) => mx.where(cc, a, b), [bools([3]), randn([2, 4]), randn([2, 1])], [0, null, null], 1);
    checkVmap((cc, a, b) => mx.where(cc, a, b), [strided([3, 4], bools), randn([4]), randn([4, 3])], [0, null, 1]);
  });
});

describe('comparisons, logical and bitwise ops', () => {
  const comparisons: [string, Op][] = [
    ['equal', two(mx.equal)],
    ['notEqual', two(mx.notEqual)],
    ['less', two(mx.less)],
    ['lessEqual', two(mx.lessEqual)],
    ['greater', two(mx.greater)],
    ['greaterEqual', two(mx.greaterEqual)],
  ];
  // Values with ties, so equal/lessEqual see both outcomes.
  const coarse = (s: number[]) => ints(s, 2, mx.float64);

  for (const [name, op] of comparisons) {
    it(`${name}: zero gradients, vmap equals a loop`, () => {
      checkZeroGrad(op, [coarse([2, 3]), coarse([3])]);
      checkZeroGrad(op, [coarse([2, 1]), coarse([1, 3])]);
      checkVmapBinary(op, coarse);
      checkVmapBinary(op, (s) => ints(s, 2));
    });
  }

  it('logicalAnd, logicalOr: zero gradients, vmap', () => {
    for (const op of [two(mx.logicalAnd), two(mx.logicalOr)]) {
      checkZeroGrad(op, [randn([2, 3]), coarse([3])]);
      checkVmapBinary(op, bools);
    }
  });

  it('bitwise ops and shifts: vmap equals a loop', () => {
    for (const op of [two(mx.bitwiseAnd), two(mx.bitwiseOr), two(mx.bitwiseXor)]) {
      checkVmapBinary(op, (s) => ints(s, 50));
      checkVmapBinary(op, bools);
    }
    for (const op of [two(mx.leftShift), two(mx.rightShift)]) {
      checkVmapBinary(op, (s) => ints(s, 50, mx.uint16), (s) => mx.abs(ints(s, 3)).astype(mx.uint16));
    }
    // No gradient flows through an integer op (the float input's gradient is zero).
    const g = mx.grad((x: mx.MxArray) =>
      mx.sum(mx.bitwiseAnd(x.astype(mx.int32), mx.array(6, mx.int32)).astype(mx.float64)),
    )(mx.array([3, 7], mx.float64)) as mx.MxArray;
    expect(g.tolist()).toEqual([0, 0]);
    const [, t] = mx.jvp(
      (a: mx.MxArray, b: mx.MxArray) => mx.bitwiseXor(a, b),
      [ints([2, 3]), ints([3])],
      [mx.zeros([2, 3], mx.int32), mx.zeros([3], mx.int32)],
    );
    expect(t[0].shape).toEqual([2, 3]);
    expect(values(t[0]).every((v) => v === 0)).toBe(true);
  });
});

describe('isclose, allclose, arrayEqual', () => {
  // b close to a in about half the places (and NaNs in both).
  function pair(shape: number[]): [mx.MxArray, mx.MxArray] {
    const a = randn(shape);
    const near = mx.greater(randn(shape), 0);
    const b = mx.where(near, mx.add(a, 1e-9), mx.add(a, 0.1));
    return [a, b];
  }

  it('zero gradients', () => {
    const [a, b] = pair([2, 3]);
    checkZeroGrad((x, y) => mx.isclose(x, y), [a, b]);
    checkZeroGrad((x, y) => mx.allclose(x, y), [a, b]);
    checkZeroGrad((x, y) => mx.arrayEqual(x, y), [a, a]);
  });

  it('vmap of isclose equals a loop', () => {
    const [a, b] = pair([3, 2, 4]);
    checkVmap((x, y) => mx.isclose(x, y), [a, b], [0, 0]);
    checkVmap((x, y) => mx.isclose(x, y), [a, mx.moveaxis(b, 0, 2)], [0, 2]);
    checkVmap((x, y) => mx.isclose(x, y, 0, 0.05), [a, b.index(0)], [0, null]);
    const nan = mx.array([NaN, 1, NaN], mx.float64);
    const other = mx.array([[NaN, 1, 2], [NaN, NaN, NaN]], mx.float64);
    checkVmap((x, y) => mx.isclose(x, y, 1e-5, 1e-8, true), [nan, other], [0, 1]);
    checkVmap((x, y) => mx.isclose(x, y, 1e-5, 1e-8, false), [nan, other], [0, 1]);
    // equalNan matters: NaN == NaN only with it.
    const eqn = mx.vmap((x: mx.MxArray, y: mx.MxArray) => mx.isclose(x, y, 1e-5, 1e-8, true), [0, 1])(nan, other) as mx.MxArray;
    expect(eqn.tolist()).toEqual([[true, true], [true, false], [false, true]]);
  });

  it('vmap of allclose and arrayEqual reduce each item', () => {
    const a = randn([4, 2, 3]);
    // Items 0 and 2 equal, items 1 and 3 not.
    const bump = mx.reshape(mx.array([0, 1, 0, 1e-3], mx.float64), [4, 1, 1]);
    const b = mx.add(a, bump);
    for (const op of [(x: mx.MxArray, y: mx.MxArray) => mx.allclose(x, y), (x: mx.MxArray, y: mx.MxArray) => mx.arrayEqual(x, y)]) {
      const got = mx.vmap(op, [0, 0])(a, b) as mx.MxArray;
      expect(got.tolist()).toEqual([true, false, true, false]);
      checkVmap(op, [a, b], [0, 0]);
      checkVmap(op, [mx.moveaxis(a, 0, 2), b], [2, 0]);
      checkVmap(op, [b, a.index(0)], [0, null]);
      checkVmap(op, [a.index(2), mx.moveaxis(b, 0, 1)], [null, 1]);
      // 0-d items.
      checkVmap(op, [mx.array([1, 2, 3], mx.float64), mx.array([1, 5, 3], mx.float64)], [0, 0]);
    }
    // allclose's tolerance applies per item.
    const close = mx.vmap((x: mx.MxArray, y: mx.MxArray) => mx.allclose(x, y, 0, 2e-3), [0, 0])(a, b) as mx.MxArray;
    expect(close.tolist()).toEqual([true, false, true, true]);
    // arrayEqual with equalNan, and of different item shapes (a constant false).
    const n = mx.array([[NaN, 1], [2, 3]], mx.float64);
    const eqn = mx.vmap((x: mx.MxArray, y: mx.MxArray) => mx.arrayEqual(x, y, true), [0, 0])(n, n) as mx.MxArray;
    expect(eqn.tolist()).toEqual([true, true]);
    const eq = mx.vmap((x: mx.MxArray, y: mx.MxArray) => mx.arrayEqual(x, y), [0, 0])(n, n) as mx.MxArray;
    expect(eq.tolist()).toEqual([false, true]);
    const diff = mx.vmap((x: mx.MxArray, y: mx.MxArray) => mx.arrayEqual(x, y), [0, 0])(randn([3, 2]), randn([3, 4])) as mx.MxArray;
    expect(diff.tolist()).toEqual([false, false, false]);
  });
});

describe('lower precision', () => {
  it('gradients keep float32/float16/bfloat16 and match float64', () => {
    const ops: [string, Op, (s: number[]) => mx.MxArray, (s: number[]) => mx.MxArray][] = [
      ['add', two(mx.add), randn, randn],
      ['subtract', two(mx.subtract), randn, randn],
      ['multiply', two(mx.multiply), randn, randn],
      ['divide', two(mx.divide), randn, away],
      ['remainder', two(mx.remainder), (s) => randn(s).multiply(3), away],
      ['power', two(mx.power), positive, randn],
      ['maximum', two(mx.maximum), randn, randn],
      ['minimum', two(mx.minimum), randn, randn],
      ['arctan2', two(mx.arctan2), randn, away],
      ['logaddexp', two(mx.logaddexp), randn, randn],
      ['where', (a, b) => mx.where(mx.greater(a, b), a, b), randn, randn],
    ];
    for (const [name, op, makeA, makeB] of ops) {
      const a = makeA([2, 3]);
      const b = makeB([3]);
      const w = randn([2, 3]);
      const gradsOf = (x: mx.MxArray, y: mx.MxArray) =>
        mx.grad((u: mx.MxArray, v: mx.MxArray) => mx.sum(mx.multiply(op(u, v) as mx.MxArray, w.astype(u.dtype))), [0, 1])(
          x,
          y,
        ) as mx.MxArray[];
      const want = gradsOf(a, b);
      for (const [dt, tol] of [
        [mx.float32, 1e-5],
        [mx.float16, 2e-2],
        [mx.bfloat16, 6e-2],
      ] as const) {
        // Inputs rounded to dt first, so both sides see the same values.
        const a2 = a.astype(dt);
        const b2 = b.astype(dt);
        const ref = gradsOf(a2.astype(mx.float64), b2.astype(mx.float64));
        const got = gradsOf(a2, b2);
        got.forEach((g, i) => {
          expect(g.dtype, `${name} ${dt}`).toEqual(dt);
          expect(g.shape).toEqual(want[i].shape);
          expectClose(values(g), values(ref[i]), tol, tol);
        });
      }
    }
  });
});

describe('compositions', () => {
  it('vmap of grad and grad of vmap', () => {
    // (Rules of the binary family only: power's base gradient, maximum, divide.)
    const f = (x: mx.MxArray, y: mx.MxArray) =>
      mx.sum(mx.multiply(mx.power(x, y), mx.divide(mx.maximum(x, y), mx.add(y, 3))));
    const xs = positive([3, 4]);
    const y = randn([4]);
    checkVmap((x) => mx.grad(f)(x, y) as mx.MxArray, [xs], [0]);
    checkVmap((x) => mx.grad(f)(x, y) as mx.MxArray, [mx.transpose(xs)], [1]);
    checkVmap((yy) => mx.grad(f)(xs.index(1), yy) as mx.MxArray, [randn([4, 3])], [1]);
    // grad of a vmapped function against central differences.
    checkGrad(
      (x, yy) => mx.vmap((a: mx.MxArray, b: mx.MxArray) => mx.divide(mx.maximum(a, b), mx.add(b, 2)), [1, null])(x, yy) as mx.MxArray,
      [randn([4, 3]), randn([4])],
    );
  });

  it('second derivatives', () => {
    // d2/dx2 of x^3 = 6x; of x * y wrt x then y = 1.
    const x = mx.array([0.5, 2], mx.float64);
    const d1 = (v: mx.MxArray) => mx.sum(mx.grad((u: mx.MxArray) => mx.sum(mx.power(u, 3)))(v) as mx.MxArray);
    const d2 = mx.grad(d1)(x) as mx.MxArray;
    expectClose(values(d2), [3, 12], 1e-12);
    // d/dx of d/dx sum(x * x * y) = 2y; d/dy of it = 2x.
    const y = mx.array([3, -1], mx.float64);
    const inner = (u: mx.MxArray, w: mx.MxArray) =>
      mx.sum(mx.grad((a: mx.MxArray, b: mx.MxArray) => mx.sum(mx.multiply(mx.multiply(a, a), b)))(u, w) as mx.MxArray);
    const [gx, gy] = mx.grad(inner, [0, 1])(x, y) as mx.MxArray[];
    expect(gx.tolist()).toEqual([6, -2]);
    expect(gy.tolist()).toEqual([1, 4]);
  });
});
