import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';

// Expected values made by test/fixtures/binary/make_fixtures.py (numpy, with
// MLX's dtype rules applied explicitly).
const here = path.dirname(fileURLToPath(import.meta.url));
type Enc = number | boolean | string;
interface Case {
  op: string;
  a_dtype: string;
  b_dtype: string;
  a: (number | boolean)[];
  b: (number | boolean)[];
  out_dtype: string;
  expected: Enc[];
}
interface BroadcastCase {
  op: string;
  a_shape: number[];
  b_shape: number[];
  a: number[];
  b: number[];
  out_shape: number[];
  expected: Enc[];
}
interface Fixtures {
  same_dtype: Case[];
  mixed: Case[];
  broadcast: BroadcastCase[];
  where: { cond: boolean[][]; x: number[]; y: number[][]; expected: number[][] };
  isclose: { rtol: number; atol: number; equal_nan: boolean; a: Enc[]; b: Enc[]; expected: boolean[] }[];
}
const fx = JSON.parse(readFileSync(path.join(here, 'fixtures/binary/binary.json'), 'utf8')) as Fixtures;

const DT: Record<string, mx.Dtype> = {
  bool: mx.bool_, uint8: mx.uint8, uint16: mx.uint16, uint32: mx.uint32, uint64: mx.uint64,
  int8: mx.int8, int16: mx.int16, int32: mx.int32, int64: mx.int64, float16: mx.float16,
  bfloat16: mx.bfloat16, float32: mx.float32, float64: mx.float64,
};

type BinFn = (a: mx.ArrayLike, b: mx.ArrayLike) => mx.MxArray;
const OPS: Record<string, BinFn> = {
  add: mx.add, subtract: mx.subtract, multiply: mx.multiply, divide: mx.divide,
  floor_divide: mx.floorDivide, remainder: mx.remainder, power: mx.power, maximum: mx.maximum,
  minimum: mx.minimum, arctan2: mx.arctan2, logaddexp: mx.logaddexp, equal: mx.equal,
  not_equal: mx.notEqual, less: mx.less, less_equal: mx.lessEqual, greater: mx.greater,
  greater_equal: mx.greaterEqual, logical_and: mx.logicalAnd, logical_or: mx.logicalOr,
  bitwise_and: mx.bitwiseAnd, bitwise_or: mx.bitwiseOr, bitwise_xor: mx.bitwiseXor,
  left_shift: mx.leftShift, right_shift: mx.rightShift,
};

function decode(v: Enc): number | boolean | string {
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v;
}

/** Row-major values; 64-bit integers as decimal strings (exact). */
function flat(a: mx.MxArray): (number | boolean | string)[] {
  if (a.dtype === mx.int64 || a.dtype === mx.uint64) {
    return Array.from(a.toTypedArray() as BigInt64Array, (v) => v.toString());
  }
  if (a.dtype === mx.bool_) return Array.from(a.toTypedArray() as Uint8Array, (v) => v !== 0);
  return Array.from(a.toTypedArray() as Float32Array);
}

/** Compares element by element: NaN matches NaN, -0 matches 0, floats within rtol. */
function expectValues(actual: (number | boolean | string)[], expected: Enc[], rtol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  expected.forEach((e0, i) => {
    const e = decode(e0);
    const g = actual[i];
    const where = `${what} [${i}]: got ${String(g)}, expected ${String(e)}`;
    if (typeof e === 'number' && typeof g === 'number') {
      if (Number.isNaN(e)) {
        expect(Number.isNaN(g), where).toBe(true);
      } else if (!Number.isFinite(e) || rtol === 0) {
        expect(g === e, where).toBe(true);
      } else {
        expect(Math.abs(g - e) <= rtol * Math.abs(e) + 1e-300, where).toBe(true);
      }
    } else {
      expect(g, where).toEqual(e);
    }
  });
}

const TRANSCENDENTAL = new Set(['power', 'arctan2', 'logaddexp']);
function tolerance(op: string, dtype: string): number {
  if (!TRANSCENDENTAL.has(op)) return 0; // +, -, *, /, floor, fmod, max, min are exact
  return { float16: 1e-3, bfloat16: 8e-3, float32: 1e-6, float64: 1e-12 }[dtype] ?? 0;
}

function runCase(c: Case): void {
  const a = mx.array(c.a, DT[c.a_dtype]);
  const b = mx.array(c.b, DT[c.b_dtype]);
  const out = OPS[c.op](a, b);
  const what = `${c.op}(${c.a_dtype}, ${c.b_dtype})`;
  expect(out.dtype.name, what).toBe(c.out_dtype);
  expect(out.shape, what).toEqual([c.a.length]);
  expectValues(flat(out), c.expected, tolerance(c.op, c.out_dtype), what);
}

describe('values against numpy, every dtype', () => {
  const ops = [...new Set(fx.same_dtype.map((c) => c.op))];
  it.each(ops)('%s', (op) => {
    const cases = fx.same_dtype.filter((c) => c.op === op);
    expect(cases.length).toBeGreaterThanOrEqual(8);
    for (const c of cases) runCase(c);
  });

  it('mixed dtype pairs (promotion and values)', () => {
    expect(fx.mixed.length).toBeGreaterThan(50);
    for (const c of fx.mixed) runCase(c);
  });
});

describe('dtype promotion', () => {
  const z = (d: mx.Dtype) => mx.zeros([2], d);
  it('follows MLX promotion spot checks', () => {
    expect(mx.add(z(mx.uint8), z(mx.int8)).dtype).toBe(mx.int16);
    expect(mx.add(z(mx.int32), z(mx.float16)).dtype).toBe(mx.float16);
    expect(mx.add(z(mx.float16), z(mx.bfloat16)).dtype).toBe(mx.float32);
    expect(mx.add(z(mx.uint64), z(mx.int32)).dtype).toBe(mx.float32);
    expect(mx.add(z(mx.uint32), z(mx.int8)).dtype).toBe(mx.int64);
    expect(mx.add(z(mx.bool_), z(mx.bool_)).dtype).toBe(mx.bool_);
    expect(mx.multiply(z(mx.bfloat16), z(mx.int64)).dtype).toBe(mx.bfloat16);
    expect(mx.subtract(z(mx.float32), z(mx.float64)).dtype).toBe(mx.float64);
  });

  it('true division, arctan2 and logaddexp of integers give float32', () => {
    expect(mx.divide(z(mx.int32), z(mx.int32)).dtype).toBe(mx.float32);
    expect(mx.divide(z(mx.bool_), z(mx.uint8)).dtype).toBe(mx.float32);
    expect(mx.divide(z(mx.float16), z(mx.int32)).dtype).toBe(mx.float16);
    expect(mx.arctan2(z(mx.int8), z(mx.int8)).dtype).toBe(mx.float32);
    expect(mx.logaddexp(z(mx.int64), z(mx.int64)).dtype).toBe(mx.float32);
    expect(mx.divide(mx.array([7, -7]), mx.array([2, 2])).tolist()).toEqual([3.5, -3.5]);
  });

  it('integer floor_divide, remainder and power stay integer', () => {
    expect(mx.floorDivide(z(mx.int16), z(mx.int16)).dtype).toBe(mx.int16);
    expect(mx.remainder(z(mx.uint32), z(mx.uint32)).dtype).toBe(mx.uint32);
    expect(mx.power(z(mx.int32), z(mx.int32)).dtype).toBe(mx.int32);
    expect(mx.power(mx.array([2, 3, -2]), mx.array([10, 3, 3])).tolist()).toEqual([1024, 27, -8]);
  });

  it('comparisons and logical ops give bool; shifts of bools give uint8', () => {
    for (const f of [mx.equal, mx.notEqual, mx.less, mx.lessEqual, mx.greater, mx.greaterEqual, mx.logicalAnd, mx.logicalOr]) {
      expect(f(z(mx.float16), z(mx.int32)).dtype).toBe(mx.bool_);
    }
    expect(mx.leftShift(mx.array([true, false]), mx.array([true, true])).dtype).toBe(mx.uint8);
    expect(mx.leftShift(mx.array([true, false]), mx.array([true, true])).tolist()).toEqual([2, 0]);
    expect(mx.bitwiseAnd(mx.array([true, true]), mx.array([true, false])).dtype).toBe(mx.bool_);
  });
});

describe('weak scalars', () => {
  it('a JS number takes the array dtype', () => {
    const h = mx.array([1.5, 2.5], mx.float16);
    const r = mx.multiply(h, 2.5);
    expect(r.dtype).toBe(mx.float16);
    expect(r.tolist()).toEqual([3.75, 6.25]);
    expect(mx.subtract(2.5, h).dtype).toBe(mx.float16);
    expect(mx.subtract(2.5, h).tolist()).toEqual([1, 0]);
    expect(mx.add(mx.array([1, 2], mx.bfloat16), 1).dtype).toBe(mx.bfloat16);
    expect(mx.add(mx.array([1, 2], mx.uint8), 3).dtype).toBe(mx.uint8);
    expect(mx.add(mx.array([1, 2], mx.int64), 3).dtype).toBe(mx.int64);
  });

  it('a fractional number with an integer array gives float32', () => {
    const r = mx.add(mx.array([1, 2], mx.int32), 2.5);
    expect(r.dtype).toBe(mx.float32);
    expect(r.tolist()).toEqual([3.5, 4.5]);
    expect(mx.add(mx.array([1, 2], mx.int32), 2).dtype).toBe(mx.int32);
  });

  it('bools and scalars with bool arrays', () => {
    expect(mx.add(mx.array([true, false]), 1).dtype).toBe(mx.int32);
    expect(mx.add(mx.array([true, false]), 1).tolist()).toEqual([2, 1]);
    expect(mx.logicalOr(mx.array([true, false]), false).tolist()).toEqual([true, false]);
    expect(mx.multiply(mx.array([true, false]), 0.5).dtype).toBe(mx.float32);
  });

  it('two JS scalars behave like 0-d arrays', () => {
    const r = mx.add(1, 2);
    expect(r.shape).toEqual([]);
    expect(r.dtype).toBe(mx.int32);
    expect(r.item()).toBe(3);
    expect(mx.divide(1, 4).item()).toBe(0.25);
    expect(mx.less(1, 2.5).item()).toBe(true);
  });

  it('rejects values that are not arrays or scalars', () => {
    expect(() => mx.add('x' as unknown as number, 1)).toThrow(/^\[add\] Expected an array or a scalar/);
    expect(() => mx.maximum(mx.array([1]), [1, 2] as unknown as number)).toThrow(/^\[maximum\] Expected an array or a scalar/);
  });
});

describe('broadcasting', () => {
  it.each(fx.broadcast.map((c) => [`${c.op} (${c.a_shape}) with (${c.b_shape})`, c] as const))('%s', (_name, c) => {
    const a = mx.array(c.a, mx.float32);
    const b = mx.array(c.b, mx.float32);
    const ar = mx.asStrided(a, c.a_shape);
    const br = mx.asStrided(b, c.b_shape);
    const out = OPS[c.op](ar, br);
    expect(out.shape).toEqual(c.out_shape);
    expectValues(flat(out), c.expected, 0, c.op);
    // Broadcasting is symmetric for add/multiply/maximum.
    if (c.op === 'add' || c.op === 'multiply' || c.op === 'maximum') {
      expectValues(flat(OPS[c.op](br, ar)), c.expected, 0, `${c.op} swapped`);
    }
  });

  it('reports shapes that do not broadcast, naming the op', () => {
    const a = mx.zeros([2, 3]);
    const b = mx.zeros([4]);
    expect(() => mx.add(a, b)).toThrow('[add] Shapes (2, 3) and (4,) cannot be broadcast.');
    expect(() => mx.less(a, b)).toThrow(/^\[less\] Shapes \(2, 3\) and \(4,\) cannot be broadcast/);
    expect(() => mx.divmod(a, b)).toThrow(/^\[divmod\] Shapes/);
    expect(() => mx.where(mx.zeros([4], mx.bool_), a, a)).toThrow(/^\[where\] Shapes/);
    expect(() => mx.isclose(a, b)).toThrow(/^\[isclose\] Shapes/);
    expect(() => mx.allclose(a, b)).toThrow(/^\[allclose\] Shapes/);
    expect(() => mx.clip(a, b, null)).toThrow(/^\[clip\] Shapes/);
  });
});

// Strided views made with asStrided; expectations computed here from the
// views' own values (tolist), independent of the kernels under test.
describe('non-contiguous inputs', () => {
  const arange = (n: number, dtype: mx.Dtype = mx.float32) =>
    mx.array(Array.from({ length: n }, (_, i) => i), dtype);
  const values2d = (a: mx.MxArray) => a.tolist() as number[][];
  const zip2d = (x: number[][], y: number[][], f: (p: number, q: number) => number) =>
    x.map((row, i) => row.map((v, j) => f(v, y[i][j])));

  it('transposed with row-major', () => {
    const base = arange(6);
    const t = mx.asStrided(base, [3, 2], [1, 3]); // transpose of a 2x3
    const r = mx.asStrided(arange(6), [3, 2], [2, 1]);
    const out = mx.subtract(t, r);
    expect(out.tolist()).toEqual(zip2d(values2d(t), values2d(r), (p, q) => p - q));
    expect(out.tolist()).toEqual([[0, 2], [-1, 1], [-2, 0]]);
  });

  it('two transposes keep their layout and values', () => {
    const a = mx.asStrided(arange(12), [4, 3], [1, 4]);
    const b = mx.asStrided(mx.multiply(arange(12), 10), [4, 3], [1, 4]);
    const out = mx.add(a, b);
    expect(out.tolist()).toEqual(zip2d(values2d(a), values2d(b), (p, q) => p + q));
    // The result is usable as input of a further op (layout flags correct).
    expect(mx.add(out, mx.zeros([4, 3])).tolist()).toEqual(out.tolist());
  });

  it('zero strides, offsets and inner strides', () => {
    const base = arange(20);
    const bcast = mx.asStrided(base, [3, 4], [0, 1], 2); // rows repeat [2,3,4,5]
    const every2 = mx.asStrided(base, [3, 4], [6, 2], 1); // odd elements
    const out = mx.multiply(bcast, every2);
    expect(out.tolist()).toEqual(zip2d(values2d(bcast), values2d(every2), (p, q) => p * q));
    const col = mx.asStrided(base, [3, 1], [5, 0], 3); // a column vector from a view
    expect(mx.add(col, every2).tolist()).toEqual(
      values2d(every2).map((row, i) => row.map((v) => v + [3, 8, 13][i])),
    );
  });

  it('a broadcast scalar view of many elements', () => {
    const s = mx.asStrided(mx.array([7], mx.int32), [2, 3], [0, 0]);
    expect(mx.add(s, mx.array([[1, 2, 3], [4, 5, 6]])).tolist()).toEqual([[8, 9, 10], [11, 12, 13]]);
    expect(mx.equal(s, s).tolist()).toEqual([[true, true, true], [true, true, true]]);
  });

  it('large strided and broadcast inputs (threaded paths)', () => {
    const rows = 600, cols = 500;
    const base = arange(rows * cols);
    const t = mx.asStrided(base, [cols, rows], [1, cols]); // transpose
    const r = mx.asStrided(arange(rows * cols), [cols, rows], [rows, 1]);
    const out = mx.add(t, r);
    const tv = t.toTypedArray() as Float32Array;
    const rv = r.toTypedArray() as Float32Array;
    const ov = out.toTypedArray() as Float32Array;
    let bad = 0;
    for (let i = 0; i < ov.length; ++i) if (ov[i] !== tv[i] + rv[i]) ++bad;
    expect(bad).toBe(0);
    // (N, 1) with (1, M): every output row walks a broadcast operand.
    const colv = mx.asStrided(arange(rows), [rows, 1], [1, 0]);
    const rowv = mx.asStrided(arange(cols), [1, cols], [0, 1]);
    const outer = mx.multiply(colv, rowv).toTypedArray() as Float32Array;
    let bad2 = 0;
    for (let i = 0; i < rows; ++i) for (let j = 0; j < cols; ++j) if (outer[i * cols + j] !== i * j) ++bad2;
    expect(bad2).toBe(0);
    // One long strided row (split across threads inside the row).
    const n = 300000;
    const strided = mx.asStrided(arange(2 * n), [n], [2]);
    const sum = mx.add(strided, 1).toTypedArray() as Float32Array;
    expect(sum[0]).toBe(1);
    expect(sum[n - 1]).toBe(2 * (n - 1) + 1);
    expect(sum.every((v, i) => v === 2 * i + 1)).toBe(true);
  });

  it('batched transposes with ragged tile edges', () => {
    // (3, 130, 141) views whose last two dims are transposed: walked in tiles.
    const B = 3, R = 130, C = 141;
    const base = arange(B * R * C);
    const t = mx.asStrided(base, [B, R, C], [R * C, 1, R]);
    const bcast = mx.asStrided(arange(C), [B, R, C], [0, 0, 1]);
    const out = mx.subtract(t, bcast).toTypedArray() as Float32Array;
    let bad = 0;
    for (let b = 0; b < B; ++b) {
      for (let r = 0; r < R; ++r) {
        for (let c = 0; c < C; ++c) {
          const e = b * R * C + c * R + r - c;
          if (out[(b * R + r) * C + c] !== e) ++bad;
        }
      }
    }
    expect(bad).toBe(0);
    const [q, rem] = mx.divmod(t, 7);
    const qv = q.toTypedArray() as Float32Array;
    const rv = rem.toTypedArray() as Float32Array;
    const tv = t.toTypedArray() as Float32Array;
    expect(tv.every((v, i) => qv[i] === Math.floor(v / 7) && rv[i] === v % 7)).toBe(true);
  });

  it('large contiguous inputs and both scalar orders', () => {
    const n = 1 << 18;
    const a = arange(n);
    const s = mx.multiply(a, 2).toTypedArray() as Float32Array;
    expect(s.every((v, i) => v === 2 * i)).toBe(true);
    const s2 = mx.subtract(1, a).toTypedArray() as Float32Array;
    expect(s2.every((v, i) => v === 1 - i)).toBe(true);
    const g = mx.greater(a, mx.array(1000, mx.float32)).toTypedArray() as Uint8Array;
    expect(g.every((v, i) => v === (i > 1000 ? 1 : 0))).toBe(true);
    const odd = mx.equal(mx.remainder(a, 3), 1);
    const w = mx.where(odd, a, mx.multiply(a, -1)).toTypedArray() as Float32Array;
    expect(w.every((v, i) => v === (i % 3 === 1 ? i : -i))).toBe(true);
  });
});

describe('integer division and remainder', () => {
  it('floor division rounds toward -inf (Python rule)', () => {
    const a = mx.array([-7, 7, -7, 7, 6, -6]);
    const b = mx.array([2, 2, -2, -2, 3, 3]);
    expect(mx.floorDivide(a, b).tolist()).toEqual([-4, 3, 3, -4, 2, -2]);
    expect(mx.floorDivide(mx.array([-7, 7], mx.int8), mx.array([2, -2], mx.int8)).tolist()).toEqual([-4, -4]);
    expect(mx.floorDivide(mx.array([7, 200], mx.uint8), mx.array([2, 3], mx.uint8)).tolist()).toEqual([3, 66]);
  });

  it('remainder takes the sign of the divisor', () => {
    const a = mx.array([-7, 7, -7, 7, 6, -6]);
    const b = mx.array([3, 3, -3, -3, 3, 3]);
    expect(mx.remainder(a, b).tolist()).toEqual([2, 1, -1, -2, 0, 0]);
    expect(mx.remainder(mx.array([-7.5, 7.5, -7.5], mx.float32), mx.array([2, -2, -2], mx.float32)).tolist()).toEqual([0.5, -0.5, -1.5]);
    expect(mx.remainder(mx.array([-7.5, 7.5], mx.float16), 2).tolist()).toEqual([0.5, 1.5]);
  });

  it('divmod returns [quotient, remainder] with the same rules', () => {
    const [q, r] = mx.divmod(mx.array([-7, 7, -7, 7]), mx.array([2, 2, -2, -2]));
    expect(q.tolist()).toEqual([-4, 3, 3, -4]);
    expect(r.tolist()).toEqual([1, 1, -1, -1]);
    expect(q.dtype).toBe(mx.int32);
    const [qf, rf] = mx.divmod(mx.array([-7.5, 7.5], mx.float32), 2);
    expect(qf.tolist()).toEqual([-4, 3]);
    expect(rf.tolist()).toEqual([0.5, 1.5]);
    // Broadcast and strided inputs.
    const [qb, rb] = mx.divmod(mx.asStrided(mx.array([10, 11, 12, 13, 14, 15]), [3, 2], [1, 3]), mx.array([4, -4]));
    expect(qb.tolist()).toEqual([[2, -4], [2, -4], [3, -4]]);
    expect(rb.tolist()).toEqual([[2, -3], [3, -2], [0, -1]]);
    expect(() => mx.divmod(mx.array([{ re: 1, im: 1 }]), 1)).toThrow(/^\[divmod\] Not supported for complex64/);
  });

  it('integer division by zero gives 0 and never crashes; MIN // -1 wraps', () => {
    expect(mx.floorDivide(mx.array([5, -5, 0]), 0).tolist()).toEqual([0, 0, 0]);
    expect(mx.remainder(mx.array([5, -5, 0]), 0).tolist()).toEqual([0, 0, 0]);
    expect(mx.floorDivide(mx.array([5], mx.uint64), mx.array([0], mx.uint64)).tolist()).toEqual([0]);
    const min = mx.array([-(2 ** 31)], mx.int32);
    expect(mx.floorDivide(min, -1).tolist()).toEqual([-(2 ** 31)]);
    expect(mx.remainder(min, -1).tolist()).toEqual([0]);
    const [q, r] = mx.divmod(mx.array([9, -9]), 0);
    expect([q.tolist(), r.tolist()]).toEqual([[0, 0], [0, 0]]);
  });

  it('floating point division by zero gives inf and nan', () => {
    const a = mx.array([1, -1, 0], mx.float32);
    expect(mx.divide(a, 0).tolist()).toEqual([Infinity, -Infinity, NaN]);
    expect(mx.divide(mx.array([1, -1, 0]), mx.array([0, 0, 0])).tolist()).toEqual([Infinity, -Infinity, NaN]);
    expect(mx.divide(mx.array([1, -1], mx.float16), 0).tolist()).toEqual([Infinity, -Infinity]);
    expect(mx.floorDivide(a, 0).tolist()).toEqual([Infinity, -Infinity, NaN]);
    const rem = mx.remainder(a, 0).tolist() as number[];
    expect(rem.every(Number.isNaN)).toBe(true);
    expect(mx.divide(mx.array([1], mx.float32), -0.0).item()).toBe(-Infinity);
  });
});

describe('power, maximum, minimum, arctan2, logaddexp details', () => {
  it('integer powers: negative exponents give 0 (MLX), 0 ** 0 is 1, overflow wraps', () => {
    expect(mx.power(mx.array([2, 1, -1, 0]), mx.array([-1, -2, -3, 0])).tolist()).toEqual([0, 0, 0, 1]);
    expect(mx.power(mx.array([3], mx.int8), mx.array([5], mx.int8)).tolist()).toEqual([-13]); // 243 wraps
    expect(mx.power(mx.array([2], mx.int64), 62).toTypedArray()).toEqual(new BigInt64Array([2n ** 62n]));
  });

  it('float powers keep the dtype', () => {
    expect(mx.power(mx.array([4, 9], mx.float16), 0.5).tolist()).toEqual([2, 3]);
    expect(mx.power(mx.array([4, 9], mx.float16), 0.5).dtype).toBe(mx.float16);
    expect(mx.power(mx.array([0], mx.float32), -1).tolist()).toEqual([Infinity]);
  });

  it('maximum and minimum propagate NaN from either side', () => {
    const a = mx.array([NaN, 1, 2, -Infinity], mx.float32);
    const b = mx.array([1, NaN, 3, 0], mx.float32);
    expect(mx.maximum(a, b).tolist()).toEqual([NaN, NaN, 3, 0]);
    expect(mx.minimum(a, b).tolist()).toEqual([NaN, NaN, 2, -Infinity]);
    expect(mx.maximum(mx.array([1, 5], mx.bfloat16), mx.array([3, NaN], mx.bfloat16)).tolist()).toEqual([3, NaN]);
  });

  it('arctan2 picks the quadrant', () => {
    const r = mx.arctan2(mx.array([1, 1, -1, -1, 0], mx.float32), mx.array([1, -1, -1, 1, -1], mx.float32)).tolist() as number[];
    const e = [Math.PI / 4, (3 * Math.PI) / 4, (-3 * Math.PI) / 4, -Math.PI / 4, Math.PI];
    r.forEach((v, i) => expect(v).toBeCloseTo(e[i], 6));
  });

  it('logaddexp is stable for large and infinite inputs', () => {
    const r = mx.logaddexp(mx.array([1000, -Infinity, Infinity, 0], mx.float32), mx.array([1000, -Infinity, 5, -Infinity], mx.float32)).tolist() as number[];
    expect(r[0]).toBeCloseTo(1000 + Math.LN2, 3);
    expect(r.slice(1)).toEqual([-Infinity, Infinity, 0]);
  });

  it('complex arithmetic and comparisons', () => {
    const a = mx.array([{ re: 1, im: 2 }, { re: 3, im: -1 }]);
    const b = mx.array([{ re: 0.5, im: 1 }, { re: 3, im: -1 }]);
    expect(mx.add(a, b).tolist()).toEqual([{ re: 1.5, im: 3 }, { re: 6, im: -2 }]);
    expect(mx.multiply(a, b).tolist()).toEqual([{ re: -1.5, im: 2 }, { re: 8, im: -6 }]);
    expect(mx.equal(a, b).tolist()).toEqual([false, true]);
    expect(mx.divide(a, b).dtype).toBe(mx.complex64);
    expect(() => mx.floorDivide(a, b)).toThrow('[floor_divide] Not supported for complex64, got complex64 and complex64.');
    expect(() => mx.remainder(a, 1)).toThrow(/^\[remainder\] Not supported for complex64/);
    expect(() => mx.arctan2(a, b)).toThrow(/^\[arctan2\] Not supported for complex64/);
  });
});

describe('bitwise ops', () => {
  it('work on integers and bools', () => {
    const a = mx.array([12, -1, 5], mx.int16);
    const b = mx.array([10, 255, 3], mx.int16);
    expect(mx.bitwiseAnd(a, b).tolist()).toEqual([8, 255, 1]);
    expect(mx.bitwiseOr(a, b).tolist()).toEqual([14, -1, 7]);
    expect(mx.bitwiseXor(a, b).tolist()).toEqual([6, -256, 6]);
    expect(mx.bitwiseXor(mx.array([true, false]), true).tolist()).toEqual([false, true]);
  });

  it('shifts saturate past the bit width', () => {
    expect(mx.leftShift(mx.array([1, 1, 1]), mx.array([3, 31, 40])).tolist()).toEqual([8, -(2 ** 31), 0]);
    expect(mx.rightShift(mx.array([-8, 8, -8], mx.int8), mx.array([1, 9, 9], mx.int8)).tolist()).toEqual([-4, 0, -1]);
    expect(mx.leftShift(mx.array([1], mx.int32), -1).tolist()).toEqual([0]);
    expect(mx.rightShift(mx.array([200], mx.uint8), 3).tolist()).toEqual([25]);
  });

  it('are an error for floating point operands, naming the op', () => {
    const f = mx.array([1.5, 2]);
    const i = mx.array([1, 2]);
    expect(() => mx.bitwiseAnd(f, i)).toThrow('[bitwise_and] Only allowed on integer or boolean types but got types float32 and int32.');
    expect(() => mx.bitwiseOr(i, f)).toThrow(/^\[bitwise_or\] Only allowed on integer or boolean types but got types int32 and float32/);
    expect(() => mx.bitwiseXor(f, 1)).toThrow(/^\[bitwise_xor\] Only allowed on integer or boolean types/);
    expect(() => mx.leftShift(mx.array([1], mx.float16), i)).toThrow(/^\[left_shift\] Only allowed on integer or boolean types/);
    expect(() => mx.rightShift(i, 1.5)).toThrow(/^\[right_shift\] Only allowed on integer or boolean types/);
  });
});

describe('logical ops', () => {
  it('use the truth value of any dtype', () => {
    expect(mx.logicalAnd(mx.array([0, 2, 3]), mx.array([1, 0, 0.5])).tolist()).toEqual([false, false, true]);
    expect(mx.logicalOr(mx.array([0, 0, 3]), mx.array([0, 0.5, 0])).tolist()).toEqual([false, true, true]);
  });
});

describe('where', () => {
  it('broadcasts condition, x and y (numpy fixture)', () => {
    const w = fx.where;
    const out = mx.where(mx.array(w.cond), mx.array(w.x, mx.float32), mx.array(w.y, mx.float32));
    expect(out.shape).toEqual([3, 4]);
    expect(out.tolist()).toEqual(w.expected);
  });

  it('promotes x and y, casts the condition to bool, takes weak scalars', () => {
    const c = mx.array([1, 0, 2]);
    const r = mx.where(c, mx.array([1, 2, 3], mx.int32), mx.array([0.5, 0.5, 0.5], mx.float16));
    expect(r.dtype).toBe(mx.float16);
    expect(r.tolist()).toEqual([1, 0.5, 3]);
    const s = mx.where(mx.array([true, false]), 1, mx.array([2.5, 3.5], mx.bfloat16));
    expect(s.dtype).toBe(mx.bfloat16);
    expect(s.tolist()).toEqual([1, 3.5]);
    expect(mx.where(true, 1, 2).item()).toBe(1);
    expect(mx.where(mx.array([false, true]), 1.5, 2).dtype).toBe(mx.float32);
    const big = mx.where(mx.array([true, false]), mx.array([1, 2], mx.int64), mx.array([3, 4], mx.int64));
    expect(big.toTypedArray()).toEqual(new BigInt64Array([1n, 4n]));
    const u8 = mx.where(mx.array([true, false, true]), mx.array([1, 2, 255], mx.uint8), mx.array([9, 8, 7], mx.uint8));
    expect(u8.tolist()).toEqual([1, 8, 255]);
    const f64 = mx.where(mx.array([0, 1, 1]), mx.array([-0.5, NaN, -Infinity], mx.float64), mx.array([1e300, 2, 3], mx.float64));
    expect(f64.tolist()).toEqual([1e300, NaN, -Infinity]);
    const cplx = mx.where(mx.array([false, true]), mx.array([{ re: 1, im: 1 }, { re: 2, im: 2 }]), 0);
    expect(cplx.tolist()).toEqual([{ re: 0, im: 0 }, { re: 2, im: 2 }]);
  });

  it('handles strided operands', () => {
    const c = mx.asStrided(mx.array([true, false, false, true, true, false]), [3, 2], [1, 3]);
    const x = mx.asStrided(mx.array([1, 2, 3, 4, 5, 6]), [3, 2], [2, 1]);
    expect(mx.where(c, x, 0).tolist()).toEqual([[1, 2], [0, 4], [0, 0]]);
  });
});

describe('clip', () => {
  it('clips to both bounds or one', () => {
    const a = mx.array([-5, 0, 3, 9]);
    expect(mx.clip(a, 0, 5).tolist()).toEqual([0, 0, 3, 5]);
    expect(mx.clip(a, null, 2).tolist()).toEqual([-5, 0, 2, 2]);
    expect(mx.clip(a, 1, undefined).tolist()).toEqual([1, 1, 3, 9]);
    expect(mx.clip(a, 0, 5).dtype).toBe(mx.int32);
  });

  it('keeps a float16 array float16 with number bounds; array bounds broadcast', () => {
    const h = mx.array([-1.5, 0.25, 2.75], mx.float16);
    const r = mx.clip(h, -1, 2.5);
    expect(r.dtype).toBe(mx.float16);
    expect(r.tolist()).toEqual([-1, 0.25, 2.5]);
    const m = mx.clip(mx.array([[1, 5], [7, 2]]), mx.array([2, 3]), mx.array([[4], [6]]));
    expect(m.tolist()).toEqual([[2, 4], [6, 3]]);
    expect(mx.clip(mx.array([1, 2, 3]), 1.5, null).dtype).toBe(mx.float32);
  });

  it('needs at least one bound', () => {
    expect(() => mx.clip(mx.array([1]), null, null)).toThrow(
      '[clip] At least one of a_min and a_max must be given, got neither.',
    );
  });
});

describe('isclose, allclose, arrayEqual', () => {
  it.each(fx.isclose.map((c) => [`rtol=${c.rtol} atol=${c.atol} equalNan=${c.equal_nan}`, c] as const))(
    'isclose %s (numpy fixture)',
    (_n, c) => {
      const a = mx.array(c.a.map((v) => Number(decode(v))), mx.float64);
      const b = mx.array(c.b.map((v) => Number(decode(v))), mx.float64);
      const r = mx.isclose(a, b, c.rtol, c.atol, c.equal_nan);
      expect(r.dtype).toBe(mx.bool_);
      expect(r.tolist()).toEqual(c.expected);
      const all = mx.allclose(a, b, c.rtol, c.atol, c.equal_nan);
      expect(all.shape).toEqual([]);
      expect(all.item()).toBe(c.expected.every(Boolean));
    },
  );

  it('isclose broadcasts, takes integers and scalars', () => {
    expect(mx.isclose(mx.array([[1], [2]]), mx.array([1, 2, 3])).tolist()).toEqual([[true, false, false], [false, true, false]]);
    expect(mx.isclose(mx.array([1.0000001, 1.1], mx.float32), 1).tolist()).toEqual([true, false]);
    expect(mx.isclose(mx.array([100, 101], mx.float16), 100, 0, 0.5).tolist()).toEqual([true, false]);
  });

  it('allclose gives a 0-d bool', () => {
    const a = mx.array([1, 2, 3], mx.float32);
    const r = mx.allclose(a, mx.add(a, 1e-7));
    expect(r.shape).toEqual([]);
    expect(r.dtype).toBe(mx.bool_);
    expect(r.item()).toBe(true);
    expect(mx.allclose(a, mx.add(a, 1e-3)).item()).toBe(false);
    expect(mx.allclose(a, mx.add(a, 1e-3), 1e-2).item()).toBe(true);
    expect(mx.allclose(mx.array([NaN]), mx.array([NaN])).item()).toBe(false);
    expect(mx.allclose(mx.array([NaN]), mx.array([NaN]), 1e-5, 1e-8, true).item()).toBe(true);
    expect(mx.allclose(mx.zeros([0]), mx.zeros([0])).item()).toBe(true);
    expect(mx.allclose(mx.ones([2, 3]), mx.array(1)).item()).toBe(true);
  });

  it('arrayEqual compares shape and values, not dtype', () => {
    const a = mx.array([1, 2, 3]);
    const r = mx.arrayEqual(a, mx.array([1, 2, 3], mx.float32));
    expect(r.shape).toEqual([]);
    expect(r.dtype).toBe(mx.bool_);
    expect(r.item()).toBe(true);
    expect(mx.arrayEqual(a, mx.array([1, 2, 4])).item()).toBe(false);
    expect(mx.arrayEqual(a, mx.array([[1, 2, 3]])).item()).toBe(false); // different shapes: false, no error
    expect(mx.arrayEqual(a, mx.array([1, 2])).item()).toBe(false);
    expect(mx.arrayEqual(mx.array([1, NaN]), mx.array([1, NaN])).item()).toBe(false);
    expect(mx.arrayEqual(mx.array([1, NaN]), mx.array([1, NaN]), true).item()).toBe(true);
    expect(mx.arrayEqual(mx.asStrided(mx.array([1, 2, 3, 4]), [2, 2], [1, 2]), mx.array([[1, 3], [2, 4]])).item()).toBe(true);
    expect(mx.arrayEqual(mx.zeros([0]), mx.zeros([0])).item()).toBe(true);
  });
});

describe('array methods', () => {
  const a = mx.array([6, -7, 8]);
  it('mirror the ops', () => {
    expect(a.add(1).tolist()).toEqual([7, -6, 9]);
    expect(a.subtract(mx.array([1, 1, 1])).tolist()).toEqual([5, -8, 7]);
    expect(a.multiply(2).tolist()).toEqual([12, -14, 16]);
    expect(a.divide(4).tolist()).toEqual([1.5, -1.75, 2]);
    expect(a.floorDivide(4).tolist()).toEqual([1, -2, 2]);
    expect(a.remainder(4).tolist()).toEqual([2, 1, 0]);
    expect(a.power(2).tolist()).toEqual([36, 49, 64]);
    expect(a.equal(8).tolist()).toEqual([false, false, true]);
    expect(a.notEqual(8).tolist()).toEqual([true, true, false]);
    expect(a.less(0).tolist()).toEqual([false, true, false]);
    expect(a.lessEqual(6).tolist()).toEqual([true, true, false]);
    expect(a.greater(6).tolist()).toEqual([false, false, true]);
    expect(a.greaterEqual(6).tolist()).toEqual([true, false, true]);
    expect(a.maximum(0).tolist()).toEqual([6, 0, 8]);
    expect(a.minimum(0).tolist()).toEqual([0, -7, 0]);
  });
  it('keep the weak-scalar rule', () => {
    expect(mx.array([1, 2], mx.float16).multiply(2.5).dtype).toBe(mx.float16);
    expect(a.add(0.5).dtype).toBe(mx.float32);
  });
});

describe('buffer donation', () => {
  it('4*x + 2*y gives the right values and reuses a temporary buffer', () => {
    const n = 1 << 20; // 4 MiB per float32 array
    const x = mx.multiply(mx.ones([n]), 3);
    const y = mx.multiply(mx.ones([n]), 5);
    mx.eval(x, y);
    const fourX = mx.multiply(x, 4);
    const twoY = mx.multiply(y, 2);
    const r = mx.add(fourX, twoY);
    // Only the graph holds the temporaries now, so the add may take one over.
    fourX.dispose();
    twoY.dispose();
    const base = mx.getActiveMemory();
    mx.resetPeakMemory();
    mx.eval(r);
    const extra = mx.getPeakMemory() - base;
    const v = r.toTypedArray() as Float32Array;
    expect(v.every((e) => e === 22)).toBe(true);
    // Without donation the peak holds 4x, 2y and the sum (12 MiB+); with it, 8 MiB.
    expect(extra).toBeLessThan(10 * 2 ** 20);
    // Inputs still held from JS are never overwritten.
    expect((x.toTypedArray() as Float32Array)[0]).toBe(3);
    expect((y.toTypedArray() as Float32Array)[n - 1]).toBe(5);
  });

  it('divmod and where may take over both temporaries', () => {
    const x = mx.array([-7, 7, 9, -9], mx.int32);
    const t = mx.multiply(x, 1);
    const u = mx.add(mx.zeros([4], mx.int32), mx.array([2, -2, 4, 4]));
    const [q, r] = mx.divmod(t, u);
    t.dispose();
    u.dispose();
    mx.eval(q, r);
    expect(q.tolist()).toEqual([-4, -4, 2, -3]);
    expect(r.tolist()).toEqual([1, -1, 1, 3]);
    const c = mx.greater(x, 0);
    const w = mx.where(c, mx.multiply(x, 10), mx.multiply(x, -1));
    c.dispose();
    expect(w.tolist()).toEqual([7, 70, 90, 9]);
    expect(x.tolist()).toEqual([-7, 7, 9, -9]);
  });

  it('never donates an input that is still used', () => {
    const x = mx.array([1, 2, 3], mx.float32);
    const t = mx.multiply(x, 2);
    const u = mx.add(t, 1);
    const w = mx.multiply(t, 10); // t feeds two nodes
    t.dispose(); // only the two nodes hold t now
    mx.eval(u, w);
    expect(u.tolist()).toEqual([3, 5, 7]);
    expect(w.tolist()).toEqual([20, 40, 60]);
    expect(x.tolist()).toEqual([1, 2, 3]);
    const s = mx.multiply(x, 2);
    const d = mx.add(s, s); // the same input twice
    expect(d.tolist()).toEqual([4, 8, 12]);
    expect(s.tolist()).toEqual([2, 4, 6]);
  });
});
