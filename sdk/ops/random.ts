// Ops of the random family: `mx.random.*` (MLX's mlx.core.random); sdk/ops/families.ts
// re-exports this module as the `random` namespace.
//
// Random number generation (MLX's `mlx.core.random`), counter-based like
// JAX's: a key is a uint32 array of shape `[2]`, and the same key always gives
// the same values. Split a key to get independent keys. Functions called
// without a key take the next key of a global sequence (seeded with
// `mx.random.seed`, or from the clock at start-up).
//
// Bits come from Threefry-2x32 (20 rounds) over a counter, laid out as MLX
// does, and are turned into samples by MLX's sequence of operations, so for
// the same key the values can match MLX's.
//
// @example
// const k = mx.random.key(0);
// const keys = mx.random.split(k, 3); // shape [3, 2]: three keys
// mx.random.uniform(0, 1, [3], mx.float32, k); // the same values every time
import { checkDtype, MxArray, wrap } from '../array.js';
import { toNativeStream, type StreamOrDevice } from '../device.js';
import { float32, int32, type Dtype } from '../dtype.js';
import type { NativeArray, NativeStreamArg } from '../native.js';
import { native } from '../native.js';
import { describe, scalar, toArray, type ArrayLike } from './convert.js';

declare module '../native.js' {
  interface NativeAddon {
    randomKey(seedHi: number, seedLo: number): NativeArray;
    randomSeed(seedHi: number, seedLo: number): void;
    randomBits(shape: number[], width: number, key: NativeArray | undefined, s: NativeStreamArg): NativeArray;
    randomSplit(key: NativeArray, num: number, s: NativeStreamArg): NativeArray;
    randomUniform(
      low: NativeArray, high: NativeArray, shape: number[], dtype: number,
      key: NativeArray | undefined, s: NativeStreamArg,
    ): NativeArray;
    randomNormal(
      shape: number[], dtype: number, loc: NativeArray | undefined, scale: NativeArray | undefined,
      key: NativeArray | undefined, s: NativeStreamArg,
    ): NativeArray;
    randomRandint(
      low: NativeArray, high: NativeArray, shape: number[], dtype: number,
      key: NativeArray | undefined, s: NativeStreamArg,
    ): NativeArray;
    randomBernoulli(
      p: NativeArray, shape: number[] | undefined, key: NativeArray | undefined, s: NativeStreamArg,
    ): NativeArray;
  }
}

/** Splits a seed (a non-negative integer below 2^64) into its 32-bit halves. */
function seedHalves(seed: number | bigint, op: string): [number, number] {
  let s: bigint;
  if (typeof seed === 'bigint') {
    s = seed;
  } else if (typeof seed === 'number' && Number.isSafeInteger(seed)) {
    s = BigInt(seed);
  } else {
    throw new Error(`[${op}] Expected an integer seed (a number or a bigint), got ${describe(seed)}.`);
  }
  if (s < 0n || s >= 1n << 64n) {
    throw new Error(`[${op}] The seed must be in [0, 2^64), got ${s}.`);
  }
  return [Number(s >> 32n), Number(s & 0xffffffffn)];
}

function checkShape(shape: unknown, op: string): number[] {
  const s = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d))) {
    throw new Error(`[${op}] Expected a shape (an integer or a list of integers), got ${describe(shape)}.`);
  }
  return s as number[];
}

function checkKey(key: unknown, op: string): NativeArray | undefined {
  if (key === undefined || key === null) return undefined;
  if (!(key instanceof MxArray)) {
    throw new Error(`[${op}] Expected the key to be an array (from mx.random.key), got ${describe(key)}.`);
  }
  return key._native;
}

/**
 * A PRNG key from a seed: `[seed >> 32, seed & 0xffffffff]` as uint32.
 * @param seed an integer in [0, 2^64) (a number up to 2^53, or a bigint)
 */
export function key(seed: number | bigint): MxArray {
  const [hi, lo] = seedHalves(seed, 'key');
  return wrap(native.randomKey(hi, lo));
}

/**
 * Seeds the global key sequence used when no key is passed: after
 * `seed(s)` the same calls give the same values.
 * @param seed an integer in [0, 2^64) (a number up to 2^53, or a bigint)
 */
export function seed(seed: number | bigint): void {
  const [hi, lo] = seedHalves(seed, 'seed');
  native.randomSeed(hi, lo);
}

/**
 * Splits a key into `num` new keys: a uint32 array of shape `[num, 2]`
 * (row `i` is key `i`).
 * @param key a key (uint32, shape `[2]`)
 * @param num the number of keys (default 2)
 */
export function split(key: MxArray, num = 2, stream?: StreamOrDevice): MxArray {
  const k = checkKey(key, 'split');
  if (k === undefined) throw new Error('[split] Expected a key, got undefined.');
  return wrap(native.randomSplit(k, num, toNativeStream(stream)));
}

/**
 * Random bits: an array of `shape` of uint32 (`width` 4), uint16 (2) or
 * uint8 (1) with uniformly distributed bits.
 * @param shape the output shape (default `[]`)
 * @param width bytes per element: 1, 2 or 4 (default 4)
 * @param key a key; the global sequence's next key when absent
 */
export function bits(
  shape: number | number[] = [],
  width = 4,
  key?: MxArray,
  stream?: StreamOrDevice,
): MxArray {
  return wrap(native.randomBits(checkShape(shape, 'bits'), width, checkKey(key, 'bits'), toNativeStream(stream)));
}

/**
 * Uniformly distributed samples in the half-open interval `[low, high)`.
 * `low` and `high` may be arrays broadcastable to `shape`; they are
 * converted to `dtype` first.
 * @param low lower bound (default 0)
 * @param high upper bound (default 1)
 * @param shape the output shape (default `[]`)
 * @param dtype float32 (default), float16 or bfloat16 (float64 is an error, as in MLX)
 * @param key a key; the global sequence's next key when absent
 */
export function uniform(
  low: ArrayLike = 0,
  high: ArrayLike = 1,
  shape: number | number[] = [],
  dtype: Dtype = float32,
  key?: MxArray,
  stream?: StreamOrDevice,
): MxArray {
  const lo = toArray(low, 'uniform', 'low');
  const hi = toArray(high, 'uniform', 'high');
  return wrap(native.randomUniform(
    lo._native, hi._native, checkShape(shape, 'uniform'), checkDtype(dtype, 'uniform').val,
    checkKey(key, 'uniform'), toNativeStream(stream),
  ));
}

/**
 * Normally distributed samples with mean `loc` and standard deviation
 * `scale` (the standard normal when they are absent). For complex64 the
 * real and imaginary parts are independent with variance 1/2 each (before
 * `scale`). `loc` and `scale` may be arrays broadcastable to `shape`; JS
 * numbers take `dtype`.
 * @param shape the output shape (default `[]`)
 * @param dtype a floating dtype or complex64 (default float32)
 * @param loc the mean (default 0)
 * @param scale the standard deviation (default 1)
 * @param key a key; the global sequence's next key when absent
 */
export function normal(
  shape: number | number[] = [],
  dtype: Dtype = float32,
  loc?: ArrayLike,
  scale?: ArrayLike,
  key?: MxArray,
  stream?: StreamOrDevice,
): MxArray {
  const d = checkDtype(dtype, 'normal');
  const param = (x: ArrayLike | undefined, name: string): NativeArray | undefined => {
    if (x === undefined || x === null) return undefined;
    if (typeof x === 'number' || typeof x === 'boolean') {
      return scalar(x, d)._native;
    }
    return toArray(x, 'normal', name)._native;
  };
  return wrap(native.randomNormal(
    checkShape(shape, 'normal'), d.val, param(loc, 'loc'), param(scale, 'scale'),
    checkKey(key, 'normal'), toNativeStream(stream),
  ));
}

/**
 * Random integers in the half-open interval `[low, high)`, equally likely.
 * `low` and `high` may be arrays broadcastable to `shape`. Samples are drawn
 * from a float32 uniform and clamped to `[low, high - 1]` (MLX's method), so
 * intervals wider than 2^24 do not reach every integer.
 * @param low lower bound (inclusive)
 * @param high upper bound (exclusive)
 * @param shape the output shape (default `[]`)
 * @param dtype an integer dtype or bool (default int32)
 * @param key a key; the global sequence's next key when absent
 */
export function randint(
  low: ArrayLike,
  high: ArrayLike,
  shape: number | number[] = [],
  dtype: Dtype = int32,
  key?: MxArray,
  stream?: StreamOrDevice,
): MxArray {
  const lo = toArray(low, 'randint', 'low');
  const hi = toArray(high, 'randint', 'high');
  return wrap(native.randomRandint(
    lo._native, hi._native, checkShape(shape, 'randint'), checkDtype(dtype, 'randint').val,
    checkKey(key, 'randint'), toNativeStream(stream),
  ));
}

/**
 * Bernoulli samples: `true` with probability `p` (bool array). `p` must be
 * a floating array (a JS number is taken as float32, so `1` means 1.0)
 * broadcastable to `shape`; values >= 1 are always true, <= 0 never.
 * @param p the probability (default 0.5)
 * @param shape the output shape (default: p's shape)
 * @param key a key; the global sequence's next key when absent
 */
export function bernoulli(
  p: ArrayLike = 0.5,
  shape?: number | number[],
  key?: MxArray,
  stream?: StreamOrDevice,
): MxArray {
  const pa = typeof p === 'number' ? scalar(p, float32) : toArray(p, 'bernoulli', 'p');
  return wrap(native.randomBernoulli(
    pa._native, shape === undefined || shape === null ? undefined : checkShape(shape, 'bernoulli'),
    checkKey(key, 'bernoulli'), toNativeStream(stream),
  ));
}
