// Where host time goes around GPU work (run on a GPU machine with MLX_TS_GPU_TRACE=1):
//   bash test/gpu/run_device.sh trace
// Prints, per case, JS-side phase times (graph build, eval, dispose), the
// kernels' device time, and the runtime's trace lines of the last repeat.
import * as mx from '../../sdk/index.ts';

if (!mx.isAvailable(mx.gpu)) {
  console.log('no GPU:', mx.cuda.unavailableReason());
  process.exit(0);
}
const gpu = mx.gpu;
const us = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e3;
function phases(label: string, fn: () => mx.MxArray | mx.MxArray[], repeats = 4) {
  for (let r = 0; r < repeats; r++) {
    if (r === repeats - 1) console.error(`--- ${label}: last repeat`);
    const t0 = process.hrtime.bigint();
    const out = mx.tidy(fn);
    const build = us(t0);
    const t1 = process.hrtime.bigint();
    mx.eval(out);
    const ev = us(t1);
    const t2 = process.hrtime.bigint();
    mx.dispose(out);
    const disp = us(t2);
    if (r === repeats - 1) {
      const { launches } = mx.cuda.kernelTiming(() => mx.dispose(mx.tidy(() => { const o = fn(); mx.eval(o); return o; })));
      const dev = launches.reduce((a, l) => a + l.ms, 0);
      console.error(`${label}: build ${build.toFixed(1)} us, eval ${ev.toFixed(1)} us, dispose ${disp.toFixed(1)} us, device ${(dev * 1e3).toFixed(1)} us, memory ${JSON.stringify(mx.cuda.memoryStats())}`);
    }
  }
}
const n = 2 ** 28;
const x = mx.random.uniform(-1, 1, [n], mx.float32, undefined, gpu);
mx.eval(x);
const copyK = mx.fast.cudaKernel({ name: 'probe_copy', inputNames: ['inp', 'n'], outputNames: ['out'],
  source: 'size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x; if (i < size_t(n[0])) out[i] = inp[i];' });
phases('custom copy 1 GiB', () => copyK({ inputs: [x, n], grid: [n, 1, 1], threadgroup: [256, 1, 1], outputShapes: [[n]], outputDtypes: [mx.float32], stream: gpu })[0]);
phases('builtin exp 1 GiB', () => mx.exp(x, gpu));
phases('zeros 1 GiB', () => mx.zeros([n], mx.float32, gpu));
const a = mx.ones([4], mx.float32, gpu);
mx.eval(a);
phases('builtin add tiny, JS scalar', () => mx.add(a, 1, gpu), 20);
const one = mx.array(1, mx.float32);
phases('builtin add tiny, host 0-d array', () => mx.add(a, one, gpu), 20);
const tiny = mx.fast.cudaKernel({ name: 'probe_tiny', inputNames: ['a'], outputNames: ['out'], source: 'int i = threadIdx.x; out[i] = a[i] + 1.0f;' });
phases('custom tiny', () => tiny({ inputs: [a], grid: [4, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[4]], outputDtypes: [mx.float32], stream: gpu })[0], 20);
