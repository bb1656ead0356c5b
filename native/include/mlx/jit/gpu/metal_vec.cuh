// Metal's vector types on NVIDIA GPUs (part of metal_on_cuda.cuh): vec<T, N>
// (N = 2, 3, 4) with Metal's layout (a 3-vector is as large and as aligned as
// a 4-vector), members x/y/z/w and r/g/b/a, every swizzle of 2 to 4
// components (through the generator's rewrite of `v.xy`), element-wise
// operators, packed_vec, and the names float4, half2, uint3, packed_float3, ...
// These are metal:: types, distinct from CUDA's global float4/uint3.
#pragma once

#include "metal_types.cuh"

namespace metal {

/**
 * A writable swizzle of a vector: what `v.xy` becomes (the generator rewrites
 * `v.xy` to `v.template mlxts_swizzle<0, 1>()`). Reads convert to R =
 * vec<T, sizeof...(I)> (a template argument, so that ADL finds R's
 * operators); writes store the listed elements of the referenced vector.
 */
template <class R, class V, int... I>
struct swizzle {
  V& mlxts_v;
  MLXTS_D operator R() const { return R(mlxts_v[I]...); }
  MLXTS_D const swizzle& operator=(const R& r) const {
    constexpr int index[] = {I...};
    const R value = r; // r may alias the vector (q.wzyx = q)
#pragma unroll
    for (int k = 0; k < int(sizeof...(I)); ++k) mlxts_v[index[k]] = value[k];
    return *this;
  }
  MLXTS_D const swizzle& operator=(const swizzle& o) const { return *this = R(o); }
  template <class U> MLXTS_D const swizzle& operator+=(const U& u) const { return *this = R(*this) + u; }
  template <class U> MLXTS_D const swizzle& operator-=(const U& u) const { return *this = R(*this) - u; }
  template <class U> MLXTS_D const swizzle& operator*=(const U& u) const { return *this = R(*this) * u; }
  template <class U> MLXTS_D const swizzle& operator/=(const U& u) const { return *this = R(*this) / u; }
  MLXTS_D auto operator[](int i) const -> decltype(mlxts_v[0]) {
    constexpr int index[] = {I...};
    return mlxts_v[index[i]];
  }
};

// The body shared by vec<T, 2>, vec<T, 3> and vec<T, 4>. Elements are the
// members x, y, z, w (each also named r, g, b, a through an anonymous union:
// standard C++, unlike anonymous structs, which NVRTC does not accept).
#define MLXTS_VEC_LOOP(expr)                                                              \
  vec out;                                                                                \
  _Pragma("unroll") for (int i = 0; i < mlxts_n; ++i) out[i] = expr;                      \
  return out;
#define MLXTS_VEC_LOOP_BOOL(expr)                                                         \
  vec<bool, mlxts_n> out;                                                                 \
  _Pragma("unroll") for (int i = 0; i < mlxts_n; ++i) out[i] = expr;                      \
  return out;
#define MLXTS_VEC_ARITH(OP)                                                               \
  friend MLXTS_D vec operator OP(const vec& a, const vec& b) {                            \
    MLXTS_VEC_LOOP(static_cast<T>(a[i] OP b[i]))                                          \
  }                                                                                       \
  friend MLXTS_D vec operator OP(const vec& a, T b) { MLXTS_VEC_LOOP(static_cast<T>(a[i] OP b)) } \
  friend MLXTS_D vec operator OP(T a, const vec& b) { MLXTS_VEC_LOOP(static_cast<T>(a OP b[i])) } \
  template <class U> MLXTS_D vec& operator OP##=(const U& o) { return *this = *this OP o; }
#define MLXTS_VEC_BOOLOP(OP)                                                              \
  friend MLXTS_D vec<bool, mlxts_n> operator OP(const vec& a, const vec& b) {             \
    MLXTS_VEC_LOOP_BOOL(a[i] OP b[i])                                                     \
  }                                                                                       \
  friend MLXTS_D vec<bool, mlxts_n> operator OP(const vec& a, T b) { MLXTS_VEC_LOOP_BOOL(a[i] OP b) } \
  friend MLXTS_D vec<bool, mlxts_n> operator OP(T a, const vec& b) { MLXTS_VEC_LOOP_BOOL(a OP b[i]) }
#define MLXTS_VEC_BODY(NN)                                                                \
  static constexpr int mlxts_n = NN;                                                      \
  using mlxts_elem = T;                                                                   \
  vec() = default;                                                                        \
  MLXTS_D T& operator[](int i) { return (&x)[i]; }                                        \
  MLXTS_D const T& operator[](int i) const { return (&x)[i]; }                            \
  template <int... I> MLXTS_D swizzle<vec<T, int(sizeof...(I))>, vec, I...> mlxts_swizzle() { \
    return {*this};                                                                       \
  }                                                                                       \
  template <int... I> MLXTS_D vec<T, int(sizeof...(I))> mlxts_swizzle() const {           \
    return vec<T, int(sizeof...(I))>((*this)[I]...);                                      \
  }                                                                                       \
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
  friend MLXTS_D vec operator-(const vec& a) { MLXTS_VEC_LOOP(static_cast<T>(-a[i])) }    \
  friend MLXTS_D vec operator+(const vec& a) { return a; }                                \
  friend MLXTS_D vec operator~(const vec& a) { MLXTS_VEC_LOOP(static_cast<T>(~a[i])) }    \
  friend MLXTS_D vec<bool, mlxts_n> operator!(const vec& a) { MLXTS_VEC_LOOP_BOOL(!a[i]) }

template <class T>
struct alignas(2 * sizeof(T)) vec<T, 2> {
  union { T x; T r; };
  union { T y; T g; };
  MLXTS_D constexpr vec(T s) : x(s), y(s) {}
  MLXTS_D constexpr vec(T x_, T y_) : x(x_), y(y_) {}
  template <class U> MLXTS_D constexpr explicit vec(const vec<U, 2>& v) : x(T(v.x)), y(T(v.y)) {}
  MLXTS_VEC_BODY(2)
};

template <class T>
struct alignas(4 * sizeof(T)) vec<T, 3> {
  union { T x; T r; };
  union { T y; T g; };
  union { T z; T b; };
  MLXTS_D constexpr vec(T s) : x(s), y(s), z(s) {}
  MLXTS_D constexpr vec(T x_, T y_, T z_) : x(x_), y(y_), z(z_) {}
  MLXTS_D constexpr vec(const vec<T, 2>& xy_, T z_) : x(xy_.x), y(xy_.y), z(z_) {}
  MLXTS_D constexpr vec(T x_, const vec<T, 2>& yz_) : x(x_), y(yz_.x), z(yz_.y) {}
  template <class U>
  MLXTS_D constexpr explicit vec(const vec<U, 3>& v) : x(T(v.x)), y(T(v.y)), z(T(v.z)) {}
  MLXTS_VEC_BODY(3)
};

template <class T>
struct alignas(4 * sizeof(T)) vec<T, 4> {
  union { T x; T r; };
  union { T y; T g; };
  union { T z; T b; };
  union { T w; T a; };
  MLXTS_D constexpr vec(T s) : x(s), y(s), z(s), w(s) {}
  MLXTS_D constexpr vec(T x_, T y_, T z_, T w_) : x(x_), y(y_), z(z_), w(w_) {}
  MLXTS_D constexpr vec(const vec<T, 2>& xy_, T z_, T w_) : x(xy_.x), y(xy_.y), z(z_), w(w_) {}
  MLXTS_D constexpr vec(T x_, const vec<T, 2>& yz_, T w_) : x(x_), y(yz_.x), z(yz_.y), w(w_) {}
  MLXTS_D constexpr vec(T x_, T y_, const vec<T, 2>& zw_) : x(x_), y(y_), z(zw_.x), w(zw_.y) {}
  MLXTS_D constexpr vec(const vec<T, 2>& xy_, const vec<T, 2>& zw_) : x(xy_.x), y(xy_.y), z(zw_.x), w(zw_.y) {}
  MLXTS_D constexpr vec(const vec<T, 3>& xyz_, T w_) : x(xyz_.x), y(xyz_.y), z(xyz_.z), w(w_) {}
  MLXTS_D constexpr vec(T x_, const vec<T, 3>& yzw_) : x(x_), y(yzw_.x), z(yzw_.y), w(yzw_.z) {}
  template <class U>
  MLXTS_D constexpr explicit vec(const vec<U, 4>& v) : x(T(v.x)), y(T(v.y)), z(T(v.z)), w(T(v.w)) {}
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
  MLXTS_D packed_vec(const V& v) {                                                        \
    _Pragma("unroll") for (int i = 0; i < NN; ++i) (*this)[i] = v[i];                     \
  }                                                                                       \
  MLXTS_D operator V() const {                                                            \
    V v;                                                                                  \
    _Pragma("unroll") for (int i = 0; i < NN; ++i) v[i] = (*this)[i];                     \
    return v;                                                                             \
  }                                                                                       \
  MLXTS_D T& operator[](int i) { return (&x)[i]; }                                        \
  MLXTS_D const T& operator[](int i) const { return (&x)[i]; }                            \
  template <int... I> MLXTS_D vec<T, int(sizeof...(I))> mlxts_swizzle() const {           \
    return vec<T, int(sizeof...(I))>((*this)[I]...);                                      \
  }

template <class T, class V> struct packed_vec<T, 2, V> {
  union { T x; T r; };
  union { T y; T g; };
  MLXTS_PACKED_BODY(2)
};
template <class T, class V> struct packed_vec<T, 3, V> {
  union { T x; T r; };
  union { T y; T g; };
  union { T z; T b; };
  MLXTS_PACKED_BODY(3)
};
template <class T, class V> struct packed_vec<T, 4, V> {
  union { T x; T r; };
  union { T y; T g; };
  union { T z; T b; };
  union { T w; T a; };
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
MLXTS_VEC_NAMES(bfloat, bfloat)
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

namespace mlxts_gpu {

/** The vec<T, N> a vector-like argument (vec, swizzle, packed_vec) stands for. */
template <class X> struct vec_of { static constexpr bool value = false; };
template <class T, int N> struct vec_of<metal::vec<T, N>> {
  static constexpr bool value = true;
  using type = metal::vec<T, N>;
};
template <class R, class V, int... I> struct vec_of<metal::swizzle<R, V, I...>> {
  static constexpr bool value = true;
  using type = R;
};
template <class T, int N, class V> struct vec_of<metal::packed_vec<T, N, V>> {
  static constexpr bool value = true;
  using type = V;
};
template <class X> using vec_of_t = typename vec_of<X>::type;

/** The vector type of the first vector-like argument (no `type` if none). */
template <class... X> struct first_vec {};
template <class X, class... R>
struct first_vec<X, R...> : cond_t<vec_of<X>::value, vec_of<X>, first_vec<R...>> {};
template <class... X> using first_vec_t = typename first_vec<X...>::type;

} // namespace mlxts_gpu
