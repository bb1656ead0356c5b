// Host-side cost of a tiny GPU kernel call + eval (the bodies of bench/gpu.ts tiny_kernel).
// Meant for the mock driver (tools/mock-cuda), where kernels do not run, but
// works on a real GPU too. Run with: npx tsx --conditions=source probe_tiny.ts
//   MLX_TS_ROOT=<checkout>  the mlx-ts checkout whose sdk/ (and build/) to use
//                           (default: the one this file is in)
//   DEV=cpu                 run on mx.cpu instead of mx.gpu
//   WHAT=all                print per-iteration µs of each body (JSON, median of 15 rounds)
//   WHAT=loop LOOP=<body> SECONDS=<s>   run one body in a loop (for perf record; with
//                           PERF_CTL_FIFO=<perf's --control fifo> sampling starts after warm-up)
//   WHAT=check              availability, device info and an upload/download round trip
// Bodies: call (kernel call + dispose), callEval (call + eval), add (mx.add + dispose),
//         addEval (mx.add + eval).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.MLX_TS_ROOT ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mx = await import(path.join(root, 'sdk/index.ts'));

const what = process.env.WHAT ?? 'all';
if (what === 'check') {
  const ok = mx.cuda.isAvailable();
  const out: Record<string, unknown> = { root, cudaAvailable: ok, reason: mx.cuda.unavailableReason() };
  if (ok) {
    out.device = mx.cuda.deviceInfo();
    // mx.array takes no device: x lives on the host, so x.toTypedArray() alone moves nothing.
    const x = mx.array([1, 2, 3], mx.float32, mx.gpu);
    out.hostOnly = Array.from(x.toTypedArray() as Float32Array);
    // A Copy on the GPU: upload (HtoD), a device copy (DtoD, no kernel), download (DtoH).
    const y = mx.stream(mx.gpu, () => mx.array(x));
    mx.eval(y);
    out.roundTrip = Array.from(y.toTypedArray() as Float32Array);
    const big = mx.array(Float32Array.from({ length: 1 << 16 }, (_, i) => i));
    const bigBack = mx.stream(mx.gpu, () => mx.array(big));
    mx.eval(bigBack);
    out.roundTrip64K = (bigBack.toTypedArray() as Float32Array).every((v, i) => v === i);
    out.memory = mx.cuda.memoryStats();
  }
  console.log(JSON.stringify(out));
  process.exit(ok ? 0 : 1);
}

const dev = process.env.DEV === 'cpu' ? mx.cpu : mx.gpu;
const tiny = mx.fast.cudaKernel({
  name: 'bench_tiny',
  inputNames: ['a'],
  outputNames: ['out'],
  source: 'int i = threadIdx.x; out[i] = a[i] + 1.0f;',
});
const a = mx.ones([4], mx.float32, dev);
mx.eval(a);
const call = () =>
  tiny({ inputs: [a], grid: [4, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[4]], outputDtypes: [mx.float32], stream: dev })[0];

const bodies: Record<string, () => void> = {
  call: () => { call().dispose(); },
  callEval: () => { const o = call(); mx.eval(o); o.dispose(); },
  add: () => { mx.add(a, 1, dev).dispose(); },
  addEval: () => { const o = mx.add(a, 1, dev); mx.eval(o); o.dispose(); },
};

// Warm-up: compile, caches, JIT.
for (let i = 0; i < 3000; i++) { bodies.callEval(); bodies.addEval(); }

if (what === 'loop') {
  // Under `perf record -D -1 --control=fifo:<ctl>`: start sampling after the warm-up.
  if (process.env.PERF_CTL_FIFO) writeFileSync(process.env.PERF_CTL_FIFO, 'enable\n');
  const body = bodies[process.env.LOOP ?? 'callEval'];
  if (!body) throw new Error(`LOOP must be one of ${Object.keys(bodies).join(', ')}`);
  const ms = Number(process.env.SECONDS ?? 5) * 1000;
  const t0 = Date.now();
  let n = 0;
  while (Date.now() - t0 < ms) { for (let i = 0; i < 1000; i++) body(); n += 1000; }
  console.error(`[probe] ${process.env.LOOP ?? 'callEval'}: ${n} iterations, ${((Date.now() - t0) * 1e3 / n).toFixed(2)} us/iter`);
} else {
  const med = (x: number[]) => x.sort((p, q) => p - q)[x.length >> 1];
  const perIter = (body: () => void, inner = 2000) => {
    const per: number[] = [];
    for (let r = 0; r < 15; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < inner; i++) body();
      per.push(Number(process.hrtime.bigint() - t0) / 1e3 / inner);
    }
    return Number(med(per).toFixed(2));
  };
  const res: Record<string, number> = {};
  for (const [k, body] of Object.entries(bodies)) res[k] = perIter(body);
  console.log(JSON.stringify({ device: dev === mx.gpu ? 'gpu' : 'cpu', usPerIter: res }));
}
process.exit(0); // (MOCK_CUDA_STATS prints at exit())
