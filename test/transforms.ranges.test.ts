// Transformation rules of the ranges family: vjp, jvp and vmap of tril/triu,
// vmap of view (not differentiable), and arange/linspace/eye/identity/tri
// (no inputs) as constants inside transformed functions.
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { checkVmap, flat, gradHelpers, transposed } from './helpers/gradcheck.js';

// ---------------------------------------------------------------- helpers

const { randn, randIdx, checkGradFD, checkVjpJvp } = gradHelpers(7051);

// ---------------------------------------------------------------- tril / triu

const masks: [string, (x: mx.MxArray, k?: number) => mx.MxArray][] = [
  ['tril', mx.tril],
  ['triu', mx.triu],
];

describe.each(masks)('%s: vjp, jvp and vmap', (_name, op) => {
  it('matches finite differences for several diagonals', () => {
    const x = randn([4, 3]);
    for (const k of [0, 1, -1, 3, -4]) checkGradFD((y) => op(y, k), x);
    checkGradFD((y) => op(y, 1), randn([2, 3, 4]));
  });

  it('masks the cotangent exactly and keeps its dtype', () => {
    for (const dt of [mx.float16, mx.bfloat16, mx.float32, mx.float64]) {
      const x = mx.zeros([3, 4], dt);
      const w = mx.ones([3, 4], dt);
      const [, [g]] = mx.vjp((y) => op(y, -1), [x], [w]);
      expect(g.dtype).toBe(dt);
      expect(g.tolist()).toEqual(op(mx.ones([3, 4], dt), -1).tolist());
    }
    // A strided cotangent.
    const wBase = randn([4, 3]);
    const [, [g]] = mx.vjp((y) => op(y, 0), [randn([3, 4])], [transposed(wBase)]);
    expect(flat(g)).toEqual(flat(op(transposed(wBase), 0)));
  });

  it('vjp and jvp agree', () => {
    checkVjpJvp((y) => op(y, 0), randn([3, 5]));
    checkVjpJvp((y) => op(y, -2), randn([2, 4, 3]));
  });

  it('vmaps over a batch axis or one of the matrix axes', () => {
    const x = randn([2, 3, 4]);
    checkVmap((y) => op(y, 0), [x], [0]);
    checkVmap((y) => op(y, 1), [x], [1]); // the batch axis is one of the last two
    checkVmap((y) => op(y, -1), [x], [2]);
    const x4 = randn([2, 3, 4, 3]);
    checkVmap((y) => op(y, 0), [x4], [1]);
    checkVmap((y) => op(y, 2), [x4], [3]);
  });
});

// ---------------------------------------------------------------- view

describe('view: transforms', () => {
  it('is not differentiable (vjp and jvp throw, as in MLX)', () => {
    const x = randn([2, 4], mx.float32);
    expect(() => mx.vjp((y) => mx.view(y, mx.int32), [x], [mx.zeros([2, 4], mx.int32)])).toThrow(
      '[view] Cannot compute the gradient through view',
    );
    expect(() => mx.jvp((y) => mx.view(y, mx.uint8), [x], [x])).toThrow(
      '[view] Cannot compute the jvp through view',
    );
  });

  it('vmaps, also over the last axis when the item size changes', () => {
    const x = randn([3, 2, 4], mx.float32);
    for (const dt of [mx.int32, mx.uint8, mx.int16]) {
      checkVmap((y) => mx.view(y, dt), [x], [0]);
      checkVmap((y) => mx.view(y, dt), [x], [1]);
      checkVmap((y) => mx.view(y, dt), [x], [2]); // last axis
    }
    const b = randIdx([8, 3], 0, 256, mx.uint8);
    checkVmap((y) => mx.view(y, mx.int32), [b], [1]); // per element (8,) -> (2,)
    checkVmap((y) => mx.view(y, mx.uint16), [b], [1]);
    checkVmap((y) => mx.view(y, mx.int8), [b], [0]);
  });
});

// ---------------------------------------------------------------- arange, linspace, eye, identity, tri

describe('arange, linspace, eye, identity, tri: inside transforms', () => {
  // No array inputs: nothing to differentiate or map; they act as constants.
  it('act as constants under grad and vjp', () => {
    const x = randn([6]);
    checkGradFD((y) => mx.take(y, mx.arange(0, 6, 2, mx.int32)), x);
    checkGradFD((y) => mx.takeAlongAxis(mx.reshape(y, [2, 3]), mx.tri(2, 3, 0, mx.int32), 1), x);
    checkGradFD((y) => mx.tril(mx.reshape(y, [2, 3]), 0), x);
  });

  it('vmap: mapped inputs combined with generated constants', () => {
    const lin = mx.linspace(0, 1, 7, mx.float64);
    checkVmap((j) => mx.take(lin, j), [randIdx([3, 2], 0, 7)], [0]);
    const ey = mx.eye(4, 5, 1, mx.float32);
    checkVmap((j) => mx.takeAlongAxis(ey, j, 1), [randIdx([4, 3, 2], 0, 5)], [1]);
    const id = mx.identity(3, mx.float64);
    checkVmap((j) => mx.take(id, j, 0), [randIdx([2, 3], 0, 3)], [0]);
    checkVmap((j) => mx.take(mx.arange(5, mx.float32), j), [randIdx([4], 0, 5)], [0]);
  });

  it('vmap: outputs that do not depend on the mapped input are repeated', () => {
    const x = randn([3, 2]);
    const outs = mx.vmap((_y: mx.MxArray) => [mx.arange(4, mx.int32), mx.eye(2), mx.tri(2, 3), mx.linspace(0, 1, 3)])(x);
    expect(outs.map((o) => o.shape)).toEqual([[3, 4], [3, 2, 2], [3, 2, 3], [3, 3]]);
    expect(outs[1].tolist()).toEqual([[[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]]]);
    expect(outs[3].tolist()).toEqual([[0, 0.5, 1], [0, 0.5, 1], [0, 0.5, 1]]);
  });
});

// ---------------------------------------------------------------- output shapes

describe('shapeless compile (output_shapes of the ranges primitives)', () => {
  it('replays tril/triu/view and the generated constants for new input shapes', () => {
    const f = mx.compile(
      (x: mx.MxArray) => [mx.tril(x, 1), mx.triu(x, -1), mx.view(x, mx.uint8), mx.arange(1, 7, 2), mx.eye(2, 3), mx.linspace(0, 1, 4)],
      { shapeless: true },
    );
    for (const shape of [[2, 3], [4, 2], [2, 3, 5]]) {
      const x = randn(shape, mx.float32);
      const got = f(x);
      const want = [mx.tril(x, 1), mx.triu(x, -1), mx.view(x, mx.uint8), mx.arange(1, 7, 2), mx.eye(2, 3), mx.linspace(0, 1, 4)];
      expect(got.map((g) => g.shape)).toEqual(want.map((w) => w.shape));
      for (let i = 0; i < got.length; i++) expect(flat(got[i])).toEqual(flat(want[i]));
    }
  });
});
