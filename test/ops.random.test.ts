import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as mx from 'mlx-ts';

// Expectations from an independent numpy implementation of threefry2x32-20
// and MLX's transforms (test/fixtures/random/make_fixtures.py), itself
// checked against the Random123 known-answer vectors.
interface Fixtures {
  bits: { seed: string; n: number; width: number; out: number[] }[];
  split: { seed: string; num: number; out: number[][] }[];
  uniform: { seed: number; low: number; high: number; n: number; out: number[] }[];
  normal: { seed: number; n: number; out: number[] }[];
  randint: { seed: number; low: number; high: number; n: number; out: number[] }[];
  bernoulli: { seed: number; p: number; n: number; out: boolean[] }[];
}
const fx = JSON.parse(
  readFileSync(new URL('./fixtures/random/random.json', import.meta.url), 'utf8'),
) as Fixtures;

const values = (x: mx.MxArray): number[] => Array.from(x.toTypedArray() as Float32Array, Number);

function stats(v: number[]): { mean: number; variance: number; min: number; max: number } {
  let s = 0, min = Infinity, max = -Infinity;
  for (const x of v) {
    s += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = s / v.length;
  let q = 0;
  for (const x of v) q += (x - mean) ** 2;
  return { mean, variance: q / v.length, min, max };
}

function correlation(a: number[], b: number[]): number {
  const sa = stats(a), sb = stats(b);
  let c = 0;
  for (let i = 0; i < a.length; ++i) c += (a[i] - sa.mean) * (b[i] - sb.mean);
  return c / a.length / Math.sqrt(sa.variance * sb.variance);
}

const N = 100_000;

describe('random.key and random.split', () => {
  it('makes keys from seeds as (seed >> 32, seed & 0xffffffff)', () => {
    const k = mx.random.key(0);
    expect(k.dtype).toBe(mx.uint32);
    expect(k.shape).toEqual([2]);
    expect(k.tolist()).toEqual([0, 0]);
    expect(mx.random.key(1).tolist()).toEqual([0, 1]);
    expect(mx.random.key(2 ** 32).tolist()).toEqual([1, 0]);
    expect(mx.random.key(2 ** 32 + 1).tolist()).toEqual([1, 1]);
    expect(mx.random.key(2n ** 63n + 5n).tolist()).toEqual([2 ** 31, 5]);
    expect(mx.random.key(2n ** 64n - 1n).tolist()).toEqual([2 ** 32 - 1, 2 ** 32 - 1]);
  });

  it('rejects bad seeds', () => {
    expect(() => mx.random.key(-1)).toThrow('[key] The seed must be in [0, 2^64), got -1.');
    expect(() => mx.random.key(2n ** 64n)).toThrow('[key] The seed must be in [0, 2^64)');
    expect(() => mx.random.key(1.5)).toThrow('[key] Expected an integer seed (a number or a bigint), got number 1.5.');
    expect(() => mx.random.seed('a' as unknown as number)).toThrow('[seed] Expected an integer seed');
  });

  it("splits like MLX (MLX's own test values for key(0))", () => {
    const k = mx.random.key(0);
    expect(mx.random.split(k).tolist()).toEqual([[4146024105, 967050713], [2718843009, 1272950319]]);
    expect(mx.random.split(k, 3).tolist()).toEqual([
      [2467461003, 428148500], [3186719485, 3840466878], [2562233961, 1946702221],
    ]);
    expect(mx.random.split(k, 0).shape).toEqual([0, 2]);
  });

  it('splits like the reference for other seeds', () => {
    for (const c of fx.split) {
      const out = mx.random.split(mx.random.key(BigInt(c.seed)), c.num);
      expect(out.dtype).toBe(mx.uint32);
      expect(out.tolist(), c.seed).toEqual(c.out);
    }
  });

  it('split keys are distinct and give independent streams', () => {
    const keys = mx.random.split(mx.random.key(7), 2);
    const [a, b] = keys.tolist() as number[][];
    expect(a).not.toEqual(b);
    const k1 = mx.asStrided(keys, [2], [1], 0);
    const k2 = mx.asStrided(keys, [2], [1], 2); // a view: a non-contiguous key input
    expect(k2.tolist()).toEqual(b);
    const u1 = values(mx.random.uniform(0, 1, [N], mx.float32, k1));
    const u2 = values(mx.random.uniform(0, 1, [N], mx.float32, k2));
    expect(Math.abs(correlation(u1, u2))).toBeLessThan(0.02);
    // The same values as a freshly made array holding the key.
    const k2copy = mx.array(b, mx.uint32);
    expect(values(mx.random.uniform(0, 1, [5], mx.float32, k2copy))).toEqual(
      values(mx.random.uniform(0, 1, [5], mx.float32, k2)),
    );
  });

  it('rejects bad keys with the op name', () => {
    expect(() => mx.random.split(mx.array([0, 0]))).toThrow('[split] Expected key type uint32 but received int32.');
    expect(() => mx.random.split(mx.zeros([1, 2], mx.uint32))).toThrow(
      '[split] Expected key shape (2) but received (1,2).',
    );
    expect(() => mx.random.uniform(0, 1, [], mx.float32, mx.zeros([3], mx.uint32))).toThrow(
      '[uniform] Expected key shape (2) but received (3).',
    );
    expect(() => mx.random.normal([], mx.float32, 0, 1, 'k' as unknown as mx.MxArray)).toThrow(
      '[normal] Expected the key to be an array (from mx.random.key), got string k.',
    );
    expect(() => mx.random.split(mx.random.key(0), -1)).toThrow('[split] The number of keys must be non-negative, got -1.');
  });
});

describe('random.bits', () => {
  it('threefry2x32-20 known answer: key (0, 0), counter (0, 0) gives 0x6b200159 first', () => {
    // Random123's kat_vectors; a single uint32 uses counter (0, 0).
    expect(mx.random.bits([], 4, mx.random.key(0)).item()).toBe(0x6b200159);
  });

  it("matches MLX's own test values", () => {
    const k0 = mx.random.key(0), k1 = mx.random.key(1);
    expect(mx.random.bits([], 4, k0).item()).toBe(1797259609);
    expect(mx.random.bits([], 2, k0).item()).toBe(345);
    expect(mx.random.bits([], 1, k0).item()).toBe(89);
    expect(mx.random.bits([], 4, k1).item()).toBe(507451445);
    expect(mx.random.bits([], 2, k1).item()).toBe(6197);
    expect(mx.random.bits([], 1, k1).item()).toBe(53);
    expect(mx.random.bits([3, 1], 4, k0).tolist()).toEqual([[4146024105], [1351547692], [2718843009]]);
    expect(mx.random.bits([5], 2, k0).tolist()).toEqual([20137, 63263, 64300, 20622, 16513]);
    expect(mx.random.bits([6], 2, k0).tolist()).toEqual([20137, 63263, 64300, 20622, 16513, 41486]);
    expect(mx.random.bits([7], 2, k0).tolist()).toEqual([20137, 63263, 1497, 14756, 16513, 41486, 44591]);
    expect(mx.random.bits([8], 2, k0).tolist()).toEqual([20137, 63263, 1497, 14756, 16513, 41486, 44591, 19423]);
  });

  it('matches the reference layout for every width and odd sizes', () => {
    for (const c of fx.bits) {
      const out = mx.random.bits([c.n], c.width, mx.random.key(BigInt(c.seed)));
      expect(out.dtype).toBe(c.width === 4 ? mx.uint32 : c.width === 2 ? mx.uint16 : mx.uint8);
      expect(out.tolist(), `${c.seed} ${c.n} ${c.width}`).toEqual(c.out);
    }
  });

  it('is uniform over a large output (split across threads)', () => {
    const b = values(mx.random.bits([N], 4, mx.random.key(3)));
    const s = stats(b.map((x) => x / 2 ** 32));
    expect(Math.abs(s.mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(s.variance - 1 / 12)).toBeLessThan(0.002);
    // The prefix of a longer draw differs (the layout depends on the size) but
    // the same size is always the same.
    expect(values(mx.random.bits([N], 4, mx.random.key(3)))).toEqual(b);
    expect(mx.random.bits([0], 4, mx.random.key(3)).shape).toEqual([0]);
  });

  it('errors', () => {
    expect(() => mx.random.bits([2], 3, mx.random.key(0))).toThrow('[bits] Bit width must be in {1, 2, 4} but got 3.');
    expect(() => mx.random.bits([2, -1], 4, mx.random.key(0))).toThrow(
      '[bits] Negative dimensions not allowed, got shape (2,-1).',
    );
    expect(() => mx.random.bits([2], 4, mx.array([1, 2], mx.float32))).toThrow(
      '[bits] Expected key type uint32 but received float32.',
    );
  });
});

describe('random.uniform', () => {
  it('matches the reference float32 values exactly', () => {
    for (const c of fx.uniform) {
      const out = mx.random.uniform(c.low, c.high, [c.n], mx.float32, mx.random.key(c.seed));
      expect(out.dtype).toBe(mx.float32);
      expect(values(out)).toEqual(c.out);
    }
    // MLX's test: uniform(key(0)) is float(1797259609) / float(UINT32_MAX).
    expect(mx.random.uniform(0, 1, [], mx.float32, mx.random.key(0)).item()).toBe(Math.fround(1797259609 / 2 ** 32));
  });

  it('has the right moments and range for 1e5 samples', () => {
    const v = values(mx.random.uniform(-1, 5, [N], mx.float32, mx.random.key(11)));
    const s = stats(v);
    expect(s.min).toBeGreaterThanOrEqual(-1);
    expect(s.max).toBeLessThan(5);
    expect(Math.abs(s.mean - 2)).toBeLessThan(0.03);
    expect(Math.abs(s.variance - 3)).toBeLessThan(0.05); // 6^2 / 12
  });

  it('defaults to [0, 1), shape [] and float32; reproducible from a key', () => {
    const k = mx.random.key(5);
    const a = mx.random.uniform(undefined, undefined, undefined, undefined, k);
    expect(a.shape).toEqual([]);
    expect(a.dtype).toBe(mx.float32);
    expect(a.item()).toBe(mx.random.uniform(0, 1, [], mx.float32, k).item());
    expect(mx.random.uniform(0, 1, [], mx.float32, mx.random.key(6)).item()).not.toBe(a.item());
    expect(mx.random.uniform(0, 1, 3, mx.float32, k).shape).toEqual([3]);
  });

  it('float16 and bfloat16 stay in [low, high) and are not all equal', () => {
    for (const dtype of [mx.float16, mx.bfloat16]) {
      const out = mx.random.uniform(0, 1, [N], dtype, mx.random.key(2));
      expect(out.dtype).toBe(dtype);
      const s = stats(values(out));
      expect(s.min).toBeGreaterThanOrEqual(0);
      expect(s.max).toBeLessThan(1);
      expect(Math.abs(s.mean - 0.5)).toBeLessThan(0.01);
    }
  });

  it('broadcasts array bounds', () => {
    const low = mx.asStrided(mx.array([0, 10, 20], mx.float32), [3, 1]);
    const high = mx.array([1, 2, 3, 4], mx.float32);
    const out = mx.random.uniform(low, high, [3, 4], mx.float32, mx.random.key(1));
    const v = out.tolist() as number[][];
    // Row i lies in [10 i, j + 1) when 10 i < j + 1, else the order flips.
    for (let i = 0; i < 3; ++i) {
      for (let j = 0; j < 4; ++j) {
        const lo = Math.min(10 * i, j + 1), hi = Math.max(10 * i, j + 1);
        expect(v[i][j]).toBeGreaterThanOrEqual(lo);
        expect(v[i][j]).toBeLessThanOrEqual(hi);
      }
    }
    // Bounds from a 0-stride view and as float16 arrays.
    const lowB = mx.asStrided(mx.array([2], mx.float16), [4], [0]);
    const w = values(mx.random.uniform(lowB, 3, [4], mx.float32, mx.random.key(1)));
    for (const x of w) expect(x >= 2 && x < 3).toBe(true);
    // An element-wise bound gives the same value as that bound as a scalar.
    const elem = values(mx.random.uniform(mx.array([0, 0, 0], mx.float32), 1, [3], mx.float32, mx.random.key(4)));
    expect(elem).toEqual(values(mx.random.uniform(0, 1, [3], mx.float32, mx.random.key(4))));
  });

  it('errors', () => {
    expect(() => mx.random.uniform(0, 1, [2], mx.int32)).toThrow(
      '[uniform] Can only generate uniform numbers with real floating point type.',
    );
    expect(() => mx.random.uniform(0, 1, [2], mx.float64)).toThrow('[uniform] Unsupported type float64');
    expect(() => mx.random.uniform(mx.zeros([2, 3]), 1, [3])).toThrow(
      '[uniform] Cannot generate random values of shape (3) from broadcasted shape (2,3).',
    );
    expect(() => mx.random.uniform(mx.zeros([2]), mx.ones([3]), [3])).toThrow(
      '[uniform] Shapes (3), (2) and (3) cannot be broadcast.',
    );
    expect(() => mx.random.uniform(0, 1, [-2])).toThrow('[uniform] Negative dimensions not allowed, got shape (-2).');
    expect(() => mx.random.uniform(0, 1, 'x' as unknown as number[])).toThrow('[uniform] Expected a shape');
    expect(() => mx.random.uniform(0, 1, [2], 'f' as unknown as mx.Dtype)).toThrow('[uniform] Expected a dtype');
  });
});

describe('random.normal', () => {
  it('matches sqrt(2) erfinv of the reference uniform samples', () => {
    for (const c of fx.normal) {
      const out = values(mx.random.normal([c.n], mx.float32, undefined, undefined, mx.random.key(c.seed)));
      out.forEach((x, i) => expect(Math.abs(x - c.out[i])).toBeLessThan(2e-6 + 2e-6 * Math.abs(c.out[i])));
    }
  });

  it('has mean 0 and variance 1 over 1e5 samples', () => {
    const s = stats(values(mx.random.normal([N], mx.float32, undefined, undefined, mx.random.key(21))));
    expect(Math.abs(s.mean)).toBeLessThan(0.015);
    expect(Math.abs(s.variance - 1)).toBeLessThan(0.02);
    expect(s.max).toBeLessThan(6);
    expect(s.min).toBeGreaterThan(-6);
  });

  it('applies loc and scale (numbers or broadcast arrays)', () => {
    const k = mx.random.key(8);
    const z = values(mx.random.normal([3, 2], mx.float32, undefined, undefined, k));
    const a = values(mx.random.normal([3, 2], mx.float32, 1, 2, k));
    a.forEach((x, i) => expect(x).toBeCloseTo(2 * z[i] + 1, 5));
    const loc = mx.asStrided(mx.array([0, 100, 200], mx.float32), [3, 1]);
    const scale = mx.array([1, 10], mx.float32);
    const b = values(mx.random.normal([3, 2], mx.float32, loc, scale, k));
    b.forEach((x, i) => expect(x).toBeCloseTo(100 * Math.floor(i / 2) + [1, 10][i % 2] * z[i], 3));
    const s = stats(values(mx.random.normal([N], mx.float32, 3, 0.5, mx.random.key(9))));
    expect(Math.abs(s.mean - 3)).toBeLessThan(0.01);
    expect(Math.abs(s.variance - 0.25)).toBeLessThan(0.01);
  });

  it('float16, bfloat16 and float64 samples are finite with the right moments', () => {
    for (const dtype of [mx.float16, mx.bfloat16, mx.float64]) {
      const out = mx.random.normal([N], dtype, undefined, undefined, mx.random.key(12));
      expect(out.dtype).toBe(dtype);
      const s = stats(values(out));
      expect(Number.isFinite(s.max) && Number.isFinite(s.min)).toBe(true);
      expect(Math.abs(s.mean)).toBeLessThan(0.015);
      expect(Math.abs(s.variance - 1)).toBeLessThan(0.03);
    }
  });

  it('complex64 has independent parts of variance 1/2', () => {
    const out = mx.random.normal([N], mx.complex64, undefined, undefined, mx.random.key(13));
    expect(out.dtype).toBe(mx.complex64);
    const v = values(out);
    const re = v.filter((_, i) => i % 2 === 0), im = v.filter((_, i) => i % 2 === 1);
    for (const part of [re, im]) {
      const s = stats(part);
      expect(Math.abs(s.mean)).toBeLessThan(0.01);
      expect(Math.abs(s.variance - 0.5)).toBeLessThan(0.015);
    }
    expect(Math.abs(correlation(re, im))).toBeLessThan(0.02);
    // loc and scale in complex arithmetic: 2 z + (1 + i).
    const k = mx.random.key(1);
    const z = values(mx.random.normal([4], mx.complex64, undefined, undefined, k));
    const w = values(mx.random.normal([4], mx.complex64, mx.array([{ re: 1, im: 1 }], mx.complex64), 2, k));
    w.forEach((x, i) => expect(x).toBeCloseTo(2 * z[i] + 1, 5));
  });

  it('errors', () => {
    expect(() => mx.random.normal([2], mx.int32)).toThrow('[normal] Only floating point and complex64 types are supported.');
    expect(() => mx.random.normal([2], mx.float32, mx.zeros([3, 2]))).toThrow(
      '[normal] Cannot generate random values of shape (2) from broadcasted shape (3,2).',
    );
  });
});

describe('random.randint', () => {
  it('matches the reference exactly', () => {
    for (const c of fx.randint) {
      const out = mx.random.randint(c.low, c.high, [c.n], mx.int32, mx.random.key(c.seed));
      expect(out.dtype).toBe(mx.int32);
      expect(out.tolist()).toEqual(c.out);
    }
  });

  it('is uniform over the integers of [low, high)', () => {
    const v = values(mx.random.randint(-3, 7, [N], mx.int32, mx.random.key(14)));
    const counts = new Map<number, number>();
    for (const x of v) counts.set(x, (counts.get(x) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6]);
    for (const c of counts.values()) expect(Math.abs(c / N - 0.1)).toBeLessThan(0.006);
  });

  it('supports integer dtypes and bool, array bounds, and high <= low', () => {
    const k = mx.random.key(15);
    for (const dtype of [mx.uint8, mx.int16, mx.uint32, mx.int64, mx.uint64]) {
      const out = mx.random.randint(5, 9, [1000], dtype, k);
      expect(out.dtype).toBe(dtype);
      const s = stats(values(out));
      expect(s.min).toBe(5);
      expect(s.max).toBe(8);
    }
    const b = mx.random.randint(0, 2, [1000], mx.bool_, k);
    expect(b.dtype).toBe(mx.bool_);
    const bv = b.tolist() as boolean[];
    expect(bv.includes(true) && bv.includes(false)).toBe(true);
    const low = mx.array([0, 100, -50], mx.int32);
    const rows = mx.random.randint(low, 3, [2, 3], mx.int32, k).tolist() as number[][];
    for (const r of rows) {
      expect(r[0] >= 0 && r[0] < 3).toBe(true);
      expect(r[1]).toBe(100); // high <= low gives low
      expect(r[2] >= -50 && r[2] < 3).toBe(true);
    }
    expect(values(mx.random.randint(20, -10, [5], mx.int32, k))).toEqual([20, 20, 20, 20, 20]);
    // Float bounds: integers in [-1.5, 2.5) clamped to [astype(low), astype(high - 1)].
    const f = values(mx.random.randint(-1.5, 2.5, [1000], mx.int32, k));
    expect(stats(f).min).toBe(-1);
    expect(stats(f).max).toBe(1);
  });

  it('errors', () => {
    expect(() => mx.random.randint(0, 5, [2], mx.float32)).toThrow('[randint] randint only accepts integer dtypes and bool.');
    expect(() => mx.random.randint(mx.zeros([3, 2]), 5, [2])).toThrow(
      '[randint] Cannot generate random values of shape (2) from broadcasted shape (3,2).',
    );
    expect(() => mx.random.randint(mx.zeros([4]), 5, [2])).toThrow(
      '[randint] Shapes (2), (4) and () cannot be broadcast.',
    );
  });
});

describe('random.bernoulli', () => {
  it('matches the reference exactly', () => {
    for (const c of fx.bernoulli) {
      const out = mx.random.bernoulli(c.p, [c.n], mx.random.key(c.seed));
      expect(out.dtype).toBe(mx.bool_);
      expect(out.tolist()).toEqual(c.out);
    }
  });

  it('has frequency p, with p broadcast over the shape', () => {
    const p = mx.array([0.1, 0.5, 0.9], mx.float32);
    const out = mx.random.bernoulli(p, [N / 4, 3], mx.random.key(16));
    const v = out.tolist() as boolean[][];
    [0.1, 0.5, 0.9].forEach((q, j) => {
      const freq = v.reduce((s, r) => s + (r[j] ? 1 : 0), 0) / v.length;
      expect(Math.abs(freq - q)).toBeLessThan(0.012);
    });
    expect(mx.random.bernoulli(p, undefined, mx.random.key(16)).shape).toEqual([3]);
  });

  it('p <= 0 is never true, p >= 1 always; float16/float64 p', () => {
    const k = mx.random.key(17);
    expect((mx.random.bernoulli(0, [1000], k).tolist() as boolean[]).some((x) => x)).toBe(false);
    expect((mx.random.bernoulli(1, [1000], k).tolist() as boolean[]).every((x) => x)).toBe(true);
    expect((mx.random.bernoulli(mx.array(-1, mx.float32), [100], k).tolist() as boolean[]).some((x) => x)).toBe(false);
    expect((mx.random.bernoulli(mx.array(5, mx.float64), [100], k).tolist() as boolean[]).every((x) => x)).toBe(true);
    const h = mx.random.bernoulli(mx.array(0.25, mx.float16), [N], k).tolist() as boolean[];
    expect(Math.abs(h.filter((x) => x).length / N - 0.25)).toBeLessThan(0.01);
    const d = mx.random.bernoulli(undefined, undefined, k);
    expect(d.shape).toEqual([]);
    expect(d.dtype).toBe(mx.bool_);
  });

  it('errors', () => {
    expect(() => mx.random.bernoulli(mx.array(1, mx.int32))).toThrow(
      '[bernoulli] bernoulli probability `p` must be a float type.',
    );
    expect(() => mx.random.bernoulli(mx.array([0.1, 0.2, 0.3], mx.float32), [2])).toThrow(
      '[bernoulli] shape of `p` (3) is incompatible with argument `shape` (2).',
    );
  });
});

describe('the global key sequence', () => {
  it('is reproducible after seed and advances on every call', () => {
    mx.random.seed(3);
    const a = mx.random.uniform().item();
    const b = mx.random.uniform().item();
    mx.random.seed(3);
    expect(mx.random.uniform().item()).toBe(a);
    expect(mx.random.uniform().item()).toBe(b);
    expect(a).not.toBe(b);
  });

  it("draws MLX's sequence: key(s) split, the second half used, the first kept", () => {
    mx.random.seed(0);
    const first = mx.random.bits([4]).tolist();
    // The first call uses split(key(0))[1]; the second split(split(key(0))[0])[1].
    const [k0, k1] = mx.random.split(mx.random.key(0)).tolist() as number[][];
    expect(first).toEqual(mx.random.bits([4], 4, mx.array(k1, mx.uint32)).tolist());
    const second = mx.random.bits([4]).tolist();
    const next = (mx.random.split(mx.array(k0, mx.uint32)).tolist() as number[][])[1];
    expect(second).toEqual(mx.random.bits([4], 4, mx.array(next, mx.uint32)).tolist());
  });

  it('explicit keys do not consume the global sequence; errors consume nothing', () => {
    mx.random.seed(10);
    const a = mx.random.normal([3]).tolist();
    mx.random.seed(10);
    mx.random.normal([3], mx.float32, undefined, undefined, mx.random.key(1));
    expect(() => mx.random.uniform(0, 1, [2], mx.int32)).toThrow();
    expect(mx.random.normal([3]).tolist()).toEqual(a);
  });
});
