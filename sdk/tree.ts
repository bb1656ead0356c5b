// Walking trees of arrays (arrays, plain objects, JS arrays), for eval,
// dispose and tidy. The public tree utilities build on this.
import { MxArray } from './array.js';

/** Arrays nested in JS arrays and plain objects. */
export type Tree = MxArray | readonly Tree[] | { readonly [key: string]: Tree } | unknown;

/** Every array in `tree`, depth first. */
export function treeArrays(tree: unknown, out: MxArray[] = []): MxArray[] {
  if (tree instanceof MxArray) {
    out.push(tree);
  } else if (Array.isArray(tree)) {
    for (const t of tree) treeArrays(t, out);
  } else if (tree !== null && typeof tree === 'object' && Object.getPrototypeOf(tree) === Object.prototype) {
    for (const v of Object.values(tree)) treeArrays(v, out);
  }
  return out;
}
