// mx.fast.metalKernel: MLX's test_fast.py custom-kernel cases, plus barriers,
// simdgroup operations, atomics, partial threadgroups, errors and checked mode.
import { describe, expect, it, vi } from 'vitest';
import * as mx from 'mlx-ts';
import { KERNEL_DEVICES, lcg, maxAbsDiff, values } from './helpers/kernels.js';

const f32 = (xs: number[], shape = [xs.length]) => mx.array(xs, mx.float32).reshape(shape);

describe.each(KERNEL_DEVICES.map((d) => [d.toString(), d] as const))('metalKernel on %s', (_, device) => {
  const run = (
    kernel: mx.fast.CustomKernel,
    opts: Omit<mx.fast.KernelCallOptions, 'stream'>,
  ): mx.MxArray[] => kernel({ ...opts, stream: device });

  it('basic: copies its input (test_custom_kernel_basic)', () => {
    const a = f32(lcg(4, 7), [2, 2]);
    const kernel = mx.fast.metalKernel({
      name: 'basic',
      inputNames: ['a'],
      outputNames: ['out1'],
      source: `
        uint elem = thread_position_in_grid.x;
        out1[elem] = a[elem];
      `,
    });
    const [out] = run(kernel, { inputs: [a], grid: [4, 1, 1], threadgroup: [2, 1, 1], outputShapes: [[2, 2]], outputDtypes: [mx.float32] });
    expect(out.shape).toEqual([2, 2]);
    expect(values(out)).toEqual(values(a));
  });

  it('args: arrays, a JS scalar by reference, template bool/int/dtype (test_custom_kernel_args)', () => {
    const a = f32(lcg(18, 3), [3, 6]);
    const c = f32(lcg(4, 5), [2, 2]).astype(mx.bfloat16);
    const kernel = mx.fast.metalKernel({
      name: 'arg_test',
      inputNames: ['a', 'b', 'c', 'd'],
      outputNames: ['out1', 'out2'],
      source: `
        uint elem = thread_position_in_grid.x;
        T tmp = a[0];
        if (e) {
            out1[elem] = a[1] + b[2] + c[3] + d + f;
        } else {
            out1[elem] = 1;
        }
        out2[elem] = a[1] + b[2] + c[1] - d;
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
    const e1 = Math.fround(av[1] + 5 + cv[3] + d + 3);
    const e2 = Math.trunc(av[1] + 5 + cv[1] - d);
    expect(o1.dtype).toBe(mx.float32);
    expect(o2.dtype).toBe(mx.int32);
    for (const v of values(o1)) expect(v).toBeCloseTo(e1, 4);
    expect(values(o2)).toEqual(new Array(6).fill(e2));

    const [off] = run(kernel, {
      inputs: [a, mx.array([3, 4, 5]), c, 7.3],
      template: [['e', false], ['f', 3], ['T', mx.float16]],
      grid: [6, 1, 1],
      threadgroup: [2, 1, 1],
      outputShapes: [[3, 2], [3, 2]],
      outputDtypes: [mx.float32, mx.int32],
    });
    expect(values(off)).toEqual(new Array(6).fill(1));
  });

  it('strides: with and without ensureRowContiguous (test_custom_kernel_strides)', () => {
    const base = f32(lcg(18, 9), [3, 6]);
    // a non-contiguous view: every other row, then its transpose (shape [6, 2])
    const a = mx.asStrided(base, [6, 2], [1, 12]);
    const expected = values(mx.multiply(mx.exp(a), 32));
    for (const contig of [true, false]) {
      const kernel = mx.fast.metalKernel({
        name: `myexp${contig}`,
        inputNames: ['inp'],
        outputNames: ['out'],
        source: contig
          ? `
            uint elem = thread_position_in_grid.x;
            T tmp = inp[elem];
            out[elem] = metal::precise::exp(tmp) * threads_per_simdgroup;
          `
          : `
            uint elem = thread_position_in_grid.x;
            uint loc = elem_to_loc(elem, inp_shape, inp_strides, inp_ndim);
            T tmp = inp[loc];
            out[elem] = metal::precise::exp(tmp) * threads_per_simdgroup;
          `,
        ensureRowContiguous: contig,
      });
      const [out] = run(kernel, {
        inputs: [a],
        template: [['T', mx.float32]],
        grid: [a.size, 1, 1],
        threadgroup: [256, 1, 1],
        outputShapes: [a.shape],
        outputDtypes: [a.dtype],
      });
      expect(maxAbsDiff(values(out), expected)).toBeLessThan(1e-4);
    }
  });

  it('helper functions in the header (test_custom_kernel_helper)', () => {
    const a = f32(lcg(4, 11), [2, 2]);
    const kernel = mx.fast.metalKernel({
      name: 'helper',
      inputNames: ['a'],
      outputNames: ['out1'],
      header: `
        template <typename T>
        T do_exp(T x) {
            return metal::precise::exp(x);
        }
      `,
      source: `
        uint elem = thread_position_in_grid.x;
        out1[elem] = do_exp(a[elem]);
      `,
    });
    const [out] = run(kernel, { inputs: [a], grid: [4, 1, 1], threadgroup: [2, 1, 1], outputShapes: [[2, 2]], outputDtypes: [mx.float32] });
    expect(maxAbsDiff(values(out), values(a).map(Math.exp))).toBeLessThan(1e-5);
  });

  it('attributes: threads_per_threadgroup (test_custom_kernel_attributes)', () => {
    const kernel = mx.fast.metalKernel({
      name: 'test_fun',
      inputNames: ['a'],
      outputNames: ['out'],
      source: 'out[0] = threads_per_threadgroup.x;',
    });
    const [out] = run(kernel, { inputs: [mx.zeros([1, 1])], grid: [2, 1, 1], threadgroup: [2, 1, 1], outputShapes: [[1, 1]], outputDtypes: [mx.uint32] });
    expect(out.item()).toBe(2);
  });

  it('every attribute, with a partial last threadgroup (grid 10, threadgroup 4)', () => {
    const kernel = mx.fast.metalKernel({
      name: 'attrs',
      inputNames: ['a'],
      outputNames: ['out'],
      source: `
        uint i = thread_position_in_grid.x;
        device int* o = out + i * 12;
        o[0] = thread_position_in_threadgroup.x;
        o[1] = threadgroup_position_in_grid.x;
        o[2] = threads_per_threadgroup.x;
        o[3] = dispatch_threads_per_threadgroup.x;
        o[4] = threadgroups_per_grid.x;
        o[5] = threads_per_grid.x;
        o[6] = thread_index_in_threadgroup;
        o[7] = thread_index_in_simdgroup;
        o[8] = simdgroup_index_in_threadgroup;
        o[9] = thread_execution_width;
        o[10] = quadgroup_index_in_threadgroup;
        o[11] = thread_index_in_quadgroup;
      `,
    });
    const [out] = run(kernel, { inputs: [mx.zeros([1])], grid: [10, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[10, 12]], outputDtypes: [mx.int32], initValue: -1 });
    const rows = out.tolist() as number[][];
    rows.forEach((r, i) => {
      const t = i % 4;
      const g = Math.floor(i / 4);
      expect(r).toEqual([t, g, g === 2 ? 2 : 4, 4, 3, 10, t, t, 0, 32, Math.floor(t / 4), t % 4]);
    });
  });

  it('a 2-D grid and 3-D positions', () => {
    const kernel = mx.fast.metalKernel({
      name: 'grid2d',
      inputNames: ['a'],
      outputNames: ['out'],
      source: `
        uint3 p = thread_position_in_grid;
        out[p.y * threads_per_grid.x + p.x] = a[p.y * threads_per_grid.x + p.x] * 10 + p.y;
      `,
    });
    const a = f32(lcg(15, 2), [3, 5]);
    const [out] = run(kernel, { inputs: [a], grid: [5, 3, 1], threadgroup: [2, 2, 1], outputShapes: [[3, 5]], outputDtypes: [mx.float32] });
    const av = values(a);
    expect(maxAbsDiff(values(out), av.map((x, k) => Math.fround(x * 10 + Math.floor(k / 5))))).toBeLessThan(1e-5);
  });

  it('caching: the same name with another source runs the new source (test_custom_kernel_caching)', () => {
    const call = (source: string) => {
      const kernel = mx.fast.metalKernel({ name: 'my_kernel', inputNames: ['inp'], outputNames: ['out'], source });
      const a = mx.random.normal([32]);
      return run(kernel, { inputs: [a], grid: [32, 1, 1], threadgroup: [32, 1, 1], outputShapes: [[32]], outputDtypes: [mx.float32] })[0];
    };
    expect(values(call('uint elem = thread_position_in_grid.x; out[elem] = 0.0;'))).toEqual(new Array(32).fill(0));
    expect(values(call('uint elem = thread_position_in_grid.x; out[elem] = 1.0;'))).toEqual(new Array(32).fill(1));
  });

  it('same name, different sources, one eval: each runs its own code', () => {
    const a = mx.arange(32, mx.float32);
    const call = (source: string) => {
      const kernel = mx.fast.metalKernel({ name: 'dup_name', inputNames: ['inp'], outputNames: ['out'], source });
      return run(kernel, { inputs: [a], grid: [32, 1, 1], threadgroup: [32, 1, 1], outputShapes: [[32]], outputDtypes: [mx.float32] })[0];
    };
    const outA = call('uint e = thread_position_in_grid.x; out[e] = inp[e] * 2.0f;');
    const outB = call('uint e = thread_position_in_grid.x; out[e] = inp[e] + 100.0f;');
    mx.eval(outA, outB);
    expect(values(outA)).toEqual(values(a).map((x) => x * 2));
    expect(values(outB)).toEqual(values(a).map((x) => x + 100));
  });

  it('mixed dtypes: one kernel, two instantiations in one graph (test_custom_kernel_mixed_dtypes)', () => {
    const kernel = mx.fast.metalKernel({
      name: 'mixed_dtypes',
      inputNames: ['inp'],
      outputNames: ['out'],
      source: 'uint elem = thread_position_in_grid.x; out[elem] = inp[elem] + inp[elem];',
    });
    const call = (a: mx.MxArray) =>
      run(kernel, { inputs: [a], grid: [32, 1, 1], threadgroup: [32, 1, 1], outputShapes: [a.shape], outputDtypes: [a.dtype] })[0];
    const a = mx.full([32], 1.5, mx.float16);
    const b = mx.full([32], 2.5, mx.float32);
    const out = mx.add(call(a).astype(mx.float32), call(b));
    expect(values(out)).toEqual(new Array(32).fill(8));
  });

  it('math mode: fast defines __FAST_MATH__, safe does not; exp(-inf) is 0 in safe mode', () => {
    const source = `
      uint elem = thread_position_in_grid.x;
      #if defined(__FAST_MATH__) && __FAST_MATH__
      out[elem] = 1.0f;
      #else
      out[elem] = metal::exp(inp[elem]);
      #endif
    `;
    const a = mx.full([4], -Infinity, mx.float32);
    for (const [mode, expected] of [['safe', 0], ['fast', 1]] as const) {
      const kernel = mx.fast.metalKernel({ name: 'math_mode', inputNames: ['inp'], outputNames: ['out'], source, compileOptions: { mathMode: mode } });
      const [out] = run(kernel, { inputs: [a], grid: [4, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[4]], outputDtypes: [mx.float32] });
      expect(values(out)).toEqual(new Array(4).fill(expected));
    }
  });

  it('initValue fills the outputs before the kernel runs', () => {
    const kernel = mx.fast.metalKernel({
      name: 'partial_write',
      inputNames: ['a'],
      outputNames: ['out'],
      source: 'uint i = thread_position_in_grid.x; if (i % 2 == 0) out[i] = a[i];',
    });
    const a = mx.arange(8, mx.float32);
    const [out] = run(kernel, { inputs: [a], grid: [8, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[8]], outputDtypes: [mx.float32], initValue: -3 });
    expect(values(out)).toEqual([0, -3, 2, -3, 4, -3, 6, -3]);
  });

  it('threadgroup memory, simd_sum and threadgroup_barrier: a two-level block sum', () => {
    const kernel = mx.fast.metalKernel({
      name: 'block_sum',
      inputNames: ['x'],
      outputNames: ['out'],
      source: `
        threadgroup float partial[32];
        uint i = thread_position_in_grid.x;
        float v = x[i];
        v = simd_sum(v);
        if (thread_index_in_simdgroup == 0) partial[simdgroup_index_in_threadgroup] = v;
        threadgroup_barrier(mem_flags::mem_threadgroup);
        if (simdgroup_index_in_threadgroup == 0) {
          float w = thread_index_in_simdgroup < simdgroups_per_threadgroup ? partial[thread_index_in_simdgroup] : 0.0f;
          w = simd_sum(w);
          if (thread_index_in_simdgroup == 0) out[threadgroup_position_in_grid.x] = w;
        }
      `,
    });
    const n = 256 * 3;
    const xs = lcg(n, 21);
    const [out] = run(kernel, { inputs: [f32(xs)], grid: [n, 1, 1], threadgroup: [256, 1, 1], outputShapes: [[3]], outputDtypes: [mx.float32] });
    const expected = [0, 1, 2].map((g) => xs.slice(g * 256, (g + 1) * 256).reduce((s, v) => s + v, 0));
    expect(maxAbsDiff(values(out), expected)).toBeLessThan(1e-4);
  });

  it('simd prefix sums, shuffles and broadcasts over 32 lanes', () => {
    const kernel = mx.fast.metalKernel({
      name: 'simd_ops',
      inputNames: ['x'],
      outputNames: ['incl', 'excl', 'down', 'xor1', 'bcast', 'mx'],
      source: `
        uint i = thread_position_in_grid.x;
        float v = x[i];
        incl[i] = simd_prefix_inclusive_sum(v);
        excl[i] = simd_prefix_exclusive_sum(v);
        down[i] = simd_shuffle_down(v, 1);
        xor1[i] = simd_shuffle_xor(v, 1);
        bcast[i] = simd_broadcast(v, 5);
        mx[i] = simd_max(v);
      `,
    });
    const xs = Array.from({ length: 64 }, (_, k) => (k * 7) % 13);
    const shape = [[64], [64], [64], [64], [64], [64]];
    const outs = run(kernel, { inputs: [f32(xs)], grid: [64, 1, 1], threadgroup: [64, 1, 1], outputShapes: shape, outputDtypes: new Array(6).fill(mx.float32) });
    const [incl, excl, down, xor1, bcast, mxv] = outs.map(values);
    for (let k = 0; k < 64; k++) {
      const base = k - (k % 32);
      const lane = k % 32;
      const prefix = xs.slice(base, k + 1).reduce((s, v) => s + v, 0);
      expect(incl[k]).toBe(prefix);
      expect(excl[k]).toBe(prefix - xs[k]);
      expect(down[k]).toBe(lane < 31 ? xs[k + 1] : xs[k]);
      expect(xor1[k]).toBe(xs[base + (lane ^ 1)]);
      expect(bcast[k]).toBe(xs[base + 5]);
      expect(mxv[k]).toBe(Math.max(...xs.slice(base, base + 32)));
    }
  });

  it('atomics: a histogram with atomic_fetch_add_explicit on atomic outputs', () => {
    const kernel = mx.fast.metalKernel({
      name: 'histogram',
      inputNames: ['x'],
      outputNames: ['hist'],
      atomicOutputs: true,
      source: `
        uint i = thread_position_in_grid.x;
        atomic_fetch_add_explicit(&hist[x[i]], 1, memory_order_relaxed);
      `,
    });
    const n = 20000;
    const xs = Array.from({ length: n }, (_, k) => (k * k) % 10);
    const [hist] = run(kernel, { inputs: [mx.array(xs, mx.int32)], grid: [n, 1, 1], threadgroup: [128, 1, 1], outputShapes: [[10]], outputDtypes: [mx.int32], initValue: 0 });
    const expected = new Array(10).fill(0);
    for (const v of xs) expected[v]++;
    expect(hist.tolist()).toEqual(expected);
  });

  it('vector types and Metal math in a body', () => {
    const kernel = mx.fast.metalKernel({
      name: 'vec4',
      inputNames: ['x'],
      outputNames: ['out'],
      source: `
        uint i = thread_position_in_grid.x;
        float4 v = float4(x[4 * i], x[4 * i + 1], x[4 * i + 2], x[4 * i + 3]);
        float4 w = v * 2.0f + float4(1.0f);
        out[i] = dot(w, float4(1, 1, 1, 1)) + metal::clamp(v.x, 0.0f, 0.5f);
      `,
    });
    const xs = lcg(16, 4);
    const [out] = run(kernel, { inputs: [f32(xs)], grid: [4, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[4]], outputDtypes: [mx.float32] });
    const expected = [0, 1, 2, 3].map((i) => {
      const v = xs.slice(4 * i, 4 * i + 4);
      return v.reduce((s, t) => s + 2 * t + 1, 0) + Math.min(Math.max(v[0], 0), 0.5);
    });
    expect(maxAbsDiff(values(out), expected)).toBeLessThan(1e-5);
  });

  it('a header including metal_stdlib, bfloat16 and float16 instantiations', () => {
    const kernel = mx.fast.metalKernel({
      name: 'stdlib_header',
      inputNames: ['x'],
      outputNames: ['out'],
      header: '#include <metal_stdlib>\nusing namespace metal;\ntemplate <typename T> T twice(T v) { return v + v; }',
      source: 'uint i = thread_position_in_grid.x; out[i] = twice(x[i]) + T(1);',
    });
    for (const dtype of [mx.float16, mx.bfloat16, mx.float32]) {
      const x = mx.array([0.5, 1.5, -2], mx.float32).astype(dtype);
      const [out] = run(kernel, { inputs: [x], template: [['T', dtype]], grid: [3, 1, 1], threadgroup: [3, 1, 1], outputShapes: [[3]], outputDtypes: [dtype] });
      expect(out.dtype).toBe(dtype);
      expect(values(out)).toEqual([2, 4, -3]);
    }
  });

  it('runs inside mx.compile and composes with other ops', () => {
    const kernel = mx.fast.metalKernel({
      name: 'twice',
      inputNames: ['x'],
      outputNames: ['out'],
      source: 'uint i = thread_position_in_grid.x; out[i] = 2 * x[i];',
    });
    const f = (x: mx.MxArray) =>
      mx.add(run(kernel, { inputs: [x], grid: [x.size, 1, 1], threadgroup: [32, 1, 1], outputShapes: [x.shape], outputDtypes: [x.dtype] })[0], 1);
    const x = f32([1, 2, 3]);
    expect(values(mx.compile(f)(x) as mx.MxArray)).toEqual([3, 5, 7]);
  });
});

describe('metalKernel: generation, validation and errors', () => {
  const spec = { name: 'myexp', inputNames: ['inp'], outputNames: ['out'], source: 'uint elem = thread_position_in_grid.x;\nT tmp = inp[elem];\nout[elem] = metal::exp(tmp);' };
  const callOpts = (a: mx.MxArray): mx.fast.KernelCallOptions => ({
    inputs: [a], template: [['T', mx.float32]], grid: [a.size, 1, 1], threadgroup: [256, 1, 1], outputShapes: [a.shape], outputDtypes: [a.dtype],
  });

  it('generate() returns the seed\'s text without running; verbose prints it', () => {
    const kernel = mx.fast.metalKernel(spec);
    const a = mx.zeros([4, 16], mx.float16);
    const g = kernel.generate(callOpts(a));
    expect(g.name).toBe('custom_kernel_myexp_float');
    expect(g.source).toContain('[[kernel]] void custom_kernel_myexp_float(\n  const device float16_t* inp [[buffer(0)]],');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      kernel({ ...callOpts(a), verbose: true });
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0][0])).toContain('Generated source code for `myexp`:');
      expect(String(log.mock.calls[0][0])).toContain(g.source);
    } finally {
      log.mockRestore();
    }
  });

  it('construction errors: no outputs, duplicate and invalid names, compile options', () => {
    expect(() => mx.fast.metalKernel({ ...spec, outputNames: [] })).toThrow('[metal_kernel] Must specify at least one output.');
    expect(() => mx.fast.metalKernel({ ...spec, inputNames: ['a', 'a'] })).toThrow('[metal_kernel] Duplicate name "a"');
    expect(() => mx.fast.metalKernel({ ...spec, inputNames: ['1a'] })).toThrow('[metal_kernel] Invalid name "1a"');
    expect(() => mx.fast.metalKernel({ ...spec, compileOptions: { mathMode: 'precise' as 'safe' } })).toThrow(
      "[metal_kernel] Invalid mathMode \"precise\": expected 'safe' or 'fast'.",
    );
    expect(() => mx.fast.metalKernel({ ...spec, compileOptions: { unknown: 'value' } as { mathMode?: 'safe' } })).toThrow(
      '[metal_kernel] Unknown compile option `unknown`',
    );
  });

  it('call errors: list lengths, grid, threadgroup, template values', () => {
    const kernel = mx.fast.metalKernel(spec);
    const a = mx.zeros([8]);
    const ok = callOpts(a);
    expect(() => kernel({ ...ok, inputs: [] })).toThrow('[metal_kernel] Expected `inputs` to have size 1 but got size 0.');
    expect(() => kernel({ ...ok, outputShapes: [[8], [8]] })).toThrow('[metal_kernel] Expected `outputShapes` to have size 1 but got size 2.');
    expect(() => kernel({ ...ok, outputDtypes: [] })).toThrow('[metal_kernel] Expected `outputDtypes` to have size 1 but got size 0.');
    expect(() => kernel({ ...ok, grid: [0, 1, 1] })).toThrow('[metal_kernel] Expected `grid` to hold positive integers but got [0, 1, 1].');
    expect(() => kernel({ ...ok, threadgroup: [2048, 1, 1] })).toThrow(
      '[metal_kernel] Threadgroup [2048, 1, 1] has 2048 threads; at most 1024 are allowed.',
    );
    expect(() => kernel({ ...ok, template: [['T', 'float' as unknown as number]] })).toThrow(
      '[metal_kernel] Invalid template argument "T": expected a dtype, an integer or a boolean but got string "float".',
    );
    expect(() => kernel({ ...ok, inputs: ['x' as unknown as number] })).toThrow(
      '[metal_kernel] Expected input `inp` to be an array or a scalar but got string x.',
    );
  });

  it('compile errors name the kernel and point at the line of the source or header', () => {
    const kernel = mx.fast.metalKernel({
      name: 'broken',
      inputNames: ['inp'],
      outputNames: ['out'],
      source: 'uint elem = thread_position_in_grid.x;\nout[elem] = undefined_thing(inp[elem]);',
    });
    const a = mx.zeros([4]);
    const [out] = kernel({ inputs: [a], grid: [4, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[4]], outputDtypes: [mx.float32] });
    expect(() => mx.eval(out)).toThrow(/\[metal_kernel\] Failed to compile kernel 'broken' for the CPU:\nsource:2: error: .*undefined_thing/);
    expect(() => mx.eval(out)).toThrow('  2 | out[elem] = undefined_thing(inp[elem]);');

    const inHeader = mx.fast.metalKernel({
      name: 'broken_header',
      inputNames: ['inp'],
      outputNames: ['out'],
      header: 'float helper(float x) {\n  return x +;\n}',
      source: 'uint elem = thread_position_in_grid.x; out[elem] = helper(inp[elem]);',
    });
    const [o2] = inHeader({ inputs: [a], grid: [4, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[4]], outputDtypes: [mx.float32] });
    expect(() => mx.eval(o2)).toThrow(/header:2: error: .*\n {2}2 \| {3}return x \+;/);
  });

  it('threads that cannot all reach a barrier: a clear deadlock error', () => {
    const kernel = mx.fast.metalKernel({
      name: 'deadlock',
      inputNames: ['x'],
      outputNames: ['out'],
      source: `
        uint i = thread_position_in_grid.x;
        float v = x[i];
        if (thread_index_in_simdgroup < 16) { v = simd_sum(v); }
        else { threadgroup_barrier(mem_flags::mem_threadgroup); }
        out[i] = v;
      `,
    });
    const [out] = kernel({ inputs: [mx.ones([64])], grid: [64, 1, 1], threadgroup: [64, 1, 1], outputShapes: [[64]], outputDtypes: [mx.float32] });
    expect(() => mx.eval(out)).toThrow(/\[metal_kernel\] Kernel 'deadlock': .*deadlock/);
  });
});
