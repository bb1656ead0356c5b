// Function transformations: grad, valueAndGrad, vjp, jvp, vmap. JS functions
// are traced by the native transforms, which call back into JS synchronously.
import { MxArray, wrap } from './array.js';
import { native, type NativeArray } from './native.js';
import { describe } from './ops/convert.js';
import { flattenArrays, type Rebuild } from './tree.js';

declare module './native.js' {
  interface NativeAddon {
    vjp(fn: (xs: NativeArray[]) => NativeArray[], primals: NativeArray[], cotangents: NativeArray[], argnums?: number[]): [NativeArray[], NativeArray[]];
    jvp(fn: (xs: NativeArray[]) => NativeArray[], primals: NativeArray[], tangents: NativeArray[]): [NativeArray[], NativeArray[]];
    valueAndGrad(fn: (xs: NativeArray[]) => NativeArray[], primals: NativeArray[], argnums: number[]): [NativeArray[], NativeArray[]];
    vmap(fn: (xs: NativeArray[]) => NativeArray[], inputs: NativeArray[], inAxes: number[], outAxes: number[]): NativeArray[];
  }
}

type AnyFn = (...args: never[]) => unknown;

function checkFn(fn: unknown, op: string): void {
  if (typeof fn !== 'function') throw new Error(`[${op}] Expected a function, got ${describe(fn)}.`);
}

function normalizeArgnums(argnums: number | number[], nargs: number, op: string): number[] {
  const list = typeof argnums === 'number' ? [argnums] : argnums;
  if (!Array.isArray(list) || list.length === 0) {
    throw new Error(`[${op}] Expected argnums to be a number or a non-empty list of numbers, got ${describe(argnums)}.`);
  }
  const out = list.map((a) => {
    if (!Number.isInteger(a)) throw new Error(`[${op}] Expected integer argnums, got ${describe(a)}.`);
    const n = a < 0 ? a + nargs : a;
    if (n < 0 || n >= nargs) {
      throw new Error(`[${op}] Can't compute the gradient of argument index ${a} because the function is called with only ${nargs} positional arguments.`);
    }
    return n;
  });
  if (new Set(out).size !== out.length) throw new Error(`[${op}] Duplicate argnums ${JSON.stringify(list)}.`);
  return out;
}

/** The loss of a function's return value: an array, or the first element of a list. */
function lossOf(value: unknown, op: string): MxArray {
  if (value instanceof MxArray) return value;
  if (Array.isArray(value) && value[0] instanceof MxArray) return value[0];
  throw new Error(`[${op}] The function must return an array or a list whose first element is an array, got ${describe(value)}.`);
}

/**
 * `valueAndGrad(fn, argnums = 0)` returns a function computing `[fn(...args),
 * grads]`, where grads are the gradients of fn's scalar output (or of the first
 * element when fn returns a list `[loss, ...aux]`) with respect to the
 * arguments in `argnums`. Arguments may be trees (arrays in JS arrays and plain
 * objects); each gradient mirrors its argument. With one argnum the gradient
 * comes alone; with a list, as a list.
 */
export function valueAndGrad<F extends AnyFn>(
  fn: F,
  argnums: number | number[] = 0,
): (...args: Parameters<F>) => [ReturnType<F>, unknown] {
  checkFn(fn, 'value_and_grad');
  return (...args: Parameters<F>) => {
    const nums = normalizeArgnums(argnums, args.length, 'value_and_grad');
    const flat: MxArray[] = [];
    const parts: { index: number; start: number; count: number; rebuild: Rebuild }[] = [];
    for (const i of nums) {
      const [leaves, rebuild] = flattenArrays(args[i]);
      parts.push({ index: i, start: flat.length, count: leaves.length, rebuild });
      flat.push(...leaves);
    }
    let value: unknown;
    const [outs, grads] = native.valueAndGrad(
      (tracers) => {
        const callArgs = args.slice() as unknown[];
        for (const p of parts) {
          callArgs[p.index] = p.rebuild(tracers.slice(p.start, p.start + p.count).map(wrap));
        }
        value = (fn as unknown as (...a: unknown[]) => unknown)(...callArgs);
        return [lossOf(value, 'value_and_grad')._native];
      },
      flat.map((a) => a._native),
      flat.map((_, k) => k),
    );
    // The value is the one fn returned (already an MxArray): the copies go.
    for (const h of outs) native.arrayRelease(h);
    const g = grads.map(wrap);
    const perArg = parts.map((p) => p.rebuild(g.slice(p.start, p.start + p.count)));
    const gradsOut = typeof argnums === 'number' ? perArg[0] : perArg;
    return [value as ReturnType<F>, gradsOut];
  };
}

/**
 * `grad(fn, argnums = 0)`: a function returning the gradient of fn's scalar
 * output with respect to the arguments in argnums (see valueAndGrad).
 */
export function grad<F extends AnyFn>(fn: F, argnums: number | number[] = 0): (...args: Parameters<F>) => unknown {
  checkFn(fn, 'grad');
  const vg = valueAndGrad(fn, argnums);
  return (...args: Parameters<F>) => vg(...args)[1];
}

function outputsOf(value: unknown, op: string): MxArray[] {
  if (value instanceof MxArray) return [value];
  if (Array.isArray(value) && value.every((v) => v instanceof MxArray)) return value as MxArray[];
  throw new Error(`[${op}] The function must return an array or a list of arrays, got ${describe(value)}.`);
}

function checkArrays(xs: unknown, op: string, what: string): MxArray[] {
  if (!Array.isArray(xs) || !xs.every((x) => x instanceof MxArray)) {
    throw new Error(`[${op}] Expected ${what} to be a list of arrays, got ${describe(xs)}.`);
  }
  return xs as MxArray[];
}

/**
 * Vector-Jacobian product: `[outputs, vjps]` of `fn(...primals)` with one
 * cotangent per output. fn takes the primals as positional arrays and returns
 * an array or a list of arrays.
 */
export function vjp(
  fn: (...primals: MxArray[]) => MxArray | MxArray[],
  primals: MxArray[],
  cotangents: MxArray[],
): [MxArray[], MxArray[]] {
  checkFn(fn, 'vjp');
  const p = checkArrays(primals, 'vjp', 'primals');
  const c = checkArrays(cotangents, 'vjp', 'cotangents');
  const [outs, vjps] = native.vjp(
    (xs) => outputsOf(fn(...xs.map(wrap)), 'vjp').map((a) => a._native),
    p.map((a) => a._native),
    c.map((a) => a._native),
  );
  return [outs.map(wrap), vjps.map(wrap)];
}

/**
 * Jacobian-vector product: `[outputs, jvps]` of `fn(...primals)` with one
 * tangent per primal.
 */
export function jvp(
  fn: (...primals: MxArray[]) => MxArray | MxArray[],
  primals: MxArray[],
  tangents: MxArray[],
): [MxArray[], MxArray[]] {
  checkFn(fn, 'jvp');
  const p = checkArrays(primals, 'jvp', 'primals');
  const t = checkArrays(tangents, 'jvp', 'tangents');
  const [outs, jvps] = native.jvp(
    (xs) => outputsOf(fn(...xs.map(wrap)), 'jvp').map((a) => a._native),
    p.map((a) => a._native),
    t.map((a) => a._native),
  );
  return [outs.map(wrap), jvps.map(wrap)];
}

/** An axis per argument (or one for all); `null` leaves an argument unmapped. */
export type VmapAxes = number | null | (number | null)[];

/**
 * `vmap(fn, inAxes = 0, outAxes = 0)` vectorizes fn over an axis of its
 * arguments. `inAxes`: one axis for every argument, or a list with one entry per
 * argument (`null`: not mapped; an entry applies to all arrays of a tree
 * argument). `outAxes`: one axis, or one per output.
 */
export function vmap<F extends AnyFn>(
  fn: F,
  inAxes: VmapAxes = 0,
  outAxes: number | number[] = 0,
): (...args: Parameters<F>) => ReturnType<F> {
  checkFn(fn, 'vmap');
  return (...args: Parameters<F>) => {
    if (Array.isArray(inAxes) && inAxes.length !== args.length) {
      throw new Error(`[vmap] The number of in axes (${inAxes.length}) must match the number of arguments (${args.length}).`);
    }
    const flat: MxArray[] = [];
    const axes: number[] = [];
    const rebuilders: { start: number; count: number; rebuild: Rebuild }[] = [];
    args.forEach((arg, i) => {
      const ax = Array.isArray(inAxes) ? inAxes[i] : inAxes;
      const [leaves, rebuild] = flattenArrays(arg);
      rebuilders.push({ start: flat.length, count: leaves.length, rebuild });
      for (const leaf of leaves) {
        flat.push(leaf);
        if (ax === null) {
          axes.push(-1);
        } else {
          const a = ax < 0 ? ax + leaf.ndim : ax;
          axes.push(a);
        }
      }
    });
    let outRebuild: Rebuild | undefined;
    let outCount = 0;
    const results = native.vmap(
      (tracers) => {
        const ws = tracers.map(wrap);
        const callArgs = rebuilders.map((r) => r.rebuild(ws.slice(r.start, r.start + r.count)));
        const value = (fn as unknown as (...a: unknown[]) => unknown)(...callArgs);
        const [leaves, rebuild] = flattenArrays(value);
        outRebuild = rebuild;
        outCount = leaves.length;
        return leaves.map((l) => l._native);
      },
      flat.map((a) => a._native),
      axes,
      (() => {
        // Out axes are known per output only after tracing; the native side
        // accepts one entry (applied to all) or one per output.
        return typeof outAxes === 'number' ? [outAxes] : outAxes;
      })(),
    );
    void outCount;
    return outRebuild!(results.map(wrap)) as ReturnType<F>;
  };
}

// ---------------------------------------------------------------------------
// customFunction, checkpoint, compile

declare module './native.js' {
  interface NativeAddon {
    customFunctionCall(
      inputs: NativeArray[],
      fn: (xs: NativeArray[]) => NativeArray[],
      vjp?: (primals: NativeArray[], cotangents: NativeArray[], outputs: NativeArray[]) => NativeArray[],
      jvp?: (primals: NativeArray[], tangents: NativeArray[], argnums: number[]) => NativeArray[],
      vmap?: (inputs: NativeArray[], axes: number[]) => [NativeArray[], number[]],
    ): NativeArray[];
    checkpointCall(inputs: NativeArray[], fn: (xs: NativeArray[]) => NativeArray[]): NativeArray[];
    compileTrace(fn: (xs: NativeArray[]) => NativeArray[], inputs: NativeArray[]): object;
    compileReplay(graph: object, inputs: NativeArray[], shapeless: boolean): NativeArray[];
    setCompileEnabled(enabled: boolean): void;
  }
}

/** What a custom function returns: one array or a list of arrays. */
export type Outputs = MxArray | MxArray[];

/** A function with its own transformation rules (see customFunction). */
export interface CustomFunction<F extends (...args: MxArray[]) => Outputs> {
  (...args: Parameters<F>): ReturnType<F>;
  /** Sets the vjp rule: `(primals, cotangent, output) => one array per primal`;
   * cotangent and output mirror fn's result. Returns the function. */
  vjp(rule: (primals: MxArray[], cotangent: ReturnType<F>, output: ReturnType<F>) => Outputs): CustomFunction<F>;
  /** Sets the jvp rule: `(primals, tangents) => output tangent(s)`. */
  jvp(rule: (primals: MxArray[], tangents: MxArray[]) => Outputs): CustomFunction<F>;
  /** Sets the vmap rule: `(inputs, axes) => [outputs, outAxes]` (null: unmapped). */
  vmap(
    rule: (inputs: MxArray[], axes: (number | null)[]) => [Outputs, number | (number | null)[]],
  ): CustomFunction<F>;
}

function listOf(x: Outputs, op: string): MxArray[] {
  return outputsOf(x, op);
}

/**
 * MLX's `custom_function`: `fn` runs as usual; transforms use the rules set
 * with `.vjp`, `.jvp`, `.vmap` (others fall back to transforming fn). Arrays
 * captured by fn (not passed as arguments) are constants: they get no gradient.
 */
export function customFunction<F extends (...args: MxArray[]) => Outputs>(fn: F): CustomFunction<F> {
  checkFn(fn, 'custom_function');
  let vjpRule: ((p: MxArray[], c: ReturnType<F>, o: ReturnType<F>) => Outputs) | undefined;
  let jvpRule: ((p: MxArray[], t: MxArray[]) => Outputs) | undefined;
  let vmapRule: ((i: MxArray[], a: (number | null)[]) => [Outputs, number | (number | null)[]]) | undefined;
  const call = (...args: Parameters<F>): ReturnType<F> => {
    const xs = checkArrays(args, 'custom_function', 'the arguments');
    let single = false;
    const mirror = (list: MxArray[]): ReturnType<F> => (single ? list[0] : list) as ReturnType<F>;
    const outs = native.customFunctionCall(
      xs.map((a) => a._native),
      (nxs) => {
        const r = fn(...(nxs.map(wrap) as Parameters<F>));
        single = r instanceof MxArray;
        return listOf(r, 'custom_function').map((a) => a._native);
      },
      vjpRule &&
        ((p, c, o) => {
          const r = vjpRule!(p.map(wrap), mirror(c.map(wrap)), mirror(o.map(wrap)));
          return listOf(r, 'custom_function').map((a) => a._native);
        }),
      jvpRule &&
        ((p, t, argnums) => {
          const primals = p.map(wrap);
          const tangents = primals.map((x) => zerosLikeNative(x));
          argnums.forEach((a, k) => (tangents[a] = wrap(t[k])));
          return listOf(jvpRule!(primals, tangents), 'custom_function').map((a) => a._native);
        }),
      vmapRule &&
        ((inputs, axes) => {
          const [o, ax] = vmapRule!(inputs.map(wrap), axes.map((a) => (a < 0 ? null : a)));
          const outsList = listOf(o, 'custom_function');
          const axList = Array.isArray(ax) ? ax : outsList.map(() => ax);
          return [outsList.map((a) => a._native), axList.map((a) => (a === null ? -1 : a))];
        }),
    );
    return mirror(outs.map(wrap));
  };
  const cf = call as CustomFunction<F>;
  cf.vjp = (rule) => ((vjpRule = rule), cf);
  cf.jvp = (rule) => ((jvpRule = rule), cf);
  cf.vmap = (rule) => ((vmapRule = rule), cf);
  return cf;
}

function zerosLikeNative(x: MxArray): MxArray {
  return wrap(native.zeros(x.shape, x.dtype.val, undefined));
}

/**
 * MLX's `checkpoint`: fn's intermediate values are not kept for the backward
 * pass; gradients recompute them from the inputs (memory for compute).
 */
export function checkpoint<F extends (...args: MxArray[]) => Outputs>(fn: F): F {
  checkFn(fn, 'checkpoint');
  return ((...args: MxArray[]) => {
    const xs = checkArrays(args, 'checkpoint', 'the arguments');
    let single = false;
    const outs = native.checkpointCall(
      xs.map((a) => a._native),
      (nxs) => {
        const r = fn(...nxs.map(wrap));
        single = r instanceof MxArray;
        return listOf(r, 'checkpoint').map((a) => a._native);
      },
    ).map(wrap);
    return single ? outs[0] : outs;
  }) as unknown as F;
}

let compileEnabled = true;

/** Turns compilation on (the default) for all compiled functions. */
export function enableCompile(): void {
  compileEnabled = true;
  native.setCompileEnabled(true);
}

/** Turns compilation off: compiled functions call the original function. */
export function disableCompile(): void {
  compileEnabled = false;
  native.setCompileEnabled(false);
}

/** Options of compile. */
export interface CompileOptions {
  /** Reuse one trace for inputs of any shape (same dtypes and ranks). */
  shapeless?: boolean;
}

function signature(tree: unknown, shapeless: boolean): string {
  if (tree instanceof MxArray) {
    return `A(${tree.dtype.name};${shapeless ? `r${tree.ndim}` : tree.shape.join('x')})`;
  }
  if (Array.isArray(tree)) return `[${tree.map((t) => signature(t, shapeless)).join(',')}]`;
  if (tree !== null && typeof tree === 'object' && Object.getPrototypeOf(tree) === Object.prototype) {
    return `{${Object.entries(tree).map(([k, v]) => `${JSON.stringify(k)}:${signature(v, shapeless)}`).join(',')}}`;
  }
  return JSON.stringify(tree) ?? String(tree);
}

/**
 * MLX's `compile`: traces fn once per input signature (tree structure, dtypes,
 * shapes — ranks only with `shapeless`, and the values of non-array
 * arguments) and replays the captured graph on later calls without running
 * fn. Composes with grad and vmap. Arrays fn captures are constants.
 */
export function compile<F extends AnyFn>(fn: F, options: CompileOptions = {}): F {
  checkFn(fn, 'compile');
  const shapeless = options.shapeless ?? false;
  const cache = new Map<string, { graph: object; rebuild: Rebuild }>();
  return ((...args: unknown[]) => {
    if (!compileEnabled) return (fn as unknown as (...a: unknown[]) => unknown)(...args);
    const [leaves, rebuildArgs] = flattenArrays(args);
    const key = signature(args, shapeless);
    let entry = cache.get(key);
    if (!entry) {
      let rebuild: Rebuild | undefined;
      const graph = native.compileTrace(
        (xs) => {
          const callArgs = rebuildArgs(xs.map(wrap)) as unknown[];
          const value = (fn as unknown as (...a: unknown[]) => unknown)(...callArgs);
          const [outLeaves, r] = flattenArrays(value);
          rebuild = r;
          return outLeaves.map((l) => l._native);
        },
        leaves.map((l) => l._native),
      );
      entry = { graph, rebuild: rebuild! };
      cache.set(key, entry);
    }
    const outs = native.compileReplay(entry.graph, leaves.map((l) => l._native), shapeless);
    return entry.rebuild(outs.map(wrap));
  }) as unknown as F;
}
