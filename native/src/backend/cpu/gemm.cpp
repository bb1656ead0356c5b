// The built-in GEMM kernel: blocked for the caches (packed KC x NC panels of B
// shared by all threads, MR-row panels of A per thread) with an MR x NR
// register tile that the compiler vectorises along NR. Row panels of C are
// split across threads. Complex products run as four real products.
#include "gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "parallel.h"

namespace mlx::core::cpu {

namespace {

template <typename T>
struct Tile;
template <>
struct Tile<float> {
  static constexpr int MR = 6;
  static constexpr int NR = 16;
};
template <>
struct Tile<double> {
  static constexpr int MR = 6;
  static constexpr int NR = 8;
};

constexpr int64_t KC = 256;
// A packed KC x NC block of B fills about 512 KiB (an L2's share).
template <typename T>
constexpr int64_t NC = (512 * 1024 / sizeof(T)) / KC;

template <typename T>
void scale_c(int64_t M, int64_t N, T beta, T* C, int64_t ldc) {
  if (beta == T(1)) return;
  size_t min_rows = std::max<int64_t>(1, (1 << 15) / std::max<int64_t>(N, 1));
  parallel_for(M, min_rows, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      T* row = C + i * ldc;
      if (beta == T(0)) {
        std::fill(row, row + N, T(0));
      } else {
        for (int64_t j = 0; j < N; ++j) row[j] *= beta;
      }
    }
  });
}

// Rows [i0, i0 + mr) and columns [p0, p0 + kc) of op(A) as Ap[k * MR + r],
// zero-padded to MR rows.
template <typename T, int MR>
void pack_a(bool ta, const T* A, int64_t lda, int64_t i0, int mr, int64_t p0, int64_t kc,
            T* Ap) {
  if (!ta) {
    for (int r = 0; r < MR; ++r) {
      if (r < mr) {
        const T* src = A + (i0 + r) * lda + p0;
        for (int64_t k = 0; k < kc; ++k) Ap[k * MR + r] = src[k];
      } else {
        for (int64_t k = 0; k < kc; ++k) Ap[k * MR + r] = T(0);
      }
    }
  } else {
    for (int64_t k = 0; k < kc; ++k) {
      const T* src = A + (p0 + k) * lda + i0;
      for (int r = 0; r < MR; ++r) Ap[k * MR + r] = r < mr ? src[r] : T(0);
    }
  }
}

// Rows [p0, p0 + kc) and columns [j0, j0 + nc) of op(B) as panels of NR
// columns: Bp[(jp * kc + k) * NR + j], zero-padded to whole panels.
template <typename T, int NR>
void pack_b(bool tb, const T* B, int64_t ldb, int64_t p0, int64_t kc, int64_t j0, int64_t nc,
            T* Bp) {
  int64_t panels = (nc + NR - 1) / NR;
  if (!tb) {
    for (int64_t jp = 0; jp < panels; ++jp) {
      int64_t c0 = jp * NR;
      int n = static_cast<int>(std::min<int64_t>(NR, nc - c0));
      T* dst = Bp + jp * kc * NR;
      for (int64_t k = 0; k < kc; ++k) {
        const T* src = B + (p0 + k) * ldb + j0 + c0;
        for (int j = 0; j < NR; ++j) dst[k * NR + j] = j < n ? src[j] : T(0);
      }
    }
  } else {
    for (int64_t jp = 0; jp < panels; ++jp) {
      int64_t c0 = jp * NR;
      int n = static_cast<int>(std::min<int64_t>(NR, nc - c0));
      T* dst = Bp + jp * kc * NR;
      for (int j = 0; j < NR; ++j) {
        if (j < n) {
          const T* src = B + (j0 + c0 + j) * ldb + p0;
          for (int64_t k = 0; k < kc; ++k) dst[k * NR + j] = src[k];
        } else {
          for (int64_t k = 0; k < kc; ++k) dst[k * NR + j] = T(0);
        }
      }
    }
  }
}

// C[0:mr, 0:nr] += alpha * Ap^T Bp over kc steps. The MR x NR tile lives in
// registers as MR x (NR / L) vectors of L lanes (GCC/Clang vector extensions:
// AVX/AVX-512 with -march=native, pairs of SSE registers otherwise).
template <typename T, int MR, int NR>
void micro_kernel(int64_t kc, const T* __restrict Ap, const T* __restrict Bp, T alpha,
                  T* __restrict C, int64_t ldc, int mr, int nr) {
  constexpr int L = 32 / sizeof(T);
  constexpr int NV = NR / L;
  static_assert(NV * L == NR, "NR must be a multiple of the vector width");
  typedef T V __attribute__((vector_size(32)));
  V acc[MR][NV];
  for (int r = 0; r < MR; ++r) {
    for (int v = 0; v < NV; ++v) acc[r][v] = V{} ;
  }
  for (int64_t k = 0; k < kc; ++k) {
    V b[NV];
    std::memcpy(b, Bp + k * NR, sizeof(b));
    const T* a = Ap + k * MR;
    for (int r = 0; r < MR; ++r) {
      T av = a[r];
      for (int v = 0; v < NV; ++v) acc[r][v] += av * b[v];
    }
  }
  if (mr == MR && nr == NR) {
    for (int r = 0; r < MR; ++r) {
      for (int v = 0; v < NV; ++v) {
        V c;
        std::memcpy(&c, C + r * ldc + v * L, sizeof(V));
        c += alpha * acc[r][v];
        std::memcpy(C + r * ldc + v * L, &c, sizeof(V));
      }
    }
  } else {
    T tile[MR][NR];
    std::memcpy(tile, acc, sizeof(tile));
    for (int r = 0; r < mr; ++r) {
      for (int j = 0; j < nr; ++j) C[r * ldc + j] += alpha * tile[r][j];
    }
  }
}

template <typename T>
void gemm_blocked(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T* A,
                  int64_t lda, const T* B, int64_t ldb, T beta, T* C, int64_t ldc) {
  constexpr int MR = Tile<T>::MR;
  constexpr int NR = Tile<T>::NR;
  constexpr int64_t NCB = NC<T>;
  if (M <= 0 || N <= 0) return;
  scale_c(M, N, beta, C, ldc);
  if (K <= 0 || alpha == T(0)) return;
  int64_t kc_max = std::min<int64_t>(K, KC);
  int64_t nc_max = std::min<int64_t>(N, NCB);
  std::vector<T> Bp(((nc_max + NR - 1) / NR) * NR * kc_max);
  int64_t row_panels = (M + MR - 1) / MR;
  for (int64_t jc = 0; jc < N; jc += NCB) {
    int64_t nc = std::min<int64_t>(NCB, N - jc);
    int64_t col_panels = (nc + NR - 1) / NR;
    for (int64_t pc = 0; pc < K; pc += KC) {
      int64_t kc = std::min<int64_t>(KC, K - pc);
      pack_b<T, NR>(tb, B, ldb, pc, kc, jc, nc, Bp.data());
      // About 2^20 multiply-adds per job at the least.
      size_t min_panels = std::max<int64_t>(1, (int64_t(1) << 20) / (MR * kc * nc));
      parallel_for(row_panels, min_panels, [&](size_t b, size_t e) {
        alignas(64) T Ap[KC * MR];
        for (size_t ip = b; ip < e; ++ip) {
          int64_t i0 = static_cast<int64_t>(ip) * MR;
          int mr = static_cast<int>(std::min<int64_t>(MR, M - i0));
          pack_a<T, MR>(ta, A, lda, i0, mr, pc, kc, Ap);
          for (int64_t jp = 0; jp < col_panels; ++jp) {
            int64_t j0 = jp * NR;
            int nr = static_cast<int>(std::min<int64_t>(NR, nc - j0));
            micro_kernel<T, MR, NR>(kc, Ap, Bp.data() + jp * kc * NR, alpha,
                                    C + i0 * ldc + jc + j0, ldc, mr, nr);
          }
        }
      });
    }
  }
}

} // namespace

void gemm_fallback(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
                   const float* A, int64_t lda, const float* B, int64_t ldb, float beta,
                   float* C, int64_t ldc) {
  gemm_blocked<float>(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void gemm_fallback(bool ta, bool tb, int64_t M, int64_t N, int64_t K, double alpha,
                   const double* A, int64_t lda, const double* B, int64_t ldb, double beta,
                   double* C, int64_t ldc) {
  gemm_blocked<double>(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void gemm_fallback(bool ta, bool tb, int64_t M, int64_t N, int64_t K, complex64_t alpha,
                   const complex64_t* A, int64_t lda, const complex64_t* B, int64_t ldb,
                   complex64_t beta, complex64_t* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  for (int64_t i = 0; i < M; ++i) {
    complex64_t* row = C + i * ldc;
    for (int64_t j = 0; j < N; ++j) {
      row[j] = beta == complex64_t(0.0f) ? complex64_t(0.0f) : complex64_t(beta * row[j]);
    }
  }
  if (K <= 0 || alpha == complex64_t(0.0f)) return;
  // Real and imaginary planes of op(A) (M x K) and op(B) (K x N), row-major.
  std::vector<float> ar(M * K), ai(M * K), br(K * N), bi(K * N), pr(M * N), pi(M * N);
  for (int64_t i = 0; i < M; ++i) {
    for (int64_t k = 0; k < K; ++k) {
      complex64_t v = ta ? A[k * lda + i] : A[i * lda + k];
      ar[i * K + k] = v.real();
      ai[i * K + k] = v.imag();
    }
  }
  for (int64_t k = 0; k < K; ++k) {
    for (int64_t j = 0; j < N; ++j) {
      complex64_t v = tb ? B[j * ldb + k] : B[k * ldb + j];
      br[k * N + j] = v.real();
      bi[k * N + j] = v.imag();
    }
  }
  // (ar + i ai)(br + i bi) = (ar br - ai bi) + i (ar bi + ai br)
  gemm_blocked<float>(false, false, M, N, K, 1.f, ar.data(), K, br.data(), N, 0.f, pr.data(), N);
  gemm_blocked<float>(false, false, M, N, K, -1.f, ai.data(), K, bi.data(), N, 1.f, pr.data(), N);
  gemm_blocked<float>(false, false, M, N, K, 1.f, ar.data(), K, bi.data(), N, 0.f, pi.data(), N);
  gemm_blocked<float>(false, false, M, N, K, 1.f, ai.data(), K, br.data(), N, 1.f, pi.data(), N);
  for (int64_t i = 0; i < M; ++i) {
    for (int64_t j = 0; j < N; ++j) {
      C[i * ldc + j] += alpha * complex64_t(pr[i * N + j], pi[i * N + j]);
    }
  }
}

} // namespace mlx::core::cpu
