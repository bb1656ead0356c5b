// Transformation rules (vjp, jvp, vmap) of the linalg primitives: Matmul and AddMM.
//
// - gradients against central finite differences (float64, CPU) of
//   sum(op(...) * w) with a fixed random weight w, for every argument;
// - vjp/jvp duality: <vjp(u), v> == <u, jvp(v)> for random u, v;
// - vmap equals a loop over the mapped axis (stacked), mapped and unmapped
//   arguments, axes other than 0, 1-D operands.
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { dotRaw as dot, expectCloseTol as expectClose, fromValuesIn as fromValues, rawValues as values, uniformValues } from './helpers/gradcheck.js';

type Fn = (...xs: mx.MxArray[]) => mx.MxArray;

// ---- helpers ----

function rand(shape: number[], seed: number, dtype: mx.Dtype = mx.float64): mx.MxArray {
  const n = shape.reduce((p, d) => p * d, 1);
  return fromValues(uniformValues(n, seed), shape, dtype);
}

/**
 * mx.grad of sum(f(...args) * w) with respect to each argument in `argnums`
 * against central differences (eps 1e-6) of the same loss, evaluated element
 * by element.
 */
function gradCheck(f: Fn, args: mx.MxArray[], argnums: number[] = args.map((_, i) => i)): void {
  const out = f(...args);
  const w = rand(out.shape, 1234, out.dtype);
  const loss = (...xs: mx.MxArray[]) => mx.sum(mx.multiply(f(...xs), w));
  const eps = 1e-6;
  for (const k of argnums) {
    const g = mx.grad(loss, k)(...args) as mx.MxArray;
    expect(g.shape).toEqual(args[k].shape);
    expect(g.dtype).toEqual(args[k].dtype);
    const base = values(args[k]);
    const numeric = base.map((_, i) => {
      const at = (delta: number) => {
        const v = base.slice();
        v[i] += delta;
        const xs = args.slice();
        xs[k] = fromValues(v, args[k].shape, args[k].dtype);
        return loss(...xs).item() as number;
      };
      return (at(eps) - at(-eps)) / (2 * eps);
    });
    expectClose(values(g), numeric, 1e-6);
  }
}

/** <vjp(u), v> == <u, jvp(v)> over all arguments, for random u and v. */
function dualityCheck(f: Fn, args: mx.MxArray[], tol = 1e-9): void {
  const out = f(...args);
  const u = rand(out.shape, 77, out.dtype);
  const vs = args.map((a, i) => rand(a.shape, 100 + i, a.dtype));
  const [outs, vjps] = mx.vjp(f, args, [u]);
  const [outs2, jvps] = mx.jvp(f, args, vs);
  expect(outs[0].shape).toEqual(out.shape);
  expect(outs2[0].shape).toEqual(out.shape);
  expect(jvps[0].shape).toEqual(out.shape);
  vjps.forEach((g, i) => expect(g.shape).toEqual(args[i].shape));
  const lhs = vjps.reduce((s, g, i) => s + dot(g, vs[i]), 0);
  const rhs = dot(u, jvps[0]);
  expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(tol * (1 + Math.abs(rhs)));
  // And each argument alone: the jvp with one non-zero tangent.
  args.forEach((_, i) => {
    const ts = args.map((a, j) => (j === i ? vs[j] : mx.zeros(a.shape, a.dtype)));
    const [, [t]] = mx.jvp(f, args, ts);
    const one = dot(u, t);
    const expected = dot(vjps[i], vs[i]);
    expect(Math.abs(one - expected)).toBeLessThanOrEqual(tol * (1 + Math.abs(expected)));
  });
}

/** mx.vmap(f, inAxes, outAxis) equals stacking f over the slices along the mapped axes. */
function vmapCheck(f: Fn, args: mx.MxArray[], inAxes: (number | null)[], outAxis = 0, rtol = 1e-12): void {
  const first = inAxes.findIndex((a) => a !== null);
  const n = args[first].shape[inAxes[first]!];
  const slices: mx.MxArray[] = [];
  for (let i = 0; i < n; ++i) {
    slices.push(f(...args.map((a, k) => (inAxes[k] === null ? a : mx.take(a, i, inAxes[k])))));
  }
  const expected = mx.stack(slices, outAxis);
  const got = mx.vmap(f, inAxes, outAxis)(...args) as mx.MxArray;
  expect(got.shape).toEqual(expected.shape);
  expect(got.dtype).toEqual(expected.dtype);
  expectClose(values(got), values(expected), rtol);
}

const matmul: Fn = (a, b) => mx.matmul(a, b);

// ---- matmul ----

// [a shape, b shape]: 2-D, 1-D promotion on either side or both, broadcast batches.
const matmulCases: [number[], number[]][] = [
  [[3, 4], [4, 2]],
  [[4], [4, 3]],
  [[3, 4], [4]],
  [[4], [4]],
  [[2, 3, 4], [4, 2]],
  [[3, 4], [2, 4, 2]],
  [[2, 1, 3, 4], [3, 4, 2]],
  [[2, 3, 4], [4]],
  [[4], [2, 4, 3]],
  [[1, 3, 4], [2, 4, 2]],
];

describe('matmul vjp/jvp', () => {
  for (const [sa, sb] of matmulCases) {
    it(`gradients match finite differences for ${JSON.stringify(sa)} @ ${JSON.stringify(sb)}`, () => {
      gradCheck(matmul, [rand(sa, 1), rand(sb, 2)]);
    });
    it(`vjp and jvp agree for ${JSON.stringify(sa)} @ ${JSON.stringify(sb)}`, () => {
      dualityCheck(matmul, [rand(sa, 3), rand(sb, 4)]);
    });
  }

  it('gradients of non-contiguous inputs (a transpose and a broadcast)', () => {
    // a: the transpose of a 4x3 matrix; b: a 4x2 broadcast of a row.
    const a = mx.asStrided(rand([4, 3], 5), [3, 4], [1, 3]);
    const b = mx.asStrided(rand([2], 6), [4, 2], [0, 1]);
    gradCheck(matmul, [a, b]);
  });

  it('a single argnum, and a gradient that keeps float32', () => {
    const a = rand([3, 4], 7, mx.float32);
    const b = rand([4, 2], 8, mx.float32);
    const g = mx.grad((x: mx.MxArray) => mx.sum(mx.matmul(x, b)))(a) as mx.MxArray;
    expect(g.dtype).toEqual(mx.float32);
    // d/da sum(a @ b) = ones(3, 2) @ b^T: every row is b's row sums.
    const bv = values(b);
    const rowSums = [0, 1, 2, 3].map((k) => bv[2 * k] + bv[2 * k + 1]);
    expectClose(values(g), [0, 1, 2].flatMap(() => rowSums), 1e-6);
  });

  it('gradients in float16 and bfloat16 keep the dtype', () => {
    for (const dt of [mx.float16, mx.bfloat16]) {
      const a = rand([2, 3], 9, dt);
      const b = rand([3, 2], 10, dt);
      const [ga, gb] = mx.grad((x: mx.MxArray, y: mx.MxArray) => mx.sum(mx.matmul(x, y)), [0, 1])(a, b) as mx.MxArray[];
      expect(ga.dtype).toEqual(dt);
      expect(gb.dtype).toEqual(dt);
      const a32 = values(a);
      const b32 = values(b);
      // d/da = ones @ b^T (row sums of b), d/db = a^T @ ones (column sums of a).
      const rb = [0, 1, 2].map((k) => b32[2 * k] + b32[2 * k + 1]);
      const ca = [0, 1, 2].map((k) => a32[k] + a32[3 + k]);
      expectClose(values(ga), [...rb, ...rb], 2e-2);
      expectClose(values(gb), ca.flatMap((v) => [v, v]), 2e-2);
    }
  });

  it('complex64 vjp is the cotangent times the conjugate transpose (MLX)', () => {
    // a = [[1 + 2i]], b = [[3 - i]]; c = a b; with cotangent g = 1:
    // da = g conj(b) = 3 + i, db = conj(a) g = 1 - 2i.
    const a = mx.array([[{ re: 1, im: 2 }]]);
    const b = mx.array([[{ re: 3, im: -1 }]]);
    const g = mx.array([[{ re: 1, im: 0 }]]);
    const [, [da, db]] = mx.vjp(matmul, [a, b], [g]);
    expect(da.dtype).toEqual(mx.complex64);
    expect(values(da)).toEqual([3, 1]);
    expect(values(db)).toEqual([1, -2]);
  });
});

describe('matmul vmap', () => {
  const cases: { name: string; shapes: number[][]; axes: (number | null)[] }[] = [
    { name: 'a mapped at 0, b unmapped', shapes: [[3, 2, 4], [4, 5]], axes: [0, null] },
    { name: 'a unmapped, b mapped at 2', shapes: [[2, 4], [4, 5, 3]], axes: [null, 2] },
    { name: 'both mapped (0 and 1)', shapes: [[3, 2, 4], [4, 3, 5]], axes: [0, 1] },
    { name: '1-D a mapped', shapes: [[3, 4], [4, 5]], axes: [0, null] },
    { name: '1-D b mapped at 1', shapes: [[2, 4], [4, 3]], axes: [null, 1] },
    { name: 'both 1-D mapped (dot products)', shapes: [[3, 4], [4, 3]], axes: [0, 1] },
    { name: '1-D a unmapped, b mapped', shapes: [[4], [3, 4, 2]], axes: [null, 0] },
    { name: 'batched a mapped at 1, b mapped', shapes: [[2, 3, 2, 4], [3, 4, 5]], axes: [1, 0] },
    { name: 'per-element broadcast batches', shapes: [[2, 1, 2, 4], [3, 4, 2, 2]], axes: [0, 2] },
    { name: '1-D a against a batched b', shapes: [[2, 4], [3, 2, 4, 5]], axes: [0, 1] },
  ];
  for (const c of cases) {
    it(`equals a loop: ${c.name}`, () => {
      const args = c.shapes.map((s, i) => rand(s, 20 + i, mx.float32));
      vmapCheck(matmul, args, c.axes, 0, 1e-5);
    });
  }

  it('out axis 1', () => {
    const args = [rand([3, 2, 4], 30, mx.float32), rand([4, 5], 31, mx.float32)];
    vmapCheck(matmul, args, [0, null], 1, 1e-5);
  });

  it('nested vmap', () => {
    const a = rand([2, 3, 4], 32);
    const b = rand([2, 4, 5], 33);
    const got = mx.vmap(mx.vmap(matmul, [0, null]), [null, 0])(a, b) as mx.MxArray;
    // got[j][i] = a[i] @ b[j]: shape [2 (j), 2 (i), 3, 5].
    const expected = mx.stack(
      [0, 1].map((j) => mx.stack([0, 1].map((i) => mx.matmul(mx.take(a, i, 0), mx.take(b, j, 0))))),
    );
    expect(got.shape).toEqual(expected.shape);
    expectClose(values(got), values(expected), 1e-12);
  });
});

// ---- addmm ----

const addmmCases: { c: number[]; a: number[]; b: number[]; alpha: number; beta: number }[] = [
  { c: [3, 2], a: [3, 4], b: [4, 2], alpha: 1, beta: 1 },
  { c: [2], a: [3, 4], b: [4, 2], alpha: 0.5, beta: 2 },
  { c: [3, 1], a: [3, 4], b: [4, 2], alpha: -1.5, beta: 0.25 },
  { c: [], a: [3, 4], b: [4, 2], alpha: 2, beta: -1 },
  { c: [3], a: [4], b: [4, 3], alpha: 1.5, beta: 0.5 },
  { c: [3], a: [3, 4], b: [4], alpha: 1, beta: 3 },
  { c: [], a: [4], b: [4], alpha: 0.5, beta: 1.5 },
  { c: [3, 1, 2], a: [2, 1, 3, 4], b: [3, 4, 2], alpha: 1.25, beta: -0.5 },
];

describe('addmm vjp/jvp', () => {
  for (const t of addmmCases) {
    const label = `c ${JSON.stringify(t.c)}, a ${JSON.stringify(t.a)}, b ${JSON.stringify(t.b)}, alpha ${t.alpha}, beta ${t.beta}`;
    const f: Fn = (c, a, b) => mx.addmm(c, a, b, t.alpha, t.beta);
    it(`gradients match finite differences: ${label}`, () => {
      gradCheck(f, [rand(t.c, 40), rand(t.a, 41), rand(t.b, 42)]);
    });
    it(`vjp and jvp agree: ${label}`, () => {
      dualityCheck(f, [rand(t.c, 43), rand(t.a, 44), rand(t.b, 45)]);
    });
  }

  it('jvp with constant operands: tangents of one argument only', () => {
    const A = rand([3, 4], 70);
    const B = rand([4, 2], 71);
    const C = rand([2], 72);
    const tc = rand([2], 73);
    // Only c varies: 0.5 * tc broadcast to the output.
    const [, [t1]] = mx.jvp((c: mx.MxArray) => mx.addmm(c, A, B, 2, 0.5), [C], [tc]);
    expect(t1.shape).toEqual([3, 2]);
    const tv = values(tc);
    expectClose(values(t1), [0, 1, 2].flatMap(() => tv.map((v) => 0.5 * v)), 1e-15);
    // Only a varies: 2 * (ta @ B).
    const ta = rand([3, 4], 74);
    const [, [t2]] = mx.jvp((a: mx.MxArray) => mx.addmm(C, a, B, 2, 0.5), [A], [ta]);
    expectClose(values(t2), values(mx.multiply(mx.matmul(ta, B), 2)), 1e-12);
    // matmul with a constant batched first operand and a 1-D second.
    const A3 = rand([2, 3, 4], 75);
    const tb = rand([4], 76);
    const [, [t3]] = mx.jvp((b: mx.MxArray) => mx.matmul(A3, b), [rand([4], 77)], [tb]);
    expect(t3.shape).toEqual([2, 3]);
    expectClose(values(t3), values(mx.matmul(A3, tb)), 1e-12);
  });

  it('gradient of c alone is beta times the cotangent reduced to c', () => {
    const a = rand([3, 4], 46);
    const b = rand([4, 2], 47);
    const g = mx.grad((c: mx.MxArray) => mx.sum(mx.addmm(c, a, b, 2, 0.5)))(rand([1, 2], 48)) as mx.MxArray;
    expect(g.shape).toEqual([1, 2]);
    expect(values(g)).toEqual([1.5, 1.5]);
  });
});

describe('addmm vmap', () => {
  const cases: { name: string; shapes: number[][]; axes: (number | null)[] }[] = [
    { name: 'a mapped', shapes: [[2], [3, 2, 4], [4, 2]], axes: [null, 0, null] },
    { name: 'b mapped at 2, c unmapped', shapes: [[2, 1], [2, 4], [4, 5, 3]], axes: [null, null, 2] },
    { name: 'only c mapped', shapes: [[3, 2, 5], [2, 4], [4, 5]], axes: [0, null, null] },
    { name: 'c mapped at 1 with a mapped', shapes: [[5, 3], [3, 2, 4], [4, 5]], axes: [1, 0, null] },
    { name: 'all mapped', shapes: [[3, 2, 5], [3, 2, 4], [3, 4, 5]], axes: [0, 0, 0] },
    { name: '1-D a mapped, c unmapped', shapes: [[5], [3, 4], [4, 5]], axes: [null, 0, null] },
    { name: '1-D b, c mapped', shapes: [[3, 2], [2, 4], [4, 3]], axes: [0, null, 1] },
    { name: 'both 1-D, scalar c mapped', shapes: [[3], [3, 4], [4]], axes: [0, 0, null] },
    { name: '1-D a, only c mapped', shapes: [[3, 5], [4], [4, 5]], axes: [0, null, null] },
    { name: 'batched with broadcast c', shapes: [[2, 1], [3, 2, 2, 4], [4, 2]], axes: [null, 0, null] },
  ];
  for (const c of cases) {
    it(`equals a loop: ${c.name}`, () => {
      const f: Fn = (cc, a, b) => mx.addmm(cc, a, b, 0.5, 2);
      const args = c.shapes.map((s, i) => rand(s, 50 + i, mx.float32));
      vmapCheck(f, args, c.axes, 0, 1e-5);
    });
  }
});

describe('gradients through vmap', () => {
  it('grad of a vmapped matmul equals the loop gradient', () => {
    const a = rand([3, 2, 4], 60);
    const b = rand([4, 5], 61);
    const w = rand([3, 2, 5], 62);
    const f = (x: mx.MxArray, y: mx.MxArray) => mx.sum(mx.multiply(mx.vmap(matmul, [0, null])(x, y) as mx.MxArray, w));
    const [ga, gb] = mx.grad(f, [0, 1])(a, b) as mx.MxArray[];
    const [ga2, gb2] = mx.grad((x: mx.MxArray, y: mx.MxArray) => mx.sum(mx.multiply(mx.matmul(x, y), w)), [0, 1])(a, b) as mx.MxArray[];
    expectClose(values(ga), values(ga2), 1e-12);
    expectClose(values(gb), values(gb2), 1e-12);
  });
});
