// Support for C++ extensions (native/include/mlx_ts/extension.h): loading an
// extension addon, and moving arrays between it and the SDK.
//
//   import * as mx from 'mlx-ts';
//   import { loadExtension, toNative, fromNative, toNativeStream } from 'mlx-ts/extension';
//   const addon = loadExtension<MyAddon>(require.resolve('./build/Release/my_ext.node'));
//   export const axpby = (x: mx.MxArray, y: mx.MxArray, a: number, b: number, s?: mx.StreamOrDevice) =>
//     fromNative(addon.axpby(toNative(x), toNative(y), a, b, toNativeStream(s)));
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MxArray } from './array.js';
import { toNativeStreamObject, type StreamOrDevice } from './device.js';
import { native, type NativeArray, type NativeStreamObject } from './native.js';

declare module './native.js' {
  interface NativeAddon {
    /** The table extension addons convert arrays with (an opaque External). */
    extensionApi(): unknown;
  }
}

export type { NativeArray } from './native.js';
/** A stream or device as extension bindings take it (`ext::arg_stream`). */
export type NativeStreamArg = NativeStreamObject;

/** What every extension addon exports besides its ops (MLX_TS_EXTENSION adds it). */
interface ExtensionEntry {
  __mlxTsInit(api: unknown): void;
}

/**
 * Loads an extension addon (a `.node` file built against this mlx-ts) and
 * connects it to the runtime, so that it can take and return mlx-ts arrays.
 * @param addonPath absolute path of the `.node` file.
 */
export function loadExtension<T extends object>(addonPath: string): T {
  const require = createRequire(import.meta.url);
  const addon = require(path.resolve(addonPath)) as T & Partial<ExtensionEntry>;
  if (typeof addon.__mlxTsInit !== 'function') {
    throw new Error(`[loadExtension] ${addonPath} is not an mlx-ts extension (no __mlxTsInit export; use MLX_TS_EXTENSION).`);
  }
  addon.__mlxTsInit(native.extensionApi());
  return addon;
}

/** The native handle of an array, to pass to an extension's function. */
export function toNative(a: MxArray): NativeArray {
  if (!(a instanceof MxArray)) throw new TypeError('[toNative] Expected an MxArray.');
  return a._native;
}

/** Wraps a native handle an extension returned as an MxArray. */
export function fromNative(handle: NativeArray): MxArray {
  if (typeof handle !== 'number') throw new TypeError('[fromNative] Expected an array handle (a number) from the extension.');
  return new MxArray(handle);
}

/** A stream or device as extension bindings take it (ext::arg_stream). */
export function toNativeStream(s: StreamOrDevice): NativeStreamArg {
  return toNativeStreamObject(s);
}

/** The folder holding mlx-ts' CMake package (`find_package(MLXTS CONFIG)`). */
export function cmakeDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cmake');
}
