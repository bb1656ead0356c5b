// Child of bench/gpu.ts: one kernel's first GPU call, with the NVRTC cache counters.
import * as mx from 'mlx-ts';

const k = mx.fast.metalKernel({
  name: 'compile_probe',
  inputNames: ['x'],
  outputNames: ['out'],
  source: 'uint i = thread_position_in_grid.x; out[i] = metal::exp(x[i]) * 2.0f;',
});
const x = mx.ones([1024], mx.float32, mx.gpu);
mx.eval(x);
const t0 = performance.now();
const [out] = k({ inputs: [x], grid: [1024, 1, 1], threadgroup: [256, 1, 1], outputShapes: [[1024]], outputDtypes: [mx.float32], stream: mx.gpu });
mx.eval(out);
const ms = performance.now() - t0;
const s = mx.cuda.kernelCacheStats();
console.log(JSON.stringify({ first_call_ms: Number(ms.toFixed(2)), nvrtc_compile_ms: Number(s.lastCompileMs.toFixed(2)), compiles: s.compiles, disk_hits: s.diskHits, ok: Math.abs((out.tolist() as number[])[0] - 2 * Math.E) < 1e-4 }));
