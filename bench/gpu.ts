// GPU benchmarks (NVIDIA), side by side in one run, as JSON.
//   npx tsx --conditions=source bench/gpu.ts        (on a machine with a GPU)
// Times are medians of `mx.eval` wall time (the eval waits for the device).
// GB/s counts bytes read + written. torch figures come from bench/torch_grid_sample.py
// when python3 with torch is present.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as mx from 'mlx-ts';

const here = path.dirname(fileURLToPath(import.meta.url));
if (!mx.isAvailable(mx.gpu)) {
  console.log(JSON.stringify({ skipped: `no GPU: ${mx.cuda.unavailableReason()}` }));
  process.exit(0);
}
if (!process.env.MLX_TS_CACHE_DIR) process.env.MLX_TS_CACHE_DIR = mkdtempSync(path.join(tmpdir(), 'mlx-ts-gpu-bench-'));
const only = process.env.BENCH_ONLY?.split(',');
const want = (k: string) => !only || only.includes(k);
const body = (file: string) => readFileSync(path.join(here, '..', 'kernels', file), 'utf8');
const gpu = mx.gpu;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
// Each repeat builds its graph in mx.tidy and disposes the outputs, so device
// buffers return to the allocator's cache (as a training loop would).
function timeMs(fn: () => mx.MxArray | mx.MxArray[], repeats = 10): number {
  const once = (): number => {
    const t0 = process.hrtime.bigint();
    const out = mx.tidy(fn);
    mx.eval(out);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    mx.dispose(out);
    return ms;
  };
  once();
  const t: number[] = [];
  for (let i = 0; i < repeats; i++) t.push(once());
  return median(t);
}
const r3 = (v: number) => Number(v.toFixed(3));
// Medians of the two host phases of timeMs: building the graph (JS) and mx.eval.
function splitMs(fn: () => mx.MxArray | mx.MxArray[], repeats = 10): { build_ms: number; eval_ms: number } {
  const build: number[] = [];
  const ev: number[] = [];
  for (let i = 0; i <= repeats; i++) {
    const t0 = process.hrtime.bigint();
    const out = mx.tidy(fn);
    const t1 = process.hrtime.bigint();
    mx.eval(out);
    const t2 = process.hrtime.bigint();
    mx.dispose(out);
    if (i === 0) continue;
    build.push(Number(t1 - t0) / 1e6);
    ev.push(Number(t2 - t1) / 1e6);
  }
  return { build_ms: r3(median(build)), eval_ms: r3(median(ev)) };
}
const results: Record<string, unknown> = { device: mx.cuda.deviceInfo() };

// Warm-up: about a second of device and host work before the first figure. On
// an idle machine the first process measured 2-3% slower (GPU and CPU clocks
// ramp up); torch, run later in a child process, would otherwise get a warm machine.
{
  const w = mx.zeros([1 << 26], mx.float32, mx.gpu);
  mx.eval(w);
  const t0 = Date.now();
  while (Date.now() - t0 < 1000) mx.dispose(mx.tidy(() => { const o = mx.exp(w, mx.gpu); mx.eval(o); return o; }));
  w.dispose();
}

// Device time of the kernels `fn` launches (median over repeats), from events.
function kernelMs(fn: () => mx.MxArray | mx.MxArray[], repeats = 10): Record<string, number> {
  const per: Record<string, number[]> = {};
  for (let i = 0; i < repeats; i++) {
    const { launches } = mx.cuda.kernelTiming(() => {
      const out = mx.tidy(fn);
      mx.eval(out);
      mx.dispose(out);
    });
    const sum: Record<string, number> = {};
    for (const l of launches) sum[l.kernel] = (sum[l.kernel] ?? 0) + l.ms;
    for (const [k, v] of Object.entries(sum)) (per[k] ??= []).push(v);
  }
  return Object.fromEntries(Object.entries(per).map(([k, v]) => [k, r3(median(v))]));
}

// ---- exp on 2^28 float32: built-in and custom, against a device copy ------------
if (want('exp')) {
  const n = 2 ** Number(process.env.BENCH_EXP_LOG2 ?? 28);
  const x = mx.random.uniform(-1, 1, [n], mx.float32, undefined, gpu);
  mx.eval(x);
  const copyK = mx.fast.cudaKernel({
    name: 'bench_copy',
    inputNames: ['inp', 'n'],
    outputNames: ['out'],
    source: 'size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x; if (i < size_t(n[0])) out[i] = inp[i];',
  });
  const expK = mx.fast.cudaKernel({ name: 'bench_exp', inputNames: ['inp', 'n'], outputNames: ['out'], source: body('exp.cu') });
  const expVecK = mx.fast.cudaKernel({ name: 'bench_exp_vec4', inputNames: ['inp', 'n'], outputNames: ['out'], source: body('exp_vec4.cu') });
  const call = (k: mx.fast.CustomKernel, threads = n) => () =>
    k({ inputs: [x, n], grid: [threads, 1, 1], threadgroup: [256, 1, 1], outputShapes: [[n]], outputDtypes: [mx.float32], stream: gpu })[0];
  const bytes = 2 * 4 * n;
  const gbs = (ms: number) => r3(bytes / ms / 1e6);
  const memcpyGbs = mx.cuda.copyBandwidth(4 * n);
  const memcpyMs = bytes / memcpyGbs / 1e6;
  const entry = (fn: () => mx.MxArray) => {
    const ms = timeMs(fn, 30); // sub-millisecond: more samples for a stable median
    const kernel = Object.values(kernelMs(fn)).reduce((a, b) => a + b, 0);
    return { ms: r3(ms), gb_s: gbs(ms), fraction_of_copy: r3(memcpyMs / ms), kernel_ms: r3(kernel), kernel_fraction_of_copy: r3(memcpyMs / kernel), host_phases: splitMs(fn, 30) };
  };
  results.exp_2pow28_f32 = {
    device_copy_cuMemcpyDtoD_event_timed: { ms: r3(memcpyMs), gb_s: r3(memcpyGbs) },
    builtin_exp: { ...entry(() => mx.exp(x, gpu)), on_gpu: mx.cuda.gpuOps().includes('Exp') },
    custom_cuda_kernel_float4: entry(call(expVecK, Math.floor(n / 4) + 1)),
    custom_cuda_kernel_one_element_per_thread: entry(call(expK)),
    custom_copy_one_element_per_thread: entry(call(copyK)),
    builtin_copy_add_zero: entry(() => mx.add(x, 0, gpu)),
  };
}

// ---- tiny cached kernel: call + eval overhead ------------------------------------
if (want('tiny')) {
  const tiny = mx.fast.cudaKernel({
    name: 'bench_tiny',
    inputNames: ['a'],
    outputNames: ['out'],
    source: 'int i = threadIdx.x; out[i] = a[i] + 1.0f;',
  });
  const a = mx.ones([4], mx.float32, gpu);
  mx.eval(a);
  const call = (inp = a) => tiny({ inputs: [inp], grid: [4, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[4]], outputDtypes: [mx.float32], stream: gpu })[0];
  for (let i = 0; i < 200; i++) mx.dispose(mx.tidy(() => { const o = call(); mx.eval(o); return o; }));
  // Microseconds per iteration of `body`, median of 15 runs of `inner` iterations.
  const perIter = (body: () => void, inner = 500) => {
    const per: number[] = [];
    for (let r = 0; r < 15; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < inner; i++) body();
      per.push(Number(process.hrtime.bigint() - t0) / 1e3 / inner);
    }
    return r3(median(per));
  };
  const callEval = perIter(() => { const o = call(); mx.eval(o); o.dispose(); });
  // The same with each way of waiting (mx.cuda.SyncMode), for comparison.
  const bySyncMode: Record<string, number> = {};
  const mode0 = mx.cuda.syncMode();
  for (const m of ['auto', 'hostFlag', 'query'] as const) {
    mx.cuda.setSyncMode(m);
    bySyncMode[m] = perIter(() => { const o = call(); mx.eval(o); o.dispose(); });
  }
  mx.cuda.setSyncMode(mode0);
  const callOnly = perIter(() => { call().dispose(); });
  // 100 dependent calls, one eval: the launch cost without a wait per call.
  const chained = perIter(() => {
    let o = a;
    const made: mx.MxArray[] = [];
    for (let i = 0; i < 100; i++) { o = call(o); made.push(o); }
    mx.eval(o);
    for (const m of made) m.dispose();
  }, 5) / 100;
  // The driver's own floor (bare cuLaunchKernel, and launch + the stream sync
  // eval uses) and what mlx-ts adds above it.
  const floor = mx.cuda.launchFloor(3000);
  results.tiny_kernel = {
    call_and_eval_us: callEval,
    sync_mode: mx.cuda.syncMode(),
    call_and_eval_us_by_sync_mode: bySyncMode,
    driver_floor: floor,
    mlx_ts_above_driver_floor_us: r3(callEval - floor.launchSyncUs),
    call_only_graph_build_us: callOnly,
    per_call_in_a_chain_of_100_one_eval_us: r3(chained),
    builtin_add_call_and_eval_us: perIter(() => { const o = mx.add(a, 1, gpu); mx.eval(o); o.dispose(); }),
  };
}

// ---- grid_sample from the Metal source, vs torch -----------------------------------
if (want('grid_sample')) {
  const { gridSampleKernel, gridSampleVjpKernel, gridSample } = await import('../examples/grid_sample/grid_sample.js');
  const [B, H, W, C] = (process.env.BENCH_GS ?? '8,1024,1024,64').split(',').map(Number);
  const [gH, gW] = [256, 256];
  const x = mx.random.normal([B, H, W, C], mx.float32, undefined, undefined, undefined, gpu);
  // Samples stay inside the image: MLX's forward kernel reads the four
  // neighbours before masking them, which faults past the first row of the buffer.
  const grid = mx.random.uniform(-0.9, 0.9, [B, gH, gW, 2], mx.float32, undefined, gpu);
  const cot = mx.random.normal([B, gH, gW, C], mx.float32, undefined, undefined, undefined, gpu);
  mx.eval(x, grid, cot);
  const fwd = timeMs(() => gridSampleKernel(x, grid, gpu));
  const vjp = timeMs(() => gridSampleVjpKernel(x, grid, cot, gpu));
  const gradMs = mx.stream(gpu, () =>
    timeMs(() => mx.grad((a: mx.MxArray, g: mx.MxArray) => mx.sum(mx.multiply(gridSample(a, g) as mx.MxArray, cot)), [0, 1])(x, grid) as mx.MxArray[], 5),
  );
  // The same vjp with simd_sum replaced by a full-warp shuffle sum: shows what
  // Metal's active-lanes semantics (__activemask) costs after divergent code.
  const fullWarp = mx.fast.metalKernel({
    name: 'grid_sample_grad_full_warp',
    inputNames: ['x', 'grid', 'cotangent'],
    outputNames: ['x_grad', 'grid_grad'],
    header: 'template <typename T> T full_warp_sum(T v) { for (int o = 16; o > 0; o /= 2) v += __shfl_xor_sync(0xffffffffu, v, o); return v; }',
    source: body('grid_sample_vjp.metal').replace(/simd_sum\(/g, 'full_warp_sum('),
    atomicOutputs: true,
  });
  const vjpFull = timeMs(() =>
    fullWarp({
      inputs: [x, grid, cot], template: [['T', x.dtype]], outputShapes: [x.shape, grid.shape], outputDtypes: [x.dtype, x.dtype],
      grid: [B * gH * gW * Math.ceil(C / 32) * 32, 1, 1], threadgroup: [256, 1, 1], initValue: 0, stream: gpu,
    }),
  );
  const zeros = timeMs(() => mx.zeros(x.shape, mx.float32, gpu));
  let torch: Record<string, number> | null = null;
  const t = spawnSync('python3', [path.join(here, 'torch_grid_sample.py'), String(B), String(H), String(W), String(C), String(gH), String(gW)], { encoding: 'utf8' });
  if (t.status === 0) torch = JSON.parse(t.stdout.trim().split('\n').pop() ?? 'null');
  results.grid_sample = {
    sizes: { x: [B, H, W, C], grid: [B, gH, gW, 2] },
    forward_metal_kernel_ms: r3(fwd),
    vjp_metal_kernel_ms: r3(vjp),
    forward_device_ms_by_kernel: kernelMs(() => gridSampleKernel(x, grid, gpu)),
    forward_host_phases: splitMs(() => gridSampleKernel(x, grid, gpu)),
    vjp_host_phases: splitMs(() => gridSampleVjpKernel(x, grid, cot, gpu)),
    vjp_device_ms_by_kernel: kernelMs(() => gridSampleVjpKernel(x, grid, cot, gpu)),
    grad_through_custom_function_ms: r3(gradMs),
    vjp_full_warp_sum_variant_ms: r3(vjpFull),
    zeros_like_x_ms: r3(zeros),
    torch: torch ?? { error: t.stderr?.slice(-300) },
    speedup_vs_torch: torch ? { forward: r3(torch.forward_ms / fwd), backward: r3(torch.backward_ms / vjp) } : null,
  };
}

// ---- axpby fused vs composed ---------------------------------------------------------
if (want('axpby')) {
  const N = 4096;
  const x = mx.random.normal([N, N], mx.float32, undefined, undefined, undefined, gpu);
  const y = mx.random.normal([N, N], mx.float32, undefined, undefined, undefined, gpu);
  mx.eval(x, y);
  const k = mx.fast.metalKernel({ name: 'axpby', inputNames: ['x', 'y', 'alpha', 'beta'], outputNames: ['out'], source: body('axpby.metal') });
  const fused = timeMs(() => k({ inputs: [x, y, 4.0, 2.0], grid: [x.size, 1, 1], threadgroup: [256, 1, 1], outputShapes: [x.shape], outputDtypes: [x.dtype], stream: gpu })[0]);
  const composed = timeMs(() => mx.add(mx.multiply(x, 4, gpu), mx.multiply(y, 2, gpu), gpu));
  results.axpby_4096 = { fused_ms: r3(fused), composed_ms: r3(composed), speedup: r3(composed / fused) };
}

// ---- first NVRTC compile and disk-cache hit in a new process -------------------------
if (want('compile')) {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlx-ts-gpu-cache-'));
  const child = path.join(here, 'gpu_compile_child.ts');
  const run = () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', child], {
      encoding: 'utf8',
      env: { ...process.env, MLX_TS_CACHE_DIR: dir },
    });
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
  };
  const first = run();
  const second = run();
  results.nvrtc = { first_process: first, second_process: second };
}

console.log(JSON.stringify(results, null, 2));
