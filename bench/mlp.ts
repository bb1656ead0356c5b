// Gradient of a 3-layer MLP training step, plain vs compiled, as JSON.
//   npm run bench:mlp      (BENCH_REPEATS, BENCH_BATCH, BENCH_WIDTH to change sizes)
// Each figure is the median wall time of one step: value_and_grad of the loss
// plus the SGD update, evaluated. ratio = compiled / plain.
import * as mx from 'mlx-ts';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 30);
const BATCH = Number(process.env.BENCH_BATCH ?? 256);
const WIDTH = Number(process.env.BENCH_WIDTH ?? 512);
const IN = 784;
const OUT = 10;

type Params = { w1: mx.MxArray; b1: mx.MxArray; w2: mx.MxArray; b2: mx.MxArray; w3: mx.MxArray; b3: mx.MxArray };

const keys = Array.from({ length: 5 }, (_, i) => mx.random.key(i));
const init = (k: mx.MxArray, rows: number, cols: number) =>
  mx.multiply(mx.random.normal([rows, cols], mx.float32, 0, 1, k), Math.sqrt(2 / rows));
let params: Params = {
  w1: init(keys[0], IN, WIDTH), b1: mx.zeros([WIDTH]),
  w2: init(keys[1], WIDTH, WIDTH), b2: mx.zeros([WIDTH]),
  w3: init(keys[2], WIDTH, OUT), b3: mx.zeros([OUT]),
};
const x = mx.random.normal([BATCH, IN], mx.float32, 0, 1, keys[3]);
const y = mx.random.normal([BATCH, OUT], mx.float32, 0, 1, keys[4]);
mx.eval(params, x, y);

function loss(p: Params, xb: mx.MxArray, yb: mx.MxArray): mx.MxArray {
  const h1 = mx.maximum(mx.add(mx.matmul(xb, p.w1), p.b1), 0);
  const h2 = mx.maximum(mx.add(mx.matmul(h1, p.w2), p.b2), 0);
  const out = mx.add(mx.matmul(h2, p.w3), p.b3);
  return mx.mean(mx.square(mx.subtract(out, yb)));
}

function step(p: Params, xb: mx.MxArray, yb: mx.MxArray): [mx.MxArray, Params] {
  const [l, g] = mx.valueAndGrad(loss)(p, xb, yb) as [mx.MxArray, Params];
  const next = {} as Params;
  for (const k of Object.keys(p) as (keyof Params)[]) next[k] = mx.subtract(p[k], mx.multiply(g[k], 0.01));
  return [l, next];
}

function medianMs(stepFn: typeof step): number {
  const times: number[] = [];
  for (let i = 0; i < REPEATS + 3; ++i) {
    const t0 = process.hrtime.bigint();
    const [l, next] = mx.tidy(() => stepFn(params, x, y));
    mx.eval(l, next);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (i >= 3) times.push(ms); // first calls trace and warm up
    mx.dispose(params, l);
    params = next;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const plain = medianMs(step);
const compiled = medianMs(mx.compile(step) as typeof step);
console.log(
  JSON.stringify(
    {
      model: `MLP ${IN}-${WIDTH}-${WIDTH}-${OUT}, batch ${BATCH}, float32, SGD step`,
      repeats: REPEATS,
      statistic: 'median',
      plain_ms: Number(plain.toFixed(3)),
      compiled_ms: Number(compiled.toFixed(3)),
      ratio_compiled_over_plain: Number((compiled / plain).toFixed(3)),
    },
    null,
    2,
  ),
);
