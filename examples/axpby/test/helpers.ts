// Independent models of the kernels' arithmetic (float32, float16 and bfloat16
// rounding, round-to-nearest-even), and inputs to test with.
import * as mx from 'mlx-ts';

/** Rounds to the nearest float16 (ties to even; overflow to ±Infinity). */
export function roundHalf(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const a = Math.abs(v);
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  e = Math.max(e, -14); // subnormals: the spacing of the smallest exponent
  const ulp = 2 ** (e - 10);
  const q = a / ulp;
  const fl = Math.floor(q);
  const d = q - fl;
  const r = d > 0.5 ? fl + 1 : d < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1;
  const out = r * ulp;
  return Math.sign(v) * (out >= 65520 ? Infinity : out);
}

/** Rounds to the nearest bfloat16 (ties to even), from the float32 value. */
export function roundBf16(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer);
  if (Number.isNaN(v)) return NaN;
  u[0] = (u[0] + 0x7fff + ((u[0] >>> 16) & 1)) & 0xffff0000;
  return f[0];
}

/** alpha * x + beta * y with every operation rounded by `round` (the CPU and GPU kernels' order). */
export function axpbyModel(x: number, y: number, alpha: number, beta: number, round: (v: number) => number): number {
  const a = round(Math.fround(alpha));
  const b = round(Math.fround(beta));
  return round(Math.fround(round(Math.fround(a * x)) + round(Math.fround(b * y))));
}

/** Element values of an array as numbers (row-major). */
export function values(a: mx.MxArray): number[] {
  return Array.from(a.astype(mx.float32).toTypedArray() as Float32Array);
}

/** n values in [-4, 4) that are exact in `dtype`. */
export function exactValues(n: number, dtype: mx.Dtype, seed = 1): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const v = (s / 2147483648) * 8 - 4;
    out.push(dtype === mx.float16 ? roundHalf(v) : dtype === mx.bfloat16 ? roundBf16(v) : Math.fround(v));
  }
  return out;
}
