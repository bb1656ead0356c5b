// The CUDA units custom kernels compile to on NVIDIA GPUs (sdk/fast/gpu_source.ts),
// checked as text on any machine (the GPU suites run them on a device).
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { generateCudaKernel } from '../sdk/fast/generate.js';
import { generateGpuKernel } from '../sdk/fast/gpu_source.js';

const call = {
  inputs: [{ dtype: mx.float32, shape: [64] }],
  outputShapes: [[64]],
  outputDtypes: [mx.float32],
};

describe('generateGpuKernel', () => {
  it('CUDA dialect: MLX\'s text itself, its mangled name, Shape/Strides by value, whole blocks', () => {
    const spec = {
      name: 'strided',
      inputNames: ['inp'],
      outputNames: ['out'],
      source: 'auto e = cooperative_groups::this_grid().thread_rank();\nout[e] = inp[elem_to_loc(e, inp_shape.data(), inp_strides.data(), inp_ndim)];',
    };
    const g = generateGpuKernel('cuda', spec, call);
    expect(g.source).toBe(generateCudaKernel(spec, call).source);
    expect(g.nameExpression).toBe('mlx::core::cu::custom_kernel_strided');
    // input, its shape, strides and ndim, then the output: the slots the runtime fills
    expect(g.params).toEqual([[0, 0], [1, 0], [2, 0], [3, 0], [4, 0]]);
    expect(g.fixedNdim).toBe(10);
    expect(g.roundGridToBlocks).toBe(true);
    expect(g.metalGridArgs).toBe(false);
  });

  it('Metal dialect: threadgroup memory becomes __shared__, address spaces go, an extern "C" entry takes the grid', () => {
    const spec = {
      name: 'block',
      inputNames: ['x'],
      outputNames: ['out'],
      header: 'float twice(const device float* p, uint i) { return 2 * p[i]; }',
      source:
        'threadgroup float partial[32];\nuint i = thread_position_in_grid.x;\npartial[thread_index_in_simdgroup] = twice(x, i);\n' +
        'threadgroup_barrier(mem_flags::mem_threadgroup);\nout[i] = simd_sum(partial[0]);',
    };
    const g = generateGpuKernel('metal', spec, call);
    expect(g.nameExpression).toBe('mlxts_metal_custom_kernel_block');
    expect(g.source).toContain(`extern "C" __global__ void ${g.nameExpression}(`);
    expect(g.source).toMatch(/__shared__\s+float partial\[32\];/);
    expect(g.source).not.toMatch(/\bthreadgroup\s+float\b/);
    expect(g.source).toMatch(/float twice\(const\s+float\* p, uint i\)/);
    // user lines keep their numbers for NVRTC's diagnostics
    expect(g.source).toContain('#line 1 "header"');
    expect(g.source).toContain('#line 1 "source"');
    expect(g.params).toEqual([[0, 0], [4, 0]]);
    expect(g.metalGridArgs).toBe(true);
    expect(g.roundGridToBlocks).toBe(false);
    expect(g.options).toContain('-default-device');
    // memoised: the same call gives the same unit
    expect(generateGpuKernel('metal', spec, call)).toBe(g);
  });

  it('fast math adds NVRTC\'s flag and the macro kernels test', () => {
    const spec = { name: 'fm', inputNames: ['x'], outputNames: ['out'], source: 'out[0] = x[0];' };
    const g = generateGpuKernel('metal', spec, call, { fastMath: true });
    expect(g.options).toContain('--use_fast_math');
    expect(g.options.join(' ')).toContain('__FAST_MATH__');
  });
});
