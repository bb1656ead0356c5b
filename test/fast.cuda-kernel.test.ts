// mx.fast.cudaKernel: MLX's test_fast.py CUDA cases, plus shared memory,
// warp shuffles, ballots, atomics, whole-block rounding and errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { KERNEL_DEVICES, lcg, maxAbsDiff, values } from './helpers/kernels.js';

const f32 = (xs: number[], shape = [xs.length]) => mx.array(xs, mx.float32).reshape(shape);
const ELEM = 'auto elem = cooperative_groups::this_grid().thread_rank();';

describe.each(KERNEL_DEVICES.map((d) => [d.toString(), d] as const))('cudaKernel on %s', (_, device) => {
  const run = (kernel: mx.fast.CustomKernel, opts: Omit<mx.fast.KernelCallOptions, 'stream'>): mx.MxArray[] =>
    kernel({ ...opts, stream: device });

  it('kernels/exp_vec4.cu: float4 loads and stores, leftover elements by the next thread', () => {
    const kernel = mx.fast.cudaKernel({
      name: 'exp_vec4',
      inputNames: ['inp', 'n'],
      outputNames: ['out'],
      source: readFileSync(new URL('../kernels/exp_vec4.cu', import.meta.url), 'utf8'),
    });
    for (const n of [1024, 1027]) {
      const xs = lcg(n, 11, -4, 4);
      const [out] = run(kernel, {
        inputs: [f32(xs), n],
        grid: [Math.floor(n / 4) + 1, 1, 1],
        threadgroup: [256, 1, 1],
        outputShapes: [[n]],
        outputDtypes: [mx.float32],
      });
      const got = values(out);
      const want = xs.map((x) => Math.fround(Math.exp(x)));
      expect(maxAbsDiff(got.map((v, i) => v / want[i]), want.map(() => 1))).toBeLessThan(1e-6);
    }
  });

  it('basic: copies its input (test_custom_kernel_basic)', () => {
    const a = f32(lcg(4, 7), [2, 2]);
    const kernel = mx.fast.cudaKernel({
      name: 'basic',
      inputNames: ['a'],
      outputNames: ['out1'],
      source: `${ELEM}\nout1[elem] = a[elem];`,
    });
    const [out] = run(kernel, { inputs: [a], grid: [4, 1, 1], threadgroup: [2, 1, 1], outputShapes: [[2, 2]], outputDtypes: [mx.float32] });
    expect(values(out)).toEqual(values(a));
  });

  it('args: scalars as pointers, constexpr template values, using T (test_custom_kernel_args)', () => {
    const a = f32(lcg(18, 3), [3, 6]);
    const c = f32(lcg(4, 5), [2, 2]).astype(mx.bfloat16);
    const kernel = mx.fast.cudaKernel({
      name: 'arg_test',
      inputNames: ['a', 'b', 'c', 'd'],
      outputNames: ['out1', 'out2'],
      source: `
        ${ELEM}
        T tmp = a[0];
        if (e) {
            out1[elem] = a[1] + b[2] + static_cast<float>(c[3]) + d[0] + f;
        } else {
            out1[elem] = 1;
        }
        out2[elem] = a[1] + b[2] + static_cast<float>(c[1]) - d[0];
      `,
    });
    const [o1, o2] = run(kernel, {
      inputs: [a, mx.array([3, 4, 5]), c, 7.3],
      template: [['e', true], ['f', 3], ['T', mx.float16]],
      grid: [6, 1, 1],
      threadgroup: [2, 1, 1],
      outputShapes: [[3, 2], [3, 2]],
      outputDtypes: [mx.float32, mx.int32],
    });
    const av = values(a);
    const cv = values(c);
    const d = Math.fround(7.3);
    for (const v of values(o1)) expect(v).toBeCloseTo(av[1] + 5 + cv[3] + d + 3, 4);
    expect(values(o2)).toEqual(new Array(6).fill(Math.trunc(av[1] + 5 + cv[1] - d)));
  });

  it('strides: Shape/Strides by value with elem_to_loc, and WARP_SIZE (test_custom_kernel_strides)', () => {
    const base = f32(lcg(18, 9), [3, 6]);
    const a = mx.asStrided(base, [6, 2], [1, 12]);
    const expected = values(mx.multiply(mx.exp(a), 32));
    for (const contig of [true, false]) {
      const kernel = mx.fast.cudaKernel({
        name: `myexp${contig}`,
        inputNames: ['inp'],
        outputNames: ['out'],
        source: contig
          ? `${ELEM}\nT tmp = inp[elem];\nout[elem] = exp(tmp) * WARP_SIZE;`
          : `${ELEM}\nauto loc = elem_to_loc(elem, inp_shape.data(), inp_strides.data(), inp_ndim);\nT tmp = inp[loc];\nout[elem] = exp(tmp) * WARP_SIZE;`,
        ensureRowContiguous: contig,
      });
      const [out] = run(kernel, {
        inputs: [a],
        template: [['T', mx.float32]],
        grid: [a.size, 1, 1],
        // As MLX launches it: one block of min(256, 12) threads.
        threadgroup: [256, 1, 1],
        outputShapes: [a.shape],
        outputDtypes: [a.dtype],
      });
      expect(maxAbsDiff(values(out), expected)).toBeLessThan(1e-4);
    }
  });

  it('helper functions in the header (test_custom_kernel_helper)', () => {
    const a = f32(lcg(4, 11), [2, 2]);
    const kernel = mx.fast.cudaKernel({
      name: 'helper',
      inputNames: ['a'],
      outputNames: ['out1'],
      header: `
        template <typename T>
        __device__ T do_exp(T x) {
            return exp(x);
        }
      `,
      source: `${ELEM}\nout1[elem] = do_exp(a[elem]);`,
    });
    const [out] = run(kernel, { inputs: [a], grid: [4, 1, 1], threadgroup: [2, 1, 1], outputShapes: [[2, 2]], outputDtypes: [mx.float32] });
    expect(maxAbsDiff(values(out), values(a).map(Math.exp))).toBeLessThan(1e-5);
  });

  it('attributes: blockDim (test_custom_kernel_attributes)', () => {
    const kernel = mx.fast.cudaKernel({ name: 'test_fun', inputNames: ['a'], outputNames: ['out'], source: 'out[0] = blockDim.x;' });
    const [out] = run(kernel, { inputs: [mx.zeros([1, 1])], grid: [2, 1, 1], threadgroup: [2, 1, 1], outputShapes: [[1, 1]], outputDtypes: [mx.uint32] });
    expect(out.item()).toBe(2);
  });

  it('grids round up to whole blocks: 10 threads in blocks of 4 launch 12', () => {
    const kernel = mx.fast.cudaKernel({
      name: 'blocks',
      inputNames: ['a'],
      outputNames: ['out'],
      source: `
        int i = blockIdx.x * blockDim.x + threadIdx.x;
        out[i] = blockIdx.x * 100 + threadIdx.x * 10 + gridDim.x;
      `,
    });
    const [out] = run(kernel, { inputs: [mx.zeros([1])], grid: [10, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[12]], outputDtypes: [mx.int32], initValue: -1 });
    expect(out.tolist()).toEqual([3, 13, 23, 33, 103, 113, 123, 133, 203, 213, 223, 233]);
  });

  it('same name, different sources, one eval (test_cuda_kernel_same_name_different_source)', () => {
    const a = mx.arange(32, mx.float32);
    const call = (source: string) => {
      const kernel = mx.fast.cudaKernel({ name: 'dup_name', inputNames: ['inp'], outputNames: ['out'], source });
      return run(kernel, { inputs: [a], grid: [32, 1, 1], threadgroup: [32, 1, 1], outputShapes: [[32]], outputDtypes: [mx.float32] })[0];
    };
    const outA = call(`${ELEM} out[e] = inp[e] * 2.0f;`.replace('auto elem', 'auto e'));
    const outB = call(`${ELEM} out[e] = inp[e] + 100.0f;`.replace('auto elem', 'auto e'));
    mx.eval(outA, outB);
    expect(values(outA)).toEqual(values(a).map((x) => x * 2));
    expect(values(outB)).toEqual(values(a).map((x) => x + 100));
  });

  it('__shared__ memory, __syncthreads and __shfl_down_sync: a block sum', () => {
    const kernel = mx.fast.cudaKernel({
      name: 'block_sum',
      inputNames: ['x'],
      outputNames: ['out'],
      source: `
        __shared__ float warp_sums[32];
        int i = blockIdx.x * blockDim.x + threadIdx.x;
        float v = x[i];
        for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffff, v, offset);
        int lane = threadIdx.x % warpSize;
        int warp = threadIdx.x / warpSize;
        if (lane == 0) warp_sums[warp] = v;
        __syncthreads();
        if (warp == 0) {
          float w = lane < blockDim.x / warpSize ? warp_sums[lane] : 0.0f;
          for (int offset = 16; offset > 0; offset /= 2) w += __shfl_down_sync(0xffffffff, w, offset);
          if (lane == 0) out[blockIdx.x] = w;
        }
      `,
    });
    const n = 256 * 4;
    const xs = lcg(n, 13);
    const [out] = run(kernel, { inputs: [f32(xs)], grid: [n, 1, 1], threadgroup: [256, 1, 1], outputShapes: [[4]], outputDtypes: [mx.float32] });
    const expected = [0, 1, 2, 3].map((g) => xs.slice(g * 256, (g + 1) * 256).reduce((s, v) => s + v, 0));
    expect(maxAbsDiff(values(out), expected)).toBeLessThan(1e-4);
  });

  it('dynamic shared memory (extern __shared__, sharedMemory): reverse within a block', () => {
    const kernel = mx.fast.cudaKernel({
      name: 'reverse_block',
      inputNames: ['x'],
      outputNames: ['out'],
      sharedMemory: 64 * 4,
      source: `
        extern __shared__ float tile[];
        int t = threadIdx.x;
        int base = blockIdx.x * blockDim.x;
        tile[t] = x[base + t];
        __syncthreads();
        out[base + t] = tile[blockDim.x - 1 - t];
      `,
    });
    const xs = Array.from({ length: 128 }, (_, k) => k);
    const [out] = run(kernel, { inputs: [f32(xs)], grid: [128, 1, 1], threadgroup: [64, 1, 1], outputShapes: [[128]], outputDtypes: [mx.float32] });
    const expected = xs.map((_, k) => Math.floor(k / 64) * 64 + (63 - (k % 64)));
    expect(values(out)).toEqual(expected);
  });

  it('a header with CUDA includes and file-scope extern __shared__ memory', () => {
    const kernel = mx.fast.cudaKernel({
      name: 'header_shared',
      inputNames: ['x'],
      outputNames: ['out'],
      sharedMemory: 32 * 4,
      header: `
        #include <cuda_fp16.h>
        #include <cooperative_groups.h>
        extern __shared__ float scratch[];
        __device__ float neighbour_sum(int t, int n) {
          return scratch[t] + scratch[(t + 1) % n];
        }
      `,
      source: `
        int t = threadIdx.x;
        scratch[t] = x[blockIdx.x * blockDim.x + t];
        __syncthreads();
        out[blockIdx.x * blockDim.x + t] = neighbour_sum(t, blockDim.x);
      `,
    });
    const xs = Array.from({ length: 64 }, (_, k) => k * k);
    const [out] = run(kernel, { inputs: [f32(xs)], grid: [64, 1, 1], threadgroup: [32, 1, 1], outputShapes: [[64]], outputDtypes: [mx.float32] });
    expect(values(out)).toEqual(xs.map((v, k) => v + xs[Math.floor(k / 32) * 32 + ((k % 32) + 1) % 32]));
  });

  // Checked mode is the CPU engine's: on a GPU the kernel runs unchecked.
  it.skipIf(device.type === 'gpu')('checked mode reports an out-of-bounds write with threadIdx and blockIdx', () => {
    const kernel = mx.fast.cudaKernel({
      name: 'oob_write',
      inputNames: ['x'],
      outputNames: ['out'],
      boundsCheck: true,
      source: 'int i = blockIdx.x * blockDim.x + threadIdx.x; out[i] = x[i % 10];',
    });
    const [out] = run(kernel, { inputs: [mx.ones([10])], grid: [12, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[10]], outputDtypes: [mx.float32] });
    expect(() => mx.eval(out)).toThrow(
      "[cuda_kernel] Kernel 'oob_write' accessed 'out' out of bounds at index 10 (valid 0..9) in threadIdx (2, 0, 0) of blockIdx (2, 0, 0)",
    );
  });

  it('atomicAdd into a plain output and __ballot_sync', () => {
    const kernel = mx.fast.cudaKernel({
      name: 'count_positive',
      inputNames: ['x'],
      outputNames: ['count', 'masks'],
      source: `
        int i = blockIdx.x * blockDim.x + threadIdx.x;
        bool pos = x[i] > 0;
        unsigned mask = __ballot_sync(0xffffffff, pos);
        if (pos) atomicAdd(&count[0], 1.0f);
        if (threadIdx.x % 32 == 0) masks[i / 32] = mask;
      `,
    });
    const xs = lcg(128, 17);
    const [count, masks] = run(kernel, {
      inputs: [f32(xs)],
      grid: [128, 1, 1],
      threadgroup: [64, 1, 1],
      outputShapes: [[1], [4]],
      outputDtypes: [mx.float32, mx.uint32],
      initValue: 0,
    });
    expect(count.item()).toBe(xs.filter((v) => v > 0).length);
    const expected = [0, 1, 2, 3].map((w) => xs.slice(w * 32, w * 32 + 32).reduce((m, v, lane) => (v > 0 ? m | (1 << lane) : m), 0) >>> 0);
    expect(masks.tolist()).toEqual(expected);
  });
});

describe('cudaKernel: generation and errors', () => {
  it('generate() returns MLX\'s CUDA text', () => {
    const kernel = mx.fast.cudaKernel({ name: 'myexp', inputNames: ['inp'], outputNames: ['out'], source: `${ELEM}\nout[elem] = exp(inp[elem]);` });
    const g = kernel.generate({ inputs: [mx.zeros([4])], grid: [4, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[4]], outputDtypes: [mx.float32], template: [['T', mx.float32]] });
    expect(g.name).toBe('custom_kernel_myexp_float');
    expect(g.source).toContain('__global__ void custom_kernel_myexp_float(\n    const float* inp,\n    float* out) {\n  using T = float;');
  });

  it('construction errors: sharedMemory, atomicOutputs is Metal only', () => {
    const spec = { name: 'k', inputNames: ['a'], outputNames: ['b'], source: '' };
    expect(() => mx.fast.cudaKernel({ ...spec, sharedMemory: -1 })).toThrow(
      '[cuda_kernel] Expected `sharedMemory` to be a non-negative integer but got number -1.',
    );
    expect(() => mx.fast.cudaKernel({ ...spec, outputNames: [] })).toThrow('[cuda_kernel] Must specify at least one output.');
  });

  it('compile errors point at the source line', () => {
    const kernel = mx.fast.cudaKernel({
      name: 'broken_cuda',
      inputNames: ['a'],
      outputNames: ['b'],
      source: `${ELEM}\nb[elem] = a[elem] +;\n`,
    });
    const [out] = kernel({ inputs: [mx.zeros([4])], grid: [4, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[4]], outputDtypes: [mx.float32] });
    expect(() => mx.eval(out)).toThrow(/\[cuda_kernel\] Failed to compile kernel 'broken_cuda' for the CPU:\nsource:2: error: .*\n {2}2 \| b\[elem\] = a\[elem\] \+;/);
  });
});
