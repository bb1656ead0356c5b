// Creating arrays: from JS data, and filled arrays.
import { checkDtype, MxArray, wrap, type NestedList } from '../array.js';
import { toNativeStream, type StreamOrDevice } from '../device.js';
import {
  bool_, complex64, Dtype, float32, float64, int16, int32, int64, int8,
  uint16, uint32, uint64, uint8,
} from '../dtype.js';
import { native } from '../native.js';
import { describe, scalar, scalarDtype, toArray, type ArrayLike } from './convert.js';

type AnyTypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array
  | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

/** Values `mx.array` accepts. */
export type ArrayInput = NestedList | AnyTypedArray | MxArray | readonly ArrayInput[];

function typedArrayDtype(t: AnyTypedArray): Dtype {
  if (t instanceof Float32Array) return float32;
  if (t instanceof Float64Array) return float64;
  if (t instanceof Int32Array) return int32;
  if (t instanceof Uint32Array) return uint32;
  if (t instanceof Int16Array) return int16;
  if (t instanceof Uint16Array) return uint16;
  if (t instanceof Int8Array) return int8;
  if (t instanceof BigInt64Array) return int64;
  if (t instanceof BigUint64Array) return uint64;
  return uint8; // Uint8Array, Uint8ClampedArray
}

interface Flattened {
  shape: number[];
  values: (number | boolean | { re: number; im: number })[];
}

function flatten(x: unknown): Flattened {
  const shape: number[] = [];
  let probe: unknown = x;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const values: Flattened['values'] = [];
  const walk = (v: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) {
        throw new Error(`[array] Inhomogeneous nested list: expected a scalar at depth ${dim}, got a list.`);
      }
      if (typeof v === 'number' || typeof v === 'boolean') {
        values.push(v);
      } else if (v !== null && typeof v === 'object' && 're' in v && 'im' in v) {
        values.push(v as { re: number; im: number });
      } else {
        throw new Error(`[array] Expected numbers or booleans, got ${describe(v)}.`);
      }
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new Error(
        `[array] Inhomogeneous nested list: expected a list of length ${shape[dim]} at depth ${dim}, got ${
          Array.isArray(v) ? `length ${v.length}` : describe(v)
        }.`,
      );
    }
    for (const e of v) walk(e, dim + 1);
  };
  walk(x, 0);
  return { shape, values };
}

function inferDtype(values: Flattened['values']): Dtype {
  if (values.some((v) => typeof v === 'object')) return complex64;
  if (values.length > 0 && values.every((v) => typeof v === 'boolean')) return bool_;
  const nums = values.map(Number);
  if (!nums.every(Number.isInteger)) return float32;
  // MLX's int32, widened when a value does not fit.
  return nums.every((v) => v >= -(2 ** 31) && v < 2 ** 31) ? int32 : int64;
}

/**
 * Makes an array from numbers, booleans, nested lists, TypedArrays or another array.
 *
 * Without `dtype`: booleans give bool, all-integer numbers give int32 (int64 when a
 * value does not fit), any other number float32 — MLX's rule. JS cannot tell `1`
 * from `1.0`, so `mx.array([1.0, 2.0])` is int32: pass `mx.float32` when you mean it.
 * TypedArrays keep their element type (Float64Array gives float64).
 */
export function array(x: ArrayInput, dtype?: Dtype): MxArray {
  if (dtype !== undefined) checkDtype(dtype, 'array');
  if (x instanceof MxArray) return dtype && dtype !== x.dtype ? x.astype(dtype) : wrap(native.copy(x._native, undefined));
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    const t = x as AnyTypedArray;
    const src = typedArrayDtype(t);
    const h = native.fromBuffer(t instanceof Uint8ClampedArray ? new Uint8Array(t.buffer, t.byteOffset, t.length) : t, [t.length], src.val);
    return finish(h, src, dtype);
  }
  if (typeof x === 'number' || typeof x === 'boolean') {
    return scalar(x, dtype ?? scalarDtype(x));
  }
  const { shape, values } = flatten(x);
  const inferred = inferDtype(values);
  if (inferred === complex64 || dtype === complex64) {
    const f = new Float32Array(values.length * 2);
    values.forEach((v, i) => {
      if (typeof v === 'object') {
        f[2 * i] = v.re;
        f[2 * i + 1] = v.im;
      } else {
        f[2 * i] = Number(v);
      }
    });
    return finish(native.fromBuffer(f, shape, complex64.val), complex64, dtype);
  }
  if (inferred === int64 && (dtype === undefined || dtype === int64)) {
    const b = BigInt64Array.from(values, (v) => BigInt(Number(v)));
    return finish(native.fromBuffer(b, shape, int64.val), int64, dtype);
  }
  // Go through float64: exact for every int32 and float value; the cast rounds.
  const f = Float64Array.from(values, (v) => Number(v));
  return finish(native.fromBuffer(f, shape, float64.val), float64, dtype ?? inferred);
}

function finish(h: ReturnType<typeof native.fromBuffer>, src: Dtype, dtype: Dtype | undefined): MxArray {
  if (!dtype || dtype === src) return wrap(h);
  try {
    return wrap(native.astype(h, dtype.val, undefined));
  } finally {
    native.arrayRelease(h);
  }
}

function checkShape(shape: unknown, op: string): number[] {
  const s = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d))) {
    throw new Error(`[${op}] Expected a shape (an integer or a list of integers), got ${describe(shape)}.`);
  }
  return s as number[];
}

/** An array of `shape` filled with `vals` (broadcast), of `dtype` or vals' dtype. */
export function full(shape: number | number[], vals: ArrayLike, dtype?: Dtype, stream?: StreamOrDevice): MxArray {
  const s = checkShape(shape, 'full');
  if (dtype !== undefined) checkDtype(dtype, 'full');
  const v = toArray(vals, 'full', 'vals');
  return wrap(native.full(s, v._native, dtype?.val, toNativeStream(stream)));
}

/** Zeros of `shape` (float32 by default). */
export function zeros(shape: number | number[], dtype: Dtype = float32, stream?: StreamOrDevice): MxArray {
  return wrap(native.zeros(checkShape(shape, 'zeros'), checkDtype(dtype, 'zeros').val, toNativeStream(stream)));
}

/** Ones of `shape` (float32 by default). */
export function ones(shape: number | number[], dtype: Dtype = float32, stream?: StreamOrDevice): MxArray {
  return wrap(native.ones(checkShape(shape, 'ones'), checkDtype(dtype, 'ones').val, toNativeStream(stream)));
}

/** Zeros with the shape and dtype of `a`. */
export function zerosLike(a: MxArray, stream?: StreamOrDevice): MxArray {
  const x = toArray(a, 'zeros_like');
  return zeros(x.shape, x.dtype, stream);
}

/** Ones with the shape and dtype of `a`. */
export function onesLike(a: MxArray, stream?: StreamOrDevice): MxArray {
  const x = toArray(a, 'ones_like');
  return ones(x.shape, x.dtype, stream);
}

/** Converts `a` to `dtype` (MLX's `mx.astype`). */
export function astype(a: MxArray, dtype: Dtype, stream?: StreamOrDevice): MxArray {
  return toArray(a, 'astype').astype(dtype, stream);
}


/** `mx.array` is also the array type: `const x: mx.array = mx.array([1, 2])`. */
export type array = MxArray;
// `x instanceof mx.array` works as in MLX.
Object.defineProperty(array, Symbol.hasInstance, { value: isArray });
function isArray(v: unknown): boolean {
  return v instanceof MxArray;
}
