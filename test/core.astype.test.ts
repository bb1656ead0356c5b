import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as mx from 'mlx-ts';

interface Case {
  src: string;
  dst: string;
  values: number[];
  expected: (number | boolean | [number, number])[];
}
const cases = JSON.parse(
  readFileSync(new URL('./fixtures/core/astype.json', import.meta.url), 'utf8'),
) as Case[];

function dtype(name: string): mx.Dtype {
  const d = mx.dtypes.find((t) => t.name === name);
  if (!d) throw new Error(`unknown dtype ${name}`);
  return d;
}

function normalise(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && 're' in v) {
    const c = v as { re: number; im: number };
    return [c.re, c.im];
  }
  return v;
}

describe('astype between every pair of dtypes (numpy fixture)', () => {
  it.each(cases.map((c) => [c.src, c.dst, c] as const))('%s -> %s', (_s, _d, c) => {
    const a = mx.array(c.values, mx.float64).astype(dtype(c.src));
    const got = (a.astype(dtype(c.dst)).tolist() as unknown[]).map(normalise);
    expect(got).toEqual(c.expected);
  });
});

describe('astype to and from bfloat16', () => {
  it('rounds to nearest even with 8 significant bits', () => {
    // 257 lies halfway between 256 and 258: ties to even (256); 259 -> 260.
    expect(mx.array([257, 259, -1.5, 0.1], mx.float32).astype(mx.bfloat16).tolist()).toEqual([
      256, 260, -1.5, 0.10009765625,
    ]);
    expect(mx.array([300], mx.bfloat16).astype(mx.int32).tolist()).toEqual([300]);
    expect(mx.array([2.5], mx.bfloat16).astype(mx.float16).tolist()).toEqual([2.5]);
    expect(mx.array([NaN, Infinity], mx.float32).astype(mx.bfloat16).tolist()).toEqual([NaN, Infinity]);
  });
  it('wraps negative integers into unsigned types like C and numpy', () => {
    expect(mx.array([-1, -2], mx.int32).astype(mx.uint8).tolist()).toEqual([255, 254]);
    expect(mx.array([-1], mx.int8).astype(mx.uint32).tolist()).toEqual([4294967295]);
  });
  it('keeps a strided view\'s values through a cast', () => {
    const a = mx.array([[1, 2, 3], [4, 5, 6]], mx.int32);
    const t = mx.asStrided(a, [3, 2], [1, 3]);
    expect(t.astype(mx.float16).tolist()).toEqual([[1, 4], [2, 5], [3, 6]]);
    const b = mx.asStrided(mx.array([7, 8], mx.int32), [2, 2], [0, 1]);
    expect(b.astype(mx.float64).tolist()).toEqual([[7, 8], [7, 8]]);
  });
});
