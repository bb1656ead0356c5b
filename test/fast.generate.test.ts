import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import {
  clearGeneratorCache,
  generateCudaKernel,
  generateMetalKernel,
  generatorCacheStats,
  verboseText,
  type KernelCall,
  type KernelSpec,
} from '../sdk/fast/generate.js';

const lines = (...ls: string[]): string => ls.join('\n');

// The body as it appears in the seed's generated text (8-space indentation).
const MYEXP_SOURCE = lines(
  '',
  '        uint elem = thread_position_in_grid.x;',
  '        T tmp = inp[elem];',
  '        out[elem] = metal::exp(tmp);',
  '',
);

const myexp: KernelSpec = { name: 'myexp', inputNames: ['inp'], outputNames: ['out'], source: MYEXP_SOURCE };

const f16 = (shape: number[]) => ({ dtype: mx.float16, shape });
const f32 = (shape: number[]) => ({ dtype: mx.float32, shape });

describe('generateMetalKernel', () => {
  it('reproduces the seed documentation text for myexp byte for byte', () => {
    const golden = readFileSync(new URL('./fixtures/fast/myexp_metal.txt', import.meta.url), 'utf8');
    const g = generateMetalKernel(myexp, {
      inputs: [f16([4, 16])],
      outputShapes: [[4, 16]],
      outputDtypes: [mx.float16],
      template: [['T', mx.float32]],
    });
    expect(g.name).toBe('custom_kernel_myexp_float');
    expect(g.source).toBe(golden);
  });

  it('accepts MxArray inputs', () => {
    const a = mx.zeros([4, 16], mx.float16);
    const g = generateMetalKernel(myexp, {
      inputs: [a],
      outputShapes: [a.shape],
      outputDtypes: [a.dtype],
      template: [['T', mx.float32]],
    });
    expect(g.source).toContain('const device float16_t* inp [[buffer(0)]],\n  device float16_t* out [[buffer(1)]],');
  });

  it('without template args: no template line, no instantiation, no attributes', () => {
    const g = generateMetalKernel(
      { name: 'copy', inputNames: ['a'], outputNames: ['b'], source: '  b[0] = a[0];' },
      { inputs: [f32([16])], outputShapes: [[16]], outputDtypes: [mx.float32] },
    );
    expect(g.name).toBe('custom_kernel_copy');
    expect(g.source).toBe(
      lines(
        '[[kernel]] void custom_kernel_copy(',
        '  const device float* a [[buffer(0)]],',
        '  device float* b [[buffer(1)]]) {',
        '  b[0] = a[0];',
        '}',
        '',
      ),
    );
  });

  it('adds _shape/_strides/_ndim only when the source mentions them, with buffer indices in order', () => {
    const source = 'uint i = elem_to_loc(thread_position_in_grid.x, x_shape, x_strides, x_ndim) + y_ndim;';
    const g = generateMetalKernel(
      { name: 'strided', inputNames: ['x', 'y', 'z'], outputNames: ['out'], source, ensureRowContiguous: false },
      { inputs: [f32([2, 8]), f32([3, 3]), f32([9])], outputShapes: [[16]], outputDtypes: [mx.float32] },
    );
    expect(g.source).toBe(
      lines(
        '[[kernel]] void custom_kernel_strided(',
        '  const device float* x [[buffer(0)]],',
        '  const constant int* x_shape [[buffer(1)]],',
        '  const constant int64_t* x_strides [[buffer(2)]],',
        '  const constant int& x_ndim [[buffer(3)]],',
        '  const device float* y [[buffer(4)]],',
        '  const constant int& y_ndim [[buffer(5)]],',
        '  const device float* z [[buffer(6)]],',
        '  device float* out [[buffer(7)]],',
        '  uint3 thread_position_in_grid [[thread_position_in_grid]]) {',
        source,
        '}',
        '',
      ),
    );
    // Only shape mentioned.
    const g2 = generateMetalKernel(
      { name: 's2', inputNames: ['x'], outputNames: ['o'], source: 'o[0] = x_shape[0];' },
      { inputs: [f32([8, 8])], outputShapes: [[1]], outputDtypes: [mx.float32] },
    );
    expect(g2.source).toContain('const constant int* x_shape [[buffer(1)]],\n  device float* o [[buffer(2)]]) {');
    expect(g2.source).not.toContain('x_strides');
    expect(g2.source).not.toContain('x_ndim');
  });

  it('passes inputs of fewer than 8 elements in constant space and 0-d inputs by reference', () => {
    const g = generateMetalKernel(
      { name: 'small', inputNames: ['s', 'v7', 'v8', 'm', 'e', 'sb'], outputNames: ['o'], source: 'o[0] = s_shape[0];' },
      {
        inputs: [f32([]), f32([7]), f32([8]), f32([2, 3]), f32([0]), { dtype: mx.bool_, shape: [] }],
        outputShapes: [[1]],
        outputDtypes: [mx.float32],
      },
    );
    expect(g.source).toBe(
      lines(
        '[[kernel]] void custom_kernel_small(',
        // 0-d: by reference, and no _shape even though the source mentions it.
        '  const constant float& s [[buffer(0)]],',
        '  const constant float* v7 [[buffer(1)]],',
        '  const device float* v8 [[buffer(2)]],',
        '  const constant float* m [[buffer(3)]],',
        '  const constant float* e [[buffer(4)]],',
        '  const constant bool& sb [[buffer(5)]],',
        '  device float* o [[buffer(6)]]) {',
        'o[0] = s_shape[0];',
        '}',
        '',
      ),
    );
  });

  it('declares atomic outputs with atomicOutputs', () => {
    const g = generateMetalKernel(
      {
        name: 'grad',
        inputNames: ['x'],
        outputNames: ['x_grad', 'n'],
        source: 'if (thread_index_in_simdgroup == 0) atomic_fetch_add_explicit(&x_grad[0], x[0], memory_order_relaxed);',
        atomicOutputs: true,
      },
      { inputs: [f32([64])], outputShapes: [[64], [1]], outputDtypes: [mx.float32, mx.int32] },
    );
    expect(g.source).toContain(
      lines(
        '  const device float* x [[buffer(0)]],',
        '  device atomic<float>* x_grad [[buffer(1)]],',
        '  device atomic<int32_t>* n [[buffer(2)]],',
        '  uint thread_index_in_simdgroup [[thread_index_in_simdgroup]]) {',
      ),
    );
  });

  it('renders int, bool and dtype template args as MLX does', () => {
    const g = generateMetalKernel(
      { name: 'targs', inputNames: ['a'], outputNames: ['b'], source: 'b[0] = a[0];' },
      {
        inputs: [f32([16])],
        outputShapes: [[16]],
        outputDtypes: [mx.float32],
        template: [
          ['N', 3],
          ['flag', true],
          ['off', false],
          ['M', -2],
          ['T', mx.bfloat16],
        ],
      },
    );
    const name = 'custom_kernel_targs_3_1_0_-2_bfloat16_t';
    expect(g.name).toBe(name);
    expect(g.source).toBe(
      lines(
        'template <int N, bool flag, bool off, int M, typename T>',
        `[[kernel]] void ${name}(`,
        '  const device float* a [[buffer(0)]],',
        '  device float* b [[buffer(1)]]) {',
        'b[0] = a[0];',
        '}',
        '',
        `template [[host_name("${name}")]] [[kernel]] decltype(${name}<3, 1, 0, -2, bfloat16_t>) ${name}<3, 1, 0, -2, bfloat16_t>;`,
        '',
      ),
    );
  });

  it('places the header before the template line', () => {
    const header = '#include <metal_simdgroup>\ninline float sq(float x) { return x * x; }\n';
    const g = generateMetalKernel(
      { ...myexp, header },
      { inputs: [f16([16])], outputShapes: [[16]], outputDtypes: [mx.float16], template: [['T', mx.float32]] },
    );
    const golden = readFileSync(new URL('./fixtures/fast/myexp_metal.txt', import.meta.url), 'utf8');
    expect(g.source).toBe(header + golden);
  });

  it('uses MLX type names for every dtype', () => {
    const expected: [mx.Dtype, string][] = [
      [mx.bool_, 'bool'],
      [mx.uint8, 'uint8_t'],
      [mx.uint16, 'uint16_t'],
      [mx.uint32, 'uint32_t'],
      [mx.uint64, 'uint64_t'],
      [mx.int8, 'int8_t'],
      [mx.int16, 'int16_t'],
      [mx.int32, 'int32_t'],
      [mx.int64, 'int64_t'],
      [mx.float16, 'float16_t'],
      [mx.bfloat16, 'bfloat16_t'],
      [mx.float32, 'float'],
      [mx.float64, 'double'],
      [mx.complex64, 'complex64_t'],
    ];
    for (const [dtype, t] of expected) {
      const g = generateMetalKernel(
        { name: 'ty', inputNames: ['a'], outputNames: ['b'], source: '' },
        { inputs: [{ dtype, shape: [8] }], outputShapes: [[8]], outputDtypes: [dtype], template: [['T', dtype]] },
      );
      expect(g.name).toBe(`custom_kernel_ty_${t}`);
      expect(g.source).toContain(`  const device ${t}* a [[buffer(0)]],\n  device ${t}* b [[buffer(1)]]) {`);
    }
  });

  it('adds the Metal attributes the source mentions, in MLX order', () => {
    const source =
      'uint a = threads_per_threadgroup.x + thread_position_in_threadgroup.x + simdgroup_index_in_threadgroup' +
      ' + threadgroup_position_in_grid.y + grid_size.z;';
    const g = generateMetalKernel(
      { name: 'attrs', inputNames: [], outputNames: ['o'], source },
      { inputs: [], outputShapes: [[1]], outputDtypes: [mx.uint32] },
    );
    expect(g.source).toBe(
      lines(
        '[[kernel]] void custom_kernel_attrs(',
        '  device uint32_t* o [[buffer(0)]],',
        '  uint3 grid_size [[grid_size]],',
        '  uint simdgroup_index_in_threadgroup [[simdgroup_index_in_threadgroup]],',
        '  uint3 thread_position_in_threadgroup [[thread_position_in_threadgroup]],',
        '  uint3 threadgroup_position_in_grid [[threadgroup_position_in_grid]],',
        '  uint3 threads_per_threadgroup [[threads_per_threadgroup]]) {',
        source,
        '}',
        '',
      ),
    );
  });

  it('renders the template only on a cache miss', () => {
    clearGeneratorCache();
    const call: KernelCall = { inputs: [f16([64])], outputShapes: [[64]], outputDtypes: [mx.float16], template: [['T', mx.float32]] };
    const r0 = generatorCacheStats().renders;
    const a = generateMetalKernel(myexp, call);
    expect(generatorCacheStats().renders).toBe(r0 + 1);
    // Same text-affecting inputs (a different shape of the same class): cached.
    const b = generateMetalKernel({ ...myexp }, { ...call, inputs: [f16([4, 32])], outputShapes: [[4, 32]] });
    expect(b).toBe(a);
    expect(generatorCacheStats().renders).toBe(r0 + 1);
    // A small input moves to constant space: a new text.
    const c = generateMetalKernel(myexp, { ...call, inputs: [f16([4])] });
    expect(c.source).toContain('const constant float16_t* inp');
    expect(generatorCacheStats().renders).toBe(r0 + 2);
    // Different template value, different header, different source: each a miss.
    generateMetalKernel(myexp, { ...call, template: [['T', mx.float16]] });
    generateMetalKernel({ ...myexp, header: '// h\n' }, call);
    generateMetalKernel({ ...myexp, source: myexp.source + ' ' }, call);
    expect(generatorCacheStats().renders).toBe(r0 + 5);
    // CUDA with the same spec is a different entry.
    generateCudaKernel(myexp, call);
    expect(generatorCacheStats().renders).toBe(r0 + 6);
    expect(generatorCacheStats().entries).toBe(6);
  });

  it('formats verbose output as MLX prints it', () => {
    const g = { name: 'custom_kernel_k', source: 'X\n' };
    expect(verboseText('metal', { name: 'k' }, g)).toBe('Generated source code for `k`:\n```\nX\n\n```\n');
    expect(verboseText('cuda', { name: 'k' }, g)).toBe('Generated source code for `custom_kernel_k`:\n```\nX\n\n```\n');
  });
});

describe('generateCudaKernel', () => {
  it('generates MLX cuda_kernel text', () => {
    const source = lines(
      '',
      '    int i = cg::this_grid().thread_rank();',
      '    out[i] = T(inp[elem_to_loc(i, inp_shape.data(), inp_strides.data(), inp_ndim)]) * N + s[0];',
      '',
    );
    const g = generateCudaKernel(
      {
        name: 'myexp',
        inputNames: ['inp', 's'],
        outputNames: ['out', 'cnt'],
        source: source + '// s_shape',
        header: '#define SQ(x) ((x) * (x))\n',
        ensureRowContiguous: false,
      },
      {
        inputs: [f16([4, 16]), f32([])],
        outputShapes: [[4, 16], [1]],
        outputDtypes: [mx.float32, mx.bfloat16],
        template: [
          ['T', mx.float32],
          ['N', 2],
          ['B', false],
          ['C', true],
        ],
      },
    );
    expect(g.name).toBe('custom_kernel_myexp_float_2_f_t');
    expect(g.source).toBe(
      lines(
        '',
        '#include "mlx/backend/cuda/device/utils.cuh"',
        '',
        '#include <cooperative_groups.h>',
        '',
        '#define SQ(x) ((x) * (x))',
        'namespace mlx::core::cu {',
        '',
        'namespace cg = cooperative_groups;',
        '',
        '__global__ void custom_kernel_myexp_float_2_f_t(',
        '    const __half* inp,',
        '    const __grid_constant__ Shape inp_shape,',
        '    const __grid_constant__ Strides inp_strides,',
        '    const __grid_constant__ int inp_ndim,',
        '    const float* s,',
        '    float* out,',
        '    __nv_bfloat16* cnt) {',
        '  using T = float;',
        '  constexpr int N = 2;',
        '  constexpr bool B = false;',
        '  constexpr bool C = true;',
        '',
        source + '// s_shape',
        '}',
        '',
        '} // namespace mlx::core::cu',
        '',
      ),
    );
  });

  it('without template args: no constant lines', () => {
    const g = generateCudaKernel(
      { name: 'k', inputNames: ['a'], outputNames: ['b'], source: '  b[0] = a[0];' },
      { inputs: [{ dtype: mx.complex64, shape: [3] }], outputShapes: [[3]], outputDtypes: [mx.float16] },
    );
    expect(g.name).toBe('custom_kernel_k');
    expect(g.source.endsWith(
      lines(
        '__global__ void custom_kernel_k(',
        '    const mlx::core::cu::complex64_t* a,',
        '    __half* b) {',
        '  b[0] = a[0];',
        '}',
        '',
        '} // namespace mlx::core::cu',
        '',
      ),
    )).toBe(true);
  });
});

describe('validation errors', () => {
  const call: KernelCall = { inputs: [f32([8])], outputShapes: [[8]], outputDtypes: [mx.float32] };
  const spec: KernelSpec = { name: 'k', inputNames: ['a'], outputNames: ['b'], source: '' };

  it('rejects bad specs', () => {
    expect(() => generateMetalKernel({ ...spec, outputNames: [] }, { ...call, outputShapes: [], outputDtypes: [] })).toThrow(
      '[metal_kernel] Must specify at least one output.',
    );
    expect(() => generateCudaKernel({ ...spec, outputNames: [] }, { ...call, outputShapes: [], outputDtypes: [] })).toThrow(
      '[cuda_kernel] Must specify at least one output.',
    );
    expect(() => generateMetalKernel({ ...spec, outputNames: ['a'] }, call)).toThrow(
      '[metal_kernel] Duplicate name "a" in `inputNames`/`outputNames`.',
    );
    expect(() => generateMetalKernel({ ...spec, inputNames: ['a', 'a'] }, { ...call, inputs: [f32([8]), f32([8])] })).toThrow(
      '[metal_kernel] Duplicate name "a"',
    );
    expect(() => generateMetalKernel({ ...spec, inputNames: ['1a'] }, call)).toThrow(
      '[metal_kernel] Invalid name "1a" in `inputNames`',
    );
    expect(() => generateCudaKernel({ ...spec, outputNames: ['b c'] }, call)).toThrow(
      '[cuda_kernel] Invalid name "b c" in `outputNames`',
    );
    expect(() => generateMetalKernel({ ...spec, name: 'my-kernel' }, call)).toThrow(
      '[metal_kernel] Invalid kernel name "my-kernel"',
    );
    expect(() => generateMetalKernel({ ...spec, name: '' }, call)).toThrow('[metal_kernel] Invalid kernel name ""');
    expect(() => generateMetalKernel({ ...spec, source: 3 as unknown as string }, call)).toThrow(
      '[metal_kernel] Expected `source` to be a string but got number 3.',
    );
    expect(() => generateCudaKernel({ ...spec, atomicOutputs: true }, call)).toThrow('[cuda_kernel] `atomicOutputs`');
  });

  it('rejects wrong list lengths', () => {
    expect(() => generateMetalKernel(spec, { ...call, inputs: [] })).toThrow(
      '[metal_kernel] Expected `inputs` to have size 1 but got size 0.',
    );
    expect(() => generateMetalKernel(spec, { ...call, outputShapes: [[8], [8]] })).toThrow(
      '[metal_kernel] Expected `outputShapes` to have size 1 but got size 2.',
    );
    expect(() => generateCudaKernel(spec, { ...call, outputDtypes: [] })).toThrow(
      '[cuda_kernel] Expected `outputDtypes` to have size 1 but got size 0.',
    );
  });

  it('rejects bad inputs, dtypes and shapes', () => {
    expect(() => generateMetalKernel(spec, { ...call, inputs: [{ dtype: 'float32' as unknown as mx.Dtype, shape: [8] }] })).toThrow(
      '[metal_kernel] Expected the dtype of input `a` to be a dtype but got string "float32".',
    );
    expect(() => generateMetalKernel(spec, { ...call, inputs: [f32([2.5])] })).toThrow(
      '[metal_kernel] Expected the shape of input `a` to hold non-negative integers but got number 2.5.',
    );
    expect(() => generateMetalKernel(spec, { ...call, outputDtypes: [null as unknown as mx.Dtype] })).toThrow(
      '[metal_kernel] Expected the dtype of output `b` to be a dtype but got null.',
    );
    expect(() => generateMetalKernel(spec, { ...call, outputShapes: [[-1]] })).toThrow(
      '[metal_kernel] Expected the shape of output `b` to hold non-negative integers but got number -1.',
    );
  });

  it('rejects unknown template value types and bad template names', () => {
    expect(() => generateMetalKernel(spec, { ...call, template: [['T', 'float' as unknown as mx.Dtype]] })).toThrow(
      '[metal_kernel] Invalid template argument "T": expected a dtype, an integer or a boolean but got string "float".',
    );
    expect(() => generateCudaKernel(spec, { ...call, template: [['N', 1.5]] })).toThrow(
      '[cuda_kernel] Invalid template argument "N": expected a dtype, an integer or a boolean but got number 1.5.',
    );
    expect(() => generateMetalKernel(spec, { ...call, template: [['N', 2 ** 31]] })).toThrow(
      '[metal_kernel] Template argument "N" = 2147483648 does not fit in a 32-bit int.',
    );
    expect(() => generateMetalKernel(spec, { ...call, template: [['N', 1], ['N', 2]] })).toThrow(
      '[metal_kernel] Duplicate template parameter "N".',
    );
    expect(() => generateMetalKernel(spec, { ...call, template: [['a', 1]] })).toThrow(
      '[metal_kernel] Template parameter "a" has the same name as a kernel input or output.',
    );
    expect(() => generateMetalKernel(spec, { ...call, template: [['T'] as unknown as [string, number]] })).toThrow(
      '[metal_kernel] Expected each `template` entry to be a [name, value] pair but got array of length 1.',
    );
    expect(() => generateMetalKernel(spec, { ...call, template: [['2T', 1]] })).toThrow(
      '[metal_kernel] Invalid template parameter name "2T"',
    );
  });
});
