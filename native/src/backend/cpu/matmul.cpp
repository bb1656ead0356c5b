// CPU evaluation of Matmul and AddMM. Each matrix of a (batched) product is
// handed to GEMM in place when its strides allow (row-major, or transposed
// via the GEMM's transpose flag); other layouts are compacted once. OpenBLAS
// computes float32/float64/complex64 when linked; float16 and bfloat16 run
// through float32. Without BLAS the built-in blocked kernel (gemm.cpp) runs.
#include <climits>
#include <cstring>

#include "gemm.h"
#include "mlx/backend/common/utils.h"
#include "mlx/backend/cpu/copy.h"
#include "mlx/primitives/linalg.h"

#if defined(MLX_TS_HAS_BLAS) && !defined(MLX_TS_FORCE_NO_BLAS)
#define MLX_TS_USE_BLAS 1
#include <cblas.h>
#endif

namespace mlx::core {

namespace {

// C = alpha * op(A) op(B) + beta * C on one dtype (row-major; C is M x N with ldc).
using GemmFn = void (*)(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
                        const void* A, int64_t lda, const void* B, int64_t ldb, float beta,
                        void* C, int64_t ldc);

#ifdef MLX_TS_USE_BLAS
CBLAS_TRANSPOSE tr(bool t) { return t ? CblasTrans : CblasNoTrans; }
#endif

void gemm_f32(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const void* A,
              int64_t lda, const void* B, int64_t ldb, float beta, void* C, int64_t ldc) {
#ifdef MLX_TS_USE_BLAS
  cblas_sgemm(CblasRowMajor, tr(ta), tr(tb), M, N, K, alpha, static_cast<const float*>(A), lda,
              static_cast<const float*>(B), ldb, beta, static_cast<float*>(C), ldc);
#else
  cpu::gemm_fallback(ta, tb, M, N, K, alpha, static_cast<const float*>(A), lda,
                     static_cast<const float*>(B), ldb, beta, static_cast<float*>(C), ldc);
#endif
}

void gemm_f64(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const void* A,
              int64_t lda, const void* B, int64_t ldb, float beta, void* C, int64_t ldc) {
#ifdef MLX_TS_USE_BLAS
  cblas_dgemm(CblasRowMajor, tr(ta), tr(tb), M, N, K, alpha, static_cast<const double*>(A), lda,
              static_cast<const double*>(B), ldb, beta, static_cast<double*>(C), ldc);
#else
  cpu::gemm_fallback(ta, tb, M, N, K, double(alpha), static_cast<const double*>(A), lda,
                     static_cast<const double*>(B), ldb, double(beta), static_cast<double*>(C),
                     ldc);
#endif
}

void gemm_c64(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const void* A,
              int64_t lda, const void* B, int64_t ldb, float beta, void* C, int64_t ldc) {
  complex64_t al(alpha, 0.f), be(beta, 0.f);
#ifdef MLX_TS_USE_BLAS
  cblas_cgemm(CblasRowMajor, tr(ta), tr(tb), M, N, K, &al, A, lda, B, ldb, &be, C, ldc);
#else
  cpu::gemm_fallback(ta, tb, M, N, K, al, static_cast<const complex64_t*>(A), lda,
                     static_cast<const complex64_t*>(B), ldb, be, static_cast<complex64_t*>(C),
                     ldc);
#endif
}

// How one matrix (rows x cols with strides rs, cs) is given to GEMM.
struct Operand {
  bool ok;    // false: the layout needs a copy
  bool trans; // stored column-major (GEMM's transpose flag)
  int64_t ld;
};

Operand gemm_operand(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  // Row-major: unit column stride, rows at least `cols` apart.
  if ((cols <= 1 || cs == 1) && (rows <= 1 || rs >= std::max<int64_t>(cols, 1))) {
    int64_t ld = rows <= 1 ? std::max<int64_t>(cols, 1) : rs;
    if (ld <= INT_MAX) return {true, false, ld};
  }
  // Column-major: unit row stride, columns at least `rows` apart.
  if ((rows <= 1 || rs == 1) && (cols <= 1 || cs >= std::max<int64_t>(rows, 1))) {
    int64_t ld = cols <= 1 ? std::max<int64_t>(rows, 1) : cs;
    if (ld <= INT_MAX) return {true, true, ld};
  }
  return {false, false, 0};
}

// One input seen as a stack of matrices: batch strides right-aligned to the
// output's batch shape (0 where broadcast), and the matrix strides.
struct MatInput {
  Strides batch_strides;
  int64_t rows, cols, rs, cs;
};

// `first`: a 1-D first input is a row (1 x K); a 1-D second input a column (K x 1).
MatInput describe(const array& x, bool first, const Shape& batch) {
  MatInput m;
  const auto& sh = x.shape();
  const auto& st = x.strides();
  int nd = static_cast<int>(x.ndim());
  if (nd == 1) {
    if (first) {
      m.rows = 1, m.cols = sh[0], m.rs = 0, m.cs = st[0];
    } else {
      m.rows = sh[0], m.cols = 1, m.rs = st[0], m.cs = 0;
    }
  } else {
    m.rows = sh[nd - 2], m.cols = sh[nd - 1], m.rs = st[nd - 2], m.cs = st[nd - 1];
  }
  m.batch_strides.assign(batch.size(), 0);
  int xb = std::max(nd - 2, 0);
  int off = static_cast<int>(batch.size()) - xb;
  for (int i = 0; i < xb; ++i) {
    m.batch_strides[off + i] = sh[i] == 1 ? 0 : st[i];
  }
  return m;
}

// A row-contiguous copy of `x` with dtype `d` (`x` itself when it already is one).
array contiguous_as(const array& x, Dtype d) {
  if (x.dtype() == d && x.flags().row_contiguous) return x;
  array out(x.shape(), d, nullptr, {});
  copy_cpu(x, out, CopyType::General);
  out.detach();
  out.set_status(array::Status::available);
  return out;
}

// When every matrix of `a` is a block of rows of one row-major matrix and b is
// shared across the batch, the product is a single GEMM of batch * M rows.
// Returns the row stride of that matrix, or 0 when a cannot be folded.
int64_t folded_row_stride(const MatInput& ma, const MatInput& mb, const Shape& batch) {
  for (auto s : mb.batch_strides) {
    if (s != 0) return 0;
  }
  // Dimensions of [batch..., M] with more than one element must chain.
  int64_t stride = 0, span = 1;
  auto take = [&](int64_t n, int64_t s) {
    if (n == 1) return true;
    if (span == 1) {
      stride = s;
    } else if (s != stride * span) {
      return false;
    }
    span *= n;
    return true;
  };
  // Walk innermost first: rows, then batch dimensions outward.
  if (!take(ma.rows, ma.rs)) return 0;
  for (int i = static_cast<int>(batch.size()) - 1; i >= 0; --i) {
    if (batch[i] == 1) continue;
    if (ma.batch_strides[i] == 0) return 0;
    if (!take(batch[i], ma.batch_strides[i])) return 0;
  }
  if (span == 1) stride = std::max<int64_t>(ma.cols, 1);
  if (ma.cols > 1 && ma.cs != 1) return 0;
  if (span > 1 && stride < std::max<int64_t>(ma.cols, 1)) return 0;
  return stride;
}

GemmFn gemm_for(Dtype d) {
  switch (d.val()) {
    case Dtype::Val::float64: return gemm_f64;
    case Dtype::Val::complex64: return gemm_c64;
    default: return gemm_f32;
  }
}

// out (row-contiguous, allocated, holding c when beta != 0) =
// alpha * a @ b + beta * out, with a, b and out of one GEMM dtype.
void run_products(array a, array b, float alpha, float beta, array& out) {
  Dtype dt = out.dtype();
  size_t es = size_of(dt);
  GemmFn gemm = gemm_for(dt);
  const Shape& os = out.shape();
  // The output's batch shape: all but the matrix dimensions kept.
  int kept = (a.ndim() > 1) + (b.ndim() > 1);
  Shape batch(os.begin(), os.end() - kept);
  size_t nbatch = 1;
  for (auto d : batch) nbatch *= d;

  MatInput ma = describe(a, true, batch);
  MatInput mb = describe(b, false, batch);
  int64_t M = ma.rows, K = ma.cols, N = mb.cols;

  if (K == 0) {
    // An empty sum: out = beta * out.
    char* o = out.data<char>();
    if (beta == 0.f) {
      std::memset(o, 0, out.nbytes());
    } else if (beta != 1.f) {
      size_t n = out.size();
      if (dt == float64) {
        auto* p = out.data<double>();
        for (size_t i = 0; i < n; ++i) p[i] *= beta;
      } else if (dt == complex64) {
        auto* p = out.data<complex64_t>();
        for (size_t i = 0; i < n; ++i) p[i] = complex64_t(p[i] * beta);
      } else {
        auto* p = out.data<float>();
        for (size_t i = 0; i < n; ++i) p[i] *= beta;
      }
    }
    return;
  }

  Operand oa = gemm_operand(M, K, ma.rs, ma.cs);
  if (!oa.ok) {
    a = contiguous_as(a, dt);
    ma = describe(a, true, batch);
    oa = gemm_operand(M, K, ma.rs, ma.cs);
  }
  Operand ob = gemm_operand(K, N, mb.rs, mb.cs);
  if (!ob.ok) {
    b = contiguous_as(b, dt);
    mb = describe(b, false, batch);
    ob = gemm_operand(K, N, mb.rs, mb.cs);
  }

  const char* pa = a.data<char>();
  const char* pb = b.data<char>();
  char* po = out.data<char>();
  if (nbatch > 1) {
    int64_t rs = folded_row_stride(ma, mb, batch);
    if (rs > 0 && rs <= INT_MAX && !oa.trans && M * static_cast<int64_t>(nbatch) <= INT_MAX) {
      gemm(false, ob.trans, M * static_cast<int64_t>(nbatch), N, K, alpha, pa, rs, pb, ob.ld,
           beta, po, N);
      return;
    }
  }
  for (size_t i = 0; i < nbatch; ++i) {
    int64_t offa = elem_to_loc(i, batch, ma.batch_strides);
    int64_t offb = elem_to_loc(i, batch, mb.batch_strides);
    gemm(oa.trans, ob.trans, M, N, K, alpha, pa + offa * es, oa.ld, pb + offb * es, ob.ld, beta,
         po + i * M * N * es, N);
  }
}

// out = alpha * a @ b (+ beta * c when c is given).
void matmul_cpu(const array& a, const array& b, const array* c, float alpha, float beta,
                array& out) {
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  if (out.size() == 0) return;
  Dtype dt = out.dtype();
  bool half = dt == float16 || dt == bfloat16;
  Dtype gd = half ? float32 : dt;
  array o = out;
  if (half) o = array(allocator::malloc(out.size() * sizeof(float)), out.shape(), float32);
  bool use_c = c != nullptr && beta != 0.f;
  if (use_c) {
    // Broadcast c into the output buffer (converting for half types).
    Strides cs(o.ndim(), 0);
    int off = static_cast<int>(o.ndim() - c->ndim());
    for (size_t i = 0; i < c->ndim(); ++i) {
      cs[off + i] = c->shape(i) == 1 ? 0 : c->strides()[i];
    }
    copy_cpu_inplace(*c, o, o.shape(), cs, o.strides(), 0, 0);
  }
  run_products(half ? contiguous_as(a, gd) : a, half ? contiguous_as(b, gd) : b, alpha,
               use_c ? beta : 0.f, o);
  if (half) copy_cpu_inplace(o, out, out.shape(), o.strides(), out.strides(), 0, 0);
}

} // namespace

void Matmul::eval_cpu(const std::vector<array>& inputs, array& out) {
  matmul_cpu(inputs[0], inputs[1], nullptr, 1.f, 0.f, out);
}

void AddMM::eval_cpu(const std::vector<array>& inputs, array& out) {
  matmul_cpu(inputs[0], inputs[1], &inputs[2], alpha_, beta_, out);
}

} // namespace mlx::core
