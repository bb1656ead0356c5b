import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as mx from 'mlx-ts';

// numpy-made expectations (test/fixtures/linalg/make_fixtures.py).
interface Enc { shape: number[]; data?: number[]; re?: number[]; im?: number[] }
interface MatmulCase { name: string; a: Enc; b: Enc; out: Enc }
interface AddmmCase extends MatmulCase { c: Enc; alpha: number; beta: number }
const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/linalg/matmul.json', import.meta.url), 'utf8'),
) as { matmul: MatmulCase[]; complex: MatmulCase[]; addmm: AddmmCase[] };

/** An array of `shape` from row-major values. */
function fromFlat(data: number[], shape: number[], dtype: mx.Dtype = mx.float32): mx.MxArray {
  return mx.asStrided(mx.array(data, dtype), shape);
}

function decode(e: Enc, dtype: mx.Dtype): mx.MxArray {
  if (e.re) {
    const vals = e.re.map((re, i) => ({ re, im: e.im![i] }));
    return mx.asStrided(mx.array(vals, mx.complex64), e.shape);
  }
  return fromFlat(e.data!, e.shape, dtype);
}

/** Row-major values of an array as float64 numbers (complex: re, im pairs). */
function flat(x: mx.MxArray): number[] {
  return Array.from(x.toTypedArray() as Float32Array, Number);
}

function expectClose(actual: number[], expected: number[], rtol: number, atol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; ++i) {
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}

/** Independent reference: naive float64 matrix product of row-major M x K and K x N. */
function naive(a: number[], b: number[], M: number, K: number, N: number): number[] {
  const out = new Array<number>(M * N).fill(0);
  for (let i = 0; i < M; ++i) {
    for (let k = 0; k < K; ++k) {
      const av = a[i * K + k];
      for (let j = 0; j < N; ++j) out[i * N + j] += av * b[k * N + j];
    }
  }
  return out;
}

/** Deterministic small integers (exact in float32 products up to large K). */
function ints(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 24) % 9 - 4;
  });
}

const realTypes: [mx.Dtype, number][] = [
  [mx.float32, 1e-6],
  [mx.float64, 1e-12],
  [mx.float16, 2e-3],
  [mx.bfloat16, 1e-2],
];

describe('matmul: shapes and values vs numpy', () => {
  for (const [dtype, rtol] of realTypes) {
    it(`every shape rule in ${dtype.name}`, () => {
      for (const c of fixtures.matmul) {
        const a = decode(c.a, dtype);
        const b = decode(c.b, dtype);
        const out = mx.matmul(a, b);
        expect(out.shape, c.name).toEqual(c.out.shape);
        expect(out.dtype, c.name).toBe(dtype);
        expectClose(flat(out), c.out.data!, rtol, rtol);
      }
    });
  }

  it('complex64', () => {
    for (const c of fixtures.complex) {
      const out = mx.matmul(decode(c.a, mx.complex64), decode(c.b, mx.complex64));
      expect(out.shape, c.name).toEqual(c.out.shape);
      expect(out.dtype).toBe(mx.complex64);
      const expected: number[] = [];
      c.out.re!.forEach((re, i) => expected.push(re, c.out.im![i]));
      expectClose(flat(out), expected, 1e-6, 1e-6);
    }
  });

  it('the array method is the same op', () => {
    const a = fromFlat([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = fromFlat([1, 0, 0, 1, 1, 1], [3, 2]);
    expect(a.matmul(b).tolist()).toEqual([[4, 5], [10, 11]]);
    expect(mx.matmul(a, b).tolist()).toEqual([[4, 5], [10, 11]]);
  });

  it('1-D @ 1-D is a 0-d dot product', () => {
    const out = mx.matmul(mx.array([1, 2, 3], mx.float32), mx.array([4, 5, 6], mx.float32));
    expect(out.shape).toEqual([]);
    expect(out.item()).toBe(32);
  });
});

describe('matmul: dtype promotion', () => {
  const a = fromFlat([1, 2, 3, 4], [2, 2]);
  it('promotes mixed inputs like MLX', () => {
    expect(mx.matmul(a.astype(mx.float16), a).dtype).toBe(mx.float32);
    expect(mx.matmul(a.astype(mx.bfloat16), a.astype(mx.float16)).dtype).toBe(mx.float32);
    expect(mx.matmul(a.astype(mx.float64), a).dtype).toBe(mx.float64);
    expect(mx.matmul(a.astype(mx.int32), a).dtype).toBe(mx.float32);
    expect(mx.matmul(a.astype(mx.bool_), a.astype(mx.float16)).dtype).toBe(mx.float16);
    expect(mx.matmul(a.astype(mx.complex64), a).dtype).toBe(mx.complex64);
    expect(mx.matmul(a.astype(mx.int32), a).tolist()).toEqual([[7, 10], [15, 22]]);
  });
  it('rounds half-precision results once (accumulates in float32)', () => {
    // 2049 is not a float16: 1 + 2048 * (1 * 1) rounds to 2048 only at the end.
    const ones = mx.full([1, 2049], 1, mx.float16);
    const col = mx.full([2049, 1], 1, mx.float16);
    expect(mx.matmul(ones, col).item()).toBe(2048);
    // bfloat16 sums of 0.01 (each rounded to bfloat16) accumulate in float32.
    const r = mx.matmul(mx.full([1, 100], 0.01, mx.bfloat16), mx.full([100, 1], 1, mx.bfloat16));
    expect(Math.abs((r.item() as number) - 1.0)).toBeLessThan(0.01);
  });
});

describe('matmul: non-contiguous inputs', () => {
  const M = 5, K = 7, N = 4;
  const av = ints(M * K, 1), bv = ints(K * N, 2);
  const expected = naive(av, bv, M, K, N);
  const transposeView = (vals: number[], rows: number, cols: number, dtype: mx.Dtype): mx.MxArray => {
    // Stored as cols x rows (the transpose), viewed as rows x cols.
    const t: number[] = [];
    for (let j = 0; j < cols; ++j) for (let i = 0; i < rows; ++i) t.push(vals[i * cols + j]);
    return mx.asStrided(mx.array(t, dtype), [rows, cols], [1, rows]);
  };

  for (const [dtype] of realTypes) {
    it(`transposed views (${dtype.name})`, () => {
      const a = transposeView(av, M, K, dtype);
      const b = transposeView(bv, K, N, dtype);
      expect(flat(a)).toEqual(av);
      expectClose(flat(mx.matmul(a, b)), expected, 0, 0);
      expectClose(flat(mx.matmul(a, fromFlat(bv, [K, N], dtype))), expected, 0, 0);
      expectClose(flat(mx.matmul(fromFlat(av, [M, K], dtype), b)), expected, 0, 0);
    });
  }

  it('transposed views (complex64)', () => {
    const ai = ints(M * K, 30), bi = ints(K * N, 31);
    const cplx = (re: number[], im: number[], rows: number, cols: number): mx.MxArray => {
      // Stored transposed (cols x rows), viewed rows x cols.
      const t: { re: number; im: number }[] = [];
      for (let j = 0; j < cols; ++j) for (let i = 0; i < rows; ++i) t.push({ re: re[i * cols + j], im: im[i * cols + j] });
      return mx.asStrided(mx.array(t, mx.complex64), [rows, cols], [1, rows]);
    };
    const rr = naive(av, bv, M, K, N), ii = naive(ai, bi, M, K, N);
    const ri = naive(av, bi, M, K, N), ir = naive(ai, bv, M, K, N);
    const expectedC: number[] = [];
    for (let i = 0; i < M * N; ++i) expectedC.push(rr[i] - ii[i], ri[i] + ir[i]);
    expectClose(flat(mx.matmul(cplx(av, ai, M, K), cplx(bv, bi, K, N))), expectedC, 0, 0);
  });

  it('row-strided blocks (a leading dimension larger than the width) and offsets', () => {
    // a is the [1:6, 2:9] block of a 7 x 10 matrix.
    const big = ints(70, 3);
    const a = mx.asStrided(mx.array(big, mx.float32), [M, K], [10, 1], 12);
    const aVals: number[] = [];
    for (let i = 0; i < M; ++i) for (let k = 0; k < K; ++k) aVals.push(big[(i + 1) * 10 + k + 2]);
    expect(flat(a)).toEqual(aVals);
    expectClose(flat(mx.matmul(a, fromFlat(bv, [K, N]))), naive(aVals, bv, M, K, N), 0, 0);
  });

  it('layouts GEMM cannot take are copied first: every other column, reversed rows, stride-0 rows', () => {
    const big = ints(2 * M * K, 4);
    const everyOther = mx.asStrided(mx.array(big, mx.float32), [M, K], [2 * K, 2]);
    expect(flat(everyOther).length).toBe(M * K);
    expectClose(flat(mx.matmul(everyOther, fromFlat(bv, [K, N]))), naive(flat(everyOther), bv, M, K, N), 0, 0);

    const reversed = mx.asStrided(mx.array(av, mx.float32), [M, K], [-K, 1], (M - 1) * K);
    expectClose(flat(mx.matmul(reversed, fromFlat(bv, [K, N]))), naive(flat(reversed), bv, M, K, N), 0, 0);

    const repeatedRow = mx.asStrided(mx.array(av.slice(0, K), mx.float32), [M, K], [0, 1]);
    expectClose(flat(mx.matmul(repeatedRow, fromFlat(bv, [K, N]))), naive(flat(repeatedRow), bv, M, K, N), 0, 0);
  });

  it('strided and broadcast vectors', () => {
    const x = mx.asStrided(mx.array(ints(2 * K, 5), mx.float32), [K], [2]);
    const xv = flat(x);
    expectClose(flat(mx.matmul(x, fromFlat(bv, [K, N]))), naive(xv, bv, 1, K, N), 0, 0);
    const y = mx.asStrided(mx.array([3], mx.float32), [K], [0]);
    expectClose(flat(mx.matmul(fromFlat(av, [M, K]), y)), naive(av, new Array(K).fill(3), M, K, 1), 0, 0);
  });

  it('batch broadcast through stride 0 (no copy) and transposed batches', () => {
    // b is one K x N matrix broadcast over a batch of 3 with a zero stride.
    const b = mx.asStrided(mx.array(bv, mx.float32), [3, K, N], [0, N, 1]);
    const a3 = ints(3 * M * K, 6);
    const out = mx.matmul(fromFlat(a3, [3, M, K]), b);
    expect(out.shape).toEqual([3, M, N]);
    const exp3: number[] = [];
    for (let i = 0; i < 3; ++i) exp3.push(...naive(a3.slice(i * M * K, (i + 1) * M * K), bv, M, K, N));
    expectClose(flat(out), exp3, 0, 0);

    // A batch of transposed matrices: stored (3, K, M), viewed (3, M, K).
    const t3: number[] = [];
    for (let i = 0; i < 3; ++i) {
      for (let k = 0; k < K; ++k) for (let m = 0; m < M; ++m) t3.push(a3[i * M * K + m * K + k]);
    }
    const aT = mx.asStrided(mx.array(t3, mx.float32), [3, M, K], [M * K, 1, M]);
    expectClose(flat(mx.matmul(aT, b)), exp3, 0, 0);
    // Batch dimension of the first input broadcast instead.
    const aB = mx.asStrided(mx.array(av, mx.float32), [2, M, K], [0, K, 1]);
    const bs = ints(2 * K * N, 7);
    const outB = mx.matmul(aB, fromFlat(bs, [2, K, N]));
    expectClose(flat(outB), [...naive(av, bs.slice(0, K * N), M, K, N), ...naive(av, bs.slice(K * N), M, K, N)], 0, 0);
  });
});

describe('matmul: sizes across the blocking', () => {
  // Exact integer products: any kernel (BLAS or built-in) must match exactly.
  const cases: [number, number, number][] = [[1, 1, 1], [7, 300, 530], [37, 513, 17], [130, 70, 1], [1, 600, 300]];
  for (const [M, K, N] of cases) {
    it(`${M} x ${K} @ ${K} x ${N} in float32 and float64`, () => {
      const av = ints(M * K, M + K), bv = ints(K * N, K + N);
      const expected = naive(av, bv, M, K, N);
      for (const dtype of [mx.float32, mx.float64]) {
        expectClose(flat(mx.matmul(fromFlat(av, [M, K], dtype), fromFlat(bv, [K, N], dtype))), expected, 0, 0);
      }
    });
  }

  it('a 256 x 256 float32 product against a float64 reference', () => {
    const n = 256;
    let s = 99;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
    const av = Array.from({ length: n * n }, rnd), bv = Array.from({ length: n * n }, rnd);
    const a = fromFlat(av, [n, n]), b = fromFlat(bv, [n, n]);
    const expected = naive(flat(a), flat(b), n, n, n);
    expectClose(flat(mx.matmul(a, b)), expected, 1e-4, 1e-4);
  });

  it('a batched product folded into one GEMM (3-D @ 2-D)', () => {
    const B = 4, M = 9, K = 33, N = 20;
    const av = ints(B * M * K, 8), bv = ints(K * N, 9);
    const out = mx.matmul(fromFlat(av, [B, M, K]), fromFlat(bv, [K, N]));
    expect(out.shape).toEqual([B, M, N]);
    expectClose(flat(out), naive(av, bv, B * M, K, N), 0, 0);
  });

  it('complex64 of a larger size against a reference', () => {
    const M = 11, K = 19, N = 13;
    const ar = ints(M * K, 10), ai = ints(M * K, 11), br = ints(K * N, 12), bi = ints(K * N, 13);
    const a = mx.asStrided(mx.array(ar.map((re, i) => ({ re, im: ai[i] })), mx.complex64), [M, K]);
    const b = mx.asStrided(mx.array(br.map((re, i) => ({ re, im: bi[i] })), mx.complex64), [K, N]);
    const rr = naive(ar, br, M, K, N), ii = naive(ai, bi, M, K, N);
    const ri = naive(ar, bi, M, K, N), ir = naive(ai, br, M, K, N);
    const expected: number[] = [];
    for (let i = 0; i < M * N; ++i) expected.push(rr[i] - ii[i], ri[i] + ir[i]);
    expectClose(flat(mx.matmul(a, b)), expected, 0, 0);
  });
});

describe('matmul: errors', () => {
  it('rejects 0-d inputs', () => {
    expect(() => mx.matmul(mx.array(2, mx.float32), mx.ones([2, 2]))).toThrow(
      '[matmul] Got 0 dimension input. Inputs must have at least one dimension.',
    );
    expect(() => mx.matmul(mx.ones([2]), 3)).toThrow('[matmul] Got 0 dimension input.');
  });
  it('rejects mismatched inner dimensions with MLX message', () => {
    expect(() => mx.matmul(mx.ones([2, 3]), mx.ones([4, 5]))).toThrow(
      '[matmul] Last dimension of first input with shape (2,3) must match second to last dimension of second input with shape (4,5).',
    );
    // 1-D inputs are reported after promotion.
    expect(() => mx.matmul(mx.ones([3]), mx.ones([4, 5]))).toThrow(
      '[matmul] Last dimension of first input with shape (1,3) must match second to last dimension of second input with shape (4,5).',
    );
    expect(() => mx.matmul(mx.ones([2, 3]), mx.ones([4]))).toThrow('second input with shape (4,1).');
  });
  it('rejects batch dimensions that do not broadcast', () => {
    expect(() => mx.matmul(mx.ones([2, 3, 4]), mx.ones([3, 4, 5]))).toThrow(
      '[matmul] Shapes (2,3,4) and (3,4,5) cannot be broadcast',
    );
  });
  it('rejects integer and bool products like MLX', () => {
    expect(() => mx.matmul(mx.ones([2, 2], mx.int32), mx.ones([2, 2], mx.int32))).toThrow(
      '[matmul] Only inexact types are supported but int32 and int32 were provided which results in int32, which is not a floating point type.',
    );
    expect(() => mx.matmul(mx.ones([2, 2], mx.bool_), mx.ones([2, 2], mx.uint8))).toThrow(
      '[matmul] Only inexact types are supported but bool and uint8',
    );
  });
  it('rejects non-arrays', () => {
    expect(() => mx.matmul('x' as unknown as mx.MxArray, mx.ones([2]))).toThrow('[matmul] Expected an array or a scalar');
  });
});

describe('addmm', () => {
  for (const [dtype, rtol] of realTypes) {
    it(`alpha * a @ b + beta * c vs numpy in ${dtype.name}`, () => {
      for (const c of fixtures.addmm) {
        const out = mx.addmm(decode(c.c, dtype), decode(c.a, dtype), decode(c.b, dtype), c.alpha, c.beta);
        expect(out.shape, c.name).toEqual(c.out.shape);
        expect(out.dtype).toBe(dtype);
        expectClose(flat(out), c.out.data!, rtol, rtol);
      }
    });
  }

  it('defaults alpha = beta = 1 and promotes c with a and b', () => {
    const a = fromFlat([1, 2, 3, 4], [2, 2]);
    const out = mx.addmm(mx.array([1, 1], mx.int32), a, a);
    expect(out.dtype).toBe(mx.float32);
    expect(out.tolist()).toEqual([[8, 11], [16, 23]]);
    expect(mx.addmm(mx.array([1, 1], mx.float64), a, a).dtype).toBe(mx.float64);
    expect(mx.addmm(1, a, a, 2).tolist()).toEqual([[15, 21], [31, 45]]);
    // A JS number for c is weak: it does not widen float16.
    const h = a.astype(mx.float16);
    expect(mx.addmm(0.5, h, h).dtype).toBe(mx.float16);
    expect(mx.addmm(0.5, h, h).tolist()).toEqual([[7.5, 10.5], [15.5, 22.5]]);
  });

  it('complex64', () => {
    const a = mx.asStrided(mx.array([{ re: 1, im: 1 }, { re: 0, im: 2 }], mx.complex64), [1, 2]);
    const b = mx.asStrided(mx.array([{ re: 2, im: 0 }, { re: 1, im: -1 }], mx.complex64), [2, 1]);
    // a @ b = (1+i)*2 + 2i*(1-i) = 2+2i + 2i+2 = 4+4i; 2*(4+4i) + 3*(1) = 11+8i
    const out = mx.addmm(mx.array([1], mx.float32), a, b, 2, 3);
    expect(out.dtype).toBe(mx.complex64);
    expect(out.tolist()).toEqual([[{ re: 11, im: 8 }]]);
  });

  it('strided inputs', () => {
    const M = 4, K = 6, N = 3;
    const av = ints(M * K, 20), bv = ints(K * N, 21), cv = ints(M * N, 22);
    const t: number[] = [];
    for (let k = 0; k < K; ++k) for (let m = 0; m < M; ++m) t.push(av[m * K + k]);
    const aT = mx.asStrided(mx.array(t, mx.float32), [M, K], [1, M]);
    const c = mx.asStrided(mx.array(cv, mx.float32), [M, N], [1, M]); // column-major c
    const cVals = flat(c);
    const prod = naive(av, bv, M, K, N);
    expectClose(flat(mx.addmm(c, aT, fromFlat(bv, [K, N]), 2, -1)), prod.map((p, i) => 2 * p - cVals[i]), 0, 0);
  });

  it('errors', () => {
    const a = mx.ones([2, 3]);
    expect(() => mx.addmm(mx.ones([2]), mx.array(1, mx.float32), a)).toThrow(
      '[addmm] Got 0 dimension input. Inputs must have at least one dimension.',
    );
    expect(() => mx.addmm(mx.ones([2]), a, a)).toThrow(
      '[addmm] Last dimension of first input with shape (2,3) must match second to last dimension of second input with shape (2,3).',
    );
    expect(() => mx.addmm(mx.ones([3, 2, 2]), a, mx.ones([3, 2]))).toThrow(
      '[addmm] Input c with shape (3,2,2) must broadcast to the output shape (2,2).',
    );
    expect(() => mx.addmm(mx.ones([3]), a, mx.ones([3, 2]))).toThrow('[addmm] Input c with shape (3)');
    expect(() => mx.addmm(mx.ones([2, 2], mx.int32), mx.ones([2, 2], mx.int32), mx.ones([2, 2], mx.int32))).toThrow(
      '[addmm] Only real floating point types are supported but int32, int32 and int32 were provided which results in int32, which is not a real floating point type.',
    );
    expect(() => mx.addmm(mx.ones([2]), a, mx.ones([3, 2]), 'x' as unknown as number)).toThrow(
      '[addmm] Expected a number for alpha, got string x.',
    );
  });
});

describe('matmul: sizes', () => {
  it('handles empty results and empty sums', () => {
    expect(mx.matmul(mx.ones([0, 3]), mx.ones([3, 4])).shape).toEqual([0, 4]);
    expect(mx.matmul(mx.ones([3, 0]), mx.ones([0, 4])).tolist()).toEqual([
      [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0],
    ]);
    expect(mx.addmm(mx.full([2, 2], 3), mx.ones([2, 0]), mx.ones([0, 2]), 1, 2).tolist()).toEqual([[6, 6], [6, 6]]);
  });
});
