// mlx-ts/utils: MLX's tree utilities (`mlx.utils`) for trees of arrays.
//   import { treeFlatten, treeUnflatten, treeMap } from 'mlx-ts/utils';
//
// A tree is a value nested in JS arrays (MLX's lists and tuples) and plain
// objects (MLX's dicts). Everything else is a leaf: `MxArray`s, numbers,
// strings, booleans, `null`, `undefined`, class instances, Maps, typed arrays.

/**
 * A tree whose leaves have type `L`: a leaf, a JS array of trees (MLX's
 * list/tuple) or a plain object of trees (MLX's dict).
 *
 * Plain objects are those whose prototype is `Object.prototype` or `null`;
 * any other object (an `MxArray`, a class instance, a `Map`, a typed array)
 * is a leaf.
 *
 * The functions of this module never infer `L` from the tree itself (trees
 * mix leaf types freely): it comes from the annotation of `fn`, or from an
 * explicit type argument (`treeFlatten<MxArray>(params)`), and defaults to
 * `unknown`.
 */
export type Tree<L = unknown> = L | readonly Tree<L>[] | { readonly [key: string]: Tree<L> };

/**
 * Decides whether a node of a tree is a leaf. When it returns `true` the node
 * is not descended into, even if it is a JS array or a plain object.
 */
export type IsLeaf = (node: unknown) => boolean;

/** A flat tree: `[key, value]` pairs with dotted keys such as `"layers.0.weight"`. */
export type FlatTree<L = unknown> = Array<[string, L]>;

function isPlainObject(x: unknown): x is Readonly<Record<string, unknown>> {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** A plain object with `entries` as own data properties (a `__proto__` key stays a key). */
function makeObject(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  return Object.fromEntries(entries) as Record<string, unknown>;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (isPlainObject(x)) return 'a plain object';
  if (typeof x === 'object' || typeof x === 'function') {
    const name = (x as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string' && name !== '') return `an instance of ${name}`;
    return `a ${typeof x}`;
  }
  return `a ${typeof x} (${String(x)})`;
}

function where(path: string): string {
  return path === '' ? 'the root' : `"${path}"`;
}

/** Tracks the containers on the current descent path, to report cycles. */
class Ancestors {
  private readonly open = new Set<object>();
  constructor(private readonly op: string) {}
  enter(node: object, path: string): void {
    if (this.open.has(node)) {
      throw new Error(`[${this.op}] The tree contains a cycle: the container at ${where(path)} is its own ancestor.`);
    }
    this.open.add(node);
  }
  leave(node: object): void {
    this.open.delete(node);
  }
}

function checkIsLeaf(op: string, isLeaf: unknown): void {
  if (isLeaf !== undefined && isLeaf !== null && typeof isLeaf !== 'function') {
    throw new Error(`[${op}] isLeaf should be a function or undefined, got ${describe(isLeaf)}.`);
  }
}

function checkFn(op: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new Error(`[${op}] fn should be a function, got ${describe(fn)}.`);
}

/**
 * Flattens a tree to a list of `[key, value]` pairs, like MLX's
 * `mlx.utils.tree_flatten`. Keys use dot notation: the items of a JS array
 * are named by their index, those of a plain object by their key, so
 * `{ a: [x, y], b: { c: z } }` flattens to
 * `[['a.0', x], ['a.1', y], ['b.c', z]]`. Leaves come in depth-first order
 * (array order, then `Object.keys` order); empty arrays and objects produce
 * no entries. A leaf at the root gets the key `prefix.slice(1)`, which is `''`
 * by default.
 *
 * ```ts
 * treeFlatten([[[0]]]);                    // [['0.0.0', 0]]
 * treeFlatten([[[0]]], '.hello');          // [['hello.0.0.0', 0]]
 * treeFlatten({ a: { b: 1 } }, '', undefined, {}); // { 'a.b': 1 }
 * ```
 *
 * @typeParam L The leaf type (checked against `tree`); `unknown` unless given.
 * @param tree The tree to flatten.
 * @param prefix A prefix for the keys. As in MLX, its first character is
 *   always discarded (pass `'.name'` to get keys `name.…`).
 * @param isLeaf Optional predicate: a node for which it returns `true` is a
 *   leaf, even if it is a JS array or a plain object.
 * @param destination Optional array of pairs or plain object to add the
 *   entries to (and return). An object destination gets `key: value`
 *   properties, a later key overwriting an earlier equal one.
 * @returns The flat tree: `destination`, or a new array of pairs.
 */
export function treeFlatten<L = unknown>(
  tree: Tree<NoInfer<L>>,
  prefix?: string,
  isLeaf?: IsLeaf,
  destination?: FlatTree<NoInfer<L>>,
): FlatTree<L>;
/**
 * Flattens a tree into the plain object `destination` (MLX's
 * `tree_flatten(tree, destination={})`): each leaf becomes a property whose
 * name is its dotted key. Returns `destination`.
 */
export function treeFlatten<L = unknown>(
  tree: Tree<NoInfer<L>>,
  prefix: string | undefined,
  isLeaf: IsLeaf | undefined,
  destination: Record<string, NoInfer<L>>,
): Record<string, L>;
export function treeFlatten<L = unknown>(
  tree: Tree<NoInfer<L>>,
  prefix = '',
  isLeaf?: IsLeaf,
  destination?: FlatTree<L> | Record<string, L>,
): FlatTree<L> | Record<string, L> {
  const op = 'treeFlatten';
  if (typeof prefix !== 'string') throw new Error(`[${op}] prefix should be a string, got ${describe(prefix)}.`);
  checkIsLeaf(op, isLeaf);
  const dest = destination ?? [];
  let add: (key: string, value: L) => void;
  if (Array.isArray(dest)) {
    const list = dest as FlatTree<L>;
    add = (key, value) => {
      list.push([key, value]);
    };
  } else if (isPlainObject(dest)) {
    const obj = dest as Record<string, L>;
    add = (key, value) => {
      Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
    };
  } else {
    throw new Error(
      `[${op}] destination should be an array, a plain object or undefined, got ${describe(destination)}.`,
    );
  }
  const ancestors = new Ancestors(op);
  // `pre` is the key prefix with MLX's leading character still on it.
  const visit = (node: unknown, pre: string): void => {
    if (isLeaf && isLeaf(node)) {
      add(pre.slice(1), node as L);
    } else if (Array.isArray(node)) {
      ancestors.enter(node, pre.slice(1));
      for (let i = 0; i < node.length; ++i) visit(node[i], `${pre}.${i}`);
      ancestors.leave(node);
    } else if (isPlainObject(node)) {
      ancestors.enter(node, pre.slice(1));
      for (const key of Object.keys(node)) visit(node[key], `${pre}.${key}`);
      ancestors.leave(node);
    } else {
      add(pre.slice(1), node as L);
    }
  };
  visit(tree, prefix);
  return dest;
}

// Python's int() on a str: optional surrounding whitespace and sign, digits
// with single underscores between them.
const PY_INT = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/;
const MAX_JS_ARRAY_INDEX = 2 ** 32 - 2;

function parseIndex(key: string): number | undefined {
  const m = PY_INT.exec(key);
  if (m === null) return undefined;
  const n = Number(m[2]!.replace(/_/g, ''));
  return m[1] === '-' ? -n : n;
}

/**
 * Rebuilds a tree from its flat representation, like MLX's
 * `mlx.utils.tree_unflatten`; the inverse of {@link treeFlatten}.
 *
 * Keys are split at their first dot. A level whose key parts are all integers
 * becomes a JS array, ordered by index, with any gaps filled with empty
 * objects `{}` (as in MLX); any other level becomes a plain object. A single
 * entry with the key `''` is the tree itself (a leaf at the root).
 *
 * ```ts
 * treeUnflatten([['hello.world', 42]]);   // { hello: { world: 42 } }
 * treeUnflatten({ 'hello.world': 42 });   // { hello: { world: 42 } }
 * treeUnflatten([['0.a', 1], ['1.a', 2]]); // [{ a: 1 }, { a: 2 }]
 * ```
 *
 * Notes: key parts are integers when Python's `int()` accepts them (`'01'`
 * and `'1'` both name index 1, so a level holding both stays an object). A
 * JS object always lists integer-like keys first, so an object level that
 * mixes them with other keys may be ordered differently than in Python.
 *
 * @typeParam L The value type (checked against `flat`); `unknown` unless given.
 * @param flat The flat tree: an array (or other iterable, e.g. a `Map`) of
 *   `[key, value]` pairs, or a plain object mapping keys to values.
 * @returns The tree.
 * @throws If an entry is not a `[string, value]` pair, if two entries have
 *   the same key, or if an index is too large for a JS array.
 */
export function treeUnflatten<L = unknown>(
  flat: Iterable<readonly [string, NoInfer<L>]> | Readonly<Record<string, NoInfer<L>>>,
): Tree<NoInfer<L>> {
  const op = 'treeUnflatten';
  let items: Array<readonly [string, L]>;
  if (isPlainObject(flat)) {
    items = Object.entries(flat) as Array<[string, L]>;
  } else if (flat !== null && typeof flat === 'object' && Symbol.iterator in flat) {
    items = [];
    let i = 0;
    for (const item of flat as Iterable<unknown>) {
      if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string') {
        throw new Error(`[${op}] Expected item ${i} to be a [key, value] pair with a string key, got ${describe(item)}.`);
      }
      items.push(item as unknown as readonly [string, L]);
      ++i;
    }
  } else {
    throw new Error(
      `[${op}] Expected an array of [key, value] pairs, a Map or a plain object, got ${describe(flat)}.`,
    );
  }

  const build = (level: Array<readonly [string, L]>, path: string): Tree<L> => {
    if (level.length === 1 && level[0]![0] === '') return level[0]![1];
    const children = new Map<string, Array<readonly [string, L]>>();
    let leavesHere = 0;
    for (const [key, value] of level) {
      if (key === '' && ++leavesHere > 1) throw new Error(`[${op}] Duplicate key ${where(path)}.`);
      const dot = key.indexOf('.');
      const head = dot < 0 ? key : key.slice(0, dot);
      const tail = dot < 0 ? '' : key.slice(dot + 1);
      let group = children.get(head);
      if (group === undefined) children.set(head, (group = []));
      group.push([tail, value]);
    }
    const childPath = (head: string) => (path === '' ? head : `${path}.${head}`);

    // A list when every key part is an integer and no two name the same one.
    const indices = new Map<number, string>();
    let isList = true;
    for (const head of children.keys()) {
      const index = parseIndex(head);
      if (index === undefined) {
        isList = false;
        break;
      }
      indices.set(index, head);
    }
    isList = isList && indices.size === children.size;

    if (isList) {
      const out: Tree<L>[] = [];
      for (const [index, head] of [...indices].sort((a, b) => a[0] - b[0])) {
        if (index > MAX_JS_ARRAY_INDEX) {
          throw new Error(`[${op}] Index ${head} at ${where(path)} is too large for a JS array (at most ${MAX_JS_ARRAY_INDEX}).`);
        }
        while (out.length < index) out.push({});
        out.push(build(children.get(head)!, childPath(head)));
      }
      return out;
    }
    return makeObject([...children].map(([head, group]) => [head, build(group, childPath(head))] as const)) as Tree<L>;
  };
  return build(items, '');
}

/** The extra trees of {@link treeMap}: one tree per extra argument of `fn`. */
export type RestTrees<Rest extends readonly unknown[]> = { readonly [K in keyof Rest]: Tree<Rest[K]> };

function mapTree(
  op: string,
  fn: (path: string, leaf: unknown, rest: unknown[]) => unknown,
  tree: unknown,
  rest: readonly unknown[] | undefined,
  isLeaf: IsLeaf | undefined,
  path: string,
): unknown {
  checkIsLeaf(op, isLeaf);
  const rs = rest ?? [];
  if (!Array.isArray(rs)) throw new Error(`[${op}] rest should be an array of trees, got ${describe(rest)}.`);
  const ancestors = new Ancestors(op);
  const mismatch = (p: string, j: number, wanted: string, got: unknown): Error =>
    new Error(`[${op}] Tree structure mismatch at ${where(p)}: rest[${j}] should have ${wanted} like the tree, got ${describe(got)}.`);
  const join = (p: string, key: string | number) => (p === '' ? `${key}` : `${p}.${key}`);

  const visit = (node: unknown, others: unknown[], p: string): unknown => {
    if (isLeaf && isLeaf(node)) return fn(p, node, others);
    if (Array.isArray(node)) {
      others.forEach((r, j) => {
        if (!Array.isArray(r) || r.length < node.length) {
          throw mismatch(p, j, `an array of at least ${node.length} item${node.length === 1 ? '' : 's'}`, r);
        }
      });
      ancestors.enter(node, p);
      const out: unknown[] = [];
      for (let i = 0; i < node.length; ++i) {
        out.push(visit(node[i], others.map((r) => (r as unknown[])[i]), join(p, i)));
      }
      ancestors.leave(node);
      return out;
    }
    if (isPlainObject(node)) {
      const keys = Object.keys(node);
      others.forEach((r, j) => {
        if (!isPlainObject(r)) throw mismatch(p, j, 'a plain object', r);
        for (const k of keys) {
          if (!Object.prototype.hasOwnProperty.call(r, k)) {
            throw new Error(`[${op}] Tree structure mismatch at ${where(p)}: rest[${j}] has no key "${k}" like the tree.`);
          }
        }
      });
      ancestors.enter(node, p);
      const out = makeObject(
        keys.map((k) => [k, visit(node[k], others.map((r) => (r as Record<string, unknown>)[k]), join(p, k))] as const),
      );
      ancestors.leave(node);
      return out;
    }
    return fn(p, node, others);
  };
  return visit(tree, [...rs], path);
}

/**
 * Applies `fn` to the leaves of `tree` and returns a tree of the same
 * structure with the results, like MLX's `mlx.utils.tree_map(fn, tree,
 * *rest, is_leaf=None)`. JS arrays and plain objects are copied, never
 * modified.
 *
 * MLX's variadic `*rest` is the array `rest` here (pass `[]` or `undefined`
 * when you need `isLeaf` alone). Each tree in `rest` must contain `tree`'s
 * structure — arrays at least as long, objects with at least its keys, any
 * subtree where `tree` has a leaf — and `fn` gets the corresponding node of
 * each as extra arguments (like `itertools.starmap`).
 *
 * ```ts
 * treeMap((x: MxArray) => mx.square(x), params);
 * treeMap((p: MxArray, g: MxArray) => mx.subtract(p, mx.multiply(g, lr)), params, [grads]);
 * ```
 *
 * @typeParam L The leaf type of `tree`, from `fn`'s first parameter.
 * @typeParam R The type `fn` returns: the leaves of the result.
 * @typeParam Rest The types of `fn`'s extra parameters; each tree of `rest`
 *   must have leaves of the matching type.
 * @param fn Called as `fn(leaf, ...restLeaves)` for each leaf of `tree`.
 * @param tree The tree to map over.
 * @param rest Extra trees iterated together with `tree`.
 * @param isLeaf Optional predicate on the nodes of `tree`: a node for which it
 *   returns `true` is passed to `fn` whole.
 * @returns The new tree.
 * @throws If a tree in `rest` lacks part of `tree`'s structure (the message
 *   starts with `[treeMap]` and names the path).
 */
export function treeMap<L, R, Rest extends readonly unknown[] = unknown[]>(
  fn: (leaf: L, ...rest: Rest) => R,
  tree: Tree<NoInfer<L>>,
  rest?: NoInfer<RestTrees<Rest>>,
  isLeaf?: IsLeaf,
): Tree<R> {
  checkFn('treeMap', fn);
  const f = fn as unknown as (leaf: unknown, ...rest: unknown[]) => unknown;
  return mapTree('treeMap', (_p, leaf, others) => f(leaf, ...others), tree, rest, isLeaf, '') as Tree<R>;
}

/**
 * Like {@link treeMap}, but `fn` also gets the dotted path of each leaf
 * first, like MLX's `mlx.utils.tree_map_with_path(fn, tree, *rest,
 * is_leaf=None, path=None)`.
 *
 * ```ts
 * treeMapWithPath((path) => path, { model: [{ w: 0, b: 1 }, { w: 0, b: 1 }] });
 * // { model: [{ w: 'model.0.w', b: 'model.0.b' }, { w: 'model.1.w', b: 'model.1.b' }] }
 * ```
 *
 * @typeParam L The leaf type of `tree`, from `fn`'s second parameter.
 * @typeParam R The type `fn` returns: the leaves of the result.
 * @typeParam Rest The types of `fn`'s extra parameters (see {@link treeMap}).
 * @param fn Called as `fn(path, leaf, ...restLeaves)` for each leaf of `tree`.
 * @param tree The tree to map over.
 * @param rest Extra trees iterated together with `tree` (see {@link treeMap}).
 * @param isLeaf Optional predicate on the nodes of `tree`: a node for which it
 *   returns `true` is passed to `fn` whole.
 * @param path A prefix for the paths: with `'model'`, paths are
 *   `'model.…'`. The path of a leaf at the root is `path` itself, `''` when
 *   omitted (MLX passes `None` there).
 * @returns The new tree.
 * @throws If a tree in `rest` lacks part of `tree`'s structure (the message
 *   starts with `[treeMapWithPath]` and names the path).
 */
export function treeMapWithPath<L, R, Rest extends readonly unknown[] = unknown[]>(
  fn: (path: string, leaf: L, ...rest: Rest) => R,
  tree: Tree<NoInfer<L>>,
  rest?: NoInfer<RestTrees<Rest>>,
  isLeaf?: IsLeaf,
  path = '',
): Tree<R> {
  const op = 'treeMapWithPath';
  if (typeof path !== 'string') throw new Error(`[${op}] path should be a string, got ${describe(path)}.`);
  checkFn(op, fn);
  const f = fn as unknown as (path: string, leaf: unknown, ...rest: unknown[]) => unknown;
  return mapTree(op, (p, leaf, others) => f(p, leaf, ...others), tree, rest, isLeaf, path) as Tree<R>;
}

/**
 * Folds the leaves of `tree` into one value, like MLX's
 * `mlx.utils.tree_reduce(fn, tree, initializer=None, is_leaf=None)`. Leaves
 * are visited in {@link treeFlatten} order.
 *
 * ```ts
 * treeReduce((acc: number, x: number) => acc + x, { a: [1, 2, 3], b: [4, 5] }, 0); // 15
 * ```
 *
 * @typeParam L The leaf type, from `fn`'s second parameter.
 * @typeParam A The accumulator type.
 * @param fn The reducer: `fn(accumulator, leaf)` returns the new accumulator.
 * @param tree The tree to reduce.
 * @param initializer The initial accumulator. When `undefined` (MLX's
 *   `None`), the first leaf is the initial accumulator, and a tree without
 *   leaves reduces to `undefined`.
 * @param isLeaf Optional predicate: a node for which it returns `true` is a
 *   leaf, even if it is a JS array or a plain object.
 * @returns The accumulated value.
 */
export function treeReduce<L, A>(fn: (acc: A, leaf: L) => A, tree: Tree<NoInfer<L>>, initializer: A, isLeaf?: IsLeaf): A;
/**
 * Folds the leaves of `tree` into one value, starting from the first leaf
 * (MLX's `tree_reduce` without an initializer). A tree without leaves
 * reduces to `undefined`.
 */
export function treeReduce<L>(
  fn: (acc: L, leaf: L) => L,
  tree: Tree<NoInfer<L>>,
  initializer?: undefined,
  isLeaf?: IsLeaf,
): L | undefined;
export function treeReduce<L, A>(
  fn: (acc: A, leaf: L) => A,
  tree: Tree<NoInfer<L>>,
  initializer?: A,
  isLeaf?: IsLeaf,
): A | undefined {
  const op = 'treeReduce';
  checkFn(op, fn);
  checkIsLeaf(op, isLeaf);
  const ancestors = new Ancestors(op);
  let acc: unknown = initializer;
  const step = (leaf: unknown) => {
    acc = acc === undefined ? leaf : fn(acc as A, leaf as L);
  };
  const visit = (node: unknown, p: string): void => {
    if (isLeaf && isLeaf(node)) {
      step(node);
    } else if (Array.isArray(node)) {
      ancestors.enter(node, p);
      for (let i = 0; i < node.length; ++i) visit(node[i], p === '' ? `${i}` : `${p}.${i}`);
      ancestors.leave(node);
    } else if (isPlainObject(node)) {
      ancestors.enter(node, p);
      for (const k of Object.keys(node)) visit(node[k], p === '' ? k : `${p}.${k}`);
      ancestors.leave(node);
    } else {
      step(node);
    }
  };
  visit(tree, '');
  return acc as A | undefined;
}
