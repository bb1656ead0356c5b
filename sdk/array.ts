// The array class. Ops add their methods to it from their own modules
// (ops/*.ts), by module augmentation, so each family stays in one file.
import { inspect } from 'node:util';

import { Device, Stream, toNativeStream, type StreamOrDevice } from './device.js';
import {
  bool_, bfloat16, complex64, Dtype, dtypeFromVal, float16, float32, float64,
  int16, int32, int64, int8, integer, issubdtype, uint16, uint32, uint64, uint8,
} from './dtype.js';
import { formatArray, type Complex, type Scalar } from './format.js';
import { native, type NativeArray } from './native.js';
import { track } from './tidy_scope.js';

export type { Complex, Scalar } from './format.js';

/** Nested JS lists of values, as `tolist()` returns and `mx.array` accepts. */
export type NestedList = Scalar | NestedList[];

/** What `toTypedArray()` returns for each dtype family. */
export type TypedArrayOf =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

// Where native code writes an array's dimensions for the shape getter.
const shapeScratch = new Int32Array(64);

// Releases the handles of arrays the program dropped without dispose().
const collected = new FinalizationRegistry<NativeArray>((handle) => native.arrayRelease(handle));

/**
 * An n-dimensional array, computed lazily: ops build a graph, values are
 * computed when needed (`item`, `tolist`, printing) or by `mx.eval`.
 * Release native memory early with `dispose()`, `using`, or `mx.tidy`.
 */
export class MxArray {
  /** @internal */
  readonly _native: NativeArray;

  /** @internal dtype code + 64·ndim, read once (see `kernelMeta`); both are fixed for a handle. */
  _meta: number | undefined;

  /** @internal Use `mx.array(...)` or an op to make arrays. Takes ownership of `handle`. */
  constructor(handle: NativeArray) {
    this._native = handle;
    this._meta = undefined;
    // No unregister token: a token makes register several times slower, and
    // releasing a handle twice is harmless (a released handle is stale).
    collected.register(this, handle);
    track(this);
  }

  /** The dimensions. */
  get shape(): number[] {
    const n = native.arrayShapeInto(this._native, shapeScratch);
    if (n < 0) return native.arrayShape(this._native);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = shapeScratch[i];
    return out;
  }
  get dtype(): Dtype {
    return dtypeFromVal(native.arrayDtype(this._native));
  }
  /** Number of elements. */
  get size(): number {
    return native.arraySize(this._native);
  }
  get ndim(): number {
    return native.arrayNdim(this._native);
  }
  /** Bytes per element. */
  get itemsize(): number {
    return this.dtype.size;
  }
  /** Bytes of all elements. */
  get nbytes(): number {
    return this.size * this.dtype.size;
  }

  /** Converts to another dtype. */
  astype(dtype: Dtype, stream?: StreamOrDevice): MxArray {
    return new MxArray(native.astype(this._native, checkDtype(dtype, 'astype').val, toNativeStream(stream)));
  }

  /** The values as a typed array (row-major copy). float16/bfloat16 come as
   * Float32Array, complex64 as interleaved Float32Array, bool as Uint8Array,
   * 64-bit integers as BigInt64Array/BigUint64Array. */
  toTypedArray(): TypedArrayOf {
    const d = this.dtype;
    if (d === float16 || d === bfloat16) {
      const f = native.astype(this._native, float32.val, undefined);
      try {
        return new Float32Array(native.arrayToBuffer(f));
      } finally {
        native.arrayRelease(f);
      }
    }
    const buf = native.arrayToBuffer(this._native);
    switch (d) {
      case bool_: case uint8: return new Uint8Array(buf);
      case int8: return new Int8Array(buf);
      case uint16: return new Uint16Array(buf);
      case int16: return new Int16Array(buf);
      case uint32: return new Uint32Array(buf);
      case int32: return new Int32Array(buf);
      case int64: return new BigInt64Array(buf);
      case uint64: return new BigUint64Array(buf);
      case float64: return new Float64Array(buf);
      default: return new Float32Array(buf); // float32, complex64 (re, im pairs)
    }
  }

  /** @internal Row-major values as JS scalars. */
  _values(): Scalar[] {
    const t = this.toTypedArray();
    const d = this.dtype;
    if (d === bool_) return Array.from(t as Uint8Array, (v) => v !== 0);
    if (d === complex64) {
      const f = t as Float32Array;
      const out: Complex[] = [];
      for (let i = 0; i < f.length; i += 2) out.push({ re: f[i], im: f[i + 1] });
      return out;
    }
    if (d === int64 || d === uint64) return Array.from(t as BigInt64Array, (v) => Number(v));
    return Array.from(t as Float32Array);
  }

  /** The value of a 1-element array: a number, boolean, or `{re, im}` for complex. */
  item(): Scalar {
    if (this.size !== 1) {
      throw new Error(
        `[item] Only arrays with one element can be converted to a scalar, got shape (${this.shape.join(', ')}).`,
      );
    }
    return this._values()[0];
  }

  /** The values as nested JS arrays (a scalar for a 0-d array). */
  tolist(): NestedList {
    const vals = this._values();
    const shape = this.shape;
    if (shape.length === 0) return vals[0];
    let pos = 0;
    const build = (dim: number): NestedList[] => {
      const out: NestedList[] = [];
      for (let i = 0; i < shape[dim]; ++i) {
        out.push(dim === shape.length - 1 ? vals[pos++] : build(dim + 1));
      }
      return out;
    };
    return build(0);
  }

  /** Releases the native array now. Using the handle afterwards throws. */
  dispose(): void {
    native.arrayRelease(this._native);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** True once `dispose()` was called. */
  get isDisposed(): boolean {
    return native.arrayDisposed(this._native);
  }

  /** MLX's printing: `array([1, 2, 3], dtype=int32)`. Evaluates the array. */
  toString(): string {
    if (native.arrayDisposed(this._native)) return 'array(<disposed>)';
    const d = this.dtype;
    return formatArray(this._values(), this.shape, d.name, issubdtype(d, integer));
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

/** @internal dtype code + 64·ndim of `a`, cached on the array (kernel call signatures). */
export function kernelMeta(a: MxArray): number {
  return (a._meta ??= native.arrayMeta(a._native));
}

/** @internal */
export function checkDtype(d: unknown, op: string): Dtype {
  if (!(d instanceof Dtype)) {
    throw new Error(`[${op}] Expected a dtype (e.g. mx.float32), got ${String(d)}.`);
  }
  return d;
}

/** @internal Wraps a native handle. */
export function wrap(h: NativeArray): MxArray {
  return new MxArray(h);
}

export { Device, Stream };
