// General matrix multiply on the CPU: C = alpha * op(A) * op(B) + beta * C,
// row-major, op(X) = X or X^T. Used by the linalg family (matmul, addmm).
#pragma once

#include <cstdint>

#include "mlx/types/complex.h"

namespace mlx::core::cpu {

/** The built-in, cache-blocked kernel (used when no BLAS library is linked).
 * A(i, k) is A[i * lda + k] (or A[k * lda + i] when ta); B(k, j) likewise;
 * C(i, j) is C[i * ldc + j]. With beta == 0, C is not read. */
void gemm_fallback(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
                   const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
                   float* C, int64_t ldc);
void gemm_fallback(bool ta, bool tb, int64_t M, int64_t N, int64_t K, double alpha,
                   const double* A, int64_t lda, const double* B, int64_t ldb, double beta,
                   double* C, int64_t ldc);
void gemm_fallback(bool ta, bool tb, int64_t M, int64_t N, int64_t K, complex64_t alpha,
                   const complex64_t* A, int64_t lda, const complex64_t* B, int64_t ldb,
                   complex64_t beta, complex64_t* C, int64_t ldc);

} // namespace mlx::core::cpu
