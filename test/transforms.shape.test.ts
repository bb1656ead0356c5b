import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { checkVmapMulti as checkVmap, dotArrays as dot, fromValues, isFloat, lcgHelpers, list, values } from './helpers/gradcheck.js';

// Transformation rules of the shape family (views, slicing, split/concatenate):
// gradients against central differences, <vjp(u), v> == <u, jvp(v)>, and vmap
// against a loop over the mapped axis.

type Op = (...xs: mx.MxArray[]) => mx.MxArray | mx.MxArray[];

const { randn, strided } = lcgHelpers(12345);

function expectClose(got: number[], want: number[], rtol: number, atol = rtol): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (Math.abs(g - want[i]) > atol + rtol * Math.abs(want[i])) {
      throw new Error(`element ${i}: got ${g}, expected ${want[i]}\ngot:  ${got}\nwant: ${want}`);
    }
  });
}

/**
 * mx.grad of sum(op(xs) * w) (w fixed random, one per output) for each
 * float argument, against central differences.
 */
function checkGrad(op: Op, inputs: mx.MxArray[], opts: { eps?: number; rtol?: number } = {}): void {
  const eps = opts.eps ?? 1e-6;
  const rtol = opts.rtol ?? 1e-6;
  const ws = list(op(...inputs)).map((o) => randn(o.shape));
  const loss = (...xs: mx.MxArray[]) =>
    list(op(...xs))
      .map((o, j) => mx.sum(mx.multiply(o, ws[j])))
      .reduce((a, b) => mx.add(a, b));
  const lossValue = (xs: mx.MxArray[]) => values(loss(...xs))[0];
  inputs.forEach((x, i) => {
    if (!isFloat(x)) return;
    const g = mx.grad(loss, i)(...inputs) as mx.MxArray;
    expect(g.shape).toEqual(x.shape);
    expect(g.dtype).toEqual(x.dtype);
    const base = values(x);
    const num = base.map((_, k) => {
      const at = (d: number) => {
        const v = base.slice();
        v[k] += d;
        const xs = inputs.slice();
        xs[i] = fromValues(v, x.shape, x.dtype);
        return lossValue(xs);
      };
      return (at(eps) - at(-eps)) / (2 * eps);
    });
    expectClose(values(g), num, rtol);
  });
}

/** For random u (per output) and v (per float input): <vjp(u), v> == <u, jvp(v)>. */
function checkVjpJvp(op: Op, inputs: mx.MxArray[], rtol = 1e-9): void {
  const outs = list(op(...inputs));
  const us = outs.map((o) => randn(o.shape, o.dtype));
  const vs = inputs.map((x) => (isFloat(x) ? randn(x.shape, x.dtype) : mx.zerosLike(x)));
  const [, vjps] = mx.vjp(op, inputs, us);
  const [jouts, jvps] = mx.jvp(op, inputs, vs);
  expect(vjps.length).toBe(inputs.length);
  expect(jouts.length).toBe(outs.length);
  let lhs = 0;
  inputs.forEach((x, i) => {
    expect(vjps[i].shape).toEqual(x.shape);
    if (isFloat(x)) {
      expect(vjps[i].dtype).toEqual(x.dtype);
      lhs += dot(vjps[i], vs[i]);
    }
  });
  let rhs = 0;
  outs.forEach((o, j) => {
    expect(jvps[j].shape).toEqual(o.shape);
    rhs += dot(us[j], jvps[j]);
  });
  expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(rtol * Math.max(1, Math.abs(lhs)));
}

/** vmap over every axis of a batched copy of `x` (batch of 3 inserted at each position). */
function checkVmapAllAxes(op: (x: mx.MxArray) => mx.MxArray | mx.MxArray[], itemShape: number[]): void {
  for (let ax = 0; ax <= itemShape.length; ax++) {
    const shape = itemShape.slice();
    shape.splice(ax, 0, 3);
    checkVmap(op, [randn(shape)], [ax]);
  }
}

/** The gradient of sum(f(y)) at a (a vjp with ones). */
function sumGrad(f: (y: mx.MxArray) => mx.MxArray, a: mx.MxArray): mx.MxArray {
  return mx.vjp(f, [a], [mx.onesLike(f(a))])[1][0];
}

/** The gradient of 0.5 * |f(y)|^2 at a (a vjp with f(a) as the cotangent). */
function halfSquareGrad(f: (y: mx.MxArray) => mx.MxArray, a: mx.MxArray): mx.MxArray {
  return mx.vjp(f, [a], [f(a)])[1][0];
}

function checkAll(op: Op, inputs: mx.MxArray[]): void {
  checkGrad(op, inputs);
  checkVjpJvp(op, inputs);
}

describe('asStrided', () => {
  it('gradients scatter-add through the view (overlapping windows accumulate)', () => {
    const x = randn([12]);
    // Sliding windows: every element but the ends is read several times.
    const windows = (a: mx.MxArray) => mx.asStrided(a, [10, 3], [1, 1]);
    checkAll(windows, [x]);
    const g = sumGrad(windows, x);
    expect(g.tolist()).toEqual([1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 2, 1]);
    // A broadcast (stride 0), an offset, a transposed view.
    checkAll((a) => mx.asStrided(a, [2, 3], [0, 1], 4), [x]);
    checkAll((a) => mx.asStrided(a, [2, 2], [1, 3], 1), [randn([3, 3])]);
    // A non-contiguous input: the view addresses its row-major elements.
    checkAll((a) => mx.asStrided(a, [3, 2], [2, 1]), [strided([3, 2])]);
  });

  it('vmap views each batch item', () => {
    checkVmapAllAxes((a) => mx.asStrided(a, [2, 3], [1, 1], 1), [2, 3]);
    checkVmapAllAxes((a) => mx.asStrided(a, [2, 2], [0, 2]), [5]);
    // The vjp's scatter under vmap.
    const windowsGrad = (a: mx.MxArray) => halfSquareGrad((y) => mx.asStrided(y, [3, 2], [1, 1]), a);
    checkVmap(windowsGrad, [randn([2, 4])], [0]);
    checkVmap(windowsGrad, [randn([4, 2])], [1]);
  });
});

describe('reshape, flatten, unflatten', () => {
  it('gradients', () => {
    checkAll((a) => mx.reshape(a, [3, -1]), [randn([2, 3, 2])]);
    checkAll((a) => mx.reshape(a, [6]), [strided([3, 2])]);
    checkAll((a) => mx.flatten(a, 1, 2), [randn([2, 3, 2])]);
    checkAll((a) => mx.flatten(a), [randn([2, 3])]);
    checkAll((a) => mx.unflatten(a, 0, [2, -1]), [randn([6, 2])]);
    checkAll((a) => mx.atleast3d(a) as mx.MxArray, [randn([4])]);
  });

  it('vmap over every axis', () => {
    checkVmapAllAxes((a) => mx.reshape(a, [3, -1]), [2, 3, 2]);
    checkVmapAllAxes((a) => mx.reshape(a, [-1]), [2, 2]);
    checkVmapAllAxes((a) => mx.flatten(a, 1, 2), [2, 3, 2, 2]);
    checkVmapAllAxes((a) => mx.flatten(a, 0, 1), [2, 3, 2]);
    checkVmapAllAxes((a) => mx.flatten(a), [2, 3]);
    checkVmapAllAxes((a) => mx.unflatten(a, 1, [2, 2]), [3, 4, 2]);
    checkVmapAllAxes((a) => mx.unflatten(a, -1, [3, 1]), [2, 3]);
    checkVmapAllAxes((a) => mx.atleast2d(a) as mx.MxArray, [3]);
    // An empty batch.
    expect((mx.vmap((a: mx.MxArray) => mx.reshape(a, [2, -1]))(randn([0, 4])) as mx.MxArray).shape).toEqual([0, 2, 2]);
  });
});

describe('transpose, moveaxis, swapaxes', () => {
  it('gradients', () => {
    checkAll((a) => mx.transpose(a, [2, 0, 1]), [randn([2, 3, 4])]);
    checkAll((a) => mx.transpose(a), [strided([3, 2])]);
    checkAll((a) => mx.moveaxis(a, 0, -1), [randn([2, 3, 2])]);
    checkAll((a) => mx.swapaxes(a, 0, 2), [randn([2, 1, 3])]);
  });

  it('vmap over every axis', () => {
    checkVmapAllAxes((a) => mx.transpose(a, [2, 0, 1]), [2, 3, 4]);
    checkVmapAllAxes((a) => mx.transpose(a), [2, 3]);
    checkVmapAllAxes((a) => mx.swapaxes(a, 0, 1), [2, 4]);
    // Mapped output placed elsewhere.
    checkVmap((a) => mx.transpose(a, [1, 0]), [randn([3, 2, 4])], [1], 2);
  });
});

describe('broadcastTo, broadcastArrays', () => {
  it('gradients sum over the broadcast axes', () => {
    checkAll((a) => mx.broadcastTo(a, [2, 3, 4]), [randn([3, 1])]);
    checkAll((a) => mx.broadcastTo(a, [2, 2]), [randn([])]);
    checkAll((a) => mx.broadcastTo(a, [3, 2, 2]), [strided([2, 2])]);
    checkAll((a, b) => mx.broadcastArrays(a, b), [randn([2, 1]), randn([1, 3])]);
    const g = sumGrad((a) => mx.broadcastTo(a, [2, 3, 4]), randn([3, 1]));
    expect(g.tolist()).toEqual([[8], [8], [8]]);
  });

  it('vmap over every axis and with an unmapped argument', () => {
    checkVmapAllAxes((a) => mx.broadcastTo(a, [2, 3, 4]), [3, 1]);
    checkVmapAllAxes((a) => mx.broadcastTo(a, [2, 2]), []);
    checkVmapAllAxes((a) => mx.broadcastTo(a, [2, 1, 3]), [1, 3]);
    checkVmap((a, b) => mx.broadcastArrays(a, b), [randn([4, 2, 1]), randn([1, 3])], [0, null]);
    checkVmap((a, b) => mx.broadcastArrays(a, b), [randn([2, 1]), randn([3, 4])], [null, 1]);
  });
});

describe('squeeze, expandDims', () => {
  it('gradients', () => {
    checkAll((a) => mx.squeeze(a), [randn([3, 1, 2, 1])]);
    checkAll((a) => mx.squeeze(a, 1), [randn([3, 1, 2])]);
    checkAll((a) => mx.expandDims(a, [0, 2]), [randn([3, 2])]);
    checkAll((a) => mx.expandDims(a, -1), [strided([2, 3])]);
  });

  it('vmap over every axis', () => {
    checkVmapAllAxes((a) => mx.squeeze(a), [3, 1, 2, 1]);
    checkVmapAllAxes((a) => mx.squeeze(a, [0, 2]), [1, 2, 1, 2]);
    checkVmapAllAxes((a) => mx.expandDims(a, [0, 1]), [3, 2]);
    checkVmapAllAxes((a) => mx.expandDims(a, [0, 2]), [3, 2]);
    checkVmapAllAxes((a) => mx.expandDims(a, [1, 3]), [3, 2]);
    checkVmapAllAxes((a) => mx.expandDims(a, [-1, -2]), [3, 2]);
  });
});

describe('slicing views', () => {
  const cases: [string, (a: mx.MxArray) => mx.MxArray][] = [
    ['1:4, ::-2', (a) => a.index('1:4', '::-2')],
    ['int index', (a) => a.index(2)],
    ['new axis, ..., step 3', (a) => a.index(null, '...', '::3')],
    ['a length-1 negative-step slice', (a) => a.index('3:0:-10', '-1::-1')],
    ['a negative step through index 0', (a) => a.index('::-3', '2::-1')],
    ['an empty slice', (a) => a.index('4:1', ':')],
  ];

  it('gradients scatter the cotangent into zeros of the input shape', () => {
    for (const [, f] of cases) checkAll(f, [randn([5, 4])]);
    checkAll((a) => a.index('1:', '::2'), [strided([3, 4])]);
    const g = sumGrad((a) => a.index('1:4', '::-2'), randn([5, 4]));
    expect(g.tolist()).toEqual([
      [0, 0, 0, 0],
      [0, 1, 0, 1],
      [0, 1, 0, 1],
      [0, 1, 0, 1],
      [0, 0, 0, 0],
    ]);
  });

  it('large cotangents (the threaded scatter) land in the right places', () => {
    const x = mx.zeros([700, 300], mx.float32);
    const c = mx.reshape(mx.arange(0, 350 * 100, 1, mx.float32), [350, 100]);
    const [, [g]] = mx.vjp((a) => a.index('::2', '100:200'), [x], [c]);
    const want = mx.concatenate([mx.zeros([350, 100]), c, mx.zeros([350, 100])], 1);
    expect(mx.arrayEqual(g, mx.flatten(mx.stack([want, mx.zeros([350, 300])], 1), 0, 1)).item()).toBe(true);
    // One long row.
    const [, [g1]] = mx.vjp((a) => a.index('1:'), [mx.zeros([300001])], [mx.ones([300000])]);
    expect(mx.sum(g1).item()).toBe(300000);
    expect(g1.index(0).item()).toBe(0);
    // Overlapping windows, serial accumulation.
    const [, [g2]] = mx.vjp((a) => mx.asStrided(a, [200000, 3], [1, 1]), [mx.zeros([200002])], [mx.ones([200000, 3])]);
    expect(g2.index('0:4').tolist()).toEqual([1, 2, 3, 3]);
    expect(mx.sum(g2).item()).toBe(600000);
  });

  it('second order: the jvp and vmap of the slice vjp', () => {
    const x = randn([5, 4]);
    // The vjp of a slice is linear in the cotangent: check its own vjp/jvp.
    const sliceVjp = (c: mx.MxArray) => mx.vjp((a) => a.index('1:4', '::-2'), [x], [c])[1][0];
    checkAll(sliceVjp, [randn([3, 2])]);
    checkVmap(sliceVjp, [randn([3, 2, 2])], [1]);
  });

  it('vmap over every axis', () => {
    for (const [, f] of cases) checkVmapAllAxes(f, [5, 4]);
  });
});

describe('dynamic slice (mx.slice)', () => {
  const dyn = (a: mx.MxArray, s: mx.MxArray) => mx.slice(a, s, [0], [2, 3]);
  const dyn2 = (a: mx.MxArray, s: mx.MxArray) => mx.slice(a, s, [1, 0], [2, 2]);

  it('gradients (clamped starts included; none for the integer start)', () => {
    checkAll(dyn, [randn([4, 5]), mx.array([1])]);
    checkAll(dyn, [randn([4, 5]), mx.array([7])]);
    checkAll(dyn2, [strided([3, 4]), mx.array([2, 1], mx.uint8)]);
    const [, [gx, gs]] = mx.vjp(dyn, [randn([4, 5]), mx.array([1])], [mx.ones([2, 3], mx.float64)]);
    expect(gx.tolist()).toEqual([
      [0, 0, 0, 0, 0],
      [1, 1, 1, 0, 0],
      [1, 1, 1, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    expect(gs.tolist()).toEqual([0]);
  });

  it('vmap with a shared start and with per-item starts', () => {
    const x = randn([3, 4, 5]);
    checkVmap(dyn, [x, mx.array([1])], [0, null]);
    checkVmap(dyn, [randn([4, 3, 5]), mx.array([2])], [1, null]);
    checkVmap(dyn, [x, mx.array([[0], [2], [9]])], [0, 0]);
    checkVmap(dyn, [randn([4, 5, 3]), mx.array([[0, 2, 1]])], [2, 1]);
    checkVmap(dyn, [randn([4, 5]), mx.array([3, 0, 1])], [null, 0]);
    checkVmap(dyn2, [randn([3, 3, 4]), mx.array([[0, 0], [2, 1], [1, 5]], mx.int64)], [0, 0]);
  });

  it('the vjp (a block update) under vmap and its own vjp/jvp', () => {
    const gradOf = (a: mx.MxArray, s: mx.MxArray) => halfSquareGrad((y) => dyn(y, s), a);
    checkVmap(gradOf, [randn([3, 4, 5]), mx.array([1])], [0, null]);
    checkVmap(gradOf, [randn([3, 4, 5]), mx.array([[0], [3], [2]])], [0, 0]);
    checkVmap(gradOf, [randn([4, 5]), mx.array([[2], [1]])], [null, 0]);
    checkVmap(gradOf, [randn([4, 3, 5]), mx.array([[1], [0], [2]])], [1, 0]);
    // vjp of the block update, wrt the cotangent
    const upd = (c: mx.MxArray) => mx.vjp((a) => dyn2(a, mx.array([1, 2])), [randn([3, 4])], [c])[1][0];
    checkAll(upd, [randn([2, 2])]);
    checkVmap(upd, [randn([2, 3, 2])], [1]);
  });
});

describe('split, concatenate, stack', () => {
  it('gradients', () => {
    checkAll((a) => mx.split(a, 3), [randn([6, 2])]);
    checkAll((a) => mx.split(a, [1, 4], 1), [randn([2, 6])]);
    checkAll((a) => mx.split(a, [4, 1], 1), [randn([2, 6])]);
    checkAll((a, b) => mx.concatenate([a, b], 0), [randn([2, 3]), randn([1, 3])]);
    checkAll((a, b, c) => mx.concatenate([a, b, c], 1), [randn([2, 1]), strided([2, 3]), randn([2, 2])]);
    checkAll((a, b) => mx.concatenate([a, b], null), [randn([2, 2]), randn([3])]);
    checkAll((a, b) => mx.stack([a, b], 1), [randn([2, 3]), randn([2, 3])]);
  });

  it('only some outputs used: the unused pieces get zero cotangents', () => {
    const [, [g]] = mx.vjp((a) => mx.split(a, [1, 3])[1], [randn([4])], [mx.ones([2], mx.float64)]);
    expect(g.tolist()).toEqual([0, 1, 1, 0]);
  });

  it('mixed dtypes: each gradient keeps its argument dtype', () => {
    const a = randn([2]);
    const b = randn([3], mx.float32);
    const [, [ga, gb]] = mx.vjp((x, y) => mx.concatenate([x, y]), [a, b], [mx.ones([5], mx.float64)]);
    expect(ga.dtype).toEqual(mx.float64);
    expect(gb.dtype).toEqual(mx.float32);
    expect(gb.tolist()).toEqual([1, 1, 1]);
  });

  it('vmap over every axis and with unmapped arguments', () => {
    checkVmapAllAxes((a) => mx.split(a, 3), [6, 2]);
    checkVmapAllAxes((a) => mx.split(a, [1, 3], -1), [2, 4]);
    checkVmapAllAxes((a) => mx.split(a, [3, 1], 0), [4]);
    checkVmap((a, b) => mx.concatenate([a, b], 0), [randn([3, 2, 2]), randn([1, 2])], [0, null]);
    checkVmap((a, b) => mx.concatenate([a, b], 1), [randn([2, 3, 2]), randn([2, 2, 1])], [2, 1]);
    checkVmap((a, b, c) => mx.concatenate([a, b, c], -1), [randn([2, 2]), randn([2, 3, 3]), randn([2, 3, 1])], [null, 1, 1]);
    checkVmap((a, b) => mx.stack([a, b], 1), [randn([2, 3, 2]), randn([2, 2])], [1, null]);
  });
});

describe('composed transforms', () => {
  it('vjp of vmap and vmap of vjp agree with loops', () => {
    const f = (a: mx.MxArray) => mx.transpose(mx.reshape(a, [2, 3]).index(':', '::-1'));
    const x = randn([4, 6]);
    checkVmap((a) => halfSquareGrad(f, a), [x], [0]);
    // f is a permutation: the gradient of 0.5 |f(x)|^2 is x.
    expect(values(halfSquareGrad((a) => mx.vmap(f)(a) as mx.MxArray, x))).toEqual(values(x));
    expect(values(halfSquareGrad((a) => mx.vmap(f, 1, 2)(a) as mx.MxArray, mx.transpose(x)))).toEqual(values(mx.transpose(x)));
  });
});
