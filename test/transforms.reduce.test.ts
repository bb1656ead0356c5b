import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { dotArrays as dot, expectCloseRel as expectClose, fromValues, itemAt, lcgHelpers, numericGrad, values } from './helpers/gradcheck.js';

// Transformation rules of the reduce family (sum, prod, max, min, all, any,
// mean, var, std, logsumexp, argmax, argmin): gradients against central
// differences, <vjp(u), v> == <u, jvp(v)>, and vmap against a loop over the
// mapped axis.

type Op = (x: mx.MxArray) => mx.MxArray;

const { rnd, randn, strided } = lcgHelpers(4242);

/** Random values away from zero (|v| in [0.5, 1.5)), for prod. */
function randAway(shape: number[]): mx.MxArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return fromValues(
    Array.from({ length: n }, () => {
      const v = rnd();
      return v < 0 ? v - 0.5 : v + 0.5;
    }),
    shape,
  );
}

/** mx.grad of sum(op(x) * w) (w fixed random) against central differences. */
function checkGrad(op: Op, x: mx.MxArray, rtol = 1e-6, eps = 1e-6): void {
  const w = randn(op(x).shape);
  const loss = (a: mx.MxArray) => mx.sum(mx.multiply(op(a), w));
  const g = mx.grad(loss)(x) as mx.MxArray;
  expect(g.shape).toEqual(x.shape);
  expect(g.dtype).toEqual(x.dtype);
  expectClose(values(g), numericGrad((a) => values(loss(a))[0], x, eps), rtol);
}

/** For random u and v: <vjp(u), v> == <u, jvp(v)>, with the right shapes and dtypes. */
function checkVjpJvp(op: Op, x: mx.MxArray, rtol = 1e-9): void {
  const out = op(x);
  const u = randn(out.shape, out.dtype);
  const v = randn(x.shape, x.dtype);
  const [, [vj]] = mx.vjp((a) => op(a), [x], [u]);
  const [[jout], [jv]] = mx.jvp((a) => op(a), [x], [v]);
  expect(vj.shape).toEqual(x.shape);
  expect(vj.dtype).toEqual(x.dtype);
  expect(jout.tolist()).toEqual(out.tolist());
  expect(jv.shape).toEqual(out.shape);
  expect(jv.dtype).toEqual(out.dtype);
  const lhs = dot(vj, v);
  const rhs = dot(u, jv);
  expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(lhs)));
}

function checkAll(op: Op, x: mx.MxArray, rtol = 1e-6): void {
  checkGrad(op, x, rtol);
  checkVjpJvp(op, x);
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
  const g = values(got);
  const w = values(want);
  // Same kernels on the same data, but a reduction may group its sums differently.
  expectClose(g, w, 1e-12);
}

/** vmap over every axis of a batched copy of an item of shape itemShape (batch of 3). */
function checkVmapAllAxes(op: Op, itemShape: number[], make: (shape: number[]) => mx.MxArray = randn): void {
  for (let ax = 0; ax <= itemShape.length; ax++) {
    const shape = itemShape.slice();
    shape.splice(ax, 0, 3);
    checkVmap(op, make(shape), ax);
  }
}

// The reductions over the axis choices that matter: all axes, one axis
// (negative too), several axes, with and without keepdims.
const axisChoices: { axis?: number | number[]; keepdims: boolean }[] = [
  { keepdims: false },
  { keepdims: true },
  { axis: 1, keepdims: false },
  { axis: -1, keepdims: true },
  { axis: [0, 2], keepdims: false },
  { axis: [2, 0], keepdims: true },
];

describe('sum and mean', () => {
  it('gradients over every axis choice', () => {
    const x = randn([2, 3, 4]);
    for (const { axis, keepdims } of axisChoices) {
      checkAll((a) => mx.sum(a, axis, keepdims), x);
      checkAll((a) => mx.mean(a, axis, keepdims), x);
    }
    checkAll((a) => mx.sum(a, [0, 1]), strided([3, 4]));
    checkAll((a) => mx.mean(a, 0), strided([3, 4]));
  });

  it('sum broadcasts the cotangent, mean divides it by the count', () => {
    const x = randn([2, 3]);
    const c = fromValues([1, 2], [2]);
    const [, [gs]] = mx.vjp((a) => mx.sum(a, 1), [x], [c]);
    expect(gs.tolist()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    const [, [gm]] = mx.vjp((a) => mx.mean(a, 1, true), [x], [fromValues([3, 6], [2, 1])]);
    expect(gm.tolist()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    // An empty reduced axis: an empty gradient.
    const e = mx.zeros([0, 3], mx.float64);
    expect((mx.grad((a: mx.MxArray) => mx.sum(a))(e) as mx.MxArray).shape).toEqual([0, 3]);
    expect((mx.grad((a: mx.MxArray) => mx.sum(mx.mean(a, 0)))(e) as mx.MxArray).shape).toEqual([0, 3]);
  });

  it('gradients keep the input dtype', () => {
    for (const dtype of [mx.float32, mx.float16, mx.bfloat16]) {
      const x = randn([2, 3], dtype);
      const gs = mx.grad((a: mx.MxArray) => mx.sum(mx.sum(a, 0)))(x) as mx.MxArray;
      expect(gs.dtype).toEqual(dtype);
      expect(values(gs)).toEqual([1, 1, 1, 1, 1, 1]);
      const gm = mx.grad((a: mx.MxArray) => mx.mean(a))(x) as mx.MxArray;
      expect(gm.dtype).toEqual(dtype);
      expectClose(values(gm), new Array(6).fill(1 / 6), 1e-2);
    }
  });
});

describe('prod', () => {
  it('gradients over every axis choice', () => {
    const x = randAway([2, 3, 4]);
    for (const { axis, keepdims } of axisChoices) checkAll((a) => mx.prod(a, axis, keepdims), x);
    checkAll((a) => mx.prod(a, 1), strided([2, 5]).add(2));
    // A long axis: several rounds of the scan; an axis of length 1.
    checkAll((a) => mx.prod(a, 0), randAway([9, 2]));
    checkAll((a) => mx.prod(a, 1), randAway([2, 1, 3]));
    checkAll((a) => mx.prod(a, [0, 1], true), randAway([1, 1, 3]));
  });

  it('zeros: the product of the other elements, no division', () => {
    // One zero: only it gets a gradient (the product of the others).
    const g1 = mx.grad((a: mx.MxArray) => mx.prod(a))(fromValues([2, 0, 3, 4], [4])) as mx.MxArray;
    expect(g1.tolist()).toEqual([0, 24, 0, 0]);
    // Two zeros in a group: no gradient; the other row is unaffected.
    const x = fromValues([0, 5, 0, 2, 3, 4], [2, 3]);
    const g2 = mx.grad((a: mx.MxArray) => mx.sum(mx.prod(a, 1)))(x) as mx.MxArray;
    expect(g2.tolist()).toEqual([
      [0, 0, 0],
      [12, 8, 6],
    ]);
    // Over several axes at once.
    const g3 = mx.grad((a: mx.MxArray) => mx.sum(mx.prod(a, [0, 2])))(
      fromValues([1, 2, 3, 4, 0, 6, 7, 8], [2, 2, 2]),
    ) as mx.MxArray;
    expect(g3.tolist()).toEqual([
      [
        [0, 0],
        [224, 168],
      ],
      [
        [12, 0],
        [96, 84],
      ],
    ]);
    checkAll((a) => mx.prod(a, 1), fromValues([0, 0.5, -1.5, 0.7, 0, 0.3, 0.2, 0.9, 1.1], [3, 3]));
  });

  it('second derivatives, zeros included', () => {
    // d/dx_j of the gradient of prod: the product of all elements but i and j.
    const w = randn([4]);
    const g = (a: mx.MxArray) => mx.sum(mx.multiply(mx.grad((y: mx.MxArray) => mx.prod(y))(a) as mx.MxArray, w));
    for (const x of [fromValues([0.5, -1.2, 0.8, 1.3], [4]), fromValues([0, -1.2, 0.8, 1.3], [4]), fromValues([0, 0, 0.8, 1.3], [4])]) {
      const h = mx.grad(g)(x) as mx.MxArray;
      expectClose(values(h), numericGrad((a) => values(g(a))[0], x, 1e-6), 1e-6);
    }
  });

  it('integer inputs: the gradient has the input dtype', () => {
    const x = mx.array([1, 2, 3], mx.int8);
    const [, [g]] = mx.vjp((a) => mx.prod(a), [x], [mx.array(1, mx.int32)]);
    expect(g.dtype).toEqual(mx.int8);
    expect(g.tolist()).toEqual([6, 3, 2]);
  });
});

describe('max and min', () => {
  it('gradients over every axis choice', () => {
    const x = randn([2, 3, 4]);
    for (const { axis, keepdims } of axisChoices) {
      checkAll((a) => mx.max(a, axis, keepdims), x);
      checkAll((a) => mx.min(a, axis, keepdims), x);
    }
    checkAll((a) => mx.max(a, 0), strided([3, 4]));
    checkAll((a) => mx.min(a, [0, 1], true), strided([3, 4]));
  });

  it('ties share the gradient evenly (as MLX does); jvp averages the tied tangents', () => {
    const x = fromValues([1, 3, 3, 2, -1, -1, 5, -1], [2, 4]);
    const gmax = mx.grad((a: mx.MxArray) => mx.sum(mx.max(a, 1)))(x) as mx.MxArray;
    expect(gmax.tolist()).toEqual([
      [0, 0.5, 0.5, 0],
      [0, 0, 1, 0],
    ]);
    const gmin = mx.grad((a: mx.MxArray) => mx.sum(mx.min(a, 1)))(x) as mx.MxArray;
    expect(gmin.tolist()).toEqual([
      [1, 0, 0, 0],
      [1 / 3, 1 / 3, 0, 1 / 3],
    ]);
    const t = fromValues([10, 20, 40, 80, 1, 2, 4, 8], [2, 4]);
    const [, [jmax]] = mx.jvp((a) => mx.max(a, 1), [x], [t]);
    expect(jmax.tolist()).toEqual([30, 4]);
    const [, [jmin]] = mx.jvp((a) => mx.min(a, 1, true), [x], [t]);
    expect(jmin.tolist()).toEqual([[10], [11 / 3]]);
    checkVjpJvp((a) => mx.max(a, 1), x);
    checkVjpJvp((a) => mx.min(a), x);
  });

  it('gradients keep the input dtype', () => {
    for (const dtype of [mx.float32, mx.float16, mx.bfloat16]) {
      const x = fromValues([1, 4, 2, 4], [4], dtype);
      const g = mx.grad((a: mx.MxArray) => mx.max(a))(x) as mx.MxArray;
      expect(g.dtype).toEqual(dtype);
      expect(values(g)).toEqual([0, 0.5, 0, 0.5]);
    }
  });
});

describe('var and std', () => {
  it('gradients over every axis choice and ddof', () => {
    const x = randn([2, 3, 4]);
    for (const { axis, keepdims } of axisChoices) {
      for (const ddof of [0, 1]) {
        checkAll((a) => mx.var(a, axis, keepdims, ddof), x);
        checkAll((a) => mx.std(a, axis, keepdims, ddof), x);
      }
    }
    checkAll((a) => mx.var(a, 1, false, 2), strided([2, 5]));
    checkAll((a) => mx.std(a, 0), strided([3, 4]));
  });

  it('the gradient is 2 (x - mean) / (N - ddof), over std for std', () => {
    const x = fromValues([1, 2, 3, 6], [4]);
    // mean 3, deviations [-2, -1, 0, 3], sum of squares 14.
    const gv = mx.grad((a: mx.MxArray) => mx.var(a, null, false, 1))(x) as mx.MxArray;
    expectClose(values(gv), [-4 / 3, -2 / 3, 0, 2], 1e-15);
    const sd = Math.sqrt(14 / 4);
    const gs = mx.grad((a: mx.MxArray) => mx.std(a))(x) as mx.MxArray;
    expectClose(values(gs), [-2, -1, 0, 3].map((d) => d / (4 * sd)), 1e-15);
  });

  it('gradients keep the input dtype', () => {
    for (const dtype of [mx.float32, mx.float16, mx.bfloat16]) {
      const x = fromValues([1, 2, 3, 6], [4], dtype);
      const g = mx.grad((a: mx.MxArray) => mx.var(a))(x) as mx.MxArray;
      expect(g.dtype).toEqual(dtype);
      expectClose(values(g), [-1, -0.5, 0, 1.5], 1e-2);
    }
  });
});

describe('logsumexp', () => {
  it('gradients over every axis choice', () => {
    const x = randn([2, 3, 4]).multiply(3);
    for (const { axis, keepdims } of axisChoices) checkAll((a) => mx.logsumexp(a, axis, keepdims), x);
    checkAll((a) => mx.logsumexp(a, 1), strided([2, 5]));
  });

  it('the gradient is the softmax, stable for large inputs', () => {
    const e = Math.E;
    const x = fromValues([1000, 1001, -Infinity], [3]);
    const want = [1 / (1 + e), e / (1 + e), 0];
    const g = mx.grad((a: mx.MxArray) => mx.logsumexp(a))(x) as mx.MxArray;
    expectClose(values(g), want, 1e-14);
    const [, [j]] = mx.jvp((a) => mx.logsumexp(a), [x], [fromValues([4, 8, 100], [3])]);
    expectClose(values(j), [4 * want[0] + 8 * want[1]], 1e-14);
    // float32: the shift by the maximum keeps the relative error at the
    // dtype's epsilon (exp(x - logsumexp(x)) would lose ~1e-4 here).
    const g32 = mx.grad((a: mx.MxArray) => mx.logsumexp(a))(x.astype(mx.float32)) as mx.MxArray;
    expect(g32.dtype).toEqual(mx.float32);
    expectClose(values(g32), want, 1e-6);
  });
});

describe('non-differentiable reductions', () => {
  it('argmax, argmin, all, any: zero gradients and tangents', () => {
    const x = randn([3, 4]);
    const ops: [Op, mx.Dtype][] = [
      [(a) => mx.argmax(a, 1), mx.uint32],
      [(a) => mx.argmin(a, null, true), mx.uint32],
      [(a) => mx.all(mx.greater(a, 0), 0), mx.bool_],
      [(a) => mx.any(mx.greater(a, 0), [0, 1], true), mx.bool_],
    ];
    for (const [op, dtype] of ops) {
      const out = op(x);
      const [, [g]] = mx.vjp(op, [x], [mx.onesLike(out)]);
      expect(g.shape).toEqual(x.shape);
      expect(values(g).every((v) => v === 0)).toBe(true);
      const [, [t]] = mx.jvp(op, [x], [mx.onesLike(x)]);
      expect(t.shape).toEqual(out.shape);
      expect(t.dtype).toEqual(dtype);
      expect(values(t).every((v) => v === 0)).toBe(true);
    }
    // Through a differentiable function that also uses the index: only the
    // direct path contributes.
    const idx = (a: mx.MxArray) => mx.broadcastTo(mx.argmax(a, 1, true), [3, 4]);
    const g = mx.grad((a: mx.MxArray) => mx.sum(mx.multiply(a, idx(a))))(x) as mx.MxArray;
    expect(g.tolist()).toEqual(idx(x).astype(mx.float64).tolist());
  });

  it('all and any: vjp on their own (bool inputs)', () => {
    const b = mx.array([
      [true, false],
      [true, true],
    ]);
    const [, [g]] = mx.vjp((a) => mx.all(a, 1), [b], [mx.array([true, false])]);
    expect(g.shape).toEqual([2, 2]);
    expect(g.dtype).toEqual(mx.bool_);
    expect(g.tolist()).toEqual([
      [false, false],
      [false, false],
    ]);
  });
});

describe('vmap', () => {
  it('every reduction over every mapped axis and axis choice', () => {
    const item = [2, 3, 4];
    const ops: Op[] = [];
    for (const { axis, keepdims } of axisChoices) {
      ops.push(
        (a) => mx.sum(a, axis, keepdims),
        (a) => mx.prod(a, axis, keepdims),
        (a) => mx.max(a, axis, keepdims),
        (a) => mx.min(a, axis, keepdims),
        (a) => mx.mean(a, axis, keepdims),
        (a) => mx.var(a, axis, keepdims, 1),
        (a) => mx.std(a, axis, keepdims),
        (a) => mx.logsumexp(a, axis, keepdims),
        (a) => mx.all(mx.greater(a, -0.5), axis, keepdims),
        (a) => mx.any(mx.greater(a, 0.5), axis, keepdims),
      );
    }
    for (const op of ops) checkVmapAllAxes(op, item);
  });

  it('argmax and argmin along an axis and over the flattened item', () => {
    const ops: Op[] = [
      (a) => mx.argmax(a, 0),
      (a) => mx.argmax(a, -1, true),
      (a) => mx.argmin(a, 1),
      (a) => mx.argmin(a, 0, true),
      (a) => mx.argmax(a),
      (a) => mx.argmin(a, null, true),
    ];
    for (const op of ops) checkVmapAllAxes(op, [3, 4]);
    // Ties: the first index, per item.
    const t = fromValues([1, 5, 5, 0, 0, 2, 2, 2], [2, 4]);
    expect((mx.vmap((a: mx.MxArray) => mx.argmax(a))(t) as mx.MxArray).tolist()).toEqual([1, 1]);
    const c = fromValues([2, 0, 2, 1, 1, 0], [3, 2]);
    expect((mx.vmap((a: mx.MxArray) => mx.argmin(a), 1)(c) as mx.MxArray).tolist()).toEqual([2, 0]);
  });

  it('another output axis, dtypes, a non-contiguous input, an empty batch', () => {
    checkVmap((a) => mx.sum(a, 0), randn([3, 4, 2]), 1, 1);
    checkVmap((a) => mx.max(a, -1, true), strided([3, 4, 2]), 2, 1);
    checkVmap((a) => mx.sum(a, 1), mx.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], mx.int8), 0);
    checkVmap((a) => mx.mean(a), randn([3, 4], mx.float16), 1);
    const empty = mx.zeros([0, 3], mx.float32);
    expect((mx.vmap((a: mx.MxArray) => mx.logsumexp(a))(empty) as mx.MxArray).shape).toEqual([0]);
    expect((mx.vmap((a: mx.MxArray) => mx.argmax(a, null, true))(empty) as mx.MxArray).shape).toEqual([0, 1]);
    expect((mx.vmap((a: mx.MxArray) => mx.max(a))(empty) as mx.MxArray).shape).toEqual([0]);
  });

  // Per-example gradients and tangents: vmap over the graphs the rules build.
  function checkVmapOfRules(op: Op): void {
    const perItemGrad: Op = (a) => mx.grad((y: mx.MxArray) => mx.sum(op(y)))(a) as mx.MxArray;
    checkVmapAllAxes(perItemGrad, [3, 4], randAway);
    const tangent = randn([3, 4]);
    const perItemJvp: Op = (a) => mx.jvp(op, [a], [tangent])[1][0];
    checkVmapAllAxes(perItemJvp, [3, 4], randAway);
  }

  it('vmap of the gradient rules (per-example gradients)', () => {
    const ops: Op[] = [
      (a) => mx.sum(mx.multiply(a, a), 0),
      (a) => mx.prod(a, 1),
      (a) => mx.prod(a, [0, 1]),
      (a) => mx.max(a, 0),
      (a) => mx.min(a, [0, 1], true),
      (a) => mx.mean(a, 1, true),
      (a) => mx.var(a, 0),
      (a) => mx.std(a, 1),
    ];
    for (const op of ops) checkVmapOfRules(op);
  });

  it('vmap of the logsumexp rules (needs the vmap rules of exp and stop_gradient)', () => {
    checkVmapOfRules((a) => mx.logsumexp(a, 0));
    checkVmapOfRules((a) => mx.logsumexp(a, [0, 1], true));
  });
});
