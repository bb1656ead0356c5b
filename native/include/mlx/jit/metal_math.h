// Metal's math library (namespace metal) for kernel bodies compiled for the
// CPU: float/half/bfloat/double overloads (16-bit types compute in float and
// return their own type, as exp(half) -> half in Metal), element-wise vector
// versions, geometric and integer functions, as_type, numeric_limits and the
// constants Metal predefines. Built on __builtin_* rather than <cmath>, whose
// global double overloads would make unqualified floor(x) ambiguous.
#pragma once

#include <float.h>
#include <limits.h>

#include "metal_vec.h"

namespace mlxts_jit::mtl {

/** The vec<T, N> a vector-like argument (vec, swizzle, packed_vec) stands for. */
template <class X> struct vec_of {};
template <class T, int N> struct vec_of<metal::vec<T, N>> { using type = metal::vec<T, N>; };
template <class V, class T, int N, int... I> struct vec_of<metal::swizzle<V, T, N, I...>> {
  using type = V;
};
template <class T, int N, class V> struct vec_of<metal::packed_vec<T, N, V>> { using type = V; };
template <class X> using vec_of_t = typename vec_of<X>::type;
template <class X> concept vec_like = requires { typename vec_of<X>::type; };

/** The vector type of the first vector-like argument: the others broadcast to it. */
template <class... X> struct first_vec;
template <class X, class... R> struct first_vec<X, R...> {
  using type = typename first_vec<R...>::type;
};
template <vec_like X, class... R> struct first_vec<X, R...> { using type = vec_of_t<X>; };
template <class... X> using first_vec_t = typename first_vec<X...>::type;
template <class... X> concept any_vec = (vec_like<X> || ...);

/** Common type of mixed scalar arguments: the wider float, else the usual integer promotion. */
template <class A, class B, bool = (kind<A>::value >= kind<B>::value)> struct wider {
  using type = A;
};
template <class A, class B> struct wider<A, B, false> { using type = B; };
template <class A, class B, bool = (kind<A>::value == 1 && kind<B>::value == 1)> struct common {
  using type = typename wider<A, B>::type;
};
template <class A, class B> struct common<A, B, true> { using type = decltype(A() + B()); };
template <class A, class B> using common_t = typename common<A, B>::type;

/** As common_t, but integers compute in float (for the float-only functions). */
template <class A, class B> using float_common_t =
    typename wider<typename wider<A, B>::type, float, (kind<typename wider<A, B>::type>::value >= 2)>::type;

/** A bfloat16 from its bits, usable in constant expressions. */
constexpr bfloat16_t bf16_bits(uint16_t bits) {
  bfloat16_t out{};
  out.bits = bits;
  return out;
}

} // namespace mlxts_jit::mtl

namespace metal {

// Element-wise application over vector-like arguments (scalars broadcast).
#define MLXTS_MAP1(F, X)                                                                  \
  using V = mlxts_jit::mtl::vec_of_t<X>;                                                  \
  V v(x), out;                                                                            \
  for (int i = 0; i < V::mlxts_n; ++i) out.e[i] = F(v.e[i]);                              \
  return out;
#define MLXTS_MAP2(F, A, B)                                                               \
  using V = mlxts_jit::mtl::first_vec_t<A, B>;                                            \
  V va(a), vb(b), out;                                                                    \
  for (int i = 0; i < V::mlxts_n; ++i) out.e[i] = F(va.e[i], vb.e[i]);                    \
  return out;
#define MLXTS_MAP3(F, A, B, C)                                                            \
  using V = mlxts_jit::mtl::first_vec_t<A, B, C>;                                         \
  V va(a), vb(b), vc(c), out;                                                             \
  for (int i = 0; i < V::mlxts_n; ++i) out.e[i] = F(va.e[i], vb.e[i], vc.e[i]);           \
  return out;

// Overloads of a float function: FBODY/DBODY compute it for float/double `x`.
#define MLXTS_UNARY(F, FBODY, DBODY)                                                      \
  inline float F(float x) { return FBODY; }                                               \
  inline double F(double x) { return DBODY; }                                             \
  inline half F(half x) { return static_cast<half>(F(static_cast<float>(x))); }           \
  inline bfloat16_t F(bfloat16_t x) { return bfloat16_t(F(static_cast<float>(x))); }      \
  template <mlxts_jit::mtl::integral I> inline float F(I x) { return F(static_cast<float>(x)); } \
  template <mlxts_jit::mtl::vec_like X> inline mlxts_jit::mtl::vec_of_t<X> F(const X& x) { \
    MLXTS_MAP1(F, X)                                                                      \
  }
#define MLXTS_UNARY_BUILTIN(F, B) MLXTS_UNARY(F, __builtin_##B##f(x), __builtin_##B(x))

MLXTS_UNARY_BUILTIN(exp, exp)
MLXTS_UNARY_BUILTIN(exp2, exp2)
MLXTS_UNARY_BUILTIN(exp10, exp10)
MLXTS_UNARY_BUILTIN(log, log)
MLXTS_UNARY_BUILTIN(log2, log2)
MLXTS_UNARY_BUILTIN(log10, log10)
MLXTS_UNARY_BUILTIN(sqrt, sqrt)
MLXTS_UNARY_BUILTIN(sin, sin)
MLXTS_UNARY_BUILTIN(cos, cos)
MLXTS_UNARY_BUILTIN(tan, tan)
MLXTS_UNARY_BUILTIN(asin, asin)
MLXTS_UNARY_BUILTIN(acos, acos)
MLXTS_UNARY_BUILTIN(atan, atan)
MLXTS_UNARY_BUILTIN(sinh, sinh)
MLXTS_UNARY_BUILTIN(cosh, cosh)
MLXTS_UNARY_BUILTIN(tanh, tanh)
MLXTS_UNARY_BUILTIN(asinh, asinh)
MLXTS_UNARY_BUILTIN(acosh, acosh)
MLXTS_UNARY_BUILTIN(atanh, atanh)
MLXTS_UNARY_BUILTIN(floor, floor)
MLXTS_UNARY_BUILTIN(ceil, ceil)
MLXTS_UNARY_BUILTIN(round, round)
MLXTS_UNARY_BUILTIN(rint, rint)
MLXTS_UNARY_BUILTIN(trunc, trunc)
MLXTS_UNARY_BUILTIN(fabs, fabs)
MLXTS_UNARY(rsqrt, 1.0f / __builtin_sqrtf(x), 1.0 / __builtin_sqrt(x))
MLXTS_UNARY(fract, __builtin_fminf(x - __builtin_floorf(x), 0x1.fffffep-1f),
            __builtin_fmin(x - __builtin_floor(x), 0x1.fffffffffffffp-1))
MLXTS_UNARY(sign, x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x == 0.0f ? x : 0.0f,
            x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : x == 0.0 ? x : 0.0)
MLXTS_UNARY(sinpi, __builtin_sinf(x * 3.14159265358979323846f), __builtin_sin(x * 3.14159265358979323846))
MLXTS_UNARY(cospi, __builtin_cosf(x * 3.14159265358979323846f), __builtin_cos(x * 3.14159265358979323846))
MLXTS_UNARY(tanpi, __builtin_tanf(x * 3.14159265358979323846f), __builtin_tan(x * 3.14159265358979323846))
MLXTS_UNARY(saturate, __builtin_fminf(__builtin_fmaxf(x, 0.0f), 1.0f),
            __builtin_fmin(__builtin_fmax(x, 0.0), 1.0))
#undef MLXTS_UNARY_BUILTIN
#undef MLXTS_UNARY

// abs keeps integers integral (Metal's abs is also the integer absolute value).
inline float abs(float x) { return __builtin_fabsf(x); }
inline double abs(double x) { return __builtin_fabs(x); }
inline half abs(half x) { return static_cast<half>(__builtin_fabsf(static_cast<float>(x))); }
inline bfloat16_t abs(bfloat16_t x) { return bfloat16_t(__builtin_fabsf(static_cast<float>(x))); }
template <mlxts_jit::mtl::integral I> inline I abs(I x) {
  using U = typename mlxts_jit::bits_of<sizeof(I)>::type; // negating INT_MIN wraps, as on the GPU
  return x < I(0) ? static_cast<I>(static_cast<U>(U(0) - static_cast<U>(x))) : x;
}
template <mlxts_jit::mtl::vec_like X> inline mlxts_jit::mtl::vec_of_t<X> abs(const X& x) {
  MLXTS_MAP1(abs, X)
}

// Binary float functions over a, b; mixed scalar types compute in the wider one.
#define MLXTS_BINARY(F, FBODY, DBODY)                                                     \
  inline float F(float a, float b) { return FBODY; }                                      \
  inline double F(double a, double b) { return DBODY; }                                   \
  inline half F(half a, half b) {                                                         \
    return static_cast<half>(F(static_cast<float>(a), static_cast<float>(b)));            \
  }                                                                                       \
  inline bfloat16_t F(bfloat16_t a, bfloat16_t b) {                                       \
    return bfloat16_t(F(static_cast<float>(a), static_cast<float>(b)));                   \
  }                                                                                       \
  template <mlxts_jit::mtl::scalar A, mlxts_jit::mtl::scalar B>                           \
  inline mlxts_jit::mtl::float_common_t<A, B> F(A a, B b) {                               \
    using C = mlxts_jit::mtl::float_common_t<A, B>;                                       \
    return F(static_cast<C>(a), static_cast<C>(b));                                       \
  }                                                                                       \
  template <class A, class B>                                                             \
    requires mlxts_jit::mtl::any_vec<A, B>                                                \
  inline mlxts_jit::mtl::first_vec_t<A, B> F(const A& a, const B& b) {                    \
    MLXTS_MAP2(F, A, B)                                                                   \
  }
#define MLXTS_BINARY_BUILTIN(F, B) MLXTS_BINARY(F, __builtin_##B##f(a, b), __builtin_##B(a, b))

MLXTS_BINARY_BUILTIN(pow, pow)
MLXTS_BINARY_BUILTIN(powr, pow)
MLXTS_BINARY_BUILTIN(atan2, atan2)
MLXTS_BINARY_BUILTIN(fmod, fmod)
MLXTS_BINARY_BUILTIN(fmin, fmin)
MLXTS_BINARY_BUILTIN(fmax, fmax)
MLXTS_BINARY_BUILTIN(fdim, fdim)
MLXTS_BINARY_BUILTIN(copysign, copysign)
MLXTS_BINARY(divide, a / b, a / b)
MLXTS_BINARY(step, b < a ? 0.0f : 1.0f, b < a ? 0.0 : 1.0) // step(edge, x)
#undef MLXTS_BINARY_BUILTIN
#undef MLXTS_BINARY

// min / max: floats through fmin/fmax (a NaN loses), integers keep their type.
#define MLXTS_MINMAX(F, FB, CMP)                                                          \
  inline float F(float a, float b) { return __builtin_##FB##f(a, b); }                    \
  inline double F(double a, double b) { return __builtin_##FB(a, b); }                    \
  inline half F(half a, half b) {                                                         \
    return static_cast<half>(__builtin_##FB##f(static_cast<float>(a), static_cast<float>(b))); \
  }                                                                                       \
  inline bfloat16_t F(bfloat16_t a, bfloat16_t b) {                                       \
    return bfloat16_t(__builtin_##FB##f(static_cast<float>(a), static_cast<float>(b)));   \
  }                                                                                       \
  template <mlxts_jit::mtl::integral I> inline I F(I a, I b) { return b CMP a ? b : a; }  \
  template <mlxts_jit::mtl::scalar A, mlxts_jit::mtl::scalar B>                           \
    requires(!mlxts_jit::mtl::same<A, B>::value)                                          \
  inline mlxts_jit::mtl::common_t<A, B> F(A a, B b) {                                     \
    using C = mlxts_jit::mtl::common_t<A, B>;                                             \
    return F(static_cast<C>(a), static_cast<C>(b));                                       \
  }                                                                                       \
  template <class A, class B>                                                             \
    requires mlxts_jit::mtl::any_vec<A, B>                                                \
  inline mlxts_jit::mtl::first_vec_t<A, B> F(const A& a, const B& b) {                    \
    MLXTS_MAP2(F, A, B)                                                                   \
  }
MLXTS_MINMAX(min, fmin, <)
MLXTS_MINMAX(max, fmax, >)
#undef MLXTS_MINMAX

// Ternary float functions over a, b, c.
#define MLXTS_TERNARY(F, FBODY, DBODY)                                                    \
  inline float F(float a, float b, float c) { return FBODY; }                             \
  inline double F(double a, double b, double c) { return DBODY; }                         \
  inline half F(half a, half b, half c) {                                                 \
    return static_cast<half>(                                                             \
        F(static_cast<float>(a), static_cast<float>(b), static_cast<float>(c)));          \
  }                                                                                       \
  inline bfloat16_t F(bfloat16_t a, bfloat16_t b, bfloat16_t c) {                         \
    return bfloat16_t(F(static_cast<float>(a), static_cast<float>(b), static_cast<float>(c))); \
  }                                                                                       \
  template <mlxts_jit::mtl::scalar A, mlxts_jit::mtl::scalar B, mlxts_jit::mtl::scalar C> \
  inline mlxts_jit::mtl::float_common_t<mlxts_jit::mtl::float_common_t<A, B>, C> F(A a, B b, C c) { \
    using R = mlxts_jit::mtl::float_common_t<mlxts_jit::mtl::float_common_t<A, B>, C>;    \
    return F(static_cast<R>(a), static_cast<R>(b), static_cast<R>(c));                    \
  }                                                                                       \
  template <class A, class B, class C>                                                    \
    requires mlxts_jit::mtl::any_vec<A, B, C>                                             \
  inline mlxts_jit::mtl::first_vec_t<A, B, C> F(const A& a, const B& b, const C& c) {     \
    MLXTS_MAP3(F, A, B, C)                                                                \
  }

MLXTS_TERNARY(fma, __builtin_fmaf(a, b, c), __builtin_fma(a, b, c))
MLXTS_TERNARY(mix, a + (b - a) * c, a + (b - a) * c)
MLXTS_TERNARY(smoothstep,
              [](float t) { return t * t * (3.0f - 2.0f * t); }(
                  __builtin_fminf(__builtin_fmaxf((c - a) / (b - a), 0.0f), 1.0f)),
              [](double t) { return t * t * (3.0 - 2.0 * t); }(
                  __builtin_fmin(__builtin_fmax((c - a) / (b - a), 0.0), 1.0)))
#undef MLXTS_TERNARY

// clamp(x, lo, hi) = min(max(x, lo), hi), for floats and integers.
inline float clamp(float x, float lo, float hi) { return __builtin_fminf(__builtin_fmaxf(x, lo), hi); }
inline double clamp(double x, double lo, double hi) { return __builtin_fmin(__builtin_fmax(x, lo), hi); }
inline half clamp(half x, half lo, half hi) {
  return static_cast<half>(clamp(static_cast<float>(x), static_cast<float>(lo), static_cast<float>(hi)));
}
inline bfloat16_t clamp(bfloat16_t x, bfloat16_t lo, bfloat16_t hi) {
  return bfloat16_t(clamp(static_cast<float>(x), static_cast<float>(lo), static_cast<float>(hi)));
}
template <mlxts_jit::mtl::integral I> inline I clamp(I x, I lo, I hi) {
  return x < lo ? lo : (hi < x ? hi : x);
}
template <mlxts_jit::mtl::scalar A, mlxts_jit::mtl::scalar B, mlxts_jit::mtl::scalar C>
  requires(!(mlxts_jit::mtl::same<A, B>::value && mlxts_jit::mtl::same<B, C>::value))
inline mlxts_jit::mtl::common_t<mlxts_jit::mtl::common_t<A, B>, C> clamp(A x, B lo, C hi) {
  using R = mlxts_jit::mtl::common_t<mlxts_jit::mtl::common_t<A, B>, C>;
  return clamp(static_cast<R>(x), static_cast<R>(lo), static_cast<R>(hi));
}
template <class A, class B, class C>
  requires mlxts_jit::mtl::any_vec<A, B, C>
inline mlxts_jit::mtl::first_vec_t<A, B, C> clamp(const A& a, const B& b, const C& c) {
  MLXTS_MAP3(clamp, A, B, C)
}

/** The largest / smallest / middle of three. */
template <class A, class B, class C> inline auto max3(A a, B b, C c) { return max(max(a, b), c); }
template <class A, class B, class C> inline auto min3(A a, B b, C c) { return min(min(a, b), c); }
template <class A, class B, class C> inline auto fmax3(A a, B b, C c) { return fmax(fmax(a, b), c); }
template <class A, class B, class C> inline auto fmin3(A a, B b, C c) { return fmin(fmin(a, b), c); }
template <class A, class B, class C> inline auto median3(A a, B b, C c) {
  return max(min(a, b), min(max(a, b), c));
}

/** select(a, b, c): c ? b : a, element-wise for vectors. */
template <class T> inline T select(T a, mlxts_jit::mtl::identity_t<T> b, bool c) { return c ? b : a; }
template <class A, class B, class C>
  requires mlxts_jit::mtl::any_vec<A, B>
inline mlxts_jit::mtl::first_vec_t<A, B> select(const A& a, const B& b, const C& c) {
  using V = mlxts_jit::mtl::first_vec_t<A, B>;
  V va(a), vb(b), out;
  vec<bool, V::mlxts_n> vc(c);
  for (int i = 0; i < V::mlxts_n; ++i) out.e[i] = vc.e[i] ? vb.e[i] : va.e[i];
  return out;
}

// Classification: bool for scalars, bool vectors for vectors.
#define MLXTS_PREDICATE(F, BODY)                                                          \
  inline bool F(float x) { return BODY; }                                                 \
  inline bool F(double x) { return BODY; }                                                \
  inline bool F(half x) { return F(static_cast<float>(x)); }                              \
  inline bool F(bfloat16_t x) { return F(static_cast<float>(x)); }                        \
  template <mlxts_jit::mtl::vec_like X>                                                   \
  inline vec<bool, mlxts_jit::mtl::vec_of_t<X>::mlxts_n> F(const X& x) {                  \
    using V = mlxts_jit::mtl::vec_of_t<X>;                                                \
    V v(x);                                                                               \
    vec<bool, V::mlxts_n> out;                                                            \
    for (int i = 0; i < V::mlxts_n; ++i) out.e[i] = F(v.e[i]);                            \
    return out;                                                                           \
  }
MLXTS_PREDICATE(isnan, __builtin_isnan(x))
MLXTS_PREDICATE(isinf, __builtin_isinf(x))
MLXTS_PREDICATE(isfinite, __builtin_isfinite(x))
MLXTS_PREDICATE(isnormal, __builtin_isnormal(x))
MLXTS_PREDICATE(signbit, __builtin_signbit(x))
#undef MLXTS_PREDICATE

inline float ldexp(float x, int k) { return __builtin_ldexpf(x, k); }
inline double ldexp(double x, int k) { return __builtin_ldexp(x, k); }
inline half ldexp(half x, int k) { return static_cast<half>(__builtin_ldexpf(static_cast<float>(x), k)); }
inline bfloat16_t ldexp(bfloat16_t x, int k) { return bfloat16_t(__builtin_ldexpf(static_cast<float>(x), k)); }
inline float frexp(float x, int& k) { return __builtin_frexpf(x, &k); }
inline double frexp(double x, int& k) { return __builtin_frexp(x, &k); }
inline half frexp(half x, int& k) { return static_cast<half>(__builtin_frexpf(static_cast<float>(x), &k)); }
template <class T> inline T sincos(T x, T& cosval) {
  cosval = cos(x);
  return sin(x);
}
inline float modf(float x, float& whole) { return __builtin_modff(x, &whole); }
inline double modf(double x, double& whole) { return __builtin_modf(x, &whole); }

// ---- geometric functions ----------------------------------------------------

template <class A, class B>
  requires mlxts_jit::mtl::any_vec<A, B>
inline typename mlxts_jit::mtl::first_vec_t<A, B>::mlxts_elem dot(const A& a, const B& b) {
  using V = mlxts_jit::mtl::first_vec_t<A, B>;
  V va(a), vb(b);
  auto sum = va.e[0] * vb.e[0];
  for (int i = 1; i < V::mlxts_n; ++i) sum += va.e[i] * vb.e[i];
  return static_cast<typename V::mlxts_elem>(sum);
}
template <mlxts_jit::mtl::vec_like X>
inline typename mlxts_jit::mtl::vec_of_t<X>::mlxts_elem length_squared(const X& x) {
  return dot(x, x);
}
template <mlxts_jit::mtl::vec_like X>
inline typename mlxts_jit::mtl::vec_of_t<X>::mlxts_elem length(const X& x) {
  return sqrt(dot(x, x));
}
template <class A, class B>
  requires mlxts_jit::mtl::any_vec<A, B>
inline typename mlxts_jit::mtl::first_vec_t<A, B>::mlxts_elem distance(const A& a, const B& b) {
  using V = mlxts_jit::mtl::first_vec_t<A, B>;
  return length(V(a) - V(b));
}
template <class A, class B>
  requires mlxts_jit::mtl::any_vec<A, B>
inline typename mlxts_jit::mtl::first_vec_t<A, B>::mlxts_elem distance_squared(const A& a, const B& b) {
  using V = mlxts_jit::mtl::first_vec_t<A, B>;
  return length_squared(V(a) - V(b));
}
template <mlxts_jit::mtl::vec_like X>
inline mlxts_jit::mtl::vec_of_t<X> normalize(const X& x) {
  using V = mlxts_jit::mtl::vec_of_t<X>;
  V v(x);
  return v * rsqrt(dot(v, v));
}
template <class A, class B>
  requires mlxts_jit::mtl::any_vec<A, B>
inline mlxts_jit::mtl::first_vec_t<A, B> cross(const A& a, const B& b) {
  using V = mlxts_jit::mtl::first_vec_t<A, B>;
  static_assert(V::mlxts_n == 3, "cross takes 3-component vectors");
  V u(a), v(b);
  return V(u.e[1] * v.e[2] - u.e[2] * v.e[1], u.e[2] * v.e[0] - u.e[0] * v.e[2],
           u.e[0] * v.e[1] - u.e[1] * v.e[0]);
}

/** all / any: of a bool vector (other element types test != 0); a bool is itself. */
inline bool all(bool b) { return b; }
inline bool any(bool b) { return b; }
template <mlxts_jit::mtl::vec_like X> inline bool all(const X& x) {
  mlxts_jit::mtl::vec_of_t<X> v(x);
  for (int i = 0; i < v.mlxts_n; ++i)
    if (!v.e[i]) return false;
  return true;
}
template <mlxts_jit::mtl::vec_like X> inline bool any(const X& x) {
  mlxts_jit::mtl::vec_of_t<X> v(x);
  for (int i = 0; i < v.mlxts_n; ++i)
    if (v.e[i]) return true;
  return false;
}

#undef MLXTS_MAP3
#undef MLXTS_MAP2
#undef MLXTS_MAP1

// ---- integer functions ------------------------------------------------------

template <mlxts_jit::mtl::integral I> inline I popcount(I x) {
  using U = typename mlxts_jit::bits_of<sizeof(I)>::type;
  return static_cast<I>(__builtin_popcountll(static_cast<U>(x)));
}
/** Leading zero bits; the bit width for 0. */
template <mlxts_jit::mtl::integral I> inline I clz(I x) {
  using U = typename mlxts_jit::bits_of<sizeof(I)>::type;
  constexpr int bits = 8 * sizeof(I);
  U u = static_cast<U>(x);
  return static_cast<I>(u == 0 ? bits : __builtin_clzll(u) - (64 - bits));
}
/** Trailing zero bits; the bit width for 0. */
template <mlxts_jit::mtl::integral I> inline I ctz(I x) {
  using U = typename mlxts_jit::bits_of<sizeof(I)>::type;
  U u = static_cast<U>(x);
  return static_cast<I>(u == 0 ? 8 * sizeof(I) : __builtin_ctzll(u));
}
/** The high half of the full product x * y. */
template <mlxts_jit::mtl::integral I> inline I mulhi(I x, mlxts_jit::mtl::identity_t<I> y) {
  constexpr bool is_signed = I(-1) < I(0);
  if constexpr (sizeof(I) == 8) {
    using W = typename mlxts_jit::mtl::wider<__int128, unsigned __int128, is_signed>::type;
    return static_cast<I>((static_cast<W>(x) * static_cast<W>(y)) >> 64);
  } else {
    using W = typename mlxts_jit::mtl::wider<long long, unsigned long long, is_signed>::type;
    return static_cast<I>((static_cast<W>(x) * static_cast<W>(y)) >> (8 * sizeof(I)));
  }
}
/** |x - y| without overflow, in the unsigned type of the same width (as Metal). */
template <mlxts_jit::mtl::integral I>
inline typename mlxts_jit::bits_of<sizeof(I)>::type absdiff(I x, mlxts_jit::mtl::identity_t<I> y) {
  using U = typename mlxts_jit::bits_of<sizeof(I)>::type;
  return x > y ? static_cast<U>(static_cast<U>(x) - static_cast<U>(y))
               : static_cast<U>(static_cast<U>(y) - static_cast<U>(x));
}
/** Rotates the bits of x left by n (modulo the bit width). */
template <mlxts_jit::mtl::integral I> inline I rotate(I x, mlxts_jit::mtl::identity_t<I> n) {
  using U = typename mlxts_jit::bits_of<sizeof(I)>::type;
  constexpr unsigned bits = 8 * sizeof(I);
  unsigned k = static_cast<unsigned>(static_cast<U>(n)) % bits;
  U u = static_cast<U>(x);
  return static_cast<I>(k == 0 ? u : static_cast<U>((u << k) | (u >> (bits - k))));
}
template <mlxts_jit::mtl::integral I> inline I reverse_bits(I x) {
  using U = typename mlxts_jit::bits_of<sizeof(I)>::type;
  U u = static_cast<U>(x), out = 0;
  for (unsigned i = 0; i < 8 * sizeof(I); ++i, u >>= 1) out = static_cast<U>((out << 1) | (u & 1u));
  return static_cast<I>(out);
}
/** `bits` bits of x from `offset`, sign-extended for signed types. */
template <mlxts_jit::mtl::integral I> inline I extract_bits(I x, uint offset, uint bits) {
  using U = typename mlxts_jit::bits_of<sizeof(I)>::type;
  constexpr unsigned width = 8 * sizeof(I);
  if (bits == 0) return I(0);
  U u = static_cast<U>(static_cast<U>(x) << (width - offset - bits));
  if constexpr (I(-1) < I(0)) {
    return static_cast<I>(static_cast<I>(u) >> (width - bits));
  } else {
    return static_cast<I>(u >> (width - bits));
  }
}
/** x with `bits` bits from `offset` replaced by the low bits of `insert`. */
template <mlxts_jit::mtl::integral I>
inline I insert_bits(I x, mlxts_jit::mtl::identity_t<I> insert, uint offset, uint bits) {
  using U = typename mlxts_jit::bits_of<sizeof(I)>::type;
  if (bits == 0) return x;
  U mask = static_cast<U>((bits >= 8 * sizeof(I) ? ~U(0) : static_cast<U>((U(1) << bits) - 1u)) << offset);
  return static_cast<I>((static_cast<U>(x) & ~mask) | ((static_cast<U>(insert) << offset) & mask));
}
/** (x + y) >> 1 and (x + y + 1) >> 1 without overflow. */
template <mlxts_jit::mtl::integral I> inline I hadd(I x, mlxts_jit::mtl::identity_t<I> y) {
  return static_cast<I>((x >> 1) + (y >> 1) + (x & y & 1));
}
template <mlxts_jit::mtl::integral I> inline I rhadd(I x, mlxts_jit::mtl::identity_t<I> y) {
  return static_cast<I>((x >> 1) + (y >> 1) + ((x | y) & 1));
}
#define MLXTS_INT_MAP(F)                                                                  \
  template <mlxts_jit::mtl::vec_like X> inline mlxts_jit::mtl::vec_of_t<X> F(const X& x) { \
    mlxts_jit::mtl::vec_of_t<X> v(x), out;                                                \
    for (int i = 0; i < v.mlxts_n; ++i) out.e[i] = F(v.e[i]);                             \
    return out;                                                                           \
  }
MLXTS_INT_MAP(popcount)
MLXTS_INT_MAP(clz)
MLXTS_INT_MAP(ctz)
MLXTS_INT_MAP(reverse_bits)
#undef MLXTS_INT_MAP

/** Reinterprets the bits of x as To (same size), as Metal's as_type. */
template <class To, class From> constexpr To as_type(const From& x) {
  static_assert(sizeof(To) == sizeof(From), "as_type: the types differ in size");
  if constexpr (__is_trivially_copyable(To) && __is_trivially_copyable(From)) {
    return __builtin_bit_cast(To, x);
  } else {
    To out;
    __builtin_memcpy(static_cast<void*>(&out), static_cast<const void*>(&x), sizeof(To));
    return out;
  }
}

// ---- numeric limits ---------------------------------------------------------

template <class T> struct numeric_limits {
  static_assert(mlxts_jit::mtl::integral<T>, "metal::numeric_limits: unsupported type");
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = T(-1) < T(0);
  static constexpr bool is_integer = true;
  static constexpr bool has_infinity = false;
  static constexpr bool has_quiet_NaN = false;
  static constexpr int digits = 8 * sizeof(T) - is_signed;
  static constexpr T min() { return is_signed ? static_cast<T>(T(1) << (8 * sizeof(T) - 1)) : T(0); }
  static constexpr T max() { return static_cast<T>(~min()); }
  static constexpr T lowest() { return min(); }
  static constexpr T epsilon() { return T(0); }
  static constexpr T infinity() { return T(0); }
  static constexpr T quiet_NaN() { return T(0); }
};
template <> struct numeric_limits<bool> {
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = false;
  static constexpr bool is_integer = true;
  static constexpr bool has_infinity = false;
  static constexpr bool has_quiet_NaN = false;
  static constexpr int digits = 1;
  static constexpr bool min() { return false; }
  static constexpr bool max() { return true; }
  static constexpr bool lowest() { return false; }
  static constexpr bool epsilon() { return false; }
  static constexpr bool infinity() { return false; }
  static constexpr bool quiet_NaN() { return false; }
};
#define MLXTS_FLOAT_LIMITS(T, DIGITS, MIN, MAX, EPS, DENORM, INF, NAN_)                   \
  template <> struct numeric_limits<T> {                                                  \
    static constexpr bool is_specialized = true;                                          \
    static constexpr bool is_signed = true;                                               \
    static constexpr bool is_integer = false;                                             \
    static constexpr bool has_infinity = true;                                            \
    static constexpr bool has_quiet_NaN = true;                                           \
    static constexpr int digits = DIGITS;                                                 \
    static constexpr T min() { return MIN; }                                              \
    static constexpr T max() { return MAX; }                                              \
    static constexpr T lowest() { return -max(); }                                        \
    static constexpr T epsilon() { return EPS; }                                          \
    static constexpr T denorm_min() { return DENORM; }                                    \
    static constexpr T infinity() { return INF; }                                         \
    static constexpr T quiet_NaN() { return NAN_; }                                       \
  };
MLXTS_FLOAT_LIMITS(float, __FLT_MANT_DIG__, __FLT_MIN__, __FLT_MAX__, __FLT_EPSILON__,
                   __FLT_DENORM_MIN__, __builtin_inff(), __builtin_nanf(""))
MLXTS_FLOAT_LIMITS(double, __DBL_MANT_DIG__, __DBL_MIN__, __DBL_MAX__, __DBL_EPSILON__,
                   __DBL_DENORM_MIN__, __builtin_inf(), __builtin_nan(""))
MLXTS_FLOAT_LIMITS(half, 11, static_cast<half>(0x1p-14f), static_cast<half>(65504.0f),
                   static_cast<half>(0x1p-10f), static_cast<half>(0x1p-24f),
                   static_cast<half>(__builtin_inff()), static_cast<half>(__builtin_nanf("")))
#undef MLXTS_FLOAT_LIMITS
template <> struct numeric_limits<bfloat16_t> {
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool has_infinity = true;
  static constexpr bool has_quiet_NaN = true;
  static constexpr int digits = 8;
  static constexpr bfloat16_t min() { return mlxts_jit::mtl::bf16_bits(0x0080); }
  static constexpr bfloat16_t max() { return mlxts_jit::mtl::bf16_bits(0x7f7f); }
  static constexpr bfloat16_t lowest() { return mlxts_jit::mtl::bf16_bits(0xff7f); }
  static constexpr bfloat16_t epsilon() { return mlxts_jit::mtl::bf16_bits(0x3c00); }
  static constexpr bfloat16_t denorm_min() { return mlxts_jit::mtl::bf16_bits(0x0001); }
  static constexpr bfloat16_t infinity() { return mlxts_jit::mtl::bf16_bits(0x7f80); }
  static constexpr bfloat16_t quiet_NaN() { return mlxts_jit::mtl::bf16_bits(0x7fc0); }
};

// metal::precise and metal::fast: the same functions (all computed at float accuracy).
namespace precise { using namespace ::metal; }
namespace fast { using namespace ::metal; }

} // namespace metal

/** MLX's utils.h log1p (float and bfloat16; global, as there). */
inline float log1p(float x) { return __builtin_log1pf(x); }
inline bfloat16_t log1p(bfloat16_t x) { return bfloat16_t(__builtin_log1pf(static_cast<float>(x))); }

// ---- constants Metal predefines ---------------------------------------------
// (INFINITY, NAN, HUGE_VALF and MAXFLOAT spelled as glibc's math.h spells them,
// so that a later #include <math.h> redefines them identically.)
#ifndef INFINITY
#define INFINITY (__builtin_inff ())
#endif
#ifndef NAN
#define NAN (__builtin_nanf (""))
#endif
#ifndef HUGE_VALF
#define HUGE_VALF (__builtin_huge_valf ())
#endif
#ifndef MAXFLOAT
#define MAXFLOAT	3.40282347e+38F
#endif
#define HALF_MAX (static_cast<_Float16>(65504.0f))
#define HALF_MIN (static_cast<_Float16>(0x1p-14f))
#define HALF_EPSILON (static_cast<_Float16>(0x1p-10f))
#define MAXHALF HALF_MAX
#define M_E_F 2.71828182845904523536028747135266250f
#define M_LOG2E_F 1.44269504088896340735992468100189214f
#define M_LOG10E_F 0.434294481903251827651128918916605082f
#define M_LN2_F 0.693147180559945309417232121458176568f
#define M_LN10_F 2.30258509299404568401799145468436421f
#define M_PI_F 3.14159265358979323846264338327950288f
#define M_PI_2_F 1.57079632679489661923132169163975144f
#define M_PI_4_F 0.785398163397448309615660845819875721f
#define M_1_PI_F 0.318309886183790671537767526745028724f
#define M_2_PI_F 0.636619772367581343075535053490057448f
#define M_2_SQRTPI_F 1.12837916709551257389615890312154517f
#define M_SQRT2_F 1.41421356237309504880168872420969808f
#define M_SQRT1_2_F 0.707106781186547524400844362104849039f
#define M_E_H (static_cast<_Float16>(M_E_F))
#define M_LOG2E_H (static_cast<_Float16>(M_LOG2E_F))
#define M_LOG10E_H (static_cast<_Float16>(M_LOG10E_F))
#define M_LN2_H (static_cast<_Float16>(M_LN2_F))
#define M_LN10_H (static_cast<_Float16>(M_LN10_F))
#define M_PI_H (static_cast<_Float16>(M_PI_F))
#define M_PI_2_H (static_cast<_Float16>(M_PI_2_F))
#define M_PI_4_H (static_cast<_Float16>(M_PI_4_F))
#define M_1_PI_H (static_cast<_Float16>(M_1_PI_F))
#define M_2_PI_H (static_cast<_Float16>(M_2_PI_F))
#define M_2_SQRTPI_H (static_cast<_Float16>(M_2_SQRTPI_F))
#define M_SQRT2_H (static_cast<_Float16>(M_SQRT2_F))
#define M_SQRT1_2_H (static_cast<_Float16>(M_SQRT1_2_F))
