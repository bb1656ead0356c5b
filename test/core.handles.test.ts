// Array handles (native/src/node/array_table.h): every handle the SDK receives
// is owned by an MxArray, released by dispose()/tidy or by the GC.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { native } from '../sdk/native.js';

/**
 * Live handles after running `fn` inside tidy (its result disposed too). A
 * first run warms the kept handles of JS scalar operands (sdk/ops/convert.ts).
 */
function leftAfter(fn: () => unknown): number {
  runDisposed(fn);
  const before = native.liveArrays();
  runDisposed(fn);
  return native.liveArrays() - before;
}

function runDisposed(fn: () => unknown): void {
  const out = mx.tidy(() => {
    const r = fn();
    mx.eval(...(Array.isArray(r) ? r.flat(2) : [r]).filter((x): x is mx.MxArray => x instanceof mx.MxArray));
    return r as mx.MxArray;
  });
  for (const x of (Array.isArray(out) ? out.flat(2) : [out]) as unknown[]) if (x instanceof mx.MxArray) x.dispose();
}

describe('array handles', () => {
  const x = mx.array([[1, 2, 3], [4, 5, 6]], mx.float32);
  const f = (a: mx.MxArray) => mx.sum(mx.multiply(mx.exp(a), 2));

  it('are numbers owned by MxArray, and each op result is one handle', () => {
    expect(typeof x._native).toBe('number');
    mx.add(x, 1).dispose(); // keeps float32 1 as an operand handle
    const before = native.liveArrays();
    const y = mx.add(x, 1);
    expect(native.liveArrays()).toBe(before + 1);
    y.dispose();
    expect(native.liveArrays()).toBe(before);
  });

  it('leave nothing behind across ops and transforms', () => {
    expect(leftAfter(() => mx.add(x, 2.5))).toBe(0);
    expect(leftAfter(() => mx.divmod(x, 2))).toBe(0);
    expect(leftAfter(() => mx.split(x, 3, 1))).toBe(0);
    expect(leftAfter(() => mx.take(x, 1))).toBe(0);
    expect(leftAfter(() => mx.take(x, mx.array([0, 2]), 1))).toBe(0);
    expect(leftAfter(() => mx.slice(x, mx.array([1]), [0], [1, 2]))).toBe(0);
    expect(leftAfter(() => mx.array([1, 2], mx.float16))).toBe(0);
    expect(leftAfter(() => mx.valueAndGrad(f)(x))).toBe(0);
    expect(leftAfter(() => mx.grad(f)(x))).toBe(0);
    expect(leftAfter(() => mx.vjp((a) => mx.exp(a), [x], [mx.onesLike(x)]))).toBe(0);
    expect(leftAfter(() => mx.jvp((a) => mx.exp(a), [x], [mx.onesLike(x)]))).toBe(0);
    expect(leftAfter(() => mx.vmap((a: mx.MxArray) => mx.sum(a))(x))).toBe(0);
    const cf = mx.customFunction((a: mx.MxArray) => mx.exp(a)).vjp((p, c) => [mx.multiply(c, 3)]);
    expect(leftAfter(() => mx.grad((a: mx.MxArray) => mx.sum(cf(a)))(x))).toBe(0);
    const compiled = mx.compile((a: mx.MxArray) => mx.add(mx.exp(a), 1));
    expect(leftAfter(() => compiled(x))).toBe(0);
    expect(leftAfter(() => compiled(x))).toBe(0);
    expect(leftAfter(() => mx.checkpoint((a: mx.MxArray) => mx.exp(a))(x))).toBe(0);
  });

  it('JS scalar operands keep at most 256 handles per dtype, and 0 and -0 stay apart', () => {
    const h = mx.array([1], mx.float16);
    const before = native.liveArrays();
    for (let i = 0; i < 600; i++) mx.add(h, i + 0.5).dispose();
    expect(native.liveArrays() - before).toBeLessThanOrEqual(256);
    expect(mx.add(h, 599.5).item()).toBe(600.5);
    const z = mx.array([-0], mx.float32);
    expect(Object.is(mx.add(z, 0).item(), 0)).toBe(true);
    expect(Object.is(mx.add(z, -0).item(), -0)).toBe(true);
    expect(Object.is(mx.add(z, 0).item(), 0)).toBe(true);
  });

  it('shape reads through a scratch buffer, and past its 64 dimensions through a list', () => {
    expect(mx.zeros([2, 3, 4]).shape).toEqual([2, 3, 4]);
    expect(mx.array(5).shape).toEqual([]);
    const dims = Array.from({ length: 70 }, (_, i) => (i === 69 ? 3 : 1));
    expect(mx.zeros(dims).shape).toEqual(dims);
    const s = x.shape;
    s[0] = 99; // a copy: the array is not changed
    expect(x.shape).toEqual([2, 3]);
  });

  it('a disposed array is refused with its op named, and disposing twice is harmless', () => {
    const y = mx.multiply(x, 2);
    y.dispose();
    y.dispose();
    expect(y.isDisposed).toBe(true);
    expect(String(y)).toBe('array(<disposed>)');
    expect(() => mx.exp(y)).toThrow('[exp] The array was disposed and can no longer be used.');
    expect(() => y.dtype).toThrow('[dtype] The array was disposed and can no longer be used.');
  });

  it('a stale handle never names the array that reuses its slot', () => {
    const y = mx.multiply(x, 2);
    const h = y._native;
    y.dispose();
    const z = mx.multiply(x, 3); // likely takes the freed slot
    expect(z._native).not.toBe(h);
    expect(() => mx.exp(y)).toThrow('[exp] The array was disposed');
    expect(mx.sum(z).item()).toBe(63);
    z.dispose();
  });

  it('a number that is not a handle is refused by the native layer', () => {
    expect(() => native.exp(12 as never, undefined)).toThrow('[exp] Expected an array as argument 1, got number.');
  });

  it('arrays dropped without dispose are released by the GC', () => {
    const script = fileURLToPath(new URL('./fixtures/handles/gc_release.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
      encoding: 'utf8',
      env: { ...process.env },
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { before: number; made: number; after: number };
    expect(r.made - r.before).toBeGreaterThanOrEqual(1000);
    expect(r.after - r.before).toBeLessThan(10);
  }, 30_000);
});
