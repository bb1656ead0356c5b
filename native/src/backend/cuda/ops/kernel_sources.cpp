#include "kernel_sources.h"

namespace mlx::core::cuda::ops {

namespace {

// The device prelude. Conventions:
//  - element types: bool, signed char, short, int, long long, unsigned char,
//    unsigned short, unsigned int, unsigned long long, float, double, and
//    mlxg::f16 / mlxg::bf16 (16-bit storage, computed in float, converted
//    with the host runtime's exact rounding: half_types.h);
//  - integer arithmetic wraps (through unsigned types: no signed overflow);
//  - conversions follow the host's cast_to (halves through float, float to
//    small integers through int, as x86 does);
//  - products that the host rounds on their own use __fmul_rn/__fadd_rn, which
//    the compiler never contracts into fused multiply-adds.
const char* kPrelude = R"MLXG(
// ---- mlx-ts GPU op kernels: device prelude ----
namespace mlxg {

template <class A, class B> struct is_same { static constexpr bool value = false; };
template <class A> struct is_same<A, A> { static constexpr bool value = true; };
template <bool B, class T, class F> struct cond { using type = T; };
template <class T, class F> struct cond<false, T, F> { using type = F; };

struct f16 { unsigned short bits; };
struct bf16 { unsigned short bits; };

// 0 bool, 1 signed integer, 2 unsigned integer, 3 float/double, 4 float16/bfloat16
template <class T> struct kind;
template <> struct kind<bool> { static constexpr int value = 0; };
template <> struct kind<signed char> { static constexpr int value = 1; };
template <> struct kind<short> { static constexpr int value = 1; };
template <> struct kind<int> { static constexpr int value = 1; };
template <> struct kind<long long> { static constexpr int value = 1; };
template <> struct kind<unsigned char> { static constexpr int value = 2; };
template <> struct kind<unsigned short> { static constexpr int value = 2; };
template <> struct kind<unsigned int> { static constexpr int value = 2; };
template <> struct kind<unsigned long long> { static constexpr int value = 2; };
template <> struct kind<float> { static constexpr int value = 3; };
template <> struct kind<double> { static constexpr int value = 3; };
template <> struct kind<f16> { static constexpr int value = 4; };
template <> struct kind<bf16> { static constexpr int value = 4; };

template <class T> constexpr bool is_int_v = kind<T>::value == 1 || kind<T>::value == 2;
template <class T> constexpr bool is_signed_v = kind<T>::value == 1;

template <class T> struct uns { using type = T; };
template <> struct uns<signed char> { using type = unsigned char; };
template <> struct uns<short> { using type = unsigned short; };
template <> struct uns<int> { using type = unsigned int; };
template <> struct uns<long long> { using type = unsigned long long; };
template <> struct uns<bool> { using type = unsigned char; };

// Integer arithmetic wraps in 32 bits for types of up to 4 bytes, else 64.
template <class T> struct wide { using type = unsigned int; };
template <> struct wide<long long> { using type = unsigned long long; };
template <> struct wide<unsigned long long> { using type = unsigned long long; };

template <class T> struct lim;
template <> struct lim<bool> { static constexpr bool lo = false, hi = true; };
template <> struct lim<signed char> { static constexpr signed char lo = -128, hi = 127; };
template <> struct lim<short> { static constexpr short lo = -32768, hi = 32767; };
template <> struct lim<int> { static constexpr int lo = -2147483647 - 1, hi = 2147483647; };
template <> struct lim<long long> {
  static constexpr long long lo = -9223372036854775807LL - 1, hi = 9223372036854775807LL;
};
template <> struct lim<unsigned char> { static constexpr unsigned char lo = 0, hi = 255; };
template <> struct lim<unsigned short> { static constexpr unsigned short lo = 0, hi = 65535; };
template <> struct lim<unsigned int> { static constexpr unsigned int lo = 0, hi = 4294967295u; };
template <> struct lim<unsigned long long> {
  static constexpr unsigned long long lo = 0, hi = 18446744073709551615ull;
};

__device__ __forceinline__ float inf_f() { return __int_as_float(0x7f800000); }
__device__ __forceinline__ double inf_d() { return __longlong_as_double(0x7ff0000000000000LL); }

// ---- float16 / bfloat16 <-> float, bit for bit as the host (half_types.h) ----
__device__ __forceinline__ float half_to_float(unsigned short h) {
  unsigned sign = (unsigned)(h & 0x8000u) << 16;
  unsigned e = (h >> 10) & 0x1fu;
  unsigned m = h & 0x3ffu;
  if (e == 0x1fu) return __uint_as_float(sign | 0x7f800000u | (m << 13));
  if (e == 0u) {
    float v = (float)m * 5.9604644775390625e-08f;
    return sign ? -v : v;
  }
  return __uint_as_float(sign | ((e + 112u) << 23) | (m << 13));
}
__device__ __forceinline__ unsigned short float_to_half(float f) {
  unsigned x = __float_as_uint(f);
  unsigned sign = (x >> 16) & 0x8000u;
  unsigned ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u) return (unsigned short)(sign | 0x7c00u | (ax > 0x7f800000u ? 0x200u : 0u));
  if (ax >= 0x47800000u) return (unsigned short)(sign | 0x7c00u);
  if (ax < 0x38800000u) {
    float v = __fadd_rn(__uint_as_float(ax), 0.5f);
    return (unsigned short)(sign | (__float_as_uint(v) - 0x3f000000u));
  }
  unsigned odd = (ax >> 13) & 1u;
  ax += 0xc8000fffu + odd;
  return (unsigned short)(sign | (ax >> 13));
}
__device__ __forceinline__ float bf16_to_float(unsigned short b) {
  return __uint_as_float((unsigned)b << 16);
}
__device__ __forceinline__ unsigned short float_to_bf16(float f) {
  unsigned x = __float_as_uint(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return (unsigned short)((x >> 16) | 0x40u);
  x += 0x7fffu + ((x >> 16) & 1u);
  return (unsigned short)(x >> 16);
}

// Num<T>: the type T computes in (C), with load/store conversions.
template <class T> struct Num {
  using C = T;
  static __device__ __forceinline__ C load(T v) { return v; }
  static __device__ __forceinline__ T store(C v) { return v; }
};
template <> struct Num<f16> {
  using C = float;
  static __device__ __forceinline__ float load(f16 v) { return half_to_float(v.bits); }
  static __device__ __forceinline__ f16 store(float v) { f16 r; r.bits = float_to_half(v); return r; }
};
template <> struct Num<bf16> {
  using C = float;
  static __device__ __forceinline__ float load(bf16 v) { return bf16_to_float(v.bits); }
  static __device__ __forceinline__ bf16 store(float v) { bf16 r; r.bits = float_to_bf16(v); return r; }
};
// x rounded to T and back (the identity for float and double).
template <class T> __device__ __forceinline__ typename Num<T>::C rnd(typename Num<T>::C x) {
  return Num<T>::load(Num<T>::store(x));
}

// A float converted to an integer as x86 does it (cvttss2si): small types and
// int through int, uint32 through int64, uint64 in two halves.
template <class To, class F> __device__ __forceinline__ To float_to_int(F v) {
  if constexpr (sizeof(To) < 4 || is_same<To, int>::value) {
    return (To)(int)v;
  } else if constexpr (is_same<To, unsigned int>::value) {
    return (To)(long long)v;
  } else if constexpr (is_same<To, long long>::value) {
    return (long long)v;
  } else {
    const F two63 = (F)9223372036854775808.0;
    return v < two63 ? (unsigned long long)(long long)v
                     : ((unsigned long long)(long long)(v - two63)) ^ 0x8000000000000000ull;
  }
}

// The host's cast_to<To>(From) for real types.
template <class To, class From> __device__ __forceinline__ To cast(From v) {
  if constexpr (is_same<To, From>::value) {
    return v;
  } else if constexpr (kind<From>::value == 4) {
    return cast<To>(Num<From>::load(v));
  } else if constexpr (kind<To>::value == 0) {
    return v != From(0);
  } else if constexpr (kind<To>::value == 4) {
    return Num<To>::store((float)v);
  } else if constexpr (kind<To>::value == 3) {
    return (To)v;
  } else if constexpr (kind<From>::value == 3) {
    return float_to_int<To>(v);
  } else {
    return (To)v;
  }
}

template <class T> __device__ __forceinline__ bool isnan_(T v) {
  if constexpr (kind<T>::value >= 3) {
    typename Num<T>::C c = Num<T>::load(v);
    return c != c;
  } else {
    return false;
  }
}

struct Dims { long long v[10]; };
template <int N> struct StridesN { long long v[N][10]; };
struct P { double p0, p1, p2; };

// ================= unary functors: static T f(T x, const P&) =================

template <class T> struct AbsU {
  static __device__ __forceinline__ T f(T x, const P&) {
    if constexpr (kind<T>::value == 1) {
      using U = typename uns<T>::type;
      return x < 0 ? (T)(U(0) - (U)x) : x;
    } else if constexpr (kind<T>::value <= 2) {
      return x;
    } else if constexpr (is_same<T, double>::value) {
      return fabs(x);
    } else {
      return Num<T>::store(fabsf(Num<T>::load(x)));
    }
  }
};
template <class T> struct NegativeU {
  static __device__ __forceinline__ T f(T x, const P&) {
    if constexpr (kind<T>::value == 0) {
      return x;
    } else if constexpr (is_int_v<T>) {
      using U = typename uns<T>::type;
      return (T)(U(0) - (U)x);
    } else {
      return Num<T>::store(-Num<T>::load(x));
    }
  }
};
template <class T> struct SignU {
  static __device__ __forceinline__ T f(T x, const P&) {
    if constexpr (kind<T>::value == 0) {
      return x;
    } else if constexpr (kind<T>::value == 2) {
      return x != T(0) ? T(1) : T(0);
    } else if constexpr (kind<T>::value == 1) {
      return (T)((x > T(0)) - (x < T(0)));
    } else {
      using C = typename Num<T>::C;
      C c = Num<T>::load(x);
      return Num<T>::store((C)((c > C(0)) - (c < C(0))));
    }
  }
};
template <class T> struct SquareU {
  static __device__ __forceinline__ T f(T x, const P&) {
    if constexpr (kind<T>::value == 0) {
      return x;
    } else if constexpr (is_int_v<T>) {
      using W = typename wide<T>::type;
      return (T)((W)x * (W)x);
    } else {
      typename Num<T>::C c = Num<T>::load(x);
      return Num<T>::store(c * c);
    }
  }
};
template <class T> struct LogicalNotU {
  static __device__ __forceinline__ bool f(bool x, const P&) { return !x; }
};
template <class T> struct BitwiseInvertU {
  static __device__ __forceinline__ T f(T x, const P&) { return (T)~x; }
};

__device__ __forceinline__ float sigmoid_f(float x) {
  float e = expf(-fabsf(x));
  return (x < 0.0f ? e : 1.0f) / (1.0f + e);
}
__device__ __forceinline__ double sigmoid_d(double x) {
  double e = exp(-fabs(x));
  double s = 1.0 / (1.0 + e);
  return x < 0.0 ? e * s : s;
}

// Floating functions: float16/bfloat16 compute in float and round once.
#define MLXG_FLOAT_UNARY(NAME, EXPR_F, EXPR_D)                            \
  template <class T> struct NAME {                                        \
    static __device__ __forceinline__ T f(T x_, const P& p) {             \
      if constexpr (is_same<T, double>::value) {                          \
        double v = x_;                                                    \
        return (EXPR_D);                                                  \
      } else {                                                            \
        float v = Num<T>::load(x_);                                       \
        return Num<T>::store(EXPR_F);                                     \
      }                                                                   \
    }                                                                     \
  };

MLXG_FLOAT_UNARY(ExpU, expf(v), exp(v))
MLXG_FLOAT_UNARY(Expm1U, expm1f(v), expm1(v))
MLXG_FLOAT_UNARY(LogU, logf(v), log(v))
MLXG_FLOAT_UNARY(Log2U, log2f(v), log2(v))
MLXG_FLOAT_UNARY(Log10U, log10f(v), log10(v))
MLXG_FLOAT_UNARY(Log1pU, log1pf(v), log1p(v))
MLXG_FLOAT_UNARY(SinU, sinf(v), sin(v))
MLXG_FLOAT_UNARY(CosU, cosf(v), cos(v))
MLXG_FLOAT_UNARY(TanU, tanf(v), tan(v))
MLXG_FLOAT_UNARY(ArcSinU, asinf(v), asin(v))
MLXG_FLOAT_UNARY(ArcCosU, acosf(v), acos(v))
MLXG_FLOAT_UNARY(ArcTanU, atanf(v), atan(v))
MLXG_FLOAT_UNARY(SinhU, sinhf(v), sinh(v))
MLXG_FLOAT_UNARY(CoshU, coshf(v), cosh(v))
MLXG_FLOAT_UNARY(TanhU, tanhf(v), tanh(v))
MLXG_FLOAT_UNARY(ArcSinhU, asinhf(v), asinh(v))
MLXG_FLOAT_UNARY(ArcCoshU, acoshf(v), acosh(v))
MLXG_FLOAT_UNARY(ArcTanhU, atanhf(v), atanh(v))
MLXG_FLOAT_UNARY(ErfU, erff(v), erf(v))
MLXG_FLOAT_UNARY(ErfInvU, (float)erfinv((double)v), erfinv(v))
MLXG_FLOAT_UNARY(SigmoidU, sigmoid_f(v), sigmoid_d(v))
MLXG_FLOAT_UNARY(SqrtU, sqrtf(v), sqrt(v))
MLXG_FLOAT_UNARY(RsqrtU, 1.0f / sqrtf(v), 1.0 / sqrt(v))
MLXG_FLOAT_UNARY(ReciprocalU, 1.0f / v, 1.0 / v)
MLXG_FLOAT_UNARY(FloorU, floorf(v), floor(v))
MLXG_FLOAT_UNARY(CeilU, ceilf(v), ceil(v))
MLXG_FLOAT_UNARY(RoundU, rintf(v), rint(v))
// x * c with c already rounded to T by the host (degrees, radians).
MLXG_FLOAT_UNARY(ScaleU, __fmul_rn(v, (float)p.p0), __dmul_rn(v, p.p0))
#undef MLXG_FLOAT_UNARY

// round(x, decimals): halves and float round each product to T (p0 = 10^d, p1 = 10^-d,
// both rounded to T by the host); float64 divides (p0 = 10^|d|, p1 = sign of d).
template <class T> struct RoundDecU {
  static __device__ __forceinline__ T f(T x, const P& p) {
    if constexpr (is_same<T, double>::value) {
      return p.p1 > 0 ? __ddiv_rn(rint(__dmul_rn(x, p.p0)), p.p0)
                      : __dmul_rn(rint(__ddiv_rn(x, p.p0)), p.p0);
    } else {
      float a = rnd<T>(__fmul_rn(Num<T>::load(x), (float)p.p0));
      float b = rnd<T>(rintf(a));
      return Num<T>::store(__fmul_rn(b, (float)p.p1));
    }
  }
};

// Predicates of floating inputs (bool results).
#define MLXG_PREDICATE(NAME, EXPR)                                        \
  template <class T> struct NAME {                                        \
    static __device__ __forceinline__ bool f(T x_, const P&) {            \
      using C = typename Num<T>::C;                                       \
      C v = Num<T>::load(x_);                                             \
      const C inf = (C)inf_f();                                           \
      (void)inf;                                                          \
      return (EXPR);                                                      \
    }                                                                     \
  };
MLXG_PREDICATE(IsNaNU, v != v)
MLXG_PREDICATE(IsInfU, v == inf || v == -inf)
MLXG_PREDICATE(IsPosInfU, v == inf)
MLXG_PREDICATE(IsNegInfU, v == -inf)
MLXG_PREDICATE(IsFiniteU, v - v == C(0))
#undef MLXG_PREDICATE

// Casts and byte copies.
template <class TO, class TI> struct CastU {
  static __device__ __forceinline__ TO f(TI x, const P&) { return cast<TO>(x); }
};

// ================= binary functors: static R f(T a, T b, const P&) =================

template <class T> struct AddB {
  static __device__ __forceinline__ T f(T a, T b, const P&) {
    if constexpr (kind<T>::value == 0) return a || b;
    else if constexpr (is_int_v<T>) {
      using W = typename wide<T>::type;
      return (T)((W)a + (W)b);
    } else return Num<T>::store(Num<T>::load(a) + Num<T>::load(b));
  }
};
template <class T> struct SubtractB {
  static __device__ __forceinline__ T f(T a, T b, const P&) {
    if constexpr (kind<T>::value == 0) return a != b;
    else if constexpr (is_int_v<T>) {
      using W = typename wide<T>::type;
      return (T)((W)a - (W)b);
    } else return Num<T>::store(Num<T>::load(a) - Num<T>::load(b));
  }
};
template <class T> struct MultiplyB {
  static __device__ __forceinline__ T f(T a, T b, const P&) {
    if constexpr (kind<T>::value == 0) return a && b;
    else if constexpr (is_int_v<T>) {
      using W = typename wide<T>::type;
      return (T)((W)a * (W)b);
    } else return Num<T>::store(Num<T>::load(a) * Num<T>::load(b));
  }
};
template <class T> struct DivideB {
  static __device__ __forceinline__ T f(T a, T b, const P&) {
    return Num<T>::store(Num<T>::load(a) / Num<T>::load(b));
  }
};
// Integers round toward -inf (x // 0 is 0); floats floor the quotient rounded to T.
template <class T> struct FloorDivideB {
  static __device__ __forceinline__ T f(T a, T b, const P&) {
    if constexpr (kind<T>::value == 0) {
      return b && a;
    } else if constexpr (kind<T>::value == 1) {
      using W = typename wide<T>::type;
      if (b == T(0)) return T(0);
      if (b == T(-1)) return (T)((W)0 - (W)a);
      T q = (T)(a / b);
      if ((T)(a % b) != T(0) && ((a < T(0)) != (b < T(0)))) q = (T)(q - 1);
      return q;
    } else if constexpr (kind<T>::value == 2) {
      return b == T(0) ? T(0) : (T)(a / b);
    } else if constexpr (is_same<T, double>::value) {
      return floor(a / b);
    } else {
      float q = rnd<T>(Num<T>::load(a) / Num<T>::load(b));
      return Num<T>::store(floorf(q));
    }
  }
};
// The remainder takes the divisor's sign; x % 0 is 0 for integers, NaN for floats.
template <class T> struct RemainderB {
  static __device__ __forceinline__ T f(T a, T b, const P&) {
    if constexpr (kind<T>::value == 0) {
      return false;
    } else if constexpr (kind<T>::value == 1) {
      if (b == T(0) || b == T(-1)) return T(0);
      T r = (T)(a % b);
      if (r != T(0) && ((r < T(0)) != (b < T(0)))) r = (T)(r + b);
      return r;
    } else if constexpr (kind<T>::value == 2) {
      return b == T(0) ? T(0) : (T)(a % b);
    } else if constexpr (is_same<T, double>::value) {
      double r = fmod(a, b);
      if (r != 0.0) {
        if ((r < 0.0) != (b < 0.0)) r += b;
      } else {
        r = copysign(0.0, b);
      }
      return r;
    } else {
      float x = Num<T>::load(a), y = Num<T>::load(b);
      float r = fmodf(x, y);
      if (r != 0.0f) {
        if ((r < 0.0f) != (y < 0.0f)) r += y;
      } else {
        r = copysignf(0.0f, y);
      }
      return Num<T>::store(r);
    }
  }
};
// Integer powers by squaring (negative exponents give 0).
template <class T> struct PowerB {
  static __device__ __forceinline__ T f(T a, T b, const P&) {
    if constexpr (kind<T>::value == 0) {
      return a || !b;
    } else if constexpr (is_int_v<T>) {
      if constexpr (is_signed_v<T>) {
        if (b < T(0)) return T(0);
      }
      using W = typename wide<T>::type;
      using U = typename uns<T>::type;
      W r = 1, base = (W)a;
      U e = (U)b;
      while (e) {
        if (e & 1) r *= base;
        e >>= 1;
        base *= base;
      }
      return (T)r;
    } else if constexpr (is_same<T, double>::value) {
      return pow(a, b);
    } else {
      return Num<T>::store(powf(Num<T>::load(a), Num<T>::load(b)));
    }
  }
};
// NaN propagates from either side.
template <class T> struct MaximumB {
  static __device__ __forceinline__ T f(T a, T b, const P&) {
    if (isnan_(a)) return a;
    return Num<T>::load(b) < Num<T>::load(a) ? a : b;
  }
};
template <class T> struct MinimumB {
  static __device__ __forceinline__ T f(T a, T b, const P&) {
    if (isnan_(a)) return a;
    return Num<T>::load(a) < Num<T>::load(b) ? a : b;
  }
};
template <class T> struct ArcTan2B {
  static __device__ __forceinline__ T f(T a, T b, const P&) {
    if constexpr (is_same<T, double>::value) return atan2(a, b);
    else return Num<T>::store(atan2f(Num<T>::load(a), Num<T>::load(b)));
  }
};
template <class T> struct LogAddExpB {
  static __device__ __forceinline__ T f(T a, T b, const P&) {
    using C = typename Num<T>::C;
    C x = Num<T>::load(a), y = Num<T>::load(b);
    if (x != x || y != y) return Num<T>::store(x + y);
    C hi = x > y ? x : y, lo = x > y ? y : x;
    const C inf = (C)inf_f();
    if (lo == -inf || hi == inf) return Num<T>::store(hi);
    if constexpr (is_same<C, double>::value) return hi + log1p(exp(lo - hi));
    else return Num<T>::store(hi + log1pf(expf(lo - hi)));
  }
};

#define MLXG_COMPARE(NAME, EXPR)                                          \
  template <class T> struct NAME {                                        \
    static __device__ __forceinline__ bool f(T a_, T b_, const P&) {      \
      typename Num<T>::C a = Num<T>::load(a_), b = Num<T>::load(b_);      \
      return (EXPR);                                                      \
    }                                                                     \
  };
MLXG_COMPARE(EqualB, a == b)
MLXG_COMPARE(NaNEqualB, a == b || (a != a && b != b))
MLXG_COMPARE(NotEqualB, a != b)
MLXG_COMPARE(LessB, a < b)
MLXG_COMPARE(LessEqualB, a <= b)
MLXG_COMPARE(GreaterB, a > b)
MLXG_COMPARE(GreaterEqualB, a >= b)
#undef MLXG_COMPARE

template <class T> struct LogicalAndB {
  static __device__ __forceinline__ bool f(bool a, bool b, const P&) { return a && b; }
};
template <class T> struct LogicalOrB {
  static __device__ __forceinline__ bool f(bool a, bool b, const P&) { return a || b; }
};
template <class T> struct BitwiseAndB {
  static __device__ __forceinline__ T f(T a, T b, const P&) { return (T)(a & b); }
};
template <class T> struct BitwiseOrB {
  static __device__ __forceinline__ T f(T a, T b, const P&) { return (T)(a | b); }
};
template <class T> struct BitwiseXorB {
  static __device__ __forceinline__ T f(T a, T b, const P&) { return (T)(a ^ b); }
};
// Shifts by the bit width or more (or by a negative count) saturate, as numpy.
template <class T> struct LeftShiftB {
  static __device__ __forceinline__ T f(T a, T b, const P&) {
    using U = typename uns<T>::type;
    if ((U)b >= (U)(sizeof(T) * 8)) return T(0);
    return (T)(U)((U)a << b);
  }
};
template <class T> struct RightShiftB {
  static __device__ __forceinline__ T f(T a, T b, const P&) {
    using U = typename uns<T>::type;
    if ((U)b >= (U)(sizeof(T) * 8)) {
      if constexpr (is_signed_v<T>) return a < T(0) ? T(-1) : T(0);
      else return T(0);
    }
    return (T)(a >> b);
  }
};
// |a - b| <= atol + rtol |b| (p0 rtol, p1 atol, p2 equal_nan); float for
// float32 and halves, double otherwise.
template <class T> struct IsCloseB {
  static __device__ __forceinline__ bool f(T a_, T b_, const P& p) {
    bool eqnan = p.p2 != 0.0;
    if constexpr (is_same<typename Num<T>::C, float>::value) {
      float x = Num<T>::load(a_), y = Num<T>::load(b_);
      if (x != x || y != y) return eqnan && x != x && y != y;
      if (fabsf(x) == inf_f() || fabsf(y) == inf_f()) return x == y;
      return fabsf(x - y) <= __fadd_rn((float)p.p1, __fmul_rn((float)p.p0, fabsf(y)));
    } else {
      double x = (double)a_, y = (double)b_;
      if (x != x || y != y) return eqnan && x != x && y != y;
      if (fabs(x) == inf_d() || fabs(y) == inf_d()) return x == y;
      return fabs(x - y) <= __dadd_rn(p.p1, __dmul_rn(p.p0, fabs(y)));
    }
  }
};

// ================= ternary functors =================

// where(c, x, y) on elements moved as unsigned integers of their width.
template <class E> struct SelectT {
  static __device__ __forceinline__ E f(bool c, E x, E y, const P&) { return c ? x : y; }
};

// Random samples from uint32 bits (MLX's float32 sequence, each step rounded).
template <class T> struct UniformR {
  static __device__ __forceinline__ T f(unsigned bits, T lo_, T hi_, const P&) {
    float upper;
    if constexpr (is_same<T, f16>::value) upper = 0.99951171875f;
    else if constexpr (is_same<T, bf16>::value) upper = 0.99609375f;
    else upper = 0.99999994f;
    float lo = Num<T>::load(lo_), hi = Num<T>::load(hi_);
    float range = rnd<T>(__fsub_rn(hi, lo));
    float u = __fmul_rn(__uint2float_rn(bits), 2.3283064365386963e-10f);
    u = u < upper ? u : upper;
    float scaled = rnd<T>(__fmul_rn(range, rnd<T>(u)));
    return Num<T>::store(__fadd_rn(scaled, lo));
  }
};
template <class T> struct BernoulliR {
  static __device__ __forceinline__ bool f(unsigned bits, T p_, const P&) {
    const float upper = 4294967808.0f;
    if constexpr (is_same<T, double>::value) {
      return (double)bits < __dmul_rn(p_, (double)upper);
    } else {
      return __uint2float_rn(bits) < __fmul_rn(Num<T>::load(p_), upper);
    }
  }
};

// Normal samples (RandomNormal): sqrt(2) * erfinv(v) (* scale) (+ loc) from a
// float32 uniform v in (-1, 1), each operation rounded to T as the host does.
// erfinv: N. Juffa's single-precision approximation, as the host's.
__device__ __forceinline__ float erfinv_f32(float a) {
  float t = logf(fmaf(a, -a, 1.0f));
  float p;
  if (fabsf(t) > 6.125f) {
    p = 3.03697567e-10f;
    p = fmaf(p, t, 2.93243101e-8f);
    p = fmaf(p, t, 1.22150334e-6f);
    p = fmaf(p, t, 2.84108955e-5f);
    p = fmaf(p, t, 3.93552968e-4f);
    p = fmaf(p, t, 3.02698812e-3f);
    p = fmaf(p, t, 4.83185798e-3f);
    p = fmaf(p, t, -2.64646143e-1f);
    p = fmaf(p, t, 8.40016484e-1f);
  } else {
    p = 5.43877832e-9f;
    p = fmaf(p, t, 1.43285448e-7f);
    p = fmaf(p, t, 1.22774793e-6f);
    p = fmaf(p, t, 1.12963626e-7f);
    p = fmaf(p, t, -5.61530760e-5f);
    p = fmaf(p, t, -1.47697632e-4f);
    p = fmaf(p, t, 2.31468678e-3f);
    p = fmaf(p, t, 1.15392581e-2f);
    p = fmaf(p, t, -2.32015476e-1f);
    p = fmaf(p, t, 8.86226892e-1f);
  }
  return __fmul_rn(a, p);
}
__device__ __forceinline__ float signed_unit(unsigned bits) {
  float u = __fmul_rn(__uint2float_rn(bits), 2.3283064365386963e-10f);
  u = u < 0.99999994f ? u : 0.99999994f;
  return __fadd_rn(__fmul_rn(2.0f, u), -0.99999994f);
}
__device__ __forceinline__ float mul_rn(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ double mul_rn(double a, double b) { return __dmul_rn(a, b); }
__device__ __forceinline__ float add_rn(float a, float b) { return __fadd_rn(a, b); }
__device__ __forceinline__ double add_rn(double a, double b) { return __dadd_rn(a, b); }

template <class T> struct Normal {
  using C = typename cond<is_same<T, double>::value, double, float>::type;
  static __device__ __forceinline__ C round(C x) {
    if constexpr (kind<T>::value == 4) return rnd<T>(x);
    else return x;
  }
  static __device__ __forceinline__ C param(T v) { return (C)Num<T>::load(v); }
  static __device__ __forceinline__ T sample(unsigned bits, bool has_scale, C scale, bool has_loc,
                                             C loc) {
    const C sqrt2 = round((C)1.4142135623730951);
    C d = round((C)erfinv_f32(signed_unit(bits)));
    C applied = has_scale ? round(mul_rn(sqrt2, scale)) : sqrt2;
    C v = round(mul_rn(applied, d));
    if (has_loc) v = round(add_rn(loc, v));
    return Num<T>::store(v);
  }
};
template <class T> struct NormalR {
  static __device__ __forceinline__ T f(unsigned b, const P&) {
    return Normal<T>::sample(b, false, 1, false, 0);
  }
};
template <class T> struct NormalScaleR {
  static __device__ __forceinline__ T f(unsigned b, T s, const P&) {
    return Normal<T>::sample(b, true, Normal<T>::param(s), false, 0);
  }
};
template <class T> struct NormalLocR {
  static __device__ __forceinline__ T f(unsigned b, T l, const P&) {
    return Normal<T>::sample(b, false, 1, true, Normal<T>::param(l));
  }
};
template <class T> struct NormalScaleLocR {
  static __device__ __forceinline__ T f(unsigned b, T s, T l, const P&) {
    return Normal<T>::sample(b, true, Normal<T>::param(s), true, Normal<T>::param(l));
  }
};

// ================= elementwise drivers =================

// Offsets of row-major index i over (ndim, shape) for N stride sets.
template <int N, class I>
__device__ __forceinline__ void locs(I i, int ndim, const Dims& shape, const StridesN<N>& st,
                                     long long (&o)[N]) {
#pragma unroll
  for (int k = 0; k < N; ++k) o[k] = 0;
#pragma unroll
  for (int d = 9; d >= 0; --d) {
    if (d < ndim) {
      I dim = (I)shape.v[d];
      I q = i / dim;
      long long r = (long long)(i - q * dim);
#pragma unroll
      for (int k = 0; k < N; ++k) o[k] += r * st.v[k][d];
      i = q;
    }
  }
}

// Dense path: each thread moves 16 bytes per step. One 4-byte element per
// thread keeps too few loads in flight to saturate HBM (Little's law: an H200
// needs ~3 MB in flight, 4 B x 2048 threads x 132 SMs is ~1 MB).
template <class T, int U> struct alignas(sizeof(T) * U) Pack { T v[U]; };
template <class A> __host__ __device__ constexpr int size_max() { return (int)sizeof(A); }
template <class A, class B, class... R> __host__ __device__ constexpr int size_max() {
  return (int)sizeof(A) > size_max<B, R...>() ? (int)sizeof(A) : size_max<B, R...>();
}
template <class T> __device__ __forceinline__ bool pack_ok(const T* p, int u, long long stride) {
  return stride == 0 || (stride == 1 && ((unsigned long long)p % (sizeof(T) * u)) == 0);
}
// Pack q of p (stride 1), or its one element repeated (stride 0: a broadcast scalar).
template <int U, class T>
__device__ __forceinline__ Pack<T, U> load_pack(const T* p, long long q, long long stride) {
  Pack<T, U> r;
  if (stride == 0) {
    const T x = p[0];
#pragma unroll
    for (int j = 0; j < U; ++j) r.v[j] = x;
  } else {
    r = reinterpret_cast<const Pack<T, U>*>(p)[q];
  }
  return r;
}

// Packs of the output for q < n / U (pack(q)), then the tail elements (tail(i)).
template <class TO, int U, class PackFn, class TailFn>
__device__ __forceinline__ void vec_loop(TO* out, long long n, PackFn pack, TailFn tail) {
  const long long tid = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long step = (long long)gridDim.x * blockDim.x;
  const long long np = n / U;
  for (long long q = tid; q < np; q += step) reinterpret_cast<Pack<TO, U>*>(out)[q] = pack(q);
  for (long long i = np * U + tid; i < n; i += step) out[i] = tail(i);
}

template <class Op, class TO, class T0>
__device__ __forceinline__ bool ew1_vec(TO* out, const T0* a, long long n, int ndim,
                                        const StridesN<1>& st, const P& p) {
  constexpr int U = 16 / size_max<TO, T0>();
  const long long s0 = st.v[0][0];
  if (U < 2 || ndim > 1 || !pack_ok(out, U, 1) || !pack_ok(a, U, s0)) return false;
  vec_loop<TO, U>(out, n, [&](long long q) {
    Pack<T0, U> va = load_pack<U>(a, q, s0);
    Pack<TO, U> r;
#pragma unroll
    for (int j = 0; j < U; ++j) r.v[j] = Op::f(va.v[j], p);
    return r;
  }, [&](long long i) { return Op::f(a[i * s0], p); });
  return true;
}
template <class Op, class TO, class T0, class T1>
__device__ __forceinline__ bool ew2_vec(TO* out, const T0* a, const T1* b, long long n, int ndim,
                                        const StridesN<2>& st, const P& p) {
  constexpr int U = 16 / size_max<TO, T0, T1>();
  const long long s0 = st.v[0][0], s1 = st.v[1][0];
  if (U < 2 || ndim > 1 || !pack_ok(out, U, 1) || !pack_ok(a, U, s0) || !pack_ok(b, U, s1)) return false;
  vec_loop<TO, U>(out, n, [&](long long q) {
    Pack<T0, U> va = load_pack<U>(a, q, s0);
    Pack<T1, U> vb = load_pack<U>(b, q, s1);
    Pack<TO, U> r;
#pragma unroll
    for (int j = 0; j < U; ++j) r.v[j] = Op::f(va.v[j], vb.v[j], p);
    return r;
  }, [&](long long i) { return Op::f(a[i * s0], b[i * s1], p); });
  return true;
}
template <class Op, class TO, class T0, class T1, class T2>
__device__ __forceinline__ bool ew3_vec(TO* out, const T0* a, const T1* b, const T2* c, long long n,
                                        int ndim, const StridesN<3>& st, const P& p) {
  constexpr int U = 16 / size_max<TO, T0, T1, T2>();
  const long long s0 = st.v[0][0], s1 = st.v[1][0], s2 = st.v[2][0];
  if (U < 2 || ndim > 1 || !pack_ok(out, U, 1) || !pack_ok(a, U, s0) || !pack_ok(b, U, s1) ||
      !pack_ok(c, U, s2)) {
    return false;
  }
  vec_loop<TO, U>(out, n, [&](long long q) {
    Pack<T0, U> va = load_pack<U>(a, q, s0);
    Pack<T1, U> vb = load_pack<U>(b, q, s1);
    Pack<T2, U> vc = load_pack<U>(c, q, s2);
    Pack<TO, U> r;
#pragma unroll
    for (int j = 0; j < U; ++j) r.v[j] = Op::f(va.v[j], vb.v[j], vc.v[j], p);
    return r;
  }, [&](long long i) { return Op::f(a[i * s0], b[i * s1], c[i * s2], p); });
  return true;
}

#define MLXG_EW_LOOP(CALL)                                                          \
  long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;                   \
  const long long step = (long long)gridDim.x * blockDim.x;                         \
  if (ndim <= 1) {                                                                  \
    bool dense = true;                                                              \
    _Pragma("unroll") for (int k = 0; k < N; ++k) dense = dense && st.v[k][0] == 1; \
    if (dense) {                                                                    \
      for (; i < n; i += step) {                                                    \
        long long o[N];                                                             \
        _Pragma("unroll") for (int k = 0; k < N; ++k) o[k] = i;                     \
        out[i] = CALL;                                                              \
      }                                                                             \
    } else {                                                                        \
      for (; i < n; i += step) {                                                    \
        long long o[N];                                                             \
        _Pragma("unroll") for (int k = 0; k < N; ++k) o[k] = i * st.v[k][0];        \
        out[i] = CALL;                                                              \
      }                                                                             \
    }                                                                               \
  } else if (n <= 0xffffffffLL) {                                                   \
    for (; i < n; i += step) {                                                      \
      long long o[N];                                                               \
      locs<N>((unsigned)i, ndim, shape, st, o);                                     \
      out[i] = CALL;                                                                \
    }                                                                               \
  } else {                                                                          \
    for (; i < n; i += step) {                                                      \
      long long o[N];                                                               \
      locs<N>((unsigned long long)i, ndim, shape, st, o);                           \
      out[i] = CALL;                                                                \
    }                                                                               \
  }

template <class Op, class TO, class T0>
__device__ __forceinline__ void ew1(TO* out, const T0* a, long long n, int ndim, const Dims& shape,
                                    const StridesN<1>& st, const P& p) {
  if (ew1_vec<Op>(out, a, n, ndim, st, p)) return;
  constexpr int N = 1;
  MLXG_EW_LOOP(Op::f(a[o[0]], p))
}
template <class Op, class TO, class T0, class T1>
__device__ __forceinline__ void ew2(TO* out, const T0* a, const T1* b, long long n, int ndim,
                                    const Dims& shape, const StridesN<2>& st, const P& p) {
  if (ew2_vec<Op>(out, a, b, n, ndim, st, p)) return;
  constexpr int N = 2;
  MLXG_EW_LOOP(Op::f(a[o[0]], b[o[1]], p))
}
template <class Op, class TO, class T0, class T1, class T2>
__device__ __forceinline__ void ew3(TO* out, const T0* a, const T1* b, const T2* c, long long n,
                                    int ndim, const Dims& shape, const StridesN<3>& st,
                                    const P& p) {
  if (ew3_vec<Op>(out, a, b, c, n, ndim, st, p)) return;
  constexpr int N = 3;
  MLXG_EW_LOOP(Op::f(a[o[0]], b[o[1]], c[o[2]], p))
}
#undef MLXG_EW_LOOP

// ================= reductions =================
//
// A policy R has: Acc, identity(), load(T v, long long index) -> Acc,
// combine(Acc, Acc) (associative and commutative), and
// template <class O> finish(Acc, double scale) -> O. Policies with kAux read
// one value per output (AuxT, from a first pass): load(v, index, aux) and
// finish(acc, scale, p1, p2, aux).

struct NoAux {
  using AuxT = float;
  static constexpr bool kAux = false;
};

template <class T> struct acc_of { using type = typename Num<T>::C; };
template <> struct acc_of<bool> { using type = unsigned int; };
template <> struct acc_of<signed char> { using type = unsigned int; };
template <> struct acc_of<short> { using type = unsigned int; };
template <> struct acc_of<int> { using type = unsigned int; };
template <> struct acc_of<unsigned char> { using type = unsigned int; };
template <> struct acc_of<unsigned short> { using type = unsigned int; };
template <> struct acc_of<unsigned int> { using type = unsigned int; };
template <> struct acc_of<long long> { using type = unsigned long long; };
template <> struct acc_of<unsigned long long> { using type = unsigned long long; };

template <class T> struct SumR : NoAux {
  using Acc = typename acc_of<T>::type;
  static __device__ __forceinline__ Acc identity() { return Acc(0); }
  static __device__ __forceinline__ Acc load(T v, long long) {
    if constexpr (kind<T>::value >= 3) return Num<T>::load(v);
    else return (Acc)v;
  }
  static __device__ __forceinline__ Acc combine(Acc a, Acc b) { return a + b; }
  template <class O> static __device__ __forceinline__ O finish(Acc a, double) {
    if constexpr (is_int_v<O>) return (O)a;
    else return cast<O>(a);
  }
};
// mean: the sum times scale (1 / count): floats scale in double, integers
// scale the (signed) integer sum in float32, as the host does.
template <class T> struct MeanR : SumR<T> {
  using Acc = typename SumR<T>::Acc;
  template <class O> static __device__ __forceinline__ O finish(Acc a, double scale) {
    if constexpr (kind<T>::value >= 3) {
      return cast<O>(__dmul_rn((double)a, scale));
    } else if constexpr (is_signed_v<T>) {
      using S = typename cond<is_same<Acc, unsigned int>::value, int, long long>::type;
      return cast<O>(__fmul_rn((float)(S)a, (float)scale));
    } else {
      return cast<O>(__fmul_rn((float)a, (float)scale));
    }
  }
};
template <class T> struct ProdR : NoAux {
  using Acc = typename acc_of<T>::type;
  static __device__ __forceinline__ Acc identity() { return Acc(1); }
  static __device__ __forceinline__ Acc load(T v, long long) {
    if constexpr (kind<T>::value >= 3) return Num<T>::load(v);
    else return (Acc)v;
  }
  static __device__ __forceinline__ Acc combine(Acc a, Acc b) { return a * b; }
  template <class O> static __device__ __forceinline__ O finish(Acc a, double) {
    if constexpr (is_int_v<O>) return (O)a;
    else return cast<O>(a);
  }
};

// Max/min in the compute type (bool as unsigned char); NaN is sticky.
template <class T> struct ext_of { using type = typename Num<T>::C; };
template <> struct ext_of<bool> { using type = unsigned char; };
template <class T, bool IsMax> struct Extreme {
  using C = typename ext_of<T>::type;
  static __device__ __forceinline__ C ident() {
    if constexpr (kind<C>::value == 3) return IsMax ? -(C)inf_f() : (C)inf_f();
    else return IsMax ? lim<C>::lo : lim<C>::hi;
  }
  // v strictly better than cur (NaN beats numbers).
  static __device__ __forceinline__ bool better(C v, C cur) {
    if constexpr (kind<C>::value == 3) {
      return (IsMax ? v > cur : v < cur) || (v != v && cur == cur);
    } else {
      return IsMax ? v > cur : v < cur;
    }
  }
};
template <class T, bool IsMax> struct MinMaxR : NoAux {
  using E = Extreme<T, IsMax>;
  using Acc = typename E::C;
  static __device__ __forceinline__ Acc identity() { return E::ident(); }
  static __device__ __forceinline__ Acc load(T v, long long) {
    if constexpr (kind<T>::value == 0) return (Acc)v;
    else return Num<T>::load(v);
  }
  static __device__ __forceinline__ Acc combine(Acc a, Acc b) {
    if constexpr (kind<Acc>::value == 3) return (E::better(b, a) || b != b) ? b : a;
    else return E::better(b, a) ? b : a;
  }
  template <class O> static __device__ __forceinline__ O finish(Acc a, double) {
    if constexpr (kind<O>::value == 0) return a != 0;
    else if constexpr (kind<O>::value == 4) return Num<O>::store(a);
    else return (O)a;
  }
};
template <class T> struct MaxR : MinMaxR<T, true> {};
template <class T> struct MinR : MinMaxR<T, false> {};

// all / any: whether elements are nonzero (-0 is zero, NaN is not).
template <class T, bool IsAnd> struct AndOrR : NoAux {
  using Acc = unsigned int;
  static __device__ __forceinline__ Acc identity() { return IsAnd ? 1u : 0u; }
  static __device__ __forceinline__ Acc load(T v, long long) {
    if constexpr (kind<T>::value == 4) return (v.bits & 0x7fffu) != 0u;
    else return v != T(0);
  }
  static __device__ __forceinline__ Acc combine(Acc a, Acc b) { return IsAnd ? (a & b) : (a | b); }
  template <class O> static __device__ __forceinline__ O finish(Acc a, double) { return a != 0u; }
};
template <class T> struct AndR : AndOrR<T, true> {};
template <class T> struct OrR : AndOrR<T, false> {};

// argmax / argmin: (value, index); ties and NaN ties go to the smaller index.
template <class C> struct ArgAcc {
  C val;
  unsigned idx;
};
template <class T, bool IsMax> struct ArgR : NoAux {
  using E = Extreme<T, IsMax>;
  using C = typename E::C;
  using Acc = ArgAcc<C>;
  static __device__ __forceinline__ Acc identity() {
    Acc a;
    a.val = E::ident();
    a.idx = 0xffffffffu;
    return a;
  }
  static __device__ __forceinline__ Acc load(T v, long long i) {
    Acc a;
    if constexpr (kind<T>::value == 0) a.val = (C)v;
    else a.val = Num<T>::load(v);
    a.idx = (unsigned)i;
    return a;
  }
  static __device__ __forceinline__ Acc combine(Acc a, Acc b) {
    if (E::better(b.val, a.val)) return b;
    if (E::better(a.val, b.val)) return a;
    return b.idx < a.idx ? b : a;
  }
  template <class O> static __device__ __forceinline__ O finish(Acc a, double) {
    return a.idx == 0xffffffffu ? 0u : a.idx;
  }
};
template <class T> struct ArgMaxR : ArgR<T, true> {};
template <class T> struct ArgMinR : ArgR<T, false> {};

// The compute type of the two-pass reductions: double for float64, else float.
template <class T> using pass_t = typename cond<is_same<T, double>::value, double, float>::type;

// logsumexp's second pass: sum of exp(x - m) with m the output's maximum;
// finish: log(sum) + m (m itself when it is infinite).
template <class T> struct LogSumExpR {
  using C = pass_t<T>;
  using Acc = C;
  using AuxT = C;
  static constexpr bool kAux = true;
  static __device__ __forceinline__ Acc identity() { return Acc(0); }
  static __device__ __forceinline__ Acc load(T v, long long, C m) {
    if constexpr (is_same<C, double>::value) return exp((double)v - m);
    else return expf(Num<T>::load(v) - m);
  }
  static __device__ __forceinline__ Acc combine(Acc a, Acc b) { return a + b; }
  template <class O>
  static __device__ __forceinline__ O finish(Acc a, double, double, double, C m) {
    double md = (double)m;
    double v = (md == (double)inf_f() || md == -(double)inf_f()) ? md : log((double)a) + md;
    return cast<O>(v);
  }
};

// var/std's second pass: the sum of squared deviations from the mean (aux);
// finish: / count (ddof 0: * scale = 1 / count) or / max(count - ddof, 0),
// the square root for std (p1 = count, p2 = ddof).
template <class T, bool IsStd> struct VarR {
  using C = pass_t<T>;
  using Acc = C;
  using AuxT = C;
  static constexpr bool kAux = true;
  static __device__ __forceinline__ Acc identity() { return Acc(0); }
  static __device__ __forceinline__ Acc load(T v, long long, C mu) {
    C d = (C)Num<T>::load(v) - mu;
    return d * d;
  }
  static __device__ __forceinline__ Acc combine(Acc a, Acc b) { return a + b; }
  template <class O>
  static __device__ __forceinline__ O finish(Acc a, double scale, double count, double ddof, C) {
    double d = count - ddof;
    double v = ddof == 0.0 ? __dmul_rn((double)a, scale) : (double)a / (d > 0.0 ? d : 0.0);
    if (IsStd) v = sqrt(v);
    return cast<O>(v);
  }
};
template <class T> struct VarianceR : VarR<T, false> {};
template <class T> struct StdR : VarR<T, true> {};

// Warp shuffles of accumulators.
__device__ __forceinline__ float shfl_xor(float v, int o) { return __shfl_xor_sync(0xffffffffu, v, o); }
__device__ __forceinline__ double shfl_xor(double v, int o) { return __shfl_xor_sync(0xffffffffu, v, o); }
__device__ __forceinline__ int shfl_xor(int v, int o) { return __shfl_xor_sync(0xffffffffu, v, o); }
__device__ __forceinline__ unsigned shfl_xor(unsigned v, int o) {
  return __shfl_xor_sync(0xffffffffu, v, o);
}
__device__ __forceinline__ long long shfl_xor(long long v, int o) {
  return __shfl_xor_sync(0xffffffffu, v, o);
}
__device__ __forceinline__ unsigned long long shfl_xor(unsigned long long v, int o) {
  return __shfl_xor_sync(0xffffffffu, v, o);
}
__device__ __forceinline__ signed char shfl_xor(signed char v, int o) {
  return (signed char)__shfl_xor_sync(0xffffffffu, (int)v, o);
}
__device__ __forceinline__ unsigned char shfl_xor(unsigned char v, int o) {
  return (unsigned char)__shfl_xor_sync(0xffffffffu, (unsigned)v, o);
}
__device__ __forceinline__ short shfl_xor(short v, int o) {
  return (short)__shfl_xor_sync(0xffffffffu, (int)v, o);
}
__device__ __forceinline__ unsigned short shfl_xor(unsigned short v, int o) {
  return (unsigned short)__shfl_xor_sync(0xffffffffu, (unsigned)v, o);
}
template <class C> __device__ __forceinline__ ArgAcc<C> shfl_xor(ArgAcc<C> v, int o) {
  ArgAcc<C> r;
  r.val = shfl_xor(v.val, o);
  r.idx = shfl_xor(v.idx, o);
  return r;
}

// Combines the accumulators of each group of G threads (G a power of two,
// groups aligned in the block, G <= blockDim.x); lane 0 of a group gets the
// result. Every thread of the block must call it (it synchronizes).
template <class R>
__device__ __forceinline__ typename R::Acc group_reduce(typename R::Acc acc, int G) {
  using Acc = typename R::Acc;
  if (G == 1) return acc;
  const int w = G < 32 ? G : 32;
  for (int off = w / 2; off > 0; off >>= 1) acc = R::combine(acc, shfl_xor(acc, off));
  if (G > 32) {
    __shared__ Acc partial[32];
    const int warp = threadIdx.x / 32, lane32 = threadIdx.x % 32;
    const int per_group = G / 32;
    const int lane = threadIdx.x % G, group = threadIdx.x / G;
    if (lane32 == 0) partial[warp] = acc;
    __syncthreads();
    if (lane < 32) {
      acc = lane < per_group ? partial[group * per_group + lane] : R::identity();
      for (int off = 16; off > 0; off >>= 1) acc = R::combine(acc, shfl_xor(acc, off));
    }
    __syncthreads();
  }
  return acc;
}

// Offset of index i over (ndim, shape, strides).
__device__ __forceinline__ long long loc1(long long i, int ndim, const Dims& shape,
                                          const Dims& st) {
  if (ndim == 1) return i * st.v[0];
  long long o = 0;
#pragma unroll
  for (int d = 9; d >= 0; --d) {
    if (d < ndim) {
      long long dim = shape.v[d];
      long long q = i / dim;
      o += (i - q * dim) * st.v[d];
      i = q;
    }
  }
  return o;
}

// Work items are (output o, chunk s) pairs, item = s * n_out + o; a group of
// G threads reduces the chunk's indices [s * chunk, min(R, (s + 1) * chunk)).
// mode bit 0: the input holds accumulators (a later pass); bit 1: write
// accumulators to out[o * S + s] (an earlier pass) instead of finished values.
template <class R, class TIn, class TOut>
__device__ __forceinline__ void reduce_body(const void* in_, void* out_, long long n_out,
                                            long long Rn, long long S, long long chunk, int G,
                                            int kept_nd, const Dims& kshape, const Dims& kst,
                                            int red_nd, const Dims& rshape, const Dims& rst,
                                            int mode, double scale, const void* aux, double p1,
                                            double p2) {
  using Acc = typename R::Acc;
  using AuxT = typename R::AuxT;
  const bool from_acc = (mode & 1) != 0, to_acc = (mode & 2) != 0;
  const int groups = blockDim.x / G;
  const int lane = threadIdx.x % G, group = threadIdx.x / G;
  const long long n_items = n_out * S;
  for (long long base = (long long)blockIdx.x * groups; base < n_items;
       base += (long long)gridDim.x * groups) {
    const long long item = base + group;
    const bool valid = item < n_items;
    Acc acc = R::identity();
    long long o = 0, s = 0;
    AuxT av = AuxT(0);
    if (valid) {
      o = item % n_out;
      s = item / n_out;
      if constexpr (R::kAux) av = ((const AuxT*)aux)[o];
      const long long b = loc1(o, kept_nd, kshape, kst);
      const long long r0 = s * chunk;
      const long long r1 = r0 + chunk < Rn ? r0 + chunk : Rn;
      if (from_acc) {
        const Acc* in = (const Acc*)in_;
        for (long long r = r0 + lane; r < r1; r += G)
          acc = R::combine(acc, in[b + loc1(r, red_nd, rshape, rst)]);
      } else {
        const TIn* in = (const TIn*)in_;
        for (long long r = r0 + lane; r < r1; r += G) {
          if constexpr (R::kAux)
            acc = R::combine(acc, R::load(in[b + loc1(r, red_nd, rshape, rst)], r, av));
          else
            acc = R::combine(acc, R::load(in[b + loc1(r, red_nd, rshape, rst)], r));
        }
      }
    }
    acc = group_reduce<R>(acc, G);
    if (valid && lane == 0) {
      if (to_acc) ((Acc*)out_)[o * S + s] = acc;
      else if constexpr (R::kAux) ((TOut*)out_)[o] = R::template finish<TOut>(acc, scale, p1, p2, av);
      else ((TOut*)out_)[o] = R::template finish<TOut>(acc, scale);
    }
  }
}

// ================= gathers =================

__device__ __forceinline__ long long clamp_index(long long j, long long n) {
  if (j < 0) j += n;
  return j < 0 ? 0 : (j >= n ? n - 1 : j);
}

// out[p, i, q] = a[p, idx[i], q] (pre, index and post dimensions collapsed).
template <class E, class I>
__device__ __forceinline__ void take_body(const E* a, const I* idx, E* out, long long n,
                                          long long post, long long n_idx, long long axis_n,
                                          long long axis_stride, int pre_nd, const Dims& pre_sh,
                                          const Dims& pre_st, int post_nd, const Dims& post_sh,
                                          const Dims& post_st, int idx_nd, const Dims& idx_sh,
                                          const Dims& idx_st) {
  long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long step = (long long)gridDim.x * blockDim.x;
  for (; e < n; e += step) {
    long long q = e % post;
    long long t = e / post;
    long long i = t % n_idx;
    long long pi = t / n_idx;
    long long j = clamp_index((long long)idx[loc1(i, idx_nd, idx_sh, idx_st)], axis_n);
    out[e] = a[loc1(pi, pre_nd, pre_sh, pre_st) + j * axis_stride +
               loc1(q, post_nd, post_sh, post_st)];
  }
}

// take_along_axis: strides {a (0 along the axis and broadcast dims), idx}.
template <class E, class I>
__device__ __forceinline__ void gather_axis_body(const E* a, const I* idx, E* out, long long n,
                                                 int ndim, const Dims& shape,
                                                 const StridesN<2>& st, long long axis_n,
                                                 long long axis_stride) {
  long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long step = (long long)gridDim.x * blockDim.x;
  for (; e < n; e += step) {
    long long o[2];
    locs<2>((unsigned long long)e, ndim, shape, st, o);
    long long j = clamp_index((long long)idx[o[1]], axis_n);
    out[e] = a[o[0] + j * axis_stride];
  }
}

// ================= arange =================

// out[i] = start' + i * step' in T (start', step' prepared by the host as it
// computes them; integers in wrapping uint64 arithmetic).
template <class T>
__device__ __forceinline__ void arange_body(T* out, long long n, double s, double d,
                                            unsigned long long si, unsigned long long di) {
  long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long step = (long long)gridDim.x * blockDim.x;
  for (; i < n; i += step) {
    if constexpr (is_int_v<T>) {
      out[i] = (T)(si + (unsigned long long)i * di);
    } else if constexpr (is_same<T, double>::value) {
      out[i] = __dadd_rn(s, __dmul_rn((double)i, d));
    } else {
      float v = __fadd_rn((float)s, __fmul_rn((float)i, (float)d));
      out[i] = Num<T>::store(v);
    }
  }
}

// ================= threefry random bits =================

__device__ __forceinline__ unsigned rotl32(unsigned x, unsigned r) { return (x << r) | (x >> (32u - r)); }

__device__ __forceinline__ void threefry2x32(unsigned k0, unsigned k1, unsigned c0, unsigned c1,
                                             unsigned& o0, unsigned& o1) {
  const unsigned ks[3] = {k0, k1, k0 ^ k1 ^ 0x1BD11BDAu};
  const unsigned rot[2][4] = {{13u, 15u, 26u, 6u}, {17u, 29u, 16u, 24u}};
  unsigned x0 = c0 + ks[0], x1 = c1 + ks[1];
#pragma unroll
  for (unsigned i = 0; i < 5; ++i) {
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      x0 += x1;
      x1 = rotl32(x1, rot[i % 2][j]);
      x1 ^= x0;
    }
    x0 += ks[(i + 1) % 3];
    x1 += ks[(i + 2) % 3] + i + 1u;
  }
  o0 = x0;
  o1 = x1;
}

// Word w (little-endian bytes) of a key's `bytes` output bytes at dst.
__device__ __forceinline__ void put_word(unsigned char* dst, long long bytes, long long w,
                                         unsigned v, bool aligned) {
  long long nb = bytes - 4 * w;
  if (aligned && nb >= 4) {
    *(unsigned*)(dst + 4 * w) = v;
    return;
  }
  if (nb > 4) nb = 4;
  for (long long t = 0; t < nb; ++t) dst[4 * w + t] = (unsigned char)(v >> (8 * t));
}

// Per key: W = ceil(bytes / 4) words; word j < W/2 and word ceil(W/2) + j are
// the hash of counter (j, ceil(W/2) + j); an odd W's middle word is the first
// word of counter (W/2, 0). Items: (key, j) for j < ceil(W/2).
__device__ __forceinline__ void random_bits_body(const unsigned* keys, unsigned char* out,
                                                 long long num_keys, long long bytes,
                                                 long long words) {
  const long long half = words / 2, second = words - half;
  const long long n = num_keys * second;
  const bool aligned = (bytes % 4) == 0;
  long long e = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  const long long step = (long long)gridDim.x * blockDim.x;
  for (; e < n; e += step) {
    const long long k = e / second, j = e % second;
    const unsigned k0 = keys[2 * k], k1 = keys[2 * k + 1];
    unsigned char* dst = out + k * bytes;
    unsigned x0, x1;
    if (j < half) {
      threefry2x32(k0, k1, (unsigned)j, (unsigned)(second + j), x0, x1);
      put_word(dst, bytes, j, x0, aligned);
      put_word(dst, bytes, second + j, x1, aligned);
    } else {
      threefry2x32(k0, k1, (unsigned)half, 0u, x0, x1);
      put_word(dst, bytes, half, x0, aligned);
    }
  }
}

} // namespace mlxg
)MLXG";

std::string join_args(const std::vector<std::string>& parts) {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) s += ", ";
    s += parts[i];
  }
  return s;
}

} // namespace

const std::string& kernel_prelude() {
  static const std::string prelude(kPrelude);
  return prelude;
}

const char* kernel_type(Dtype d) {
  switch (d.val()) {
    case Dtype::Val::bool_: return "bool";
    case Dtype::Val::uint8: return "unsigned char";
    case Dtype::Val::uint16: return "unsigned short";
    case Dtype::Val::uint32: return "unsigned int";
    case Dtype::Val::uint64: return "unsigned long long";
    case Dtype::Val::int8: return "signed char";
    case Dtype::Val::int16: return "short";
    case Dtype::Val::int32: return "int";
    case Dtype::Val::int64: return "long long";
    case Dtype::Val::float16: return "mlxg::f16";
    case Dtype::Val::float32: return "float";
    case Dtype::Val::float64: return "double";
    case Dtype::Val::bfloat16: return "mlxg::bf16";
    case Dtype::Val::complex64: return nullptr;
  }
  return nullptr;
}

const char* kernel_uint_type(size_t width) {
  switch (width) {
    case 1: return "unsigned char";
    case 2: return "unsigned short";
    case 4: return "unsigned int";
    default: return "unsigned long long";
  }
}

const char* dtype_tag(Dtype d) {
  switch (d.val()) {
    case Dtype::Val::bool_: return "b8";
    case Dtype::Val::uint8: return "u8";
    case Dtype::Val::uint16: return "u16";
    case Dtype::Val::uint32: return "u32";
    case Dtype::Val::uint64: return "u64";
    case Dtype::Val::int8: return "i8";
    case Dtype::Val::int16: return "i16";
    case Dtype::Val::int32: return "i32";
    case Dtype::Val::int64: return "i64";
    case Dtype::Val::float16: return "f16";
    case Dtype::Val::float32: return "f32";
    case Dtype::Val::float64: return "f64";
    case Dtype::Val::bfloat16: return "bf16";
    case Dtype::Val::complex64: return "c64";
  }
  return "x";
}

std::string elementwise_source(const std::string& name, const std::string& op_type,
                               const char* out_type, const std::vector<const char*>& in_types) {
  const size_t nin = in_types.size();
  std::vector<std::string> params = {std::string(out_type) + "* out"};
  std::vector<std::string> call = {"out"};
  std::vector<std::string> targs = {op_type, out_type};
  for (size_t k = 0; k < nin; ++k) {
    std::string v = "in" + std::to_string(k);
    params.push_back(std::string("const ") + in_types[k] + "* " + v);
    call.push_back(v);
    targs.push_back(in_types[k]);
  }
  std::string n = std::to_string(nin);
  params.insert(params.end(), {"long long n", "int ndim", "mlxg::Dims shape",
                               "mlxg::StridesN<" + n + "> strides", "mlxg::P p"});
  call.insert(call.end(), {"n", "ndim", "shape", "strides", "p"});
  return kernel_prelude() + "\nextern \"C\" __global__ void " + name + "(" + join_args(params) +
         ") {\n  mlxg::ew" + n + "<" + join_args(targs) + ">(" + join_args(call) + ");\n}\n";
}

std::string reduce_source(const std::string& name, const std::string& op_type,
                          const char* in_type, const char* out_type) {
  return kernel_prelude() + "\nextern \"C\" __global__ void " + name +
         "(const void* in, void* out, long long n_out, long long R, long long S, "
         "long long chunk, int G, int kept_nd, mlxg::Dims kshape, mlxg::Dims kst, int red_nd, "
         "mlxg::Dims rshape, mlxg::Dims rst, int mode, double scale, const void* aux, double p1, "
         "double p2) {\n  mlxg::reduce_body<" +
         op_type + ", " + in_type + ", " + out_type +
         ">(in, out, n_out, R, S, chunk, G, kept_nd, kshape, kst, red_nd, rshape, rst, mode, "
         "scale, aux, p1, p2);\n}\n";
}

std::string take_source(const std::string& name, const char* elem_type, const char* index_type) {
  std::string e = elem_type, i = index_type;
  return kernel_prelude() + "\nextern \"C\" __global__ void " + name + "(const " + e +
         "* a, const " + i + "* idx, " + e +
         "* out, long long n, long long post, long long n_idx, long long axis_n, "
         "long long axis_stride, int pre_nd, mlxg::Dims pre_sh, mlxg::Dims pre_st, int post_nd, "
         "mlxg::Dims post_sh, mlxg::Dims post_st, int idx_nd, mlxg::Dims idx_sh, "
         "mlxg::Dims idx_st) {\n  mlxg::take_body<" +
         e + ", " + i +
         ">(a, idx, out, n, post, n_idx, axis_n, axis_stride, pre_nd, pre_sh, pre_st, post_nd, "
         "post_sh, post_st, idx_nd, idx_sh, idx_st);\n}\n";
}

std::string gather_axis_source(const std::string& name, const char* elem_type,
                               const char* index_type) {
  std::string e = elem_type, i = index_type;
  return kernel_prelude() + "\nextern \"C\" __global__ void " + name + "(const " + e +
         "* a, const " + i + "* idx, " + e +
         "* out, long long n, int ndim, mlxg::Dims shape, mlxg::StridesN<2> strides, "
         "long long axis_n, long long axis_stride) {\n  mlxg::gather_axis_body<" +
         e + ", " + i + ">(a, idx, out, n, ndim, shape, strides, axis_n, axis_stride);\n}\n";
}

std::string arange_source(const std::string& name, const char* type) {
  std::string t = type;
  return kernel_prelude() + "\nextern \"C\" __global__ void " + name + "(" + t +
         "* out, long long n, double start, double step, unsigned long long istart, "
         "unsigned long long istep) {\n  mlxg::arange_body<" +
         t + ">(out, n, start, step, istart, istep);\n}\n";
}

std::string random_bits_source(const std::string& name) {
  return kernel_prelude() + "\nextern \"C\" __global__ void " + name +
         "(const unsigned* keys, unsigned char* out, long long num_keys, long long bytes, "
         "long long words) {\n  mlxg::random_bits_body(keys, out, num_keys, bytes, words);\n}\n";
}

} // namespace mlx::core::cuda::ops
