// Where the GPU time of a one-element-per-thread kernel goes (run on a GPU machine):
//   bash test/gpu/run_device.sh copyprobe
import * as mx from '../../sdk/index.ts';
if (!mx.isAvailable(mx.gpu)) {
  console.log('no GPU:', mx.cuda.unavailableReason());
  process.exit(0);
}
const gpu = mx.gpu;
const n = 2 ** 28;
const x = mx.random.uniform(-1, 1, [n], mx.float32, undefined, gpu);
const nArr = mx.array(n, mx.int32);
mx.eval(x);
const k = mx.fast.cudaKernel({ name: 'probe_copy', inputNames: ['inp', 'n'], outputNames: ['out'],
  source: 'size_t i = size_t(blockIdx.x) * blockDim.x + threadIdx.x; if (i < size_t(n[0])) out[i] = inp[i];' });
const call = (nn: mx.MxArray | number, tg = 256) => k({ inputs: [x, nn], grid: [n, 1, 1], threadgroup: [tg, 1, 1], outputShapes: [[n]], outputDtypes: [mx.float32], stream: gpu })[0];
const med = (a: number[]) => a.sort((p, q) => p - q)[a.length >> 1];
function time(label: string, f: () => mx.MxArray[], per = 1) {
  mx.dispose(mx.tidy(() => { const o = f(); mx.eval(o); return o; }));
  const t: number[] = [];
  for (let r = 0; r < 7; r++) { const t0 = performance.now(); const o = mx.tidy(f); mx.eval(o); t.push((performance.now() - t0) / per); mx.dispose(o); }
  console.log(label, med(t).toFixed(3), 'ms', (2 * 4 * n / med(t) / 1e6).toFixed(0), 'GB/s');
}
console.log('memcpy GB/s', mx.cuda.copyBandwidth(4 * n).toFixed(0));
time('kernel, JS scalar n', () => [call(n)]);
time('kernel, array n', () => [call(nArr)]);
time('kernel, tg 1024', () => [call(nArr, 1024)]);
time('10 kernels in one eval', () => Array.from({ length: 10 }, () => call(nArr)), 10);
time('builtin exp', () => [mx.exp(x, gpu)]);
time('builtin copy via add 0', () => [mx.add(x, 0, gpu)]);
console.log('memory', mx.cuda.memoryStats());
