// The stack of open `tidy` scopes. Every array made while a scope is open is
// recorded there so the scope can release what the callback did not return.
export interface Disposable {
  dispose(): void;
}

const scopes: Set<Disposable>[] = [];

/** @internal Records a new array in the innermost open scope. */
export function track(a: Disposable): void {
  const top = scopes[scopes.length - 1];
  if (top) top.add(a);
}

/** @internal */
export function openScope(): Set<Disposable> {
  const s = new Set<Disposable>();
  scopes.push(s);
  return s;
}

/** @internal Closes `scope`, moving `keep` to the enclosing scope. */
export function closeScope(scope: Set<Disposable>, keep: Set<Disposable>): void {
  const i = scopes.lastIndexOf(scope);
  if (i >= 0) scopes.splice(i, 1);
  const parent = scopes[scopes.length - 1];
  for (const a of scope) {
    if (keep.has(a)) {
      if (parent) parent.add(a);
    } else {
      a.dispose();
    }
  }
}
