// Ops of the shape family: views and rearrangements. Indexing and slicing
// (`x.index(...)`, `mx.Slice`, `mx.slice`) live in ./slicing.ts, re-exported here.
import { MxArray, wrap } from '../array.js';
import { Device, Stream, toNativeStream, type StreamOrDevice } from '../device.js';
import type { NativeArray, NativeStreamArg } from '../native.js';
import { native } from '../native.js';
import { describe, toArray, type ArrayLike } from './convert.js';

export * from './slicing.js';

declare module '../native.js' {
  interface NativeAddon {
    asStrided(a: NativeArray, shape: number[], strides: number[], offset: number, s: NativeStreamArg): NativeArray;
    reshape(a: NativeArray, shape: number[], s: NativeStreamArg): NativeArray;
    flatten(a: NativeArray, startAxis: number, endAxis: number, s: NativeStreamArg): NativeArray;
    unflatten(a: NativeArray, axis: number, shape: number[], s: NativeStreamArg): NativeArray;
    squeeze(a: NativeArray, axes: number[] | number | null, s: NativeStreamArg): NativeArray;
    expandDims(a: NativeArray, axes: number[] | number, s: NativeStreamArg): NativeArray;
    split(a: NativeArray, indicesOrSections: number | number[], axis: number, s: NativeStreamArg): NativeArray[];
    concatenate(arrays: NativeArray[], axis: number | null, s: NativeStreamArg): NativeArray;
    stack(arrays: NativeArray[], axis: number, s: NativeStreamArg): NativeArray;
    moveaxis(a: NativeArray, source: number, destination: number, s: NativeStreamArg): NativeArray;
    swapaxes(a: NativeArray, axis1: number, axis2: number, s: NativeStreamArg): NativeArray;
    transpose(a: NativeArray, axes: number[] | null, s: NativeStreamArg): NativeArray;
    broadcastTo(a: NativeArray, shape: number[], s: NativeStreamArg): NativeArray;
    broadcastArrays(arrays: NativeArray[], s: NativeStreamArg): NativeArray[];
    atleast1d(arrays: NativeArray[], s: NativeStreamArg): NativeArray[];
    atleast2d(arrays: NativeArray[], s: NativeStreamArg): NativeArray[];
    atleast3d(arrays: NativeArray[], s: NativeStreamArg): NativeArray[];
  }
}

declare module '../array.js' {
  interface MxArray {
    /**
     * The same elements with a new shape (one entry may be -1, inferred):
     * `x.reshape(2, 3)` or `x.reshape([2, 3], stream)`. A view when the layout
     * allows it.
     */
    reshape(shape: number[], stream?: StreamOrDevice): MxArray;
    reshape(...shape: number[]): MxArray;
    reshape(...shapeThenStream: [...number[], Stream | Device]): MxArray;
    /**
     * Permutes the axes: `x.transpose(1, 0, 2)` or `x.transpose([1, 0, 2], stream)`;
     * no axes reverses them. A view.
     */
    transpose(axes?: number[] | null, stream?: StreamOrDevice): MxArray;
    transpose(...axes: number[]): MxArray;
    transpose(...axesThenStream: [...number[], Stream | Device]): MxArray;
    /** The array with its axes reversed (`x.transpose()`), a view. */
    readonly T: MxArray;
    /** Removes size-1 axes (all of them when `axis` is omitted). A view. */
    squeeze(axis?: number | number[] | null, stream?: StreamOrDevice): MxArray;
    /** Merges axes startAxis..endAxis (inclusive) into one. */
    flatten(startAxis?: number, endAxis?: number, stream?: StreamOrDevice): MxArray;
    /** Swaps two axes (a view). */
    swapaxes(axis1: number, axis2: number, stream?: StreamOrDevice): MxArray;
    /** Moves an axis to a new position (a view). */
    moveaxis(source: number, destination: number, stream?: StreamOrDevice): MxArray;
    /** Splits into equal sections or at indices along `axis` (views). */
    split(indicesOrSections: number | number[], axis?: number, stream?: StreamOrDevice): MxArray[];
  }
}

function isStreamOrDevice(v: unknown): v is Stream | Device {
  return v instanceof Stream || v instanceof Device;
}

/** @internal Converts a list argument of arrays (JS scalars allowed). */
function toArrayList(arrays: unknown, op: string): MxArray[] {
  if (!Array.isArray(arrays)) {
    throw new Error(`[${op}] Expected a list of arrays, got ${describe(arrays)}.`);
  }
  return arrays.map((x, i) => toArray(x as ArrayLike, op, `element ${i} of the list`));
}

/** Wraps a list of native handles. */
function wrapList(hs: NativeArray[]): MxArray[] {
  return hs.map((h) => wrap(h));
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

/**
 * Reshapes `a` to `shape`, keeping the elements in row-major order. One entry
 * may be -1: its size is inferred. The result is a view (no copy) whenever the
 * input's layout allows it — always for row-contiguous inputs — else a copy.
 *
 * @example mx.reshape(mx.arange(6), [2, -1]) // shape [2, 3]
 */
export function reshape(a: ArrayLike, shape: number[], stream?: StreamOrDevice): MxArray {
  return wrap(native.reshape(toArray(a, 'reshape')._native, shape, toNativeStream(stream)));
}

/**
 * Flattens the axes `startAxis..endAxis` (inclusive; negative counts from the
 * end; out-of-range values clamp) into one. A 0-d array becomes shape `[1]`.
 */
export function flatten(a: ArrayLike, startAxis = 0, endAxis = -1, stream?: StreamOrDevice): MxArray {
  return wrap(native.flatten(toArray(a, 'flatten')._native, startAxis, endAxis, toNativeStream(stream)));
}

/**
 * Splits axis `axis` of `a` into `shape` (one entry may be -1, inferred).
 *
 * @example mx.unflatten(mx.array([1, 2, 3, 4]), 0, [2, -1]) // [[1, 2], [3, 4]]
 */
export function unflatten(a: ArrayLike, axis: number, shape: number[], stream?: StreamOrDevice): MxArray {
  return wrap(native.unflatten(toArray(a, 'unflatten')._native, axis, shape, toNativeStream(stream)));
}

/**
 * Removes size-1 axes: the given `axis` (an integer or a list), or every
 * size-1 axis when omitted. Squeezing an axis whose size is not 1 throws. A view.
 */
export function squeeze(a: ArrayLike, axis?: number | number[] | null, stream?: StreamOrDevice): MxArray {
  return wrap(native.squeeze(toArray(a, 'squeeze')._native, axis ?? null, toNativeStream(stream)));
}

/** Inserts size-1 axes at the given positions of the result (an integer or a list). A view. */
export function expandDims(a: ArrayLike, axis: number | number[], stream?: StreamOrDevice): MxArray {
  return wrap(native.expandDims(toArray(a, 'expand_dims')._native, axis, toNativeStream(stream)));
}

/**
 * Splits `a` along `axis`. A number splits into that many equal sections (an
 * error when the axis does not divide evenly); a list gives the indices where
 * each piece after the first starts (numpy semantics). The pieces are views.
 *
 * @example mx.split(mx.arange(6), [1, 4]) // [[0], [1, 2, 3], [4, 5]]
 */
export function split(
  a: ArrayLike,
  indicesOrSections: number | number[],
  axis = 0,
  stream?: StreamOrDevice,
): MxArray[] {
  return wrapList(native.split(toArray(a, 'split')._native, indicesOrSections, axis, toNativeStream(stream)));
}

/**
 * Joins the arrays along an existing axis (default 0); `axis = null` joins
 * the flattened arrays. The result has the arrays' promoted dtype (MLX's
 * promotion: int32 with float16 gives float16, uint8 with int8 gives int16...).
 */
export function concatenate(arrays: ArrayLike[], axis: number | null = 0, stream?: StreamOrDevice): MxArray {
  const xs = toArrayList(arrays, 'concatenate');
  return wrap(native.concatenate(xs.map((x) => x._native), axis, toNativeStream(stream)));
}

/**
 * Stacks same-shaped arrays along a new axis `axis` (default 0) of the
 * result, promoting their dtypes like {@link concatenate}.
 */
export function stack(arrays: ArrayLike[], axis: number | null = 0, stream?: StreamOrDevice): MxArray {
  const xs = toArrayList(arrays, 'stack');
  return wrap(native.stack(xs.map((x) => x._native), axis ?? 0, toNativeStream(stream)));
}

/** Moves axis `source` to position `destination` (a view). */
export function moveaxis(a: ArrayLike, source: number, destination: number, stream?: StreamOrDevice): MxArray {
  return wrap(native.moveaxis(toArray(a, 'moveaxis')._native, source, destination, toNativeStream(stream)));
}

/** Swaps axes `axis1` and `axis2` (a view). */
export function swapaxes(a: ArrayLike, axis1: number, axis2: number, stream?: StreamOrDevice): MxArray {
  return wrap(native.swapaxes(toArray(a, 'swapaxes')._native, axis1, axis2, toNativeStream(stream)));
}

/**
 * Permutes the axes: axis `i` of the result is axis `axes[i]` of `a`. Without
 * `axes` the axes are reversed. A view (the strides are permuted).
 */
export function transpose(a: ArrayLike, axes?: number[] | null, stream?: StreamOrDevice): MxArray {
  return wrap(native.transpose(toArray(a, 'transpose')._native, axes ?? null, toNativeStream(stream)));
}

/**
 * Broadcasts `a` to `shape` with numpy's rules. A view: repeated axes get
 * stride 0, so no memory is copied.
 */
export function broadcastTo(a: ArrayLike, shape: number[], stream?: StreamOrDevice): MxArray {
  return wrap(native.broadcastTo(toArray(a, 'broadcast_to')._native, shape, toNativeStream(stream)));
}

/**
 * Broadcasts the arrays against one another (numpy's rules); returns one view
 * per input. Takes a list and an optional stream, or the arrays as arguments.
 *
 * @example const [x, y] = mx.broadcastArrays(mx.zeros([3, 1]), mx.zeros([4]))
 */
export function broadcastArrays(arrays: ArrayLike[], stream?: StreamOrDevice): MxArray[];
export function broadcastArrays(...arrays: ArrayLike[]): MxArray[];
export function broadcastArrays(...args: unknown[]): MxArray[] {
  const [list, stream] = listArgs(args, 'broadcast_arrays');
  return wrapList(native.broadcastArrays(list.map((x) => x._native), toNativeStream(stream)));
}

/** Splits MLX's `(*arrays, stream)` call forms: a list, or arrays as arguments. */
function listArgs(args: unknown[], op: string): [MxArray[], StreamOrDevice, boolean] {
  if (Array.isArray(args[0])) {
    if (args.length > 2) {
      throw new Error(`[${op}] Expected a list of arrays and an optional stream, got ${args.length} arguments.`);
    }
    return [toArrayList(args[0], op), args[1] as StreamOrDevice, true];
  }
  const rest = [...args];
  let stream: StreamOrDevice;
  const last = rest[rest.length - 1];
  if (rest.length > 0 && (isStreamOrDevice(last) || last === undefined || last === null)) {
    stream = last as StreamOrDevice;
    rest.pop();
  }
  return [rest.map((x, i) => toArray(x as ArrayLike, op, `argument ${i + 1}`)), stream, false];
}

function atleast(
  args: unknown[],
  op: string,
  fn: (hs: NativeArray[], s: NativeStreamArg) => NativeArray[],
): MxArray | MxArray[] {
  const [list, stream, isList] = listArgs(args, op);
  const out = wrapList(fn(list.map((x) => x._native), toNativeStream(stream)));
  return !isList && out.length === 1 ? out[0] : out;
}

/**
 * Gives 0-d arrays one dimension (shape `[1]`); others pass through. One array
 * gives an array; several arrays, or a list, give a list.
 */
export function atleast1d(a: ArrayLike, stream?: StreamOrDevice): MxArray;
export function atleast1d(arrays: ArrayLike[], stream?: StreamOrDevice): MxArray[];
export function atleast1d(...arrays: ArrayLike[]): MxArray[];
export function atleast1d(...args: unknown[]): MxArray | MxArray[] {
  return atleast(args, 'atleast_1d', (hs, s) => native.atleast1d(hs, s));
}

/**
 * Gives arrays at least two dimensions: 0-d becomes `[1, 1]`, 1-d `[1, n]`.
 * One array gives an array; several arrays, or a list, give a list.
 */
export function atleast2d(a: ArrayLike, stream?: StreamOrDevice): MxArray;
export function atleast2d(arrays: ArrayLike[], stream?: StreamOrDevice): MxArray[];
export function atleast2d(...arrays: ArrayLike[]): MxArray[];
export function atleast2d(...args: unknown[]): MxArray | MxArray[] {
  return atleast(args, 'atleast_2d', (hs, s) => native.atleast2d(hs, s));
}

/**
 * Gives arrays at least three dimensions: 0-d becomes `[1, 1, 1]`, 1-d
 * `[1, n, 1]`, 2-d `[m, n, 1]`. One array gives an array; several arrays, or a
 * list, give a list.
 */
export function atleast3d(a: ArrayLike, stream?: StreamOrDevice): MxArray;
export function atleast3d(arrays: ArrayLike[], stream?: StreamOrDevice): MxArray[];
export function atleast3d(...arrays: ArrayLike[]): MxArray[];
export function atleast3d(...args: unknown[]): MxArray | MxArray[] {
  return atleast(args, 'atleast_3d', (hs, s) => native.atleast3d(hs, s));
}

// ---- array methods ----

/** Splits `(...ints)` / `(list, stream)` method arguments. */
function intsOrList(args: unknown[], op: string): [number[] | undefined, StreamOrDevice] {
  if (args.length === 0) return [undefined, undefined];
  if (Array.isArray(args[0]) || args[0] === null || args[0] === undefined) {
    if (args.length > 2) {
      throw new Error(`[${op}] Expected a list of integers and an optional stream, got ${args.length} arguments.`);
    }
    return [(args[0] ?? undefined) as number[] | undefined, args[1] as StreamOrDevice];
  }
  const rest = [...args];
  let stream: StreamOrDevice;
  if (isStreamOrDevice(rest[rest.length - 1])) stream = rest.pop() as Stream | Device;
  for (const v of rest) {
    if (typeof v !== 'number') {
      throw new Error(`[${op}] Expected integers or a list of integers, got ${describe(v)}.`);
    }
  }
  return [rest as number[], stream];
}

MxArray.prototype.reshape = function (this: MxArray, ...args: unknown[]): MxArray {
  const [shape, stream] = intsOrList(args, 'reshape');
  return reshape(this, shape ?? [], stream);
} as MxArray['reshape'];

MxArray.prototype.transpose = function (this: MxArray, ...args: unknown[]): MxArray {
  const [axes, stream] = intsOrList(args, 'transpose');
  return transpose(this, axes, stream);
} as MxArray['transpose'];

Object.defineProperty(MxArray.prototype, 'T', {
  get(this: MxArray): MxArray {
    return transpose(this);
  },
  configurable: true,
});

MxArray.prototype.squeeze = function (this: MxArray, axis?: number | number[] | null, stream?: StreamOrDevice) {
  return squeeze(this, axis, stream);
};
MxArray.prototype.flatten = function (this: MxArray, startAxis = 0, endAxis = -1, stream?: StreamOrDevice) {
  return flatten(this, startAxis, endAxis, stream);
};
MxArray.prototype.swapaxes = function (this: MxArray, axis1: number, axis2: number, stream?: StreamOrDevice) {
  return swapaxes(this, axis1, axis2, stream);
};
MxArray.prototype.moveaxis = function (this: MxArray, source: number, destination: number, stream?: StreamOrDevice) {
  return moveaxis(this, source, destination, stream);
};
MxArray.prototype.split = function (
  this: MxArray,
  indicesOrSections: number | number[],
  axis = 0,
  stream?: StreamOrDevice,
) {
  return split(this, indicesOrSections, axis, stream);
};
