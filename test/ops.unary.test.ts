import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';

// ---------------------------------------------------------------------------
// Fixtures: numpy/scipy float64 references (test/fixtures/unary/make_fixtures.py)

type Num = number | 'nan' | 'inf' | '-inf';
interface RealCase { x: Num[]; ref: Num[] }
interface ComplexCase { re: Num[]; im: Num[]; ref_re: Num[]; ref_im: Num[] }
interface RoundCase { x32: Num[]; ref32: Num[]; x16?: Num[]; ref16?: Num[] }
interface Fixtures {
  float32: Record<string, RealCase>;
  float16: Record<string, RealCase>;
  bfloat16: Record<string, RealCase>;
  float64: Record<string, RealCase>;
  complex64: Record<string, ComplexCase>;
  round_decimals: Record<string, RoundCase>;
}

const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/unary/unary.json', import.meta.url), 'utf8'),
) as Fixtures;

const dec = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
const decAll = (a: Num[]): number[] => a.map(dec);

type Unary = (a: mx.MxArray) => mx.MxArray;
const OPS: Record<string, Unary> = {
  exp: mx.exp, expm1: mx.expm1, log: mx.log, log2: mx.log2, log10: mx.log10, log1p: mx.log1p,
  sqrt: mx.sqrt, rsqrt: mx.rsqrt, reciprocal: mx.reciprocal, square: mx.square, abs: mx.abs,
  negative: mx.negative, sign: mx.sign, sin: mx.sin, cos: mx.cos, tan: mx.tan, arcsin: mx.arcsin,
  arccos: mx.arccos, arctan: mx.arctan, sinh: mx.sinh, cosh: mx.cosh, tanh: mx.tanh,
  arcsinh: mx.arcsinh, arccosh: mx.arccosh, arctanh: mx.arctanh, erf: mx.erf, erfinv: mx.erfinv,
  sigmoid: mx.sigmoid, degrees: mx.degrees, radians: mx.radians, floor: mx.floor, ceil: mx.ceil,
  round: (a) => mx.round(a), conjugate: mx.conjugate,
};

interface Format { mant: number; minExp: number; max: number }
// Significand bits (without the implicit one), smallest normal exponent, and the
// overflow threshold (values at or above it round to inf).
const FORMATS: Record<string, Format> = {
  float32: { mant: 23, minExp: -126, max: 3.4028235677973366e38 },
  float16: { mant: 10, minExp: -14, max: 65520 },
  bfloat16: { mant: 7, minExp: -126, max: 3.3961775292304e38 },
  float64: { mant: 52, minExp: -1022, max: Infinity },
};

/** The spacing of the format's values around v (the ulp of |v|). */
function ulp(v: number, f: Format): number {
  const a = Math.abs(v);
  const e = a === 0 ? f.minExp : Math.max(Math.floor(Math.log2(a)), f.minExp);
  return 2 ** (e - f.mant);
}

/** Largest error in ulps of got vs exact references; special values must match. */
function maxUlpError(got: ArrayLike<number>, ref: number[], x: number[], f: Format, label: string): number {
  let worst = 0;
  for (let i = 0; i < ref.length; ++i) {
    let r = ref[i];
    if (Math.abs(r) >= f.max) r = Math.sign(r) * Infinity; // overflows in the output dtype
    const g = got[i];
    const where = `${label}: x=${x[i]} got=${g} ref=${ref[i]}`;
    if (Number.isNaN(r) || !Number.isFinite(r)) {
      expect(Object.is(g, r) || (Number.isNaN(r) && Number.isNaN(g)), where).toBe(true);
      continue;
    }
    expect(Number.isFinite(g), where).toBe(true);
    const e = Math.abs(g - r) / ulp(r, f);
    if (e > worst) worst = e;
    // Report the first bad element with its input.
    if (e > 64) expect(e, where).toBeLessThan(64);
  }
  return worst;
}

// Allowed errors in float32 ulps (glibc's float functions and our vectorised
// kernels are all within these; sigmoid's two roundings after exp take 2.4).
const F32_ULPS: Record<string, number> = { sigmoid: 3 };

describe('accuracy against numpy/scipy references', () => {
  for (const name of Object.keys(fixtures.float32)) {
    it(`${name} float32 (within ${F32_ULPS[name] ?? 2} ulp)`, () => {
      const c = fixtures.float32[name];
      const x = decAll(c.x);
      const y = OPS[name](mx.array(x, mx.float32));
      expect(y.dtype).toBe(mx.float32);
      const err = maxUlpError(y.toTypedArray() as Float32Array, decAll(c.ref), x, FORMATS.float32, name);
      expect(err).toBeLessThanOrEqual(F32_ULPS[name] ?? 2);
    });
  }

  for (const dt of ['float16', 'bfloat16'] as const) {
    for (const name of Object.keys(fixtures[dt])) {
      it(`${name} ${dt} (within 1 ulp)`, () => {
        const c = fixtures[dt][name];
        // The fixture's decimal strings round to the exact inputs of the references.
        const a = mx.array(decAll(c.x), mx[dt]);
        const x = Array.from(a.toTypedArray() as Float32Array);
        const y = OPS[name](a);
        expect(y.dtype).toBe(mx[dt]);
        const err = maxUlpError(y.toTypedArray() as Float32Array, decAll(c.ref), x, FORMATS[dt], `${name} ${dt}`);
        // Computed in float32, rounded once: within the half type's rounding.
        expect(err).toBeLessThanOrEqual(1);
      });
    }
  }

  for (const name of Object.keys(fixtures.float64)) {
    it(`${name} float64 (within 4 ulp)`, () => {
      const c = fixtures.float64[name];
      const x = decAll(c.x);
      const y = OPS[name](mx.array(new Float64Array(x)));
      expect(y.dtype).toBe(mx.float64);
      const err = maxUlpError(y.toTypedArray() as Float64Array, decAll(c.ref), x, FORMATS.float64, `${name} f64`);
      expect(err).toBeLessThanOrEqual(4);
    });
  }

  for (const name of Object.keys(fixtures.complex64)) {
    it(`${name} complex64`, () => {
      const c = fixtures.complex64[name];
      const re = decAll(c.re);
      const im = decAll(c.im);
      const z = mx.array(re.map((r, i) => ({ re: r, im: im[i] })));
      expect(z.dtype).toBe(mx.complex64);
      const y = OPS[name](z);
      const refRe = decAll(c.ref_re);
      const refIm = decAll(c.ref_im);
      if (name === 'abs') {
        expect(y.dtype).toBe(mx.float32);
        const got = y.toTypedArray() as Float32Array;
        refRe.forEach((r, i) => expect(Math.abs(got[i] - r), `abs(${re[i]}+${im[i]}i)`).toBeLessThanOrEqual(4e-7 * Math.abs(r)));
        return;
      }
      expect(y.dtype).toBe(mx.complex64);
      const got = y.toTypedArray() as Float32Array; // re, im pairs
      for (let i = 0; i < refRe.length; ++i) {
        const where = `${name}(${re[i]}+${im[i]}i): got ${got[2 * i]}+${got[2 * i + 1]}i, ref ${refRe[i]}+${refIm[i]}i`;
        if (!Number.isFinite(refRe[i]) || !Number.isFinite(refIm[i])) {
          // Poles (log 0, 1/0, arctanh 1): the same infinities and nans as numpy.
          expect([got[2 * i], got[2 * i + 1]], where).toEqual([refRe[i], refIm[i]]);
          continue;
        }
        const tol = 2e-6 * Math.max(Math.hypot(refRe[i], refIm[i]), 1e-6);
        expect(Math.abs(got[2 * i] - refRe[i]), where).toBeLessThanOrEqual(tol);
        expect(Math.abs(got[2 * i + 1] - refIm[i]), where).toBeLessThanOrEqual(tol);
      }
    });
  }

  it('round with decimals computes in the input dtype like MLX (float32, float16)', () => {
    for (const [d, c] of Object.entries(fixtures.round_decimals)) {
      // References are exact float32/float16 values written as shortest decimals.
      const y32 = mx.round(mx.array(decAll(c.x32), mx.float32), Number(d));
      expect(y32.dtype).toBe(mx.float32);
      expect(y32.tolist(), `decimals=${d}`).toEqual(mx.array(decAll(c.ref32), mx.float32).tolist());
      if (c.x16 && c.ref16) {
        const y16 = mx.round(mx.array(decAll(c.x16), mx.float16), Number(d));
        expect(y16.dtype).toBe(mx.float16);
        expect(y16.tolist(), `decimals=${d} float16`).toEqual(mx.array(decAll(c.ref16), mx.float16).tolist());
      }
    }
  });
});

// ---------------------------------------------------------------------------
// Special values of the vectorised float32 kernels

describe('float32 special values', () => {
  const f32 = (v: number[]) => mx.array(v, mx.float32);
  it('exp: overflow, underflow to subnormals and zero, inf, nan', () => {
    const y = mx.exp(f32([Infinity, -Infinity, NaN, 88.7, 89, -87.5, -100, -103.5, -104, 0, -0])).tolist() as number[];
    expect(y[0]).toBe(Infinity);
    expect(y[1]).toBe(0);
    expect(y[2]).toBeNaN();
    expect(y[3] / Math.exp(Math.fround(88.7))).toBeCloseTo(1, 6); // near the largest float
    expect(y[4]).toBe(Infinity);
    expect(y[5] / Math.exp(-87.5)).toBeCloseTo(1, 6); // just below the smallest normal
    // Subnormal results are rounded once, correctly (Math.fround rounds to float32).
    expect(y[6]).toBe(Math.fround(Math.exp(-100)));
    expect(y[7]).toBe(Math.fround(Math.exp(-103.5))); // 2^-149, the smallest float
    expect(y[8]).toBe(0);
    expect(y.slice(9)).toEqual([1, 1]);
  });
  it('log and log2: zero, negative, inf, nan, subnormals, exact powers of two', () => {
    expect(mx.log(f32([0, -0, -1, Infinity, -Infinity, NaN, 1])).tolist()).toEqual([-Infinity, -Infinity, NaN, Infinity, NaN, NaN, 0]);
    expect(mx.log2(f32([2 ** -149, 2 ** -130, 0.125, 1, 1024, 2 ** 127])).tolist()).toEqual([-149, -130, -3, 0, 10, 127]);
    expect((mx.log(f32([1e-45])).item() as number) / Math.log(1.401298464324817e-45)).toBeCloseTo(1, 6);
  });
  it('tanh and sigmoid saturate and keep signs', () => {
    expect(mx.tanh(f32([Infinity, -Infinity, 50, -50, 0, -0, NaN])).tolist()).toEqual([1, -1, 1, -1, 0, -0, NaN]);
    expect(Object.is((mx.tanh(f32([-0])).tolist() as number[])[0], -0)).toBe(true);
    expect(mx.sigmoid(f32([Infinity, -Infinity, 0, 200, -200, NaN])).tolist()).toEqual([1, 0, 0.5, 1, 0, NaN]);
  });
  it('sin and cos beyond the fast range, and of inf/nan', () => {
    const x = [1e7, -3e9, 1e30, Infinity, -Infinity, NaN];
    const s = mx.sin(f32(x)).tolist() as number[];
    const c = mx.cos(f32(x)).tolist() as number[];
    for (let i = 0; i < 3; ++i) {
      const xv = Math.fround(x[i]);
      expect(Math.abs(s[i] - Math.sin(xv))).toBeLessThan(1e-7);
      expect(Math.abs(c[i] - Math.cos(xv))).toBeLessThan(1e-7);
    }
    expect(s.slice(3)).toEqual([NaN, NaN, NaN]);
    expect(c.slice(3)).toEqual([NaN, NaN, NaN]);
  });
});

// ---------------------------------------------------------------------------
// Dtype rules (MLX's ops.cpp)

describe('dtype rules', () => {
  const inputs: Record<string, () => mx.MxArray> = {
    bool: () => mx.array([true, false]),
    uint8: () => mx.array([1, 2], mx.uint8),
    int32: () => mx.array([1, 2]),
    int64: () => mx.array([1, 2], mx.int64),
    float16: () => mx.array([1, 2], mx.float16),
    bfloat16: () => mx.array([1, 2], mx.bfloat16),
    float32: () => mx.array([1, 2], mx.float32),
    float64: () => mx.array([1, 2], mx.float64),
    complex64: () => mx.array([{ re: 1, im: 1 }, { re: 2, im: 0 }]),
  };
  const name = (d: mx.Dtype): string => String(d).replace('mlx.core.', '');
  const outDtype = (fn: Unary, key: string): string => {
    try {
      return name(fn(inputs[key]()).dtype);
    } catch {
      return 'error';
    }
  };
  const table = (fn: Unary): string[] => Object.keys(inputs).map((k) => outDtype(fn, k));

  it('transcendental functions promote integers and bool to float32', () => {
    const expected = ['float32', 'float32', 'float32', 'float32', 'float16', 'bfloat16', 'float32', 'float64', 'complex64'];
    for (const fn of [mx.exp, mx.log, mx.log1p, mx.log2, mx.log10, mx.sqrt, mx.rsqrt, mx.reciprocal, mx.sin,
      mx.cos, mx.tan, mx.arcsin, mx.arccos, mx.arctan, mx.sinh, mx.cosh, mx.tanh, mx.arcsinh, mx.arccosh,
      mx.arctanh, mx.degrees, mx.radians]) {
      expect(table(fn), fn.name).toEqual(expected);
    }
    // Real-only functions reject complex64.
    for (const fn of [mx.expm1, mx.erf, mx.erfinv, mx.sigmoid]) {
      expect(table(fn), fn.name).toEqual([...expected.slice(0, 8), 'error']);
    }
  });

  it('abs, sign, square keep the dtype (abs of complex64 is float32); negative rejects bool', () => {
    const keep = ['bool', 'uint8', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64', 'complex64'];
    expect(table(mx.sign)).toEqual(keep);
    expect(table(mx.square)).toEqual(keep);
    expect(table(mx.abs)).toEqual([...keep.slice(0, 8), 'float32']);
    expect(table(mx.negative)).toEqual(['error', ...keep.slice(1)]);
  });

  it('floor, ceil, round keep the dtype; floor/ceil reject complex64', () => {
    const keep = ['bool', 'uint8', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64'];
    expect(table(mx.floor)).toEqual([...keep, 'error']);
    expect(table(mx.ceil)).toEqual([...keep, 'error']);
    expect(table((a) => mx.round(a))).toEqual([...keep, 'complex64']);
    expect(table((a) => mx.round(a, 2))).toEqual([...keep, 'complex64']);
  });

  it('predicates and logicalNot give bool; bitwiseInvert only integers and bool', () => {
    for (const fn of [mx.isnan, mx.isinf, mx.isfinite, mx.isposinf, mx.isneginf, mx.logicalNot]) {
      expect(table(fn), fn.name).toEqual(Array(9).fill('bool'));
    }
    expect(table(mx.bitwiseInvert)).toEqual(['bool', 'uint8', 'int32', 'int64', 'error', 'error', 'error', 'error', 'error']);
  });

  it('conjugate, real, imag, stopGradient', () => {
    const keep = ['bool', 'uint8', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64'];
    expect(table(mx.conjugate)).toEqual([...keep, 'complex64']);
    expect(table(mx.real)).toEqual([...keep, 'float32']);
    expect(table(mx.imag)).toEqual([...keep, 'float32']);
    expect(table(mx.stopGradient)).toEqual([...keep, 'complex64']);
  });

  it('JS scalars become 0-d arrays (int32 for integers, float32 otherwise)', () => {
    const e = mx.exp(0);
    expect([e.shape, e.dtype, e.item()]).toEqual([[], mx.float32, 1]);
    expect([mx.abs(-3).dtype, mx.abs(-3).item()]).toEqual([mx.int32, 3]);
    expect(mx.negative(2.5).item()).toBe(-2.5);
    expect(mx.sqrt(4).item()).toBe(2);
    expect(mx.logicalNot(true).item()).toBe(false);
  });
});

// ---------------------------------------------------------------------------
// Integer and bool semantics

describe('integer, bool and complex semantics', () => {
  it('abs and negative wrap around like numpy', () => {
    expect(mx.abs(mx.array([-128, -5, 7], mx.int8)).tolist()).toEqual([-128, 5, 7]);
    expect(mx.abs(mx.array([200, 0], mx.uint8)).tolist()).toEqual([200, 0]);
    expect(mx.negative(mx.array([1, 0, 200], mx.uint8)).tolist()).toEqual([255, 0, 56]);
    expect(mx.negative(mx.array([-(2 ** 31), 5])).tolist()).toEqual([-(2 ** 31), -5]);
    expect(mx.negative(mx.array([2 ** 40, -3], mx.int64)).tolist()).toEqual([-(2 ** 40), 3]);
    expect(Object.is((mx.negative(mx.array([0], mx.float32)).tolist() as number[])[0], -0)).toBe(true);
  });

  it('sign of signed, unsigned, bool, float (0 for nan, as MLX) and complex', () => {
    expect(mx.sign(mx.array([-5, 0, 7])).tolist()).toEqual([-1, 0, 1]);
    expect(mx.sign(mx.array([0, 5, 255], mx.uint8)).tolist()).toEqual([0, 1, 1]);
    expect(mx.sign(mx.array([true, false])).tolist()).toEqual([true, false]);
    expect(mx.sign(mx.array([-2.5, 0, 3, NaN, -Infinity], mx.float32)).tolist()).toEqual([-1, 0, 1, 0, -1]);
    expect(mx.sign(mx.array([-0.5, 0.25], mx.bfloat16)).tolist()).toEqual([-1, 1]);
    const s = mx.sign(mx.array([{ re: 3, im: -4 }, { re: 0, im: 0 }])).tolist() as mx.Complex[];
    expect(s[0].re).toBeCloseTo(0.6, 6);
    expect(s[0].im).toBeCloseTo(-0.8, 6);
    expect(s[1]).toEqual({ re: 0, im: 0 });
  });

  it('square keeps integer dtypes and wraps on overflow', () => {
    expect(mx.square(mx.array([46341, -3])).tolist()).toEqual([-2147479015, 9]);
    expect(mx.square(mx.array([16, 3], mx.uint8)).tolist()).toEqual([0, 9]);
    expect(mx.square(mx.array([12], mx.int8)).tolist()).toEqual([-112]);
    expect(mx.square(mx.array([true, false])).tolist()).toEqual([true, false]);
    expect(mx.square(mx.array([3e9], mx.int64)).tolist()).toEqual([9e18]);
  });

  it('floor, ceil and round are identities on integers; round(decimals < 0) rounds to tens', () => {
    const i = mx.array([3, -3, 7]);
    for (const fn of [mx.floor, mx.ceil, (a: mx.MxArray) => mx.round(a)]) {
      const y = fn(i);
      expect([y.dtype, y.tolist()]).toEqual([mx.int32, [3, -3, 7]]);
    }
    // rint in float32, halves to even: 1.5 -> 2, 2.5 -> 2, 3.5 -> 4, -1.5 -> -2.
    expect(mx.round(mx.array([15, 25, 35, -15, 1234]), -1).tolist()).toEqual([20, 20, 40, -20, 1230]);
    expect(mx.round(mx.array([1250, 1350, -1250], mx.int64), -2).tolist()).toEqual([1200, 1400, -1200]);
    expect(mx.round(mx.array([0.5, 1.5, 2.5, -0.5, -2.5, 2.4999], mx.float32)).tolist()).toEqual([0, 2, 2, -0, -2, 2]);
    expect(mx.round(mx.array([1.25, 2.675], mx.float64), 1).tolist()).toEqual([1.2, 2.7]);
  });

  it('bitwiseInvert and logicalNot', () => {
    expect(mx.bitwiseInvert(mx.array([0, -1, 5])).tolist()).toEqual([-1, 0, -6]);
    expect(mx.bitwiseInvert(mx.array([0, 255, 15], mx.uint8)).tolist()).toEqual([255, 0, 240]);
    expect(mx.bitwiseInvert(mx.array([0, 65535], mx.uint16)).tolist()).toEqual([65535, 0]);
    expect(mx.bitwiseInvert(mx.array([true, false])).tolist()).toEqual([false, true]);
    expect(mx.logicalNot(mx.array([0, 2, -1])).tolist()).toEqual([true, false, false]);
    expect(mx.logicalNot(mx.array([0, NaN, 0.5], mx.float32)).tolist()).toEqual([true, false, false]);
    expect(mx.logicalNot(mx.array([{ re: 0, im: 0 }, { re: 0, im: 1 }])).tolist()).toEqual([true, true]);
  });

  it('isnan, isinf, isfinite, isposinf, isneginf', () => {
    const vals = [NaN, Infinity, -Infinity, 0, -1.5, 65504];
    for (const dt of [mx.float32, mx.float16, mx.bfloat16, mx.float64]) {
      const a = mx.array(vals, dt);
      expect(mx.isnan(a).tolist()).toEqual([true, false, false, false, false, false]);
      expect(mx.isinf(a).tolist()).toEqual([false, true, true, false, false, false]);
      expect(mx.isposinf(a).tolist()).toEqual([false, true, false, false, false, false]);
      expect(mx.isneginf(a).tolist()).toEqual([false, false, true, false, false, false]);
      expect(mx.isfinite(a).tolist()).toEqual([false, false, false, true, true, true]);
    }
    const z = mx.array([
      { re: NaN, im: 0 }, { re: 1, im: Infinity }, { re: Infinity, im: 0 }, { re: -Infinity, im: 0 },
      { re: Infinity, im: 1 }, { re: 1, im: 2 },
    ]);
    expect(mx.isnan(z).tolist()).toEqual([true, false, false, false, false, false]);
    expect(mx.isinf(z).tolist()).toEqual([false, true, true, true, true, false]);
    expect(mx.isposinf(z).tolist()).toEqual([false, false, true, false, false, false]);
    expect(mx.isneginf(z).tolist()).toEqual([false, false, false, true, false, false]);
    expect(mx.isfinite(z).tolist()).toEqual([false, false, false, false, false, true]);
    const ints = mx.array([[1, 2], [3, 4]]);
    expect(mx.isnan(ints).tolist()).toEqual([[false, false], [false, false]]);
    expect(mx.isfinite(ints).tolist()).toEqual([[true, true], [true, true]]);
    expect(mx.isinf(mx.array([true])).tolist()).toEqual([false]);
  });

  it('real, imag, conjugate of complex and real arrays', () => {
    const z = mx.array([{ re: 1, im: -2 }, { re: -3.5, im: 4 }]);
    expect(mx.real(z).tolist()).toEqual([1, -3.5]);
    expect(mx.imag(z).tolist()).toEqual([-2, 4]);
    expect(mx.conjugate(z).tolist()).toEqual([{ re: 1, im: 2 }, { re: -3.5, im: -4 }]);
    expect(mx.conj(z).tolist()).toEqual([{ re: 1, im: 2 }, { re: -3.5, im: -4 }]);
    const r = mx.array([1.5, -2], mx.float16);
    expect([mx.real(r).dtype, mx.real(r).tolist()]).toEqual([mx.float16, [1.5, -2]]);
    expect([mx.imag(r).dtype, mx.imag(r).tolist()]).toEqual([mx.float16, [0, 0]]);
    expect(mx.conj(r).tolist()).toEqual([1.5, -2]);
  });

  it('degrees, radians, reciprocal and stopGradient values', () => {
    expect(mx.degrees(mx.array([Math.PI, -Math.PI / 2], mx.float32)).tolist()).toEqual([180, -90]);
    expect(mx.radians(mx.array([180, 90])).tolist()).toEqual([Math.fround(Math.PI), Math.fround(Math.PI / 2)]);
    expect(mx.reciprocal(mx.array([2, -4, 0])).tolist()).toEqual([0.5, -0.25, Infinity]);
    expect(mx.stopGradient(mx.array([1, 2, 3])).tolist()).toEqual([1, 2, 3]);
    expect(mx.erfinv(mx.array([0, 1, -1, 1.5, -0], mx.float32)).tolist()).toEqual([0, Infinity, -Infinity, NaN, -0]);
  });
});

// ---------------------------------------------------------------------------
// Layouts: views, broadcasts, large arrays split across threads

/** float32 reference: f in double, rounded to float32; checks within `ulps`. */
function expectF32(got: ArrayLike<number>, want: number[], ulps = 2): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; ++i) {
    const w = Math.fround(want[i]);
    const tol = ulps * ulp(w, FORMATS.float32);
    if (Math.abs(got[i] - w) > tol) expect(got[i], `element ${i}`).toBe(w);
  }
}

describe('non-contiguous inputs', () => {
  const data = [0.5, -1.25, 2, 3.5, -0.75, 1];
  const a = mx.array([data.slice(0, 3), data.slice(3)], mx.float32); // 2x3

  it('transposed view', () => {
    const t = mx.asStrided(a, [3, 2], [1, 3]);
    expect(mx.exp(t).tolist()).toEqual([
      [Math.fround(Math.exp(0.5)), Math.fround(Math.exp(3.5))],
      [Math.fround(Math.exp(-1.25)), Math.fround(Math.exp(-0.75))],
      [Math.fround(Math.exp(2)), Math.fround(Math.exp(1))],
    ]);
    expect(mx.abs(t).tolist()).toEqual([[0.5, 3.5], [1.25, 0.75], [2, 1]]);
    expect(mx.isnan(t).shape).toEqual([3, 2]);
  });

  it('broadcast views (stride 0)', () => {
    const s = mx.asStrided(mx.array([0.5], mx.float32), [4, 3], [0, 0]);
    const e = mx.exp(s);
    expect(e.shape).toEqual([4, 3]);
    expect(e.tolist()).toEqual(Array(4).fill(Array(3).fill(Math.fround(Math.exp(0.5)))));
    const row = mx.asStrided(mx.array([1, -2, 3], mx.float32), [2, 3], [0, 1]);
    expect(mx.negative(row).tolist()).toEqual([[-1, 2, -3], [-1, 2, -3]]);
    expect(mx.square(mx.asStrided(mx.array([1, 2, 3]), [3, 2], [1, 0])).tolist()).toEqual([[1, 1], [4, 4], [9, 9]]);
  });

  it('strided slices with an offset, and ops on ops', () => {
    const v = mx.array(Array.from({ length: 20 }, (_, i) => i - 10), mx.float32);
    const s = mx.asStrided(v, [3, 4], [6, 2], 1); // rows start at 1, 7, 13; every other element
    const want = [[-9, -7, -5, -3], [-3, -1, 1, 3], [3, 5, 7, 9]];
    expect(mx.abs(s).tolist()).toEqual(want.map((r) => r.map(Math.abs)));
    expect(mx.sign(s).tolist()).toEqual(want.map((r) => r.map(Math.sign)));
    const back = mx.log(mx.exp(mx.asStrided(a, [3, 2], [1, 3])));
    expectF32(back.toTypedArray() as Float32Array, [0.5, 3.5, -1.25, -0.75, 2, 1], 8);
  });

  it('float16 views and complex views', () => {
    const h = mx.array([[1, 4], [9, 16]], mx.float16);
    expect(mx.sqrt(mx.asStrided(h, [2, 2], [1, 2])).tolist()).toEqual([[1, 3], [2, 4]]);
    const b = mx.array([0, 1, 2, 3, 4, 5, 6, 7], mx.bfloat16);
    expect(mx.exp(mx.asStrided(b, [2, 2], [4, 2], 1)).tolist()).toEqual(
      mx.array([[Math.exp(1), Math.exp(3)], [Math.exp(5), Math.exp(7)]], mx.bfloat16).tolist(),
    );
    expect(mx.isnan(mx.asStrided(mx.array([NaN, 1, NaN, 2], mx.float16), [2], [2], 1)).tolist()).toEqual([false, false]);
    const z = mx.array([{ re: 1, im: 2 }, { re: 3, im: 4 }, { re: 5, im: 6 }, { re: 7, im: 8 }]);
    expect(mx.imag(mx.asStrided(z, [2], [2], 1)).tolist()).toEqual([4, 8]);
  });

  it('large arrays (split across threads), contiguous and transposed', () => {
    const rows = 600;
    const cols = 500;
    const n = rows * cols;
    const x = new Float32Array(n);
    for (let i = 0; i < n; ++i) x[i] = Math.sin(i * 0.7) * 30; // deterministic, [-30, 30]
    const big = mx.array(x);
    const xs = Array.from(x);
    expectF32(mx.exp(big).toTypedArray() as Float32Array, xs.map(Math.exp));
    expectF32(mx.tanh(big).toTypedArray() as Float32Array, xs.map(Math.tanh));
    // Transposed: element (i, j) of the view is x[j * cols + i].
    const t = mx.asStrided(big, [cols, rows], [1, cols]);
    const tx: number[] = [];
    for (let i = 0; i < cols; ++i) for (let j = 0; j < rows; ++j) tx.push(x[j * cols + i]);
    expectF32(mx.exp(t).toTypedArray() as Float32Array, tx.map(Math.exp));
    expectF32(mx.sin(t).toTypedArray() as Float32Array, tx.map(Math.sin), 1);
    // Every other column: strided rows.
    const s = mx.asStrided(big, [rows, cols / 2], [cols, 2]);
    const sx: number[] = [];
    for (let i = 0; i < rows; ++i) for (let j = 0; j < cols; j += 2) sx.push(x[i * cols + j]);
    expectF32(mx.sigmoid(s).toTypedArray() as Float32Array, sx.map((v) => 1 / (1 + Math.exp(-v))), 3);
  });

  it('large float16 arrays and sin/cos fix-ups in the middle of a big array', () => {
    const n = 70001;
    const x = new Float32Array(n);
    for (let i = 0; i < n; ++i) x[i] = i % 1000 === 7 ? 1e8 + i : (i % 200) / 20 - 5;
    const xs = Array.from(x);
    expectF32(mx.cos(mx.array(x)).toTypedArray() as Float32Array, xs.map(Math.cos), 1);
    const h = mx.array(x, mx.float16);
    const hx = Array.from(h.toTypedArray() as Float32Array);
    const got = mx.exp(h).toTypedArray() as Float32Array;
    const err = maxUlpError(got, hx.map(Math.exp), hx, FORMATS.float16, 'exp f16 big');
    expect(err).toBeLessThanOrEqual(1);
    // Strided float16 (gathered in blocks) and bfloat16 predicates over many blocks.
    const every3 = mx.asStrided(h, [Math.floor(n / 3)], [3], 2);
    const ex = hx.filter((_, i) => i % 3 === 2 && i < 2 + 3 * Math.floor(n / 3));
    expect(maxUlpError(mx.tanh(every3).toTypedArray() as Float32Array, ex.map(Math.tanh), ex, FORMATS.float16, 'tanh f16 strided')).toBeLessThanOrEqual(1);
    const bf = mx.array(x, mx.bfloat16);
    const fin = mx.isfinite(mx.exp(bf)).toTypedArray() as Uint8Array;
    const bx = Array.from(bf.toTypedArray() as Float32Array);
    expect(Array.from(fin)).toEqual(bx.map((v) => (Math.exp(v) < 3.3961775292304e38 ? 1 : 0)));
  });

  it('empty arrays', () => {
    const e = mx.exp(mx.zeros([0, 3]));
    expect([e.shape, e.dtype, e.tolist()]).toEqual([[0, 3], mx.float32, []]);
    expect(mx.isnan(mx.zeros([2, 0])).shape).toEqual([2, 0]);
  });
});

// ---------------------------------------------------------------------------
// Array methods

describe('array methods', () => {
  it('match MLX: abs, conj, cos, exp, log, log10, log1p, log2, reciprocal, round, rsqrt, sin, sqrt, square', () => {
    const a = mx.array([0.25, 4], mx.float32);
    expect(a.abs().tolist()).toEqual([0.25, 4]);
    expect(a.sqrt().tolist()).toEqual([0.5, 2]);
    expect(a.rsqrt().tolist()).toEqual([2, 0.5]);
    expect(a.square().tolist()).toEqual([0.0625, 16]);
    expect(a.reciprocal().tolist()).toEqual([4, 0.25]);
    expect(a.log2().tolist()).toEqual([-2, 2]);
    expect(a.log().tolist()).toEqual([Math.fround(Math.log(0.25)), Math.fround(Math.log(4))]);
    expect(mx.array([100, 1000], mx.float32).log10().tolist()).toEqual([2, 3]);
    expect(mx.array([0], mx.float32).log1p().tolist()).toEqual([0]);
    expect(mx.array([0], mx.float32).exp().tolist()).toEqual([1]);
    expect(mx.array([0], mx.float32).sin().tolist()).toEqual([0]);
    expect(mx.array([0], mx.float32).cos().tolist()).toEqual([1]);
    // MLX's float32 constants: rint(1.26 * 10) * float32(0.1) = 1.3000001.
    expect(mx.array([1.26, -2.5], mx.float32).round(1).tolist()).toEqual([Math.fround(13 * Math.fround(0.1)), -2.5]);
    expect(mx.array([2.5, 3.5]).round().tolist()).toEqual([2, 4]);
    const z = mx.array([{ re: 1, im: 2 }]);
    expect(z.conj().tolist()).toEqual([{ re: 1, im: -2 }]);
    expect(z.real.tolist()).toEqual([1]);
    expect(z.imag.tolist()).toEqual([2]);
    expect(z.abs().dtype).toBe(mx.float32);
  });
});

// ---------------------------------------------------------------------------
// Errors

describe('errors', () => {
  const z = () => mx.array([{ re: 1, im: 1 }]);
  it('reports MLX-style messages for unsupported dtypes', () => {
    expect(() => mx.negative(mx.array([true]))).toThrow('[negative] Not supported for bool, use logical_not instead.');
    expect(() => mx.bitwiseInvert(mx.array([1.5]))).toThrow(
      '[bitwise_invert] Bitwise inverse only allowed on integer types, got float32.',
    );
    expect(() => mx.bitwiseInvert(z())).toThrow(/\[bitwise_invert\] .* got complex64\./);
    for (const [fn, op] of [[mx.expm1, 'expm1'], [mx.erf, 'erf'], [mx.erfinv, 'erfinv'], [mx.sigmoid, 'sigmoid'],
      [mx.floor, 'floor'], [mx.ceil, 'ceil']] as [Unary, string][]) {
      expect(() => fn(z())).toThrow(`[${op}] Not supported for complex64.`);
    }
  });
  it('rejects bad arguments with the op name', () => {
    expect(() => mx.exp('x' as unknown as mx.MxArray)).toThrow('[exp] Expected an array or a scalar for a, got string x.');
    expect(() => mx.logicalNot(null as unknown as mx.MxArray)).toThrow(/\[logical_not\] Expected an array or a scalar/);
    expect(() => mx.round(mx.array([1.5]), 1.5)).toThrow('[round] Expected an integer number of decimals, got number 1.5.');
    const d = mx.array([1, 2]);
    d.dispose();
    expect(() => mx.sqrt(d)).toThrow(/\[sqrt\] The array was disposed/);
  });
});
