// Shared pieces of the custom-kernel suites: the devices they run on and
// small numeric helpers.
import * as mx from 'mlx-ts';

/** Every device a kernel suite runs on: the CPU always, the GPU when one is present. */
export const KERNEL_DEVICES: mx.Device[] = [mx.cpu, ...(mx.isAvailable(mx.gpu) ? [mx.gpu] : [])];

/** Values of an array as plain numbers. */
export function values(a: mx.MxArray): number[] {
  return Array.from(a.astype(mx.float32).toTypedArray() as Float32Array);
}

/** Deterministic values in [lo, hi) (a small LCG, independent of mx.random). */
export function lcg(n: number, seed = 1, lo = -1, hi = 1): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(lo + ((hi - lo) * s) / 2 ** 32);
  }
  return out;
}

/** Max |a - b| over two equal-length lists. */
export function maxAbsDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
}
