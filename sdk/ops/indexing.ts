// Ops of the indexing family: take and takeAlongAxis.
//
// Indices may have any integer dtype and any shape. A negative index counts
// from the end (i + n). MLX leaves out-of-range array indices undefined; here
// an index still outside [0, n) after that wrap is clamped to 0 or n - 1, so
// it never reads outside the array. A JS integer index is checked eagerly and
// an out-of-range one is an error.
import { MxArray, wrap } from '../array.js';
import { toNativeStream, type StreamOrDevice } from '../device.js';
import type { NativeArray, NativeStreamArg } from '../native.js';
import { native } from '../native.js';
import { describe, toArray, type ArrayLike } from './convert.js';

declare module '../native.js' {
  interface NativeAddon {
    take(
      a: NativeArray,
      indices: NativeArray | { index: number },
      axis: number | null | undefined,
      s: NativeStreamArg,
    ): NativeArray;
    takeAlongAxis(
      a: NativeArray,
      indices: NativeArray,
      axis: number | null | undefined,
      s: NativeStreamArg,
    ): NativeArray;
  }
}

declare module '../array.js' {
  interface MxArray {
    /** `mx.take(this, indices, axis)`: elements at `indices` along `axis`
     * (over the flattened array when `axis` is omitted). */
    take(indices: MxArray | number, axis?: number | null, stream?: StreamOrDevice): MxArray;
  }
}

// An integer index goes as `{ index }`: array handles are numbers too.
function checkIndices(indices: unknown, op: string): NativeArray | { index: number } {
  if (indices instanceof MxArray) return indices._native;
  if (typeof indices === 'number') return { index: indices };
  throw new Error(`[${op}] Expected an integer array or an integer for indices, got ${describe(indices)}.`);
}

function checkIndexArray(indices: unknown, op: string): NativeArray {
  if (indices instanceof MxArray) return indices._native;
  throw new Error(`[${op}] Expected an integer array for indices, got ${describe(indices)}.`);
}

/**
 * Takes elements of `a` at `indices` along `axis` (MLX's `take`).
 *
 * With an axis the result has shape `a.shape[:axis] + indices.shape + a.shape[axis+1:]`
 * (for axis 1 this is `a[:, indices]`); without one `a` is treated as its
 * flattened row-major 1-D version and the result has `indices`' shape.
 * `indices` is an array of any integer dtype and shape, or a JS integer (the
 * axis is then removed: a 0-d result without an axis).
 *
 * Negative indices count from the end. Array indices outside `[-n, n)` are
 * clamped to the nearest end (never an out-of-bounds read); a JS integer out
 * of range throws.
 *
 * Differentiable in `a`: the gradient adds the cotangent back at the taken
 * positions (repeated indices accumulate); the indices get zero gradients.
 *
 * @example
 * mx.take(mx.array([[1, 2], [3, 4]]), mx.array([1, 0]), 1) // [[2, 1], [4, 3]]
 * mx.take(mx.array([[1, 2], [3, 4]]), -1)                  // array(4, dtype=int32)
 */
export function take(
  a: ArrayLike,
  indices: MxArray | number,
  axis?: number | null,
  stream?: StreamOrDevice,
): MxArray {
  const x = toArray(a, 'take');
  return wrap(native.take(x._native, checkIndices(indices, 'take'), axis, toNativeStream(stream)));
}

/**
 * Takes values of `a` at `indices` along `axis` (MLX's `take_along_axis`,
 * numpy's semantics): `indices` has `a`'s number of dimensions and broadcasts
 * against `a` in every dimension but `axis`; the result has the broadcast
 * shape with `indices`' size along `axis`. With `axis` null/omitted `a` is
 * flattened first and `indices` must be 1-D.
 *
 * Index wrapping and clamping as in {@link take}. Differentiable in `a`
 * (gradients accumulate at repeated indices and sum over the dimensions where
 * `a` broadcast); the indices get zero gradients.
 *
 * @example
 * const a = mx.array([[10, 30, 20], [60, 40, 50]]);
 * mx.takeAlongAxis(a, mx.array([[0], [2]]), 1) // [[10], [50]]
 */
export function takeAlongAxis(
  a: ArrayLike,
  indices: MxArray,
  axis?: number | null,
  stream?: StreamOrDevice,
): MxArray {
  const x = toArray(a, 'take_along_axis');
  return wrap(
    native.takeAlongAxis(x._native, checkIndexArray(indices, 'take_along_axis'), axis, toNativeStream(stream)),
  );
}

MxArray.prototype.take = function (
  this: MxArray,
  indices: MxArray | number,
  axis?: number | null,
  stream?: StreamOrDevice,
): MxArray {
  return take(this, indices, axis, stream);
};
