// Benchmarks of the foundation ops against numpy, in one run, as JSON.
//   npm run bench            (N=4096, 15 repeats)
//   BENCH_N=1024 BENCH_REPEATS=5 npm run bench
// Each figure is the median wall time of `mx.eval(op(...))` in ms; `ratio` is
// mlx-ts time / numpy time (below 1 means faster than numpy).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as mx from 'mlx-ts';

const N = Number(process.env.BENCH_N ?? 4096);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 15);
const here = path.dirname(fileURLToPath(import.meta.url));

// Each op runs inside mx.tidy, the idiom for hot loops: temporaries (4*x,
// 2*y) are released when the graph is built, so their buffers are donated or
// reused instead of waiting for GC.
function medianMs(fn: () => mx.MxArray): number {
  mx.eval(mx.tidy(fn)); // warm up: caches, thread pool
  const times: number[] = [];
  for (let i = 0; i < REPEATS; ++i) {
    const t0 = process.hrtime.bigint();
    const out = mx.tidy(fn);
    mx.eval(out);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    out.dispose();
  }
  times.sort((p, q) => p - q);
  return times[Math.floor(times.length / 2)];
}

function numpyTimes(): Record<string, number> | null {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', [path.join(here, 'numpy_ref.py'), String(N), String(REPEATS)], {
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) return null;
  try {
    return JSON.parse(r.stdout) as Record<string, number>;
  } catch {
    return null;
  }
}

const [k1, k2, k3, k4] = [0, 1, 2, 3].map((i) => mx.random.key(i));
const x = mx.random.normal([N, N], mx.float32, 0, 1, k1);
const y = mx.random.normal([N, N], mx.float32, 0, 1, k2);
const a = mx.random.normal([1024, 1024], mx.float32, 0, 1, k3);
const b = mx.random.normal([1024, 1024], mx.float32, 0, 1, k4);
mx.eval(x, y, a, b);

const ours: Record<string, number> = {
  exp: medianMs(() => mx.exp(x)),
  add: medianMs(() => mx.add(x, y)),
  axpby: medianMs(() => mx.add(mx.multiply(4, x), mx.multiply(2, y))),
  sum: medianMs(() => mx.sum(x)),
  sum_axis0: medianMs(() => mx.sum(x, 0)),
  matmul1024: medianMs(() => mx.matmul(a, b)),
};
const ref = numpyTimes();
const results = Object.entries(ours).map(([name, ms]) => ({
  name,
  mlx_ts_ms: Number(ms.toFixed(3)),
  numpy_ms: ref ? Number(ref[name].toFixed(3)) : null,
  ratio: ref ? Number((ms / ref[name]).toFixed(3)) : null,
}));
console.log(
  JSON.stringify(
    { shape: [N, N], matmul: [1024, 1024], repeats: REPEATS, statistic: 'median', results },
    null,
    2,
  ),
);
