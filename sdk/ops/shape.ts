// Ops of the shape family: views and rearrangements.
import { MxArray, wrap } from '../array.js';
import { toNativeStream, type StreamOrDevice } from '../device.js';
import type { NativeArray, NativeStreamArg } from '../native.js';
import { native } from '../native.js';
import { toArray, type ArrayLike } from './convert.js';

declare module '../native.js' {
  interface NativeAddon {
    asStrided(a: NativeArray, shape: number[], strides: number[], offset: number, s: NativeStreamArg): NativeArray;
  }
}

/**
 * A view of `a`'s row-major elements with the given shape, strides (in
 * elements) and offset, sharing memory. MLX's `as_strided`; the view must stay
 * inside `a` (checked).
 */
export function asStrided(
  a: ArrayLike,
  shape?: number[],
  strides?: number[],
  offset = 0,
  stream?: StreamOrDevice,
): MxArray {
  const x = toArray(a, 'as_strided');
  const sh = shape ?? x.shape;
  let st = strides;
  if (!st) {
    st = new Array<number>(sh.length).fill(1);
    for (let i = sh.length - 2; i >= 0; --i) st[i] = st[i + 1] * sh[i + 1];
  }
  return wrap(native.asStrided(x._native, sh, st, offset, toNativeStream(stream)));
}
