// Loads the native addon. MLX_TS_ADDON overrides its path; MLX_TS_BUILD_DIR
// picks another build folder (both used by parallel builds and experiments).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A native array handle: a number naming an entry of the addon's array table
 * (native/src/node/array_table.h). `MxArray` owns one and releases it on
 * `dispose()` or when collected; a handle that no MxArray owns is never freed.
 */
export type NativeArray = number & { readonly __nativeArray: never };

/** How a device or stream crosses into native code. */
export interface NativeDevice {
  type: 'cpu' | 'gpu';
  index: number;
}
export interface NativeStream extends NativeDevice {
  stream: number;
}
/** A stream or device as extension bindings take it (ext::arg_stream in mlx_ts/extension.h). */
export type NativeStreamObject = NativeDevice | NativeStream | undefined;
/**
 * A stream or device as the ops take it: one number, so that native code reads
 * no properties (`1 + type + 2·device index`, plus `64·(stream index + 1)` for
 * a stream; type 0 is the CPU, 1 the GPU); undefined for the default.
 */
export type NativeStreamArg = number | undefined;

/**
 * The addon's functions. Each op family declares its own entries by module
 * augmentation (`declare module '../native.js' { interface NativeAddon {...} }`).
 */
export interface NativeAddon {
  arrayShape(a: NativeArray): number[];
  arrayShapeInto(a: NativeArray, scratch: Int32Array): number;
  arrayStrides(a: NativeArray): number[];
  arrayDtype(a: NativeArray): number;
  arraySize(a: NativeArray): number;
  arrayNdim(a: NativeArray): number;
  arrayId(a: NativeArray): number;
  arrayAvailable(a: NativeArray): boolean;
  arrayDisposed(a: NativeArray): boolean;
  arrayToBuffer(a: NativeArray): ArrayBuffer;
  /** dtype code + 64·ndim. */
  arrayMeta(a: NativeArray): number;
  arrayRelease(a: NativeArray): void;
  liveArrays(): number;
  fromBuffer(data: ArrayBufferView, shape: number[], dtype: number): NativeArray;
  scalar(value: number, dtype: number): NativeArray;
  eval(arrays: NativeArray | NativeArray[]): void;
  asyncEval(arrays: NativeArray[]): Promise<void>;
  getActiveMemory(): number;
  getPeakMemory(): number;
  getCacheMemory(): number;
  getMemoryLimit(): number;
  resetPeakMemory(): void;
  clearCache(): void;
  setMemoryLimit(limit: number): number;
  setCacheLimit(limit: number): number;
  defaultDevice(): NativeDevice;
  setDefaultDevice(d: NativeDevice): void;
  defaultStream(d: NativeDevice): NativeStream;
  setDefaultStream(s: NativeStream): void;
  newStream(d: NativeDevice): NativeStream;
  synchronize(s?: NativeStreamArg): void;
  isAvailable(d: NativeDevice): boolean;
  astype(a: NativeArray, dtype: number, s?: NativeStreamArg): NativeArray;
  copy(a: NativeArray, s?: NativeStreamArg): NativeArray;
  full(shape: number[], vals: NativeArray, dtype: number | undefined, s?: NativeStreamArg): NativeArray;
  zeros(shape: number[], dtype: number, s?: NativeStreamArg): NativeArray;
  ones(shape: number[], dtype: number, s?: NativeStreamArg): NativeArray;
}

const here = path.dirname(fileURLToPath(import.meta.url));
// Both sdk/ and dist/ sit one level below the package root.
const packageRoot = path.resolve(here, '..');

function addonPath(): string {
  if (process.env.MLX_TS_ADDON) return path.resolve(process.env.MLX_TS_ADDON);
  const buildDir = process.env.MLX_TS_BUILD_DIR ?? 'build';
  return path.resolve(packageRoot, buildDir, 'Release', 'mlx_ts.node');
}

function load(): NativeAddon {
  const require = createRequire(import.meta.url);
  const p = addonPath();
  try {
    return require(p) as NativeAddon;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new Error(
      `[mlx-ts] Could not load the native addon at ${p} (${reason}). ` +
        'Run `npm install` (or `npm run build:native`) to build it.',
    );
  }
}

/** The loaded addon. */
export const native: NativeAddon = load();
