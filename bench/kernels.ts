// Custom kernels on the CPU engine, side by side with built-in ops, as JSON.
//   npm run bench:kernels                     (N=4096, 15 repeats)
//   BENCH_N=1024 BENCH_REPEATS=5 npm run bench:kernels
// Figures are medians in ms (overheads in µs); `ratio` is custom / built-in
// (below 1: the custom kernel is faster).
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as mx from 'mlx-ts';
import { gridSample, gridSampleKernel, gridSampleRef, gridSampleVjpKernel } from '../examples/grid_sample/grid_sample.js';

const N = Number(process.env.BENCH_N ?? 4096);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 15);
const body = (file: string) => readFileSync(new URL(`../kernels/${file}`, import.meta.url), 'utf8');

// A fresh cache: the first call below really compiles.
process.env.MLX_TS_CACHE_DIR = mkdtempSync(path.join(tmpdir(), 'mlx-ts-bench-'));

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function medianMs(fn: () => mx.MxArray | mx.MxArray[], repeats = REPEATS): number {
  mx.eval(mx.tidy(fn));
  const times: number[] = [];
  for (let i = 0; i < repeats; ++i) {
    const t0 = process.hrtime.bigint();
    const out = mx.tidy(fn);
    mx.eval(out);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    for (const o of Array.isArray(out) ? out : [out]) o.dispose();
  }
  return median(times);
}

/** Per-call µs of call + eval, timed over batches (median of batch means). */
function overheadUs(fn: () => mx.MxArray): number {
  for (let i = 0; i < 200; i++) mx.eval(fn());
  const per: number[] = [];
  for (let r = 0; r < 15; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 200; i++) {
      const out = fn();
      mx.eval(out);
      out.dispose();
    }
    per.push(Number(process.hrtime.bigint() - t0) / 1e3 / 200);
  }
  return median(per);
}

const round = (v: number, d = 3) => Number(v.toFixed(d));
const results: Record<string, unknown> = { n: N, repeats: REPEATS };

// ---- first compile and cached call overhead ---------------------------------
const tiny = mx.fast.metalKernel({
  name: 'tiny_add',
  inputNames: ['a', 'b'],
  outputNames: ['out'],
  source: `uint i = thread_position_in_grid.x; out[i] = a[i] + b[i] + ${process.pid % 1000};`,
});
const ta = mx.ones([4]);
const tb = mx.ones([4]);
const tinyCall = () => tiny({ inputs: [ta, tb], grid: [4, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[4]], outputDtypes: [mx.float32] })[0];
const t0 = process.hrtime.bigint();
mx.eval(tinyCall());
results.first_compile_ms = round(Number(process.hrtime.bigint() - t0) / 1e6, 1);
results.compiler_ms = round(mx.fast.kernelCacheStats().lastCompileMs, 1);
const tinyUs = overheadUs(tinyCall);
const addUs = overheadUs(() => mx.add(ta, tb));
results.tiny_kernel_call_eval_us = { custom: round(tinyUs, 2), builtin_add: round(addUs, 2), ratio: round(tinyUs / addUs, 2) };

// ---- fused axpby vs composed ops ---------------------------------------------
const [k1, k2] = [mx.random.key(1), mx.random.key(2)];
const x = mx.random.normal([N, N], mx.float32, 0, 1, k1);
const y = mx.random.normal([N, N], mx.float32, 0, 1, k2);
mx.eval(x, y);
const axpby = mx.fast.metalKernel({ name: 'axpby', inputNames: ['x', 'y', 'alpha', 'beta'], outputNames: ['out'], source: body('axpby.metal') });
const fused = medianMs(() =>
  axpby({ inputs: [x, y, 4.0, 2.0], grid: [x.size, 1, 1], threadgroup: [256, 1, 1], outputShapes: [x.shape], outputDtypes: [x.dtype] })[0],
);
const composed = medianMs(() => mx.add(mx.multiply(x, 4), mx.multiply(y, 2)));
results.axpby = { fused_kernel_ms: round(fused), composed_ops_ms: round(composed), speedup: round(composed / fused, 2) };

// ---- custom exp vs mx.exp ----------------------------------------------------
const expK = mx.fast.metalKernel({ name: 'myexp', inputNames: ['inp'], outputNames: ['out'], source: body('exp.metal') });
const customExp = medianMs(() =>
  expK({ inputs: [x], template: [['T', mx.float32]], grid: [x.size, 1, 1], threadgroup: [256, 1, 1], outputShapes: [x.shape], outputDtypes: [x.dtype] })[0],
);
const builtinExp = medianMs(() => mx.exp(x));
results.exp = { custom_kernel_ms: round(customExp), builtin_ms: round(builtinExp), ratio: round(customExp / builtinExp, 2) };

// ---- grid_sample forward and vjp (CPU-sized: the seed's sizes are for a GPU) --
const [B, H, W, C] = [2, 256, 256, 32];
const [gH, gW] = [64, 64];
const gx = mx.random.normal([B, H, W, C]);
const gg = mx.random.uniform(-0.9, 0.9, [B, gH, gW, 2]);
const cot = mx.random.normal([B, gH, gW, C]);
mx.eval(gx, gg, cot);
const fwdK = medianMs(() => gridSampleKernel(gx, gg), 7);
const fwdR = medianMs(() => gridSampleRef(gx, gg), 7);
const vjpK = medianMs(() => gridSampleVjpKernel(gx, gg, cot), 7);
const vjpR = medianMs(() => mx.vjp((a: mx.MxArray, g: mx.MxArray) => gridSampleRef(a, g), [gx, gg], [cot])[1], 7);
const gradK = medianMs(() => mx.grad((a: mx.MxArray, g: mx.MxArray) => mx.sum(mx.multiply(gridSample(a, g) as mx.MxArray, cot)), [0, 1])(gx, gg) as mx.MxArray[], 7);
results.grid_sample = {
  sizes: { x: [B, H, W, C], grid: [B, gH, gW, 2] },
  forward: { custom_kernel_ms: round(fwdK), composed_ops_ms: round(fwdR), speedup: round(fwdR / fwdK, 2) },
  vjp: { custom_kernel_ms: round(vjpK), composed_ops_ms: round(vjpR), speedup: round(vjpR / vjpK, 2) },
  grad_through_custom_function_ms: round(gradK),
};

console.log(JSON.stringify(results, null, 2));
