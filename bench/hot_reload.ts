// Save-to-swap latency of a watched kernel on the CPU path, as JSON: from
// writing the kernel file to the new code being callable (file event,
// debounce, background compile with the host compiler, swap), over ~10 edits.
//   npx tsx --conditions=source bench/hot_reload.ts
//   BENCH_EDITS=20 BENCH_INSTANTIATIONS=2 npx tsx --conditions=source bench/hot_reload.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as mx from 'mlx-ts';
import type { KernelReloadInfo } from '../sdk/fast/hot_reload.js';

const EDITS = Number(process.env.BENCH_EDITS ?? 10);
/** 1: float32 only; 2: float32 and float16 (rebuilt in parallel). */
const INSTANTIATIONS = Number(process.env.BENCH_INSTANTIATIONS ?? 1);

// A fresh cache: every edit really compiles.
const dir = mkdtempSync(path.join(tmpdir(), 'mlx-ts-bench-hot-'));
process.env.MLX_TS_CACHE_DIR = path.join(dir, 'cache');
const file = path.join(dir, 'scale.metal');
const nonce = `${process.pid}-${Date.now()}`;
const body = (k: number) => `// ${nonce}\nuint elem = thread_position_in_grid.x;\nout[elem] = x[elem] * T(${k});\n`;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
const round = (v: number) => Math.round(v * 10) / 10;

writeFileSync(file, body(1));
const kernel = mx.fast.metalKernel({ name: 'bench_scale', inputNames: ['x'], outputNames: ['out'], sourceFile: file, watch: true });
await kernel.ready();
const inputs = [mx.arange(0, 8, 1, mx.float32), mx.arange(0, 8, 1, mx.float16)].slice(0, INSTANTIATIONS);
const call = (x: mx.MxArray) =>
  kernel({ inputs: [x], template: [['T', x.dtype]], grid: [x.size, 1, 1], threadgroup: [8, 1, 1], outputShapes: [x.shape], outputDtypes: [x.dtype] })[0];
for (const x of inputs) mx.eval(call(x)); // instantiate (first compiles)

const samples: number[] = [];
const compile: number[] = [];
const reported: number[] = [];
for (let i = 0; i < EDITS; i++) {
  const k = i + 2;
  const event = new Promise<KernelReloadInfo>((resolve, reject) => {
    kernel.once('reload', resolve);
    kernel.once('error', reject);
  });
  const t0 = performance.now();
  writeFileSync(file, body(k));
  const info = await event;
  const ms = performance.now() - t0;
  // The swap is visible to the next call.
  const got = (call(inputs[0]).tolist() as number[])[1];
  if (got !== k) throw new Error(`edit ${i}: expected ${k}, got ${got}`);
  samples.push(round(ms));
  compile.push(round(info.compileMs));
  reported.push(round(info.totalMs));
  await new Promise((r) => setTimeout(r, 100)); // let chokidar's 50 ms change throttle pass
}
await kernel.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  JSON.stringify({
    what: 'save-to-swap latency of a watched kernel (CPU, host compiler), ms',
    median_ms: round(median(samples)),
    samples,
    median_compile_ms: round(median(compile)),
    median_reported_total_ms: round(median(reported)),
    instantiations: INSTANTIATIONS,
    debounce_ms: 50,
    compiler: process.env.MLX_TS_CXX ?? 'c++',
  }),
);
