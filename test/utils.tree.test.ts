// Tree utilities (mlx-ts/utils), against MLX's mlx.utils semantics: the
// expected values are written out by hand from MLX's documentation and
// python/mlx/utils.py behaviour.
import { describe, expect, test } from 'vitest';
import * as mx from 'mlx-ts';
import { treeFlatten, treeMap, treeMapWithPath, treeReduce, treeUnflatten, type Tree } from 'mlx-ts/utils';

type MxArray = mx.MxArray;
const isMx = (x: unknown): x is MxArray => x instanceof mx.MxArray;
/** Squares an int32 array element by element in JS (independent of any op under test). */
const square = (x: MxArray): MxArray => mx.array((x.tolist() as number[]).map((v) => v * v));

describe('treeFlatten', () => {
  test('MLX documentation examples', () => {
    expect(treeFlatten([[[0]]])).toEqual([['0.0.0', 0]]);
    expect(treeFlatten([[[0]]], '.hello')).toEqual([['hello.0.0.0', 0]]);
    expect(treeFlatten({ a: { b: 1 } }, '', undefined, {})).toEqual({ 'a.b': 1 });
  });

  test('nested objects and lists of arrays and numbers, depth first with dotted keys', () => {
    const w = mx.array([1, 2, 3]);
    const b0 = mx.zeros([2]);
    const b1 = mx.full([2], 7);
    const tree = { w, layers: [{ b: b0, n: 4 }, { b: b1, n: 5 }], lr: 0.5 };
    const flat = treeFlatten(tree);
    expect(flat.map(([k]) => k)).toEqual(['w', 'layers.0.b', 'layers.0.n', 'layers.1.b', 'layers.1.n', 'lr']);
    // The leaves are the very same objects, not copies.
    expect(flat[0]![1]).toBe(w);
    expect(flat[1]![1]).toBe(b0);
    expect(flat[3]![1]).toBe(b1);
    expect(flat.filter(([, v]) => !isMx(v))).toEqual([['layers.0.n', 4], ['layers.1.n', 5], ['lr', 0.5]]);
  });

  test('what is a leaf: arrays, scalars, null/undefined, class instances, Maps, typed arrays', () => {
    const a = mx.array([1]);
    const m = new Map([['x', 1]]);
    const ta = new Float32Array([1, 2]);
    class Box {
      constructor(public v = [1, 2]) {}
    }
    const box = new Box();
    const flat = treeFlatten([a, 's', true, null, undefined, m, ta, box, 3n]);
    expect(flat.map(([k]) => k)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8']);
    expect(flat.map(([, v]) => v)).toEqual([a, 's', true, null, undefined, m, ta, box, 3n]);
    expect(flat[7]![1]).toBe(box);
  });

  test('a leaf at the root, empty containers, and the prefix rule (first character dropped)', () => {
    const a = mx.array([1, 2]);
    expect(treeFlatten(a)).toEqual([['', a]]);
    expect(treeFlatten(5, '.x')).toEqual([['x', 5]]);
    expect(treeFlatten({ a: [], b: {}, c: [[], { d: {} }] })).toEqual([]);
    expect(treeFlatten([])).toEqual([]);
    // MLX always discards the first character of the prefix.
    expect(treeFlatten([1, { z: 2 }], 'abc')).toEqual([['bc.0', 1], ['bc.1.z', 2]]);
    expect(treeFlatten({ k: 1 }, '.model.layers')).toEqual([['model.layers.k', 1]]);
  });

  test('isLeaf stops the descent', () => {
    const tree = { a: [1, 2], b: { c: [3, 4], d: 'x' }, e: [[5], 6] };
    const numberList = (n: unknown) => Array.isArray(n) && n.every((v) => typeof v === 'number');
    expect(treeFlatten(tree, '', numberList)).toEqual([
      ['a', [1, 2]],
      ['b.c', [3, 4]],
      ['b.d', 'x'],
      ['e.0', [5]],
      ['e.1', 6],
    ]);
    // isLeaf at the root: the whole tree is one leaf.
    expect(treeFlatten(tree, '', () => true)).toEqual([['', tree]]);
    // Dicts as leaves.
    expect(treeFlatten([{ a: 1 }, { b: 2 }], '', (n) => !Array.isArray(n))).toEqual([
      ['0', { a: 1 }],
      ['1', { b: 2 }],
    ]);
  });

  test('destination: appends to a given array or object and returns it', () => {
    const dest: Array<[string, number]> = [['pre', 0]];
    const out = treeFlatten({ a: [1, 2] }, '', undefined, dest);
    expect(out).toBe(dest);
    expect(dest).toEqual([['pre', 0], ['a.0', 1], ['a.1', 2]]);

    const obj: Record<string, number> = { keep: 9, 'a.0': -1 };
    const out2 = treeFlatten({ a: [1, 2] }, '', undefined, obj);
    expect(out2).toBe(obj);
    expect(obj).toEqual({ keep: 9, 'a.0': 1, 'a.1': 2 });

    expect(() => treeFlatten([1], '', undefined, new Map() as unknown as Record<string, number>)).toThrow(
      '[treeFlatten] destination should be an array, a plain object or undefined, got an instance of Map.',
    );
  });

  test('null-prototype objects are dicts; a "__proto__" key is kept as a key', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.x = 1;
    bare.y = [2];
    expect(treeFlatten({ bare })).toEqual([['bare.x', 1], ['bare.y.0', 2]]);
    const tricky = JSON.parse('{"__proto__": {"p": 1}, "q": 2}') as Tree<number>;
    const dest = treeFlatten(tricky, '', undefined, {});
    expect(Object.keys(dest)).toEqual(['__proto__.p', 'q']);
    expect(Object.getPrototypeOf(dest)).toBe(Object.prototype);
  });

  test('errors: cycles, bad prefix, bad isLeaf', () => {
    const cyc: { a: unknown[] } = { a: [1] };
    cyc.a.push(cyc);
    expect(() => treeFlatten(cyc)).toThrow(
      '[treeFlatten] The tree contains a cycle: the container at "a.1" is its own ancestor.',
    );
    // Shared (non-cyclic) subtrees are fine.
    const shared = [1, 2];
    expect(treeFlatten({ x: shared, y: shared })).toEqual([['x.0', 1], ['x.1', 2], ['y.0', 1], ['y.1', 2]]);
    expect(() => treeFlatten([1], 3 as unknown as string)).toThrow('[treeFlatten] prefix should be a string, got a number (3).');
    expect(() => treeFlatten([1], '', 'yes' as unknown as () => boolean)).toThrow(
      '[treeFlatten] isLeaf should be a function or undefined, got a string (yes).',
    );
  });
});

describe('treeUnflatten', () => {
  test('MLX documentation examples', () => {
    expect(treeUnflatten([['hello.world', 42]])).toEqual({ hello: { world: 42 } });
    expect(treeUnflatten({ 'hello.world': 42 })).toEqual({ hello: { world: 42 } });
  });

  test('integer keys make JS arrays ordered by index, others plain objects', () => {
    const a = mx.array([1]);
    const b = mx.array([2]);
    const t = treeUnflatten([
      ['layers.1.w', b],
      ['layers.0.w', a],
      ['layers.0.bias', 3],
      ['name', 'net'],
    ]) as { layers: Array<Record<string, unknown>>; name: string };
    expect(Array.isArray(t.layers)).toBe(true);
    expect(t.layers).toHaveLength(2);
    expect(t.layers[0]!.w).toBe(a);
    expect(t.layers[1]!.w).toBe(b);
    expect(t.layers[0]!.bias).toBe(3);
    expect(t.name).toBe('net');
    expect(Object.keys(t)).toEqual(['layers', 'name']);
    expect(treeUnflatten([['0.0', 1], ['0.1', 2], ['1', 3]])).toEqual([[1, 2], 3]);
    expect(treeUnflatten([['10', 'b'], ['9', 'a']])).toEqual([{}, {}, {}, {}, {}, {}, {}, {}, {}, 'a', 'b']);
  });

  test('Map input, root leaf, empty input', () => {
    expect(treeUnflatten(new Map([['a.0', 1], ['a.1', 2]]))).toEqual({ a: [1, 2] });
    const x = mx.array([5]);
    expect(treeUnflatten([['', x]])).toBe(x);
    expect(treeUnflatten([])).toEqual([]);
    expect(treeUnflatten({})).toEqual([]);
  });

  test('gaps in indices are filled with empty objects, like MLX', () => {
    const t = treeUnflatten([['0', 'a'], ['3', 'd']]) as unknown[];
    expect(t).toEqual(['a', {}, {}, 'd']);
    expect(t[1]).not.toBe(t[2]);
  });

  test("indices follow Python's int(): '01' is index 1, but '01' and '1' together make an object", () => {
    expect(treeUnflatten([['01', 5]])).toEqual([{}, 5]);
    expect(treeUnflatten([['1_0', 'x']])).toHaveLength(11);
    const t = treeUnflatten([['01', 5], ['1', 6]]);
    expect(Array.isArray(t)).toBe(false);
    expect(t).toEqual({ '01': 5, '1': 6 });
    expect(treeUnflatten([['1a', 5]])).toEqual({ '1a': 5 });
    expect(treeUnflatten([['0', 1], ['x', 2]])).toEqual({ '0': 1, x: 2 });
  });

  test('a leaf and a subtree at the same key: the leaf goes under "" (MLX behaviour)', () => {
    expect(treeUnflatten([['a', 1], ['a.b', 2]])).toEqual({ a: { '': 1, b: 2 } });
  });

  test('"__proto__" keys stay own keys', () => {
    const t = treeUnflatten([['__proto__.x', 1]]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(t)).toBe(Object.prototype);
    expect(Object.keys(t)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(t, '__proto__')!.value).toEqual({ x: 1 });
  });

  test('errors: duplicate keys, malformed pairs, bad input, huge indices', () => {
    expect(() => treeUnflatten([['a.b', 1], ['a.b', 2]])).toThrow('[treeUnflatten] Duplicate key "a.b".');
    expect(() => treeUnflatten([['', 1], ['', 2]])).toThrow('[treeUnflatten] Duplicate key the root.');
    expect(() => treeUnflatten([['a', 1], ['b'] as unknown as [string, number]])).toThrow(
      '[treeUnflatten] Expected item 1 to be a [key, value] pair with a string key, got an array of length 1.',
    );
    expect(() => treeUnflatten([[0, 1]] as unknown as Array<[string, number]>)).toThrow(
      '[treeUnflatten] Expected item 0 to be a [key, value] pair with a string key, got an array of length 2.',
    );
    expect(() => treeUnflatten(new Map([[1, 1]]) as unknown as Map<string, number>)).toThrow(
      '[treeUnflatten] Expected item 0 to be a [key, value] pair',
    );
    expect(() => treeUnflatten(5 as unknown as Array<[string, number]>)).toThrow(
      '[treeUnflatten] Expected an array of [key, value] pairs, a Map or a plain object, got a number (5).',
    );
    expect(() => treeUnflatten([['w.99999999999', 1]])).toThrow(
      '[treeUnflatten] Index 99999999999 at "w" is too large for a JS array (at most 4294967294).',
    );
  });

  test('round trips: unflatten(flatten(t)) rebuilds t with the same leaves', () => {
    const w = mx.array([[1, 2], [3, 4]]);
    const b = mx.zeros([2]);
    const tree = {
      model: { layers: [{ w, b }, { w: b, b: w }], head: [w, [b, 1.5]] },
      step: 3,
      name: 'm',
      flags: [true, false, null],
    };
    const back = treeUnflatten(treeFlatten(tree)) as typeof tree;
    expect(back).toEqual(tree);
    expect(back).not.toBe(tree);
    expect(back.model.layers[0]!.w).toBe(w);
    expect(back.model.layers[1]!.b).toBe(w);
    expect((back.model.head[1] as unknown[])[0]).toBe(b);
    // And through an object destination.
    expect(treeUnflatten(treeFlatten(tree, '', undefined, {}))).toEqual(tree);
    // flatten(unflatten(flat)) gives back flat (keys in index order).
    const flat: Array<[string, unknown]> = [['a.0.x', 1], ['a.1.x', 2], ['b', w]];
    expect(treeFlatten(treeUnflatten(flat))).toEqual(flat);
  });
});

describe('treeMap', () => {
  test('applies fn to every leaf and keeps the structure; the input is not modified', () => {
    const tree = { w: mx.array([1, 2, 3]), layers: [{ b: mx.array([-2]) }, { b: mx.array([4, 5]) }] };
    const out = treeMap(square, tree) as { w: MxArray; layers: Array<{ b: MxArray }> };
    expect(String(out.w)).toBe('array([1, 4, 9], dtype=int32)');
    expect(String(out.layers[0]!.b)).toBe('array([4], dtype=int32)');
    expect(String(out.layers[1]!.b)).toBe('array([16, 25], dtype=int32)');
    expect(out.layers).not.toBe(tree.layers);
    expect(String(tree.w)).toBe('array([1, 2, 3], dtype=int32)');
    expect(Object.keys(out)).toEqual(['w', 'layers']);
  });

  test('numbers and arrays mixed; fn sees each leaf once in flatten order', () => {
    const seen: unknown[] = [];
    const a = mx.array([1, 2]);
    const out = treeMap(
      (x: unknown) => {
        seen.push(x);
        return isMx(x) ? x.astype(mx.float32) : typeof x === 'number' ? x * 10 : x;
      },
      [a, 1, { k: 2, s: 'str' }, [[3]]],
    ) as [MxArray, number, { k: number; s: string }, number[][]];
    expect(seen).toEqual([a, 1, 2, 'str', 3]);
    expect(seen[0]).toBe(a);
    expect(String(out[0])).toBe('array([1, 2], dtype=float32)');
    expect(out.slice(1)).toEqual([10, { k: 20, s: 'str' }, [[30]]]);
  });

  test('rest trees: corresponding leaves become extra arguments', () => {
    const p = { w: mx.array([1, 2]), b: [mx.array([3])] };
    const g = { w: mx.array([10, 20]), b: [mx.array([30])] };
    const h = { w: 100, b: [1000] };
    const out = treeMap(
      (x: MxArray, y: MxArray, z: number) =>
        mx.array((x.tolist() as number[]).map((v, i) => v + (y.tolist() as number[])[i]! + z)),
      p,
      [g, h],
    ) as { w: MxArray; b: MxArray[] };
    expect(String(out.w)).toBe('array([111, 122], dtype=int32)');
    expect(String(out.b[0])).toBe('array([1033], dtype=int32)');
  });

  test('rest trees may be supersets: longer arrays, extra keys, subtrees where tree has leaves', () => {
    const calls: unknown[][] = [];
    const out = treeMap(
      (x: number, y: unknown) => {
        calls.push([x, y]);
        return x;
      },
      { a: [1, 2], b: 3 },
      [{ a: [10, 20, 30], b: { deep: [4] }, extra: 5 }],
    );
    expect(out).toEqual({ a: [1, 2], b: 3 });
    expect(calls).toEqual([[1, 10], [2, 20], [3, { deep: [4] }]]);
  });

  test('structure mismatches name treeMap and the path', () => {
    const f = (x: number, y: number) => x + y;
    expect(() => treeMap(f, { a: [1, 2, 3] }, [{ a: [1, 2] }])).toThrow(
      '[treeMap] Tree structure mismatch at "a": rest[0] should have an array of at least 3 items like the tree, got an array of length 2.',
    );
    expect(() => treeMap(f, { a: { b: 1, c: 2 } }, [{ a: { b: 1 } }])).toThrow(
      '[treeMap] Tree structure mismatch at "a": rest[0] has no key "c" like the tree.',
    );
    expect(() => treeMap(f, [{ x: 1 }], [[mx.array([1])] as unknown as Tree<number>])).toThrow(
      '[treeMap] Tree structure mismatch at "0": rest[0] should have a plain object like the tree, got an instance of MxArray.',
    );
    expect(() => treeMap((x: number, y: number, z: number) => x + y + z, [1], [[1], 7])).toThrow(
      '[treeMap] Tree structure mismatch at the root: rest[1] should have an array of at least 1 item like the tree, got a number (7).',
    );
    expect(() => treeMap(f, { a: 1 }, [null as unknown as { a: number }])).toThrow(
      '[treeMap] Tree structure mismatch at the root: rest[0] should have a plain object like the tree, got null.',
    );
    expect(() => treeMap(f, [1], 5 as unknown as [number[]])).toThrow('[treeMap] rest should be an array of trees, got a number (5).');
    expect(() => treeMap(5 as unknown as () => number, [1])).toThrow('[treeMap] fn should be a function, got a number (5).');
    expect(() => treeMapWithPath({} as unknown as () => number, [1])).toThrow(
      '[treeMapWithPath] fn should be a function, got a plain object.',
    );
  });

  test('isLeaf stops the descent and hands whole subtrees to fn', () => {
    const tree = { a: [1, 2], b: { c: [3, 4, 5] }, d: 6 };
    const out = treeMap(
      (x: number | number[]) => (Array.isArray(x) ? x.length : -x),
      tree,
      undefined,
      (n) => Array.isArray(n),
    );
    expect(out).toEqual({ a: 2, b: { c: 3 }, d: -6 });
    // isLeaf is asked about nodes of `tree` only; rest nodes follow.
    const out2 = treeMap((x: number[], y: unknown) => [x, y], { a: [1] }, [{ a: { anything: 1 } }], (n) => Array.isArray(n));
    expect(out2).toEqual({ a: [[1], { anything: 1 }] });
  });

  test("MLX's docstring pattern: square the parameters", () => {
    const params = { weight: mx.array([[1, 2], [3, 4]]), bias: mx.array([5, 6]) };
    const sq = treeMap((x: MxArray) => mx.array((x.tolist() as number[][] | number[]).map((r) =>
      Array.isArray(r) ? r.map((v) => v * v) : r * r)), params) as typeof params;
    expect(Object.keys(sq)).toEqual(['weight', 'bias']);
    expect(sq.weight.tolist()).toEqual([[1, 4], [9, 16]]);
    expect(sq.bias.tolist()).toEqual([25, 36]);
  });

  test('a leaf at the root and empty containers', () => {
    expect(treeMap((x: number) => x + 1, 1)).toBe(2);
    expect(treeMap((x: number) => x + 1, { a: [], b: {} })).toEqual({ a: [], b: {} });
  });
});

describe('treeMapWithPath', () => {
  test('MLX docstring example: dotted paths', () => {
    const tree = { model: [{ w: 0, b: 1 }, { w: 0, b: 1 }] };
    const paths: string[] = [];
    treeMapWithPath((p) => {
      paths.push(p);
    }, tree);
    expect(paths).toEqual(['model.0.w', 'model.0.b', 'model.1.w', 'model.1.b']);
    expect(treeMapWithPath((p: string, x: number) => `${p}=${x}`, tree)).toEqual({
      model: [{ w: 'model.0.w=0', b: 'model.0.b=1' }, { w: 'model.1.w=0', b: 'model.1.b=1' }],
    });
  });

  test('path prefix, root leaf, rest trees and isLeaf', () => {
    expect(treeMapWithPath((p: string) => p, [1, { a: 2 }], undefined, undefined, 'net')).toEqual(['net.0', { a: 'net.1.a' }]);
    expect(treeMapWithPath((p: string) => p, 7)).toBe('');
    expect(treeMapWithPath((p: string) => p, 7, undefined, undefined, 'root')).toBe('root');
    const a = mx.array([1, 2]);
    const out = treeMapWithPath(
      (p: string, x: MxArray, y: number) => `${p}:${x.shape.join('x')}:${y}`,
      { l: [a, a] },
      [{ l: [1, 2] }],
    );
    expect(out).toEqual({ l: ['l.0:2:1', 'l.1:2:2'] });
    expect(treeMapWithPath((p: string, x: unknown) => [p, x], { a: { b: 1 }, c: 2 }, undefined, (n) => typeof n === 'object' && n !== null && 'b' in n)).toEqual({
      a: ['a', { b: 1 }],
      c: ['c', 2],
    });
  });

  test('structure mismatches name treeMapWithPath', () => {
    expect(() => treeMapWithPath((_p: string, x: number, y: number) => x + y, { a: { b: [1, 2] } }, [{ a: { b: [1] } }])).toThrow(
      '[treeMapWithPath] Tree structure mismatch at "a.b": rest[0] should have an array of at least 2 items like the tree, got an array of length 1.',
    );
    expect(() => treeMapWithPath((p: string) => p, [1], undefined, undefined, 3 as unknown as string)).toThrow(
      '[treeMapWithPath] path should be a string, got a number (3).',
    );
  });
});

describe('treeReduce', () => {
  test('MLX docstring example', () => {
    expect(treeReduce((acc: number, x: number) => acc + x, { a: [1, 2, 3], b: [4, 5] }, 0)).toBe(15);
  });

  test('without an initializer the first leaf starts the fold; no leaves gives undefined', () => {
    const calls: Array<[string, string]> = [];
    const r = treeReduce(
      (acc: string, x: string) => {
        calls.push([acc, x]);
        return acc + x;
      },
      { a: ['x', 'y'], b: { c: 'z' } },
    );
    expect(r).toBe('xyz');
    expect(calls).toEqual([['x', 'y'], ['xy', 'z']]);
    expect(treeReduce((acc: number, x: number) => acc + x, { a: [], b: {} })).toBeUndefined();
    expect(treeReduce((acc: number, x: number) => acc + x, [], 10)).toBe(10);
    expect(treeReduce((acc: number, x: number) => acc + x, 4)).toBe(4);
    expect(treeReduce((acc: number, x: number) => acc + x, 4, 1)).toBe(5);
  });

  test('over arrays: total element count and total sum', () => {
    const params = { w: mx.zeros([3, 4]), layers: [{ b: mx.array([1, 2]) }, { b: mx.full([5], 3) }] };
    expect(treeReduce((acc: number, x: MxArray) => acc + x.size, params, 0)).toBe(12 + 2 + 5);
    const sum = (x: MxArray) => (x.tolist() as unknown[]).flat(2 as 1).reduce((s: number, v) => s + (v as number), 0);
    expect(treeReduce((acc: number, x: MxArray) => acc + sum(x), params, 0)).toBe(0 + 3 + 15);
  });

  test('isLeaf', () => {
    const tree = { a: [1, 2], b: [[3], [4, 5]] };
    const isNumberList = (n: unknown) => Array.isArray(n) && n.every((v) => typeof v === 'number');
    const lens = treeReduce((acc: number[], x: number[]) => [...acc, x.length], tree as Tree<number[]>, [] as number[], isNumberList);
    expect(lens).toEqual([2, 1, 2]);
    // A leaf root without initializer is returned as is.
    expect(treeReduce((acc: unknown, x: unknown) => [acc, x], tree, undefined, () => true)).toBe(tree);
  });

  test('errors', () => {
    expect(() => treeReduce(null as unknown as (a: number, b: number) => number, [1])).toThrow(
      '[treeReduce] fn should be a function, got null.',
    );
    const cyc: unknown[] = [1];
    cyc.push([cyc]);
    expect(() => treeReduce((a: number, b: number) => a + b, cyc as Tree<number>, 0)).toThrow(
      '[treeReduce] The tree contains a cycle: the container at "1.0" is its own ancestor.',
    );
  });
});
