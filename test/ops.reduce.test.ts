import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as mx from 'mlx-ts';

// ---- numpy fixture (test/fixtures/reduce/make_reduce.py) ----

type Raw = number | boolean | string | Raw[];
interface Input {
  group: string;
  dtype: string;
  base: Raw;
  view: [number[], number[], number] | null;
}
interface Case {
  input: number;
  op: string;
  axes: number | number[] | null;
  keepdims: boolean;
  out: string;
  expected: Raw;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/reduce/reduce.json', import.meta.url), 'utf8'),
) as { inputs: Input[]; cases: Case[] };

type Val = number | boolean | Val[];

function dtype(name: string): mx.Dtype {
  const d = mx.dtypes.find((t) => t.name === name);
  if (!d) throw new Error(`unknown dtype ${name}`);
  return d;
}

function decode(v: Raw): Val {
  if (Array.isArray(v)) return v.map(decode);
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v as number | boolean;
}

function shapeOf(v: Val): number[] {
  const s: number[] = [];
  let p: Val = v;
  while (Array.isArray(p)) {
    s.push(p.length);
    p = p[0];
  }
  return s;
}

function flat(v: unknown): (number | boolean)[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v as number | boolean];
}

function makeInput(inp: Input): mx.MxArray {
  const d = dtype(inp.dtype);
  const base = mx.array(decode(inp.base) as mx.NestedList, inp.dtype === 'bool' ? mx.bool_ : mx.float64).astype(d);
  return inp.view ? mx.asStrided(base, inp.view[0], inp.view[1], inp.view[2]) : base;
}

function apply(x: mx.MxArray, c: Case): mx.MxArray {
  const { axes, keepdims } = c;
  switch (c.op) {
    case 'sum': return mx.sum(x, axes, keepdims);
    case 'prod': return mx.prod(x, axes, keepdims);
    case 'max': return mx.max(x, axes, keepdims);
    case 'min': return mx.min(x, axes, keepdims);
    case 'mean': return mx.mean(x, axes, keepdims);
    case 'all': return mx.all(x, axes, keepdims);
    case 'any': return mx.any(x, axes, keepdims);
    case 'var': return mx.var(x, axes, keepdims);
    case 'var1': return mx.var(x, axes, keepdims, 1);
    case 'std': return mx.std(x, axes, keepdims);
    case 'logsumexp': return mx.logsumexp(x, axes, keepdims);
    case 'argmax': return mx.argmax(x, axes as number | null, keepdims);
    case 'argmin': return mx.argmin(x, axes as number | null, keepdims);
  }
  throw new Error(`unknown op ${c.op}`);
}

const EXACT = new Set(['sum', 'prod', 'max', 'min', 'all', 'any', 'argmax', 'argmin']);
const RTOL: Record<string, number> = { float16: 2e-3, bfloat16: 1.6e-2, float32: 2e-6, float64: 1e-12 };

function close(got: number, want: number, rtol: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= rtol * Math.abs(want) + rtol;
}

function check(c: Case, x: mx.MxArray): void {
  const label = `${c.op} axes=${JSON.stringify(c.axes)} keepdims=${c.keepdims}`;
  const r = apply(x, c);
  const want = decode(c.expected);
  expect(r.dtype.name, label).toBe(c.out);
  expect(r.shape, label).toEqual(shapeOf(want));
  const out = dtype(c.out);
  if (EXACT.has(c.op)) {
    // Float results: the exact float64 value rounded once to the output dtype.
    const rounded = mx.issubdtype(out, mx.floating)
      ? mx.array(want as mx.NestedList, mx.float64).astype(out).tolist()
      : want;
    expect(r.tolist(), label).toEqual(rounded);
  } else {
    const got = flat(r.tolist()) as number[];
    const exp = flat(want) as number[];
    expect(got.length, label).toBe(exp.length);
    got.forEach((g, i) => {
      if (!close(g, exp[i], RTOL[c.out])) {
        expect.fail(`${label}: element ${i} is ${g}, expected ${exp[i]}`);
      }
    });
  }
}

describe('reductions against numpy (fixture)', () => {
  const groups = new Map<string, [string, number, string][]>();
  const byInputOp = new Map<string, Case[]>();
  for (const c of fixture.cases) {
    const inp = fixture.inputs[c.input];
    const key = `${c.input}/${c.op}`;
    if (!byInputOp.has(key)) {
      byInputOp.set(key, []);
      if (!groups.has(inp.group)) groups.set(inp.group, []);
      groups.get(inp.group)!.push([inp.dtype, c.input, c.op]);
    }
    byInputOp.get(key)!.push(c);
  }
  for (const [group, entries] of groups) {
    describe(group, () => {
      it.each(entries)('%s input #%i: %s', (_d, input, op) => {
        const x = makeInput(fixture.inputs[input]);
        for (const c of byInputOp.get(`${input}/${op}`)!) check(c, x);
      });
    });
  }

  it('covers every op, dtype and view', () => {
    const ops = new Set(fixture.cases.map((c) => c.op));
    expect(ops.size).toBe(13);
    const dtypes = new Set(fixture.inputs.map((i) => i.dtype));
    expect(dtypes.size).toBe(13);
    expect(fixture.cases.length).toBeGreaterThan(4000);
  });
});

// ---- dtype rules ----

describe('output dtypes follow MLX', () => {
  it('sum and prod widen small integers and bool', () => {
    const cases: [mx.Dtype, mx.Dtype][] = [
      [mx.bool_, mx.int32], [mx.int8, mx.int32], [mx.int16, mx.int32], [mx.int32, mx.int32],
      [mx.int64, mx.int64], [mx.uint8, mx.uint32], [mx.uint16, mx.uint32], [mx.uint32, mx.uint32],
      [mx.uint64, mx.uint64], [mx.float16, mx.float16], [mx.bfloat16, mx.bfloat16],
      [mx.float32, mx.float32], [mx.float64, mx.float64], [mx.complex64, mx.complex64],
    ];
    for (const [src, dst] of cases) {
      const a = mx.array([1, 0, 1], src);
      expect(mx.sum(a).dtype, src.name).toBe(dst);
      expect(mx.prod(a).dtype, src.name).toBe(dst);
    }
  });
  it('mean, var, std and logsumexp give float32 for integers, keep floats', () => {
    for (const d of [mx.bool_, mx.uint8, mx.int32, mx.int64, mx.uint64]) {
      const a = mx.array([1, 0, 1], d);
      for (const f of [mx.mean, mx.var, mx.std, mx.logsumexp]) expect(f(a).dtype, d.name).toBe(mx.float32);
    }
    for (const d of [mx.float16, mx.bfloat16, mx.float64]) {
      const a = mx.array([1, 0, 1], d);
      for (const f of [mx.mean, mx.var, mx.std, mx.logsumexp]) expect(f(a).dtype, d.name).toBe(d);
    }
  });
  it('max/min keep the dtype, all/any give bool, argmax/argmin give uint32', () => {
    const a = mx.array([3, 1, 2], mx.int8);
    expect(mx.max(a).dtype).toBe(mx.int8);
    expect(mx.min(a).dtype).toBe(mx.int8);
    expect(mx.all(a).dtype).toBe(mx.bool_);
    expect(mx.any(a).dtype).toBe(mx.bool_);
    expect(mx.argmax(a).dtype).toBe(mx.uint32);
    expect(mx.argmin(a).dtype).toBe(mx.uint32);
  });
  it('integer sums and products wrap like MLX (32 bits up to int32, 64 beyond)', () => {
    expect(mx.sum(mx.array([2147483647, 1], mx.int32)).item()).toBe(-2147483648);
    expect(mx.sum(mx.array([200, 100], mx.uint8)).item()).toBe(300);
    expect(mx.sum(mx.array([4294967295, 2], mx.uint32)).item()).toBe(1);
    expect(mx.sum(mx.array([2147483647, 1], mx.int64)).item()).toBe(2147483648);
    expect(mx.prod(mx.array([65536, 65536], mx.int32)).item()).toBe(0);
    expect(mx.prod(mx.array([-128, 2], mx.int8)).item()).toBe(-256);
  });
  it('the mean of integers is the wrapped int32 sum scaled in float32 (as MLX computes it)', () => {
    expect(mx.mean(mx.array([1, 2], mx.int32)).item()).toBe(1.5);
    expect(mx.mean(mx.array([2147483647, 1], mx.int32)).item()).toBe(-1073741824);
  });
});

// ---- axes and keepdims ----

describe('axes', () => {
  const a = mx.array([[1, 2, 3], [4, 5, 6]], mx.int32);
  it('reduces every axis by default, one axis, or a list (negative allowed)', () => {
    expect(mx.sum(a).tolist()).toBe(21);
    expect(mx.sum(a, null).tolist()).toBe(21);
    expect(mx.sum(a, 0).tolist()).toEqual([5, 7, 9]);
    expect(mx.sum(a, -1).tolist()).toEqual([6, 15]);
    expect(mx.sum(a, [-1, 0]).tolist()).toBe(21);
    expect(mx.sum(a, [1], true).tolist()).toEqual([[6], [15]]);
    expect(mx.sum(a, undefined, true).shape).toEqual([1, 1]);
  });
  it('an empty axes list reduces nothing (sum/prod/max/min return the input as MLX does)', () => {
    const b = mx.array([1, 2], mx.int8);
    expect(mx.sum(b, []).dtype).toBe(mx.int8);
    expect(mx.sum(b, []).tolist()).toEqual([1, 2]);
    expect(mx.max(b, []).tolist()).toEqual([1, 2]);
    expect(mx.all(b, []).tolist()).toEqual([true, true]);
    expect(mx.mean(b, []).dtype).toBe(mx.float32);
    expect(mx.var(mx.array([1.5, 2]), []).tolist()).toEqual([0, 0]);
    expect(mx.logsumexp(mx.array([1.5, -Infinity]), []).tolist()).toEqual([1.5, -Infinity]);
  });
  it('0-d arrays: every axis is no axis', () => {
    const s = mx.array(5, mx.int32);
    expect(mx.sum(s).tolist()).toBe(5);
    expect(mx.max(s).tolist()).toBe(5);
    expect(mx.mean(s).tolist()).toBe(5);
    expect(mx.argmax(s).tolist()).toBe(0);
    expect(mx.argmax(s, undefined, true).shape).toEqual([]);
    expect(mx.all(mx.array(0)).tolist()).toBe(false);
  });
  it('argmax over the flattened array counts row-major, keepdims keeps every axis', () => {
    const b = mx.array([[1, 9, 3], [9, 0, 2]]);
    expect(mx.argmax(b).tolist()).toBe(1);
    expect(mx.argmin(b).tolist()).toBe(4);
    expect(mx.argmax(b, undefined, true).tolist()).toEqual([[1]]);
    expect(mx.argmax(b, 0, true).tolist()).toEqual([[1, 0, 0]]);
    // Row-major counting on a transposed view: [[1, 9], [9, 0], [3, 2]].
    const t = mx.asStrided(b, [3, 2], [1, 3]);
    expect(mx.argmax(t).tolist()).toBe(1);
    expect(mx.argmin(t).tolist()).toBe(3);
  });
  it('reports bad axes naming the op', () => {
    expect(() => mx.sum(a, [0, 0])).toThrow('[sum] Duplicate axes detected in reduction, got axes [0, 0].');
    expect(() => mx.max(a, [1, -1])).toThrow(/^\[max\] Duplicate axes/);
    expect(() => mx.sum(a, 2)).toThrow('[sum] Axis 2 is out of bounds for array with 2 dimensions.');
    expect(() => mx.mean(a, -3)).toThrow('[mean] Axis -3 is out of bounds for array with 2 dimensions.');
    expect(() => mx.var(a, [5])).toThrow(/^\[var\] Axis 5 is out of bounds/);
    expect(() => mx.std(a, [0, 0])).toThrow(/^\[std\] Duplicate axes/);
    expect(() => mx.logsumexp(a, 7)).toThrow(/^\[logsumexp\] Axis 7 is out of bounds/);
    expect(() => mx.argmax(a, 2)).toThrow('[argmax] Axis 2 is out of bounds for array with 2 dimensions.');
    expect(() => mx.argmin(a, -3)).toThrow(/^\[argmin\] Axis -3 is out of bounds/);
    expect(() => mx.all(a, [0, 2])).toThrow(/^\[all\] Axis 2 is out of bounds/);
    expect(() => mx.any(a, [1, 1])).toThrow(/^\[any\] Duplicate axes/);
    expect(() => mx.prod(a, 1.5)).toThrow(/^\[prod\] Expected an integer/);
    expect(() => mx.sum(a, 0, 'yes' as unknown as boolean)).toThrow(/^\[sum\] Expected a boolean/);
    expect(() => mx.min(a, ['x'] as unknown as number[])).toThrow(/^\[min\] Expected an integer/);
    expect(() => mx.sum('a' as unknown as mx.MxArray)).toThrow(/^\[sum\] Expected an array or a scalar/);
  });
});

// ---- empty arrays ----

describe('empty reductions', () => {
  const e = mx.zeros([0, 3]);
  it('sum, prod, all, any, mean give identities (mean is NaN)', () => {
    expect(mx.sum(e, 0).tolist()).toEqual([0, 0, 0]);
    expect(mx.prod(e, 0).tolist()).toEqual([1, 1, 1]);
    expect(mx.all(e, 0).tolist()).toEqual([true, true, true]);
    expect(mx.any(e).tolist()).toBe(false);
    expect(mx.mean(e, 0).tolist()).toEqual([NaN, NaN, NaN]);
    expect(mx.var(e, 0).tolist()).toEqual([NaN, NaN, NaN]);
    expect(mx.sum(e, 1).shape).toEqual([0]);
    expect(mx.max(e, 1).shape).toEqual([0]);
    expect(mx.sum(mx.zeros([0], mx.int8)).tolist()).toBe(0);
  });
  it('max, min, argmax, argmin and logsumexp of nothing are errors', () => {
    expect(() => mx.max(e, 0)).toThrow('[max] Cannot max reduce over axis 0 with size 0 (an array of shape (0, 3)).');
    expect(() => mx.min(e)).toThrow(/^\[min\] Cannot min reduce over axis 0 with size 0/);
    expect(() => mx.argmax(e, 1)).toThrow('[argmax] Cannot argmax reduce zero size array (shape (0, 3)).');
    expect(() => mx.argmin(e)).toThrow(/^\[argmin\] Cannot argmin reduce zero size array/);
    expect(() => mx.logsumexp(e, 1)).toThrow('[logsumexp] Received empty array (shape (0, 3)).');
  });
});

// ---- special values ----

describe('NaN, infinities and signed zeros', () => {
  it('max and min propagate NaN in every layout', () => {
    const a = mx.array([[1, NaN, 3], [4, 5, 6]]);
    expect(mx.max(a).tolist()).toBe(NaN);
    expect(mx.min(a, 0).tolist()).toEqual([1, NaN, 3]);
    expect(mx.max(a, 1).tolist()).toEqual([NaN, 6]);
    const long = new Float32Array(1000).map((_, i) => i);
    long[777] = NaN;
    expect(mx.max(mx.array(long)).tolist()).toBe(NaN);
    expect(mx.min(mx.array(long, mx.float16)).tolist()).toBe(NaN);
    expect(mx.max(mx.array([NaN, 1], mx.bfloat16)).tolist()).toBe(NaN);
  });
  it('argmax/argmin return the first NaN (like numpy), and the first of ties', () => {
    expect(mx.argmax(mx.array([1, NaN, 3, NaN])).tolist()).toBe(1);
    expect(mx.argmin(mx.array([1, 3, NaN])).tolist()).toBe(2);
    expect(mx.argmax(mx.array([2, 7, 7, 1, 7])).tolist()).toBe(1);
    expect(mx.argmin(mx.array([[5, 0, 0], [0, 0, 5]]), 1).tolist()).toEqual([1, 0]);
    expect(mx.argmax(mx.array([-Infinity, -Infinity])).tolist()).toBe(0);
    const long = new Float32Array(5000).fill(1);
    long[4000] = NaN;
    long[4500] = NaN;
    long[10] = 2;
    expect(mx.argmax(mx.array(long)).tolist()).toBe(4000);
    expect(mx.argmin(mx.array(long)).tolist()).toBe(4000);
  });
  it('sum and logsumexp of infinities', () => {
    expect(mx.sum(mx.array([Infinity, -Infinity])).tolist()).toBe(NaN);
    expect(mx.logsumexp(mx.array([Infinity, 1])).tolist()).toBe(Infinity);
    expect(mx.logsumexp(mx.array([-Infinity, -Infinity])).tolist()).toBe(-Infinity);
    expect(mx.logsumexp(mx.array([NaN, 1])).tolist()).toBe(NaN);
    expect(mx.logsumexp(mx.array([1000, 1000], mx.float32)).item()).toBeCloseTo(1000 + Math.LN2, 3);
  });
  it('all/any: NaN is true, -0.0 is false', () => {
    expect(mx.all(mx.array([NaN, 1])).tolist()).toBe(true);
    expect(mx.any(mx.array([-0, 0])).tolist()).toBe(false);
    expect(mx.any(mx.array([-0, 0], mx.float16)).tolist()).toBe(false);
    expect(mx.any(mx.array([-0, 0], mx.bfloat16)).tolist()).toBe(false);
    expect(mx.any(mx.array([-0, 0], mx.float64)).tolist()).toBe(false);
    expect(mx.all(mx.array([NaN], mx.float16)).tolist()).toBe(true);
  });
  it('var with ddof >= N divides by zero', () => {
    expect(mx.var(mx.array([1, 2]), undefined, false, 2).tolist()).toBe(Infinity);
    expect(mx.var(mx.array([3, 3]), undefined, false, 3).tolist()).toBe(NaN);
    expect(mx.std(mx.array([1, 2, 3, 4]), 0, false, 1).item()).toBeCloseTo(1.2909944, 6);
  });
});

// ---- complex64 ----

describe('complex64', () => {
  const z = mx.array([{ re: 1, im: 2 }, { re: 3, im: -1 }, { re: 1, im: 5 }]);
  it('sum, prod and mean', () => {
    expect(mx.sum(z).item()).toEqual({ re: 5, im: 6 });
    // (1+2i)(3-i) = 5+5i; (5+5i)(1+5i) = -20+30i
    expect(mx.prod(z).item()).toEqual({ re: -20, im: 30 });
    expect(mx.mean(z).item()).toEqual({ re: Math.fround(5 / 3), im: 2 });
  });
  it('max/min/argmax order by real part then imaginary part (MLX)', () => {
    expect(mx.max(z).item()).toEqual({ re: 3, im: -1 });
    expect(mx.min(z).item()).toEqual({ re: 1, im: 2 });
    expect(mx.argmin(z).item()).toBe(0);
    expect(mx.argmax(mx.array([{ re: 1, im: 2 }, { re: 1, im: 5 }])).item()).toBe(1);
  });
  it('all/any look at both parts', () => {
    expect(mx.all(mx.array([{ re: 0, im: 1 }])).item()).toBe(true);
    expect(mx.any(mx.array([{ re: 0, im: 0 }])).item()).toBe(false);
  });
  it('var, std and logsumexp of complex are not supported yet', () => {
    expect(() => mx.var(z)).toThrow('[var] complex64 inputs are not supported yet, got an array of dtype complex64.');
    expect(() => mx.std(z)).toThrow(/^\[std\] complex64 inputs are not supported/);
    expect(() => mx.logsumexp(z)).toThrow(/^\[logsumexp\] complex64 inputs are not supported/);
  });
});

// ---- accuracy ----

describe('accumulation accuracy', () => {
  it('float32 sums are exact where a naive float accumulator stalls', () => {
    // A naive float32 accumulator stops at 2^24 = 16777216.
    expect(mx.sum(mx.ones([1 << 25], mx.float32)).item()).toBe(33554432);
    // 10^7 times 0.1: a naive float32 loop gives 1087937; the true sum rounds to
    // 1e6 and numpy's pairwise sum is one float32 step (0.0625) above it.
    const s = mx.sum(mx.full([10_000_000], 0.1, mx.float32)).item() as number;
    expect(Math.abs(s - 1_000_000)).toBeLessThanOrEqual(0.0625);
  });
  it('float32 column sums (strided reduction) stay accurate', () => {
    const r = mx.sum(mx.full([1_000_000, 16], 0.1, mx.float32), 0).tolist() as number[];
    // A naive float32 column loop ends at 100958.34.
    for (const v of r) expect(Math.abs(v - 100000)).toBeLessThan(0.05);
    const r2 = mx.mean(mx.full([3, 700_000, 20], 0.1, mx.float32), [0, 1]).tolist() as number[];
    for (const v of r2) expect(Math.abs(v - 0.1)).toBeLessThan(1e-7);
  });
  it('float16 and bfloat16 accumulate in float32', () => {
    // Naive float16 accumulation stalls at 2048, bfloat16 at 256.
    expect(mx.sum(mx.ones([10000], mx.float16)).item()).toBe(10000);
    expect(mx.sum(mx.ones([1000], mx.bfloat16)).item()).toBe(1000);
    expect(mx.sum(mx.ones([10000, 20], mx.float16), 0).tolist()).toEqual(new Array(20).fill(10000));
    expect(mx.mean(mx.full([4096], 0.1, mx.float16)).item()).toBe(mx.array(0.1, mx.float16).item());
  });
  it('var is two-pass (no cancellation around a large mean)', () => {
    const x = new Float32Array(100000).map((_, i) => 1e4 + (i % 2 === 0 ? 1 : -1));
    expect(mx.var(mx.array(x)).item()).toBeCloseTo(1, 5);
    // float16 holds 999 and 1001 exactly (spacing 0.5 there).
    const h = new Float32Array(100000).map((_, i) => 1000 + (i % 2 === 0 ? 1 : -1));
    expect(mx.std(mx.array(h).astype(mx.float16)).item()).toBe(1);
  });
});

// ---- large arrays: threaded and split paths against JS ----

function jsReduce2d(
  data: ArrayLike<number>, rows: number, cols: number, axis: 0 | 1,
  f: (a: number, b: number) => number, init: number,
): number[] {
  const out = new Array<number>(axis === 0 ? cols : rows).fill(init);
  for (let i = 0; i < rows; ++i) {
    for (let j = 0; j < cols; ++j) {
      const k = axis === 0 ? j : i;
      out[k] = f(out[k], data[i * cols + j]);
    }
  }
  return out;
}

describe('large arrays (threaded, split and column paths)', () => {
  const shapes: [number, number][] = [[1500, 700], [3, 200_000], [200_000, 3], [100_000, 20], [20, 100_000]];
  for (const [rows, cols] of shapes) {
    it(`int32 sum/max/argmax over ${rows}x${cols}`, () => {
      const data = new Int32Array(rows * cols).map((_, i) => ((i * 7919) % 2003) - 1000);
      const a = mx.array(data).astype(mx.int32);
      const m = mx.asStrided(a, [rows, cols], [cols, 1]);
      for (const axis of [0, 1] as const) {
        expect(mx.sum(m, axis).tolist()).toEqual(jsReduce2d(data, rows, cols, axis, (x, y) => x + y, 0));
        expect(mx.max(m, axis).tolist()).toEqual(jsReduce2d(data, rows, cols, axis, Math.max, -Infinity));
        expect(mx.min(m, axis).tolist()).toEqual(jsReduce2d(data, rows, cols, axis, Math.min, Infinity));
      }
      let total = 0;
      for (const v of data) total += v;
      expect(mx.sum(m).item()).toBe(total);
      // argmax along each axis: the first maximum.
      const am = mx.argmax(m, 1).tolist() as number[];
      for (let i = 0; i < Math.min(rows, 50); ++i) {
        let best = 0;
        for (let j = 1; j < cols; ++j) if (data[i * cols + j] > data[i * cols + best]) best = j;
        expect(am[i]).toBe(best);
      }
      const am0 = mx.argmax(m, 0).tolist() as number[];
      for (let j = 0; j < Math.min(cols, 50); ++j) {
        let best = 0;
        for (let i = 1; i < rows; ++i) if (data[i * cols + j] > data[best * cols + j]) best = i;
        expect(am0[j]).toBe(best);
      }
      // The transposed view reduces to the same numbers along the other axis.
      const t = mx.asStrided(a, [cols, rows], [1, cols]);
      expect(mx.sum(t, 1).tolist()).toEqual(mx.sum(m, 0).tolist());
      expect(mx.max(t, 0).tolist()).toEqual(mx.max(m, 1).tolist());
    });
  }
  it('argmax of a long row finds the first maximum across thread chunks', () => {
    const n = 3_000_000;
    const data = new Float32Array(n).map((_, i) => Math.sin(i));
    data[2_100_000] = 5;
    data[2_900_000] = 5;
    data[12] = 4.5;
    expect(mx.argmax(mx.array(data)).item()).toBe(2_100_000);
    data[5] = 5;
    expect(mx.argmax(mx.array(data)).item()).toBe(5);
    // float16 rounding makes ties: the first of them wins.
    const h = mx.array(data).astype(mx.float16).toTypedArray() as Float32Array;
    let best = 0;
    for (let i = 1; i < h.length; ++i) if (h[i] < h[best]) best = i;
    expect(mx.argmin(mx.array(data).astype(mx.float16)).item()).toBe(best);
  });
  it('float32 sum over every axis, axis 0 and axis 1 of 4096x4096 (the benchmark shapes)', () => {
    const n = 4096;
    const data = new Float32Array(n * n).map((_, i) => (i % 13) - 6);
    const a = mx.asStrided(mx.array(data), [n, n], [n, 1]);
    let total = 0;
    for (const v of data) total += v;
    expect(mx.sum(a).item()).toBe(total);
    expect(mx.sum(a, 0).tolist()).toEqual(jsReduce2d(data, n, n, 0, (x, y) => x + y, 0));
    expect(mx.sum(a, 1).tolist()).toEqual(jsReduce2d(data, n, n, 1, (x, y) => x + y, 0));
  });
  it('reductions of broadcast (stride 0) views', () => {
    const b = mx.asStrided(mx.array([1, 2, 3], mx.float32), [100_000, 3], [0, 1]);
    expect(mx.sum(b, 0).tolist()).toEqual([100000, 200000, 300000]);
    expect(mx.mean(b, 0).tolist()).toEqual([1, 2, 3]);
    expect(mx.var(b, 0).tolist()).toEqual([0, 0, 0]);
    const c = mx.asStrided(mx.array([2], mx.int32), [1000, 1000], [0, 0]);
    expect(mx.sum(c).item()).toBe(2_000_000);
    expect(mx.argmax(c).item()).toBe(0);
  });
});

// ---- methods and scalars ----

describe('array methods', () => {
  const a = mx.array([[1, 2], [3, 5]], mx.float32);
  it('take (axis, keepdims, stream) like MLX', () => {
    expect(a.sum().item()).toBe(11);
    expect(a.sum(0).tolist()).toEqual([4, 7]);
    expect(a.prod(1, true).tolist()).toEqual([[2], [15]]);
    expect(a.max().item()).toBe(5);
    expect(a.min(0).tolist()).toEqual([1, 2]);
    expect(a.mean(1).tolist()).toEqual([1.5, 4]);
    expect(a.all().item()).toBe(true);
    expect(a.any(0, true).tolist()).toEqual([[true, true]]);
    expect(a.argmax(1).tolist()).toEqual([1, 1]);
    expect(a.argmin().item()).toBe(0);
    expect(a.var(0).tolist()).toEqual([1, 2.25]);
    expect(a.var(0, true, 1).tolist()).toEqual([[2, 4.5]]);
    expect(a.std(null, false, 0).item()).toBeCloseTo(Math.sqrt(2.1875), 6);
    const lse = a.logsumexp(1).tolist() as number[];
    expect(lse[0]).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(2)), 6);
    expect(lse[1]).toBeCloseTo(Math.log(Math.exp(3) + Math.exp(5)), 6);
    expect(a.sum(0, false, mx.cpu).tolist()).toEqual([4, 7]);
  });
  it('ops accept JS scalars', () => {
    expect(mx.sum(3).item()).toBe(3);
    expect(mx.max(true).dtype).toBe(mx.bool_);
    expect(mx.argmax(2.5).item()).toBe(0);
  });
});
