// A repeated kernel call reuses the previous call's native plan (sdk/fast/kernel.ts,
// `repeatsLast`): every option that changes the launch must leave the fast path.
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { KERNEL_DEVICES, values } from './helpers/kernels.js';

describe.each(KERNEL_DEVICES.map((d) => [d.toString(), d] as const))('kernel call plans on %s', (_, device) => {
  const kernel = mx.fast.cudaKernel({
    name: 'plan_probe',
    inputNames: ['a'],
    outputNames: ['out'],
    // Writes a[i] + K + 100·blockDim.x for the launched threads only; the rest keeps initValue.
    source: 'int i = blockIdx.x * blockDim.x + threadIdx.x; out[i] = a[i] + K + 100 * (int)blockDim.x;',
  });
  const a = mx.array([1, 2, 3, 4, 5, 6, 7, 8], mx.float32);
  const base = {
    inputs: [a],
    grid: [4, 1, 1] as [number, number, number],
    threadgroup: [4, 1, 1] as [number, number, number],
    outputShapes: [[8]],
    outputDtypes: [mx.float32],
    template: [['K', 10]] as mx.fast.TemplateArg[],
    initValue: -1,
    stream: device,
  };
  const call = (over: Partial<typeof base> = {}) => values(kernel({ ...base, ...over })[0]);

  it('repeats give the same result, and each changed option is honoured', () => {
    const head = [411, 412, 413, 414];
    const baseOut = [...head, -1, -1, -1, -1];
    // Each variation right after a repeat of the base call (a planned call).
    const variations: [Partial<typeof base>, number[]][] = [
      [{ grid: [8, 1, 1] }, [411, 412, 413, 414, 415, 416, 417, 418]],
      [{ initValue: 0 }, [...head, 0, 0, 0, 0]],
      [{ initValue: undefined, grid: [8, 1, 1] }, [411, 412, 413, 414, 415, 416, 417, 418]],
      [{ template: [['K', 20]] }, [...head.map((v) => v + 10), -1, -1, -1, -1]],
      [{ outputShapes: [[4]] }, head],
      [{ outputShapes: [[6]] }, [...head, -1, -1]],
      [{ threadgroup: [2, 1, 1] }, [211, 212, 213, 214, -1, -1, -1, -1]],
      // Only the input's dtype changes: another instantiation (int loads).
      [{ inputs: [mx.array([1, 2, 3, 4, 5, 6, 7, 8], mx.int32)] }, baseOut],
    ];
    for (const [over, want] of variations) {
      expect(call()).toEqual(baseOut);
      expect(call()).toEqual(baseOut);
      expect(call(over)).toEqual(want);
    }
  });

  it('a new input dtype or rank makes a new instantiation, not a reuse', () => {
    const ints = mx.array([1, 2, 3, 4, 5, 6, 7, 8], mx.int32);
    expect(call({ inputs: [ints], outputDtypes: [mx.int32] })).toEqual([411, 412, 413, 414, -1, -1, -1, -1]);
    const r = kernel({ ...base, inputs: [ints], outputDtypes: [mx.int32] })[0];
    expect(r.dtype).toBe(mx.int32);
    expect(call({ inputs: [a.reshape([2, 4])], grid: [2, 1, 1], outputShapes: [[2]] })).toEqual([211, 212]);
    expect(call({ inputs: [a] })).toEqual([411, 412, 413, 414, -1, -1, -1, -1]);
  });

  it('JS scalar inputs: a repeated value is reused, a new value or type is not', () => {
    const k2 = mx.fast.cudaKernel({
      name: 'plan_scalar',
      inputNames: ['a', 'b'],
      outputNames: ['out'],
      source: 'int i = threadIdx.x; out[i] = a[i] * b[0];',
    });
    const c = (b: number | boolean) =>
      values(k2({ inputs: [a, b], grid: [4, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[4]], outputDtypes: [mx.float32], stream: device })[0]);
    expect(c(3)).toEqual([3, 6, 9, 12]);
    expect(c(3)).toEqual([3, 6, 9, 12]);
    expect(c(4)).toEqual([4, 8, 12, 16]);
    expect(c(4)).toEqual([4, 8, 12, 16]);
    expect(c(0.5)).toEqual([0.5, 1, 1.5, 2]); // float32 now, not int32
    expect(c(true)).toEqual([1, 2, 3, 4]);
    expect(c(4)).toEqual([4, 8, 12, 16]);
  });

  it('several new JS scalars of one dtype in one call, past the kept-handle bound', () => {
    const k4 = mx.fast.cudaKernel({
      name: 'plan_two_scalars',
      inputNames: ['a', 'b', 'c'],
      outputNames: ['out'],
      source: 'int i = threadIdx.x; out[i] = a[i] * b[0] + c[0];',
    });
    // Two rounds, one more value kept between them: each parity of the kept count meets the bound.
    for (const round of [0, 1]) {
      if (round === 1) mx.add(a, 0.125).dispose();
      const outs: mx.MxArray[] = [];
      for (let i = 0; i < 300; i++) {
        const b = 1000 * round + i + 0.5;
        outs.push(k4({ inputs: [a, b, b + 0.25], grid: [1, 1, 1], threadgroup: [1, 1, 1], outputShapes: [[1]], outputDtypes: [mx.float32], stream: device })[0]);
      }
      mx.eval(...outs);
      outs.forEach((o, i) => expect(o.item()).toBe(2 * (1000 * round + i) + 1.25)); // a[0] = 1
    }
  });

  it('outputs fed to the next call carry their dtype and rank (chains)', () => {
    const k3 = mx.fast.cudaKernel({
      name: 'plan_chain',
      inputNames: ['a'],
      outputNames: ['out'],
      source: 'int i = threadIdx.x; out[i] = a[i] * 2;',
    });
    const step = (x: mx.MxArray, dtype: mx.Dtype, shape: number[]) =>
      k3({ inputs: [x], grid: [4, 1, 1], threadgroup: [4, 1, 1], outputShapes: [shape], outputDtypes: [dtype], stream: device })[0];
    const x0 = mx.array([1, 2, 3, 4], mx.float32);
    const x1 = step(x0, mx.float32, [4]);
    const x2 = step(x1, mx.float32, [4]); // repeats the first call: planned
    const x3 = step(x2, mx.int32, [2, 2]); // f32 in, int32 [2, 2] out
    const x4 = step(x3, mx.int32, [2, 2]); // its input is int32 of rank 2: a new instantiation
    const x5 = step(x4, mx.int32, [2, 2]); // planned
    expect(values(x2)).toEqual([4, 8, 12, 16]);
    expect(x3.dtype).toBe(mx.int32);
    expect(x3.shape).toEqual([2, 2]);
    expect(values(x5)).toEqual([32, 64, 96, 128]);
  });

  it('a changed output dtype after a repeat gives that dtype', () => {
    call();
    const r = kernel({ ...base, outputDtypes: [mx.float16] })[0];
    expect(r.dtype).toBe(mx.float16);
    expect(values(r)).toEqual([411, 412, 413, 414, -1, -1, -1, -1]);
  });

  it('bad options after a planned call are still reported', () => {
    call();
    expect(() => kernel({ ...base, grid: [0, 1, 1] })).toThrow('Expected `grid` to hold positive integers but got [0, 1, 1].');
    expect(() => kernel({ ...base, outputShapes: [[-1]] })).toThrow('to hold non-negative integers');
    const d = mx.multiply(a, 1);
    mx.eval(d);
    call({ inputs: [d] });
    d.dispose();
    expect(() => kernel({ ...base, inputs: [d] })).toThrow('The array was disposed and can no longer be used.');
  });
});
