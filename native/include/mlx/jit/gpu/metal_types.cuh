// Metal's scalar types on NVIDIA GPUs (part of metal_on_cuda.cuh): the integer
// names, `half` / `bfloat` with Metal's arithmetic, `complex64_t`, and the type
// traits the other parts use.
//
// Why `half` is not CUDA's __half: __half converts implicitly to float AND to
// every integer type, so `cond ? h : 0` and `h * 2.0f` (both in MLX's
// grid_sample kernels) are ambiguous with it. metal::half has the same layout
// (2 bytes, IEEE binary16) and Metal's rules: implicit conversions from any
// arithmetic type, implicit conversion to float/double only (`int(h)` works,
// `int i = h;` does not), half op integer -> half, half op float -> float.
// Arithmetic computes in float and rounds once, which equals the hardware's
// half instructions for + - * /. No CUDA header is included: NVRTC compiles
// this unit with nothing but this directory on its include path.
#pragma once

#if defined(__CUDACC_RTC__)
// The same definitions as libcu++'s <cuda/std/cstdint> under NVRTC.
typedef signed char int8_t;
typedef signed short int16_t;
typedef signed int int32_t;
typedef signed long long int64_t;
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef signed long long intptr_t;
typedef unsigned long long uintptr_t;
#else
#include <stdint.h>
#endif

// Every function here runs on the device. NVRTC's -default-device makes that
// the default, but nvcc (compile checks) needs the annotation.
#define MLXTS_D __device__ __forceinline__
#define MLXTS_HD __host__ __device__ __forceinline__

namespace metal {
struct half;
struct bfloat;
struct complex64_t;
template <class T, int N> struct vec;
template <class R, class V, int... I> struct swizzle;
template <class T, int N, class V> struct packed_vec;
} // namespace metal

namespace mlxts_gpu {

// ---- type traits (no <type_traits> under NVRTC) ------------------------------

template <bool B, class T = void> struct enable_if {};
template <class T> struct enable_if<true, T> { using type = T; };
/** `template <class X, require<cond> = 0>`: SFINAE on a condition. */
template <bool B> using require = typename enable_if<B, int>::type;

template <class A, class B> struct same { static constexpr bool value = false; };
template <class A> struct same<A, A> { static constexpr bool value = true; };

template <bool B, class T, class F> struct cond { using type = T; };
template <class T, class F> struct cond<false, T, F> { using type = F; };
template <bool B, class T, class F> using cond_t = typename cond<B, T, F>::type;

template <class T> struct remove_cv { using type = T; };
template <class T> struct remove_cv<const T> { using type = T; };
template <class T> struct remove_cv<volatile T> { using type = T; };
template <class T> struct remove_cv<const volatile T> { using type = T; };

/** Classes of scalars: 1 integer (bool included), 2 bfloat, 3 half, 4 float, 5 double, 0 other. */
template <class T> struct kind { static constexpr int value = 0; };
template <> struct kind<bool> { static constexpr int value = 1; };
template <> struct kind<char> { static constexpr int value = 1; };
template <> struct kind<signed char> { static constexpr int value = 1; };
template <> struct kind<unsigned char> { static constexpr int value = 1; };
template <> struct kind<short> { static constexpr int value = 1; };
template <> struct kind<unsigned short> { static constexpr int value = 1; };
template <> struct kind<int> { static constexpr int value = 1; };
template <> struct kind<unsigned> { static constexpr int value = 1; };
template <> struct kind<long> { static constexpr int value = 1; };
template <> struct kind<unsigned long> { static constexpr int value = 1; };
template <> struct kind<long long> { static constexpr int value = 1; };
template <> struct kind<unsigned long long> { static constexpr int value = 1; };
template <> struct kind<metal::bfloat> { static constexpr int value = 2; };
template <> struct kind<metal::half> { static constexpr int value = 3; };
template <> struct kind<float> { static constexpr int value = 4; };
template <> struct kind<double> { static constexpr int value = 5; };

template <class T> struct is_integral { static constexpr bool value = kind<T>::value == 1; };
template <class T> struct is_scalar { static constexpr bool value = kind<T>::value != 0; };
template <class T> struct is_half_like {
  static constexpr bool value = kind<T>::value == 2 || kind<T>::value == 3;
};

template <class T> struct type_identity { using type = T; };
template <class T> using identity_t = typename type_identity<T>::type;

/** Unsigned integer of N bytes. */
template <int N> struct bits_of;
template <> struct bits_of<1> { using type = unsigned char; };
template <> struct bits_of<2> { using type = unsigned short; };
template <> struct bits_of<4> { using type = unsigned int; };
template <> struct bits_of<8> { using type = unsigned long long; };

template <class To, class From> MLXTS_D To bit_cast(const From& x) {
  static_assert(sizeof(To) == sizeof(From), "bit_cast between types of different sizes");
  To out;
  ::memcpy(static_cast<void*>(&out), static_cast<const void*>(&x), sizeof(To));
  return out;
}

// ---- 16-bit float conversions (PTX, as cuda_fp16.hpp does) ---------------------

struct from_bits_t {};

MLXTS_D float f16_to_f32(unsigned short b) {
  float f;
  asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(b));
  return f;
}
MLXTS_D unsigned short f32_to_f16(float f) {
  unsigned short b;
  asm("cvt.rn.f16.f32 %0, %1;" : "=h"(b) : "f"(f));
  return b;
}
MLXTS_D unsigned short f64_to_f16(double d) {
  unsigned short b;
  asm("cvt.rn.f16.f64 %0, %1;" : "=h"(b) : "d"(d));
  return b;
}
MLXTS_D float bf16_to_f32(unsigned short b) { return __uint_as_float(static_cast<unsigned>(b) << 16); }
MLXTS_D unsigned short f32_to_bf16(float f) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  unsigned short b;
  asm("cvt.rn.bf16.f32 %0, %1;" : "=h"(b) : "f"(f));
  return b;
#else
  unsigned u = __float_as_uint(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<unsigned short>((u >> 16) | 0x40u); // quiet NaN
  u += 0x7fffu + ((u >> 16) & 1u); // round to nearest even
  return static_cast<unsigned short>(u >> 16);
#endif
}

MLXTS_D unsigned short f64_to_bf16(double d) { return f32_to_bf16(static_cast<float>(d)); }

/**
 * Result and compute types of `a op b` when one side is half/bfloat: equal
 * types keep theirs, an integer takes the 16-bit type, float/double win,
 * half with bfloat gives float. Empty (no `result`) otherwise: SFINAE.
 */
template <int KA, int KB> struct mixed_code {
  static constexpr bool ok = KA >= 1 && KB >= 1 && (KA == 2 || KA == 3 || KB == 2 || KB == 3);
  // 0: A, 1: B, 4: float, 5: double
  static constexpr int result = KA == KB ? 0
                                : (KA >= 4 || KB >= 4) ? (KA > KB ? KA : KB)
                                : KA == 1 ? 1
                                : KB == 1 ? 0
                                          : 4;
};
template <class A, class B, int C> struct pick_type { using type = A; };
template <class A, class B> struct pick_type<A, B, 1> { using type = B; };
template <class A, class B> struct pick_type<A, B, 4> { using type = float; };
template <class A, class B> struct pick_type<A, B, 5> { using type = double; };
template <class A, class B, bool = mixed_code<kind<A>::value, kind<B>::value>::ok> struct mixed {};
template <class A, class B> struct mixed<A, B, true> {
  using result = typename pick_type<A, B, mixed_code<kind<A>::value, kind<B>::value>::result>::type;
  using compute = cond_t<same<result, double>::value, double, float>;
};
/** `bool`, for any valid `T` (keeps SFINAE in the return type of comparisons). */
template <class T> struct bool_for { using type = bool; };

} // namespace mlxts_gpu

namespace metal {

// ---- integer and size names -------------------------------------------------------

using ::int8_t;
using ::int16_t;
using ::int32_t;
using ::int64_t;
using ::uint8_t;
using ::uint16_t;
using ::uint32_t;
using ::uint64_t;
typedef unsigned char uchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef unsigned long ulong;
typedef decltype(sizeof(0)) size_t;
typedef decltype(static_cast<char*>(nullptr) - static_cast<char*>(nullptr)) ptrdiff_t;

// ---- half and bfloat ----------------------------------------------------------------

// The struct body shared by half and bfloat: storage, conversions.
#define MLXTS_HALF_TYPE(NAME, TO_F32, FROM_F32, FROM_F64)                                 \
  struct NAME {                                                                           \
    unsigned short mlxts_bits;                                                            \
    NAME() = default;                                                                     \
    MLXTS_HD constexpr NAME(mlxts_gpu::from_bits_t, unsigned short bits) : mlxts_bits(bits) {} \
    MLXTS_D NAME(float f) : mlxts_bits(FROM_F32(f)) {}                                    \
    MLXTS_D NAME(double d) : mlxts_bits(FROM_F64(d)) {}                                   \
    template <class I, mlxts_gpu::require<mlxts_gpu::kind<I>::value == 1> = 0>            \
    MLXTS_D NAME(I i) : mlxts_bits(FROM_F32(static_cast<float>(i))) {}                    \
    /* half <-> bfloat: explicit, through float */                                        \
    template <class H, mlxts_gpu::require<mlxts_gpu::is_half_like<H>::value &&            \
                                          !mlxts_gpu::same<H, NAME>::value> = 0>          \
    MLXTS_D explicit NAME(H h) : mlxts_bits(FROM_F32(static_cast<float>(h))) {}           \
    /* implicit to float/double only; explicit to integers (keeps `c ? h : 0` unambiguous) */ \
    template <class U, mlxts_gpu::require<(mlxts_gpu::kind<U>::value >= 4)> = 0>          \
    MLXTS_D operator U() const { return static_cast<U>(TO_F32(mlxts_bits)); }             \
    template <class U, mlxts_gpu::require<mlxts_gpu::kind<U>::value == 1> = 0>            \
    MLXTS_D explicit operator U() const { return static_cast<U>(TO_F32(mlxts_bits)); }    \
  };

MLXTS_HALF_TYPE(half, mlxts_gpu::f16_to_f32, mlxts_gpu::f32_to_f16, mlxts_gpu::f64_to_f16)
MLXTS_HALF_TYPE(bfloat, mlxts_gpu::bf16_to_f32, mlxts_gpu::f32_to_bf16, mlxts_gpu::f64_to_bf16)
#undef MLXTS_HALF_TYPE

typedef half float16_t;
typedef bfloat bfloat16_t;

// Arithmetic and comparisons with a half/bfloat operand (found by ADL).
#define MLXTS_HALF_ARITH(OP)                                                              \
  template <class A, class B, class M = mlxts_gpu::mixed<A, B>>                           \
  MLXTS_D typename M::result operator OP(A a, B b) {                                      \
    using C = typename M::compute;                                                        \
    return typename M::result(static_cast<C>(a) OP static_cast<C>(b));                    \
  }
#define MLXTS_HALF_COMPARE(OP)                                                            \
  template <class A, class B, class M = mlxts_gpu::mixed<A, B>>                           \
  MLXTS_D typename mlxts_gpu::bool_for<typename M::compute>::type operator OP(A a, B b) { \
    using C = typename M::compute;                                                        \
    return static_cast<C>(a) OP static_cast<C>(b);                                        \
  }
// h op= x (computed in float or double, rounded once) and x op= h for builtin x.
#define MLXTS_HALF_ASSIGN(OP)                                                             \
  template <class L, class R, class M = mlxts_gpu::mixed<L, R>,                           \
            mlxts_gpu::require<mlxts_gpu::is_half_like<L>::value ||                       \
                               mlxts_gpu::is_half_like<R>::value> = 0>                    \
  MLXTS_D L& operator OP##=(L& a, R b) {                                                  \
    using C = typename M::compute;                                                        \
    a = static_cast<L>(static_cast<C>(a) OP static_cast<C>(b));                           \
    return a;                                                                             \
  }
MLXTS_HALF_ARITH(+)
MLXTS_HALF_ARITH(-)
MLXTS_HALF_ARITH(*)
MLXTS_HALF_ARITH(/)
MLXTS_HALF_COMPARE(==)
MLXTS_HALF_COMPARE(!=)
MLXTS_HALF_COMPARE(<)
MLXTS_HALF_COMPARE(>)
MLXTS_HALF_COMPARE(<=)
MLXTS_HALF_COMPARE(>=)
MLXTS_HALF_ASSIGN(+)
MLXTS_HALF_ASSIGN(-)
MLXTS_HALF_ASSIGN(*)
MLXTS_HALF_ASSIGN(/)
#undef MLXTS_HALF_ARITH
#undef MLXTS_HALF_COMPARE
#undef MLXTS_HALF_ASSIGN

#define MLXTS_HALF_UNARY(H)                                                               \
  MLXTS_D H operator-(H a) { return H(mlxts_gpu::from_bits_t(), static_cast<unsigned short>(a.mlxts_bits ^ 0x8000u)); } \
  MLXTS_D H operator+(H a) { return a; }                                                  \
  MLXTS_D H& operator++(H& a) { return a = H(static_cast<float>(a) + 1.0f); }             \
  MLXTS_D H& operator--(H& a) { return a = H(static_cast<float>(a) - 1.0f); }             \
  MLXTS_D H operator++(H& a, int) { H old = a; ++a; return old; }                         \
  MLXTS_D H operator--(H& a, int) { H old = a; --a; return old; }                         \
  MLXTS_D bool operator!(H a) { return !static_cast<float>(a); }
MLXTS_HALF_UNARY(half)
MLXTS_HALF_UNARY(bfloat)
#undef MLXTS_HALF_UNARY

/** Metal's half literals: 1.5h. */
#pragma nv_diag_suppress 2506
#if defined(__GNUC__) && !defined(__CUDACC_RTC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wliteral-suffix"
#endif
MLXTS_D half operator""h(long double v) { return half(static_cast<double>(v)); }
MLXTS_D half operator""h(unsigned long long v) { return half(static_cast<float>(v)); }
#if defined(__GNUC__) && !defined(__CUDACC_RTC__)
#pragma GCC diagnostic pop
#endif
#pragma nv_diag_default 2506

// ---- complex64_t (MLX's: members real and imag) ----------------------------------------

struct complex64_t {
  float real;
  float imag;
  complex64_t() = default;
  MLXTS_HD constexpr complex64_t(float r, float i) : real(r), imag(i) {}
  template <class T, mlxts_gpu::require<(mlxts_gpu::kind<T>::value >= 1)> = 0>
  MLXTS_D complex64_t(T x) : real(static_cast<float>(x)), imag(0.0f) {}
};
MLXTS_D complex64_t operator+(complex64_t a, complex64_t b) { return {a.real + b.real, a.imag + b.imag}; }
MLXTS_D complex64_t operator-(complex64_t a, complex64_t b) { return {a.real - b.real, a.imag - b.imag}; }
MLXTS_D complex64_t operator*(complex64_t a, complex64_t b) {
  return {a.real * b.real - a.imag * b.imag, a.real * b.imag + a.imag * b.real};
}
MLXTS_D complex64_t operator/(complex64_t a, complex64_t b) {
  float d = b.real * b.real + b.imag * b.imag;
  return {(a.real * b.real + a.imag * b.imag) / d, (a.imag * b.real - a.real * b.imag) / d};
}
MLXTS_D complex64_t operator-(complex64_t a) { return {-a.real, -a.imag}; }
MLXTS_D complex64_t& operator+=(complex64_t& a, complex64_t b) { return a = a + b; }
MLXTS_D complex64_t& operator-=(complex64_t& a, complex64_t b) { return a = a - b; }
MLXTS_D complex64_t& operator*=(complex64_t& a, complex64_t b) { return a = a * b; }
MLXTS_D complex64_t& operator/=(complex64_t& a, complex64_t b) { return a = a / b; }
MLXTS_D bool operator==(complex64_t a, complex64_t b) { return a.real == b.real && a.imag == b.imag; }
MLXTS_D bool operator!=(complex64_t a, complex64_t b) { return !(a == b); }
// MLX orders complex numbers lexicographically.
MLXTS_D bool operator<(complex64_t a, complex64_t b) {
  return a.real < b.real || (a.real == b.real && a.imag < b.imag);
}
MLXTS_D bool operator>(complex64_t a, complex64_t b) { return b < a; }
MLXTS_D bool operator<=(complex64_t a, complex64_t b) { return !(b < a); }
MLXTS_D bool operator>=(complex64_t a, complex64_t b) { return !(a < b); }

// ---- Metal's type traits (metal_type_traits) ------------------------------------------

template <class T, T v> struct integral_constant {
  static constexpr T value = v;
  using value_type = T;
  MLXTS_HD constexpr operator T() const { return v; }
};
using true_type = integral_constant<bool, true>;
using false_type = integral_constant<bool, false>;
template <bool B> using bool_constant = integral_constant<bool, B>;
template <class A, class B> struct is_same : bool_constant<mlxts_gpu::same<A, B>::value> {};
template <class A, class B> constexpr bool is_same_v = is_same<A, B>::value;
template <bool B, class T = void> using enable_if = mlxts_gpu::enable_if<B, T>;
template <bool B, class T = void> using enable_if_t = typename enable_if<B, T>::type;
template <bool B, class T, class F> using conditional = mlxts_gpu::cond<B, T, F>;
template <bool B, class T, class F> using conditional_t = typename conditional<B, T, F>::type;
template <class T> using remove_cv = mlxts_gpu::remove_cv<T>;
template <class T> using remove_cv_t = typename remove_cv<T>::type;
template <class T> struct is_integral
    : bool_constant<mlxts_gpu::kind<typename mlxts_gpu::remove_cv<T>::type>::value == 1> {};
template <class T> constexpr bool is_integral_v = is_integral<T>::value;
template <class T> struct is_floating_point
    : bool_constant<(mlxts_gpu::kind<typename mlxts_gpu::remove_cv<T>::type>::value >= 2)> {};
template <class T> constexpr bool is_floating_point_v = is_floating_point<T>::value;
template <class T> struct is_arithmetic : bool_constant<is_integral<T>::value || is_floating_point<T>::value> {};
template <class T> constexpr bool is_arithmetic_v = is_arithmetic<T>::value;
template <class T> struct is_signed
    : bool_constant<is_floating_point<T>::value || (is_integral<T>::value && T(-1) < T(0))> {};
template <class T> constexpr bool is_signed_v = is_signed<T>::value;
template <class T> struct is_unsigned : bool_constant<is_integral<T>::value && !(T(-1) < T(0))> {};
template <class T> constexpr bool is_unsigned_v = is_unsigned<T>::value;

} // namespace metal
