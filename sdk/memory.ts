// Evaluation, deterministic release, and the memory API.
import { MxArray } from './array.js';
import { native } from './native.js';
import { closeScope, openScope, type Disposable } from './tidy_scope.js';
import { treeArrays } from './tree.js';

/** Evaluates every array in the arguments (arrays or trees of arrays) and waits. */
export function evaluate(...trees: unknown[]): void {
  if (trees.length === 1 && trees[0] instanceof MxArray) {
    native.eval(trees[0]._native);
    return;
  }
  const arrays = treeArrays(trees);
  if (arrays.length) native.eval(arrays.map((a) => a._native));
}

/**
 * Starts evaluating and resolves when done. Runs on the stream workers: the
 * event loop (timers, I/O) keeps running meanwhile.
 */
export async function asyncEval(...trees: unknown[]): Promise<void> {
  const arrays = treeArrays(trees);
  if (arrays.length) await native.asyncEval(arrays.map((a) => a._native));
}

/** Releases every array in the tree now. */
export function dispose(...trees: unknown[]): void {
  for (const a of treeArrays(trees)) a.dispose();
}

/**
 * Runs `fn` and releases every array made during it except those it returns
 * (arrays anywhere in the returned tree). With an async `fn`, releases when
 * its promise settles; arrays made by other code meanwhile are released too.
 */
export function tidy<T>(fn: () => T): T {
  const scope = openScope();
  let out: T;
  try {
    out = fn();
  } catch (e) {
    closeScope(scope, new Set());
    throw e;
  }
  if (out instanceof Promise) {
    return out.then(
      (v) => {
        closeScope(scope, new Set<Disposable>(treeArrays(v)));
        return v;
      },
      (e) => {
        closeScope(scope, new Set());
        throw e;
      },
    ) as T;
  }
  closeScope(scope, new Set<Disposable>(treeArrays(out)));
  return out;
}

/** Bytes held by live arrays. */
export function getActiveMemory(): number {
  return native.getActiveMemory();
}
/** Highest active memory since start or `resetPeakMemory()`. */
export function getPeakMemory(): number {
  return native.getPeakMemory();
}
export function resetPeakMemory(): void {
  native.resetPeakMemory();
}
/** Bytes kept in the allocator's cache for reuse. */
export function getCacheMemory(): number {
  return native.getCacheMemory();
}
/** Returns the cached memory to the system. */
export function clearCache(): void {
  native.clearCache();
}
/** Sets the active-memory limit (an allocation past it throws); returns the old one. */
export function setMemoryLimit(limit: number): number {
  checkBytes(limit, 'set_memory_limit');
  return native.setMemoryLimit(limit);
}
/** Sets how much freed memory the cache keeps; returns the old limit. */
export function setCacheLimit(limit: number): number {
  checkBytes(limit, 'set_cache_limit');
  return native.setCacheLimit(limit);
}
export function getMemoryLimit(): number {
  return native.getMemoryLimit();
}

function checkBytes(n: number, op: string): void {
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
    throw new Error(`[${op}] Expected a non-negative number of bytes, got ${String(n)}.`);
  }
}

export { MxArray };
