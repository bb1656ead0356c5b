// Ops of the reduce family: reductions over any set of axes (see ../array.ts
// for how families add methods).
import { MxArray, wrap } from '../array.js';
import { toNativeStream, type StreamOrDevice } from '../device.js';
import type { NativeArray, NativeStreamArg } from '../native.js';
import { native } from '../native.js';
import { toArray, type ArrayLike } from './convert.js';

/**
 * Axes to reduce: one axis, a list of axes, or `null`/`undefined` for every axis.
 * Negative axes count from the end. An empty list reduces nothing.
 */
export type Axes = number | readonly number[] | null;

type NativeAxes = number | readonly number[] | null | undefined;

declare module '../native.js' {
  interface NativeAddon {
    sum(a: NativeArray, axis: NativeAxes, keepdims: boolean, s: NativeStreamArg): NativeArray;
    prod(a: NativeArray, axis: NativeAxes, keepdims: boolean, s: NativeStreamArg): NativeArray;
    max(a: NativeArray, axis: NativeAxes, keepdims: boolean, s: NativeStreamArg): NativeArray;
    min(a: NativeArray, axis: NativeAxes, keepdims: boolean, s: NativeStreamArg): NativeArray;
    mean(a: NativeArray, axis: NativeAxes, keepdims: boolean, s: NativeStreamArg): NativeArray;
    all(a: NativeArray, axis: NativeAxes, keepdims: boolean, s: NativeStreamArg): NativeArray;
    any(a: NativeArray, axis: NativeAxes, keepdims: boolean, s: NativeStreamArg): NativeArray;
    logsumexp(a: NativeArray, axis: NativeAxes, keepdims: boolean, s: NativeStreamArg): NativeArray;
    var(a: NativeArray, axis: NativeAxes, keepdims: boolean, ddof: number, s: NativeStreamArg): NativeArray;
    std(a: NativeArray, axis: NativeAxes, keepdims: boolean, ddof: number, s: NativeStreamArg): NativeArray;
    argmax(a: NativeArray, axis: number | null | undefined, keepdims: boolean, s: NativeStreamArg): NativeArray;
    argmin(a: NativeArray, axis: number | null | undefined, keepdims: boolean, s: NativeStreamArg): NativeArray;
  }
}

type AxesOp = 'sum' | 'prod' | 'max' | 'min' | 'mean' | 'all' | 'any' | 'logsumexp';

function axesOp(
  op: AxesOp,
  a: ArrayLike,
  axis: Axes | undefined,
  keepdims: boolean,
  stream: StreamOrDevice,
): MxArray {
  const x = toArray(a, op);
  return wrap(native[op](x._native, axis, keepdims, toNativeStream(stream)));
}

/**
 * Sum over the given axes (every axis by default). bool and integers of up to
 * 4 bytes give int32 (uint32 when unsigned), 64-bit integers keep 64 bits, and
 * floats keep their dtype (float16/bfloat16 accumulate in float32).
 *
 * @example mx.sum(mx.array([[1, 2], [3, 4]]), 0) // array([4, 6], dtype=int32)
 */
export function sum(a: ArrayLike, axis?: Axes, keepdims = false, stream?: StreamOrDevice): MxArray {
  return axesOp('sum', a, axis, keepdims, stream);
}

/** Product over the given axes (every axis by default); dtypes as {@link sum}. */
export function prod(a: ArrayLike, axis?: Axes, keepdims = false, stream?: StreamOrDevice): MxArray {
  return axesOp('prod', a, axis, keepdims, stream);
}

/**
 * Maximum over the given axes (every axis by default). NaN propagates.
 * Reducing an axis of size 0 throws.
 */
export function max(a: ArrayLike, axis?: Axes, keepdims = false, stream?: StreamOrDevice): MxArray {
  return axesOp('max', a, axis, keepdims, stream);
}

/**
 * Minimum over the given axes (every axis by default). NaN propagates.
 * Reducing an axis of size 0 throws.
 */
export function min(a: ArrayLike, axis?: Axes, keepdims = false, stream?: StreamOrDevice): MxArray {
  return axesOp('min', a, axis, keepdims, stream);
}

/**
 * Mean over the given axes (every axis by default). Integers and bool give
 * float32; the mean of no elements is NaN.
 */
export function mean(a: ArrayLike, axis?: Axes, keepdims = false, stream?: StreamOrDevice): MxArray {
  return axesOp('mean', a, axis, keepdims, stream);
}

/** True (bool) where every element along the axes is non-zero; `all` of nothing is true. */
export function all(a: ArrayLike, axis?: Axes, keepdims = false, stream?: StreamOrDevice): MxArray {
  return axesOp('all', a, axis, keepdims, stream);
}

/** True (bool) where any element along the axes is non-zero; `any` of nothing is false. */
export function any(a: ArrayLike, axis?: Axes, keepdims = false, stream?: StreamOrDevice): MxArray {
  return axesOp('any', a, axis, keepdims, stream);
}

/**
 * `log(sum(exp(a), axis))` computed stably: shifted by the maximum, which is
 * returned as is where it is infinite. Integers give float32. An empty array throws.
 */
export function logsumexp(
  a: ArrayLike,
  axis?: Axes,
  keepdims = false,
  stream?: StreamOrDevice,
): MxArray {
  return axesOp('logsumexp', a, axis, keepdims, stream);
}

function variance(
  op: 'var' | 'std',
  a: ArrayLike,
  axis: Axes | undefined,
  keepdims: boolean,
  ddof: number,
  stream: StreamOrDevice,
): MxArray {
  const x = toArray(a, op);
  return wrap(native[op](x._native, axis, keepdims, ddof, toNativeStream(stream)));
}

/**
 * Variance over the given axes (every axis by default), with divisor
 * `N - ddof` (floored at 0). Integers give float32. Exported as `mx.var`.
 */
function varOp(
  a: ArrayLike,
  axis?: Axes,
  keepdims = false,
  ddof = 0,
  stream?: StreamOrDevice,
): MxArray {
  return variance('var', a, axis, keepdims, ddof, stream);
}
export { varOp as var };

/**
 * Standard deviation over the given axes (every axis by default): the square
 * root of {@link var} with the same `ddof`.
 */
export function std(
  a: ArrayLike,
  axis?: Axes,
  keepdims = false,
  ddof = 0,
  stream?: StreamOrDevice,
): MxArray {
  return variance('std', a, axis, keepdims, ddof, stream);
}

/**
 * Indices (uint32) of the maximum along `axis`, or in the row-major flattened
 * array when `axis` is omitted. Ties give the first index; a NaN counts as the
 * maximum. An empty array throws.
 */
export function argmax(
  a: ArrayLike,
  axis?: number | null,
  keepdims = false,
  stream?: StreamOrDevice,
): MxArray {
  const x = toArray(a, 'argmax');
  return wrap(native.argmax(x._native, axis, keepdims, toNativeStream(stream)));
}

/**
 * Indices (uint32) of the minimum along `axis`, or in the row-major flattened
 * array when `axis` is omitted. Ties give the first index; a NaN counts as the
 * minimum. An empty array throws.
 */
export function argmin(
  a: ArrayLike,
  axis?: number | null,
  keepdims = false,
  stream?: StreamOrDevice,
): MxArray {
  const x = toArray(a, 'argmin');
  return wrap(native.argmin(x._native, axis, keepdims, toNativeStream(stream)));
}

// ---- array methods ----

declare module '../array.js' {
  interface MxArray {
    /** See {@link sum}. */
    sum(axis?: Axes, keepdims?: boolean, stream?: StreamOrDevice): MxArray;
    /** See {@link prod}. */
    prod(axis?: Axes, keepdims?: boolean, stream?: StreamOrDevice): MxArray;
    /** See {@link max}. */
    max(axis?: Axes, keepdims?: boolean, stream?: StreamOrDevice): MxArray;
    /** See {@link min}. */
    min(axis?: Axes, keepdims?: boolean, stream?: StreamOrDevice): MxArray;
    /** See {@link mean}. */
    mean(axis?: Axes, keepdims?: boolean, stream?: StreamOrDevice): MxArray;
    /** See {@link all}. */
    all(axis?: Axes, keepdims?: boolean, stream?: StreamOrDevice): MxArray;
    /** See {@link any}. */
    any(axis?: Axes, keepdims?: boolean, stream?: StreamOrDevice): MxArray;
    /** See {@link logsumexp}. */
    logsumexp(axis?: Axes, keepdims?: boolean, stream?: StreamOrDevice): MxArray;
    /** Variance: see `mx.var`. */
    var(axis?: Axes, keepdims?: boolean, ddof?: number, stream?: StreamOrDevice): MxArray;
    /** See {@link std}. */
    std(axis?: Axes, keepdims?: boolean, ddof?: number, stream?: StreamOrDevice): MxArray;
    /** See {@link argmax}. */
    argmax(axis?: number | null, keepdims?: boolean, stream?: StreamOrDevice): MxArray;
    /** See {@link argmin}. */
    argmin(axis?: number | null, keepdims?: boolean, stream?: StreamOrDevice): MxArray;
  }
}

type AxesMethod = (this: MxArray, axis?: Axes, keepdims?: boolean, stream?: StreamOrDevice) => MxArray;
const axesMethod = (op: AxesOp): AxesMethod =>
  function (this: MxArray, axis?: Axes, keepdims = false, stream?: StreamOrDevice) {
    return axesOp(op, this, axis, keepdims, stream);
  };

MxArray.prototype.sum = axesMethod('sum');
MxArray.prototype.prod = axesMethod('prod');
MxArray.prototype.max = axesMethod('max');
MxArray.prototype.min = axesMethod('min');
MxArray.prototype.mean = axesMethod('mean');
MxArray.prototype.all = axesMethod('all');
MxArray.prototype.any = axesMethod('any');
MxArray.prototype.logsumexp = axesMethod('logsumexp');
MxArray.prototype.var = function (this: MxArray, axis?: Axes, keepdims = false, ddof = 0, stream?: StreamOrDevice) {
  return variance('var', this, axis, keepdims, ddof, stream);
};
MxArray.prototype.std = function (this: MxArray, axis?: Axes, keepdims = false, ddof = 0, stream?: StreamOrDevice) {
  return variance('std', this, axis, keepdims, ddof, stream);
};
MxArray.prototype.argmax = function (this: MxArray, axis?: number | null, keepdims = false, stream?: StreamOrDevice) {
  return argmax(this, axis, keepdims, stream);
};
MxArray.prototype.argmin = function (this: MxArray, axis?: number | null, keepdims = false, stream?: StreamOrDevice) {
  return argmin(this, axis, keepdims, stream);
};
