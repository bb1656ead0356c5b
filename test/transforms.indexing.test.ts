// Transformation rules of the indexing family: vjp, jvp and vmap of take and
// take_along_axis, and of the scatter-add that their vjp builds (second order).
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { checkVmap, expectClose, flat, gradHelpers, transposed } from './helpers/gradcheck.js';

// ---------------------------------------------------------------- helpers

const { rand, randn, randIdx, checkGradFD, checkVjpJvp } = gradHelpers(20240611);

// ---------------------------------------------------------------- take

describe('take: vjp and jvp', () => {
  const idx = mx.array([2, 0, 2, -1], mx.int32); // duplicates and a negative index

  it('matches finite differences along each axis', () => {
    const x = randn([3, 4]);
    checkGradFD((y) => mx.take(y, idx, 0), x);
    checkGradFD((y) => mx.take(y, idx, 1), x);
    checkGradFD((y) => mx.take(y, idx, -1), x);
    const x3 = randn([3, 4, 2]);
    const idx2 = mx.array([[1, 3, 3], [0, -4, 2]], mx.int64);
    checkGradFD((y) => mx.take(y, idx2, 1), x3);
    checkGradFD((y) => mx.take(y, idx2, 0), x3);
    checkGradFD((y) => mx.take(y, mx.array(1, mx.uint8), 2), x3); // 0-d index
  });

  it('matches finite differences over the flattened array and for JS indices', () => {
    const x = randn([3, 4]);
    checkGradFD((y) => mx.take(y, mx.array([[11, 0], [5, 5]], mx.int16)), x);
    checkGradFD((y) => mx.take(y, 2, 1), x);
    checkGradFD((y) => mx.take(y, -1), x);
  });

  it('accumulates duplicate indices and follows the clamped out-of-range ones', () => {
    const x = mx.zeros([5], mx.float64);
    const i = mx.array([1, 1, 3, 1, 7, -9, -1], mx.int32); // 7 -> 4, -9 -> 0, -1 -> 4
    const w = mx.array([1, 2, 3, 4, 5, 6, 7], mx.float64);
    const [, [g]] = mx.vjp((y) => mx.take(y, i, 0), [x], [w]);
    expect(g.tolist()).toEqual([6, 7, 0, 3, 12]);
  });

  it('keeps the primal dtype (float16, bfloat16, float32, int32)', () => {
    for (const dt of [mx.float16, mx.bfloat16, mx.float32, mx.int32]) {
      const x = mx.zeros([2, 3], dt);
      const i = mx.array([2, 2, 0], mx.int32);
      const w = mx.array([[1, 2, 3], [4, 5, 6]], dt);
      const [, [g]] = mx.vjp((y) => mx.take(y, i, 1), [x], [w]);
      expect(g.dtype).toBe(dt);
      expect(g.tolist()).toEqual([[3, 0, 3], [6, 0, 9]]);
    }
  });

  it('casts a cotangent of another dtype to the primal dtype', () => {
    const i = mx.array([0, 0, 2], mx.int32);
    for (const [pd, cd] of [[mx.float16, mx.float32], [mx.float32, mx.float16], [mx.float64, mx.int32]]) {
      const [, [g]] = mx.vjp((y) => mx.take(y, i, 0), [mx.zeros([3], pd)], [mx.array([1, 2, 3], cd)]);
      expect(g.dtype).toBe(pd);
      expect(g.tolist()).toEqual([3, 0, 3]);
      const [, [h]] = mx.vjp((y) => mx.takeAlongAxis(y, i, 0), [mx.zeros([3], pd)], [mx.array([1, 2, 3], cd)]);
      expect(h.dtype).toBe(pd);
      expect(h.tolist()).toEqual([3, 0, 3]);
    }
  });

  it('takes non-contiguous cotangents and indices', () => {
    const x = randn([4, 3]);
    const iBase = mx.array([[0, 3], [2, 1], [1, 1]], mx.int32); // viewed as (2, 3)
    const i = transposed(iBase);
    const wBase = randn([3, 2, 3]);
    const w = mx.asStrided(wBase, [2, 3, 3], [3, 1, 6]); // (I0, I1, 3): strided view
    const g = checkGradFD((y) => mx.take(y, i, 0), x, w);
    // By hand: g[r, c] = sum of w[p, q, c] over idx[p, q] == r.
    const iv = flat(i);
    const wv = flat(w);
    const want = new Array(12).fill(0);
    for (let p = 0; p < 6; p++) for (let c = 0; c < 3; c++) want[iv[p] * 3 + c] += wv[p * 3 + c];
    expectClose(flat(g), want, 1e-12, 1e-12);
  });

  it('gives zero gradients and tangents for the integer indices', () => {
    const x = randn([3, 4]);
    const i = mx.array([1, 2], mx.int32);
    const w = randn([3, 2]);
    const [, grads] = mx.vjp((y, j) => mx.take(y, j, 1), [x, i], [w]);
    expect(grads[1].dtype).toBe(mx.int32);
    expect(grads[1].tolist()).toEqual([0, 0]);
    const t = randn([3, 4]);
    const [, [jv]] = mx.jvp((y, j) => mx.take(y, j, 1), [x, i], [t, mx.array([5, 5], mx.int32)]);
    expect(flat(jv)).toEqual(flat(mx.take(t, i, 1)));
    const [, [jz]] = mx.jvp((j) => mx.take(x, j, 1), [i], [mx.array([5, 5], mx.int32)]);
    expect(jz.shape).toEqual([3, 2]);
    expect(flat(jz)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('vjp and jvp agree', () => {
    checkVjpJvp((y) => mx.take(y, mx.array([[3, 0], [1, 3]], mx.int32), 1), randn([2, 4, 3]));
    checkVjpJvp((y) => mx.take(y, mx.array([5, 0, 5], mx.int32)), randn([2, 3]));
  });

  it('scatters large gradients across threads correctly', () => {
    // Axis 1: rows are independent; axis 0: the columns are.
    const R = 300;
    const C = 400;
    const x = mx.zeros([R, C], mx.float64);
    const n = 500;
    const iv = Array.from({ length: n }, () => Math.floor(rand() * C));
    const i = mx.array(iv, mx.int32);
    const w = randn([R, n]);
    const [, [g]] = mx.vjp((y) => mx.take(y, i, 1), [x], [w]);
    const wv = flat(w);
    const want = new Array(R * C).fill(0);
    for (let r = 0; r < R; r++) for (let k = 0; k < n; k++) want[r * C + iv[k]] += wv[r * n + k];
    expectClose(flat(g), want, 1e-12, 1e-12);

    const i0v = Array.from({ length: n }, () => Math.floor(rand() * R));
    const w0 = randn([n, C]);
    const [, [g0]] = mx.vjp((y) => mx.take(y, mx.array(i0v, mx.int64), 0), [x], [w0]);
    const w0v = flat(w0);
    const want0 = new Array(R * C).fill(0);
    for (let k = 0; k < n; k++) for (let c = 0; c < C; c++) want0[i0v[k] * C + c] += w0v[k * C + c];
    expectClose(flat(g0), want0, 1e-12, 1e-12);

    // Long rows split into blocks across threads (an embedding gradient), with
    // and without an outer dimension.
    for (const [B, V, D, N] of [[1, 30, 2500, 100], [2, 20, 2100, 50]]) {
      const iv2 = Array.from({ length: N }, () => Math.floor(rand() * V));
      const w2 = randn([B, N, D]);
      const [, [g2]] = mx.vjp((y) => mx.take(y, mx.array(iv2, mx.int32), 1), [mx.zeros([B, V, D], mx.float64)], [w2]);
      const w2v = flat(w2);
      const want2 = new Array(B * V * D).fill(0);
      for (let b = 0; b < B; b++) {
        for (let k = 0; k < N; k++) {
          for (let c = 0; c < D; c++) want2[(b * V + iv2[k]) * D + c] += w2v[(b * N + k) * D + c];
        }
      }
      expectClose(flat(g2), want2, 1e-12, 1e-12);
    }
  });
});

describe('take: vmap', () => {
  it('maps the source (axis 0 and others)', () => {
    const x = randn([3, 4, 5]);
    const i = mx.array([4, 0, -1, 2], mx.int32);
    checkVmap((y) => mx.take(y, i, 1), [x], [0]);
    checkVmap((y) => mx.take(y, i, 0), [x], [1]);
    checkVmap((y) => mx.take(y, i, -1), [x], [2]);
    checkVmap((y) => mx.take(y, i), [x], [1]);
    checkVmap((y) => mx.take(y, 2, 1), [x], [0]);
  });

  it('maps the indices', () => {
    const x = randn([4, 5]);
    const i = randIdx([3, 2], -5, 5);
    checkVmap((j) => mx.take(x, j, 1), [i], [0]);
    checkVmap((j) => mx.take(x, j, 0), [i], [1]);
    checkVmap((j) => mx.take(x, j), [randIdx([3, 2, 2], 0, 20)], [2]);
  });

  it('maps both', () => {
    const x = randn([3, 4, 5]);
    const f = (y: mx.MxArray, j: mx.MxArray): mx.MxArray => mx.take(y, j, 1);
    checkVmap(f, [x, randIdx([3, 2, 3], -5, 5)], [0, 0]);
    checkVmap(f, [x, randIdx([2, 5, 3], -4, 4)], [2, 1]);
    checkVmap((y, j) => mx.take(y, j, 0), [x, randIdx([3], 0, 4)], [0, 0]); // 0-d index per element
    checkVmap((y, j) => mx.take(y, j), [x, randIdx([3, 6], 0, 20)], [0, 0]); // flattened
    checkVmap((y, j) => mx.take(y, j, -1), [x, randIdx([2, 4], 0, 5)], [1, 1]);
  });
});

// ---------------------------------------------------------------- take_along_axis

describe('takeAlongAxis: vjp and jvp', () => {
  it('matches finite differences', () => {
    const x = randn([3, 4]);
    checkGradFD((y) => mx.takeAlongAxis(y, mx.array([[0, 3], [1, 1], [-1, 2]], mx.int32), 1), x);
    checkGradFD((y) => mx.takeAlongAxis(y, mx.array([[2, 0, 0, 1], [2, 2, 1, 0]], mx.int64), 0), x);
    checkGradFD((y) => mx.takeAlongAxis(y, mx.array([11, 0, 3, 3, 7], mx.int32)), x); // flattened
  });

  it('sums the gradient over dimensions where the source broadcast', () => {
    // x (3, 1, 4) against indices (1, 2, 2): the output is (3, 2, 2).
    const x = randn([3, 1, 4]);
    const i = mx.array([[[0, 3], [3, 3]]], mx.int32);
    checkGradFD((y) => mx.takeAlongAxis(y, i, 2), x);
    // x (1, 4) against indices (3, 2) along axis 1: every row of w lands on row 0.
    const x1 = mx.zeros([1, 4], mx.float64);
    const i1 = mx.array([[0, 1], [1, 1], [3, 0]], mx.int32);
    const w = mx.array([[1, 2], [3, 4], [5, 6]], mx.float64);
    const [, [g]] = mx.vjp((y) => mx.takeAlongAxis(y, i1, 1), [x1], [w]);
    expect(g.tolist()).toEqual([[7, 9, 0, 5]]);
    checkVjpJvp((y) => mx.takeAlongAxis(y, i1, 1), randn([1, 4]));
  });

  it('keeps the primal dtype and gives zero index gradients', () => {
    for (const dt of [mx.float16, mx.bfloat16, mx.float32]) {
      const x = mx.zeros([2, 3], dt);
      const i = mx.array([[2, 2], [0, 1]], mx.int32);
      const w = mx.array([[1, 2], [3, 4]], dt);
      const [, [g]] = mx.vjp((y) => mx.takeAlongAxis(y, i, 1), [x], [w]);
      expect(g.dtype).toBe(dt);
      expect(g.tolist()).toEqual([[0, 0, 3], [3, 4, 0]]);
    }
    const i = mx.array([[1], [0]], mx.uint16);
    const [, grads] = mx.vjp((y, j) => mx.takeAlongAxis(y, j, 1), [randn([2, 3]), i], [randn([2, 1])]);
    expect(grads[1].dtype).toBe(mx.uint16);
    expect(grads[1].tolist()).toEqual([[0], [0]]);
  });

  it('vjp and jvp agree, with strided indices', () => {
    const i = transposed(mx.array([[0, 2, 1], [1, 1, 0]], mx.int32)); // (3, 2)
    checkVjpJvp((y) => mx.takeAlongAxis(y, i, 1), randn([3, 3]));
    checkVjpJvp((y) => mx.takeAlongAxis(y, mx.array([[[1], [0]]], mx.int32), 1), randn([2, 2, 3]));
  });
});

describe('takeAlongAxis: vmap', () => {
  it('maps the source, the indices or both', () => {
    const x = randn([3, 4, 5]);
    const i = randIdx([4, 2], -5, 5);
    checkVmap((y) => mx.takeAlongAxis(y, i, 1), [x], [0]);
    const i0 = randIdx([2, 5], 0, 3);
    checkVmap((y) => mx.takeAlongAxis(y, i0, 0), [x], [0]);
    const i1 = randIdx([3, 2], 0, 4);
    checkVmap((y) => mx.takeAlongAxis(y, i1, 1), [x], [2]);
    const c = randn([4, 5]);
    checkVmap((j) => mx.takeAlongAxis(c, j, 1), [randIdx([3, 4, 2], 0, 5)], [0]);
    checkVmap((j) => mx.takeAlongAxis(c, j, 0), [randIdx([2, 5, 3], 0, 4)], [2]);
    const f = (y: mx.MxArray, j: mx.MxArray): mx.MxArray => mx.takeAlongAxis(y, j, 1);
    checkVmap(f, [x, randIdx([3, 4, 2], 0, 5)], [0, 0]);
    checkVmap(f, [x, randIdx([3, 5, 2], 0, 4)], [2, 1]);
    checkVmap((y, j) => mx.takeAlongAxis(y, j), [randn([3, 2, 2]), randIdx([3, 5], 0, 4)], [0, 0]);
  });

  it('maps with broadcast dimensions', () => {
    // Per element: y (1, 5) against j (4, 2) along axis 1.
    const f = (y: mx.MxArray, j: mx.MxArray): mx.MxArray => mx.takeAlongAxis(y, j, 1);
    checkVmap(f, [randn([3, 1, 5]), randIdx([3, 4, 2], 0, 5)], [0, 0]);
    checkVmap(f, [randn([1, 5, 3]), randIdx([4, 2], 0, 5)], [2, null]);
    checkVmap(f, [randn([1, 5]), randIdx([4, 3, 2], 0, 5)], [null, 1]);
  });
});

// ---------------------------------------------------------------- second order

describe('the scatter-add of the gathers: second order', () => {
  // c -> the gradient of take / take_along_axis for cotangent c: a ScatterAddAxis.
  const x = randn([3, 4]);
  const idx = mx.array([3, 1, 3, 0, -1], mx.int32);
  const gTake = (c: mx.MxArray): mx.MxArray => mx.vjp((y) => mx.take(y, idx, 1), [x], [c])[1][0];
  const idx2 = mx.array([[0, 2], [2, 2], [1, -1]], mx.int32);
  const gAlong = (c: mx.MxArray): mx.MxArray => mx.vjp((y) => mx.takeAlongAxis(y, idx2, 1), [x], [c])[1][0];
  const gAlongB = (c: mx.MxArray): mx.MxArray =>
    mx.vjp((y) => mx.takeAlongAxis(y, idx2, 1), [mx.zeros([1, 4], mx.float64)], [c])[1][0];

  it('differentiates the scatter-add (finite differences, vjp = the gather)', () => {
    checkGradFD(gTake, randn([3, 5]));
    checkGradFD(gAlong, randn([3, 2]));
    checkGradFD(gAlongB, randn([3, 2])); // the scatter that sums a broadcast dimension
    const g = randn([3, 4]);
    const [, [vv]] = mx.vjp(gTake, [randn([3, 5])], [g]);
    expect(flat(vv)).toEqual(flat(mx.take(g, idx, 1)));
  });

  it('vjp and jvp of the scatter-add agree', () => {
    checkVjpJvp(gTake, randn([3, 5]));
    checkVjpJvp(gAlong, randn([3, 2]));
    checkVjpJvp(gAlongB, randn([3, 2]));
    // Linear: the jvp is the function of the tangent.
    const t = randn([3, 5]);
    const [, [jv]] = mx.jvp(gTake, [randn([3, 5])], [t]);
    expect(flat(jv)).toEqual(flat(gTake(t)));
  });

  it('vmaps the scatter-add over the cotangent and the indices', () => {
    checkVmap(gTake, [randn([2, 3, 5])], [0]);
    checkVmap(gTake, [randn([3, 5, 2])], [2]);
    checkVmap(gAlong, [randn([3, 2, 4])], [2]);
    checkVmap(gAlongB, [randn([2, 3, 2])], [0]);
    // Batched indices and cotangents (through take's vjp with a 1-D index).
    const h = (c: mx.MxArray, j: mx.MxArray): mx.MxArray => mx.vjp((y) => mx.take(y, j, 1), [x], [c])[1][0];
    checkVmap(h, [randn([2, 3, 5]), randIdx([2, 5], -4, 4)], [0, 0]);
    checkVmap(h, [randn([3, 5]), randIdx([5, 2], -4, 4)], [null, 1]);
    const h2 = (c: mx.MxArray, j: mx.MxArray): mx.MxArray =>
      mx.vjp((y) => mx.takeAlongAxis(y, j, 1), [x], [c])[1][0];
    checkVmap(h2, [randn([2, 3, 2]), randIdx([2, 3, 2], 0, 4)], [0, 0]);
    checkVmap(h2, [randn([3, 2]), randIdx([3, 2, 2], 0, 4)], [null, 2]);
  });

  it('vmaps gradients (per-example gradients of a gather)', () => {
    const w = randn([4, 5]);
    const perEx = (y: mx.MxArray): mx.MxArray => mx.vjp((z) => mx.take(z, idx, 1), [y], [w])[1][0];
    checkVmap(perEx, [randn([3, 4, 4])], [0]);
  });
});

// ---------------------------------------------------------------- output shapes

describe('shapeless compile (output_shapes of the gathers)', () => {
  it('replays take and takeAlongAxis for new input shapes', () => {
    const f = mx.compile(
      (x: mx.MxArray, i: mx.MxArray, j: mx.MxArray) => [mx.take(x, i, 1), mx.takeAlongAxis(x, j, 0)],
      { shapeless: true },
    );
    const cases: [number[], number[], number[]][] = [
      [[3, 4], [2], [1, 4]],
      [[5, 2], [6], [3, 2]],
      [[2, 6], [1], [4, 1]], // j broadcasts against x
    ];
    for (const [xs, is, js] of cases) {
      const x = randn(xs);
      const i = randIdx(is, 0, xs[1]);
      const j = randIdx(js, 0, xs[0]);
      const [a, b] = f(x, i, j);
      const wa = mx.take(x, i, 1);
      const wb = mx.takeAlongAxis(x, j, 0);
      expect([a.shape, b.shape]).toEqual([wa.shape, wb.shape]);
      expect(flat(a)).toEqual(flat(wa));
      expect(flat(b)).toEqual(flat(wb));
    }
  });
});
