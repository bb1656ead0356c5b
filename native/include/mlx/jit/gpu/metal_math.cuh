// Metal's math library (namespace metal) on NVIDIA GPUs (part of
// metal_on_cuda.cuh): float/half/bfloat/double overloads (16-bit types compute
// in float and return their own type, as exp(half) -> half in Metal),
// element-wise vector versions, geometric and integer functions, as_type,
// numeric_limits, metal::precise and metal::fast.
//
// Kernel code lives inside namespace metal, so these names hide CUDA's global
// math overloads (::exp(float), ::max(int, int), ...) that would otherwise make
// unqualified calls ambiguous; this file calls CUDA's functions as ::expf etc.
#pragma once

#include "metal_vec.cuh"

namespace mlxts_gpu {

/** Common type of mixed scalar arguments: the wider float, else the usual integer promotion. */
template <class A, class B, bool = (kind<A>::value >= kind<B>::value)> struct wider { using type = A; };
template <class A, class B> struct wider<A, B, false> { using type = B; };
template <class A, class B, bool = (kind<A>::value == 1 && kind<B>::value == 1)> struct common {
  using type = typename wider<A, B>::type;
};
template <class A, class B> struct common<A, B, true> { using type = decltype(A() + B()); };
template <class A, class B> using common_t = typename common<A, B>::type;

/** As common_t, but integers compute in float (for the float-only functions). */
template <class A, class B> using float_common_t =
    typename wider<typename wider<A, B>::type, float, (kind<typename wider<A, B>::type>::value >= 2)>::type;

template <class... X> struct any_vec { static constexpr bool value = false; };
template <class X, class... R> struct any_vec<X, R...> {
  static constexpr bool value = vec_of<X>::value || any_vec<R...>::value;
};
template <class... X> struct all_scalar { static constexpr bool value = true; };
template <class X, class... R> struct all_scalar<X, R...> {
  static constexpr bool value = kind<X>::value != 0 && all_scalar<R...>::value;
};

} // namespace mlxts_gpu

namespace metal {

// Element-wise application over vector-like arguments (scalars broadcast).
#define MLXTS_MAP1(F, X)                                                                  \
  using V = mlxts_gpu::vec_of_t<X>;                                                       \
  V v(x), out;                                                                            \
  _Pragma("unroll") for (int i = 0; i < V::mlxts_n; ++i) out[i] = F(v[i]);            \
  return out;
#define MLXTS_MAP2(F, A, B)                                                               \
  using V = mlxts_gpu::first_vec_t<A, B>;                                                 \
  V va(a), vb(b), out;                                                                    \
  _Pragma("unroll") for (int i = 0; i < V::mlxts_n; ++i) out[i] = F(va[i], vb[i]);  \
  return out;
#define MLXTS_MAP3(F, A, B, C)                                                            \
  using V = mlxts_gpu::first_vec_t<A, B, C>;                                              \
  V va(a), vb(b), vc(c), out;                                                             \
  _Pragma("unroll") for (int i = 0; i < V::mlxts_n; ++i) out[i] = F(va[i], vb[i], vc[i]); \
  return out;

#define MLXTS_IF_INT(I) template <class I, mlxts_gpu::require<mlxts_gpu::kind<I>::value == 1> = 0>
#define MLXTS_IF_VEC(X) template <class X, mlxts_gpu::require<mlxts_gpu::vec_of<X>::value> = 0>

// Overloads of a float function: FBODY/DBODY compute it for float/double `x`.
#define MLXTS_UNARY(F, FBODY, DBODY)                                                      \
  MLXTS_D float F(float x) { return FBODY; }                                              \
  MLXTS_D double F(double x) { return DBODY; }                                            \
  MLXTS_D half F(half x) { return half(F(static_cast<float>(x))); }                       \
  MLXTS_D bfloat F(bfloat x) { return bfloat(F(static_cast<float>(x))); }                 \
  MLXTS_IF_INT(I) MLXTS_D float F(I x) { return F(static_cast<float>(x)); }               \
  MLXTS_IF_VEC(X) MLXTS_D mlxts_gpu::vec_of_t<X> F(const X& x) { MLXTS_MAP1(F, X) }
#define MLXTS_UNARY_CUDA(F) MLXTS_UNARY(F, ::F##f(x), ::F(x))

MLXTS_UNARY_CUDA(exp)
MLXTS_UNARY_CUDA(exp2)
MLXTS_UNARY_CUDA(exp10)
MLXTS_UNARY_CUDA(log)
MLXTS_UNARY_CUDA(log2)
MLXTS_UNARY_CUDA(log10)
MLXTS_UNARY_CUDA(sqrt)
MLXTS_UNARY_CUDA(rsqrt)
MLXTS_UNARY_CUDA(sin)
MLXTS_UNARY_CUDA(cos)
MLXTS_UNARY_CUDA(tan)
MLXTS_UNARY_CUDA(asin)
MLXTS_UNARY_CUDA(acos)
MLXTS_UNARY_CUDA(atan)
MLXTS_UNARY_CUDA(sinh)
MLXTS_UNARY_CUDA(cosh)
MLXTS_UNARY_CUDA(tanh)
MLXTS_UNARY_CUDA(asinh)
MLXTS_UNARY_CUDA(acosh)
MLXTS_UNARY_CUDA(atanh)
MLXTS_UNARY_CUDA(floor)
MLXTS_UNARY_CUDA(ceil)
MLXTS_UNARY_CUDA(round)
MLXTS_UNARY_CUDA(rint)
MLXTS_UNARY_CUDA(trunc)
MLXTS_UNARY_CUDA(fabs)
MLXTS_UNARY_CUDA(sinpi)
MLXTS_UNARY_CUDA(cospi)
MLXTS_UNARY(tanpi, ::sinpif(x) / ::cospif(x), ::sinpi(x) / ::cospi(x))
MLXTS_UNARY(fract, ::fminf(x - ::floorf(x), 0x1.fffffep-1f), ::fmin(x - ::floor(x), 0x1.fffffffffffffp-1))
MLXTS_UNARY(sign, x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x == 0.0f ? x : 0.0f,
            x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : x == 0.0 ? x : 0.0)
MLXTS_UNARY(saturate, __saturatef(x), ::fmin(::fmax(x, 0.0), 1.0))
#undef MLXTS_UNARY_CUDA
#undef MLXTS_UNARY

// abs keeps integers integral (Metal's abs is also the integer absolute value).
MLXTS_D float abs(float x) { return ::fabsf(x); }
MLXTS_D double abs(double x) { return ::fabs(x); }
MLXTS_D half abs(half x) { return half(mlxts_gpu::from_bits_t(), static_cast<unsigned short>(x.mlxts_bits & 0x7fffu)); }
MLXTS_D bfloat abs(bfloat x) { return bfloat(mlxts_gpu::from_bits_t(), static_cast<unsigned short>(x.mlxts_bits & 0x7fffu)); }
MLXTS_IF_INT(I) MLXTS_D I abs(I x) {
  using U = typename mlxts_gpu::bits_of<sizeof(I)>::type; // negating INT_MIN wraps, as on the GPU
  return x < I(0) ? static_cast<I>(static_cast<U>(U(0) - static_cast<U>(x))) : x;
}
MLXTS_IF_VEC(X) MLXTS_D mlxts_gpu::vec_of_t<X> abs(const X& x) { MLXTS_MAP1(abs, X) }

// Binary float functions over a, b; mixed scalar types compute in the wider one.
#define MLXTS_BINARY(F, FBODY, DBODY)                                                     \
  MLXTS_D float F(float a, float b) { return FBODY; }                                     \
  MLXTS_D double F(double a, double b) { return DBODY; }                                  \
  MLXTS_D half F(half a, half b) { return half(F(static_cast<float>(a), static_cast<float>(b))); } \
  MLXTS_D bfloat F(bfloat a, bfloat b) { return bfloat(F(static_cast<float>(a), static_cast<float>(b))); } \
  template <class A, class B,                                                             \
            mlxts_gpu::require<mlxts_gpu::all_scalar<A, B>::value && !mlxts_gpu::same<A, B>::value> = 0> \
  MLXTS_D mlxts_gpu::float_common_t<A, B> F(A a, B b) {                                   \
    using C = mlxts_gpu::float_common_t<A, B>;                                            \
    return F(static_cast<C>(a), static_cast<C>(b));                                       \
  }                                                                                       \
  MLXTS_IF_INT(I) MLXTS_D float F(I a, I b) { return F(static_cast<float>(a), static_cast<float>(b)); } \
  template <class A, class B, mlxts_gpu::require<mlxts_gpu::any_vec<A, B>::value> = 0>    \
  MLXTS_D mlxts_gpu::first_vec_t<A, B> F(const A& a, const B& b) { MLXTS_MAP2(F, A, B) }

MLXTS_BINARY(pow, ::powf(a, b), ::pow(a, b))
MLXTS_BINARY(powr, ::powf(a, b), ::pow(a, b))
MLXTS_BINARY(atan2, ::atan2f(a, b), ::atan2(a, b))
MLXTS_BINARY(fmod, ::fmodf(a, b), ::fmod(a, b))
MLXTS_BINARY(fmin, ::fminf(a, b), ::fmin(a, b))
MLXTS_BINARY(fmax, ::fmaxf(a, b), ::fmax(a, b))
MLXTS_BINARY(fdim, ::fdimf(a, b), ::fdim(a, b))
MLXTS_BINARY(copysign, ::copysignf(a, b), ::copysign(a, b))
MLXTS_BINARY(nextafter, ::nextafterf(a, b), ::nextafter(a, b))
MLXTS_BINARY(divide, a / b, a / b)
MLXTS_BINARY(step, b < a ? 0.0f : 1.0f, b < a ? 0.0 : 1.0) // step(edge, x)
#undef MLXTS_BINARY

// min / max: floats through fmin/fmax (a NaN loses), integers keep their type.
#define MLXTS_MINMAX(F, FB, CMP)                                                          \
  MLXTS_D float F(float a, float b) { return ::FB##f(a, b); }                             \
  MLXTS_D double F(double a, double b) { return ::FB(a, b); }                             \
  MLXTS_D half F(half a, half b) { return half(::FB##f(static_cast<float>(a), static_cast<float>(b))); } \
  MLXTS_D bfloat F(bfloat a, bfloat b) { return bfloat(::FB##f(static_cast<float>(a), static_cast<float>(b))); } \
  MLXTS_IF_INT(I) MLXTS_D I F(I a, I b) { return b CMP a ? b : a; }                       \
  template <class A, class B,                                                             \
            mlxts_gpu::require<mlxts_gpu::all_scalar<A, B>::value && !mlxts_gpu::same<A, B>::value> = 0> \
  MLXTS_D mlxts_gpu::common_t<A, B> F(A a, B b) {                                         \
    using C = mlxts_gpu::common_t<A, B>;                                                  \
    return F(static_cast<C>(a), static_cast<C>(b));                                       \
  }                                                                                       \
  template <class A, class B, mlxts_gpu::require<mlxts_gpu::any_vec<A, B>::value> = 0>    \
  MLXTS_D mlxts_gpu::first_vec_t<A, B> F(const A& a, const B& b) { MLXTS_MAP2(F, A, B) }
MLXTS_MINMAX(min, fmin, <)
MLXTS_MINMAX(max, fmax, >)
#undef MLXTS_MINMAX

// Ternary float functions over a, b, c.
#define MLXTS_TERNARY(F, FBODY, DBODY)                                                    \
  MLXTS_D float F(float a, float b, float c) { return FBODY; }                            \
  MLXTS_D double F(double a, double b, double c) { return DBODY; }                        \
  MLXTS_D half F(half a, half b, half c) {                                                \
    return half(F(static_cast<float>(a), static_cast<float>(b), static_cast<float>(c)));  \
  }                                                                                       \
  MLXTS_D bfloat F(bfloat a, bfloat b, bfloat c) {                                        \
    return bfloat(F(static_cast<float>(a), static_cast<float>(b), static_cast<float>(c))); \
  }                                                                                       \
  template <class A, class B, class C,                                                    \
            mlxts_gpu::require<mlxts_gpu::all_scalar<A, B, C>::value &&                   \
                               !(mlxts_gpu::same<A, B>::value && mlxts_gpu::same<B, C>::value && \
                                 mlxts_gpu::kind<A>::value >= 2)> = 0>                    \
  MLXTS_D mlxts_gpu::float_common_t<mlxts_gpu::float_common_t<A, B>, C> F(A a, B b, C c) { \
    using R = mlxts_gpu::float_common_t<mlxts_gpu::float_common_t<A, B>, C>;              \
    return F(static_cast<R>(a), static_cast<R>(b), static_cast<R>(c));                    \
  }                                                                                       \
  template <class A, class B, class C, mlxts_gpu::require<mlxts_gpu::any_vec<A, B, C>::value> = 0> \
  MLXTS_D mlxts_gpu::first_vec_t<A, B, C> F(const A& a, const B& b, const C& c) { MLXTS_MAP3(F, A, B, C) }

MLXTS_D float mlxts_smooth(float t) { return t * t * (3.0f - 2.0f * t); }
MLXTS_D double mlxts_smooth(double t) { return t * t * (3.0 - 2.0 * t); }
MLXTS_TERNARY(fma, ::fmaf(a, b, c), ::fma(a, b, c))
MLXTS_TERNARY(mix, a + (b - a) * c, a + (b - a) * c)
MLXTS_TERNARY(smoothstep, mlxts_smooth(::fminf(::fmaxf((c - a) / (b - a), 0.0f), 1.0f)),
              mlxts_smooth(::fmin(::fmax((c - a) / (b - a), 0.0), 1.0)))
#undef MLXTS_TERNARY

// clamp(x, lo, hi) = min(max(x, lo), hi), for floats and integers.
MLXTS_D float clamp(float x, float lo, float hi) { return ::fminf(::fmaxf(x, lo), hi); }
MLXTS_D double clamp(double x, double lo, double hi) { return ::fmin(::fmax(x, lo), hi); }
MLXTS_D half clamp(half x, half lo, half hi) {
  return half(clamp(static_cast<float>(x), static_cast<float>(lo), static_cast<float>(hi)));
}
MLXTS_D bfloat clamp(bfloat x, bfloat lo, bfloat hi) {
  return bfloat(clamp(static_cast<float>(x), static_cast<float>(lo), static_cast<float>(hi)));
}
MLXTS_IF_INT(I) MLXTS_D I clamp(I x, I lo, I hi) { return x < lo ? lo : (hi < x ? hi : x); }
template <class A, class B, class C,
          mlxts_gpu::require<mlxts_gpu::all_scalar<A, B, C>::value &&
                             !(mlxts_gpu::same<A, B>::value && mlxts_gpu::same<B, C>::value)> = 0>
MLXTS_D mlxts_gpu::common_t<mlxts_gpu::common_t<A, B>, C> clamp(A x, B lo, C hi) {
  using R = mlxts_gpu::common_t<mlxts_gpu::common_t<A, B>, C>;
  return clamp(static_cast<R>(x), static_cast<R>(lo), static_cast<R>(hi));
}
template <class A, class B, class C, mlxts_gpu::require<mlxts_gpu::any_vec<A, B, C>::value> = 0>
MLXTS_D mlxts_gpu::first_vec_t<A, B, C> clamp(const A& a, const B& b, const C& c) { MLXTS_MAP3(clamp, A, B, C) }

/** The largest / smallest / middle of three. */
template <class A, class B, class C> MLXTS_D auto max3(A a, B b, C c) { return max(max(a, b), c); }
template <class A, class B, class C> MLXTS_D auto min3(A a, B b, C c) { return min(min(a, b), c); }
template <class A, class B, class C> MLXTS_D auto fmax3(A a, B b, C c) { return fmax(fmax(a, b), c); }
template <class A, class B, class C> MLXTS_D auto fmin3(A a, B b, C c) { return fmin(fmin(a, b), c); }
template <class A, class B, class C> MLXTS_D auto median3(A a, B b, C c) {
  return max(min(a, b), min(max(a, b), c));
}

/** select(a, b, c): c ? b : a, element-wise for vectors. */
template <class T, mlxts_gpu::require<!mlxts_gpu::vec_of<T>::value> = 0>
MLXTS_D T select(T a, mlxts_gpu::identity_t<T> b, bool c) { return c ? b : a; }
template <class A, class B, class C, mlxts_gpu::require<mlxts_gpu::any_vec<A, B>::value> = 0>
MLXTS_D mlxts_gpu::first_vec_t<A, B> select(const A& a, const B& b, const C& c) {
  using V = mlxts_gpu::first_vec_t<A, B>;
  V va(a), vb(b), out;
  vec<bool, V::mlxts_n> vc(c);
#pragma unroll
  for (int i = 0; i < V::mlxts_n; ++i) out[i] = vc[i] ? vb[i] : va[i];
  return out;
}

// Classification from the bits (no dependence on how CUDA spells isnan).
MLXTS_D bool isnan(float x) { return (__float_as_uint(x) & 0x7fffffffu) > 0x7f800000u; }
MLXTS_D bool isinf(float x) { return (__float_as_uint(x) & 0x7fffffffu) == 0x7f800000u; }
MLXTS_D bool isfinite(float x) { return (__float_as_uint(x) & 0x7f800000u) != 0x7f800000u; }
MLXTS_D bool isnormal(float x) {
  unsigned e = __float_as_uint(x) & 0x7f800000u;
  return e != 0u && e != 0x7f800000u;
}
MLXTS_D bool signbit(float x) { return (__float_as_uint(x) >> 31) != 0u; }
MLXTS_D bool isnan(double x) {
  return (static_cast<unsigned long long>(__double_as_longlong(x)) & 0x7fffffffffffffffull) > 0x7ff0000000000000ull;
}
MLXTS_D bool isinf(double x) {
  return (static_cast<unsigned long long>(__double_as_longlong(x)) & 0x7fffffffffffffffull) == 0x7ff0000000000000ull;
}
MLXTS_D bool isfinite(double x) {
  return (static_cast<unsigned long long>(__double_as_longlong(x)) & 0x7ff0000000000000ull) != 0x7ff0000000000000ull;
}
MLXTS_D bool isnormal(double x) {
  unsigned long long e = static_cast<unsigned long long>(__double_as_longlong(x)) & 0x7ff0000000000000ull;
  return e != 0ull && e != 0x7ff0000000000000ull;
}
MLXTS_D bool signbit(double x) { return __double_as_longlong(x) < 0; }
#define MLXTS_PREDICATE(F)                                                                \
  MLXTS_D bool F(half x) { return F(static_cast<float>(x)); }                             \
  MLXTS_D bool F(bfloat x) { return F(static_cast<float>(x)); }                           \
  MLXTS_IF_VEC(X) MLXTS_D vec<bool, mlxts_gpu::vec_of_t<X>::mlxts_n> F(const X& x) {     \
    using V = mlxts_gpu::vec_of_t<X>;                                                     \
    V v(x);                                                                               \
    vec<bool, V::mlxts_n> out;                                                            \
    _Pragma("unroll") for (int i = 0; i < V::mlxts_n; ++i) out[i] = F(v[i]);          \
    return out;                                                                           \
  }
MLXTS_PREDICATE(isnan)
MLXTS_PREDICATE(isinf)
MLXTS_PREDICATE(isfinite)
MLXTS_PREDICATE(isnormal)
MLXTS_PREDICATE(signbit)
#undef MLXTS_PREDICATE

MLXTS_D float ldexp(float x, int k) { return ::ldexpf(x, k); }
MLXTS_D double ldexp(double x, int k) { return ::ldexp(x, k); }
MLXTS_D half ldexp(half x, int k) { return half(::ldexpf(static_cast<float>(x), k)); }
MLXTS_D bfloat ldexp(bfloat x, int k) { return bfloat(::ldexpf(static_cast<float>(x), k)); }
MLXTS_D float frexp(float x, int& k) { return ::frexpf(x, &k); }
MLXTS_D double frexp(double x, int& k) { return ::frexp(x, &k); }
MLXTS_D half frexp(half x, int& k) { return half(::frexpf(static_cast<float>(x), &k)); }
template <class T> MLXTS_D T sincos(T x, T& cosval) {
  cosval = cos(x);
  return sin(x);
}
MLXTS_D float modf(float x, float& whole) { return ::modff(x, &whole); }
MLXTS_D double modf(double x, double& whole) { return ::modf(x, &whole); }

// ---- geometric functions ----------------------------------------------------

template <class A, class B, mlxts_gpu::require<mlxts_gpu::any_vec<A, B>::value> = 0>
MLXTS_D typename mlxts_gpu::first_vec_t<A, B>::mlxts_elem dot(const A& a, const B& b) {
  using V = mlxts_gpu::first_vec_t<A, B>;
  V va(a), vb(b);
  auto sum = va[0] * vb[0];
#pragma unroll
  for (int i = 1; i < V::mlxts_n; ++i) sum += va[i] * vb[i];
  return static_cast<typename V::mlxts_elem>(sum);
}
MLXTS_IF_VEC(X) MLXTS_D typename mlxts_gpu::vec_of_t<X>::mlxts_elem length_squared(const X& x) {
  return dot(x, x);
}
MLXTS_IF_VEC(X) MLXTS_D typename mlxts_gpu::vec_of_t<X>::mlxts_elem length(const X& x) {
  return sqrt(dot(x, x));
}
template <class A, class B, mlxts_gpu::require<mlxts_gpu::any_vec<A, B>::value> = 0>
MLXTS_D typename mlxts_gpu::first_vec_t<A, B>::mlxts_elem distance(const A& a, const B& b) {
  using V = mlxts_gpu::first_vec_t<A, B>;
  return length(V(a) - V(b));
}
template <class A, class B, mlxts_gpu::require<mlxts_gpu::any_vec<A, B>::value> = 0>
MLXTS_D typename mlxts_gpu::first_vec_t<A, B>::mlxts_elem distance_squared(const A& a, const B& b) {
  using V = mlxts_gpu::first_vec_t<A, B>;
  return length_squared(V(a) - V(b));
}
MLXTS_IF_VEC(X) MLXTS_D mlxts_gpu::vec_of_t<X> normalize(const X& x) {
  using V = mlxts_gpu::vec_of_t<X>;
  V v(x);
  return v * rsqrt(dot(v, v));
}
template <class A, class B, mlxts_gpu::require<mlxts_gpu::any_vec<A, B>::value> = 0>
MLXTS_D mlxts_gpu::first_vec_t<A, B> cross(const A& a, const B& b) {
  using V = mlxts_gpu::first_vec_t<A, B>;
  static_assert(V::mlxts_n == 3, "cross takes 3-component vectors");
  V u(a), v(b);
  return V(u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2],
           u[0] * v[1] - u[1] * v[0]);
}
/** reflect(i, n) = i - 2 * dot(n, i) * n. */
template <class A, class B, mlxts_gpu::require<mlxts_gpu::any_vec<A, B>::value> = 0>
MLXTS_D mlxts_gpu::first_vec_t<A, B> reflect(const A& i, const B& n) {
  using V = mlxts_gpu::first_vec_t<A, B>;
  V vi(i), vn(n);
  return vi - vn * static_cast<typename V::mlxts_elem>(2 * dot(vn, vi));
}

/** all / any: of a bool vector (other element types test != 0); a bool is itself. */
MLXTS_D bool all(bool b) { return b; }
MLXTS_D bool any(bool b) { return b; }
MLXTS_IF_VEC(X) MLXTS_D bool all(const X& x) {
  mlxts_gpu::vec_of_t<X> v(x);
  for (int i = 0; i < v.mlxts_n; ++i)
    if (!v[i]) return false;
  return true;
}
MLXTS_IF_VEC(X) MLXTS_D bool any(const X& x) {
  mlxts_gpu::vec_of_t<X> v(x);
  for (int i = 0; i < v.mlxts_n; ++i)
    if (v[i]) return true;
  return false;
}

// ---- integer functions ------------------------------------------------------

MLXTS_IF_INT(I) MLXTS_D I popcount(I x) {
  using U = typename mlxts_gpu::bits_of<sizeof(I)>::type;
  if constexpr (sizeof(I) == 8) {
    return static_cast<I>(__popcll(static_cast<unsigned long long>(x)));
  } else {
    return static_cast<I>(__popc(static_cast<unsigned>(static_cast<U>(x))));
  }
}
/** Leading zero bits; the bit width for 0. */
MLXTS_IF_INT(I) MLXTS_D I clz(I x) {
  using U = typename mlxts_gpu::bits_of<sizeof(I)>::type;
  if constexpr (sizeof(I) == 8) {
    return static_cast<I>(__clzll(static_cast<long long>(x)));
  } else {
    return static_cast<I>(__clz(static_cast<int>(static_cast<unsigned>(static_cast<U>(x)))) - (32 - 8 * int(sizeof(I))));
  }
}
/** Trailing zero bits; the bit width for 0. */
MLXTS_IF_INT(I) MLXTS_D I ctz(I x) {
  using U = typename mlxts_gpu::bits_of<sizeof(I)>::type;
  if constexpr (sizeof(I) == 8) {
    return static_cast<I>(x == 0 ? 64 : __ffsll(static_cast<long long>(x)) - 1);
  } else {
    unsigned u = static_cast<unsigned>(static_cast<U>(x));
    return static_cast<I>(u == 0 ? 8 * int(sizeof(I)) : __ffs(static_cast<int>(u)) - 1);
  }
}
/** The high half of the full product x * y. */
MLXTS_IF_INT(I) MLXTS_D I mulhi(I x, mlxts_gpu::identity_t<I> y) {
  constexpr bool is_signed = I(-1) < I(0);
  if constexpr (sizeof(I) == 8) {
    if constexpr (is_signed) return static_cast<I>(__mul64hi(static_cast<long long>(x), static_cast<long long>(y)));
    else return static_cast<I>(__umul64hi(static_cast<unsigned long long>(x), static_cast<unsigned long long>(y)));
  } else if constexpr (sizeof(I) == 4) {
    if constexpr (is_signed) return static_cast<I>(__mulhi(static_cast<int>(x), static_cast<int>(y)));
    else return static_cast<I>(__umulhi(static_cast<unsigned>(x), static_cast<unsigned>(y)));
  } else {
    return static_cast<I>((static_cast<int>(x) * static_cast<int>(y)) >> (8 * sizeof(I)));
  }
}
/** |x - y| without overflow, in the unsigned type of the same width (as Metal). */
MLXTS_IF_INT(I)
MLXTS_D typename mlxts_gpu::bits_of<sizeof(I)>::type absdiff(I x, mlxts_gpu::identity_t<I> y) {
  using U = typename mlxts_gpu::bits_of<sizeof(I)>::type;
  return x > y ? static_cast<U>(static_cast<U>(x) - static_cast<U>(y))
               : static_cast<U>(static_cast<U>(y) - static_cast<U>(x));
}
/** Rotates the bits of x left by n (modulo the bit width). */
MLXTS_IF_INT(I) MLXTS_D I rotate(I x, mlxts_gpu::identity_t<I> n) {
  using U = typename mlxts_gpu::bits_of<sizeof(I)>::type;
  constexpr unsigned bits = 8 * sizeof(I);
  unsigned k = static_cast<unsigned>(static_cast<U>(n)) % bits;
  U u = static_cast<U>(x);
  return static_cast<I>(k == 0 ? u : static_cast<U>((u << k) | (u >> (bits - k))));
}
MLXTS_IF_INT(I) MLXTS_D I reverse_bits(I x) {
  using U = typename mlxts_gpu::bits_of<sizeof(I)>::type;
  if constexpr (sizeof(I) == 8) {
    return static_cast<I>(__brevll(static_cast<unsigned long long>(x)));
  } else {
    return static_cast<I>(__brev(static_cast<unsigned>(static_cast<U>(x))) >> (32 - 8 * sizeof(I)));
  }
}
/** `bits` bits of x from `offset`, sign-extended for signed types. */
MLXTS_IF_INT(I) MLXTS_D I extract_bits(I x, uint offset, uint bits) {
  using U = typename mlxts_gpu::bits_of<sizeof(I)>::type;
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
MLXTS_IF_INT(I) MLXTS_D I insert_bits(I x, mlxts_gpu::identity_t<I> insert, uint offset, uint bits) {
  using U = typename mlxts_gpu::bits_of<sizeof(I)>::type;
  if (bits == 0) return x;
  U mask = static_cast<U>((bits >= 8 * sizeof(I) ? ~U(0) : static_cast<U>((U(1) << bits) - 1u)) << offset);
  return static_cast<I>((static_cast<U>(x) & ~mask) | ((static_cast<U>(insert) << offset) & mask));
}
/** (x + y) >> 1 and (x + y + 1) >> 1 without overflow. */
MLXTS_IF_INT(I) MLXTS_D I hadd(I x, mlxts_gpu::identity_t<I> y) {
  return static_cast<I>((x >> 1) + (y >> 1) + (x & y & 1));
}
MLXTS_IF_INT(I) MLXTS_D I rhadd(I x, mlxts_gpu::identity_t<I> y) {
  return static_cast<I>((x >> 1) + (y >> 1) + ((x | y) & 1));
}
#define MLXTS_INT_MAP(F)                                                                  \
  MLXTS_IF_VEC(X) MLXTS_D mlxts_gpu::vec_of_t<X> F(const X& x) {                          \
    mlxts_gpu::vec_of_t<X> v(x), out;                                                     \
    _Pragma("unroll") for (int i = 0; i < v.mlxts_n; ++i) out[i] = F(v[i]);           \
    return out;                                                                           \
  }
MLXTS_INT_MAP(popcount)
MLXTS_INT_MAP(clz)
MLXTS_INT_MAP(ctz)
MLXTS_INT_MAP(reverse_bits)
#undef MLXTS_INT_MAP

#undef MLXTS_MAP3
#undef MLXTS_MAP2
#undef MLXTS_MAP1

/** Reinterprets the bits of x as To (same size), as Metal's as_type. */
template <class To, class From> MLXTS_D To as_type(const From& x) {
  static_assert(sizeof(To) == sizeof(From), "as_type: the types differ in size");
  return mlxts_gpu::bit_cast<To>(x);
}

// ---- numeric limits ---------------------------------------------------------

// Constant infinities and NaNs. NVRTC has no __builtin_huge_valf/__builtin_nanf
// (checked on CUDA 13), but evaluates __builtin_bit_cast in constant expressions.
#define MLXTS_INF_F __builtin_bit_cast(float, 0x7f800000u)
#define MLXTS_NAN_F __builtin_bit_cast(float, 0x7fc00000u)
#define MLXTS_INF_D __builtin_bit_cast(double, 0x7ff0000000000000ull)
#define MLXTS_NAN_D __builtin_bit_cast(double, 0x7ff8000000000000ull)

template <class T> struct numeric_limits {
  static_assert(mlxts_gpu::kind<T>::value == 1, "metal::numeric_limits: unsupported type");
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = T(-1) < T(0);
  static constexpr bool is_integer = true;
  static constexpr bool has_infinity = false;
  static constexpr bool has_quiet_NaN = false;
  static constexpr int digits = 8 * sizeof(T) - is_signed;
  static MLXTS_HD constexpr T min() { return is_signed ? static_cast<T>(T(1) << (8 * sizeof(T) - 1)) : T(0); }
  static MLXTS_HD constexpr T max() { return static_cast<T>(~min()); }
  static MLXTS_HD constexpr T lowest() { return min(); }
  static MLXTS_HD constexpr T epsilon() { return T(0); }
  static MLXTS_HD constexpr T infinity() { return T(0); }
  static MLXTS_HD constexpr T quiet_NaN() { return T(0); }
};
template <> struct numeric_limits<bool> {
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = false;
  static constexpr bool is_integer = true;
  static constexpr bool has_infinity = false;
  static constexpr bool has_quiet_NaN = false;
  static constexpr int digits = 1;
  static MLXTS_HD constexpr bool min() { return false; }
  static MLXTS_HD constexpr bool max() { return true; }
  static MLXTS_HD constexpr bool lowest() { return false; }
  static MLXTS_HD constexpr bool epsilon() { return false; }
  static MLXTS_HD constexpr bool infinity() { return false; }
  static MLXTS_HD constexpr bool quiet_NaN() { return false; }
};
#define MLXTS_FLOAT_LIMITS(T, DIGITS, MIN, MAX, LOWEST, EPS, DENORM, INF, NAN_)           \
  template <> struct numeric_limits<T> {                                                  \
    static constexpr bool is_specialized = true;                                          \
    static constexpr bool is_signed = true;                                               \
    static constexpr bool is_integer = false;                                             \
    static constexpr bool has_infinity = true;                                            \
    static constexpr bool has_quiet_NaN = true;                                           \
    static constexpr int digits = DIGITS;                                                 \
    static MLXTS_HD constexpr T min() { return MIN; }                                     \
    static MLXTS_HD constexpr T max() { return MAX; }                                     \
    static MLXTS_HD constexpr T lowest() { return LOWEST; }                               \
    static MLXTS_HD constexpr T epsilon() { return EPS; }                                 \
    static MLXTS_HD constexpr T denorm_min() { return DENORM; }                           \
    static MLXTS_HD constexpr T infinity() { return INF; }                                \
    static MLXTS_HD constexpr T quiet_NaN() { return NAN_; }                              \
  };
#define MLXTS_BITS(T, B) T(mlxts_gpu::from_bits_t(), B)
MLXTS_FLOAT_LIMITS(float, 24, 1.17549435082228750797e-38f, 3.40282346638528859812e+38f,
                   -3.40282346638528859812e+38f, 1.1920928955078125e-07f, 1.40129846432481707092e-45f,
                   MLXTS_INF_F, MLXTS_NAN_F)
MLXTS_FLOAT_LIMITS(double, 53, 2.22507385850720138309e-308, 1.79769313486231570815e+308,
                   -1.79769313486231570815e+308, 2.22044604925031308085e-16, 4.94065645841246544177e-324,
                   MLXTS_INF_D, MLXTS_NAN_D)
MLXTS_FLOAT_LIMITS(half, 11, MLXTS_BITS(half, 0x0400), MLXTS_BITS(half, 0x7bff), MLXTS_BITS(half, 0xfbff),
                   MLXTS_BITS(half, 0x1400), MLXTS_BITS(half, 0x0001), MLXTS_BITS(half, 0x7c00),
                   MLXTS_BITS(half, 0x7e00))
MLXTS_FLOAT_LIMITS(bfloat, 8, MLXTS_BITS(bfloat, 0x0080), MLXTS_BITS(bfloat, 0x7f7f),
                   MLXTS_BITS(bfloat, 0xff7f), MLXTS_BITS(bfloat, 0x3c00), MLXTS_BITS(bfloat, 0x0001),
                   MLXTS_BITS(bfloat, 0x7f80), MLXTS_BITS(bfloat, 0x7fc0))
#undef MLXTS_FLOAT_LIMITS

// metal::precise: the same functions. metal::fast: CUDA's fast intrinsics for
// the functions that have one (float); the others are metal's own.
namespace precise {
using namespace ::metal;
}
namespace fast {
using namespace ::metal;
#define MLXTS_FAST1(F, EXPR)                                                              \
  MLXTS_D float F(float x) { return EXPR; }                                               \
  MLXTS_D half F(half x) { return half(EXPR); }                                           \
  MLXTS_IF_VEC(X) MLXTS_D mlxts_gpu::vec_of_t<X> F(const X& x) {                          \
    using V = mlxts_gpu::vec_of_t<X>;                                                     \
    V v(x), out;                                                                          \
    _Pragma("unroll") for (int i = 0; i < V::mlxts_n; ++i) out[i] = F(v[i]);          \
    return out;                                                                           \
  }
MLXTS_FAST1(exp, ::__expf(static_cast<float>(x)))
MLXTS_FAST1(exp2, ::exp2f(static_cast<float>(x)))
MLXTS_FAST1(exp10, ::__exp10f(static_cast<float>(x)))
MLXTS_FAST1(log, ::__logf(static_cast<float>(x)))
MLXTS_FAST1(log2, ::__log2f(static_cast<float>(x)))
MLXTS_FAST1(log10, ::__log10f(static_cast<float>(x)))
MLXTS_FAST1(sin, ::__sinf(static_cast<float>(x)))
MLXTS_FAST1(cos, ::__cosf(static_cast<float>(x)))
MLXTS_FAST1(tan, ::__tanf(static_cast<float>(x)))
MLXTS_FAST1(rsqrt, ::rsqrtf(static_cast<float>(x)))
#undef MLXTS_FAST1
MLXTS_D float pow(float a, float b) { return ::__powf(a, b); }
MLXTS_D float powr(float a, float b) { return ::__powf(a, b); }
MLXTS_D float divide(float a, float b) { return ::__fdividef(a, b); }
} // namespace fast

} // namespace metal

#undef MLXTS_IF_VEC
#undef MLXTS_IF_INT
