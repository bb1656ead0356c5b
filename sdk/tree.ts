// Walking trees of arrays (arrays, plain objects, JS arrays), for eval,
// dispose and tidy. The public tree utilities build on this.
import { MxArray } from './array.js';

/** Arrays nested in JS arrays and plain objects. */
export type Tree = MxArray | readonly Tree[] | { readonly [key: string]: Tree } | unknown;

/** Plain objects (dict-like: Object.prototype or null prototype) are tree nodes. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Every array in `tree`, depth first. */
export function treeArrays(tree: unknown, out: MxArray[] = []): MxArray[] {
  if (tree instanceof MxArray) {
    out.push(tree);
  } else if (Array.isArray(tree)) {
    for (const t of tree) treeArrays(t, out);
  } else if (isPlainObject(tree)) {
    for (const v of Object.values(tree)) treeArrays(v, out);
  }
  return out;
}

/** Rebuilds a tree of the same structure from new leaves (in flatten order). */
export type Rebuild = (leaves: MxArray[]) => unknown;

/**
 * The arrays of a tree and a function that rebuilds the tree with other
 * arrays in their places (non-array leaves are kept as they are).
 */
export function flattenArrays(tree: unknown): [MxArray[], Rebuild] {
  const leaves = treeArrays(tree);
  const rebuild: Rebuild = (next) => {
    if (next.length !== leaves.length) {
      throw new Error(`[tree] Expected ${leaves.length} arrays to rebuild the tree, got ${next.length}.`);
    }
    let i = 0;
    const build = (t: unknown): unknown => {
      if (t instanceof MxArray) return next[i++];
      if (Array.isArray(t)) return t.map(build);
      if (isPlainObject(t)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(t)) out[k] = build(v);
        return out;
      }
      return t;
    };
    return build(tree);
  };
  return [leaves, rebuild];
}
