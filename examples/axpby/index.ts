// The axpby extension for mlx-ts: z = alpha * x + beta * y, computed by the
// Axpby primitive of axpby/axpby.cpp (with its own jvp, vjp and vmap).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type * as mx from 'mlx-ts';
import { fromNative, loadExtension, toNative, toNativeStream, type NativeArray, type NativeStreamArg } from 'mlx-ts/extension';

interface AxpbyAddon {
  axpby(x: NativeArray, y: NativeArray, alpha: number, beta: number, stream: NativeStreamArg): NativeArray;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const addon = loadExtension<AxpbyAddon>(require.resolve(path.join(here, 'build', 'Release', 'axpby_ext.node')));

/**
 * Scales and sums two arrays element-wise: `alpha * x + beta * y`.
 *
 * Follows NumPy-style broadcasting between `x` and `y`; the result has the
 * promoted dtype of both, upcast to float32 unless that is float32 (so int32
 * and float16 inputs give float32, as in MLX's guide).
 * @param x input array.
 * @param y input array.
 * @param alpha scaling factor for `x`.
 * @param beta scaling factor for `y`.
 * @param stream the stream or device to run on (default: the default stream).
 */
export function axpby(x: mx.MxArray, y: mx.MxArray, alpha: number, beta: number, stream?: mx.StreamOrDevice): mx.MxArray {
  return fromNative(addon.axpby(toNative(x), toNative(y), alpha, beta, toNativeStream(stream)));
}
