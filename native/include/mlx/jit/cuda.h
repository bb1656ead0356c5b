// The CUDA dialect for custom kernels compiled for the CPU: what a body written
// for MLX's `mx.fast.cuda_kernel` sees on the GPU (the CUDA device API, MLX's
// device prelude `utils.cuh`, cooperative groups) mapped onto the runtime's
// threads (kernel_common.h).
//
// The math functions are the CUDA device API, declared here instead of
// <cmath>: <cmath> is slow to compile and its overload set differs (CUDA's
// `exp(__half)` computes in float). Names that CUDA offers only for specific
// types (atomics, math) keep CUDA's overload set, plus function templates for
// the remaining argument types, so that helpers a kernel header defines for
// other types take precedence instead of colliding.
#pragma once

#include <float.h>
#include <limits>

#include "cuda_types.h"

// ---- MLX's device configuration (mlx/backend/cuda/device/config.h) ----------
#define MAX_NDIM 10
#define WARP_SIZE 32
constexpr int warpSize = 32;

#ifndef INFINITY
#define INFINITY (__builtin_inff ())
#endif
#ifndef NAN
#define NAN (__builtin_nanf (""))
#endif
#define CUDART_INF_F __builtin_inff()
#define CUDART_NAN_F __builtin_nanf("")
#define CUDART_INF __builtin_inf()
#define CUDART_NAN __builtin_nan("")
#define CUDART_PI_F 3.141592654f
#define CUDART_PI 3.1415926535897931e+0

extern "C" int printf(const char* format, ...);

// ---- built-in variables -----------------------------------------------------
namespace mlxts_cuda {
inline uint3 thread_idx() {
  const mlxts_jit::Dim3& t = mlxts_jit::pos().thread;
  return {t.x, t.y, t.z};
}
inline uint3 block_idx() {
  const mlxts_jit::Dim3& g = mlxts_jit::pos().group;
  return {g.x, g.y, g.z};
}
// CUDA blocks are never partial: the launch's block size, not the group's extent.
inline dim3 block_dim() {
  const mlxts_jit::Dim3& s = mlxts_jit::launch().group_size;
  return dim3(s.x, s.y, s.z);
}
inline dim3 grid_dim() {
  const mlxts_jit::Dim3& n = mlxts_jit::launch().groups;
  return dim3(n.x, n.y, n.z);
}
} // namespace mlxts_cuda
#define threadIdx (::mlxts_cuda::thread_idx())
#define blockIdx (::mlxts_cuda::block_idx())
#define blockDim (::mlxts_cuda::block_dim())
#define gridDim (::mlxts_cuda::grid_dim())

// ---- cuda::std (the part of libcu++ kernels use) ----------------------------
// numeric_limits for the 16-bit floats; libstdc++ 12 has none for _Float16.
#if !defined(__STDCPP_FLOAT16_T__)
template <> struct std::numeric_limits<_Float16> {
  static constexpr bool is_specialized = true, is_signed = true, is_integer = false,
                        is_exact = false, has_infinity = true, has_quiet_NaN = true,
                        has_signaling_NaN = true, is_iec559 = true, is_bounded = true,
                        is_modulo = false, traps = false, tinyness_before = false;
  static constexpr int digits = 11, digits10 = 3, max_digits10 = 5, radix = 2,
                       min_exponent = -13, min_exponent10 = -4, max_exponent = 16,
                       max_exponent10 = 4;
  static constexpr float_denorm_style has_denorm = denorm_present;
  static constexpr bool has_denorm_loss = false;
  static constexpr float_round_style round_style = round_to_nearest;
  static constexpr _Float16 min() noexcept { return static_cast<_Float16>(6.103515625e-05f); }
  static constexpr _Float16 max() noexcept { return static_cast<_Float16>(65504.0f); }
  static constexpr _Float16 lowest() noexcept { return static_cast<_Float16>(-65504.0f); }
  static constexpr _Float16 epsilon() noexcept { return static_cast<_Float16>(0.0009765625f); }
  static constexpr _Float16 round_error() noexcept { return static_cast<_Float16>(0.5f); }
  static constexpr _Float16 infinity() noexcept { return static_cast<_Float16>(__builtin_inff()); }
  static constexpr _Float16 quiet_NaN() noexcept { return static_cast<_Float16>(__builtin_nanf("")); }
  static constexpr _Float16 signaling_NaN() noexcept { return static_cast<_Float16>(__builtin_nansf("")); }
  static constexpr _Float16 denorm_min() noexcept { return static_cast<_Float16>(5.9604644775390625e-08f); }
};
#endif
template <> struct std::numeric_limits<mlxts_jit::bfloat16_t> {
  using T = mlxts_jit::bfloat16_t;
  static constexpr T from_bits(uint16_t b) { T r{}; r.bits = b; return r; }
  static constexpr bool is_specialized = true, is_signed = true, is_integer = false,
                        is_exact = false, has_infinity = true, has_quiet_NaN = true,
                        has_signaling_NaN = true, is_iec559 = false, is_bounded = true,
                        is_modulo = false, traps = false, tinyness_before = false;
  static constexpr int digits = 8, digits10 = 2, max_digits10 = 4, radix = 2,
                       min_exponent = -125, min_exponent10 = -37, max_exponent = 128,
                       max_exponent10 = 38;
  static constexpr float_denorm_style has_denorm = denorm_present;
  static constexpr bool has_denorm_loss = false;
  static constexpr float_round_style round_style = round_to_nearest;
  static constexpr T min() noexcept { return from_bits(0x0080); }
  static constexpr T max() noexcept { return from_bits(0x7f7f); }
  static constexpr T lowest() noexcept { return from_bits(0xff7f); }
  static constexpr T epsilon() noexcept { return from_bits(0x3c00); }
  static constexpr T round_error() noexcept { return from_bits(0x3f00); }
  static constexpr T infinity() noexcept { return from_bits(0x7f80); }
  static constexpr T quiet_NaN() noexcept { return from_bits(0x7fc0); }
  static constexpr T signaling_NaN() noexcept { return from_bits(0x7fa0); }
  static constexpr T denorm_min() noexcept { return from_bits(0x0001); }
};

namespace cuda {
namespace std {
using ::std::numeric_limits;
template <bool B, class T = void> struct enable_if {};
template <class T> struct enable_if<true, T> { using type = T; };
template <bool B, class T = void> using enable_if_t = typename enable_if<B, T>::type;
template <class T, T v> struct integral_constant { static constexpr T value = v; };
using true_type = integral_constant<bool, true>;
using false_type = integral_constant<bool, false>;
template <class A, class B> struct is_same : false_type {};
template <class A> struct is_same<A, A> : true_type {};
template <class A, class B> inline constexpr bool is_same_v = is_same<A, B>::value;
template <bool B, class T, class F> struct conditional { using type = T; };
template <class T, class F> struct conditional<false, T, F> { using type = F; };
template <bool B, class T, class F> using conditional_t = typename conditional<B, T, F>::type;

template <class T> constexpr const T& min(const T& a, const T& b) { return b < a ? b : a; }
template <class T> constexpr const T& max(const T& a, const T& b) { return a < b ? b : a; }

template <class T, size_t N> struct array {
  T elems[N];
  constexpr T& operator[](size_t i) { return elems[i]; }
  constexpr const T& operator[](size_t i) const { return elems[i]; }
  constexpr T* data() { return elems; }
  constexpr const T* data() const { return elems; }
  static constexpr size_t size() { return N; }
  constexpr T* begin() { return elems; }
  constexpr T* end() { return elems + N; }
  constexpr const T* begin() const { return elems; }
  constexpr const T* end() const { return elems + N; }
};

// Tuples of two and three (what MLX's elem_to_loc variants return); aggregates,
// so structured bindings work on them as well as get<I>.
template <class... T> struct tuple;
template <class A, class B> struct tuple<A, B> { A v0; B v1; };
template <class A, class B, class C> struct tuple<A, B, C> { A v0; B v1; C v2; };
template <class A, class B> constexpr tuple<A, B> make_tuple(A a, B b) { return {a, b}; }
template <class A, class B, class C> constexpr tuple<A, B, C> make_tuple(A a, B b, C c) { return {a, b, c}; }
template <size_t I, class... T> constexpr auto& get(tuple<T...>& t) {
  if constexpr (I == 0) return t.v0;
  else if constexpr (I == 1) return t.v1;
  else return t.v2;
}
template <size_t I, class... T> constexpr const auto& get(const tuple<T...>& t) {
  if constexpr (I == 0) return t.v0;
  else if constexpr (I == 1) return t.v1;
  else return t.v2;
}
} // namespace std

template <class T, class U> constexpr T ceil_div(T a, U b) { return static_cast<T>((a + b - 1) / b); }
} // namespace cuda

// ---- math -------------------------------------------------------------------
namespace mlxts_cuda {
// What a math call computes in: rank 1 (float, halves) -> float, rank 2 (double)
// -> double; integers (rank 0) follow the other arguments, or double alone.
template <class T> struct math_rank {};
template <> struct math_rank<float> { static constexpr int value = 1; };
template <> struct math_rank<__half> { static constexpr int value = 1; };
template <> struct math_rank<__nv_bfloat16> { static constexpr int value = 1; };
template <> struct math_rank<double> { static constexpr int value = 2; };
#define MLXTS_CUDA_INT_RANK(T) template <> struct math_rank<T> { static constexpr int value = 0; };
MLXTS_CUDA_INT_RANK(bool) MLXTS_CUDA_INT_RANK(char) MLXTS_CUDA_INT_RANK(signed char)
MLXTS_CUDA_INT_RANK(unsigned char) MLXTS_CUDA_INT_RANK(short) MLXTS_CUDA_INT_RANK(unsigned short)
MLXTS_CUDA_INT_RANK(int) MLXTS_CUDA_INT_RANK(unsigned int) MLXTS_CUDA_INT_RANK(long)
MLXTS_CUDA_INT_RANK(unsigned long) MLXTS_CUDA_INT_RANK(long long) MLXTS_CUDA_INT_RANK(unsigned long long)
#undef MLXTS_CUDA_INT_RANK
template <int R> struct math_of { using type = double; };
template <> struct math_of<1> { using type = float; };
constexpr int max_rank(int a, int b) { return a < b ? b : a; }
template <class A> using math_t = typename math_of<math_rank<A>::value>::type;
template <class A, class B>
using math2_t = typename math_of<max_rank(math_rank<A>::value, math_rank<B>::value)>::type;
template <class A, class B, class C>
using math3_t = typename math_of<max_rank(max_rank(math_rank<A>::value, math_rank<B>::value),
                                          math_rank<C>::value)>::type;
template <class T> struct half_like { static constexpr bool value = false; };
template <> struct half_like<__half> { static constexpr bool value = true; };
template <> struct half_like<__nv_bfloat16> { static constexpr bool value = true; };

// erfinv: M. Giles' single-precision approximation, then Newton steps on erf.
inline double erfinv_approx(double x) {
  double w = -__builtin_log((1.0 - x) * (1.0 + x)), p;
  if (w < 5.0) {
    w = w - 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = __builtin_sqrt(w) - 3.0;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  return p * x;
}
inline double erfinv(double x) {
  if (x <= -1.0 || x >= 1.0) {
    if (x == 1.0) return __builtin_inf();
    if (x == -1.0) return -__builtin_inf();
    return __builtin_nan("");
  }
  double y = erfinv_approx(x);
  for (int i = 0; i < 2; ++i) // Newton: d/dy erf(y) = 2/sqrt(pi) exp(-y^2)
    y -= (__builtin_erf(y) - x) / (1.1283791670955126 * __builtin_exp(-y * y));
  return y;
}
inline float erfinvf(float x) { return static_cast<float>(erfinv(x)); }
inline double normcdfinv(double p) { return -1.4142135623730951 * erfinv(1.0 - 2.0 * p); }
// Newton steps on erfc itself keep the accuracy for tiny arguments, where 1 - y rounds.
// Tiny arguments start from the asymptote erfc(y) ~ exp(-y^2) / (y sqrt(pi)).
inline double erfcinv(double t) {
  if (!(t > 0.0 && t < 2.0)) return t == 0.0 ? __builtin_inf() : t == 2.0 ? -__builtin_inf() : __builtin_nan("");
  double y;
  if (t < 1e-6) {
    y = __builtin_sqrt(-__builtin_log(t));
    for (int i = 0; i < 3; ++i) y = __builtin_sqrt(-__builtin_log(t) - __builtin_log(y * 1.7724538509055159));
  } else {
    y = erfinv(1.0 - t);
  }
  for (int i = 0; i < 3; ++i) y += (__builtin_erfc(y) - t) / (1.1283791670955126 * __builtin_exp(-y * y));
  return y;
}

// sin(pi x), cos(pi x) reduced to |r| <= 0.5 first: exact zeros at integers and half-integers.
inline double sinpi(double x) {
  if (__builtin_isinf(x)) return __builtin_nan("");
  double r = x - 2.0 * __builtin_round(x * 0.5); // [-1, 1]
  if (__builtin_fabs(r) > 0.5) r = __builtin_copysign(1.0, r) - r;
  if (r == 0.0) return __builtin_copysign(0.0, x);
  return __builtin_sin(3.141592653589793 * r);
}
inline double cospi(double x) {
  if (__builtin_isinf(x)) return __builtin_nan("");
  double r = __builtin_fabs(x - 2.0 * __builtin_round(x * 0.5)); // [0, 1]
  if (r == 0.5) return 0.0;
  return r < 0.5 ? __builtin_cos(3.141592653589793 * r) : -__builtin_cos(3.141592653589793 * (1.0 - r));
}

/** The element type a pointer-like P (T*, checked_ptr<T>) points to, without const. */
template <class T> struct strip { using type = T; };
template <class T> struct strip<T&> { using type = T; };
template <class T> struct strip<const T&> { using type = T; };
template <class T> struct strip<volatile T&> { using type = T; };
template <class P> using pointee_t = typename strip<decltype(*static_cast<P (*)()>(nullptr)())>::type;

template <class I> inline I saturate_to(double r, I lo, I hi) {
  if (r != r) return 0;
  if (r <= static_cast<double>(lo)) return lo;
  if (r >= static_cast<double>(hi)) return hi;
  return static_cast<I>(r);
}
} // namespace mlxts_cuda

#define MLXTS_CUDA_F1(name, fexpr, dexpr)                                                        \
  inline float name##f(float x) { return fexpr; }                                                \
  inline float name(float x) { return fexpr; }                                                   \
  inline double name(double x) { return dexpr; }                                                \
  template <class T> inline mlxts_cuda::math_t<T> name(T x) {                                    \
    return name(static_cast<mlxts_cuda::math_t<T>>(x));                                          \
  }
#define MLXTS_CUDA_B1(name) MLXTS_CUDA_F1(name, __builtin_##name##f(x), __builtin_##name(x))
MLXTS_CUDA_B1(exp) MLXTS_CUDA_B1(exp2) MLXTS_CUDA_B1(exp10) MLXTS_CUDA_B1(expm1)
MLXTS_CUDA_B1(log) MLXTS_CUDA_B1(log2) MLXTS_CUDA_B1(log10) MLXTS_CUDA_B1(log1p) MLXTS_CUDA_B1(logb)
MLXTS_CUDA_B1(sqrt) MLXTS_CUDA_B1(cbrt)
MLXTS_CUDA_B1(sin) MLXTS_CUDA_B1(cos) MLXTS_CUDA_B1(tan) MLXTS_CUDA_B1(asin) MLXTS_CUDA_B1(acos)
MLXTS_CUDA_B1(atan) MLXTS_CUDA_B1(sinh) MLXTS_CUDA_B1(cosh) MLXTS_CUDA_B1(tanh) MLXTS_CUDA_B1(asinh)
MLXTS_CUDA_B1(acosh) MLXTS_CUDA_B1(atanh) MLXTS_CUDA_B1(erf) MLXTS_CUDA_B1(erfc)
MLXTS_CUDA_B1(lgamma) MLXTS_CUDA_B1(tgamma)
MLXTS_CUDA_B1(floor) MLXTS_CUDA_B1(ceil) MLXTS_CUDA_B1(round) MLXTS_CUDA_B1(rint)
MLXTS_CUDA_B1(nearbyint) MLXTS_CUDA_B1(trunc) MLXTS_CUDA_B1(fabs)
MLXTS_CUDA_F1(rsqrt, 1.0f / __builtin_sqrtf(x), 1.0 / __builtin_sqrt(x))
MLXTS_CUDA_F1(rcbrt, 1.0f / __builtin_cbrtf(x), 1.0 / __builtin_cbrt(x))
MLXTS_CUDA_F1(erfinv, mlxts_cuda::erfinvf(x), mlxts_cuda::erfinv(x))
MLXTS_CUDA_F1(erfcinv, static_cast<float>(mlxts_cuda::erfcinv(x)), mlxts_cuda::erfcinv(x))
MLXTS_CUDA_F1(normcdf, 0.5f * __builtin_erfcf(x * -0.70710678f), 0.5 * __builtin_erfc(x * -0.7071067811865476))
MLXTS_CUDA_F1(normcdfinv, static_cast<float>(mlxts_cuda::normcdfinv(x)), mlxts_cuda::normcdfinv(x))
MLXTS_CUDA_F1(sinpi, static_cast<float>(mlxts_cuda::sinpi(x)), mlxts_cuda::sinpi(x))
MLXTS_CUDA_F1(cospi, static_cast<float>(mlxts_cuda::cospi(x)), mlxts_cuda::cospi(x))
#undef MLXTS_CUDA_B1
#undef MLXTS_CUDA_F1

#define MLXTS_CUDA_F2(name, fexpr, dexpr)                                                        \
  inline float name##f(float x, float y) { return fexpr; }                                       \
  inline float name(float x, float y) { return fexpr; }                                          \
  inline double name(double x, double y) { return dexpr; }                                       \
  template <class A, class B> inline mlxts_cuda::math2_t<A, B> name(A x, B y) {                  \
    using R = mlxts_cuda::math2_t<A, B>;                                                         \
    return name(static_cast<R>(x), static_cast<R>(y));                                           \
  }
#define MLXTS_CUDA_B2(name) MLXTS_CUDA_F2(name, __builtin_##name##f(x, y), __builtin_##name(x, y))
MLXTS_CUDA_B2(pow) MLXTS_CUDA_B2(fmin) MLXTS_CUDA_B2(fmax) MLXTS_CUDA_B2(fmod)
MLXTS_CUDA_B2(remainder) MLXTS_CUDA_B2(copysign) MLXTS_CUDA_B2(hypot) MLXTS_CUDA_B2(atan2)
MLXTS_CUDA_B2(fdim) MLXTS_CUDA_B2(nextafter)
MLXTS_CUDA_F2(rhypot, 1.0f / __builtin_hypotf(x, y), 1.0 / __builtin_hypot(x, y))
#undef MLXTS_CUDA_B2
#undef MLXTS_CUDA_F2
inline float fdividef(float x, float y) { return x / y; }

inline float fmaf(float x, float y, float z) { return __builtin_fmaf(x, y, z); }
inline float fma(float x, float y, float z) { return __builtin_fmaf(x, y, z); }
inline double fma(double x, double y, double z) { return __builtin_fma(x, y, z); }
template <class A, class B, class C> inline mlxts_cuda::math3_t<A, B, C> fma(A x, B y, C z) {
  using R = mlxts_cuda::math3_t<A, B, C>;
  return fma(static_cast<R>(x), static_cast<R>(y), static_cast<R>(z));
}

inline float ldexpf(float x, int e) { return __builtin_ldexpf(x, e); }
inline float ldexp(float x, int e) { return __builtin_ldexpf(x, e); }
inline double ldexp(double x, int e) { return __builtin_ldexp(x, e); }
inline float scalbnf(float x, int e) { return __builtin_scalbnf(x, e); }
inline float scalbn(float x, int e) { return __builtin_scalbnf(x, e); }
inline double scalbn(double x, int e) { return __builtin_scalbn(x, e); }
inline float frexpf(float x, int* e) { return __builtin_frexpf(x, e); }
inline float frexp(float x, int* e) { return __builtin_frexpf(x, e); }
inline double frexp(double x, int* e) { return __builtin_frexp(x, e); }
inline float modff(float x, float* i) { return __builtin_modff(x, i); }
inline float modf(float x, float* i) { return __builtin_modff(x, i); }
inline double modf(double x, double* i) { return __builtin_modf(x, i); }
inline int ilogbf(float x) { return __builtin_ilogbf(x); }
inline int ilogb(float x) { return __builtin_ilogbf(x); }
inline int ilogb(double x) { return __builtin_ilogb(x); }
inline void sincosf(float x, float* s, float* c) { *s = __builtin_sinf(x); *c = __builtin_cosf(x); }
inline void sincos(float x, float* s, float* c) { sincosf(x, s, c); }
inline void sincos(double x, double* s, double* c) { *s = __builtin_sin(x); *c = __builtin_cos(x); }
inline void sincospif(float x, float* s, float* c) { *s = sinpif(x); *c = cospif(x); }
inline void sincospi(double x, double* s, double* c) { *s = sinpi(x); *c = cospi(x); }
inline long lrintf(float x) { return __builtin_lrintf(x); }
inline long lrint(float x) { return __builtin_lrintf(x); }
inline long lrint(double x) { return __builtin_lrint(x); }
inline long long llrintf(float x) { return __builtin_llrintf(x); }
inline long long llrint(float x) { return __builtin_llrintf(x); }
inline long long llrint(double x) { return __builtin_llrint(x); }
inline long lroundf(float x) { return __builtin_lroundf(x); }
inline long lround(float x) { return __builtin_lroundf(x); }
inline long lround(double x) { return __builtin_lround(x); }
inline long long llroundf(float x) { return __builtin_llroundf(x); }
inline long long llround(float x) { return __builtin_llroundf(x); }
inline long long llround(double x) { return __builtin_llround(x); }
inline float nanf(const char* tag) { return __builtin_nanf(tag); }
inline double nan(const char* tag) { return __builtin_nan(tag); }

#define MLXTS_CUDA_CLASSIFY(name, expr)                                                          \
  inline bool name(float x) { return expr; }                                                     \
  inline bool name(double x) { return expr; }                                                    \
  template <class T> inline bool name(T v) {                                                     \
    mlxts_cuda::math_t<T> x = static_cast<mlxts_cuda::math_t<T>>(v);                             \
    return expr;                                                                                 \
  }
MLXTS_CUDA_CLASSIFY(isnan, __builtin_isnan(x))
MLXTS_CUDA_CLASSIFY(isinf, __builtin_isinf(x))
MLXTS_CUDA_CLASSIFY(isfinite, __builtin_isfinite(x))
MLXTS_CUDA_CLASSIFY(signbit, __builtin_signbit(x) != 0)
#undef MLXTS_CUDA_CLASSIFY

inline int abs(int x) { return x < 0 ? -x : x; }
inline long abs(long x) { return x < 0 ? -x : x; }
inline long long abs(long long x) { return x < 0 ? -x : x; }
inline float abs(float x) { return __builtin_fabsf(x); }
inline double abs(double x) { return __builtin_fabs(x); }
template <class T, class = cuda::std::enable_if_t<mlxts_cuda::half_like<T>::value>>
inline float abs(T x) { return __builtin_fabsf(static_cast<float>(x)); }
inline long labs(long x) { return x < 0 ? -x : x; }
inline long long llabs(long long x) { return x < 0 ? -x : x; }

// min/max over any two arithmetic values, in their common type (CUDA's mixed
// signed/unsigned and float/double overloads); floats ignore a NaN like fminf.
namespace mlxts_cuda {
inline float pick_min(float a, float b) { return __builtin_fminf(a, b); }
inline double pick_min(double a, double b) { return __builtin_fmin(a, b); }
inline float pick_max(float a, float b) { return __builtin_fmaxf(a, b); }
inline double pick_max(double a, double b) { return __builtin_fmax(a, b); }
inline __half pick_min(__half a, __half b) { return static_cast<__half>(__builtin_fminf(a, b)); }
inline __half pick_max(__half a, __half b) { return static_cast<__half>(__builtin_fmaxf(a, b)); }
template <class T> inline T pick_min(T a, T b) { return b < a ? b : a; }
template <class T> inline T pick_max(T a, T b) { return a < b ? b : a; }
} // namespace mlxts_cuda
namespace mlxts_cuda {
// Arithmetic operands only; the usual arithmetic conversions give the result type.
template <class A, class B>
using common_t = decltype(math_rank<A>::value + math_rank<B>::value + A() + B());
} // namespace mlxts_cuda
template <class A, class B, class R = mlxts_cuda::common_t<A, B>>
inline R min(A a, B b) { return mlxts_cuda::pick_min(static_cast<R>(a), static_cast<R>(b)); }
template <class A, class B, class R = mlxts_cuda::common_t<A, B>>
inline R max(A a, B b) { return mlxts_cuda::pick_max(static_cast<R>(a), static_cast<R>(b)); }
inline unsigned int umin(unsigned int a, unsigned int b) { return a < b ? a : b; }
inline unsigned int umax(unsigned int a, unsigned int b) { return a < b ? b : a; }
inline long long llmin(long long a, long long b) { return a < b ? a : b; }
inline long long llmax(long long a, long long b) { return a < b ? b : a; }
inline unsigned long long ullmin(unsigned long long a, unsigned long long b) { return a < b ? a : b; }
inline unsigned long long ullmax(unsigned long long a, unsigned long long b) { return a < b ? b : a; }

// ---- intrinsics -------------------------------------------------------------
// The fast approximations are the accurate functions here.
inline float __expf(float x) { return __builtin_expf(x); }
inline float __exp10f(float x) { return __builtin_exp10f(x); }
inline float __logf(float x) { return __builtin_logf(x); }
inline float __log2f(float x) { return __builtin_log2f(x); }
inline float __log10f(float x) { return __builtin_log10f(x); }
inline float __sinf(float x) { return __builtin_sinf(x); }
inline float __cosf(float x) { return __builtin_cosf(x); }
inline float __tanf(float x) { return __builtin_tanf(x); }
inline void __sincosf(float x, float* s, float* c) { sincosf(x, s, c); }
inline float __powf(float x, float y) { return __builtin_powf(x, y); }
inline float __fdividef(float x, float y) { return x / y; }
inline float __saturatef(float x) { return x >= 1.0f ? 1.0f : (x > 0.0f ? x : 0.0f); } // NaN -> 0
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __fsqrt_rn(float x) { return __builtin_sqrtf(x); }
inline float __frsqrt_rn(float x) { return 1.0f / __builtin_sqrtf(x); }
inline float __fmaf_rn(float x, float y, float z) { return __builtin_fmaf(x, y, z); }
inline float __fadd_rn(float x, float y) { return x + y; }
inline float __fsub_rn(float x, float y) { return x - y; }
inline float __fmul_rn(float x, float y) { return x * y; }
inline float __fdiv_rn(float x, float y) { return x / y; }
inline double __dadd_rn(double x, double y) { return x + y; }
inline double __dsub_rn(double x, double y) { return x - y; }
inline double __dmul_rn(double x, double y) { return x * y; }
inline double __ddiv_rn(double x, double y) { return x / y; }
inline double __drcp_rn(double x) { return 1.0 / x; }
inline double __dsqrt_rn(double x) { return __builtin_sqrt(x); }
inline double __fma_rn(double x, double y, double z) { return __builtin_fma(x, y, z); }

inline float __int_as_float(int i) { return mlxts_cuda::bit_cast<float>(i); }
inline int __float_as_int(float f) { return mlxts_cuda::bit_cast<int>(f); }
inline float __uint_as_float(unsigned int i) { return mlxts_cuda::bit_cast<float>(i); }
inline unsigned int __float_as_uint(float f) { return mlxts_cuda::bit_cast<unsigned int>(f); }
inline long long __double_as_longlong(double d) { return mlxts_cuda::bit_cast<long long>(d); }
inline double __longlong_as_double(long long i) { return mlxts_cuda::bit_cast<double>(i); }
inline int __double2hiint(double d) { return static_cast<int>(__double_as_longlong(d) >> 32); }
inline int __double2loint(double d) { return static_cast<int>(__double_as_longlong(d)); }
inline double __hiloint2double(int hi, int lo) {
  return __longlong_as_double(static_cast<long long>((static_cast<unsigned long long>(static_cast<unsigned int>(hi)) << 32) |
                                                     static_cast<unsigned int>(lo)));
}

// Float <-> integer conversions saturate and send NaN to 0, as the hardware does.
#define MLXTS_CUDA_F2I(suffix, fround)                                                           \
  inline int __float2int_##suffix(float x) { return mlxts_cuda::saturate_to<int>(fround(x), -2147483647 - 1, 2147483647); } \
  inline unsigned int __float2uint_##suffix(float x) { return mlxts_cuda::saturate_to<unsigned int>(fround(x), 0u, 4294967295u); } \
  inline long long __float2ll_##suffix(float x) { return mlxts_cuda::saturate_to<long long>(fround(x), -9223372036854775807ll - 1, 9223372036854775807ll); } \
  inline unsigned long long __float2ull_##suffix(float x) { return mlxts_cuda::saturate_to<unsigned long long>(fround(x), 0ull, 18446744073709551615ull); } \
  inline int __double2int_##suffix(double x) { return mlxts_cuda::saturate_to<int>(fround(x), -2147483647 - 1, 2147483647); } \
  inline unsigned int __double2uint_##suffix(double x) { return mlxts_cuda::saturate_to<unsigned int>(fround(x), 0u, 4294967295u); } \
  inline long long __double2ll_##suffix(double x) { return mlxts_cuda::saturate_to<long long>(fround(x), -9223372036854775807ll - 1, 9223372036854775807ll); }
MLXTS_CUDA_F2I(rn, __builtin_rint)
MLXTS_CUDA_F2I(rz, __builtin_trunc)
MLXTS_CUDA_F2I(rd, __builtin_floor)
MLXTS_CUDA_F2I(ru, __builtin_ceil)
#undef MLXTS_CUDA_F2I
inline float __int2float_rn(int i) { return static_cast<float>(i); }
inline float __uint2float_rn(unsigned int i) { return static_cast<float>(i); }
inline float __ll2float_rn(long long i) { return static_cast<float>(i); }
inline float __ull2float_rn(unsigned long long i) { return static_cast<float>(i); }
inline float __double2float_rn(double d) { return static_cast<float>(d); }
inline double __int2double_rn(int i) { return static_cast<double>(i); }
inline double __uint2double_rn(unsigned int i) { return static_cast<double>(i); }
inline double __ll2double_rn(long long i) { return static_cast<double>(i); }

inline int __popc(unsigned int x) { return __builtin_popcount(x); }
inline int __popcll(unsigned long long x) { return __builtin_popcountll(x); }
inline int __clz(int x) { return x == 0 ? 32 : __builtin_clz(static_cast<unsigned int>(x)); }
inline int __clzll(long long x) { return x == 0 ? 64 : __builtin_clzll(static_cast<unsigned long long>(x)); }
inline int __ffs(int x) { return __builtin_ffs(x); }
inline int __ffsll(long long x) { return __builtin_ffsll(x); }
inline unsigned int __brev(unsigned int x) {
  x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
  x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
  x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
  return __builtin_bswap32(x);
}
inline unsigned long long __brevll(unsigned long long x) {
  return (static_cast<unsigned long long>(__brev(static_cast<unsigned int>(x))) << 32) |
         __brev(static_cast<unsigned int>(x >> 32));
}
inline unsigned int __byte_perm(unsigned int x, unsigned int y, unsigned int s) {
  unsigned long long bytes = (static_cast<unsigned long long>(y) << 32) | x;
  unsigned int r = 0;
  for (int i = 0; i < 4; ++i) r |= static_cast<unsigned int>((bytes >> (((s >> (4 * i)) & 7u) * 8)) & 0xffu) << (8 * i);
  return r;
}
inline unsigned int __umulhi(unsigned int x, unsigned int y) {
  return static_cast<unsigned int>((static_cast<unsigned long long>(x) * y) >> 32);
}
inline int __mulhi(int x, int y) { return static_cast<int>((static_cast<long long>(x) * y) >> 32); }
inline unsigned long long __umul64hi(unsigned long long x, unsigned long long y) {
  return static_cast<unsigned long long>((static_cast<unsigned __int128>(x) * y) >> 64);
}
inline long long __mul64hi(long long x, long long y) {
  return static_cast<long long>((static_cast<__int128>(x) * y) >> 64);
}
inline int __mul24(int x, int y) { return static_cast<int>((x << 8 >> 8) * (y << 8 >> 8)); }
inline unsigned int __umul24(unsigned int x, unsigned int y) { return (x & 0xffffffu) * (y & 0xffffffu); }
inline int __hadd(int x, int y) { return static_cast<int>((static_cast<long long>(x) + y) >> 1); }
inline int __rhadd(int x, int y) { return static_cast<int>((static_cast<long long>(x) + y + 1) >> 1); }
inline unsigned int __uhadd(unsigned int x, unsigned int y) { return static_cast<unsigned int>((static_cast<unsigned long long>(x) + y) >> 1); }
inline unsigned int __urhadd(unsigned int x, unsigned int y) { return static_cast<unsigned int>((static_cast<unsigned long long>(x) + y + 1) >> 1); }
inline unsigned int __sad(int x, int y, unsigned int z) { return z + static_cast<unsigned int>(x > y ? x - y : y - x); }
inline unsigned int __usad(unsigned int x, unsigned int y, unsigned int z) { return z + (x > y ? x - y : y - x); }
inline unsigned int __funnelshift_l(unsigned int lo, unsigned int hi, unsigned int shift) {
  return static_cast<unsigned int>((((static_cast<unsigned long long>(hi) << 32) | lo) << (shift & 31)) >> 32);
}
inline unsigned int __funnelshift_lc(unsigned int lo, unsigned int hi, unsigned int shift) {
  return static_cast<unsigned int>((((static_cast<unsigned long long>(hi) << 32) | lo) << (shift < 32 ? shift : 32)) >> 32);
}
inline unsigned int __funnelshift_r(unsigned int lo, unsigned int hi, unsigned int shift) {
  return static_cast<unsigned int>(((static_cast<unsigned long long>(hi) << 32) | lo) >> (shift & 31));
}
inline unsigned int __funnelshift_rc(unsigned int lo, unsigned int hi, unsigned int shift) {
  return static_cast<unsigned int>(((static_cast<unsigned long long>(hi) << 32) | lo) >> (shift < 32 ? shift : 32));
}

// Cached loads and stores: plain memory accesses (any pointer-like argument).
template <class P> inline auto __ldg(const P& p) { auto v = *p; return v; }
template <class P> inline auto __ldcg(const P& p) { auto v = *p; return v; }
template <class P> inline auto __ldca(const P& p) { auto v = *p; return v; }
template <class P> inline auto __ldcs(const P& p) { auto v = *p; return v; }
template <class P> inline auto __ldlu(const P& p) { auto v = *p; return v; }
template <class P> inline auto __ldcv(const P& p) { auto v = *p; return v; }
template <class P, class T> inline void __stcg(const P& p, T v) { *p = v; }
template <class P, class T> inline void __stcs(const P& p, T v) { *p = v; }
template <class P, class T> inline void __stwb(const P& p, T v) { *p = v; }
template <class P, class T> inline void __stwt(const P& p, T v) { *p = v; }

inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence_block() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __threadfence_system() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
inline void __nanosleep(unsigned int) {}
inline long long clock64() {
#if defined(__x86_64__) || defined(__i386__)
  return static_cast<long long>(__builtin_ia32_rdtsc());
#else
  return 0;
#endif
}

// ---- atomics (CUDA's overload set; checked buffers go through their bounds check) ----
#define MLXTS_CUDA_ATOMIC(fn, helper, T)                                                         \
  inline T fn(T* address, T val) { return mlxts_jit::helper(address, val); }
#define MLXTS_CUDA_ATOMIC_CHECKED(fn)                                                            \
  template <class T, class V> inline T fn(mlxts_jit::checked_ptr<T> address, V val) {            \
    return fn(&*address, static_cast<T>(val));                                                   \
  }
MLXTS_CUDA_ATOMIC(atomicAdd, atomic_add_value, int)
MLXTS_CUDA_ATOMIC(atomicAdd, atomic_add_value, unsigned int)
MLXTS_CUDA_ATOMIC(atomicAdd, atomic_add_value, unsigned long long)
MLXTS_CUDA_ATOMIC(atomicAdd, atomic_add_value, float)
MLXTS_CUDA_ATOMIC(atomicAdd, atomic_add_value, double)
MLXTS_CUDA_ATOMIC(atomicAdd, atomic_add_value, __half)
MLXTS_CUDA_ATOMIC(atomicAdd, atomic_add_value, __nv_bfloat16)
inline __half2 atomicAdd(__half2* address, __half2 val) {
  return mlxts_jit::atomic_update(address, [val](__half2 old) { return __hadd2(old, val); });
}
inline __nv_bfloat162 atomicAdd(__nv_bfloat162* address, __nv_bfloat162 val) {
  return mlxts_jit::atomic_update(address, [val](__nv_bfloat162 old) { return __hadd2(old, val); });
}
MLXTS_CUDA_ATOMIC_CHECKED(atomicAdd)
MLXTS_CUDA_ATOMIC(atomicSub, atomic_sub_value, int)
MLXTS_CUDA_ATOMIC(atomicSub, atomic_sub_value, unsigned int)
MLXTS_CUDA_ATOMIC_CHECKED(atomicSub)
MLXTS_CUDA_ATOMIC(atomicExch, atomic_exchange_value, int)
MLXTS_CUDA_ATOMIC(atomicExch, atomic_exchange_value, unsigned int)
MLXTS_CUDA_ATOMIC(atomicExch, atomic_exchange_value, unsigned long long)
MLXTS_CUDA_ATOMIC(atomicExch, atomic_exchange_value, float)
MLXTS_CUDA_ATOMIC_CHECKED(atomicExch)
#define MLXTS_CUDA_ATOMIC_INTS(fn, helper)                                                       \
  MLXTS_CUDA_ATOMIC(fn, helper, int) MLXTS_CUDA_ATOMIC(fn, helper, unsigned int)                 \
  MLXTS_CUDA_ATOMIC(fn, helper, long long) MLXTS_CUDA_ATOMIC(fn, helper, unsigned long long)     \
  MLXTS_CUDA_ATOMIC_CHECKED(fn)
MLXTS_CUDA_ATOMIC_INTS(atomicMax, atomic_max_value)
MLXTS_CUDA_ATOMIC_INTS(atomicMin, atomic_min_value)
#undef MLXTS_CUDA_ATOMIC_INTS
#define MLXTS_CUDA_ATOMIC_BITS(fn, helper)                                                       \
  MLXTS_CUDA_ATOMIC(fn, helper, int) MLXTS_CUDA_ATOMIC(fn, helper, unsigned int)                 \
  MLXTS_CUDA_ATOMIC(fn, helper, unsigned long long) MLXTS_CUDA_ATOMIC_CHECKED(fn)
MLXTS_CUDA_ATOMIC_BITS(atomicAnd, atomic_and_value)
MLXTS_CUDA_ATOMIC_BITS(atomicOr, atomic_or_value)
MLXTS_CUDA_ATOMIC_BITS(atomicXor, atomic_xor_value)
#undef MLXTS_CUDA_ATOMIC_BITS
#undef MLXTS_CUDA_ATOMIC
#undef MLXTS_CUDA_ATOMIC_CHECKED
// ((old >= val) ? 0 : (old + 1)) and (((old == 0) || (old > val)) ? val : (old - 1)).
inline unsigned int atomicInc(unsigned int* address, unsigned int val) {
  return mlxts_jit::atomic_update(address, [val](unsigned int old) { return old >= val ? 0u : old + 1u; });
}
inline unsigned int atomicDec(unsigned int* address, unsigned int val) {
  return mlxts_jit::atomic_update(address, [val](unsigned int old) { return old == 0u || old > val ? val : old - 1u; });
}
template <class V> inline unsigned int atomicInc(mlxts_jit::checked_ptr<unsigned int> a, V val) { return atomicInc(&*a, static_cast<unsigned int>(val)); }
template <class V> inline unsigned int atomicDec(mlxts_jit::checked_ptr<unsigned int> a, V val) { return atomicDec(&*a, static_cast<unsigned int>(val)); }
#define MLXTS_CUDA_CAS(T)                                                                        \
  inline T atomicCAS(T* address, T compare, T val) { return mlxts_jit::atomic_cas_value(address, compare, val); }
MLXTS_CUDA_CAS(int)
MLXTS_CUDA_CAS(unsigned int)
MLXTS_CUDA_CAS(unsigned long long)
MLXTS_CUDA_CAS(unsigned short)
#undef MLXTS_CUDA_CAS
template <class T, class C, class V> inline T atomicCAS(mlxts_jit::checked_ptr<T> address, C compare, V val) {
  return atomicCAS(&*address, static_cast<T>(compare), static_cast<T>(val));
}
// Scoped variants: every scope is the whole machine here.
#define atomicAdd_block atomicAdd
#define atomicAdd_system atomicAdd
#define atomicSub_block atomicSub
#define atomicSub_system atomicSub
#define atomicExch_block atomicExch
#define atomicExch_system atomicExch
#define atomicMax_block atomicMax
#define atomicMax_system atomicMax
#define atomicMin_block atomicMin
#define atomicMin_system atomicMin
#define atomicAnd_block atomicAnd
#define atomicAnd_system atomicAnd
#define atomicOr_block atomicOr
#define atomicOr_system atomicOr
#define atomicXor_block atomicXor
#define atomicXor_system atomicXor
#define atomicCAS_block atomicCAS
#define atomicCAS_system atomicCAS
#define atomicInc_block atomicInc
#define atomicInc_system atomicInc
#define atomicDec_block atomicDec
#define atomicDec_system atomicDec

// ---- cuda::std::complex (MLX's complex64_t on CUDA) -------------------------
namespace cuda {
namespace std {
/** Two values, real first: the layout of the runtime's complex64. */
template <class T> struct complex {
  T re_, im_;
  constexpr complex(T re = T(), T im = T()) : re_(re), im_(im) {}
  template <class U> constexpr complex(const complex<U>& o) : re_(T(o.real())), im_(T(o.imag())) {}
  constexpr T real() const { return re_; }
  constexpr T imag() const { return im_; }
  constexpr void real(T v) { re_ = v; }
  constexpr void imag(T v) { im_ = v; }
  constexpr complex& operator+=(const complex& o) { re_ += o.re_; im_ += o.im_; return *this; }
  constexpr complex& operator-=(const complex& o) { re_ -= o.re_; im_ -= o.im_; return *this; }
  constexpr complex& operator*=(const complex& o) { return *this = *this * o; }
  constexpr complex& operator/=(const complex& o) { return *this = *this / o; }
  friend constexpr complex operator+(const complex& a, const complex& b) { return {a.re_ + b.re_, a.im_ + b.im_}; }
  friend constexpr complex operator-(const complex& a, const complex& b) { return {a.re_ - b.re_, a.im_ - b.im_}; }
  friend constexpr complex operator*(const complex& a, const complex& b) {
    return {a.re_ * b.re_ - a.im_ * b.im_, a.re_ * b.im_ + a.im_ * b.re_};
  }
  friend constexpr complex operator/(const complex& a, const complex& b) {
    T d = b.re_ * b.re_ + b.im_ * b.im_;
    return {(a.re_ * b.re_ + a.im_ * b.im_) / d, (a.im_ * b.re_ - a.re_ * b.im_) / d};
  }
  friend constexpr complex operator+(const complex& a, T b) { return {a.re_ + b, a.im_}; }
  friend constexpr complex operator+(T a, const complex& b) { return {a + b.re_, b.im_}; }
  friend constexpr complex operator-(const complex& a, T b) { return {a.re_ - b, a.im_}; }
  friend constexpr complex operator-(T a, const complex& b) { return {a - b.re_, -b.im_}; }
  friend constexpr complex operator*(const complex& a, T b) { return {a.re_ * b, a.im_ * b}; }
  friend constexpr complex operator*(T a, const complex& b) { return {a * b.re_, a * b.im_}; }
  friend constexpr complex operator/(const complex& a, T b) { return {a.re_ / b, a.im_ / b}; }
  friend constexpr complex operator/(T a, const complex& b) { return complex(a) / b; }
  friend constexpr complex operator-(const complex& a) { return {-a.re_, -a.im_}; }
  friend constexpr complex operator+(const complex& a) { return a; }
  friend constexpr bool operator==(const complex& a, const complex& b) { return a.re_ == b.re_ && a.im_ == b.im_; }
  friend constexpr bool operator!=(const complex& a, const complex& b) { return !(a == b); }
};
template <class T> inline T real(const complex<T>& c) { return c.real(); }
template <class T> inline T imag(const complex<T>& c) { return c.imag(); }
template <class T> inline T abs(const complex<T>& c) { return ::hypot(c.real(), c.imag()); }
template <class T> inline T arg(const complex<T>& c) { return ::atan2(c.imag(), c.real()); }
template <class T> inline T norm(const complex<T>& c) { return c.real() * c.real() + c.imag() * c.imag(); }
template <class T> inline complex<T> conj(const complex<T>& c) { return {c.real(), -c.imag()}; }
template <class T> inline complex<T> polar(T r, T theta = T()) { return {r * ::cos(theta), r * ::sin(theta)}; }
template <class T> inline complex<T> exp(const complex<T>& c) { return polar(::exp(c.real()), c.imag()); }
template <class T> inline complex<T> log(const complex<T>& c) { return {::log(abs(c)), arg(c)}; }
} // namespace std
} // namespace cuda

// ---- warps, block synchronisation, cooperative groups -----------------------
#include "cuda_warp.h"

// ---- MLX's device prelude (mlx/backend/cuda/device/utils.cuh) ---------------
namespace mlx::core::cu {

template <typename T> using complex_t = cuda::std::complex<T>;
using complex64_t = complex_t<float>;
using complex128_t = complex_t<double>;
// Orders by real part, then imaginary part (MLX's operators for complex_t).
template <typename T> inline bool operator>(complex_t<T> a, complex_t<T> b) {
  return a.real() > b.real() || (a.real() == b.real() && a.imag() > b.imag());
}
template <typename T> inline bool operator<(complex_t<T> a, complex_t<T> b) { return b > a; }
template <typename T> inline bool operator<=(complex_t<T> a, complex_t<T> b) { return !(a > b); }
template <typename T> inline bool operator>=(complex_t<T> a, complex_t<T> b) { return !(a < b); }
template <typename T> inline complex_t<T> operator%(complex_t<T> a, complex_t<T> b) {
  return {a.real() - ::floor(a.real() / b.real()) * b.real(), a.imag() - ::floor(a.imag() / b.imag()) * b.imag()};
}

// Passed by value; the runtime hands the kernel a pointer to one of these.
using Shape = cuda::std::array<int32_t, MAX_NDIM>;
using Strides = cuda::std::array<int64_t, MAX_NDIM>;

template <typename T, int N> struct alignas(sizeof(T) * N) AlignedVector {
  T val[N];
  T& operator[](int i) { return val[i]; }
  T operator[](int i) const { return val[i]; }
};

template <int N, typename T> inline bool is_aligned(T* x) {
  return reinterpret_cast<uintptr_t>(x) % (N * sizeof(T)) == 0;
}


// Vector loads/stores element by element: every pointer-like buffer works, and
// the compiler vectorises the loop for plain pointers.
template <int N, typename P> inline AlignedVector<mlxts_cuda::pointee_t<P>, N> unsafe_load_vector(P ptr, uint32_t offset) {
  AlignedVector<mlxts_cuda::pointee_t<P>, N> v;
  for (int i = 0; i < N; ++i) v[i] = ptr[offset * N + i];
  return v;
}
template <int N, typename P> inline AlignedVector<mlxts_cuda::pointee_t<P>, N> load_vector(P ptr, uint32_t offset) {
  return unsafe_load_vector<N>(ptr, offset);
}
template <int N, typename P, typename SizeT, typename T>
inline AlignedVector<mlxts_cuda::pointee_t<P>, N> load_vector(P ptr, uint32_t offset, SizeT size, T fallback) {
  AlignedVector<mlxts_cuda::pointee_t<P>, N> v;
  for (int i = 0; i < N; ++i)
    v[i] = static_cast<int64_t>(N * offset + i) < static_cast<int64_t>(size) ? ptr[offset * N + i] : fallback;
  return v;
}
template <int N, typename P, typename SizeT, typename T>
inline AlignedVector<mlxts_cuda::pointee_t<P>, N> load_vector(P ptr, uint32_t offset, SizeT size, int64_t stride, T fallback) {
  AlignedVector<mlxts_cuda::pointee_t<P>, N> v;
  for (int i = 0; i < N; ++i)
    v[i] = static_cast<int64_t>(N * offset + i) < static_cast<int64_t>(size) ? ptr[stride * (offset * N + i)] : fallback;
  return v;
}
template <int N, typename P, typename T> inline void unsafe_store_vector(P ptr, uint32_t offset, const AlignedVector<T, N>& vec) {
  for (int i = 0; i < N; ++i) ptr[offset * N + i] = vec[i];
}
template <int N, typename P, typename T> inline void store_vector(P ptr, uint32_t offset, const AlignedVector<T, N>& vec) {
  unsafe_store_vector<N>(ptr, offset, vec);
}
template <int N, typename P, typename T, typename SizeT>
inline void store_vector(P ptr, uint32_t offset, const AlignedVector<T, N>& vec, SizeT size) {
  for (int i = 0; i < N && static_cast<int64_t>(offset * N + i) < static_cast<int64_t>(size); ++i) ptr[offset * N + i] = vec[i];
}
template <int N, typename P, typename T, typename SizeT>
inline void store_vector(P ptr, uint32_t offset, const AlignedVector<T, N>& vec, SizeT size, int64_t stride) {
  for (int i = 0; i < N && static_cast<int64_t>(offset * N + i) < static_cast<int64_t>(size); ++i)
    ptr[stride * (offset * N + i)] = vec[i];
}

constexpr float F8E4M3_MAX = 448.0f;
constexpr float F4E2M1_MAX = 6.0f;

// max/min are +-inf for floating types, the numeric range otherwise.
template <typename T> struct Limits {
  static constexpr bool floating = cuda::std::is_same_v<T, float> || cuda::std::is_same_v<T, double> ||
                                   cuda::std::is_same_v<T, __half> || cuda::std::is_same_v<T, __nv_bfloat16>;
  static constexpr T max() {
    if constexpr (floating) return std::numeric_limits<T>::infinity();
    else return std::numeric_limits<T>::max();
  }
  static constexpr T min() {
    if constexpr (floating) return -std::numeric_limits<T>::infinity();
    else return std::numeric_limits<T>::min();
  }
  static constexpr T finite_max() { return std::numeric_limits<T>::max(); }
  static constexpr T finite_min() {
    if constexpr (floating) return std::numeric_limits<T>::lowest();
    else return std::numeric_limits<T>::min();
  }
};
template <> struct Limits<bool> {
  static constexpr bool max() { return true; }
  static constexpr bool min() { return false; }
};

// Location of element `elem` (row-major over `shape`) in a strided array.
template <typename IdxT = int64_t>
inline IdxT elem_to_loc(IdxT elem, const int* shape, const int64_t* strides, int ndim) {
  IdxT loc = 0;
  for (int i = ndim - 1; i >= 0 && elem > 0; --i) {
    loc += (elem % shape[i]) * IdxT(strides[i]);
    elem /= shape[i];
  }
  return loc;
}
template <typename IdxT = int64_t>
inline cuda::std::tuple<IdxT, IdxT> elem_to_loc(IdxT elem, const int* shape, const int64_t* a_strides,
                                               const int64_t* b_strides, int ndim) {
  IdxT a = 0, b = 0;
  for (int i = ndim - 1; i >= 0; --i) {
    int d = elem % shape[i];
    a += d * IdxT(a_strides[i]);
    b += d * IdxT(b_strides[i]);
    elem /= shape[i];
  }
  return {a, b};
}
template <typename IdxT = int64_t>
inline cuda::std::tuple<IdxT, IdxT, IdxT> elem_to_loc(IdxT elem, const int* shape, const int64_t* a_strides,
                                                     const int64_t* b_strides, const int64_t* c_strides, int ndim) {
  IdxT a = 0, b = 0, c = 0;
  for (int i = ndim - 1; i >= 0; --i) {
    int d = elem % shape[i];
    a += d * IdxT(a_strides[i]);
    b += d * IdxT(b_strides[i]);
    c += d * IdxT(c_strides[i]);
    elem /= shape[i];
  }
  return {a, b, c};
}
template <int NDIM, typename IdxT = int64_t>
inline IdxT elem_to_loc_nd(IdxT elem, const int* shape, const int64_t* strides) {
  IdxT loc = 0;
  for (int i = NDIM - 1; i >= 0; --i) {
    loc += (elem % shape[i]) * IdxT(strides[i]);
    elem /= shape[i];
  }
  return loc;
}
template <int NDIM, typename IdxT = int64_t>
inline cuda::std::tuple<IdxT, IdxT> elem_to_loc_nd(IdxT elem, const int* shape, const int64_t* a_strides,
                                                  const int64_t* b_strides) {
  return elem_to_loc<IdxT>(elem, shape, a_strides, b_strides, NDIM);
}
template <int NDIM, typename IdxT = int64_t>
inline cuda::std::tuple<IdxT, IdxT, IdxT> elem_to_loc_nd(IdxT elem, const int* shape, const int64_t* a_strides,
                                                        const int64_t* b_strides, const int64_t* c_strides) {
  return elem_to_loc<IdxT>(elem, shape, a_strides, b_strides, c_strides, NDIM);
}

// Walks the locations of consecutive elements of a strided array. General=false:
// the array is one-dimensional (a single stride).
template <int DIM, bool General = true, typename OffsetT = size_t> struct LoopedElemToLoc {
  int dim;
  OffsetT offset{0};
  int64_t index{0};
  explicit LoopedElemToLoc(int d) : dim(d) {}
  void next(const int* shape, const int64_t* strides) { next(1, shape, strides); }
  void next(int n, const int* shape, const int64_t* strides) {
    if (!General) {
      offset += n * OffsetT(strides[0]);
      return;
    }
    index += n;
    offset = static_cast<OffsetT>(elem_to_loc<int64_t>(index, shape, strides, dim));
  }
  OffsetT location() { return offset; }
};

} // namespace mlx::core::cu

// MLX compiles the body inside mlx::core::cu; its names are visible here too.
using namespace mlx::core::cu;
