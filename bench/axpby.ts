// The C++ extension's axpby (examples/axpby: the Axpby primitive, its CPU
// kernel and its CUDA kernel) against simple_axpby (alpha * x + beta * y from
// built-in ops: two multiplies and an add), as in MLX's extension guide:
// 4096x4096 float32, alpha 4, beta 2, each call evaluated. On mx.cpu always and
// on mx.gpu when CUDA is present, side by side, as JSON.
//   npm run bench:axpby                        (builds the example first)
//   BENCH_N=1024 BENCH_REPEATS=50 npx tsx --conditions=source bench/axpby.ts
// Figures are medians of per-call ms (call + eval); mean_ms is the guide's
// figure (total time of the timed loop / repeats); speedup = simple / custom.
import * as mx from 'mlx-ts';

const N = Number(process.env.BENCH_N ?? 4096);
const REPEATS = process.env.BENCH_REPEATS ? Number(process.env.BENCH_REPEATS) : undefined;
const ALPHA = 4.0;
const BETA = 2.0;

let ext: typeof import('../examples/axpby/index.js');
try {
  ext = await import('../examples/axpby/index.js');
} catch (e) {
  const why = e instanceof Error ? e.message : String(e);
  process.stderr.write(
    `bench/axpby: cannot load the axpby extension (${why}).\n` +
      'Build it with `node examples/axpby/scripts/build.mjs` (same MLX_TS_BUILD_DIR as mlx-ts); ' +
      'examples/axpby/node_modules/mlx-ts must link to this checkout (npm install there, or ln -s ../../.. it).\n',
  );
  process.exit(1);
}

const simpleAxpby = (x: mx.MxArray, y: mx.MxArray, alpha: number, beta: number, s: mx.Device): mx.MxArray =>
  mx.add(mx.multiply(alpha, x, s), mx.multiply(beta, y, s), s);

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
const round = (v: number, d = 3) => Number(v.toFixed(d));

/** The guide's loop: 5 warm-up calls, then `repeats` timed calls, each evaluated.
 * Calls run in mx.tidy: simple_axpby's two intermediate products are released
 * at once, as MLX's reference counting does (otherwise they wait for V8's GC
 * and every call gets fresh, page-faulting memory). */
function bench(f: () => mx.MxArray, repeats: number): { median_ms: number; mean_ms: number } {
  for (let i = 0; i < 5; i++) {
    const z = mx.tidy(f);
    mx.eval(z);
    z.dispose();
  }
  const times: number[] = [];
  const start = process.hrtime.bigint();
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    const z = mx.tidy(f);
    mx.eval(z);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    z.dispose();
  }
  const total = Number(process.hrtime.bigint() - start) / 1e6;
  return { median_ms: round(median(times)), mean_ms: round(total / repeats) };
}

function run(device: mx.Device, repeats: number): Record<string, unknown> {
  const [k1, k2] = [mx.random.key(1), mx.random.key(2)];
  const x = mx.random.normal([N, N], mx.float32, 0, 1, k1, device);
  const y = mx.random.normal([N, N], mx.float32, 0, 1, k2, device);
  mx.eval(x, y);
  // Same result both ways (the kernels round each product, then the sum).
  const check = mx.allclose(ext.axpby(x, y, ALPHA, BETA, device), simpleAxpby(x, y, ALPHA, BETA, device), 1e-5, 1e-5, false, mx.cpu);
  const simple = bench(() => simpleAxpby(x, y, ALPHA, BETA, device), repeats);
  const custom = bench(() => ext.axpby(x, y, ALPHA, BETA, device), repeats);
  const out: Record<string, unknown> = {
    device: device.type,
    repeats,
    simple_ms: simple.median_ms,
    custom_ms: custom.median_ms,
    speedup: round(simple.median_ms / custom.median_ms, 2),
    simple_mean_ms: simple.mean_ms,
    custom_mean_ms: custom.mean_ms,
    results_match: check.item() as boolean,
  };
  x.dispose();
  y.dispose();
  return out;
}

const info = ext.cudaInfo();
const results: Record<string, unknown>[] = [run(mx.cpu, REPEATS ?? 20)];
if (mx.isAvailable(mx.gpu)) {
  const gpu = run(mx.gpu, REPEATS ?? 100);
  gpu.gpu = info.device;
  gpu.kernel = ext.cudaDiagnostics.kernelOrigin('axpby_contiguous_float32');
  gpu.image = info.image;
  results.push(gpu);
}

console.log(
  JSON.stringify(
    {
      bench: 'axpby',
      shape: `${N}x${N}`,
      dtype: 'float32',
      alpha: ALPHA,
      beta: BETA,
      gpu_available: mx.isAvailable(mx.gpu),
      gpu_reason: info.available ? undefined : info.reason,
      seed: { simple_ms: 1.559, custom_ms: 0.774, speedup: 2.01, where: "MLX's guide (Metal, Apple GPU)" },
      results,
    },
    null,
    2,
  ),
);
