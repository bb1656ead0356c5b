// MLX's quick start, in TypeScript: make arrays, run ops lazily, evaluate, print.
//   npm start
import * as mx from 'mlx-ts';

const a = mx.array([1, 2, 3, 4]);
console.log('a.shape =', a.shape, ' a.dtype =', String(a.dtype));

// JS cannot tell 1.0 from 1: ask for float32 explicitly (MLX would infer it).
const b = mx.array([1.0, 2.0, 3.0, 4.0], mx.float32);
console.log('b.dtype =', String(b.dtype));

// Operations are lazy: `c` is a graph node until it is evaluated.
let c = mx.add(a, b);
mx.eval(c);
console.log('a + b =', String(c));

// Printing (or item/tolist) evaluates too.
c = mx.multiply(a, b);
console.log('a * b =', c);

// JS numbers are weak scalars: they take the array's dtype.
const h = mx.array([0.5, 1.5], mx.float16);
console.log('float16 * 2.5 =', mx.multiply(h, 2.5));

// Broadcasting, reductions, matmul.
const m = mx.arange(6).reshape([2, 3]);
console.log('m =', m);
console.log('m + [10, 20, 30] =', mx.add(m, mx.array([10, 20, 30])));
console.log('sum over axis 0 =', mx.sum(m, 0));
console.log('m @ m.T =', mx.matmul(m.astype(mx.float32), m.T.astype(mx.float32)));

// Slicing returns views: every other column, reversed rows.
console.log('m[::-1, ::2] =', m.index(mx.Slice(null, null, -1), mx.Slice(null, null, 2)));

// Elementwise math and random numbers (threefry, reproducible from a key).
const x = mx.random.uniform(0, 1, [2, 3], mx.float32, mx.random.key(0));
console.log('uniform =', x);
console.log('exp(x) =', mx.exp(x));

// Function transformations: gradients compose.
const x0 = mx.array(0.5, mx.float32);
console.log('sin(0.5) =', mx.sin(x0).item());
console.log("sin'(0.5) =", (mx.grad(mx.sin)(x0) as mx.MxArray).item(), ' cos(0.5) =', Math.cos(0.5));
console.log("sin''(0.5) =", (mx.grad(mx.grad(mx.sin) as typeof mx.sin)(x0) as mx.MxArray).item());
console.log('per-row sums via vmap =', mx.vmap((r: mx.MxArray) => mx.sum(r))(m));

// Release native memory deterministically.
const kept = mx.tidy(() => {
  const tmp = mx.ones([1024, 1024]);
  return mx.sum(mx.multiply(tmp, 2));
});
console.log('tidy result =', kept.item(), ' active bytes =', mx.getActiveMemory());
