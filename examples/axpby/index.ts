// The axpby extension for mlx-ts: z = alpha * x + beta * y, computed by the
// Axpby primitive of axpby/axpby.cpp (with its own jvp, vjp and vmap) on the
// CPU, and by the CUDA kernels of axpby/axpby.cu on an NVIDIA GPU (mx.gpu).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type * as mx from 'mlx-ts';
import { fromNative, loadExtension, toNative, toNativeStream, type NativeArray, type NativeStreamArg } from 'mlx-ts/extension';

/** What the CUDA side of this build offers (see {@link cudaInfo}). */
export interface CudaInfo {
  /** Whether CUDA (a driver and a device) is present: mx.gpu runs the CUDA kernels. */
  readonly available: boolean;
  /** Why not, when it is not. */
  readonly reason: string;
  /** Whether NVRTC can be loaded (it compiles axpby.cu when there is no fitting fatbin). */
  readonly nvrtc: boolean;
  readonly nvrtcReason: string;
  /** The embedded nvcc image ("nvcc fatbin: sm_90, compute_90 PTX"), or null when built without nvcc. */
  readonly image: string | null;
  readonly imageBytes: number;
  /** Whether axpby.cu's text is embedded (for NVRTC): always. */
  readonly source: boolean;
  /** The GPU, when available. */
  readonly device?: string;
  readonly computeCapability?: number;
}

interface AxpbyAddon {
  axpby(x: NativeArray, y: NativeArray, alpha: number, beta: number, stream: NativeStreamArg): NativeArray;
  axpbyKeepDtype(x: NativeArray, y: NativeArray, alpha: number, beta: number, stream: NativeStreamArg): NativeArray;
  cudaInfo(): CudaInfo;
  cudaKernel(name: string): string;
  cudaLoadImage(image: Uint8Array, name: string): string;
  cudaCompile(source: string, name: string): string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
// Built for one mlx-ts build folder: ./build for mlx-ts' build/, ./<dir> for MLX_TS_BUILD_DIR=<dir>.
const buildDir = path.basename(process.env.MLX_TS_BUILD_DIR || 'build');
const addonPath = path.join(here, buildDir, 'Release', 'axpby_ext.node');
if (!existsSync(addonPath)) {
  throw new Error(`[axpby] ${addonPath} is not built: run \`node scripts/build.mjs\` in ${here} (with the MLX_TS_BUILD_DIR mlx-ts uses).`);
}
const addon = loadExtension<AxpbyAddon>(addonPath);

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

/**
 * {@link axpby} without the guide's upcast of floating inputs: float16,
 * bfloat16, float32 and complex64 results keep the promoted dtype of `x` and
 * `y`; non-floating inputs still give float32. (Not in MLX's guide.)
 */
export function axpbyKeepDtype(x: mx.MxArray, y: mx.MxArray, alpha: number, beta: number, stream?: mx.StreamOrDevice): mx.MxArray {
  return fromNative(addon.axpbyKeepDtype(toNative(x), toNative(y), alpha, beta, toNativeStream(stream)));
}

/** How this build's CUDA kernels were made and what the machine offers. */
export function cudaInfo(): CudaInfo {
  return addon.cudaInfo();
}

/**
 * Diagnostics of the extension GPU API (mlx/backend/cuda/extension.h) as this
 * extension uses it; they throw `[Axpby] CUDA is not available: ...` without a GPU.
 */
export const cudaDiagnostics = {
  /** Loads kernel `name` of axpby.cu as eval_gpu does: "image" (nvcc's fatbin) or "nvrtc". */
  kernelOrigin: (name: string): string => addon.cudaKernel(name),
  /** Loads kernel `name` from a compiled image (cubin, fatbin or PTX bytes). */
  loadImage: (image: Uint8Array, name: string): string => addon.cudaLoadImage(image, name),
  /** Compiles CUDA source with NVRTC and loads kernel `name`. */
  compile: (source: string, name: string): string => addon.cudaCompile(source, name),
};
