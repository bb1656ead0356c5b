// The dtype-specific pieces of the CPU reductions: small policies (one per
// reduction kind and element type) turned into a run-time Kernel of function
// pointers by make_kernel. Only reduce_*.cpp include this file.
//
// Accuracy: float16/bfloat16/float32 sums add contiguous rows with 32
// independent float lanes in blocks of 256 elements and add the block sums in
// double lanes; column sums add at most 32 rows in float before flushing to double.
// float64 sums in double. Integer sums and products wrap like MLX's (32 bits
// for inputs of up to 4 bytes, 64 bits otherwise).
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "mlx/types/complex.h"
#include "mlx/types/half_types.h"
#include "reduce_engine.h"

namespace mlx::core::cpu::reduce {

// ---- element loads: halves widen to float with branch-free, vectorisable code ----

inline float bits_to_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
inline uint32_t float_to_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

inline float half_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t em = h & 0x7fffu;
  // Normal and subnormal halves: rebias the exponent by multiplying by 2^112.
  uint32_t r = em >= 0x7c00u ? ((em << 13) | 0x7f800000u)
                             : float_to_bits(bits_to_float(em << 13) * 0x1p112f);
  return bits_to_float(r | sign);
}

template <typename T>
inline T load(T x) { return x; }
inline float load(float16_t x) { return half_to_float(x.bits_); }
inline float load(bfloat16_t x) { return bits_to_float(static_cast<uint32_t>(x.bits_) << 16); }

/** The type an element is computed in: float for halves, else itself. */
template <typename T>
using compute_t = decltype(load(T{}));

template <typename T>
inline constexpr bool is_float_v = std::is_floating_point_v<T>;

// exp(x) for x <= 0 in float, vectorisable (std::exp is not): Cody-Waite range
// reduction and Cephes' polynomial, within 2 ulp. Inputs below -87 give
// exp(-87) ~ 1.6e-38: logsumexp adds these to a sum of at least 1, where they
// vanish. NaN inputs give that tiny value too (logsumexp's finish handles NaN).
inline float exp_nonpositive(float x) {
  x = x > -87.0f ? x : -87.0f;
  float k = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f; // round(x / ln 2)
  float r = x - k * 0.693359375f;
  r = r - k * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  auto e = static_cast<uint32_t>(static_cast<int32_t>(k) + 127) << 23;
  return p * bits_to_float(e);
}
inline double exp_nonpositive(double x) { return std::exp(x); }

// ---- a vectorisable fold of a contiguous run with L independent lanes ----

template <int L, typename A, typename T, typename Fold, typename Merge>
inline A lanes_reduce(const T* x, int64_t n, A init, Fold fold, Merge merge) {
  if (n < L) {
    A a = init;
    for (int64_t i = 0; i < n; ++i) a = fold(a, x[i]);
    return a;
  }
  A l[L];
  for (int j = 0; j < L; ++j) l[j] = init;
  int64_t i = 0;
  for (; i + L <= n; i += L) {
    for (int j = 0; j < L; ++j) l[j] = fold(l[j], x[i + j]);
  }
  for (; i < n; ++i) l[0] = fold(l[0], x[i]);
  for (int w = L / 2; w > 0; w /= 2) {
    for (int j = 0; j < w; ++j) l[j] = merge(l[j], l[j + w]);
  }
  return l[0];
}

// Sums fold(element) over a row. Contiguous rows: L float lanes add blocks of
// kSumLanes * 8 elements (8 additions per lane), then each lane's block total
// is added to a double lane; the double lanes are summed at the end. This keeps
// float32 sums as accurate as numpy's pairwise summation (better for long
// runs of equal values) at close to the speed of a plain float loop.
constexpr int kSumLanes = 32;
constexpr int64_t kSumBlock = kSumLanes * 8;

template <typename C, typename T, typename Fold>
inline double block_sum(const T* x, int64_t stride, int64_t n, Fold fold) {
  if (stride != 1) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += static_cast<double>(fold(C(0), x[i * stride]));
    return s;
  }
  constexpr int L = kSumLanes;
  if (n < kSumBlock) {
    C s = C(0);
    for (int64_t i = 0; i < n; ++i) s = fold(s, x[i]);
    return static_cast<double>(s);
  }
  double d[L];
  for (int j = 0; j < L; ++j) d[j] = 0;
  int64_t i = 0;
  for (; i + kSumBlock <= n; i += kSumBlock) {
    C l[L];
    for (int j = 0; j < L; ++j) l[j] = C(0);
    for (int64_t k = 0; k < kSumBlock; k += L) {
      for (int j = 0; j < L; ++j) l[j] = fold(l[j], x[i + k + j]);
    }
    for (int j = 0; j < L; ++j) d[j] += static_cast<double>(l[j]);
  }
  C tail = C(0);
  for (; i < n; ++i) tail = fold(tail, x[i]);
  for (int w = L / 2; w > 0; w /= 2) {
    for (int j = 0; j < w; ++j) d[j] += d[j + w];
  }
  return d[0] + static_cast<double>(tail);
}

// ---- column folds: several input rows per pass over the accumulators ----

// a[j] += g(row[j], j) for each row, adding four rows as a tree per pass.
template <typename T, typename A, typename G>
inline void sum_rows(const char* const* rows, int nr, int64_t n, A* a, G g) {
  int r = 0;
  for (; r + 4 <= nr; r += 4) {
    auto* x0 = reinterpret_cast<const T*>(rows[r]);
    auto* x1 = reinterpret_cast<const T*>(rows[r + 1]);
    auto* x2 = reinterpret_cast<const T*>(rows[r + 2]);
    auto* x3 = reinterpret_cast<const T*>(rows[r + 3]);
    for (int64_t j = 0; j < n; ++j) {
      a[j] += (g(x0[j], j) + g(x1[j], j)) + (g(x2[j], j) + g(x3[j], j));
    }
  }
  for (; r < nr; ++r) {
    auto* x = reinterpret_cast<const T*>(rows[r]);
    for (int64_t j = 0; j < n; ++j) a[j] += g(x[j], j);
  }
}

// a[j] = f(a[j], row[j]) for each row in order, four rows per pass.
template <typename T, typename A, typename F>
inline void fold_rows(const char* const* rows, int nr, int64_t n, A* a, F f) {
  int r = 0;
  for (; r + 4 <= nr; r += 4) {
    auto* x0 = reinterpret_cast<const T*>(rows[r]);
    auto* x1 = reinterpret_cast<const T*>(rows[r + 1]);
    auto* x2 = reinterpret_cast<const T*>(rows[r + 2]);
    auto* x3 = reinterpret_cast<const T*>(rows[r + 3]);
    for (int64_t j = 0; j < n; ++j) a[j] = f(f(f(f(a[j], x0[j]), x1[j]), x2[j]), x3[j]);
  }
  for (; r < nr; ++r) {
    auto* x = reinterpret_cast<const T*>(rows[r]);
    for (int64_t j = 0; j < n; ++j) a[j] = f(a[j], x[j]);
  }
}

// ---- finishing helpers ----

template <typename Out, typename V>
inline Out to_out(V v) {
  if constexpr (std::is_same_v<Out, complex64_t>) {
    return complex64_t(static_cast<float>(v.real()), static_cast<float>(v.imag()));
  } else if constexpr (std::is_same_v<Out, float16_t> || std::is_same_v<Out, bfloat16_t>) {
    return Out(static_cast<float>(v));
  } else {
    return static_cast<Out>(v);
  }
}

// ================= sum (also the first pass of mean and var) =================

// Floating sums: T is float16/bfloat16/float32/float64.
template <typename T>
struct SumFloat {
  using In = T;
  using C = compute_t<T>;
  using Acc = double;
  using Inner = C;
  static constexpr bool kInner = std::is_same_v<C, float>;
  static constexpr bool kAux = false;
  using Aux = char;

  static void init(void* acc, int64_t n) { std::fill_n(static_cast<Acc*>(acc), n, 0.0); }
  static void init_inner(void* acc, int64_t n) { std::fill_n(static_cast<Inner*>(acc), n, C(0)); }
  static void row(const char* in, int64_t stride, int64_t n, void* acc, const void*, int64_t) {
    auto fold = [](C a, T v) { return a + load(v); };
    *static_cast<Acc*>(acc) += block_sum<C>(reinterpret_cast<const T*>(in), stride, n, fold);
  }
  static void cols(const char* const* rows, int nr, int64_t n, void* acc, const void*, int64_t) {
    auto g = [](T v, int64_t) { return load(v); };
    if constexpr (kInner) {
      sum_rows<T>(rows, nr, n, static_cast<Inner*>(acc), g);
    } else {
      sum_rows<T>(rows, nr, n, static_cast<Acc*>(acc), g);
    }
  }
  static void merge(const void* inner, void* acc, int64_t n) {
    auto* a = static_cast<Acc*>(acc);
    auto* b = static_cast<const Inner*>(inner);
    for (int64_t j = 0; j < n; ++j) a[j] += b[j];
  }
  static void combine(void* acc, const void* later, int64_t n) {
    auto* a = static_cast<Acc*>(acc);
    auto* b = static_cast<const Acc*>(later);
    for (int64_t j = 0; j < n; ++j) a[j] += b[j];
  }
  // out = acc * scale (sum: scale 1; mean: 1 / count).
  template <typename Out>
  static void finish(const void* acc, char* out, int64_t n, const void*, const FinishArgs& args) {
    auto* a = static_cast<const Acc*>(acc);
    auto* o = reinterpret_cast<Out*>(out);
    for (int64_t j = 0; j < n; ++j) o[j] = to_out<Out>(a[j] * args.scale);
  }
};

// Integer and bool sums, wrapping in A (uint32_t or uint64_t).
template <typename T, typename A>
struct SumInt {
  using In = T;
  using Acc = A;
  using Inner = A;
  static constexpr bool kInner = false;
  static constexpr bool kAux = false;
  using Aux = char;

  static void init(void* acc, int64_t n) { std::fill_n(static_cast<A*>(acc), n, A(0)); }
  static void init_inner(void*, int64_t) {}
  static void row(const char* in, int64_t stride, int64_t n, void* acc, const void*, int64_t) {
    auto* x = reinterpret_cast<const T*>(in);
    A s;
    if (stride == 1) {
      s = lanes_reduce<32>(x, n, A(0), [](A a, T v) { return A(a + static_cast<A>(v)); },
                           [](A a, A b) { return A(a + b); });
    } else {
      s = 0;
      for (int64_t i = 0; i < n; ++i) s += static_cast<A>(x[i * stride]);
    }
    *static_cast<A*>(acc) += s;
  }
  static void cols(const char* const* rows, int nr, int64_t n, void* acc, const void*, int64_t) {
    sum_rows<T>(rows, nr, n, static_cast<A*>(acc), [](T v, int64_t) { return static_cast<A>(v); });
  }
  static void merge(const void*, void*, int64_t) {}
  static void combine(void* acc, const void* later, int64_t n) {
    auto* a = static_cast<A*>(acc);
    auto* b = static_cast<const A*>(later);
    for (int64_t j = 0; j < n; ++j) a[j] += b[j];
  }
  // Sum: the wrapped bits in the output's integer type.
  template <typename Out>
  static void finish(const void* acc, char* out, int64_t n, const void*, const FinishArgs&) {
    auto* a = static_cast<const A*>(acc);
    auto* o = reinterpret_cast<Out*>(out);
    for (int64_t j = 0; j < n; ++j) o[j] = static_cast<Out>(a[j]);
  }
  // Mean: the integer sum (signed when T is) times the float32 scale, as MLX does.
  static void finish_mean(const void* acc, char* out, int64_t n, const void*,
                          const FinishArgs& args) {
    using Sem = std::conditional_t<std::is_signed_v<T>, std::make_signed_t<A>, A>;
    auto* a = static_cast<const A*>(acc);
    auto* o = reinterpret_cast<float*>(out);
    float scale = static_cast<float>(args.scale);
    for (int64_t j = 0; j < n; ++j) o[j] = static_cast<float>(static_cast<Sem>(a[j])) * scale;
  }
};

struct SumComplex {
  using In = complex64_t;
  using Acc = std::complex<double>;
  using Inner = Acc;
  static constexpr bool kInner = false;
  static constexpr bool kAux = false;
  using Aux = char;

  static void init(void* acc, int64_t n) { std::fill_n(static_cast<Acc*>(acc), n, Acc(0)); }
  static void init_inner(void*, int64_t) {}
  static void row(const char* in, int64_t stride, int64_t n, void* acc, const void*, int64_t) {
    auto* x = reinterpret_cast<const complex64_t*>(in);
    double re = 0, im = 0;
    for (int64_t i = 0; i < n; ++i) {
      re += x[i * stride].real();
      im += x[i * stride].imag();
    }
    *static_cast<Acc*>(acc) += Acc(re, im);
  }
  static void cols(const char* const* rows, int nr, int64_t n, void* acc, const void*, int64_t) {
    fold_rows<complex64_t>(rows, nr, n, static_cast<Acc*>(acc),
                           [](Acc a, complex64_t v) { return a + Acc(v.real(), v.imag()); });
  }
  static void merge(const void*, void*, int64_t) {}
  static void combine(void* acc, const void* later, int64_t n) {
    auto* a = static_cast<Acc*>(acc);
    auto* b = static_cast<const Acc*>(later);
    for (int64_t j = 0; j < n; ++j) a[j] += b[j];
  }
  template <typename Out>
  static void finish(const void* acc, char* out, int64_t n, const void*, const FinishArgs& args) {
    auto* a = static_cast<const Acc*>(acc);
    auto* o = reinterpret_cast<complex64_t*>(out);
    for (int64_t j = 0; j < n; ++j) o[j] = to_out<complex64_t>(a[j] * args.scale);
  }
};

// ================= prod =================

// Products accumulate in A: the compute type for floats, wrapping integers,
// std::complex<float> for complex64.
template <typename T, typename A>
struct Prod {
  using In = T;
  using Acc = A;
  using Inner = A;
  static constexpr bool kInner = false;
  static constexpr bool kAux = false;
  using Aux = char;

  static A cvt(T v) {
    if constexpr (std::is_same_v<T, complex64_t>) {
      return A(v.real(), v.imag());
    } else {
      return static_cast<A>(load(v));
    }
  }
  static void init(void* acc, int64_t n) { std::fill_n(static_cast<A*>(acc), n, A(1)); }
  static void init_inner(void*, int64_t) {}
  static void row(const char* in, int64_t stride, int64_t n, void* acc, const void*, int64_t) {
    auto* x = reinterpret_cast<const T*>(in);
    A p;
    if constexpr (std::is_arithmetic_v<A>) {
      if (stride == 1) {
        p = lanes_reduce<32>(x, n, A(1), [](A a, T v) { return A(a * cvt(v)); },
                             [](A a, A b) { return A(a * b); });
        *static_cast<A*>(acc) *= p;
        return;
      }
    }
    p = A(1);
    for (int64_t i = 0; i < n; ++i) p *= cvt(x[i * stride]);
    *static_cast<A*>(acc) *= p;
  }
  static void cols(const char* const* rows, int nr, int64_t n, void* acc, const void*, int64_t) {
    fold_rows<T>(rows, nr, n, static_cast<A*>(acc), [](A a, T v) { return A(a * cvt(v)); });
  }
  static void merge(const void*, void*, int64_t) {}
  static void combine(void* acc, const void* later, int64_t n) {
    auto* a = static_cast<A*>(acc);
    auto* b = static_cast<const A*>(later);
    for (int64_t j = 0; j < n; ++j) a[j] *= b[j];
  }
  template <typename Out>
  static void finish(const void* acc, char* out, int64_t n, const void*, const FinishArgs&) {
    auto* a = static_cast<const A*>(acc);
    auto* o = reinterpret_cast<Out*>(out);
    for (int64_t j = 0; j < n; ++j) o[j] = to_out<Out>(a[j]);
  }
};

// ================= max / min (NaN propagates) =================

template <typename C, bool IsMax>
struct Extreme {
  static C identity() {
    if constexpr (std::is_floating_point_v<C>) {
      return IsMax ? -std::numeric_limits<C>::infinity() : std::numeric_limits<C>::infinity();
    } else {
      return IsMax ? std::numeric_limits<C>::lowest() : std::numeric_limits<C>::max();
    }
  }
  // The better of a (earlier) and v; NaN is sticky for floats.
  static C pick(C a, C v) {
    if constexpr (std::is_floating_point_v<C>) {
      if constexpr (IsMax) {
        return (v > a || v != v) ? v : a;
      } else {
        return (v < a || v != v) ? v : a;
      }
    } else {
      if constexpr (IsMax) {
        return v > a ? v : a;
      } else {
        return v < a ? v : a;
      }
    }
  }
  // True when v beats cur strictly (first occurrence wins ties).
  static bool better(C v, C cur) {
    if constexpr (std::is_floating_point_v<C>) {
      if constexpr (IsMax) {
        return v > cur || (v != v && cur == cur);
      } else {
        return v < cur || (v != v && cur == cur);
      }
    } else {
      return IsMax ? v > cur : v < cur;
    }
  }
};

// MLX orders complex numbers by real part, then imaginary part.
template <bool IsMax>
struct ExtremeComplex {
  static complex64_t identity() {
    float inf = std::numeric_limits<float>::infinity();
    return IsMax ? complex64_t(-inf, -inf) : complex64_t(inf, inf);
  }
  static bool gt(complex64_t a, complex64_t b) {
    return a.real() > b.real() || (a.real() == b.real() && a.imag() > b.imag());
  }
  static bool better(complex64_t v, complex64_t cur) { return IsMax ? gt(v, cur) : gt(cur, v); }
  static complex64_t pick(complex64_t a, complex64_t v) { return better(v, a) ? v : a; }
};

// T is the stored type (bool is reduced as uint8_t); C the compute type.
template <typename T, bool IsMax>
struct MinMax {
  using In = T;
  using C = compute_t<T>;
  using E = std::conditional_t<std::is_same_v<T, complex64_t>, ExtremeComplex<IsMax>,
                               Extreme<C, IsMax>>;
  using Acc = C;
  using Inner = C;
  static constexpr bool kInner = false;
  static constexpr bool kAux = false;
  using Aux = char;

  static void init(void* acc, int64_t n) { std::fill_n(static_cast<C*>(acc), n, E::identity()); }
  static void init_inner(void*, int64_t) {}
  static void row(const char* in, int64_t stride, int64_t n, void* acc, const void*, int64_t) {
    auto* x = reinterpret_cast<const T*>(in);
    auto* a = static_cast<C*>(acc);
    C m = E::identity();
    if constexpr (std::is_arithmetic_v<C>) {
      if (stride == 1) {
        m = lanes_reduce<32>(x, n, E::identity(), [](C acc, T v) { return E::pick(acc, load(v)); },
                             [](C p, C q) { return E::pick(p, q); });
        *a = E::pick(*a, m);
        return;
      }
    }
    for (int64_t i = 0; i < n; ++i) m = E::pick(m, load(x[i * stride]));
    *a = E::pick(*a, m);
  }
  static void cols(const char* const* rows, int nr, int64_t n, void* acc, const void*, int64_t) {
    fold_rows<T>(rows, nr, n, static_cast<C*>(acc), [](C a, T v) { return E::pick(a, load(v)); });
  }
  static void merge(const void*, void*, int64_t) {}
  static void combine(void* acc, const void* later, int64_t n) {
    auto* a = static_cast<C*>(acc);
    auto* b = static_cast<const C*>(later);
    for (int64_t j = 0; j < n; ++j) a[j] = E::pick(a[j], b[j]);
  }
  template <typename Out>
  static void finish(const void* acc, char* out, int64_t n, const void*, const FinishArgs&) {
    auto* a = static_cast<const C*>(acc);
    auto* o = reinterpret_cast<Out*>(out);
    for (int64_t j = 0; j < n; ++j) {
      if constexpr (std::is_same_v<Out, complex64_t>) {
        o[j] = a[j];
      } else {
        o[j] = to_out<Out>(a[j]);
      }
    }
  }
};

// ================= argmax / argmin =================

template <typename T, bool IsMax>
struct Arg {
  using In = T;
  using C = compute_t<T>;
  using E = std::conditional_t<std::is_same_v<T, complex64_t>, ExtremeComplex<IsMax>,
                               Extreme<C, IsMax>>;
  struct Acc {
    C val;
    uint32_t idx;
  };
  using Inner = Acc;
  static constexpr bool kInner = false;
  static constexpr bool kAux = false;
  using Aux = char;

  static bool same(C v, C m) {
    if constexpr (std::is_floating_point_v<C>) {
      return v == m || (v != v && m != m);
    } else {
      return v == m;
    }
  }
  static void init(void* acc, int64_t n) {
    std::fill_n(static_cast<Acc*>(acc), n, Acc{E::identity(), 0});
  }
  static void init_inner(void*, int64_t) {}
  static void row(const char* in, int64_t stride, int64_t n, void* acc, const void*, int64_t pos) {
    auto* x = reinterpret_cast<const T*>(in);
    auto* a = static_cast<Acc*>(acc);
    if constexpr (std::is_arithmetic_v<C>) {
      if (stride == 1 && n >= 64) {
        // The row's extreme (vectorised), then its first position.
        C m = lanes_reduce<32>(x, n, E::identity(),
                               [](C p, T v) { return E::pick(p, load(v)); },
                               [](C p, C q) { return E::pick(p, q); });
        if (!E::better(m, a->val)) return;
        // Skip 64-element chunks without m (a vectorised test), then find it.
        bool nan = m != m;
        int64_t i = 0;
        for (; i + 64 <= n; i += 64) {
          int hit = 0;
          if (nan) {
            for (int j = 0; j < 64; ++j) hit |= load(x[i + j]) != load(x[i + j]);
          } else {
            for (int j = 0; j < 64; ++j) hit |= load(x[i + j]) == m;
          }
          if (hit) break;
        }
        for (; i < n; ++i) {
          if (same(load(x[i]), m)) {
            *a = Acc{m, static_cast<uint32_t>(pos + i)};
            return;
          }
        }
        return;
      }
    }
    for (int64_t i = 0; i < n; ++i) {
      C v = load(x[i * stride]);
      if (E::better(v, a->val)) *a = Acc{v, static_cast<uint32_t>(pos + i)};
    }
  }
  static void cols(const char* const* rows, int nr, int64_t n, void* acc, const void*,
                   int64_t pos) {
    auto* a = static_cast<Acc*>(acc);
    for (int r = 0; r < nr; ++r) {
      auto* x = reinterpret_cast<const T*>(rows[r]);
      auto p = static_cast<uint32_t>(pos + r);
      for (int64_t j = 0; j < n; ++j) {
        C v = load(x[j]);
        if (E::better(v, a[j].val)) a[j] = Acc{v, p};
      }
    }
  }
  static void merge(const void*, void*, int64_t) {}
  static void combine(void* acc, const void* later, int64_t n) {
    auto* a = static_cast<Acc*>(acc);
    auto* b = static_cast<const Acc*>(later);
    for (int64_t j = 0; j < n; ++j) {
      if (E::better(b[j].val, a[j].val)) a[j] = b[j];
    }
  }
  template <typename Out>
  static void finish(const void* acc, char* out, int64_t n, const void*, const FinishArgs&) {
    auto* a = static_cast<const Acc*>(acc);
    auto* o = reinterpret_cast<uint32_t*>(out);
    for (int64_t j = 0; j < n; ++j) o[j] = a[j].idx;
  }
};

// ================= all / any =================

template <typename T>
inline bool nonzero(T v) {
  if constexpr (std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>) {
    return (v.bits_ & 0x7fffu) != 0; // -0 is zero, NaN is not
  } else if constexpr (std::is_same_v<T, complex64_t>) {
    return v.real() != 0 || v.imag() != 0;
  } else {
    return v != T(0);
  }
}

template <typename T, bool IsAnd>
struct AndOr {
  using In = T;
  using Acc = uint8_t;
  using Inner = uint8_t;
  static constexpr bool kInner = false;
  static constexpr bool kAux = false;
  using Aux = char;

  static uint8_t op(uint8_t a, uint8_t b) { return IsAnd ? (a & b) : (a | b); }
  static void init(void* acc, int64_t n) { std::fill_n(static_cast<uint8_t*>(acc), n, IsAnd ? 1 : 0); }
  static void init_inner(void*, int64_t) {}
  static void row(const char* in, int64_t stride, int64_t n, void* acc, const void*, int64_t) {
    auto* x = reinterpret_cast<const T*>(in);
    auto* a = static_cast<uint8_t*>(acc);
    uint8_t r = IsAnd ? 1 : 0;
    if (stride == 1) {
      r = lanes_reduce<32>(x, n, r, [](uint8_t p, T v) { return op(p, uint8_t(nonzero(v))); },
                           [](uint8_t p, uint8_t q) { return op(p, q); });
    } else {
      for (int64_t i = 0; i < n; ++i) r = op(r, uint8_t(nonzero(x[i * stride])));
    }
    *a = op(*a, r);
  }
  static void cols(const char* const* rows, int nr, int64_t n, void* acc, const void*, int64_t) {
    fold_rows<T>(rows, nr, n, static_cast<uint8_t*>(acc),
                 [](uint8_t a, T v) { return op(a, uint8_t(nonzero(v))); });
  }
  static void merge(const void*, void*, int64_t) {}
  static void combine(void* acc, const void* later, int64_t n) {
    auto* a = static_cast<uint8_t*>(acc);
    auto* b = static_cast<const uint8_t*>(later);
    for (int64_t j = 0; j < n; ++j) a[j] = op(a[j], b[j]);
  }
  template <typename Out>
  static void finish(const void* acc, char* out, int64_t n, const void*, const FinishArgs&) {
    std::memcpy(out, acc, n);
  }
};

// ================= second passes of var and logsumexp =================

// Sum of squared deviations from the per-output mean (aux, in the compute type).
template <typename T>
struct SquaredDev {
  using In = T;
  using C = compute_t<T>;
  using Acc = double;
  using Inner = C;
  static constexpr bool kInner = std::is_same_v<C, float>;
  static constexpr bool kAux = true;
  using Aux = C;

  static void init(void* acc, int64_t n) { std::fill_n(static_cast<Acc*>(acc), n, 0.0); }
  static void init_inner(void* acc, int64_t n) { std::fill_n(static_cast<Inner*>(acc), n, C(0)); }
  static void row(const char* in, int64_t stride, int64_t n, void* acc, const void* aux, int64_t) {
    C mu = *static_cast<const C*>(aux);
    auto fold = [mu](C a, T v) {
      C d = load(v) - mu;
      return a + d * d;
    };
    *static_cast<Acc*>(acc) += block_sum<C>(reinterpret_cast<const T*>(in), stride, n, fold);
  }
  static void cols(const char* const* rows, int nr, int64_t n, void* acc, const void* aux,
                   int64_t) {
    auto* mu = static_cast<const C*>(aux);
    auto g = [mu](T v, int64_t j) {
      C d = load(v) - mu[j];
      return d * d;
    };
    if constexpr (kInner) {
      sum_rows<T>(rows, nr, n, static_cast<Inner*>(acc), g);
    } else {
      sum_rows<T>(rows, nr, n, static_cast<Acc*>(acc), g);
    }
  }
  static void merge(const void* inner, void* acc, int64_t n) {
    auto* a = static_cast<Acc*>(acc);
    auto* b = static_cast<const Inner*>(inner);
    for (int64_t j = 0; j < n; ++j) a[j] += b[j];
  }
  static void combine(void* acc, const void* later, int64_t n) {
    auto* a = static_cast<Acc*>(acc);
    auto* b = static_cast<const Acc*>(later);
    for (int64_t j = 0; j < n; ++j) a[j] += b[j];
  }
  // var = ss / count (ddof 0) or ss / max(count - ddof, 0); std takes the root.
  template <typename Out>
  static void finish(const void* acc, char* out, int64_t n, const void*, const FinishArgs& args) {
    auto* a = static_cast<const Acc*>(acc);
    auto* o = reinterpret_cast<Out*>(out);
    for (int64_t j = 0; j < n; ++j) {
      double v = args.ddof == 0 ? a[j] * (1.0 / args.count)
                                : a[j] / std::max(args.count - args.ddof, 0.0);
      if (args.sqrt) v = std::sqrt(v);
      o[j] = to_out<Out>(v);
    }
  }
};

// Sum of exp(x - m) for the per-output maximum m (aux); finish: log(sum) + m.
template <typename T>
struct ExpShifted {
  using In = T;
  using C = compute_t<T>;
  using Acc = double;
  using Inner = C;
  static constexpr bool kInner = std::is_same_v<C, float>;
  static constexpr bool kAux = true;
  using Aux = C;

  static void init(void* acc, int64_t n) { std::fill_n(static_cast<Acc*>(acc), n, 0.0); }
  static void init_inner(void* acc, int64_t n) { std::fill_n(static_cast<Inner*>(acc), n, C(0)); }
  static void row(const char* in, int64_t stride, int64_t n, void* acc, const void* aux, int64_t) {
    C m = *static_cast<const C*>(aux);
    auto fold = [m](C a, T v) { return a + exp_nonpositive(load(v) - m); };
    *static_cast<Acc*>(acc) += block_sum<C>(reinterpret_cast<const T*>(in), stride, n, fold);
  }
  static void cols(const char* const* rows, int nr, int64_t n, void* acc, const void* aux,
                   int64_t) {
    auto* m = static_cast<const C*>(aux);
    auto g = [m](T v, int64_t j) { return exp_nonpositive(load(v) - m[j]); };
    if constexpr (kInner) {
      sum_rows<T>(rows, nr, n, static_cast<Inner*>(acc), g);
    } else {
      sum_rows<T>(rows, nr, n, static_cast<Acc*>(acc), g);
    }
  }
  static void merge(const void* inner, void* acc, int64_t n) {
    auto* a = static_cast<Acc*>(acc);
    auto* b = static_cast<const Inner*>(inner);
    for (int64_t j = 0; j < n; ++j) a[j] += b[j];
  }
  static void combine(void* acc, const void* later, int64_t n) {
    auto* a = static_cast<Acc*>(acc);
    auto* b = static_cast<const Acc*>(later);
    for (int64_t j = 0; j < n; ++j) a[j] += b[j];
  }
  template <typename Out>
  static void finish(const void* acc, char* out, int64_t n, const void* aux, const FinishArgs&) {
    auto* a = static_cast<const Acc*>(acc);
    auto* m = static_cast<const C*>(aux);
    auto* o = reinterpret_cast<Out*>(out);
    for (int64_t j = 0; j < n; ++j) {
      double mj = m[j];
      double v = std::isinf(mj) ? mj : std::log(a[j]) + mj;
      o[j] = to_out<Out>(v);
    }
  }
};

// ================= kernel assembly =================

// Reduces nseg runs (one per output) of len elements each: run s starts at
// in + s * seg_stride and steps by stride (strides in elements).
template <typename P>
void segments(const char* in, int64_t seg_stride, int64_t nseg, int64_t len, int64_t stride,
              void* acc, const void* aux, int64_t pos) {
  using In = typename P::In;
  auto* a = static_cast<char*>(acc);
  for (int64_t s = 0; s < nseg; ++s) {
    const void* ax = nullptr;
    if constexpr (P::kAux) ax = static_cast<const typename P::Aux*>(aux) + s;
    P::row(in + s * seg_stride * static_cast<int64_t>(sizeof(In)), stride, len,
           a + s * static_cast<int64_t>(sizeof(typename P::Acc)), ax, pos);
  }
}

template <typename P, typename Out>
Kernel make_kernel() {
  Kernel k;
  k.acc_size = sizeof(typename P::Acc);
  k.inner_size = P::kInner ? static_cast<int>(sizeof(typename P::Inner)) : 0;
  k.aux_size = P::kAux ? static_cast<int>(sizeof(typename P::Aux)) : 0;
  k.init = &P::init;
  k.init_inner = &P::init_inner;
  k.row = &P::row;
  k.segments = &segments<P>;
  k.cols = &P::cols;
  k.merge_inner = &P::merge;
  k.combine = &P::combine;
  k.finish = &P::template finish<Out>;
  return k;
}

// ---- kernel tables (reduce_sum.cpp, reduce_minmax.cpp, reduce_stats.cpp) ----

/** sum: out dtype is the op's (int32/uint32/int64/uint64 or the float itself). */
Kernel sum_kernel(Dtype in);
/** mean: the sum's accumulation, out = acc * scale in `out` (float32 for integers). */
Kernel mean_kernel(Dtype in, Dtype out);
Kernel prod_kernel(Dtype in);
/** max/min into `out` (the input dtype, or float32/float64 for logsumexp's first pass). */
Kernel minmax_kernel(Dtype in, bool is_max, Dtype out);
Kernel and_or_kernel(Dtype in, bool is_and);
Kernel arg_kernel(Dtype in, bool is_max);
/** var/std second pass: squared deviations from aux (float, or double for float64). */
Kernel var_kernel(Dtype in);
/** logsumexp second pass: exp(x - aux) summed, finished as log(sum) + aux. */
Kernel logsumexp_kernel(Dtype in);

} // namespace mlx::core::cpu::reduce
