// Turning JS values into arrays, including MLX's weak-scalar rule: a JS number
// takes the dtype of the array it meets (`float16 array * 2.5` stays float16).
import { MxArray, wrap } from '../array.js';
import {
  bool_, Dtype, float32, inexact, int32, issubdtype,
} from '../dtype.js';
import { native, type NativeArray } from '../native.js';

/** An array, or a JS scalar standing for a 0-d array. */
export type ArrayLike = MxArray | number | boolean;

/** @internal A 0-d array of `value` with `dtype`. */
export function scalar(value: number | boolean, dtype: Dtype): MxArray {
  return wrap(native.scalar(typeof value === 'boolean' ? Number(value) : value, dtype.val));
}

// JS scalars as op operands: the handle of each (dtype, value) is kept, at most
// 256 per dtype, so `x + 1` makes and releases no array of its own. Past that
// the least recently used goes (a handle just returned is never the one to go,
// so a call may take several).
const pinnedScalars: Map<number | string, NativeArray>[] = [];
const PINNED_PER_DTYPE = 256;

/** @internal A kept handle of a 0-d array of `value` with `dtype` (the caller must not release it). */
export function scalarOperand(value: number | boolean, dtype: Dtype): NativeArray {
  const v = typeof value === 'boolean' ? Number(value) : value;
  const key = Object.is(v, -0) ? '-0' : v; // a Map holds 0 and -0 as one key
  let byValue = pinnedScalars[dtype.val];
  if (byValue === undefined) byValue = pinnedScalars[dtype.val] = new Map();
  let h = byValue.get(key);
  if (h !== undefined) {
    // Recency matters only once evictions are near: keep the hot path a lookup.
    if (byValue.size > PINNED_PER_DTYPE / 2) {
      byValue.delete(key);
      byValue.set(key, h);
    }
    return h;
  }
  if (byValue.size >= PINNED_PER_DTYPE) {
    const [oldKey, oldHandle] = byValue.entries().next().value as [number | string, NativeArray];
    byValue.delete(oldKey);
    native.arrayRelease(oldHandle);
  }
  h = native.scalar(v, dtype.val);
  byValue.set(key, h);
  return h;
}

/** The dtype MLX gives a lone JS scalar: bool, int32 for integers, else float32. */
export function scalarDtype(value: number | boolean): Dtype {
  if (typeof value === 'boolean') return bool_;
  return Number.isInteger(value) ? int32 : float32;
}

/** @internal Converts an op argument to an array, naming the op on bad input. */
export function toArray(x: ArrayLike, op: string, name = 'argument'): MxArray {
  if (x instanceof MxArray) return x;
  if (typeof x === 'number' || typeof x === 'boolean') return scalar(x, scalarDtype(x));
  throw new Error(`[${op}] Expected an array or a scalar for ${name}, got ${describe(x)}.`);
}

/** @internal The dtype a JS scalar takes next to an array of dtype `like`. */
export function weakScalarDtype(value: number | boolean, like: Dtype): Dtype {
  if (typeof value === 'boolean') return like;
  if (Number.isInteger(value)) return like === bool_ ? int32 : like;
  return issubdtype(like, inexact) ? like : float32;
}

/** @internal Two operands with JS scalars made weak (they take the array's dtype). */
export function toOperands(a: ArrayLike, b: ArrayLike, op: string): [MxArray, MxArray] {
  const aIsArr = a instanceof MxArray;
  const bIsArr = b instanceof MxArray;
  if (aIsArr && bIsArr) return [a, b];
  if (aIsArr) return [a, weak(b, a.dtype, op)];
  if (bIsArr) return [weak(a, b.dtype, op), b];
  return [toArray(a, op, 'the first argument'), toArray(b, op, 'the second argument')];
}

function weak(x: ArrayLike, like: Dtype, op: string): MxArray {
  if (typeof x === 'number' || typeof x === 'boolean') {
    return scalar(x, weakScalarDtype(x, like));
  }
  return toArray(x, op);
}

/** @internal A readable description of a bad value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'a JS Array';
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}
