// Basic indexing and slicing: `x.index(...)` with integers, `mx.Slice`
// objects, `null` (new axis) and `'...'` (ellipsis) — always strided views,
// never copies — and MLX's dynamic `mx.slice`.
import { MxArray, wrap } from '../array.js';
import { toNativeStream, type StreamOrDevice } from '../device.js';
import { int32 } from '../dtype.js';
import type { NativeArray, NativeStreamArg } from '../native.js';
import { native } from '../native.js';
import { describe, toArray, type ArrayLike } from './convert.js';

declare module '../native.js' {
  interface NativeAddon {
    slice(a: NativeArray, start: number[], stop: number[], strides: number[], s: NativeStreamArg): NativeArray;
    dynamicSlice(
      a: NativeArray, start: NativeArray, axes: number[], sliceSize: number[], s: NativeStreamArg,
    ): NativeArray;
  }
}

/**
 * A Python slice `start:stop:step` for {@link MxArray.index}. Missing parts
 * are `null`. Construct with or without `new`, with Python's `slice()`
 * argument rules: one argument is the stop (`mx.Slice(3)` is `:3`), two are
 * start and stop (`mx.Slice(1, null)` is `1:`), three add the step
 * (`mx.Slice(null, null, -1)` is `::-1`).
 */
export interface Slice {
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;
  /** Python's notation, e.g. `1:5:2`, `::-1`. */
  toString(): string;
}

/** The `Slice` constructor; also callable without `new`. */
export interface SliceConstructor {
  new (stop?: number | null): Slice;
  new (start: number | null | undefined, stop: number | null | undefined, step?: number | null): Slice;
  (stop?: number | null): Slice;
  (start: number | null | undefined, stop: number | null | undefined, step?: number | null): Slice;
  readonly prototype: Slice;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function sliceInt(v: unknown, what: string): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new Error(`[Slice] Slice ${what} must be an integer or null, got ${describe(v)}.`);
  }
  if (v < INT32_MIN || v > INT32_MAX) {
    throw new Error(`[Slice] Slice indices must be 32-bit integers, got ${what} ${v}.`);
  }
  return v;
}

class SliceImpl implements Slice {
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;
  constructor(...args: (number | null | undefined)[]) {
    if (args.length > 3) {
      throw new Error(`[Slice] Expected at most 3 arguments (start, stop, step), got ${args.length}.`);
    }
    const [start, stop, step] = args.length <= 1 ? [null, args[0], null] : args;
    this.start = sliceInt(start, 'start');
    this.stop = sliceInt(stop, 'stop');
    this.step = sliceInt(step, 'step');
  }
  toString(): string {
    const p = (v: number | null) => (v === null ? '' : String(v));
    return `${p(this.start)}:${p(this.stop)}${this.step === null ? '' : `:${this.step}`}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Slice(${this.start}, ${this.stop}, ${this.step})`;
  }
}

/** Makes a {@link Slice}: `mx.Slice(1, 5, 2)` or `new mx.Slice(1, 5, 2)`. */
export const Slice: SliceConstructor = new Proxy(SliceImpl, {
  apply(target, _this, args: (number | null | undefined)[]) {
    return new target(...args);
  },
}) as unknown as SliceConstructor;

/**
 * One entry of an index: an integer (selects and drops the axis; negative
 * counts from the end), a {@link Slice} or a string in Python's slice notation
 * (`':'`, `'1:'`, `'::-1'`, `'2:-1:3'`), `null` (a new size-1 axis), or
 * `'...'` (as many full slices as needed).
 */
export type IndexEntry = number | Slice | string | null;

type Parsed =
  | { kind: 'int'; value: number }
  | { kind: 'slice'; start: number | null; stop: number | null; step: number | null }
  | { kind: 'new' }
  | { kind: 'ellipsis' };

const SLICE_RE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

function parseEntry(e: unknown): Parsed {
  if (e === null) return { kind: 'new' };
  if (typeof e === 'number') {
    if (!Number.isInteger(e)) throw new Error(`[index] Indices must be integers, got ${e}.`);
    if (e < INT32_MIN || e > INT32_MAX) throw new Error(`[index] Indices must be 32-bit integers, got ${e}.`);
    return { kind: 'int', value: e };
  }
  if (e instanceof SliceImpl) return { kind: 'slice', start: e.start, stop: e.stop, step: e.step };
  if (typeof e === 'string') {
    if (e.trim() === '...') return { kind: 'ellipsis' };
    const m = SLICE_RE.exec(e);
    if (!m) {
      throw new Error(`[index] Cannot parse the index string '${e}': expected '...' or a slice like '1:5:2'.`);
    }
    const n = (g: string | undefined, what: string) => (g === undefined ? null : sliceInt(Number(g), what));
    return { kind: 'slice', start: n(m[1], 'start'), stop: n(m[2], 'stop'), step: n(m[3], 'step') };
  }
  if (e instanceof MxArray || Array.isArray(e)) {
    throw new Error(
      '[index] Array (fancy) indexing is not supported by index(): use integers, mx.Slice, null or ' +
        "'...' (or mx.take / mx.takeAlongAxis for gathers).",
    );
  }
  throw new Error(`[index] Cannot index an array with ${describe(e)}.`);
}

// Basic indexing, as Python's `a[i, 1:3, None, ...]`: integers select (and
// drop) an axis, slices keep it, `null` inserts a new axis, `'...'` stands for
// the remaining axes. Always a strided view of `x` (slice, squeeze, expand_dims).
function indexView(x: MxArray, indices: IndexEntry[], stream?: StreamOrDevice): MxArray {
  const shape = x.shape;
  const ndim = shape.length;
  const parsed = indices.map(parseEntry);
  const ellipses = parsed.filter((p) => p.kind === 'ellipsis').length;
  if (ellipses > 1) throw new Error("[index] An index can only have a single ellipsis ('...').");
  const consumed = parsed.filter((p) => p.kind === 'int' || p.kind === 'slice').length;
  if (consumed > ndim) {
    throw new Error(`[index] Too many indices for array with ${ndim} dimensions: got ${consumed}.`);
  }
  // Expand the ellipsis (or pad at the end) with full slices.
  const full: Parsed = { kind: 'slice', start: null, stop: null, step: null };
  const fill: Parsed[] = new Array<Parsed>(ndim - consumed).fill(full);
  const at = parsed.findIndex((p) => p.kind === 'ellipsis');
  const entries = at < 0 ? [...parsed, ...fill] : [...parsed.slice(0, at), ...fill, ...parsed.slice(at + 1)];

  const starts: number[] = [];
  const stops: number[] = [];
  const steps: number[] = [];
  const dropped: number[] = [];
  const inserted: number[] = [];
  let axis = 0;
  let outAxis = 0;
  for (const p of entries) {
    if (p.kind === 'new') {
      inserted.push(outAxis++);
      continue;
    }
    const n = shape[axis];
    if (p.kind === 'int') {
      if (p.value < -n || p.value >= n) {
        throw new Error(`[index] Index ${p.value} is out of bounds for axis ${axis} with size ${n}.`);
      }
      const i = p.value < 0 ? p.value + n : p.value;
      starts.push(i);
      stops.push(i + 1);
      steps.push(1);
      dropped.push(axis);
    } else if (p.kind === 'slice') {
      const step = p.step ?? 1;
      if (step === 0) throw new Error('[index] Slice step cannot be zero.');
      // MLX's defaults: a negative step runs from the end to before the start.
      starts.push(p.start ?? (step < 0 ? n - 1 : 0));
      stops.push(p.stop ?? (step < 0 ? -n - 1 : n));
      steps.push(step);
      outAxis++;
    }
    axis++;
  }
  const s = toNativeStream(stream);
  // Chain the views (a no-op slice returns `x` itself); intermediate handles
  // are released once the next node holds their arrays.
  let h = native.slice(x._native, starts, stops, steps, s);
  const step = (next: (cur: NativeArray) => NativeArray) => {
    const cur = h;
    try {
      h = next(cur);
    } finally {
      native.arrayRelease(cur);
    }
  };
  if (dropped.length > 0) step((cur) => native.squeeze(cur, dropped, s));
  if (inserted.length > 0) step((cur) => native.expandDims(cur, inserted, s));
  return wrap(h);
}

/**
 * Extracts a block of size `sliceSize` (one entry per axis of `a`) starting at
 * `startIndices` along `axes` (0 along the other axes) — MLX's dynamic
 * `mx.slice`: the start is an array, read when the graph runs. Starts are
 * clamped so that the block stays inside `a` (MLX leaves out-of-range starts
 * undefined).
 *
 * @example mx.slice(mx.array([[1, 2, 3], [4, 5, 6]]), mx.array(1), [0], [1, 2]) // [[4, 5]]
 */
export function slice(
  a: ArrayLike,
  startIndices: ArrayLike | number[],
  axes: number[] | number,
  sliceSize: number[],
  stream?: StreamOrDevice,
): MxArray {
  const x = toArray(a, 'slice');
  const ax = typeof axes === 'number' ? [axes] : axes;
  let start: NativeArray;
  let owned: NativeArray | undefined;
  if (Array.isArray(startIndices)) {
    for (const v of startIndices) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
        throw new Error(`[slice] Start indices must be integers, got ${describe(v)}.`);
      }
    }
    owned = native.fromBuffer(new Int32Array(startIndices), [startIndices.length], int32.val);
    start = owned;
  } else {
    start = toArray(startIndices, 'slice', 'start_indices')._native;
  }
  try {
    return wrap(native.dynamicSlice(x._native, start, ax, sliceSize, toNativeStream(stream)));
  } finally {
    if (owned !== undefined) native.arrayRelease(owned);
  }
}

declare module '../array.js' {
  interface MxArray {
    /**
     * Basic indexing, as Python's `a[...]`: `x.index(0)`, `x.index(mx.Slice(null, null, -1))`,
     * `x.index('...', 1)`, `x.index(null, '1:3')`. Integers drop the axis (negative
     * counts from the end), slices keep it (Python semantics, bounds clamp),
     * `null` adds an axis, `'...'` fills the remaining axes. Returns a strided
     * view sharing `x`'s memory.
     */
    index(...indices: IndexEntry[]): MxArray;
  }
}

MxArray.prototype.index = function (this: MxArray, ...indices: IndexEntry[]): MxArray {
  return indexView(this, indices);
};
