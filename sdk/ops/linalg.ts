// Ops of the linalg family: matrix products.
import { MxArray, wrap } from '../array.js';
import { toNativeStream, type StreamOrDevice } from '../device.js';
import { promoteTypes } from '../dtype.js';
import type { NativeArray, NativeStreamArg } from '../native.js';
import { native } from '../native.js';
import { describe, scalar, toArray, weakScalarDtype, type ArrayLike } from './convert.js';

declare module '../native.js' {
  interface NativeAddon {
    matmul(a: NativeArray, b: NativeArray, s: NativeStreamArg): NativeArray;
    addmm(
      c: NativeArray, a: NativeArray, b: NativeArray, alpha: number, beta: number,
      s: NativeStreamArg,
    ): NativeArray;
  }
}

declare module '../array.js' {
  interface MxArray {
    /** Matrix product `this @ b` (see {@link matmul}). */
    matmul(b: ArrayLike, stream?: StreamOrDevice): MxArray;
  }
}

function checkScalar(x: unknown, op: string, name: string): number {
  if (typeof x !== 'number') {
    throw new Error(`[${op}] Expected a number for ${name}, got ${describe(x)}.`);
  }
  return x;
}

/**
 * Matrix product with numpy semantics (MLX's `matmul`, Python's `a @ b`).
 *
 * - 2-D inputs multiply as matrices: `(M, K) @ (K, N)` gives `(M, N)`.
 * - Inputs with more dimensions are stacks of matrices in the last two
 *   dimensions; the leading (batch) dimensions broadcast.
 * - A 1-D first input is a row vector (a 1 is prepended to its shape), a 1-D
 *   second input a column vector (a 1 is appended); that dimension is removed
 *   from the result.
 *
 * The inputs are promoted to a common dtype, which must be inexact (float16,
 * bfloat16, float32, float64 or complex64): integer and bool products are an
 * error, as in MLX. 0-d inputs are an error.
 *
 * @example
 * mx.matmul(mx.ones([2, 3]), mx.ones([3, 4])).shape; // [2, 4]
 */
export function matmul(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  const x = toArray(a, 'matmul', 'a');
  const y = toArray(b, 'matmul', 'b');
  return wrap(native.matmul(x._native, y._native, toNativeStream(stream)));
}

/**
 * `alpha * (a @ b) + beta * c`, fused (MLX's `addmm`). `a` and `b` follow the
 * rules of {@link matmul}; `c` must broadcast to the shape of `a @ b`. The
 * result's dtype is the promotion of all three inputs and must be inexact
 * (a JS number for `c` does not widen it: it takes the dtype of `a @ b`).
 *
 * @param c the added array (broadcast to the output)
 * @param a the first factor
 * @param b the second factor
 * @param alpha scale of the product (default 1)
 * @param beta scale of `c` (default 1)
 */
export function addmm(
  c: ArrayLike,
  a: ArrayLike,
  b: ArrayLike,
  alpha = 1,
  beta = 1,
  stream?: StreamOrDevice,
): MxArray {
  const x = toArray(a, 'addmm', 'a');
  const y = toArray(b, 'addmm', 'b');
  // A JS number for c is weak: it takes the dtype of a @ b (MLX's scalar rule).
  const z = typeof c === 'number' || typeof c === 'boolean'
    ? scalar(c, weakScalarDtype(c, promoteTypes(x.dtype, y.dtype)))
    : toArray(c, 'addmm', 'c');
  return wrap(native.addmm(
    z._native, x._native, y._native, checkScalar(alpha, 'addmm', 'alpha'),
    checkScalar(beta, 'addmm', 'beta'), toNativeStream(stream),
  ));
}

MxArray.prototype.matmul = function (this: MxArray, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return matmul(this, b, stream);
};
