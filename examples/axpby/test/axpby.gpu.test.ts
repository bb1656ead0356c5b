// axpby on mx.gpu (the CUDA kernels of axpby/axpby.cu through the extension
// GPU API), compared with the CPU kernel and with an independent model of the
// arithmetic: values, dtypes, broadcasting, strided inputs, transforms. Runs
// where CUDA is available; elsewhere, the API's errors without a GPU.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';

import { axpby, axpbyKeepDtype, cudaDiagnostics, cudaInfo } from '../index.js';
import { axpbyModel, exactValues, roundBf16, roundHalf, values } from './helpers.js';

const HAS_GPU = mx.isAvailable(mx.gpu);
const GPU = mx.gpu;
const CPU = mx.cpu;
const axpbySource = readFileSync(new URL('../axpby/axpby.cu', import.meta.url), 'utf8');

const simpleAxpby = (x: mx.MxArray, y: mx.MxArray, alpha: number, beta: number, s?: mx.StreamOrDevice): mx.MxArray =>
  mx.add(mx.multiply(alpha, x, s), mx.multiply(beta, y, s), s);

/** The same elements (bit for bit, up to the sign of zero). */
function expectSame(gpu: mx.MxArray, cpu: mx.MxArray): void {
  expect(gpu.shape).toEqual(cpu.shape);
  expect(gpu.dtype).toBe(cpu.dtype);
  expect(values(gpu)).toEqual(values(cpu));
}

function expectClose(a: mx.MxArray, b: mx.MxArray, rtol = 1e-6): void {
  expect(a.shape).toEqual(b.shape);
  const av = values(a);
  const bv = values(b);
  for (let i = 0; i < av.length; i++) expect(Math.abs(av[i] - bv[i])).toBeLessThanOrEqual(1e-6 + rtol * Math.abs(bv[i]));
}

describe.skipIf(!HAS_GPU)('axpby on mx.gpu (CUDA)', () => {
  it('loads its kernels from the nvcc fatbin when there is one, else NVRTC', () => {
    const info = cudaInfo();
    expect(info.available).toBe(true);
    expect(info.source).toBe(true);
    const origin = cudaDiagnostics.kernelOrigin('axpby_contiguous_float32');
    if (info.image !== null && (info.computeCapability ?? 0) >= 90) expect(origin).toBe('image');
    else expect(origin).toBe('nvrtc');
    expect(cudaDiagnostics.kernelOrigin('axpby_general_bfloat16')).toBe(origin);
  });

  it('computes the guide example on the GPU', () => {
    const c = axpby(mx.ones([3, 4]), mx.ones([3, 4]), 4.0, 2.0, GPU);
    expect(c.shape).toEqual([3, 4]);
    expect(c.dtype).toBe(mx.float32);
    expect(mx.all(mx.equal(c, 6.0, CPU), undefined, undefined, CPU).item()).toBe(true);
  });

  it('float32: the same bits as the CPU kernel and the rounding model (contiguous kernel)', () => {
    const xs = exactValues(10_007, mx.float32, 11);
    const ys = exactValues(10_007, mx.float32, 12);
    const x = mx.array(xs, mx.float32);
    const y = mx.array(ys, mx.float32);
    const g = axpby(x, y, 0.1, -2.7, GPU);
    expect(values(g)).toEqual(xs.map((v, i) => axpbyModel(v, ys[i], 0.1, -2.7, Math.fround)));
    expectSame(g, axpby(x, y, 0.1, -2.7, CPU));
    expectClose(g, simpleAxpby(x, y, 0.1, -2.7, CPU));
  });

  it('float16, bfloat16 (axpbyKeepDtype): every operation rounded, as on the CPU', () => {
    for (const [dtype, round] of [
      [mx.float16, roundHalf],
      [mx.bfloat16, roundBf16],
    ] as const) {
      const xs = exactValues(4099, dtype, 21);
      const ys = exactValues(4099, dtype, 22);
      const x = mx.array(xs, dtype);
      const y = mx.array(ys, dtype);
      const g = axpbyKeepDtype(x, y, 0.1, 3, GPU);
      expect(g.dtype).toBe(dtype);
      expect(values(g)).toEqual(xs.map((v, i) => axpbyModel(v, ys[i], 0.1, 3, round)));
      expectSame(g, axpbyKeepDtype(x, y, 0.1, 3, CPU));
      // Strided (general kernel): the reversed second half.
      const xr = x.index(mx.Slice(null, null, -2));
      const yr = y.index(mx.Slice(null, null, 2));
      expect(xr.shape).toEqual([2050]);
      expectSame(axpbyKeepDtype(xr, yr, -1.25, 0.5, GPU), axpbyKeepDtype(xr, yr, -1.25, 0.5, CPU));
    }
  });

  it('complex64 on the GPU', () => {
    const x = mx.array([{ re: 1, im: 2 }, { re: -1, im: 0.5 }, { re: 0, im: -3 }]);
    const y = mx.array([{ re: 0.25, im: -4 }, { re: 3, im: 0 }, { re: 1, im: 1 }]);
    const z = axpby(x, y, 2, -1, GPU);
    expect(z.dtype).toBe(mx.complex64);
    expect(z.tolist()).toEqual([
      { re: 1.75, im: 8 },
      { re: -5, im: 1 },
      { re: -1, im: -7 },
    ]);
    // Strided and broadcast: the general kernel.
    const t = mx.transpose(mx.reshape(mx.concatenate([x, y, x, y]), [3, 4]));
    const one = mx.array([{ re: 1, im: -1 }]);
    expect(axpby(t, one, 0.5, 2, GPU).tolist()).toEqual(axpby(t, one, 0.5, 2, CPU).tolist());
  });

  it('promotes dtypes as the guide does, on the GPU stream', () => {
    const f16 = mx.array([1, 2, 3], mx.float16);
    const i32 = mx.array([1, 2, 3], mx.int32);
    expect(axpby(f16, f16, 2, 3, GPU).dtype).toBe(mx.float32);
    expect(axpby(i32, i32, 2, 3, GPU).tolist()).toEqual([5, 10, 15]);
    expect(axpby(f16, i32, 0.5, 1, GPU).tolist()).toEqual([1.5, 3, 4.5]);
    expect(axpby(mx.array([1, 2], mx.bfloat16), mx.array([3, 4], mx.bfloat16), 1, -1, GPU).dtype).toBe(mx.float32);
  });

  it('rejects float64 with the CPU kernel\'s message', () => {
    const d = mx.array([1, 2], mx.float64);
    expect(() => axpby(d, d, 1, 1, GPU).tolist()).toThrow(/Axpby is only supported for floating point types/);
    // The stream still works afterwards.
    expect(axpby(mx.array([1], mx.float32), mx.array([2], mx.float32), 1, 1, GPU).tolist()).toEqual([3]);
  });

  it('broadcasts rows, columns and scalars (general kernel)', () => {
    const x = mx.reshape(mx.arange(6, mx.float32), [2, 3]);
    const y = mx.array([10, 20, 30], mx.float32);
    expect(axpby(x, y, 2, 1, GPU).tolist()).toEqual([[10, 22, 34], [16, 28, 40]]);
    const col = mx.array([[1], [2]], mx.float32);
    expect(axpby(col, y, 1, 1, GPU).tolist()).toEqual([[11, 21, 31], [12, 22, 32]]);
    expect(axpby(mx.array(2, mx.float32), y, 3, 1, GPU).tolist()).toEqual([16, 26, 36]);
    const a = mx.random.normal([7, 1, 5, 1]);
    const b = mx.random.normal([1, 6, 1, 9]);
    expectSame(axpby(a, b, -0.5, 1.5, GPU), axpby(a, b, -0.5, 1.5, CPU));
    expect(() => axpby(mx.ones([2, 3]), mx.ones([4]), 1, 1, GPU)).toThrow(/broadcast/i);
  });

  it('reads strided inputs: transposed, sliced with steps, reversed, many dimensions', () => {
    const x = mx.random.normal([33, 65]);
    const y = mx.random.normal([65, 33]);
    expectSame(axpby(mx.transpose(x), y, 1.5, 2.5, GPU), axpby(mx.transpose(x), y, 1.5, 2.5, CPU));
    const xs = x.index(mx.Slice(1, null, 2), mx.Slice(null, null, -3));
    const ys = y.index(mx.Slice(null, 16), mx.Slice(10, 32));
    expect(xs.shape).toEqual([16, 22]);
    expectSame(axpby(xs, ys, 0.25, -1, GPU), axpby(xs, ys, 0.25, -1, CPU));
    // Six dimensions that no merging reduces (a permutation of a 6-d array).
    const six = mx.random.normal([2, 3, 2, 3, 2, 3]);
    const p = mx.transpose(six, [5, 3, 1, 4, 2, 0]);
    const q = mx.random.normal(p.shape);
    expectSame(axpby(p, q, 3, -2, GPU), axpby(p, q, 3, -2, CPU));
    expectClose(axpby(p, q, 3, -2, GPU), simpleAxpby(p, q, 3, -2, CPU));
  });

  it('handles empty, 0-d and large arrays (grid-stride loops)', () => {
    const e = axpby(mx.zeros([0, 3]), mx.zeros([0, 3]), 1, 1, GPU);
    expect(e.shape).toEqual([0, 3]);
    expect(e.tolist()).toEqual([]);
    expect(axpby(mx.array(2, mx.float32), mx.array(3, mx.float32), 2, 2, GPU).item()).toBe(10);
    const n = 4096;
    const x = mx.random.normal([n, n]);
    const y = mx.random.normal([n, n]);
    // Compared on the CPU by arrayEqual (16M elements are slow to compare in JS).
    const same = (a: mx.MxArray, b: mx.MxArray) => mx.arrayEqual(a, b, false, CPU).item();
    const g = axpby(x, y, 4, 2, GPU);
    expect(g.shape).toEqual([n, n]);
    expect(same(g, axpby(x, y, 4, 2, CPU))).toBe(true);
    expect(same(axpby(mx.transpose(x), y, 4, 2, GPU), axpby(mx.transpose(x), y, 4, 2, CPU))).toBe(true);
    // An element checked by hand.
    const [x0, y0] = [x.index(7, 9).item() as number, y.index(7, 9).item() as number];
    expect(g.index(7, 9).item()).toBe(axpbyModel(x0, y0, 4, 2, Math.fround));
  });

  it('chains with built-in GPU ops (values against the CPU)', () => {
    const x = mx.random.normal([128, 64], mx.float32, undefined, undefined, undefined, GPU);
    const y = mx.exp(x, GPU);
    const z = mx.sum(axpby(axpby(x, y, 2, -1, GPU), x, 0.5, 0.5, GPU), 1, false, GPU);
    const xc = mx.reshape(mx.array(x.toTypedArray() as Float32Array, mx.float32), [128, 64]);
    const zc = mx.sum(simpleAxpby(simpleAxpby(xc, mx.exp(xc, CPU), 2, -1, CPU), xc, 0.5, 0.5, CPU), 1, false, CPU);
    expectClose(z, zc, 1e-4);
  });

  it('grad, vjp, jvp and vmap through the GPU stream match the composed ops', () => {
    const x = mx.random.normal([4, 3]);
    const y = mx.random.normal([4, 3]);
    const loss = (f: (a: mx.MxArray, b: mx.MxArray) => mx.MxArray) => (a: mx.MxArray, b: mx.MxArray) =>
      mx.sum(mx.multiply(f(a, b), a, GPU), undefined, undefined, GPU);
    const ext = (a: mx.MxArray, b: mx.MxArray) => axpby(a, b, 3, -2, GPU);
    const ref = (a: mx.MxArray, b: mx.MxArray) => simpleAxpby(a, b, 3, -2, GPU);
    const [gx, gy] = mx.grad(loss(ext), [0, 1])(x, y) as mx.MxArray[];
    const [ex, ey] = mx.grad(loss(ref), [0, 1])(x, y) as mx.MxArray[];
    expectClose(gx, ex, 1e-5);
    expectClose(gy, ey, 1e-5);

    const ct = mx.random.normal([4, 3]);
    const [outs, vjps] = mx.vjp(ext, [x, y], [ct]);
    const [eouts, evjps] = mx.vjp(ref, [x, y], [ct]);
    expectClose(outs[0], eouts[0]);
    expectClose(vjps[0], evjps[0]);
    expectClose(vjps[1], evjps[1]);

    const [, j] = mx.jvp(ext, [x, y], [ct, x]);
    const [, e] = mx.jvp(ref, [x, y], [ct, x]);
    expectClose(j[0], e[0]);

    const yt = mx.random.normal([3, 4]);
    expectClose(mx.vmap(ext, [0, 1])(x, yt) as mx.MxArray, mx.vmap(ref, [0, 1])(x, yt) as mx.MxArray);
  });

  it('API: images, NVRTC and their errors', () => {
    // PTX text for a kernel that does nothing; the driver compiles it for this GPU.
    const ptx = '.version 7.0\n.target sm_50\n.address_size 64\n.visible .entry noop()\n{\n  ret;\n}\n';
    expect(cudaDiagnostics.loadImage(new TextEncoder().encode(ptx), 'noop')).toBe('image');
    expect(() => cudaDiagnostics.loadImage(new TextEncoder().encode(ptx), 'missing')).toThrow(
      /^\[Axpby\] Kernel 'missing' is not in its CUDA image \(declare it extern "C" to keep its name\): CUDA_ERROR_NOT_FOUND/,
    );
    expect(() => cudaDiagnostics.loadImage(new Uint8Array([1, 2, 3, 4]), 'k')).toThrow(
      /^\[Axpby\] Cannot load the CUDA image of kernel 'k' \(4 bytes\): CUDA_ERROR_/,
    );
    expect(() => cudaDiagnostics.kernelOrigin('axpby_nothing_float32')).toThrow(/\[Axpby\].*axpby_nothing_float32/);
    if (cudaInfo().nvrtc) {
      // axpby.cu itself compiles with NVRTC (no toolkit headers needed).
      expect(cudaDiagnostics.compile(axpbySource, 'axpby_general_float16')).toBe('nvrtc');
      expect(() => cudaDiagnostics.compile('extern "C" __global__ void broken() { int x = ; }', 'broken')).toThrow(
        /^\[Axpby\] Failed to compile CUDA kernel 'broken' with NVRTC:\n.*error/,
      );
    } else {
      expect(() => cudaDiagnostics.compile(axpbySource, 'axpby_general_float16')).toThrow(/^\[Axpby\] Cannot compile CUDA kernel/);
    }
  });
});

describe.skipIf(HAS_GPU)('axpby without a GPU', () => {
  it('reports why CUDA is unavailable and what the build holds', () => {
    const info = cudaInfo();
    expect(info.available).toBe(false);
    expect(info.reason.length).toBeGreaterThan(0);
    expect(info.nvrtc).toBe(false);
    expect(info.source).toBe(true);
    if (info.image !== null) {
      expect(info.image).toMatch(/^nvcc fatbin: sm_90, compute_90 PTX$/);
      expect(info.imageBytes).toBeGreaterThan(1000);
    } else {
      expect(info.imageBytes).toBe(0);
    }
  });

  it('mx.gpu is refused before any kernel runs', () => {
    expect(() => axpby(mx.ones([2]), mx.ones([2]), 1, 1, GPU).tolist()).toThrow(/Cannot use the gpu device/);
  });

  it('the GPU API throws clear errors', () => {
    const reason = cudaInfo().reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(() => cudaDiagnostics.kernelOrigin('axpby_contiguous_float32')).toThrow(
      new RegExp(`^\\[Axpby\\] CUDA is not available: ${reason}$`),
    );
    expect(() => cudaDiagnostics.loadImage(new Uint8Array([1, 2, 3]), 'k')).toThrow(/^\[Axpby\] CUDA is not available: /);
    expect(() => cudaDiagnostics.loadImage(new Uint8Array(0), 'k')).toThrow(
      /^\[Axpby\] load_kernel: the CUDA image of kernel 'k' is empty\.$/,
    );
    expect(() => cudaDiagnostics.loadImage(new Uint8Array([1]), '')).toThrow(/^\[Axpby\] load_kernel: empty kernel name\.$/);
    expect(() => cudaDiagnostics.compile('', 'k')).toThrow(/^\[Axpby\] compile_kernel: the CUDA source of kernel 'k' is empty\.$/);
    expect(() => cudaDiagnostics.compile(axpbySource, 'axpby_general_float32')).toThrow(
      /^\[Axpby\] Cannot compile CUDA kernel 'axpby_general_float32': CUDA is not available: /,
    );
    expect(() => cudaDiagnostics.loadImage('abc' as unknown as Uint8Array, 'k')).toThrow(/^\[Axpby\] Expected a Uint8Array as argument 1\.$/);
    expect(() => cudaDiagnostics.kernelOrigin(3 as unknown as string)).toThrow(/^\[Axpby\] Expected a string as argument 1\.$/);
  });
});
