import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as mx from 'mlx-ts';

// numpy fixtures: test/fixtures/indexing/gen_fixtures.py
interface Fixture {
  arange: { start: number; stop: number; step: number; dtype: string; out: number[] }[];
  linspace: { start: number; stop: number; num: number; dtype: string; out: number[] }[];
  linspace_int: { start: number; stop: number; num: number; out: number[] };
  tril: { k: number; x_shape: number[]; x: number[]; tril: number[]; triu: number[] }[];
  view: { from: string; to: string; x_shape: number[]; x: number[]; out_shape: number[]; out: (number | boolean)[] }[];
}
const fx = JSON.parse(
  readFileSync(new URL('./fixtures/indexing/ranges.json', import.meta.url), 'utf8'),
) as Fixture;

function dtype(name: string): mx.Dtype {
  const d = mx.dtypes.find((t) => t.name === name);
  if (!d) throw new Error(`unknown dtype ${name}`);
  return d;
}

function flat(x: mx.MxArray): (number | boolean)[] {
  if (x.dtype === mx.bool_) return Array.from(x.toTypedArray() as Uint8Array, (v) => v !== 0);
  return Array.from(x.astype(mx.float64).toTypedArray() as Float64Array);
}

function shaped(values: number[], shape: number[], dt: mx.Dtype): mx.MxArray {
  return mx.asStrided(mx.array(values, mx.float64).astype(dt), shape);
}

describe('arange (numpy fixture)', () => {
  it.each(fx.arange.map((c) => [c.start, c.stop, c.step, c.dtype, c] as const))(
    'arange(%s, %s, %s, %s)',
    (_a, _b, _c, _d, c) => {
      const out = mx.arange(c.start, c.stop, c.step, dtype(c.dtype));
      expect(out.dtype).toBe(dtype(c.dtype));
      expect(out.shape).toEqual([c.out.length]);
      expect(flat(out)).toEqual(c.out);
    },
  );
});

describe('arange', () => {
  it('resolves the MLX overloads and the default dtype', () => {
    const a = mx.arange(4);
    expect([a.dtype, a.tolist()]).toEqual([mx.int32, [0, 1, 2, 3]]);
    const b = mx.arange(2, 5);
    expect([b.dtype, b.tolist()]).toEqual([mx.int32, [2, 3, 4]]);
    const c = mx.arange(1, 2, 0.25);
    expect([c.dtype, c.tolist()]).toEqual([mx.float32, [1, 1.25, 1.5, 1.75]]);
    const d = mx.arange(2.5);
    expect([d.dtype, d.tolist()]).toEqual([mx.float32, [0, 1, 2]]);
    const e = mx.arange(3, mx.float16);
    expect([e.dtype, e.tolist()]).toEqual([mx.float16, [0, 1, 2]]);
    const f = mx.arange(1, 4, mx.float64);
    expect([f.dtype, f.tolist()]).toEqual([mx.float64, [1, 2, 3]]);
    const g = mx.arange(0, 10, null, mx.int8);
    expect([g.dtype, g.size]).toEqual([mx.int8, 10]);
    const h = mx.arange(0, 6, 2, undefined, mx.cpu);
    expect([h.dtype, h.tolist()]).toEqual([mx.int32, [0, 2, 4]]);
    const i = mx.arange(3, null, mx.cpu);
    expect(i.tolist()).toEqual([0, 1, 2]);
    // An integer that does not fit int32 makes int64 (MLX's rule).
    const j = mx.arange(0, 2 ** 32, 2 ** 31);
    expect([j.dtype, j.tolist()]).toEqual([mx.int64, [0, 2 ** 31]]);
    // A fractional step makes float32 even with integer bounds.
    expect(mx.arange(0, 1, 0.5).dtype).toBe(mx.float32);
  });

  it('handles empty ranges, negative steps and infinite steps', () => {
    expect(mx.arange(5, 2).shape).toEqual([0]);
    expect(mx.arange(0, 5, -1).shape).toEqual([0]);
    expect(mx.arange(5, 0, -2).tolist()).toEqual([5, 3, 1]);
    expect(mx.arange(2, 3, Infinity).tolist()).toEqual([2]);
    expect(mx.arange(2, 3, -Infinity).shape).toEqual([0]);
  });

  it('computes start + i * step in float32 without accumulating error', () => {
    const n = 1_000_000;
    const out = mx.arange(0, n * 0.1, 0.1).toTypedArray() as Float32Array;
    expect(out.length).toBe(Math.ceil((n * 0.1) / 0.1));
    const f = Math.fround;
    const s = f(0);
    const d = f(f(0.1) - s);
    let bad = 0;
    for (let i = 0; i < out.length; ++i) if (out[i] !== f(s + f(f(i) * d))) ++bad;
    expect(bad).toBe(0);
  });

  it('computes bfloat16, float16 and complex64 ranges', () => {
    expect(mx.arange(0, 2, 0.25, mx.bfloat16).tolist()).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]);
    // numpy's rule: start' = bf16(257) = 256 and step' = bf16(258) - bf16(257) = 2.
    expect(mx.arange(257, 260, 1, mx.bfloat16).tolist()).toEqual([256, 258, 260]);
    expect(mx.arange(-1, 1, 0.5, mx.float16).tolist()).toEqual([-1, -0.5, 0, 0.5]);
    expect(mx.arange(0, 3, 1, mx.complex64).tolist()).toEqual([
      { re: 0, im: 0 },
      { re: 1, im: 0 },
      { re: 2, im: 0 },
    ]);
  });

  it('rejects bad input with messages', () => {
    expect(() => mx.arange(0, 10, 0)).toThrow('[arange] step must be nonzero, got 0.');
    expect(() => mx.arange(0, NaN)).toThrow(
      '[arange] Cannot compute length: start and stop must be finite and step not NaN, got start=0, stop=nan, step=1.',
    );
    expect(() => mx.arange(0, Infinity, 1)).toThrow('[arange] Cannot compute length');
    expect(() => mx.arange(0, 1, NaN)).toThrow('[arange] Cannot compute length');
    expect(() => mx.arange(5, mx.bool_)).toThrow('[arange] The dtype bool is not supported.');
    expect(() => mx.arange(0, 1e12, 1e-3)).toThrow('[arange] Maximum size exceeded');
    expect(() => (mx.arange as (...a: unknown[]) => mx.MxArray)()).toThrow(
      '[arange] Expected 1 to 3 numbers (stop; start, stop; or start, stop, step), got 0.',
    );
    expect(() => (mx.arange as (...a: unknown[]) => mx.MxArray)(1, 2, 3, 4)).toThrow(
      '[arange] Expected 1 to 3 numbers (stop; start, stop; or start, stop, step), got 4.',
    );
    expect(() => mx.arange('5' as unknown as number)).toThrow('[arange] Expected a number for stop, got string 5.');
    expect(() => (mx.arange as (...a: unknown[]) => mx.MxArray)(1, mx.int32, mx.cpu, 3)).toThrow(
      '[arange] Too many arguments',
    );
  });
});

describe('linspace', () => {
  it.each(fx.linspace.map((c) => [c.start, c.stop, c.num, c.dtype, c] as const))(
    'linspace(%s, %s, %s, %s) matches numpy',
    (_a, _b, _c, _d, c) => {
      const out = mx.linspace(c.start, c.stop, c.num, dtype(c.dtype));
      expect(out.dtype).toBe(dtype(c.dtype));
      expect(flat(out)).toEqual(c.out);
    },
  );

  it('defaults to 50 float32 samples', () => {
    const out = mx.linspace(0, 49);
    expect([out.dtype, out.shape]).toEqual([mx.float32, [50]]);
    expect(out.tolist()).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('truncates toward zero for integer dtypes (MLX astype)', () => {
    const c = fx.linspace_int;
    expect(mx.linspace(c.start, c.stop, c.num, mx.int32).tolist()).toEqual(c.out);
    expect(mx.linspace(0, 1, 3, mx.bool_).tolist()).toEqual([false, true, true]);
  });

  it('rejects bad input with messages', () => {
    expect(() => mx.linspace(0, 1, -1)).toThrow('[linspace] The number of samples must be non-negative, got -1.');
    expect(() => mx.linspace(0, 1, 2.5)).toThrow('[linspace] Expected an integer for num, got number 2.5.');
    expect(() => mx.linspace(0, 1, 3, 'f' as unknown as mx.Dtype)).toThrow('[linspace] Expected a dtype');
  });
});

/** Hand expectation: value(i, j) for an n x m matrix. */
function matrix(n: number, m: number, f: (i: number, j: number) => number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => f(i, j)));
}

describe('eye, identity, tri', () => {
  it('eye puts ones on diagonal k', () => {
    for (const [n, m, k] of [[3, 3, 0], [2, 4, 1], [4, 2, -1], [3, 5, 4], [3, 3, 5], [3, 3, -3], [5, 3, -2]]) {
      const out = mx.eye(n, m, k);
      expect(out.dtype).toBe(mx.float32);
      expect(out.tolist()).toEqual(matrix(n, m, (i, j) => (j - i === k ? 1 : 0)));
    }
    expect(mx.eye(3).tolist()).toEqual(matrix(3, 3, (i, j) => (i === j ? 1 : 0)));
    expect(mx.eye(2, null, 1).tolist()).toEqual([[0, 1], [0, 0]]);
    expect(mx.eye(0).shape).toEqual([0, 0]);
    expect(mx.eye(3, 0).shape).toEqual([3, 0]);
  });

  it('eye and identity in every dtype', () => {
    for (const dt of [mx.bool_, mx.uint8, mx.int16, mx.int32, mx.int64, mx.float16, mx.bfloat16, mx.float64, mx.complex64]) {
      const out = mx.eye(2, 3, 0, dt);
      expect(out.dtype).toBe(dt);
      expect(out.tolist()).toEqual(mx.array([[1, 0, 0], [0, 1, 0]], dt).tolist());
      expect(mx.identity(2, dt).tolist()).toEqual(mx.array([[1, 0], [0, 1]], dt).tolist());
    }
    expect(mx.identity(3).tolist()).toEqual(matrix(3, 3, (i, j) => (i === j ? 1 : 0)));
    expect(mx.identity(3).dtype).toBe(mx.float32);
  });

  it('tri puts ones at and below diagonal k', () => {
    for (const [n, m, k] of [[3, 3, 0], [3, 3, -1], [2, 4, 1], [4, 2, -2], [3, 3, 5], [3, 3, -5]]) {
      expect(mx.tri(n, m, k).tolist()).toEqual(matrix(n, m, (i, j) => (j <= i + k ? 1 : 0)));
    }
    expect(mx.tri(3).tolist()).toEqual(matrix(3, 3, (i, j) => (j <= i ? 1 : 0)));
    const b = mx.tri(2, 3, 0, mx.bool_);
    expect([b.dtype, b.tolist()]).toEqual([mx.bool_, [[true, false, false], [true, true, false]]]);
    expect(mx.tri(2, 2, 0, mx.float16).tolist()).toEqual([[1, 0], [1, 1]]);
  });

  it('fills large matrices across threads', () => {
    const n = 700;
    const e = mx.eye(n, n + 3, 2).toTypedArray() as Float32Array;
    const t = mx.tri(n, n + 3, -1, mx.int8).toTypedArray() as Int8Array;
    let bad = 0;
    for (let i = 0; i < n; ++i) {
      for (let j = 0; j < n + 3; ++j) {
        if (e[i * (n + 3) + j] !== (j - i === 2 ? 1 : 0)) ++bad;
        if (t[i * (n + 3) + j] !== (j <= i - 1 ? 1 : 0)) ++bad;
      }
    }
    expect(bad).toBe(0);
  });

  it('rejects bad input with messages', () => {
    expect(() => mx.eye(-1)).toThrow('[eye] The number of rows and columns must be non-negative, got n=-1, m=-1.');
    expect(() => mx.eye(2, -3)).toThrow('[eye] The number of rows and columns must be non-negative, got n=2, m=-3.');
    expect(() => mx.identity(-2)).toThrow('[identity] The number of rows and columns must be non-negative, got n=-2, m=-2.');
    expect(() => mx.tri(2, -1)).toThrow('[tri] The number of rows and columns must be non-negative, got n=2, m=-1.');
    expect(() => mx.eye(2.5)).toThrow('[eye] Expected an integer for n, got number 2.5.');
    expect(() => mx.tri(2, 2, 0.5)).toThrow('[tri] Expected an integer for k, got number 0.5.');
    expect(() => mx.eye(2, 2, 0, 'x' as unknown as mx.Dtype)).toThrow('[eye] Expected a dtype');
  });
});

describe('tril, triu', () => {
  it.each(fx.tril.map((c) => [c.k, c] as const))('k=%s matches numpy on a batch of matrices', (_k, c) => {
    const x = shaped(c.x, c.x_shape, mx.float32);
    expect(flat(mx.tril(x, c.k))).toEqual(c.tril);
    expect(flat(mx.triu(x, c.k))).toEqual(c.triu);
  });

  it('defaults to k = 0 and keeps the dtype', () => {
    for (const dt of [mx.bool_, mx.int8, mx.uint16, mx.int64, mx.float16, mx.bfloat16, mx.float64, mx.complex64]) {
      const x = mx.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dt);
      const l = mx.tril(x);
      const u = mx.triu(x);
      expect([l.dtype, u.dtype]).toEqual([dt, dt]);
      expect(l.tolist()).toEqual(mx.array([[1, 0, 0], [4, 5, 0], [7, 8, 9]], dt).tolist());
      expect(u.tolist()).toEqual(mx.array([[1, 2, 3], [0, 5, 6], [0, 0, 9]], dt).tolist());
    }
  });

  it('reads transposed, offset and broadcast inputs', () => {
    const base = mx.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const t = mx.asStrided(base, [4, 3], [1, 4]); // t[i][j] = 4j + i
    expect(mx.tril(t).tolist()).toEqual([[0, 0, 0], [1, 5, 0], [2, 6, 10], [3, 7, 11]]);
    expect(mx.triu(t, 1).tolist()).toEqual([[0, 4, 8], [0, 0, 9], [0, 0, 0], [0, 0, 0]]);
    const off = mx.asStrided(base, [2, 2], [4, 2], 1); // [[1, 3], [5, 7]]
    expect(mx.tril(off).tolist()).toEqual([[1, 0], [5, 7]]);
    expect(mx.triu(off, -1).tolist()).toEqual([[1, 3], [5, 7]]);
    // The same matrix broadcast over a batch of 2 (stride 0).
    const bc = mx.asStrided(base, [2, 2, 3], [0, 3, 1]);
    expect(mx.triu(bc).tolist()).toEqual([
      [[0, 1, 2], [0, 4, 5]],
      [[0, 1, 2], [0, 4, 5]],
    ]);
  });

  it('masks large batches across threads', () => {
    const [b, n, m] = [3, 300, 200];
    const data = new Float32Array(b * n * m).fill(1);
    const x = mx.asStrided(mx.array(data), [b, n, m]);
    const l = mx.tril(x, 10).toTypedArray() as Float32Array;
    const u = mx.triu(x, -20).toTypedArray() as Float32Array;
    let bad = 0;
    for (let z = 0; z < b; ++z) {
      for (let i = 0; i < n; ++i) {
        for (let j = 0; j < m; ++j) {
          const p = (z * n + i) * m + j;
          if (l[p] !== (j <= i + 10 ? 1 : 0)) ++bad;
          if (u[p] !== (j >= i - 20 ? 1 : 0)) ++bad;
        }
      }
    }
    expect(bad).toBe(0);
  });

  it('rejects arrays with fewer than 2 dimensions', () => {
    expect(() => mx.tril(mx.array([1, 2, 3]))).toThrow(
      '[tril] Expected an array with at least 2 dimensions, got 1 (shape (3,)).',
    );
    expect(() => mx.triu(mx.array(1))).toThrow('[triu] Expected an array with at least 2 dimensions, got 0 (shape ()).');
    expect(() => mx.tril(mx.eye(2), 0.5)).toThrow('[tril] Expected an integer for k, got number 0.5.');
  });
});

describe('view', () => {
  it.each(fx.view.map((c) => [c.from, c.to, c] as const))('%s -> %s matches numpy', (_f, _t, c) => {
    const x = shaped(c.x, c.x_shape, dtype(c.from));
    const out = mx.view(x, dtype(c.to));
    expect(out.dtype).toBe(dtype(c.to));
    expect(out.shape).toEqual(c.out_shape);
    expect(flat(out)).toEqual(c.out);
  });

  /** Little-endian bytes of float32 values. */
  function bytesOf(values: number[]): number[] {
    return Array.from(new Uint8Array(new Float32Array(values).buffer));
  }

  it('reinterprets same-size types, scalars included, and works as a method', () => {
    expect(mx.view(mx.array([1, -2], mx.float32), mx.uint32).tolist()).toEqual([0x3f800000, 0xc0000000]);
    expect(mx.view(mx.array(1, mx.float32), mx.int32).item()).toBe(0x3f800000);
    expect(mx.array([-1], mx.int16).view(mx.uint16).tolist()).toEqual([65535]);
    expect(mx.view(1, mx.uint32).item()).toBe(1); // a JS integer is int32
    const same = mx.array([1, 2]);
    expect(mx.view(same, mx.int32).tolist()).toEqual([1, 2]);
    expect(mx.view(mx.array([1, 0], mx.uint8), mx.bool_).tolist()).toEqual([true, false]);
  });

  it('views transposed, offset, broadcast and row-strided inputs', () => {
    const base = [1.5, -2, 3.25, 1e-8, 65504, -0.5];
    const a = mx.array(base, mx.float32);
    // Transposed 2x3 -> 3x2: compacts, then splits each float into 4 bytes.
    const t = mx.asStrided(a, [3, 2], [1, 3]);
    const tv = mx.view(t, mx.uint8);
    expect(tv.shape).toEqual([3, 8]);
    expect(flat(tv)).toEqual(bytesOf([1.5, 1e-8, -2, 65504, 3.25, -0.5]));
    // Rows with a gap (last axis contiguous): viewed in place as uint16.
    const wide = mx.array(Array.from({ length: 12 }, (_, i) => i * 1.25 - 3), mx.float32);
    const rows = mx.asStrided(wide, [3, 2], [4, 1], 1); // elements 1,2 / 5,6 / 9,10
    const rv = mx.view(rows, mx.uint16);
    expect(rv.shape).toEqual([3, 4]);
    const picked = [1, 2, 5, 6, 9, 10].map((i) => i * 1.25 - 3);
    expect(flat(rv)).toEqual(Array.from(new Uint16Array(new Float32Array(picked).buffer)));
    // Larger type from a non-contiguous input.
    const i16 = mx.array([1, 2, 3, 4, 5, 6, 7, 8], mx.int16);
    const cols = mx.asStrided(i16, [2, 2], [4, 1], 2); // [[3, 4], [7, 8]]
    expect(mx.view(cols, mx.int32).tolist()).toEqual([[3 + 4 * 65536], [7 + 8 * 65536]]);
    // Broadcast rows: materialized before the view.
    const bc = mx.asStrided(mx.array([1, 2], mx.int16), [3, 2], [0, 1]);
    expect(mx.view(bc, mx.int32).tolist()).toEqual([[131073], [131073], [131073]]);
  });

  it('views a misaligned start by copying', () => {
    const u8 = mx.array([1, 2, 3, 4, 5, 6, 7, 8, 9], mx.uint8);
    const shifted = mx.asStrided(u8, [8], [1], 1); // bytes 2..9
    const v = mx.view(shifted, mx.int32);
    const dv = new DataView(new Uint8Array([2, 3, 4, 5, 6, 7, 8, 9]).buffer);
    expect(v.tolist()).toEqual([dv.getInt32(0, true), dv.getInt32(4, true)]);
    const w = mx.view(mx.asStrided(u8, [2, 4], [4, 1], 1), mx.float32);
    expect(w.shape).toEqual([2, 1]);
    expect(flat(w)).toEqual([dv.getFloat32(0, true), dv.getFloat32(4, true)]);
  });

  it('rejects bad input with messages', () => {
    expect(() => mx.view(mx.array(1, mx.float32), mx.uint8)).toThrow(
      '[view] Changing the type of a scalar is only allowed for types with the same size, got float32 (4 bytes) to uint8 (1 bytes).',
    );
    expect(() => mx.view(mx.array([1, 2, 3], mx.uint8), mx.int16)).toThrow(
      '[view] When viewing as a larger dtype, the size in bytes of the last axis must be a multiple of the requested type size, got a last axis of 3 x 1 bytes for int16 (2 bytes).',
    );
    expect(() => mx.view(mx.array([1]), 'int8' as unknown as mx.Dtype)).toThrow('[view] Expected a dtype');
  });
});
