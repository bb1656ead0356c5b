// The transform machinery: grad/valueAndGrad/vjp/jvp/vmap semantics, trees,
// argnums, customFunction (MLX's documented example), checkpoint, compile.
import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';

const f32 = (v: number[] | number) => mx.array(v, mx.float32);
const close = (a: mx.MxArray, expected: number[] | number, tol = 1e-5) => {
  const got = a.tolist() as number[] | number;
  const g = Array.isArray(got) ? got : [got];
  const e = Array.isArray(expected) ? expected : [expected];
  expect(g.length).toBe(e.length);
  g.forEach((v, i) => expect(Math.abs(v - e[i])).toBeLessThan(tol * Math.max(1, Math.abs(e[i]))));
};

describe('grad and valueAndGrad', () => {
  it('differentiates a scalar function', () => {
    const x = f32([1, 2, 3]);
    const g = mx.grad((x: mx.MxArray) => mx.sum(mx.multiply(x, x)))(x) as mx.MxArray;
    close(g, [2, 4, 6]);
  });

  it('returns the value and gradients for several argnums, mirroring trees', () => {
    const fn = (p: { w: mx.MxArray; b: mx.MxArray }, x: mx.MxArray) =>
      mx.sum(mx.add(mx.multiply(p.w, x), p.b));
    const p = { w: f32([1, 2]), b: f32([0.5, 0.5]) };
    const x = f32([3, 4]);
    const [value, grads] = mx.valueAndGrad(fn, [0, 1])(p, x) as [mx.MxArray, [{ w: mx.MxArray; b: mx.MxArray }, mx.MxArray]];
    close(value, 12);
    close(grads[0].w, [3, 4]);
    close(grads[0].b, [1, 1]);
    close(grads[1], [1, 2]);
  });

  it('takes the gradient of the first output when fn returns [loss, aux]', () => {
    const [[loss, aux], g] = mx.valueAndGrad((x: mx.MxArray) => [mx.sum(mx.square(x)), mx.multiply(x, 10)])(f32([1, -1])) as [
      mx.MxArray[],
      mx.MxArray,
    ];
    close(loss, 2);
    close(aux, [10, -10]);
    close(g, [2, -2]);
  });

  it('stopGradient blocks the gradient', () => {
    const g = mx.grad((x: mx.MxArray) => mx.sum(mx.multiply(x, mx.stopGradient(x))))(f32([3])) as mx.MxArray;
    close(g, [3]);
  });

  it('reports bad usage with clear errors', () => {
    expect(() => mx.grad((x: mx.MxArray) => x)(f32([1, 2]))).toThrow(
      /\[value_and_grad\] The function must return a scalar array as its first output, got shape \(2,\)/,
    );
    expect(() => mx.grad((x: mx.MxArray) => mx.sum(x), 3)(f32([1]))).toThrow(
      /\[value_and_grad\] Can't compute the gradient of argument index 3/,
    );
    expect(() => mx.grad('f' as unknown as () => mx.MxArray)).toThrow(/\[grad\] Expected a function, got string f/);
    expect(() => mx.grad(((_x: mx.MxArray) => 3) as unknown as (x: mx.MxArray) => mx.MxArray)(f32([1]))).toThrow(/\[value_and_grad\] The function must return an array/);
    // An exception thrown by the function propagates unchanged.
    expect(() =>
      mx.grad((_x: mx.MxArray) => {
        throw new Error('inside');
      })(f32([1])),
    ).toThrow('inside');
  });

  it('nests: second derivative of x^3 is 6x', () => {
    const d2 = mx.grad(mx.grad((x: mx.MxArray) => mx.sum(mx.multiply(mx.multiply(x, x), x))) as (x: mx.MxArray) => mx.MxArray);
    close(d2(f32([2])) as mx.MxArray, [12]);
  });
});

describe('vjp and jvp', () => {
  it('computes products for a two-input function', () => {
    const fn = (x: mx.MxArray, y: mx.MxArray) => mx.multiply(x, y);
    const [outs, vjps] = mx.vjp(fn, [f32([2, 3]), f32([5, 7])], [f32([1, 10])]);
    close(outs[0], [10, 21]);
    close(vjps[0], [5, 70]);
    close(vjps[1], [2, 30]);
    const [, jvps] = mx.jvp(fn, [f32([2, 3]), f32([5, 7])], [f32([1, 0]), f32([0, 1])]);
    close(jvps[0], [5, 3]);
  });
  it('checks cotangent and tangent shapes', () => {
    expect(() => mx.vjp((x) => x, [f32([1, 2])], [f32([1])])).toThrow(
      /\[vjp\] Output shape \(2,\) does not match cotangent shape \(1,\)/,
    );
    expect(() => mx.jvp((x) => x, [f32([1, 2])], [])).toThrow(/\[jvp\] Number of inputs \(1\) does not match number of tangents \(0\)/);
  });
});

describe('vmap', () => {
  it('maps over axis 0 and other axes, with unmapped arguments', () => {
    const m = mx.array([[1, 2], [3, 4]], mx.float32);
    close(mx.vmap((x: mx.MxArray) => mx.sum(x))(m) as mx.MxArray, [3, 7]);
    close(mx.vmap((x: mx.MxArray) => mx.sum(x), 1)(m) as mx.MxArray, [4, 6]);
    const out = mx.vmap((x: mx.MxArray, y: mx.MxArray) => mx.add(x, y), [0, null])(m, f32([10, 20])) as mx.MxArray;
    expect(out.tolist()).toEqual([[11, 22], [13, 24]]);
  });
  it('nests and composes with grad', () => {
    const m = mx.array([[1, 2], [3, 4]], mx.float32);
    const inner = mx.vmap((x: mx.MxArray) => mx.multiply(x, 2));
    expect((mx.vmap(inner as (x: mx.MxArray) => mx.MxArray)(m) as mx.MxArray).tolist()).toEqual([[2, 4], [6, 8]]);
    const perRowGrad = mx.vmap(mx.grad((x: mx.MxArray) => mx.sum(mx.square(x))) as (x: mx.MxArray) => mx.MxArray);
    expect((perRowGrad(m) as mx.MxArray).tolist()).toEqual([[2, 4], [6, 8]]);
  });
  it('errors on inconsistent sizes and missing mapped inputs', () => {
    expect(() => mx.vmap((x: mx.MxArray, y: mx.MxArray) => mx.add(x, y))(f32([1, 2]), f32([1, 2, 3]))).toThrow(
      /\[vmap\] Inconsistent axis sizes: 3 and 2/,
    );
    expect(() => mx.vmap((x: mx.MxArray) => x, null)(f32([1]))).toThrow(/\[vmap\] At least one of in_axes must be non-None/);
    expect(() => mx.vmap((x: mx.MxArray) => (x.item(), x))(f32([1, 2]))).toThrow(
      /\[eval\] Attempting to eval an array during function transformations like compile or vmap is not allowed/,
    );
  });
});

describe('customFunction (MLX documentation example)', () => {
  const f = mx
    .customFunction((x: mx.MxArray, y: mx.MxArray) => mx.multiply(mx.sin(x), y))
    .vjp((primals, cotangent) => {
      const [x, y] = primals;
      const c = cotangent as mx.MxArray;
      return [mx.multiply(mx.multiply(c, mx.cos(x)), y), mx.multiply(c, mx.sin(x))];
    })
    .jvp((primals, tangents) => {
      const [x, y] = primals;
      const [dx, dy] = tangents;
      return mx.add(mx.multiply(mx.multiply(dx, mx.cos(x)), y), mx.multiply(dy, mx.sin(x)));
    })
    .vmap((inputs, axes) => {
      const [x, y0] = inputs;
      const [ax, ay] = axes;
      const y = ay !== ax && ax !== null && ay !== null ? y0.swapaxes(ay, ax) : y0;
      return [mx.multiply(mx.sin(x), y), ax ?? ay];
    });

  it('computes the forward value', () => {
    close(f(f32([0.5]), f32([2])), [2 * Math.sin(0.5)]);
  });
  it('uses the custom vjp, jvp and vmap', () => {
    const [gx, gy] = mx.grad((x: mx.MxArray, y: mx.MxArray) => mx.sum(f(x, y)), [0, 1])(f32([0.5]), f32([2])) as mx.MxArray[];
    close(gx, [2 * Math.cos(0.5)]);
    close(gy, [Math.sin(0.5)]);
    const [, jv] = mx.jvp(f, [f32([0.5]), f32([2])], [f32([1]), f32([0])]);
    close(jv[0], [2 * Math.cos(0.5)]);
    const v = mx.vmap(f as (x: mx.MxArray, y: mx.MxArray) => mx.MxArray)(f32([0.5, 1]), f32([2, 3])) as mx.MxArray;
    close(v, [2 * Math.sin(0.5), 3 * Math.sin(1)]);
  });
  it('a custom rule replaces autodiff: the rule is what runs', () => {
    const g = mx.customFunction((x: mx.MxArray) => mx.multiply(x, 2)).vjp((_p, c) => [mx.multiply(c as mx.MxArray, 100)]);
    close(mx.grad((x: mx.MxArray) => mx.sum(g(x)))(f32([1, 2])) as mx.MxArray, [100, 100]);
  });
  it('captured arrays are constants: no gradient, and the rule is not needed for them', () => {
    const gfun = (x: mx.MxArray, y: mx.MxArray) => {
      const inner = mx.customFunction((x: mx.MxArray) => mx.multiply(x, y)).vjp(() => {
        throw new Error('Abort!');
      });
      return mx.sum(inner(x));
    };
    const x = f32(2);
    const y = f32(3);
    close(gfun(x, y), 6);
    expect(() => mx.grad(gfun)(x, y)).toThrow('Abort!');
    close(mx.grad(gfun, 1)(x, y) as mx.MxArray, 0);
  });
});

describe('checkpoint', () => {
  it('gives the same values and gradients', () => {
    const fn = (x: mx.MxArray) => mx.sin(mx.multiply(x, x));
    const ck = mx.checkpoint(fn);
    const x = f32([0.3, 0.7]);
    close(ck(x) as mx.MxArray, (fn(x).tolist() as number[]));
    const g1 = mx.grad((x: mx.MxArray) => mx.sum(fn(x)))(x) as mx.MxArray;
    const g2 = mx.grad((x: mx.MxArray) => mx.sum(ck(x) as mx.MxArray))(x) as mx.MxArray;
    close(g2, g1.tolist() as number[]);
  });
});

describe('compile', () => {
  it('traces once per signature and replays with the same values', () => {
    let traces = 0;
    const fn = (a: mx.MxArray, b: mx.MxArray) => {
      traces++;
      return mx.add(mx.multiply(a, b), mx.exp(a));
    };
    const cfn = mx.compile(fn);
    const a = f32([0, 1, 2]);
    for (let i = 0; i < 5; ++i) {
      const b = f32([i, i + 1, i + 2]);
      close(cfn(a, b), fn(a, b).tolist() as number[]);
    }
    // fn itself ran 5 times for the reference values above, traced once.
    expect(traces).toBe(5 + 1);
    cfn(f32([1, 2]), f32([3, 4])); // new shape: a new trace
    expect(traces).toBe(7);
    cfn(mx.array([1, 2], mx.float64), mx.array([3, 4], mx.float64)); // new dtype
    expect(traces).toBe(8);
  });
  it('shapeless compile reuses one trace for new shapes', () => {
    let traces = 0;
    const cfn = mx.compile((x: mx.MxArray) => {
      traces++;
      return mx.multiply(mx.exp(x), 2);
    }, { shapeless: true });
    close(cfn(f32([0, 1])), [2, 2 * Math.E]);
    close(cfn(f32([0, 1, 2])), [2, 2 * Math.E, 2 * Math.exp(2)]);
    expect(traces).toBe(1);
  });
  it('composes with vmap in both orders', () => {
    const fn = (x: mx.MxArray) => mx.sum(mx.multiply(x, x));
    const m = mx.array([[1, 2], [3, 4]], mx.float32);
    close(mx.vmap(mx.compile(fn))(m) as mx.MxArray, [5, 25]);
    close(mx.compile(mx.vmap(fn) as (x: mx.MxArray) => mx.MxArray)(m), [5, 25]);
  });
  it('composes with grad in both orders, and can be disabled', () => {
    const fn = (x: mx.MxArray) => mx.sum(mx.multiply(mx.sin(x), x));
    const x = f32([0.2, 0.9]);
    const expected = (mx.grad(fn)(x) as mx.MxArray).tolist() as number[];
    close(mx.grad(mx.compile(fn))(x) as mx.MxArray, expected);
    close(mx.compile(mx.grad(fn) as (x: mx.MxArray) => mx.MxArray)(x), expected);
    let calls = 0;
    const c = mx.compile((x: mx.MxArray) => (calls++, mx.add(x, 1)));
    mx.disableCompile();
    try {
      c(x);
      c(x);
    } finally {
      mx.enableCompile();
    }
    expect(calls).toBe(2);
  });
});

describe('linear regression (MLX example) converges with SGD', () => {
  it('reaches loss < 1e-3 and |w - w*| < 0.02 in 2000 steps', () => {
    const numFeatures = 100;
    const numExamples = 1000;
    const keys = [0, 1, 2, 3].map((i) => mx.random.key(i));
    const wStar = mx.random.normal([numFeatures], mx.float32, 0, 1, keys[0]);
    const X = mx.random.normal([numExamples, numFeatures], mx.float32, 0, 1, keys[1]);
    const eps = mx.multiply(1e-2, mx.random.normal([numExamples], mx.float32, 0, 1, keys[2]));
    const y = mx.add(mx.matmul(X, wStar), eps);
    const lossFn = (w: mx.MxArray) => mx.multiply(0.5, mx.mean(mx.square(mx.subtract(mx.matmul(X, w), y))));
    const gradFn = mx.grad(lossFn) as (w: mx.MxArray) => mx.MxArray;
    let w = mx.multiply(1e-2, mx.random.normal([numFeatures], mx.float32, 0, 1, keys[3]));
    for (let i = 0; i < 2000; ++i) {
      w = mx.tidy(() => {
        const next = mx.subtract(w, mx.multiply(0.01, gradFn(w)));
        mx.eval(next);
        return next;
      });
    }
    const loss = lossFn(w).item() as number;
    const err = Math.sqrt(mx.sum(mx.square(mx.subtract(w, wStar))).item() as number);
    expect(loss).toBeLessThan(1e-3);
    expect(err).toBeLessThan(0.02);
  });
});
