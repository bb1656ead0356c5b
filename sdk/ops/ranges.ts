// Ranges and structured matrices (arange, linspace, eye, identity, tri,
// tril, triu) and `view`, which reads an array's bytes as another dtype.
import { checkDtype, MxArray, wrap } from '../array.js';
import { Device, Stream, toNativeStream, type StreamOrDevice } from '../device.js';
import { Dtype, float32, int32, int64 } from '../dtype.js';
import type { NativeArray, NativeStreamArg } from '../native.js';
import { native } from '../native.js';
import { describe, toArray, type ArrayLike } from './convert.js';

declare module '../native.js' {
  interface NativeAddon {
    arange(start: number, stop: number, step: number, dtype: number, s: NativeStreamArg): NativeArray;
    linspace(
      start: number,
      stop: number,
      num: number,
      endpoint: boolean,
      dtype: number,
      s: NativeStreamArg,
    ): NativeArray;
    eye(n: number, m: number, k: number, dtype: number, s: NativeStreamArg): NativeArray;
    identity(n: number, dtype: number, s: NativeStreamArg): NativeArray;
    tri(n: number, m: number, k: number, dtype: number, s: NativeStreamArg): NativeArray;
    tril(x: NativeArray, k: number, s: NativeStreamArg): NativeArray;
    triu(x: NativeArray, k: number, s: NativeStreamArg): NativeArray;
    view(a: NativeArray, dtype: number, s: NativeStreamArg): NativeArray;
  }
}

declare module '../array.js' {
  interface MxArray {
    /** `mx.view(this, dtype)`: the same bytes read as `dtype`. */
    view(dtype: Dtype, stream?: StreamOrDevice): MxArray;
  }
}

function optionalDtype(d: unknown, fallback: Dtype, op: string): Dtype {
  return d === undefined || d === null ? fallback : checkDtype(d, op);
}

function checkInt(v: unknown, op: string, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new Error(`[${op}] Expected an integer for ${name}, got ${describe(v)}.`);
  }
  return v;
}

/** The dtype MLX gives `arange` for these JS numbers: int32 when all are
 * integers (int64 when one does not fit in int32), else float32. */
function arangeDtype(values: number[]): Dtype {
  if (!values.every(Number.isInteger)) return float32;
  return values.every((v) => v >= -(2 ** 31) && v < 2 ** 31) ? int32 : int64;
}

/**
 * Evenly spaced values in the half-open interval `[start, stop)` (MLX's `arange`).
 *
 * Overloads as in MLX: `arange(stop)`, `arange(start, stop)`,
 * `arange(start, stop, step)`, each optionally followed by a dtype and a
 * stream. `start` defaults to 0 and `step` to 1 (`null` for step means 1).
 * Without a dtype the result is int32 when every given number is an integer
 * (int64 if one does not fit in int32), else float32 — JS cannot tell `1.0`
 * from `1`, so pass `mx.float32` when you mean floats.
 *
 * The length is `ceil((stop - start) / step)` (0 when negative). As in numpy,
 * element `i` is `start' + i * step'` computed in the output dtype, where
 * `start' = dtype(start)` and `step' = dtype(start + step) - dtype(start)`.
 * Throws for a zero step, NaN, infinite start/stop, and bool dtype.
 *
 * @example
 * mx.arange(4)                   // array([0, 1, 2, 3], dtype=int32)
 * mx.arange(1, 2, 0.25)          // array([1, 1.25, 1.5, 1.75], dtype=float32)
 * mx.arange(3, mx.float16)       // array([0, 1, 2], dtype=float16)
 */
export function arange(stop: number, dtype?: Dtype | null, stream?: StreamOrDevice): MxArray;
export function arange(start: number, stop: number, dtype?: Dtype | null, stream?: StreamOrDevice): MxArray;
export function arange(
  start: number,
  stop: number,
  step?: number | null,
  dtype?: Dtype | null,
  stream?: StreamOrDevice,
): MxArray;
export function arange(...args: unknown[]): MxArray {
  // Leading numbers are start/stop/step; then an optional dtype and stream.
  let split = args.findIndex((v) => v instanceof Dtype || v instanceof Device || v instanceof Stream);
  if (split < 0) split = args.length;
  const nums = args.slice(0, split);
  while (nums.length > 0 && (nums[nums.length - 1] === undefined || nums[nums.length - 1] === null)) nums.pop();
  let rest = args.slice(split);
  if (nums.length === 0 || nums.length > 3) {
    throw new Error(
      `[arange] Expected 1 to 3 numbers (stop; start, stop; or start, stop, step), got ${nums.length}.`,
    );
  }
  nums.forEach((v, i) => {
    if (typeof v !== 'number' && !(i === 2 && (v === null || v === undefined))) {
      throw new Error(`[arange] Expected a number for ${['start', 'stop', 'step'][nums.length === 1 ? 1 : i]}, got ${describe(v)}.`);
    }
  });
  const given = nums.filter((v): v is number => typeof v === 'number');
  const [start, stop, step] = nums.length === 1 ? [0, nums[0] as number, 1] : [nums[0] as number, nums[1] as number, (nums[2] as number | undefined) ?? 1];
  let dtype: Dtype | undefined;
  if (rest[0] instanceof Dtype) {
    dtype = rest[0];
    rest = rest.slice(1);
  }
  if (rest.length > 1) throw new Error(`[arange] Too many arguments: expected (start, stop, step, dtype, stream).`);
  const stream = rest[0] as StreamOrDevice;
  const d = dtype ?? arangeDtype(given);
  return wrap(native.arange(start, stop, step, d.val, toNativeStream(stream)));
}

/**
 * `num` evenly spaced values over the closed interval `[start, stop]` (MLX's
 * `linspace`), float32 by default. Values are computed as numpy does (in
 * double: `start + i * (stop - start) / (num - 1)`, the last exactly `stop`)
 * and then cast to `dtype`; casting to an integer dtype truncates toward zero
 * (MLX's astype), where numpy would floor.
 *
 * @example
 * mx.linspace(0, 1, 5) // array([0, 0.25, 0.5, 0.75, 1], dtype=float32)
 */
export function linspace(
  start: number,
  stop: number,
  num = 50,
  dtype: Dtype | null = float32,
  stream?: StreamOrDevice,
): MxArray {
  if (typeof start !== 'number') throw new Error(`[linspace] Expected a number for start, got ${describe(start)}.`);
  if (typeof stop !== 'number') throw new Error(`[linspace] Expected a number for stop, got ${describe(stop)}.`);
  const n = checkInt(num, 'linspace', 'num');
  const d = optionalDtype(dtype, float32, 'linspace');
  return wrap(native.linspace(start, stop, n, true, d.val, toNativeStream(stream)));
}

/**
 * An `n x m` matrix (m defaults to n) with ones on the `k`-th diagonal and
 * zeros elsewhere (MLX's `eye`); `k > 0` is above the main diagonal, `k < 0`
 * below. float32 by default.
 *
 * @example
 * mx.eye(2, 3, 1) // [[0, 1, 0], [0, 0, 1]]
 */
export function eye(
  n: number,
  m?: number | null,
  k = 0,
  dtype: Dtype | null = float32,
  stream?: StreamOrDevice,
): MxArray {
  const rows = checkInt(n, 'eye', 'n');
  const cols = m === undefined || m === null ? rows : checkInt(m, 'eye', 'm');
  const diag = checkInt(k, 'eye', 'k');
  const d = optionalDtype(dtype, float32, 'eye');
  return wrap(native.eye(rows, cols, diag, d.val, toNativeStream(stream)));
}

/** The `n x n` identity matrix (MLX's `identity`), float32 by default. */
export function identity(n: number, dtype: Dtype | null = float32, stream?: StreamOrDevice): MxArray {
  const d = optionalDtype(dtype, float32, 'identity');
  return wrap(native.identity(checkInt(n, 'identity', 'n'), d.val, toNativeStream(stream)));
}

/**
 * An `n x m` matrix (m defaults to n) with ones at and below the `k`-th
 * diagonal and zeros above it (MLX's `tri`), float32 by default.
 *
 * @example
 * mx.tri(3, 3, -1) // [[0, 0, 0], [1, 0, 0], [1, 1, 0]]
 */
export function tri(
  n: number,
  m?: number | null,
  k = 0,
  dtype: Dtype | null = float32,
  stream?: StreamOrDevice,
): MxArray {
  const rows = checkInt(n, 'tri', 'n');
  const cols = m === undefined || m === null ? rows : checkInt(m, 'tri', 'm');
  const diag = checkInt(k, 'tri', 'k');
  const d = optionalDtype(dtype, float32, 'tri');
  return wrap(native.tri(rows, cols, diag, d.val, toNativeStream(stream)));
}

/**
 * The lower triangle of `x` (MLX's `tril`): elements above the `k`-th
 * diagonal of the last two dimensions become zero. `x` must be at least 2-D;
 * the dtype is kept.
 */
export function tril(x: MxArray, k = 0, stream?: StreamOrDevice): MxArray {
  const a = toArray(x, 'tril');
  return wrap(native.tril(a._native, checkInt(k, 'tril', 'k'), toNativeStream(stream)));
}

/**
 * The upper triangle of `x` (MLX's `triu`): elements below the `k`-th
 * diagonal of the last two dimensions become zero. `x` must be at least 2-D;
 * the dtype is kept.
 */
export function triu(x: MxArray, k = 0, stream?: StreamOrDevice): MxArray {
  const a = toArray(x, 'triu');
  return wrap(native.triu(a._native, checkInt(k, 'triu', 'k'), toNativeStream(stream)));
}

/**
 * The bytes of `a` read as `dtype` (MLX's `view`). When the item sizes differ
 * the last axis scales by their ratio: viewing as a larger type needs the
 * last axis' byte size to be a multiple of the new item size; a 0-d array can
 * only change to a type of the same size. Shares memory when the layout
 * allows (not guaranteed: only the bytes are). Works under `vmap`; not
 * differentiable (as in MLX, `grad`/`vjp`/`jvp` through it throw).
 *
 * @example
 * mx.view(mx.array([1], mx.float32), mx.uint32) // array([1065353216], dtype=uint32)
 */
export function view(a: ArrayLike, dtype: Dtype, stream?: StreamOrDevice): MxArray {
  const x = toArray(a, 'view');
  return wrap(native.view(x._native, checkDtype(dtype, 'view').val, toNativeStream(stream)));
}

MxArray.prototype.view = function (this: MxArray, dtype: Dtype, stream?: StreamOrDevice): MxArray {
  return view(this, dtype, stream);
};
