// Transformation rules (vjp, jvp, vmap) of the random primitives: RandomBits,
// RandomUniform, RandomNormal, RandomInt and RandomBernoulli.
//
// - uniform = low + (high - low) * u and normal = loc + scale * z are
//   differentiable in their parameters: gradients against central finite
//   differences (float64 for normal; uniform has no float64, see below) and
//   against the closed forms, and vjp/jvp duality;
// - bits, integers and Bernoulli samples have zero gradients and tangents;
// - vmap equals a loop: a mapped key gives each element its own key's
//   samples; an unmapped key with mapped parameters gives every element the
//   same underlying sample.
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { dotRaw as dot, expectCloseTol as expectClose, fromValuesIn as fromValues, rawValues as values, uniformValues } from './helpers/gradcheck.js';

type Fn = (...xs: mx.MxArray[]) => mx.MxArray;

// ---- helpers ----

function rand(shape: number[], seed: number, dtype: mx.Dtype = mx.float64, offset = 0): mx.MxArray {
  const n = shape.reduce((p, d) => p * d, 1);
  return fromValues(uniformValues(n, seed).map((v) => v + offset), shape, dtype);
}

/**
 * mx.grad of sum(f(...args) * w) (accumulated in float64) for each argument
 * in `argnums` against central differences of the same loss.
 */
function gradCheck(f: Fn, args: mx.MxArray[], argnums: number[], eps: number, tol: number): void {
  const out = f(...args);
  const w = rand(out.shape, 1234);
  const loss = (...xs: mx.MxArray[]) => mx.sum(mx.multiply(f(...xs).astype(mx.float64), w));
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
    expectClose(values(g), numeric, tol);
  }
}

/** <vjp(u), v> == <u, jvp(v)> over all arguments, for random u and v. */
function dualityCheck(f: Fn, args: mx.MxArray[], tol: number): void {
  const out = f(...args);
  const u = rand(out.shape, 77, out.dtype);
  const vs = args.map((a, i) => rand(a.shape, 100 + i, a.dtype));
  const [, vjps] = mx.vjp(f, args, [u]);
  const [, jvps] = mx.jvp(f, args, vs);
  expect(jvps[0].shape).toEqual(out.shape);
  expect(jvps[0].dtype).toEqual(out.dtype);
  vjps.forEach((g, i) => {
    expect(g.shape).toEqual(args[i].shape);
    expect(g.dtype).toEqual(args[i].dtype);
  });
  const lhs = vjps.reduce((s, g, i) => s + dot(g, vs[i]), 0);
  const rhs = dot(u, jvps[0]);
  expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(tol * (1 + Math.abs(rhs)));
}

/** mx.vmap(f, inAxes, outAxis) equals stacking f over the slices along the mapped axes (exactly). */
function vmapCheck(f: Fn, args: mx.MxArray[], inAxes: (number | null)[], outAxis = 0): mx.MxArray {
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
  expect(values(got)).toEqual(values(expected));
  return got;
}

/** Sums of `x` (row-major values of `shape`) down to `to` (broadcast rules). */
function sumTo(x: number[], shape: number[], to: number[]): number[] {
  const size = to.reduce((p, d) => p * d, 1);
  const out = new Array<number>(size).fill(0);
  const lead = shape.length - to.length;
  x.forEach((v, i) => {
    let rem = i;
    let idx = 0;
    let stride = 1;
    for (let d = shape.length - 1; d >= lead; --d) {
      const c = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
      const td = to[d - lead];
      idx += (td === 1 ? 0 : c) * stride;
      stride *= td;
    }
    out[idx] += v;
  });
  return out;
}

const key = mx.random.key(42);
const keys = mx.random.split(mx.random.key(7), 3); // [3, 2]

// ---- gradients ----

describe('uniform gradients', () => {
  // [low shape, high shape, sample shape]
  const cases: [number[], number[], number[]][] = [
    [[], [], [4]],
    [[3], [], [2, 3]],
    [[2, 1], [3], [2, 3]],
    [[2, 3], [2, 3], [2, 3]],
  ];
  const sample = (shape: number[]): Fn => (lo, hi) => mx.random.uniform(lo, hi, shape, mx.float32, key);

  for (const [sl, sh, shape] of cases) {
    const label = `low ${JSON.stringify(sl)}, high ${JSON.stringify(sh)}, shape ${JSON.stringify(shape)}`;
    const lo = rand(sl, 1, mx.float32, -1);
    const hi = rand(sh, 2, mx.float32, 2);

    it(`closed form d/dlow = sum w (1 - u), d/dhigh = sum w u: ${label}`, () => {
      const u = values(mx.random.uniform(0, 1, shape, mx.float32, key));
      const w = rand(shape, 3, mx.float32);
      const wv = values(w);
      const [gl, gh] = mx.grad(
        (a: mx.MxArray, b: mx.MxArray) => mx.sum(mx.multiply(sample(shape)(a, b), w)),
        [0, 1],
      )(lo, hi) as mx.MxArray[];
      expect(gl.dtype).toEqual(mx.float32);
      expect(gl.shape).toEqual(sl);
      expect(gh.shape).toEqual(sh);
      expectClose(values(gl), sumTo(wv.map((v, i) => v * (1 - u[i])), shape, sl), 1e-5);
      expectClose(values(gh), sumTo(wv.map((v, i) => v * u[i]), shape, sh), 1e-5);
    });

    it(`gradients match finite differences: ${label}`, () => {
      // uniform has no float64 (as in MLX): float32 samples, a loss
      // accumulated in float64 and a wide step (the samples are linear in
      // low and high, so the step adds no truncation error).
      gradCheck(sample(shape), [lo, hi], [0, 1], 2 ** -7, 1e-4);
    });

    it(`vjp and jvp agree: ${label}`, () => {
      dualityCheck(sample(shape), [lo, hi], 1e-5);
    });
  }

  it('float16 and bfloat16 gradients keep the dtype', () => {
    for (const dt of [mx.float16, mx.bfloat16]) {
      const lo = mx.array([0.5, -1], dt);
      const g = mx.grad((a: mx.MxArray) => mx.sum(mx.random.uniform(a, 2, [3, 2], dt, key)))(lo) as mx.MxArray;
      expect(g.dtype).toEqual(dt);
      const u = values(mx.random.uniform(0, 1, [3, 2], dt, key));
      expectClose(values(g), sumTo(u.map((v) => 1 - v), [3, 2], [2]), 2e-2);
    }
  });

  it('low and high of another dtype get gradients of their own dtype (through the cast)', () => {
    const lo = mx.array(0.25, mx.float64);
    const g = mx.grad((a: mx.MxArray) => mx.sum(mx.random.uniform(a, 1, [5], mx.float32, key)))(lo) as mx.MxArray;
    expect(g.dtype).toEqual(mx.float64);
    const u = values(mx.random.uniform(0, 1, [5], mx.float32, key));
    expectClose(values(g), [u.reduce((s, v) => s + 1 - v, 0)], 1e-6);
  });
});

describe('normal gradients', () => {
  // [loc shape | null, scale shape | null, sample shape]
  const cases: [number[] | null, number[] | null, number[]][] = [
    [[3], null, [2, 3]],
    [null, [2, 1], [2, 3]],
    [[2, 3], [3], [2, 3]],
    [[], [], [4]],
  ];
  for (const [sl, ss, shape] of cases) {
    const label = `loc ${JSON.stringify(sl)}, scale ${JSON.stringify(ss)}, shape ${JSON.stringify(shape)}`;
    const args: mx.MxArray[] = [];
    if (sl) args.push(rand(sl, 5));
    if (ss) args.push(rand(ss, 6, mx.float64, 1.5));
    const f: Fn = (...xs) => {
      const loc = sl ? xs[0] : undefined;
      const scale = ss ? xs[sl ? 1 : 0] : undefined;
      return mx.random.normal(shape, mx.float64, loc, scale, key);
    };

    it(`gradients match finite differences (float64): ${label}`, () => {
      gradCheck(f, args, args.map((_, i) => i), 1e-6, 1e-6);
    });

    it(`vjp and jvp agree: ${label}`, () => {
      dualityCheck(f, args, 1e-9);
    });

    it(`closed form d/dloc = sum w, d/dscale = sum w z: ${label}`, () => {
      const z = values(mx.random.normal(shape, mx.float64, undefined, undefined, key));
      const w = rand(shape, 8);
      const wv = values(w);
      const [, vjps] = mx.vjp(f, args, [w]);
      let k = 0;
      if (sl) expectClose(values(vjps[k++]), sumTo(wv, shape, sl), 1e-12);
      if (ss) expectClose(values(vjps[k]), sumTo(wv.map((v, i) => v * z[i]), shape, ss), 1e-12);
    });
  }

  it('complex64: the scale cotangent is the cotangent times conj(z) (as MLX multiply)', () => {
    const scale = mx.array([{ re: 1, im: 0.5 }, { re: -2, im: 1 }]);
    const ct = mx.array([{ re: 1, im: 0 }, { re: 0, im: 1 }]);
    const [, [g]] = mx.vjp((s: mx.MxArray) => mx.random.normal([2], mx.complex64, undefined, s, key), [scale], [ct]);
    expect(g.dtype).toEqual(mx.complex64);
    const z = values(mx.random.normal([2], mx.complex64, undefined, undefined, key));
    // (1)(zr - i zi) and (i)(zr - i zi) = zi + i zr.
    expectClose(values(g), [z[0], -z[1], z[3], z[2]], 1e-6);
  });
});

describe('non-differentiable random primitives', () => {
  it('bits: zero cotangent for the key, zero tangent', () => {
    const [outs, [g]] = mx.vjp((k: mx.MxArray) => mx.random.bits([2, 3], 4, k), [key], [mx.ones([2, 3], mx.uint32)]);
    expect(outs[0].dtype).toEqual(mx.uint32);
    expect(g.dtype).toEqual(mx.uint32);
    expect(values(g)).toEqual([0, 0]);
    for (const width of [1, 2, 4]) {
      const [, [t]] = mx.jvp((k: mx.MxArray) => mx.random.bits([5], width, k), [key], [mx.ones([2], mx.uint32)]);
      expect(t.shape).toEqual([5]);
      expect(t.dtype).toEqual(width === 4 ? mx.uint32 : width === 2 ? mx.uint16 : mx.uint8);
      expect(values(t)).toEqual([0, 0, 0, 0, 0]);
    }
  });

  it('randint: zero gradients for low and high, zero tangent', () => {
    const lo = mx.array([0, 5]);
    const hi = mx.array(20);
    const f: Fn = (a, b) => mx.random.randint(a, b, [3, 2], mx.int32, key);
    const [, [gl, gh]] = mx.vjp(f, [lo, hi], [mx.ones([3, 2], mx.int32)]);
    expect(gl.dtype).toEqual(mx.int32);
    expect(gl.shape).toEqual([2]);
    expect(values(gl)).toEqual([0, 0]);
    expect(gh.shape).toEqual([]);
    expect(values(gh)).toEqual([0]);
    const [, [t]] = mx.jvp(f, [lo, hi], [mx.ones([2], mx.int32), mx.array(1)]);
    expect(t.dtype).toEqual(mx.int32);
    expect(values(t)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('bernoulli: zero gradient for p (also through a float loss), zero tangent', () => {
    const p = mx.array([0.2, 0.9, 0.5], mx.float32);
    const g = mx.grad((q: mx.MxArray) => mx.sum(mx.multiply(mx.random.bernoulli(q, [2, 3], key), 3)))(p) as mx.MxArray;
    expect(g.dtype).toEqual(mx.float32);
    expect(values(g)).toEqual([0, 0, 0]);
    const [, [t]] = mx.jvp((q: mx.MxArray) => mx.random.bernoulli(q, [2, 3], key), [p], [mx.ones([3])]);
    expect(t.dtype).toEqual(mx.bool_);
    expect(t.shape).toEqual([2, 3]);
    expect(values(t)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('the key of a uniform sample gets a zero cotangent; low still gets its own', () => {
    const lo = mx.array(0.5, mx.float32);
    const [, [gk, gl]] = mx.vjp(
      (k: mx.MxArray, a: mx.MxArray) => mx.random.uniform(a, 1, [3], mx.float32, k),
      [key, lo],
      [mx.ones([3])],
    );
    expect(gk.dtype).toEqual(mx.uint32);
    expect(values(gk)).toEqual([0, 0]);
    const u = values(mx.random.uniform(0, 1, [3], mx.float32, key));
    expectClose(values(gl), [u.reduce((s, v) => s + 1 - v, 0)], 1e-6);
  });
});

// ---- vmap ----

describe('vmap over keys: each key its own samples', () => {
  for (const width of [1, 2, 4]) {
    it(`bits (width ${width}), keys mapped at 0 and at 1`, () => {
      const f: Fn = (k) => mx.random.bits([2, 3], width, k);
      const got = vmapCheck(f, [keys], [0]);
      // Independent: the rows differ.
      const v = values(got);
      expect(v.slice(0, 6)).not.toEqual(v.slice(6, 12));
      vmapCheck(f, [mx.transpose(keys)], [1]);
    });
  }

  it('bits with out axis 1 and an odd byte count', () => {
    vmapCheck((k) => mx.random.bits([3], 1, k), [keys], [0], 1);
  });

  it('split', () => {
    vmapCheck((k) => mx.random.split(k, 3), [keys], [0]);
  });

  it('uniform (float32, float16, bfloat16)', () => {
    for (const dt of [mx.float32, mx.float16, mx.bfloat16]) {
      vmapCheck((k) => mx.random.uniform(-2, 3, [4], dt, k), [keys], [0]);
    }
    vmapCheck((k) => mx.random.uniform(0, 1, [2, 2], mx.float32, k), [mx.transpose(keys)], [1]);
  });

  it('normal (float32, float64, complex64)', () => {
    for (const dt of [mx.float32, mx.float64, mx.complex64]) {
      vmapCheck((k) => mx.random.normal([2, 3], dt, undefined, undefined, k), [keys], [0]);
    }
    vmapCheck((k) => mx.random.normal([4], mx.float32, 1, 2, k), [keys], [0], 1);
  });

  it('randint and bernoulli', () => {
    vmapCheck((k) => mx.random.randint(-5, 50, [6], mx.int32, k), [keys], [0]);
    vmapCheck((k) => mx.random.randint(0, 200, [2, 3], mx.uint8, k), [keys], [0]);
    vmapCheck((k) => mx.random.bernoulli(0.4, [7], k), [keys], [0]);
  });

  it('a vmapped key gives the samples of each key alone', () => {
    const got = mx.vmap((k: mx.MxArray) => mx.random.normal([3], mx.float32, undefined, undefined, k))(keys) as mx.MxArray;
    const second = mx.random.normal([3], mx.float32, undefined, undefined, mx.take(keys, 1, 0));
    expect(values(mx.take(got, 1, 0))).toEqual(values(second));
  });
});

describe('vmap over parameters with an unmapped key: the same sample, broadcast', () => {
  it('uniform with low mapped at 0 (and at 1), high unmapped', () => {
    const f: Fn = (lo, hi) => mx.random.uniform(lo, hi, [2, 3], mx.float32, key);
    vmapCheck(f, [rand([4, 3], 1, mx.float32, -2), mx.array(5, mx.float32)], [0, null]);
    vmapCheck(f, [rand([2, 4, 1], 2, mx.float32, -2), rand([3], 3, mx.float32, 4)], [1, null]);
    vmapCheck(f, [rand([3], 4, mx.float32, -2), rand([3, 4], 5, mx.float32, 4)], [null, 1]);
    vmapCheck(f, [rand([4], 6, mx.float32, -2), rand([4, 2, 3], 7, mx.float32, 4)], [0, 0], 2);
  });

  it('uniform with the key and low both mapped', () => {
    const f: Fn = (k, lo) => mx.random.uniform(lo, 10, [3], mx.float32, k);
    vmapCheck(f, [keys, rand([3, 3], 8, mx.float32)], [0, 0]);
    vmapCheck(f, [keys, rand([3], 9, mx.float32)], [0, null]);
  });

  it('normal with loc and/or scale mapped', () => {
    const f: Fn = (loc, scale) => mx.random.normal([2, 3], mx.float32, loc, scale, key);
    vmapCheck(f, [rand([4, 3], 10, mx.float32), rand([2, 1], 11, mx.float32, 2)], [0, null]);
    vmapCheck(f, [rand([3], 12, mx.float32), rand([1, 4], 13, mx.float32, 2)], [null, 1]);
    vmapCheck(f, [rand([4, 2, 3], 14, mx.float32), rand([4], 15, mx.float32, 2)], [0, 0]);
    const g: Fn = (scale) => mx.random.normal([2], mx.complex64, undefined, scale, key);
    vmapCheck(g, [mx.array([[{ re: 1, im: 1 }, { re: 2, im: 0 }], [{ re: 0, im: -1 }, { re: 3, im: 1 }]])], [0]);
    const h: Fn = (loc) => mx.random.normal([3], mx.float64, loc, undefined, key);
    vmapCheck(h, [rand([5], 16)], [0]);
  });

  it('randint with low mapped, bernoulli with p mapped', () => {
    const f: Fn = (lo) => mx.random.randint(lo, 100, [2, 4], mx.int32, key);
    vmapCheck(f, [mx.array([[0], [50], [90]])], [0]);
    vmapCheck(f, [mx.array([[0, 10, 20], [30, 40, 50], [60, 70, 80], [90, 95, 99]])], [1]);
    const g: Fn = (p) => mx.random.bernoulli(p, [2, 4], key);
    const got = vmapCheck(g, [mx.array([[0], [0.5], [1]], mx.float32)], [0]);
    // p = 0: never; p = 1: always.
    const v = values(got);
    expect(v.slice(0, 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(v.slice(16, 24)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    vmapCheck(g, [rand([4, 3], 17, mx.float32, 1).astype(mx.float32)], [1]);
  });
});

describe('gradients through vmap', () => {
  it('grad of a vmapped normal (mapped keys) w.r.t. an unmapped scale', () => {
    const scale = mx.array([1.5, 2], mx.float64);
    const f = (s: mx.MxArray) =>
      mx.sum(mx.vmap((k: mx.MxArray) => mx.random.normal([2], mx.float64, undefined, s, k))(keys) as mx.MxArray);
    const g = mx.grad(f)(scale) as mx.MxArray;
    // d/dscale_j = sum over keys of z_k[j].
    const zs = [0, 1, 2].map((i) => values(mx.random.normal([2], mx.float64, undefined, undefined, mx.take(keys, i, 0))));
    expectClose(values(g), [0, 1].map((j) => zs.reduce((s, z) => s + z[j], 0)), 1e-12);
  });
});
