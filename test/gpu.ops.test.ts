// The GPU op implementations (native/src/backend/cuda/ops) against the CPU:
// every op that runs on the GPU is computed on mx.gpu and on mx.cpu from the
// same inputs and compared — exactly where both sides round the same
// operations (integers, comparisons, casts, IEEE arithmetic, random numbers),
// within a few units in the last place where the math libraries differ
// (transcendental functions, sums in another order, cuBLAS). Several dtypes,
// broadcasting, strided views (transpose, asStrided), empty arrays and 2^20
// elements. Ops that stay on the CPU are checked to still work on mx.gpu.
//
// Runs only where a GPU backend is available (skipped elsewhere). The first
// run compiles each kernel with NVRTC (cached on disk afterwards), so the
// tests have long timeouts.
import { beforeEach, describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';

const GPU = mx.gpu;
const CPU = mx.cpu;
const HAS_GPU = mx.isAvailable(mx.gpu);
const LONG = 600_000;

type A = mx.MxArray;
type Dt = mx.Dtype;
type Tol = 'exact' | { rtol: number; atol: number };

const { bool_, uint8, uint16, uint32, uint64, int8, int16, int32, int64, float16, float32, float64, bfloat16 } = mx;

const FLOATS: Dt[] = [float32, float16, bfloat16, float64];
const INTS: Dt[] = [uint8, uint16, uint32, uint64, int8, int16, int32, int64];
const REAL: Dt[] = [bool_, ...INTS, ...FLOATS];

// Tolerances of results computed with different math libraries / orders.
const TOL: Record<string, { rtol: number; atol: number }> = {
  float32: { rtol: 1e-5, atol: 1e-6 },
  float16: { rtol: 2e-3, atol: 2e-3 },
  bfloat16: { rtol: 1.6e-2, atol: 1.6e-2 },
  float64: { rtol: 1e-12, atol: 1e-13 },
};
const tolOf = (d: Dt): Tol => TOL[d.name] ?? 'exact';

// ---- deterministic data ----

function rng(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function uniformValues(n: number, lo: number, hi: number, seed: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * r());
}

function intValues(n: number, lo: number, hi: number, seed: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => lo + Math.floor((hi - lo + 1) * r()));
}

/** The value range used for random integers of a dtype. */
function intRange(d: Dt): [number, number] {
  switch (d) {
    case bool_: return [0, 1];
    case uint8: return [0, 255];
    case uint16: return [0, 65535];
    case int8: return [-128, 127];
    case int16: return [-32768, 32767];
    case uint32: return [0, 4294967295];
    case int32: return [-2147483648, 2147483647];
    case uint64: return [0, 2 ** 53];
    default: return [-(2 ** 53), 2 ** 53];
  }
}

/** Random values of dtype d with the given shape (floats in [lo, hi]). */
function randomArray(d: Dt, shape: number[], seed: number, lo = -10, hi = 10): A {
  const n = shape.reduce((a, b) => a * b, 1);
  const isFloat = mx.issubdtype(d, mx.floating);
  let vals: number[];
  if (isFloat) vals = uniformValues(n, lo, hi, seed);
  else {
    const [a, b] = intRange(d);
    vals = intValues(n, Math.max(a, Math.ceil(lo)), Math.min(b, Math.floor(hi)), seed);
  }
  return mx.reshape(mx.array(vals, d), shape);
}

/** Random integers over the dtype's whole range (wrapping arithmetic). */
function fullRangeInts(d: Dt, shape: number[], seed: number): A {
  const [lo, hi] = intRange(d);
  return randomArray(d, shape, seed, lo, hi);
}

const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 1, -1, 0.5, -0.5, 2.5, 1e-30, -1e-30];

function withSpecials(d: Dt, vals: number[]): A {
  return mx.array([...vals, ...SPECIALS], d);
}

// ---- comparison ----

function toPlain(a: A): (number | bigint)[] {
  return Array.from(a.toTypedArray() as ArrayLike<number | bigint>);
}

function same(g: number | bigint, c: number | bigint, tol: Tol): boolean {
  if (typeof g === 'bigint' || typeof c === 'bigint') return g === c;
  if (Number.isNaN(g) && Number.isNaN(c)) return true;
  if (tol === 'exact') return Object.is(g, c);
  if (g === c) return true;
  if (!Number.isFinite(g) || !Number.isFinite(c)) return false;
  return Math.abs(g - c) <= tol.atol + tol.rtol * Math.abs(c);
}

/** gpu and cpu agree in dtype, shape and (within tol) values. */
function check(gpu: A, cpu: A, tol: Tol, label: string): void {
  expect(gpu.dtype.name, `${label}: dtype`).toBe(cpu.dtype.name);
  expect(gpu.shape, `${label}: shape`).toEqual(cpu.shape);
  const g = toPlain(gpu);
  const c = toPlain(cpu);
  expect(g.length, `${label}: size`).toBe(c.length);
  const bad: string[] = [];
  for (let i = 0; i < g.length && bad.length < 6; ++i) {
    if (!same(g[i], c[i], tol)) bad.push(`[${i}] gpu ${String(g[i])} cpu ${String(c[i])}`);
  }
  expect(bad, `${label}: mismatches`).toEqual([]);
}

/** Runs f on the GPU and on the CPU; both must throw, or both agree. */
function compare(label: string, f: (s: mx.Device) => A, tol: Tol | ((out: A) => Tol)): void {
  let cpu: A;
  try {
    cpu = f(CPU);
    mx.eval(cpu);
  } catch (e) {
    expect(() => mx.eval(f(GPU)), `${label}: the CPU throws (${(e as Error).message}), so must the GPU`).toThrow();
    return;
  }
  const gpu = f(GPU);
  mx.eval(gpu);
  check(gpu, cpu, typeof tol === 'function' ? tol(cpu) : tol, label);
}

const t = (a: A, axes?: number[]) => mx.transpose(a, axes ?? null);

// ---------------------------------------------------------------------------

describe.skipIf(!HAS_GPU)('GPU ops match the CPU', () => {
  // The tests are synchronous and the first run compiles many kernels: let
  // the event loop run between tests (vitest's worker RPC times out otherwise).
  beforeEach(() => new Promise<void>((resolve) => setTimeout(resolve, 1)));

  // ---- unary ----

  interface UnaryCase {
    name: string;
    f: (a: A, s: mx.Device) => A;
    lo: number;
    hi: number;
    exact?: boolean; // both sides round the same IEEE operations
  }
  const FLOAT_UNARY: UnaryCase[] = [
    { name: 'exp', f: (a, s) => mx.exp(a, s), lo: -10, hi: 10 },
    { name: 'expm1', f: (a, s) => mx.expm1(a, s), lo: -5, hi: 5 },
    { name: 'log', f: (a, s) => mx.log(a, s), lo: 0.001, hi: 1000 },
    { name: 'log2', f: (a, s) => mx.log2(a, s), lo: 0.001, hi: 1000 },
    { name: 'log10', f: (a, s) => mx.log10(a, s), lo: 0.001, hi: 1000 },
    { name: 'log1p', f: (a, s) => mx.log1p(a, s), lo: -0.99, hi: 10 },
    { name: 'sqrt', f: (a, s) => mx.sqrt(a, s), lo: 0, hi: 100, exact: true },
    { name: 'rsqrt', f: (a, s) => mx.rsqrt(a, s), lo: 0.01, hi: 100, exact: true },
    { name: 'reciprocal', f: (a, s) => mx.reciprocal(a, s), lo: -10, hi: 10, exact: true },
    { name: 'square', f: (a, s) => mx.square(a, s), lo: -10, hi: 10, exact: true },
    { name: 'abs', f: (a, s) => mx.abs(a, s), lo: -10, hi: 10, exact: true },
    { name: 'negative', f: (a, s) => mx.negative(a, s), lo: -10, hi: 10, exact: true },
    { name: 'sign', f: (a, s) => mx.sign(a, s), lo: -10, hi: 10, exact: true },
    { name: 'sin', f: (a, s) => mx.sin(a, s), lo: -10, hi: 10 },
    { name: 'cos', f: (a, s) => mx.cos(a, s), lo: -10, hi: 10 },
    { name: 'tan', f: (a, s) => mx.tan(a, s), lo: -1.4, hi: 1.4 },
    { name: 'arcsin', f: (a, s) => mx.arcsin(a, s), lo: -0.99, hi: 0.99 },
    { name: 'arccos', f: (a, s) => mx.arccos(a, s), lo: -0.99, hi: 0.99 },
    { name: 'arctan', f: (a, s) => mx.arctan(a, s), lo: -10, hi: 10 },
    { name: 'sinh', f: (a, s) => mx.sinh(a, s), lo: -5, hi: 5 },
    { name: 'cosh', f: (a, s) => mx.cosh(a, s), lo: -5, hi: 5 },
    { name: 'tanh', f: (a, s) => mx.tanh(a, s), lo: -5, hi: 5 },
    { name: 'arcsinh', f: (a, s) => mx.arcsinh(a, s), lo: -10, hi: 10 },
    { name: 'arccosh', f: (a, s) => mx.arccosh(a, s), lo: 1, hi: 10 },
    { name: 'arctanh', f: (a, s) => mx.arctanh(a, s), lo: -0.99, hi: 0.99 },
    { name: 'erf', f: (a, s) => mx.erf(a, s), lo: -3, hi: 3 },
    { name: 'erfinv', f: (a, s) => mx.erfinv(a, s), lo: -0.99, hi: 0.99 },
    { name: 'sigmoid', f: (a, s) => mx.sigmoid(a, s), lo: -10, hi: 10 },
    { name: 'floor', f: (a, s) => mx.floor(a, s), lo: -10, hi: 10, exact: true },
    { name: 'ceil', f: (a, s) => mx.ceil(a, s), lo: -10, hi: 10, exact: true },
    { name: 'round', f: (a, s) => mx.round(a, 0, s), lo: -10, hi: 10, exact: true },
    { name: 'round(2)', f: (a, s) => mx.round(a, 2, s), lo: -10, hi: 10, exact: true },
    { name: 'round(-1)', f: (a, s) => mx.round(a, -1, s), lo: -100, hi: 100, exact: true },
    { name: 'degrees', f: (a, s) => mx.degrees(a, s), lo: -10, hi: 10, exact: true },
    { name: 'radians', f: (a, s) => mx.radians(a, s), lo: -500, hi: 500, exact: true },
    { name: 'isnan', f: (a, s) => mx.isnan(a, s), lo: -10, hi: 10, exact: true },
    { name: 'isinf', f: (a, s) => mx.isinf(a, s), lo: -10, hi: 10, exact: true },
    { name: 'isposinf', f: (a, s) => mx.isposinf(a, s), lo: -10, hi: 10, exact: true },
    { name: 'isneginf', f: (a, s) => mx.isneginf(a, s), lo: -10, hi: 10, exact: true },
    { name: 'isfinite', f: (a, s) => mx.isfinite(a, s), lo: -10, hi: 10, exact: true },
    { name: 'stopGradient', f: (a, s) => mx.stopGradient(a, s), lo: -10, hi: 10, exact: true },
  ];

  for (const c of FLOAT_UNARY) {
    it(`${c.name}: floating dtypes, special values`, () => {
      for (const d of FLOATS) {
        const x = withSpecials(d, uniformValues(500, c.lo, c.hi, 11));
        compare(`${c.name} ${d.name}`, (s) => c.f(x, s), c.exact ? 'exact' : tolOf(d));
      }
    }, LONG);
  }

  it('unary ops on strided, broadcast, sliced, scalar, empty and large inputs', () => {
    const cases: [string, (a: A, s: mx.Device) => A][] = [
      ['exp', (a, s) => mx.exp(a, s)],
      ['abs', (a, s) => mx.abs(a, s)],
      ['sigmoid', (a, s) => mx.sigmoid(a, s)],
    ];
    for (const [name, f] of cases) {
      for (const d of [float32, float16]) {
        const base = randomArray(d, [6, 7, 8], 3, -3, 3);
        const views: [string, A][] = [
          ['transpose', t(base, [2, 0, 1])],
          ['asStrided', mx.asStrided(base, [3, 4, 4], [112, 9, 2], 5)],
          ['broadcast', mx.broadcastTo(mx.reshape(randomArray(d, [8], 4), [1, 8]), [5, 8])],
          ['scalar', mx.array(1.25, d)],
          ['0-d view', mx.asStrided(base, [], [], 17)],
          ['empty', mx.zeros([0, 3], d)],
          ['empty 3-d', mx.zeros([2, 0, 4], d)],
          ['large', randomArray(d, [1 << 20], 5, -3, 3)],
          ['large transposed', t(randomArray(d, [1024, 1024], 6, -3, 3))],
        ];
        for (const [v, a] of views) {
          compare(`${name} ${d.name} ${v}`, (s) => f(a, s), tolOf(d));
        }
      }
    }
  }, LONG);

  const INT_UNARY: [string, (a: A, s: mx.Device) => A][] = [
    ['abs', (a, s) => mx.abs(a, s)],
    ['negative', (a, s) => mx.negative(a, s)],
    ['sign', (a, s) => mx.sign(a, s)],
    ['square', (a, s) => mx.square(a, s)],
    ['floor', (a, s) => mx.floor(a, s)],
    ['ceil', (a, s) => mx.ceil(a, s)],
    ['round', (a, s) => mx.round(a, 0, s)],
    ['bitwiseInvert', (a, s) => mx.bitwiseInvert(a, s)],
  ];
  for (const [name, f] of INT_UNARY) {
    it(`${name}: integer and bool dtypes (wrapping)`, () => {
      for (const d of [...INTS, bool_]) {
        const x = fullRangeInts(d, [257], 21);
        compare(`${name} ${d.name}`, (s) => f(x, s), 'exact');
        compare(`${name} ${d.name} transposed`, (s) => f(t(fullRangeInts(d, [9, 13], 22)), s), 'exact');
      }
    }, LONG);
  }

  it('logicalNot', () => {
    const b = mx.array([true, false, true, true, false]);
    compare('logicalNot bool', (s) => mx.logicalNot(b, s), 'exact');
    compare('logicalNot bool strided', (s) => mx.logicalNot(mx.asStrided(b, [2], [2], 1), s), 'exact');
    compare('logicalNot int', (s) => mx.logicalNot(fullRangeInts(int32, [40], 3), s), 'exact');
  }, LONG);

  // ---- binary ----

  interface BinaryCase {
    name: string;
    f: (a: A, b: A, s: mx.Device) => A;
    dtypes: Dt[];
    lo?: number;
    hi?: number;
    blo?: number; // range of the second operand, when it differs
    bhi?: number;
    exactFloat?: boolean;
  }
  const BINARY: BinaryCase[] = [
    { name: 'add', f: (a, b, s) => mx.add(a, b, s), dtypes: REAL, exactFloat: true },
    { name: 'subtract', f: (a, b, s) => mx.subtract(a, b, s), dtypes: REAL, exactFloat: true },
    { name: 'multiply', f: (a, b, s) => mx.multiply(a, b, s), dtypes: REAL, exactFloat: true },
    { name: 'divide', f: (a, b, s) => mx.divide(a, b, s), dtypes: [...FLOATS, int32], exactFloat: true },
    { name: 'floorDivide', f: (a, b, s) => mx.floorDivide(a, b, s), dtypes: REAL, lo: -50, hi: 50, blo: -7, bhi: 7, exactFloat: true },
    { name: 'remainder', f: (a, b, s) => mx.remainder(a, b, s), dtypes: REAL, lo: -50, hi: 50, blo: -7, bhi: 7, exactFloat: true },
    { name: 'power', f: (a, b, s) => mx.power(a, b, s), dtypes: REAL, lo: 0, hi: 5, blo: -1, bhi: 6 },
    { name: 'maximum', f: (a, b, s) => mx.maximum(a, b, s), dtypes: REAL, exactFloat: true },
    { name: 'minimum', f: (a, b, s) => mx.minimum(a, b, s), dtypes: REAL, exactFloat: true },
    { name: 'arctan2', f: (a, b, s) => mx.arctan2(a, b, s), dtypes: FLOATS },
    { name: 'logaddexp', f: (a, b, s) => mx.logaddexp(a, b, s), dtypes: FLOATS },
    { name: 'equal', f: (a, b, s) => mx.equal(a, b, s), dtypes: REAL, lo: -3, hi: 3 },
    { name: 'notEqual', f: (a, b, s) => mx.notEqual(a, b, s), dtypes: REAL, lo: -3, hi: 3 },
    { name: 'less', f: (a, b, s) => mx.less(a, b, s), dtypes: REAL, lo: -3, hi: 3 },
    { name: 'lessEqual', f: (a, b, s) => mx.lessEqual(a, b, s), dtypes: REAL, lo: -3, hi: 3 },
    { name: 'greater', f: (a, b, s) => mx.greater(a, b, s), dtypes: REAL, lo: -3, hi: 3 },
    { name: 'greaterEqual', f: (a, b, s) => mx.greaterEqual(a, b, s), dtypes: REAL, lo: -3, hi: 3 },
    { name: 'logicalAnd', f: (a, b, s) => mx.logicalAnd(a, b, s), dtypes: [bool_, int32, float32], lo: -1, hi: 1 },
    { name: 'logicalOr', f: (a, b, s) => mx.logicalOr(a, b, s), dtypes: [bool_, int32, float32], lo: -1, hi: 1 },
    { name: 'bitwiseAnd', f: (a, b, s) => mx.bitwiseAnd(a, b, s), dtypes: [bool_, ...INTS], lo: -1e9, hi: 1e9 },
    { name: 'bitwiseOr', f: (a, b, s) => mx.bitwiseOr(a, b, s), dtypes: [bool_, ...INTS], lo: -1e9, hi: 1e9 },
    { name: 'bitwiseXor', f: (a, b, s) => mx.bitwiseXor(a, b, s), dtypes: [bool_, ...INTS], lo: -1e9, hi: 1e9 },
    { name: 'leftShift', f: (a, b, s) => mx.leftShift(a, b, s), dtypes: INTS, lo: -1000, hi: 1000, blo: -2, bhi: 66 },
    { name: 'rightShift', f: (a, b, s) => mx.rightShift(a, b, s), dtypes: INTS, lo: -1000, hi: 1000, blo: -2, bhi: 66 },
  ];

  for (const c of BINARY) {
    it(`${c.name}: every dtype, dense and broadcast`, () => {
      for (const d of c.dtypes) {
        const isFloat = mx.issubdtype(d, mx.floating);
        const lo = c.lo ?? -10, hi = c.hi ?? 10;
        const a = randomArray(d, [3, 4, 5], 31, lo, hi);
        const b = randomArray(d, [3, 4, 5], 32, c.blo ?? lo, c.bhi ?? hi);
        const tol: Tol = !isFloat || c.exactFloat ? 'exact' : tolOf(d);
        compare(`${c.name} ${d.name}`, (s) => c.f(a, b, s), tol);
        // Broadcasting: [3, 1, 5] with [4, 1]; a scalar on either side.
        const a2 = randomArray(d, [3, 1, 5], 33, lo, hi);
        const b2 = randomArray(d, [4, 1], 34, c.blo ?? lo, c.bhi ?? hi);
        compare(`${c.name} ${d.name} broadcast`, (s) => c.f(a2, b2, s), tol);
        const sc = randomArray(d, [], 35, c.blo ?? lo, c.bhi ?? hi);
        compare(`${c.name} ${d.name} array-scalar`, (s) => c.f(a, sc, s), tol);
        const sa = randomArray(d, [], 36, lo, hi);
        compare(`${c.name} ${d.name} scalar-array`, (s) => c.f(sa, b, s), tol);
        if (isFloat && d !== float64) {
          // NaN and infinities on both sides.
          const sp = mx.array(SPECIALS, d);
          const sp2 = mx.reshape(sp, [SPECIALS.length, 1]);
          compare(`${c.name} ${d.name} specials`, (s) => c.f(sp2, sp, s), tol);
        }
      }
    }, LONG);
  }

  it('binary ops on strided views, empty and large arrays', () => {
    const ops: [string, (a: A, b: A, s: mx.Device) => A][] = [
      ['add', (a, b, s) => mx.add(a, b, s)],
      ['multiply', (a, b, s) => mx.multiply(a, b, s)],
      ['less', (a, b, s) => mx.less(a, b, s)],
      ['maximum', (a, b, s) => mx.maximum(a, b, s)],
    ];
    for (const [name, f] of ops) {
      for (const d of [float32, int32, float16]) {
        const a = randomArray(d, [5, 6, 7], 41);
        const b = randomArray(d, [7, 6, 5], 42);
        compare(`${name} ${d.name} transposed+dense`, (s) => f(t(b), a, s), 'exact');
        compare(`${name} ${d.name} both transposed`, (s) => f(t(b), t(a), s), 'exact');
        compare(`${name} ${d.name} asStrided`, (s) => f(mx.asStrided(a, [3, 3, 3], [60, 14, 3], 2), mx.asStrided(b, [3, 3, 3], [1, 35, 7], 1), s), 'exact');
        compare(`${name} ${d.name} broadcast transposed`, (s) => f(t(randomArray(d, [7, 1, 5], 43)), mx.reshape(randomArray(d, [6], 44), [6, 1]), s), 'exact');
        compare(`${name} ${d.name} empty`, (s) => f(mx.zeros([0, 3], d), randomArray(d, [3], 45), s), 'exact');
        compare(`${name} ${d.name} empty broadcast`, (s) => f(mx.zeros([4, 0], d), randomArray(d, [4, 1], 46), s), 'exact');
        const big = randomArray(d, [1024, 1024], 47);
        const row = randomArray(d, [1024], 48);
        compare(`${name} ${d.name} large row broadcast`, (s) => f(big, row, s), 'exact');
        compare(`${name} ${d.name} large transposed`, (s) => f(t(big), big, s), 'exact');
        compare(`${name} ${d.name} large column broadcast`, (s) => f(big, mx.reshape(row, [1024, 1]), s), 'exact');
      }
    }
    // Many dimensions (more than the kernels' 10 after merging falls back to the CPU).
    const shape = [2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2];
    const x = randomArray(float32, shape, 49);
    const y = randomArray(float32, [2, 2, 2, 2, 2, 2, 2].map((v, i) => (i % 2 ? 1 : v)), 50);
    compare('add 13-d broadcast', (s) => mx.add(t(x), y, s), 'exact');
    const many = randomArray(float32, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 51);
    compare('add 12-d transposed', (s) => mx.add(t(many), many, s), 'exact');
  }, LONG);

  it('divmod, isclose, allclose and arrayEqual', () => {
    for (const d of [float32, int32, int8, float16]) {
      const a = randomArray(d, [40], 61, -50, 50);
      const b = randomArray(d, [40], 62, -7, 7);
      const [gq, gr] = mx.divmod(a, b, GPU);
      const [cq, cr] = mx.divmod(a, b, CPU);
      check(gq, cq, 'exact', `divmod q ${d.name}`);
      check(gr, cr, 'exact', `divmod r ${d.name}`);
    }
    for (const d of [float32, float16, bfloat16, float64, int32, uint8]) {
      const a = randomArray(d, [7, 9], 63, 0, 20);
      const noise = randomArray(d, [7, 9], 64, 0, 1);
      const b = mx.add(a, mx.multiply(noise, mx.array(1e-3, d)));
      for (const [rtol, atol] of [[1e-5, 1e-8], [1e-3, 0], [0, 1e-3], [0.1, 0.1]]) {
        compare(`isclose ${d.name} ${rtol} ${atol}`, (s) => mx.isclose(a, b, rtol, atol, false, s), 'exact');
      }
      compare(`allclose ${d.name}`, (s) => mx.allclose(a, b, 1e-2, 1e-2, false, s), 'exact');
    }
    const sp = mx.array(SPECIALS, float32);
    const sp2 = mx.reshape(sp, [SPECIALS.length, 1]);
    compare('isclose specials', (s) => mx.isclose(sp2, sp, 1e-5, 1e-8, false, s), 'exact');
    compare('isclose specials equal_nan', (s) => mx.isclose(sp2, sp, 1e-5, 1e-8, true, s), 'exact');
    compare('arrayEqual equal_nan', (s) => mx.arrayEqual(sp, sp, true, s), 'exact');
    compare('arrayEqual NaN', (s) => mx.arrayEqual(sp, sp, false, s), 'exact');
    const ia = randomArray(int32, [3, 50], 65, -3, 3);
    compare('arrayEqual int equal', (s) => mx.arrayEqual(ia, t(t(ia)), false, s), 'exact');
    compare('arrayEqual int differ', (s) => mx.arrayEqual(ia, mx.add(ia, mx.array(1, int32)), false, s), 'exact');
    compare('arrayEqual empty', (s) => mx.arrayEqual(mx.zeros([0]), mx.zeros([0]), false, s), 'exact');
    compare('allclose large', (s) => mx.allclose(randomArray(float32, [1 << 20], 66), randomArray(float32, [1 << 20], 66), 1e-5, 1e-8, false, s), 'exact');
    const [lq, lr] = [mx.divmod(randomArray(int32, [1 << 20], 67, -1000, 1000), mx.array(7, int32), GPU), mx.divmod(randomArray(int32, [1 << 20], 67, -1000, 1000), mx.array(7, int32), CPU)];
    check(lq[0], lr[0], 'exact', 'divmod large q');
    check(lq[1], lr[1], 'exact', 'divmod large r');
  }, LONG);

  it('where: every element width, broadcasting and strides', () => {
    for (const d of [bool_, uint8, int16, float16, float32, int32, float64, int64, mx.complex64]) {
      const cond = mx.greater(randomArray(float32, [4, 1, 6], 71), mx.array(0, float32));
      const x = mx.complex64 === d ? mx.add(randomArray(float32, [5, 6], 72), mx.array(0, d)) : randomArray(d, [5, 6], 72);
      const y = mx.complex64 === d ? mx.array(2, d) : randomArray(d, [], 73);
      compare(`where ${d.name}`, (s) => mx.where(cond, x, y, s), 'exact');
      compare(`where ${d.name} transposed`, (s) => mx.where(t(mx.reshape(cond, [4, 6])), t(mx.reshape(x, [6, 5])).take(mx.array([0, 1, 2, 3]), 1), y, s), 'exact');
    }
    const c = mx.greater(randomArray(float32, [1 << 20], 74), mx.array(0, float32));
    compare('where large', (s) => mx.where(c, randomArray(float32, [1 << 20], 75), mx.array(-1, float32), s), 'exact');
    compare('where empty', (s) => mx.where(mx.zeros([0], bool_), mx.zeros([0]), mx.ones([0]), s), 'exact');
  }, LONG);

  // ---- casts and copies ----

  for (const from of REAL) {
    it(`astype from ${from.name} to every real dtype (host conversion rules)`, () => {
      for (const to of REAL) {
        let x: A;
        if (mx.issubdtype(from, mx.floating)) {
          // Float to integer: values the target holds (out-of-range casts are undefined in C++).
          const toUnsigned = mx.issubdtype(to, mx.unsignedinteger) || to === bool_;
          const [lo, hi] = mx.issubdtype(to, mx.integer) ? [toUnsigned ? 0 : -100, 100] : [-70000, 70000];
          x = mx.array([...uniformValues(100, lo, hi, 81), 0, -0, 1, 0.5, 1.5, 2.5, 99.9], from);
          if (!mx.issubdtype(to, mx.integer) && to !== bool_) {
            x = mx.concatenate([x, mx.array([NaN, Infinity, -Infinity, 65504, 65520, 1e-8, 3.4e38], from)]);
          }
        } else {
          x = fullRangeInts(from, [120], 82);
        }
        compare(`astype ${from.name} -> ${to.name}`, (s) => mx.astype(x, to, s), 'exact');
      }
    }, LONG);
  }

  it('astype of views, large and empty arrays; complex falls back', () => {
    compare('astype transposed', (s) => mx.astype(t(randomArray(float32, [33, 17], 83)), float16, s), 'exact');
    compare('astype broadcast', (s) => mx.astype(mx.broadcastTo(randomArray(int32, [17], 84), [5, 17]), float32, s), 'exact');
    compare('astype large', (s) => mx.astype(randomArray(float32, [1 << 20], 85), bfloat16, s), 'exact');
    compare('astype empty', (s) => mx.astype(mx.zeros([0, 2], float32), int32, s), 'exact');
    compare('astype complex falls back', (s) => mx.astype(randomArray(float32, [9], 86), mx.complex64, s), 'exact');
  }, LONG);

  it('copy and full', () => {
    for (const d of [float32, uint8, float16, int64, bool_]) {
      const x = randomArray(d, [6, 7], 91);
      compare(`copy ${d.name}`, (s) => mx.stream(s, () => mx.array(x)), 'exact');
      compare(`copy ${d.name} transposed`, (s) => mx.stream(s, () => mx.array(t(x))), 'exact');
      compare(`full ${d.name} scalar`, (s) => mx.full([3, 4], 1, d, s), 'exact');
      compare(`full ${d.name} row`, (s) => mx.full([5, 7], randomArray(d, [7], 92), d, s), 'exact');
      compare(`full ${d.name} column`, (s) => mx.full([7, 5], mx.reshape(randomArray(d, [7], 93), [7, 1]), d, s), 'exact');
      compare(`zeros ${d.name}`, (s) => mx.zeros([2, 3, 4], d, s), 'exact');
      compare(`ones ${d.name}`, (s) => mx.ones([1 << 20], d, s), 'exact');
      compare(`full ${d.name} empty`, (s) => mx.full([0, 4], 3, d, s), 'exact');
    }
  }, LONG);

  // ---- reductions ----

  const REDUCE_AXES: (number[] | undefined)[] = [undefined, [0], [1], [2], [0, 1], [0, 2], [1, 2], [-1]];

  function reduceTol(d: Dt, n: number): Tol {
    if (!mx.issubdtype(d, mx.floating)) return 'exact';
    const base = TOL[d.name];
    return { rtol: base.rtol * 4, atol: base.atol * 4 * Math.sqrt(n) + (d === float32 ? 1e-6 * n : 0) };
  }

  for (const d of [float32, float16, bfloat16, float64, int32, uint8, int8, int64, uint32, bool_]) {
    it(`sum, prod, max, min, mean, all, any of ${d.name}: axes, keepdims`, () => {
      const x = randomArray(d, [7, 33, 65], 101, -2, 2);
      const near1 = mx.issubdtype(d, mx.floating) ? randomArray(d, [7, 33, 65], 102, 0.97, 1.03) : randomArray(d, [7, 33, 65], 102, -1, 1);
      for (const axes of REDUCE_AXES) {
        for (const keep of [false, true]) {
          const lbl = `${d.name} axes ${JSON.stringify(axes)} keep ${keep}`;
          compare(`sum ${lbl}`, (s) => mx.sum(x, axes, keep, s), reduceTol(d, 7 * 33 * 65));
          compare(`max ${lbl}`, (s) => mx.max(x, axes, keep, s), 'exact');
          compare(`min ${lbl}`, (s) => mx.min(x, axes, keep, s), 'exact');
          compare(`all ${lbl}`, (s) => mx.all(x, axes, keep, s), 'exact');
          compare(`any ${lbl}`, (s) => mx.any(x, axes, keep, s), 'exact');
          compare(`mean ${lbl}`, (s) => mx.mean(x, axes, keep, s), (o) => reduceTol(o.dtype, 1));
          if (axes && axes.length === 1) {
            compare(`prod ${lbl}`, (s) => mx.prod(near1, axes, keep, s), mx.issubdtype(d, mx.floating) ? { rtol: TOL[d.name].rtol * 20, atol: TOL[d.name].atol * 20 } : 'exact');
          }
        }
      }
    }, LONG);
  }

  it('reductions of strided, large, empty and special inputs', () => {
    const x = randomArray(float32, [40, 50, 60], 111, -1, 1);
    const views: [string, A][] = [
      ['transpose', t(x, [2, 0, 1])],
      ['asStrided', mx.asStrided(x, [20, 25, 30], [3000, 120, 2], 7)],
      ['broadcast', mx.broadcastTo(randomArray(float32, [1, 50, 1], 112), [40, 50, 60])],
    ];
    for (const [v, a] of views) {
      for (const axes of REDUCE_AXES) {
        compare(`sum ${v} ${JSON.stringify(axes)}`, (s) => mx.sum(a, axes, false, s), reduceTol(float32, a.size));
        compare(`max ${v} ${JSON.stringify(axes)}`, (s) => mx.max(a, axes, false, s), 'exact');
        compare(`argmax ${v} ${JSON.stringify(axes)}`, (s) => mx.argmax(a, axes ? (axes[0] ?? null) : null, false, s), 'exact');
      }
    }
    // Large: whole array, rows, columns, few long columns, many short rows.
    const big = randomArray(float32, [1 << 20], 113, -1, 1);
    compare('sum 2^20 all', (s) => mx.sum(big, undefined, false, s), reduceTol(float32, 1 << 20));
    compare('max 2^20 all', (s) => mx.max(big, undefined, false, s), 'exact');
    compare('argmin 2^20 all', (s) => mx.argmin(big, null, false, s), 'exact');
    const sq = mx.reshape(big, [1024, 1024]);
    for (const ax of [0, 1]) {
      compare(`sum 1024^2 axis ${ax}`, (s) => mx.sum(sq, ax, false, s), reduceTol(float32, 1024));
      compare(`mean 1024^2 axis ${ax}`, (s) => mx.mean(sq, ax, false, s), reduceTol(float32, 1));
      compare(`argmax 1024^2 axis ${ax}`, (s) => mx.argmax(sq, ax, false, s), 'exact');
    }
    const tall = mx.reshape(big, [1 << 18, 4]);
    compare('sum 2^18x4 axis 0', (s) => mx.sum(tall, 0, false, s), reduceTol(float32, 1 << 18));
    compare('max 2^18x4 axis 0', (s) => mx.max(tall, 0, false, s), 'exact');
    compare('argmax 2^18x4 axis 0', (s) => mx.argmax(tall, 0, false, s), 'exact');
    compare('sum 2^18x4 axis 1', (s) => mx.sum(tall, 1, false, s), reduceTol(float32, 4));
    const wide = mx.reshape(big, [4, 1 << 18]);
    compare('sum 4x2^18 axis 1', (s) => mx.sum(wide, 1, false, s), reduceTol(float32, 1 << 18));
    compare('argmin 4x2^18 axis 1', (s) => mx.argmin(wide, 1, false, s), 'exact');
    compare('sum 2^20 int32', (s) => mx.sum(randomArray(int32, [1 << 20], 114, -1000, 1000), undefined, false, s), 'exact');
    compare('sum 2^20 uint8 wraps to uint32', (s) => mx.sum(randomArray(uint8, [1 << 20], 115, 0, 255), undefined, false, s), 'exact');
    compare('sum int32 wraps', (s) => mx.sum(fullRangeInts(int32, [5000], 116), undefined, false, s), 'exact');
    compare('sum int64 wraps', (s) => mx.sum(fullRangeInts(int64, [5000], 117), 0, false, s), 'exact');
    compare('prod int32 wraps', (s) => mx.prod(randomArray(int32, [300], 118, -9, 9), undefined, false, s), 'exact');
    compare('sum bool', (s) => mx.sum(mx.greater(big, mx.array(0, float32)), undefined, false, s), 'exact');
    compare('sum float16 2^20', (s) => mx.sum(mx.astype(big, float16), 0, false, s), { rtol: 1e-2, atol: 1 });
    // Empty: reduced over a size-0 axis (identities), and nothing to output.
    const e = mx.zeros([3, 0, 4], float32);
    compare('sum empty axis', (s) => mx.sum(e, 1, false, s), 'exact');
    compare('prod empty axis', (s) => mx.prod(e, 1, false, s), 'exact');
    compare('all empty axis', (s) => mx.all(e, 1, false, s), 'exact');
    compare('any empty axis', (s) => mx.any(e, 1, false, s), 'exact');
    compare('mean empty axis', (s) => mx.mean(e, 1, false, s), 'exact');
    compare('sum empty output', (s) => mx.sum(e, 0, false, s), 'exact');
    compare('max empty output', (s) => mx.max(e, 2, false, s), 'exact');
    compare('sum 0-d', (s) => mx.sum(mx.array(2.5, float32), undefined, false, s), 'exact');
    // NaN propagates through max/min; argmax prefers NaN, then the first index.
    const nan = mx.array([1, NaN, 3, 3, -Infinity, NaN, 2], float32);
    compare('max NaN', (s) => mx.max(nan, undefined, false, s), 'exact');
    compare('min NaN', (s) => mx.min(nan, undefined, false, s), 'exact');
    compare('argmax NaN', (s) => mx.argmax(nan, 0, false, s), 'exact');
    compare('argmin NaN', (s) => mx.argmin(nan, 0, false, s), 'exact');
    const ties = mx.array([3, 1, 3, 1, 2, 3], int32);
    compare('argmax ties', (s) => mx.argmax(ties, 0, false, s), 'exact');
    compare('argmin ties', (s) => mx.argmin(ties, 0, false, s), 'exact');
    const minusInf = mx.array([-Infinity, -Infinity], float32);
    compare('argmax all -inf', (s) => mx.argmax(minusInf, 0, false, s), 'exact');
    compare('all/any floats with NaN and -0', (s) => mx.stack([mx.all(mx.array([NaN, -0, 1], float32), undefined, false, s), mx.any(mx.array([-0, 0], float16), undefined, false, s)]), 'exact');
  }, LONG);

  it('argmax/argmin: dtypes, axes, keepdims, ties', () => {
    for (const d of [float32, float16, bfloat16, float64, int32, uint8, int64, int8, bool_]) {
      const x = randomArray(d, [5, 17, 9], 121, -3, 3); // small range: many ties
      for (const axis of [null, 0, 1, 2, -1]) {
        for (const keep of [false, true]) {
          compare(`argmax ${d.name} ${axis} ${keep}`, (s) => mx.argmax(x, axis, keep, s), 'exact');
          compare(`argmin ${d.name} ${axis} ${keep}`, (s) => mx.argmin(x, axis, keep, s), 'exact');
        }
      }
      compare(`argmax ${d.name} transposed`, (s) => mx.argmax(t(x), 1, false, s), 'exact');
    }
  }, LONG);

  it('logsumexp, var, std: dtypes, axes, ddof, special values, large', () => {
    for (const d of FLOATS) {
      const x = randomArray(d, [7, 33, 65], 125, -3, 3);
      const tol = (n: number): Tol => ({ rtol: TOL[d.name].rtol * 4, atol: TOL[d.name].atol * 4 * Math.sqrt(n) });
      for (const axes of REDUCE_AXES) {
        for (const keep of [false, true]) {
          const lbl = `${d.name} ${JSON.stringify(axes)} ${keep}`;
          compare(`logsumexp ${lbl}`, (s) => mx.logsumexp(x, axes, keep, s), tol(1));
          compare(`var ${lbl}`, (s) => mx.var(x, axes, keep, 0, s), tol(1));
          compare(`std ${lbl}`, (s) => mx.std(x, axes, keep, 1, s), tol(1));
        }
      }
      compare(`var ${d.name} ddof = n`, (s) => mx.var(x, 0, false, 7, s), 'exact');
      compare(`var ${d.name} ddof > n`, (s) => mx.var(x, 0, false, 9, s), 'exact');
      compare(`logsumexp ${d.name} transposed`, (s) => mx.logsumexp(t(x), 1, false, s), tol(1));
      const sp = mx.reshape(mx.array([1, 2, Infinity, -Infinity, -Infinity, NaN, 0, -1, -Infinity, -Infinity, 3, Infinity], d), [4, 3]);
      // Finite rows go through exp/log of CUDA's library: within the dtype's tolerance, not bit-exact.
      compare(`logsumexp ${d.name} specials`, (s) => mx.logsumexp(sp, 1, false, s), tol(1));
      compare(`var ${d.name} specials`, (s) => mx.var(sp, 1, false, 0, s), 'exact');
    }
    const big = randomArray(float32, [1 << 20], 126, -4, 4);
    compare('logsumexp 2^20', (s) => mx.logsumexp(big, undefined, false, s), { rtol: 1e-5, atol: 1e-5 });
    compare('var 2^20', (s) => mx.var(big, undefined, false, 0, s), { rtol: 1e-4, atol: 1e-5 });
    compare('std 1024^2 axis 0', (s) => mx.std(mx.reshape(big, [1024, 1024]), 0, false, 0, s), { rtol: 1e-4, atol: 1e-5 });
    compare('logsumexp int', (s) => mx.logsumexp(randomArray(int32, [40], 127), 0, false, s), TOL.float32);
    compare('var empty axis', (s) => mx.var(mx.zeros([3, 0]), 1, false, 0, s), 'exact');
  }, LONG);

  // ---- gathers ----

  it('take: axes, index dtypes, negative and out-of-range indices, views', () => {
    for (const d of [float32, int8, float16, int64, bool_]) {
      const a = randomArray(d, [6, 7, 8], 131);
      for (const id of [int32, int64, uint32, int8, uint8, int16]) {
        const raw = id === uint32 || id === uint8 ? [0, 3, 5, 200, 7, 1] : [0, -1, 3, -9, 100, 5, -100, 2];
        const idx = mx.array(raw, id);
        for (const axis of [0, 1, 2, -1]) {
          compare(`take ${d.name} idx ${id.name} axis ${axis}`, (s) => mx.take(a, idx, axis, s), 'exact');
        }
      }
      const idx2 = mx.reshape(mx.array([1, 0, 5, 2, -2, 3], int32), [2, 3]);
      compare(`take ${d.name} 2-d indices`, (s) => mx.take(a, idx2, 1, s), 'exact');
      compare(`take ${d.name} transposed indices`, (s) => mx.take(a, t(idx2), 2, s), 'exact');
      compare(`take ${d.name} transposed input`, (s) => mx.take(t(a, [2, 0, 1]), idx2, 1, s), 'exact');
      compare(`take ${d.name} strided input`, (s) => mx.take(mx.asStrided(a, [3, 4, 4], [112, 9, 2], 3), mx.array([3, 0, 2], int32), 2, s), 'exact');
      compare(`take ${d.name} scalar index`, (s) => mx.take(a, mx.array(4, int32), 1, s), 'exact');
      compare(`take ${d.name} empty indices`, (s) => mx.take(a, mx.zeros([0], int32), 0, s), 'exact');
      compare(`take ${d.name} flattened`, (s) => mx.take(a, mx.array([0, 17, 335, -1], int32), null, s), 'exact');
    }
    // An embedding lookup: 2^20 outputs.
    const table = randomArray(float32, [1000, 256], 132);
    const ids = randomArray(int32, [4096], 133, 0, 999);
    compare('take embedding', (s) => mx.take(table, ids, 0, s), 'exact');
  }, LONG);

  it('takeAlongAxis: broadcasting, index dtypes, views', () => {
    for (const d of [float32, uint16, float64]) {
      const a = randomArray(d, [5, 6, 7], 141);
      for (const axis of [0, 1, 2]) {
        const ishape = [5, 6, 7];
        ishape[axis] = 4;
        for (const id of [int32, int64, uint8]) {
          const idx = randomArray(id, ishape, 142 + axis, id === uint8 ? 0 : -8, 8);
          compare(`takeAlongAxis ${d.name} ${id.name} axis ${axis}`, (s) => mx.takeAlongAxis(a, idx, axis, s), 'exact');
        }
        // Index broadcast against a (size-1 dims) and a broadcast against the index.
        const bshape = [1, 1, 1];
        bshape[axis] = 3;
        const bidx = randomArray(int32, bshape, 150 + axis, -7, 7);
        compare(`takeAlongAxis ${d.name} broadcast index axis ${axis}`, (s) => mx.takeAlongAxis(a, bidx, axis, s), 'exact');
        const ashape = [5, 6, 7];
        ashape[(axis + 1) % 3] = 1;
        const small = randomArray(d, ashape, 160 + axis);
        const full = [5, 6, 7];
        full[axis] = 2;
        compare(`takeAlongAxis ${d.name} broadcast input axis ${axis}`, (s) => mx.takeAlongAxis(small, randomArray(int32, full, 170, 0, 4), axis, s), 'exact');
      }
      compare(`takeAlongAxis ${d.name} transposed`, (s) => mx.takeAlongAxis(t(a), t(randomArray(int32, [5, 6, 2], 180, 0, 6)), 1, s), 'exact');
      compare(`takeAlongAxis ${d.name} flattened`, (s) => mx.takeAlongAxis(a, mx.array([0, 209, -1, 5], int32), null, s), 'exact');
    }
    compare('takeAlongAxis argsort-like large', (s) => mx.takeAlongAxis(randomArray(float32, [1024, 1024], 190), randomArray(int32, [1024, 1024], 191, 0, 1023), 1, s), 'exact');
  }, LONG);

  // ---- creation ----

  it('arange: dtypes, negative and fractional steps (bit-exact)', () => {
    const cases: [number, number, number][] = [
      [0, 10, 1], [3, -7, -2], [0.5, 10.25, 0.75], [-1, 1, 0.1], [1, 100000, 3.7], [0, 0, 1], [0, 1 << 20, 1],
    ];
    for (const d of [float32, float16, bfloat16, float64, int32, int64, uint8, int16, uint32]) {
      for (const [a, b, st] of cases) {
        if (d === float16 && b > 60000) continue;
        if (!mx.issubdtype(d, mx.floating) && (mx.issubdtype(d, mx.unsignedinteger) && (a < 0 || b < 0))) continue;
        compare(`arange ${d.name} ${a} ${b} ${st}`, (s) => mx.arange(a, b, st, d, s), 'exact');
      }
    }
  }, LONG);

  // ---- random ----

  it('random bits, uniform and bernoulli: the same values as the CPU', () => {
    const key = mx.random.key(1234);
    for (const width of [4, 2, 1]) {
      for (const shape of [[], [1], [2], [3], [5], [7, 3], [2, 3, 5], [1 << 20], [0], [1001]]) {
        compare(`bits width ${width} ${JSON.stringify(shape)}`, (s) => mx.random.bits(shape, width, key, s), 'exact');
      }
    }
    compare('split', (s) => mx.random.split(key, 5, s), 'exact');
    const keys = mx.random.split(key, 3, CPU);
    compare('bits, a batch of keys (vmap)', (s) => mx.vmap((k: A) => mx.random.bits([3, 3], 2, k, s))(keys) as A, 'exact');
    compare('bits, strided key', (s) => mx.random.bits([9], 4, mx.asStrided(keys, [2], [3], 1), s), 'exact');
    for (const d of [float32, float16, bfloat16]) {
      compare(`uniform ${d.name}`, (s) => mx.random.uniform(0, 1, [1000], d, key, s), 'exact');
      compare(`uniform ${d.name} bounds`, (s) => mx.random.uniform(-3, 7.5, [33, 5], d, key, s), 'exact');
      const lo = mx.reshape(mx.array([-1, 0, 2], d), [3, 1]);
      const hi = mx.array([1, 2, 3, 4], d);
      compare(`uniform ${d.name} broadcast bounds`, (s) => mx.random.uniform(lo, hi, [3, 4], d, key, s), 'exact');
      compare(`uniform ${d.name} large`, (s) => mx.random.uniform(0, 1, [1 << 20], d, key, s), 'exact');
    }
    for (const pd of [float32, float16, bfloat16, float64]) {
      const p = mx.array([0, 0.1, 0.5, 0.9, 1, 1.5, -0.5], pd);
      compare(`bernoulli p ${pd.name}`, (s) => mx.random.bernoulli(p, [20, 7], key, s), 'exact');
    }
    compare('bernoulli scalar p large', (s) => mx.random.bernoulli(0.3, [1 << 20], key, s), 'exact');
    // normal: the CPU's sequence of rounded operations; the logarithm inside erfinv may
    // differ in its last bit between the math libraries.
    // float64 samples are computed in float32 arithmetic on both sides (then widened), so a
    // 1-ulp float32 difference in the logarithm shows at float32's tolerance.
    for (const d of FLOATS) {
      const base = d === float64 ? TOL.float32 : TOL[d.name];
      const tol = { rtol: base.rtol * 4, atol: base.atol * 4 };
      compare(`normal ${d.name}`, (s) => mx.random.normal([1000], d, undefined, undefined, key, s), tol);
      compare(`normal ${d.name} loc`, (s) => mx.random.normal([10, 3], d, 2.5, undefined, key, s), tol);
      compare(`normal ${d.name} scale`, (s) => mx.random.normal([10, 3], d, undefined, 0.25, key, s), tol);
      const loc = mx.reshape(mx.array([0, 1, -1], d), [1, 3]);
      const scale = mx.reshape(mx.array([1, 2, 3, 0.5], d), [4, 1]);
      compare(`normal ${d.name} loc and scale arrays`, (s) => mx.random.normal([4, 3], d, loc, scale, key, s), tol);
    }
    compare('normal large', (s) => mx.random.normal([1 << 20], float32, undefined, undefined, key, s), { rtol: 4e-5, atol: 4e-6 });
    compare('normal complex64 (CPU)', (s) => mx.random.normal([50], mx.complex64, undefined, undefined, key, s), TOL.float32);
    // randint runs on the CPU from GPU bits.
    compare('randint', (s) => mx.random.randint(-5, 17, [100], int32, key, s), 'exact');
  }, LONG);

  // ---- matmul ----

  function mmTol(d: Dt, k: number): Tol {
    const r = d === float32 ? 1e-5 : d === float64 ? 1e-12 : d === float16 ? 2e-3 : 1.6e-2;
    return { rtol: 8 * r, atol: 8 * r * Math.max(1, Math.sqrt(k)) };
  }

  it('matmul: shapes, batches, broadcasting, vectors, transposes (cuBLAS)', () => {
    for (const d of [float32, float16, bfloat16, float64]) {
      const a = randomArray(d, [33, 65], 201, -1, 1);
      const b = randomArray(d, [65, 17], 202, -1, 1);
      compare(`matmul ${d.name}`, (s) => mx.matmul(a, b, s), mmTol(d, 65));
      compare(`matmul ${d.name} a^T`, (s) => mx.matmul(t(randomArray(d, [65, 33], 203, -1, 1)), b, s), mmTol(d, 65));
      compare(`matmul ${d.name} b^T`, (s) => mx.matmul(a, t(randomArray(d, [17, 65], 204, -1, 1)), s), mmTol(d, 65));
      compare(`matmul ${d.name} both^T`, (s) => mx.matmul(t(randomArray(d, [65, 33], 205, -1, 1)), t(randomArray(d, [17, 65], 206, -1, 1)), s), mmTol(d, 65));
      compare(`matmul ${d.name} strided`, (s) => mx.matmul(mx.asStrided(randomArray(d, [40, 70], 207, -1, 1), [20, 30], [140, 2], 1), b.take(mx.arange(0, 30, 1, int32), 0), s), mmTol(d, 30));
      const ba = randomArray(d, [4, 9, 12], 208, -1, 1);
      const bb = randomArray(d, [4, 12, 7], 209, -1, 1);
      compare(`matmul ${d.name} batched`, (s) => mx.matmul(ba, bb, s), mmTol(d, 12));
      compare(`matmul ${d.name} batch broadcast b`, (s) => mx.matmul(ba, randomArray(d, [12, 7], 210, -1, 1), s), mmTol(d, 12));
      compare(`matmul ${d.name} batch broadcast a`, (s) => mx.matmul(randomArray(d, [9, 12], 211, -1, 1), bb, s), mmTol(d, 12));
      compare(`matmul ${d.name} 2x1 by 3 batches`, (s) => mx.matmul(randomArray(d, [2, 1, 5, 6], 212, -1, 1), randomArray(d, [3, 6, 4], 213, -1, 1), s), mmTol(d, 6));
      compare(`matmul ${d.name} transposed batch`, (s) => mx.matmul(t(ba, [0, 2, 1]), t(randomArray(d, [4, 9, 5], 214, -1, 1), [0, 1, 2]), s), mmTol(d, 9));
      compare(`matmul ${d.name} vec @ mat`, (s) => mx.matmul(randomArray(d, [65], 215, -1, 1), b, s), mmTol(d, 65));
      compare(`matmul ${d.name} mat @ vec`, (s) => mx.matmul(a, randomArray(d, [65], 216, -1, 1), s), mmTol(d, 65));
      compare(`matmul ${d.name} vec @ vec`, (s) => mx.matmul(randomArray(d, [65], 217, -1, 1), randomArray(d, [65], 218, -1, 1), s), mmTol(d, 65));
      compare(`matmul ${d.name} strided vec`, (s) => mx.matmul(a, mx.asStrided(randomArray(d, [130], 219, -1, 1), [65], [2], 0), s), mmTol(d, 65));
      compare(`matmul ${d.name} K=0`, (s) => mx.matmul(mx.zeros([3, 0], d), mx.zeros([0, 4], d), s), 'exact');
      compare(`matmul ${d.name} M=0`, (s) => mx.matmul(mx.zeros([0, 5], d), randomArray(d, [5, 4], 220), s), 'exact');
      compare(`addmm ${d.name}`, (s) => mx.addmm(randomArray(d, [17], 221, -1, 1), a, b, 0.5, 2, s), mmTol(d, 65));
      compare(`addmm ${d.name} beta 0`, (s) => mx.addmm(randomArray(d, [33, 17], 222, -1, 1), a, b, 1.5, 0, s), mmTol(d, 65));
      compare(`addmm ${d.name} batched`, (s) => mx.addmm(randomArray(d, [9, 1], 223, -1, 1), ba, bb, 1, 1, s), mmTol(d, 12));
    }
    const big = randomArray(float32, [512, 1024], 230, -1, 1);
    compare('matmul float32 512x1024x512', (s) => mx.matmul(big, t(big), s), mmTol(float32, 1024));
    compare('matmul int32 falls back', (s) => mx.matmul(randomArray(int32, [5, 6], 231), randomArray(int32, [6, 3], 232), s), 'exact');
  }, LONG);

  // ---- chains, fallbacks, repeated calls ----

  it('chains of GPU ops, and ops that run on the CPU from mx.gpu', () => {
    const x = randomArray(float32, [64, 128], 301, -2, 2);
    const chain = (s: mx.Device) => {
      const y = mx.exp(mx.multiply(x, mx.array(0.5, float32), s), s);
      const z = mx.add(y, mx.reshape(mx.sum(y, 1, false, s), [64, 1]), s);
      return mx.divide(mx.matmul(z, t(z), s), mx.array(100, float32), s);
    };
    compare('exp -> sum -> add -> matmul chain', chain, { rtol: 1e-4, atol: 1e-3 });
    const softmax = (s: mx.Device) => {
      const e = mx.exp(mx.subtract(x, mx.max(x, -1, true, s), s), s);
      return mx.divide(e, mx.sum(e, -1, true, s), s);
    };
    compare('softmax', softmax, TOL.float32);
    compare('logsumexp', (s) => mx.logsumexp(x, 1, false, s), TOL.float32);
    compare('var', (s) => mx.var(x, 0, false, 1, s), TOL.float32);
    compare('std', (s) => mx.std(x, undefined, false, 0, s), TOL.float32);
    const c = mx.astype(x, mx.complex64);
    compare('complex exp (CPU)', (s) => mx.exp(c, s), { rtol: 1e-5, atol: 1e-5 });
    compare('complex add (CPU)', (s) => mx.add(c, c, s), 'exact');
    compare('reshape + transpose + concatenate', (s) => mx.concatenate([mx.reshape(mx.exp(x, s), [128, 64], s), t(x, [1, 0])], 0, s), TOL.float32);
    // Gradient of take: a scatter-add that runs on the CPU.
    const table = randomArray(float32, [10, 4], 302);
    const ids = mx.array([1, 3, 1, 9], int32);
    compare('grad of take (scatter-add)', (s) => mx.grad((w: A) => mx.sum(mx.take(w, ids, 0, s), undefined, false, s))(table) as A, 'exact');
  }, LONG);

  it('dense elementwise in 16-byte packs: tails, unaligned views, broadcast scalars, where', () => {
    for (const d of [float32, float16, int8, int64, float64, bool_]) {
      for (const n of [1, 7, 16, 1029, 4099]) {
        const a = randomArray(d, [n + 1], 401 + n);
        const b = randomArray(d, [n + 1], 402 + n);
        const head = (x: A) => mx.asStrided(x, [n], [1], 0);
        const shifted = (x: A) => mx.asStrided(x, [n], [1], 1); // not 16-byte aligned
        const k = d === bool_ ? mx.array(true, d) : mx.array(3, d);
        compare(`${d.name}[${n}] maximum`, (s) => mx.maximum(head(a), head(b), s), 'exact');
        compare(`${d.name}[${n}] maximum, one operand unaligned`, (s) => mx.maximum(head(a), shifted(b), s), 'exact');
        compare(`${d.name}[${n}] maximum with a broadcast scalar`, (s) => mx.maximum(head(a), k, s), 'exact');
        compare(`${d.name}[${n}] less (bool out)`, (s) => mx.less(head(a), shifted(b), s), 'exact');
        compare(`${d.name}[${n}] where`, (s) => mx.where(mx.less(head(a), head(b), s), head(a), shifted(b), s), 'exact');
        compare(`${d.name}[${n}] astype float32`, (s) => mx.astype(head(a), float32, s), 'exact');
      }
    }
  }, LONG);

  it('views on the GPU: transpose, broadcast, squeeze, expandDims, slice, split, reshape (view or copy), asStrided', () => {
    for (const name of ['Transpose', 'Broadcast', 'Squeeze', 'ExpandDims', 'Slice', 'Split', 'Reshape', 'Flatten', 'AsStrided']) {
      expect(mx.cuda.gpuOps()).toContain(name);
    }
    for (const d of [float32, int64, float16, bool_]) {
      const x = randomArray(d, [6, 1, 10], 601);
      compare(`${d.name} transpose`, (s) => mx.transpose(x, [2, 1, 0], s), 'exact');
      compare(`${d.name} transpose then abs`, (s) => mx.abs(mx.transpose(x, [2, 0, 1], s), s), 'exact');
      compare(`${d.name} broadcastTo`, (s) => mx.broadcastTo(mx.reshape(x, [1, 6, 1, 10], s), [3, 6, 4, 10], s), 'exact');
      compare(`${d.name} squeeze + expandDims`, (s) => mx.expandDims(mx.squeeze(x, 1, s), [0, 3], s), 'exact');
      compare(`${d.name} index with steps`, (s) => mx.stream(s, () => x.index('1::2', '...', '9::-3')), 'exact');
      compare(`${d.name} dynamic slice`, (s) => mx.slice(x, mx.array([2], int32), [2], [6, 1, 4], s), 'exact');
      compare(`${d.name} split`, (s) => mx.split(x, [2, 5], 2, s)[1], 'exact');
      compare(`${d.name} reshape of a transpose (a device copy)`, (s) => mx.reshape(mx.transpose(x, [2, 0, 1], s), [60], s), 'exact');
      compare(`${d.name} flatten`, (s) => mx.flatten(x, 0, -1, s), 'exact');
      compare(`${d.name} asStrided of a transpose`, (s) => mx.asStrided(mx.transpose(x, [2, 0, 1], s), [5, 4], [3, 1], 2, s), 'exact');
    }
  }, LONG);

  it('graphs across two GPU streams and the CPU: event dependencies, asyncEval, synchronize', async () => {
    const x = randomArray(float32, [1 << 22], 701, -1, 1);
    const s1 = mx.newStream(GPU);
    const s2 = mx.newStream(GPU);
    const chain = (a: A, s: mx.Stream | mx.Device, k: number) => {
      let y = a;
      for (let i = 0; i < k; ++i) y = mx.sin(mx.add(y, mx.array(0.25, float32), s), s);
      return y;
    };
    const want = (() => { const y = chain(chain(x, CPU, 6), CPU, 3); return mx.sum(mx.multiply(y, y, CPU), undefined, false, CPU); })();
    for (let r = 0; r < 3; ++r) {
      // s1 produces, s2 consumes on the device, the CPU reduces: one eval over three streams.
      const y1 = chain(x, s1, 6);
      const y2 = chain(y1, s2, 3);
      const total = mx.sum(mx.multiply(y2, y2, CPU), undefined, false, CPU);
      check(total, want, { rtol: 1e-4, atol: 1e-3 }, `three streams, round ${r}`);
    }
    // asyncEval on a GPU stream, then a read on the host (waits for the event).
    const z = chain(x, s1, 4);
    const pending = mx.asyncEval(z);
    check(mx.exp(z, s2), mx.exp(chain(x, CPU, 4), CPU), { rtol: 1e-5, atol: 1e-5 }, 'consumer on s2 while s1 runs');
    await pending;
    check(z, chain(x, CPU, 4), { rtol: 1e-5, atol: 1e-6 }, 'asyncEval result');
    // synchronize(stream) returns once the stream's device work is done.
    const w = chain(x, s2, 5);
    void mx.asyncEval(w);
    mx.synchronize(s2);
    check(w, chain(x, CPU, 5), { rtol: 1e-5, atol: 1e-6 }, 'after synchronize');
  }, LONG);

  it('mx.getActiveMemory counts device memory too', () => {
    const make = () => { const z = mx.zeros([1 << 20], float32, GPU); mx.eval(z); return z; };
    make().dispose(); // warm up (the fill value's device copy)
    const before = mx.getActiveMemory();
    const deviceBefore = mx.cuda.memoryStats().active;
    const z = make();
    expect(mx.cuda.memoryStats().active - deviceBefore).toBe(4 << 20);
    expect(mx.getActiveMemory() - before).toBe(4 << 20);
    z.dispose();
    expect(mx.getActiveMemory()).toBe(before);
  }, LONG);

  it('one eval mixing GPU ops, CPU fallbacks and freed intermediates waits for the device once, correctly', async () => {
    const x = randomArray(float32, [1 << 20], 501, -1, 1);
    const f = (s: mx.Device) => {
      let y = x;
      for (let i = 0; i < 8; ++i) {
        y = mx.exp(mx.multiply(y, mx.array(0.5, float32), s), s); // GPU kernels; earlier ys are freed meanwhile
        if (i === 3) y = mx.reshape(mx.tril(mx.reshape(y, [1024, 1024], s), 0, s), [1 << 20], s); // tril: a CPU fallback
      }
      return mx.sum(y, undefined, false, s);
    };
    compare('exp chain with a tril fallback', f, { rtol: 1e-4, atol: 1e-5 });
    // Another stream's worker running meanwhile does not see half-written buffers.
    const other = mx.newStream(GPU);
    const pending = mx.exp(x, other);
    const done = mx.asyncEval(pending);
    compare('while another GPU stream works', f, { rtol: 1e-4, atol: 1e-5 });
    await done;
    check(pending, mx.exp(x, CPU), TOL.float32, 'async stream result');
  }, LONG);

  it('repeated calls reuse the compiled kernels (and stay correct)', () => {
    const a = mx.array([1, 2, 3, 4], float32);
    const b = mx.array([10, 20, 30, 40], float32);
    const expected = mx.add(a, b, CPU);
    mx.eval(mx.add(a, b, GPU)); // compile
    const n = 200;
    const t0 = performance.now();
    for (let i = 0; i < n; ++i) {
      const r = mx.add(a, b, GPU);
      mx.eval(r);
      if (i % 50 === 0) check(r, expected, 'exact', `repeat ${i}`);
    }
    const us = ((performance.now() - t0) * 1000) / n;
    // Informative only: the design target is a few microseconds per small op.
    console.log(`[gpu.ops] small add + eval on the GPU: ${us.toFixed(1)} us per call`);
    expect(us).toBeLessThan(20_000);
  }, LONG);
});
