// Metal's scalar type names and vector types for kernel bodies compiled for the
// CPU: vec<T, N> (N = 2, 3, 4) with Metal's layout (a 3-vector is as large and
// as aligned as a 4-vector), members x/y/z/w and r/g/b/a, swizzles (every
// two-component one, xyz, yzw, zyx, wzyx, ...),
// element-wise operators, and the typedefs float4, half2, uint3, packed_float3...
#pragma once

#include "kernel_common.h"

// ---- scalar type names (global, as in Metal) --------------------------------

using half = mlxts_jit::float16_t;
using float16_t = mlxts_jit::float16_t;
using bfloat16_t = mlxts_jit::bfloat16_t;
using bfloat = mlxts_jit::bfloat16_t;
using complex64_t = mlxts_jit::complex64_t;
typedef unsigned char uchar;
typedef unsigned short ushort;
typedef unsigned int uint;
typedef unsigned long ulong;

namespace mlxts_jit::mtl {

template <class T> struct identity { using type = T; };
template <class T> using identity_t = typename identity<T>::type;

template <class A, class B> struct same { static constexpr bool value = false; };
template <class A> struct same<A, A> { static constexpr bool value = true; };

/** Classes of scalars: 1 integer (bool included), 2 bfloat16, 3 half, 4 float, 5 double. */
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
template <> struct kind<bfloat16_t> { static constexpr int value = 2; };
template <> struct kind<_Float16> { static constexpr int value = 3; };
template <> struct kind<float> { static constexpr int value = 4; };
template <> struct kind<double> { static constexpr int value = 5; };

template <class T> concept integral = kind<T>::value == 1;
template <class T> concept scalar = kind<T>::value != 0;
template <class T> concept floating = kind<T>::value >= 2;

} // namespace mlxts_jit::mtl

namespace metal {

template <class T, int N> struct vec;

/**
 * A swizzle such as v.xy or v.xyz: a union member over the vector's elements.
 * Reads convert to V = vec<T, sizeof...(I)> (a template argument, so that ADL
 * finds V's operators); writes store the listed elements only. Both go through
 * the enclosing vector's own union member: accesses through a sibling member
 * would not be type punning "through the union", and GCC reorders them.
 */
template <class V, class T, int N, int... I>
struct swizzle {
  T mlxts_storage[N];
  vec<T, N>& mlxts_vec() { return *reinterpret_cast<vec<T, N>*>(this); }
  const vec<T, N>& mlxts_vec() const { return *reinterpret_cast<const vec<T, N>*>(this); }
  operator V() const {
    const vec<T, N>& p = mlxts_vec();
    return V(p.e[I]...);
  }
  swizzle& operator=(const V& v) {
    constexpr int index[] = {I...};
    const V value = v; // v may alias this vector (q.wzyx = q)
    vec<T, N>& p = mlxts_vec();
    for (int k = 0; k < int(sizeof...(I)); ++k) p.e[index[k]] = value.e[k];
    return *this;
  }
  swizzle& operator=(const swizzle& o) { return *this = V(o); }
};

// The body shared by vec<T, 2>, vec<T, 3> and vec<T, 4>.
#define MLXTS_VEC_LOOP(expr)                                                              \
  vec out;                                                                                \
  for (int i = 0; i < mlxts_n; ++i) out.e[i] = expr;                                      \
  return out;
#define MLXTS_VEC_LOOP_BOOL(expr)                                                         \
  vec<bool, mlxts_n> out;                                                                 \
  for (int i = 0; i < mlxts_n; ++i) out.e[i] = expr;                                      \
  return out;
#define MLXTS_VEC_ARITH(OP)                                                               \
  friend vec operator OP(const vec& a, const vec& b) {                                    \
    MLXTS_VEC_LOOP(static_cast<T>(a.e[i] OP b.e[i]))                                      \
  }                                                                                       \
  friend vec operator OP(const vec& a, T b) { MLXTS_VEC_LOOP(static_cast<T>(a.e[i] OP b)) } \
  friend vec operator OP(T a, const vec& b) { MLXTS_VEC_LOOP(static_cast<T>(a OP b.e[i])) } \
  template <class U> vec& operator OP##=(const U& o) { return *this = *this OP o; }
#define MLXTS_VEC_BOOLOP(OP)                                                              \
  friend vec<bool, mlxts_n> operator OP(const vec& a, const vec& b) {                     \
    MLXTS_VEC_LOOP_BOOL(a.e[i] OP b.e[i])                                                 \
  }                                                                                       \
  friend vec<bool, mlxts_n> operator OP(const vec& a, T b) { MLXTS_VEC_LOOP_BOOL(a.e[i] OP b) } \
  friend vec<bool, mlxts_n> operator OP(T a, const vec& b) { MLXTS_VEC_LOOP_BOOL(a OP b.e[i]) }
#define MLXTS_VEC_BODY(NN)                                                                \
  static constexpr int mlxts_n = NN;                                                      \
  using mlxts_elem = T;                                                                   \
  vec() = default;                                                                        \
  vec(const vec&) = default;                                                              \
  /* Element-wise: the swizzle members make the union's own assignment unusable. */      \
  vec& operator=(const vec& o) {                                                          \
    for (int i = 0; i < NN; ++i) e[i] = o.e[i];                                           \
    return *this;                                                                         \
  }                                                                                       \
  T& operator[](int i) { return e[i]; }                                                   \
  const T& operator[](int i) const { return e[i]; }                                       \
  MLXTS_VEC_ARITH(+)                                                                      \
  MLXTS_VEC_ARITH(-)                                                                      \
  MLXTS_VEC_ARITH(*)                                                                      \
  MLXTS_VEC_ARITH(/)                                                                      \
  MLXTS_VEC_ARITH(%)                                                                      \
  MLXTS_VEC_ARITH(&)                                                                      \
  MLXTS_VEC_ARITH(|)                                                                      \
  MLXTS_VEC_ARITH(^)                                                                      \
  MLXTS_VEC_ARITH(<<)                                                                     \
  MLXTS_VEC_ARITH(>>)                                                                     \
  MLXTS_VEC_BOOLOP(==)                                                                    \
  MLXTS_VEC_BOOLOP(!=)                                                                    \
  MLXTS_VEC_BOOLOP(<)                                                                     \
  MLXTS_VEC_BOOLOP(>)                                                                     \
  MLXTS_VEC_BOOLOP(<=)                                                                    \
  MLXTS_VEC_BOOLOP(>=)                                                                    \
  MLXTS_VEC_BOOLOP(&&)                                                                    \
  MLXTS_VEC_BOOLOP(||)                                                                    \
  friend vec operator-(const vec& a) { MLXTS_VEC_LOOP(static_cast<T>(-a.e[i])) }          \
  friend vec operator+(const vec& a) { return a; }                                        \
  friend vec operator~(const vec& a) { MLXTS_VEC_LOOP(static_cast<T>(~a.e[i])) }          \
  friend vec<bool, mlxts_n> operator!(const vec& a) { MLXTS_VEC_LOOP_BOOL(!a.e[i]) }

template <class T>
struct alignas(2 * sizeof(T)) vec<T, 2> {
  union {
    T e[2];
    struct { T x, y; };
    struct { T r, g; };
    swizzle<vec<T, 2>, T, 2, 0, 0> xx;
    swizzle<vec<T, 2>, T, 2, 0, 1> xy;
    swizzle<vec<T, 2>, T, 2, 1, 0> yx;
    swizzle<vec<T, 2>, T, 2, 1, 1> yy;
    swizzle<vec<T, 2>, T, 2, 0, 1> rg;
  };
  constexpr vec(T s) : e{s, s} {}
  constexpr vec(T x_, T y_) : e{x_, y_} {}
  template <class U> constexpr explicit vec(const vec<U, 2>& v) : e{T(v.e[0]), T(v.e[1])} {}
  MLXTS_VEC_BODY(2)
};

template <class T>
struct alignas(4 * sizeof(T)) vec<T, 3> {
  union {
    T e[3];
    struct { T x, y, z; };
    struct { T r, g, b; };
    swizzle<vec<T, 2>, T, 3, 0, 0> xx;
    swizzle<vec<T, 2>, T, 3, 0, 1> xy;
    swizzle<vec<T, 2>, T, 3, 0, 2> xz;
    swizzle<vec<T, 2>, T, 3, 1, 0> yx;
    swizzle<vec<T, 2>, T, 3, 1, 1> yy;
    swizzle<vec<T, 2>, T, 3, 1, 2> yz;
    swizzle<vec<T, 2>, T, 3, 2, 0> zx;
    swizzle<vec<T, 2>, T, 3, 2, 1> zy;
    swizzle<vec<T, 2>, T, 3, 2, 2> zz;
    swizzle<vec<T, 3>, T, 3, 0, 1, 2> xyz;
    swizzle<vec<T, 3>, T, 3, 2, 1, 0> zyx;
    swizzle<vec<T, 2>, T, 3, 0, 1> rg;
    swizzle<vec<T, 3>, T, 3, 0, 1, 2> rgb;
  };
  constexpr vec(T s) : e{s, s, s} {}
  constexpr vec(T x_, T y_, T z_) : e{x_, y_, z_} {}
  constexpr vec(const vec<T, 2>& xy_, T z_) : e{xy_.e[0], xy_.e[1], z_} {}
  constexpr vec(T x_, const vec<T, 2>& yz_) : e{x_, yz_.e[0], yz_.e[1]} {}
  template <class U>
  constexpr explicit vec(const vec<U, 3>& v) : e{T(v.e[0]), T(v.e[1]), T(v.e[2])} {}
  MLXTS_VEC_BODY(3)
};

template <class T>
struct alignas(4 * sizeof(T)) vec<T, 4> {
  union {
    T e[4];
    struct { T x, y, z, w; };
    struct { T r, g, b, a; };
    swizzle<vec<T, 2>, T, 4, 0, 0> xx;
    swizzle<vec<T, 2>, T, 4, 0, 1> xy;
    swizzle<vec<T, 2>, T, 4, 0, 2> xz;
    swizzle<vec<T, 2>, T, 4, 0, 3> xw;
    swizzle<vec<T, 2>, T, 4, 1, 0> yx;
    swizzle<vec<T, 2>, T, 4, 1, 1> yy;
    swizzle<vec<T, 2>, T, 4, 1, 2> yz;
    swizzle<vec<T, 2>, T, 4, 1, 3> yw;
    swizzle<vec<T, 2>, T, 4, 2, 0> zx;
    swizzle<vec<T, 2>, T, 4, 2, 1> zy;
    swizzle<vec<T, 2>, T, 4, 2, 2> zz;
    swizzle<vec<T, 2>, T, 4, 2, 3> zw;
    swizzle<vec<T, 2>, T, 4, 3, 0> wx;
    swizzle<vec<T, 2>, T, 4, 3, 1> wy;
    swizzle<vec<T, 2>, T, 4, 3, 2> wz;
    swizzle<vec<T, 2>, T, 4, 3, 3> ww;
    swizzle<vec<T, 3>, T, 4, 0, 1, 2> xyz;
    swizzle<vec<T, 3>, T, 4, 0, 1, 3> xyw;
    swizzle<vec<T, 3>, T, 4, 0, 2, 3> xzw;
    swizzle<vec<T, 3>, T, 4, 1, 2, 3> yzw;
    swizzle<vec<T, 3>, T, 4, 2, 1, 0> zyx;
    swizzle<vec<T, 4>, T, 4, 3, 2, 1, 0> wzyx;
    swizzle<vec<T, 2>, T, 4, 0, 1> rg;
    swizzle<vec<T, 2>, T, 4, 2, 3> ba;
    swizzle<vec<T, 3>, T, 4, 0, 1, 2> rgb;
  };
  constexpr vec(T s) : e{s, s, s, s} {}
  constexpr vec(T x_, T y_, T z_, T w_) : e{x_, y_, z_, w_} {}
  constexpr vec(const vec<T, 2>& xy_, T z_, T w_) : e{xy_.e[0], xy_.e[1], z_, w_} {}
  constexpr vec(T x_, const vec<T, 2>& yz_, T w_) : e{x_, yz_.e[0], yz_.e[1], w_} {}
  constexpr vec(T x_, T y_, const vec<T, 2>& zw_) : e{x_, y_, zw_.e[0], zw_.e[1]} {}
  constexpr vec(const vec<T, 2>& xy_, const vec<T, 2>& zw_)
      : e{xy_.e[0], xy_.e[1], zw_.e[0], zw_.e[1]} {}
  constexpr vec(const vec<T, 3>& xyz_, T w_) : e{xyz_.e[0], xyz_.e[1], xyz_.e[2], w_} {}
  constexpr vec(T x_, const vec<T, 3>& yzw_) : e{x_, yzw_.e[0], yzw_.e[1], yzw_.e[2]} {}
  template <class U>
  constexpr explicit vec(const vec<U, 4>& v) : e{T(v.e[0]), T(v.e[1]), T(v.e[2]), T(v.e[3])} {}
  MLXTS_VEC_BODY(4)
};

#undef MLXTS_VEC_BODY
#undef MLXTS_VEC_BOOLOP
#undef MLXTS_VEC_ARITH
#undef MLXTS_VEC_LOOP_BOOL
#undef MLXTS_VEC_LOOP

/**
 * packed_float3 etc.: the elements without the vector's padding and alignment.
 * Converts to and from vec<T, N> (V, an associated class, so vec's operators apply).
 */
template <class T, int N, class V = vec<T, N>> struct packed_vec;

#define MLXTS_PACKED_BODY(NN)                                                             \
  packed_vec() = default;                                                                 \
  packed_vec(const V& v) { for (int i = 0; i < NN; ++i) e[i] = v.e[i]; }                  \
  operator V() const {                                                                    \
    V v;                                                                                  \
    for (int i = 0; i < NN; ++i) v.e[i] = e[i];                                           \
    return v;                                                                             \
  }                                                                                       \
  T& operator[](int i) { return e[i]; }                                                   \
  const T& operator[](int i) const { return e[i]; }

template <class T, class V> struct packed_vec<T, 2, V> {
  union { T e[2]; struct { T x, y; }; };
  MLXTS_PACKED_BODY(2)
};
template <class T, class V> struct packed_vec<T, 3, V> {
  union { T e[3]; struct { T x, y, z; }; };
  MLXTS_PACKED_BODY(3)
};
template <class T, class V> struct packed_vec<T, 4, V> {
  union { T e[4]; struct { T x, y, z, w; }; };
  MLXTS_PACKED_BODY(4)
};
#undef MLXTS_PACKED_BODY

#define MLXTS_VEC_NAMES(S, T)                                                             \
  using S##2 = vec<T, 2>;                                                                 \
  using S##3 = vec<T, 3>;                                                                 \
  using S##4 = vec<T, 4>;                                                                 \
  using packed_##S##2 = packed_vec<T, 2>;                                                 \
  using packed_##S##3 = packed_vec<T, 3>;                                                 \
  using packed_##S##4 = packed_vec<T, 4>;
MLXTS_VEC_NAMES(float, float)
MLXTS_VEC_NAMES(half, half)
MLXTS_VEC_NAMES(bfloat, bfloat16_t)
MLXTS_VEC_NAMES(int, int)
MLXTS_VEC_NAMES(uint, uint)
MLXTS_VEC_NAMES(short, short)
MLXTS_VEC_NAMES(ushort, ushort)
MLXTS_VEC_NAMES(char, char)
MLXTS_VEC_NAMES(uchar, uchar)
MLXTS_VEC_NAMES(long, long)
MLXTS_VEC_NAMES(ulong, ulong)
MLXTS_VEC_NAMES(bool, bool)
#undef MLXTS_VEC_NAMES

} // namespace metal
