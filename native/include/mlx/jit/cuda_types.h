// CUDA dialect, part 1: qualifiers, vector types, dim3, and the 16-bit float
// types with their conversion and arithmetic intrinsics (cuda_fp16.h /
// cuda_bf16.h), for CUDA kernel bodies compiled for the CPU.
//
// Only what CUDA itself declares is declared here, with CUDA's signatures:
// kernel headers often define their own helpers (operators on float2, an
// atomicAdd for int64_t, ...) and must not collide with extra overloads.
#pragma once

#include "kernel_common.h"

// ---- qualifiers -------------------------------------------------------------
// `__shared__` is not defined: the generator rewrites shared declarations.
#define __global__
#define __device__
#define __host__
#define __constant__
#define __managed__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
#define __grid_constant__
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
#define __builtin_align__(n) __attribute__((aligned(n)))
#define __device_builtin__
// Device code compiled by NVRTC, as MLX does; the sm_80 API is offered (bf16
// atomics, __reduce_*_sync), so code guarded for later architectures stays out.
#define __CUDACC__ 1
#define __CUDACC_RTC__ 1
#define __CUDACC_VER_MAJOR__ 12
#define __CUDACC_VER_MINOR__ 0
#define __CUDA_ARCH__ 800

// ---- vector types (CUDA's layouts: the 3-element types are unaligned) -------
#define MLXTS_CUDA_VEC(name, T, align2, align4)                                          \
  struct name##1 { T x; };                                                                \
  struct __attribute__((aligned(align2))) name##2 { T x, y; };                            \
  struct name##3 { T x, y, z; };                                                          \
  struct __attribute__((aligned(align4))) name##4 { T x, y, z, w; };                      \
  inline name##1 make_##name##1(T x) { return {x}; }                                     \
  inline name##2 make_##name##2(T x, T y) { return {x, y}; }                             \
  inline name##3 make_##name##3(T x, T y, T z) { return {x, y, z}; }                     \
  inline name##4 make_##name##4(T x, T y, T z, T w) { return {x, y, z, w}; }
MLXTS_CUDA_VEC(char, signed char, 2, 4)
MLXTS_CUDA_VEC(uchar, unsigned char, 2, 4)
MLXTS_CUDA_VEC(short, short, 4, 8)
MLXTS_CUDA_VEC(ushort, unsigned short, 4, 8)
MLXTS_CUDA_VEC(int, int, 8, 16)
MLXTS_CUDA_VEC(uint, unsigned int, 8, 16)
MLXTS_CUDA_VEC(long, long, 16, 16)
MLXTS_CUDA_VEC(ulong, unsigned long, 16, 16)
MLXTS_CUDA_VEC(longlong, long long, 16, 16)
MLXTS_CUDA_VEC(ulonglong, unsigned long long, 16, 16)
MLXTS_CUDA_VEC(float, float, 8, 16)
MLXTS_CUDA_VEC(double, double, 16, 16)
#undef MLXTS_CUDA_VEC

struct dim3 {
  unsigned int x, y, z;
  constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1)
      : x(vx), y(vy), z(vz) {}
  constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
  constexpr operator uint3() const { return {x, y, z}; }
};

// ---- 16-bit floats ----------------------------------------------------------
using __half = mlxts_jit::float16_t;
using half = __half;
using __nv_bfloat16 = mlxts_jit::bfloat16_t;
using nv_bfloat16 = __nv_bfloat16;

struct __attribute__((aligned(4))) __half2 { __half x, y; };
struct __attribute__((aligned(4))) __nv_bfloat162 { __nv_bfloat16 x, y; };
using half2 = __half2;
using nv_bfloat162 = __nv_bfloat162;

namespace mlxts_cuda {
template <class To, class From> inline To bit_cast(From v) {
  static_assert(sizeof(To) == sizeof(From), "bit_cast between different sizes");
  return __builtin_bit_cast(To, v);
}
inline __half to_half(float f) { return static_cast<__half>(f); }
inline __nv_bfloat16 to_bf16(float f) { return __nv_bfloat16(f); }
} // namespace mlxts_cuda

// Conversions. Directed roundings other than _rn are not offered for halves.
inline __half __float2half(float f) { return static_cast<__half>(f); }
inline __half __float2half_rn(float f) { return static_cast<__half>(f); }
inline __half __double2half(double d) { return static_cast<__half>(d); }
inline float __half2float(__half h) { return static_cast<float>(h); }
inline __half __int2half_rn(int i) { return static_cast<__half>(i); }
inline __half __uint2half_rn(unsigned int i) { return static_cast<__half>(i); }
inline __half __short2half_rn(short i) { return static_cast<__half>(i); }
inline __half __ushort2half_rn(unsigned short i) { return static_cast<__half>(i); }
inline __half __ll2half_rn(long long i) { return static_cast<__half>(i); }
inline __half __ull2half_rn(unsigned long long i) { return static_cast<__half>(i); }
inline int __half2int_rz(__half h) { return static_cast<int>(h); }
inline int __half2int_rn(__half h) { return static_cast<int>(__builtin_rintf(h)); }
inline int __half2int_rd(__half h) { return static_cast<int>(__builtin_floorf(h)); }
inline int __half2int_ru(__half h) { return static_cast<int>(__builtin_ceilf(h)); }
inline unsigned int __half2uint_rz(__half h) { return static_cast<unsigned int>(h); }
inline unsigned int __half2uint_rn(__half h) { return static_cast<unsigned int>(__builtin_rintf(h)); }
inline short __half2short_rz(__half h) { return static_cast<short>(h); }
inline long long __half2ll_rz(__half h) { return static_cast<long long>(h); }
inline long long __half2ll_rn(__half h) { return static_cast<long long>(__builtin_rintf(h)); }
inline unsigned short __half_as_ushort(__half h) { return mlxts_cuda::bit_cast<unsigned short>(h); }
inline short __half_as_short(__half h) { return mlxts_cuda::bit_cast<short>(h); }
inline __half __ushort_as_half(unsigned short u) { return mlxts_cuda::bit_cast<__half>(u); }
inline __half __short_as_half(short u) { return mlxts_cuda::bit_cast<__half>(u); }

inline __nv_bfloat16 __float2bfloat16(float f) { return __nv_bfloat16(f); }
inline __nv_bfloat16 __float2bfloat16_rn(float f) { return __nv_bfloat16(f); }
inline __nv_bfloat16 __double2bfloat16(double d) { return __nv_bfloat16(static_cast<float>(d)); }
inline float __bfloat162float(__nv_bfloat16 b) { return static_cast<float>(b); }
inline __nv_bfloat16 __int2bfloat16_rn(int i) { return __nv_bfloat16(static_cast<float>(i)); }
inline __nv_bfloat16 __uint2bfloat16_rn(unsigned int i) { return __nv_bfloat16(static_cast<float>(i)); }
inline __nv_bfloat16 __short2bfloat16_rn(short i) { return __nv_bfloat16(static_cast<float>(i)); }
inline __nv_bfloat16 __ll2bfloat16_rn(long long i) { return __nv_bfloat16(static_cast<float>(i)); }
inline int __bfloat162int_rz(__nv_bfloat16 b) { return static_cast<int>(static_cast<float>(b)); }
inline int __bfloat162int_rn(__nv_bfloat16 b) { return static_cast<int>(__builtin_rintf(b)); }
inline unsigned int __bfloat162uint_rz(__nv_bfloat16 b) { return static_cast<unsigned int>(static_cast<float>(b)); }
inline long long __bfloat162ll_rz(__nv_bfloat16 b) { return static_cast<long long>(static_cast<float>(b)); }
inline unsigned short __bfloat16_as_ushort(__nv_bfloat16 b) { return b.bits; }
inline short __bfloat16_as_short(__nv_bfloat16 b) { return static_cast<short>(b.bits); }
inline __nv_bfloat16 __ushort_as_bfloat16(unsigned short u) { __nv_bfloat16 b; b.bits = u; return b; }
inline __nv_bfloat16 __short_as_bfloat16(short u) { return __ushort_as_bfloat16(static_cast<unsigned short>(u)); }
inline __nv_bfloat16 __half2bfloat16(__half h) { return __nv_bfloat16(static_cast<float>(h)); }

// Arithmetic, comparisons and math on one half / bfloat16: computed in float and
// rounded once, which is what the hardware's fused half instructions give.
#define MLXTS_CUDA_HALF_OPS(H, TO)                                                              \
  inline H __hadd(H a, H b) { return TO(float(a) + float(b)); }                                \
  inline H __hsub(H a, H b) { return TO(float(a) - float(b)); }                                \
  inline H __hmul(H a, H b) { return TO(float(a) * float(b)); }                                \
  inline H __hdiv(H a, H b) { return TO(float(a) / float(b)); }                                \
  inline H __hadd_rn(H a, H b) { return TO(float(a) + float(b)); }                             \
  inline H __hsub_rn(H a, H b) { return TO(float(a) - float(b)); }                             \
  inline H __hmul_rn(H a, H b) { return TO(float(a) * float(b)); }                             \
  inline H __hadd_sat(H a, H b) { return TO(__builtin_fminf(__builtin_fmaxf(float(a) + float(b), 0.f), 1.f)); } \
  inline H __hmul_sat(H a, H b) { return TO(__builtin_fminf(__builtin_fmaxf(float(a) * float(b), 0.f), 1.f)); } \
  inline H __hfma(H a, H b, H c) { return TO(__builtin_fmaf(float(a), float(b), float(c))); }  \
  inline H __hfma_relu(H a, H b, H c) { float r = __builtin_fmaf(float(a), float(b), float(c)); return TO(r < 0.f ? 0.f : r); } \
  inline H __hneg(H a) { return TO(-float(a)); }                                               \
  inline H __habs(H a) { return TO(__builtin_fabsf(float(a))); }                               \
  inline H __hmax(H a, H b) { return TO(__builtin_fmaxf(float(a), float(b))); }                \
  inline H __hmin(H a, H b) { return TO(__builtin_fminf(float(a), float(b))); }                \
  inline H __hmax_nan(H a, H b) { float x = float(a), y = float(b); return TO(x != x || y != y ? __builtin_nanf("") : __builtin_fmaxf(x, y)); } \
  inline H __hmin_nan(H a, H b) { float x = float(a), y = float(b); return TO(x != x || y != y ? __builtin_nanf("") : __builtin_fminf(x, y)); } \
  inline bool __heq(H a, H b) { return float(a) == float(b); }                                 \
  inline bool __hne(H a, H b) { float x = float(a), y = float(b); return x < y || x > y; }     \
  inline bool __hlt(H a, H b) { return float(a) < float(b); }                                  \
  inline bool __hle(H a, H b) { return float(a) <= float(b); }                                 \
  inline bool __hgt(H a, H b) { return float(a) > float(b); }                                  \
  inline bool __hge(H a, H b) { return float(a) >= float(b); }                                 \
  inline bool __hequ(H a, H b) { return !(float(a) < float(b) || float(a) > float(b)); }       \
  inline bool __hneu(H a, H b) { return float(a) != float(b); }                                \
  inline bool __hltu(H a, H b) { return !(float(a) >= float(b)); }                             \
  inline bool __hleu(H a, H b) { return !(float(a) > float(b)); }                              \
  inline bool __hgtu(H a, H b) { return !(float(a) <= float(b)); }                             \
  inline bool __hgeu(H a, H b) { return !(float(a) < float(b)); }                              \
  inline bool __hisnan(H a) { return __builtin_isnan(float(a)); }                              \
  inline int __hisinf(H a) { float x = float(a); return __builtin_isinf(x) ? (x < 0 ? -1 : 1) : 0; } \
  inline H hexp(H a) { return TO(__builtin_expf(float(a))); }                                  \
  inline H hexp2(H a) { return TO(__builtin_exp2f(float(a))); }                                \
  inline H hexp10(H a) { return TO(__builtin_exp10f(float(a))); }                              \
  inline H hlog(H a) { return TO(__builtin_logf(float(a))); }                                  \
  inline H hlog2(H a) { return TO(__builtin_log2f(float(a))); }                                \
  inline H hlog10(H a) { return TO(__builtin_log10f(float(a))); }                              \
  inline H hsqrt(H a) { return TO(__builtin_sqrtf(float(a))); }                                \
  inline H hrsqrt(H a) { return TO(1.0f / __builtin_sqrtf(float(a))); }                       \
  inline H hrcp(H a) { return TO(1.0f / float(a)); }                                           \
  inline H hsin(H a) { return TO(__builtin_sinf(float(a))); }                                  \
  inline H hcos(H a) { return TO(__builtin_cosf(float(a))); }                                  \
  inline H htanh(H a) { return TO(__builtin_tanhf(float(a))); }                                \
  inline H hceil(H a) { return TO(__builtin_ceilf(float(a))); }                                \
  inline H hfloor(H a) { return TO(__builtin_floorf(float(a))); }                              \
  inline H htrunc(H a) { return TO(__builtin_truncf(float(a))); }                              \
  inline H hrint(H a) { return TO(__builtin_rintf(float(a))); }
MLXTS_CUDA_HALF_OPS(__half, mlxts_cuda::to_half)
MLXTS_CUDA_HALF_OPS(__nv_bfloat16, mlxts_cuda::to_bf16)
#undef MLXTS_CUDA_HALF_OPS

// Pairs: __half2 / __nv_bfloat162 (x is the low half).
#define MLXTS_CUDA_HALF2_OPS(H, H2, TO, PREFIX)                                                   \
  inline H2 __halves2##PREFIX##2(H a, H b) { return {a, b}; }                                    \
  inline H2 __##PREFIX##2##PREFIX##2(H a) { return {a, a}; }                                     \
  inline H2 __floats2##PREFIX##2_rn(float a, float b) { return {TO(a), TO(b)}; }                 \
  inline H2 __float2##PREFIX##2_rn(float a) { return {TO(a), TO(a)}; }                           \
  inline H2 __float22##PREFIX##2_rn(float2 f) { return {TO(f.x), TO(f.y)}; }                     \
  inline H __low2##PREFIX(H2 h) { return h.x; }                                                  \
  inline H __high2##PREFIX(H2 h) { return h.y; }                                                 \
  inline H2 __lows2##PREFIX##2(H2 a, H2 b) { return {a.x, b.x}; }                               \
  inline H2 __highs2##PREFIX##2(H2 a, H2 b) { return {a.y, b.y}; }                              \
  inline H2 __low2##PREFIX##2(H2 a) { return {a.x, a.x}; }                                      \
  inline H2 __high2##PREFIX##2(H2 a) { return {a.y, a.y}; }                                     \
  inline H2 __lowhigh2highlow(H2 a) { return {a.y, a.x}; }                                       \
  inline float __low2float(H2 h) { return float(h.x); }                                          \
  inline float __high2float(H2 h) { return float(h.y); }                                         \
  inline H2 __hadd2(H2 a, H2 b) { return {__hadd(a.x, b.x), __hadd(a.y, b.y)}; }                \
  inline H2 __hsub2(H2 a, H2 b) { return {__hsub(a.x, b.x), __hsub(a.y, b.y)}; }                \
  inline H2 __hmul2(H2 a, H2 b) { return {__hmul(a.x, b.x), __hmul(a.y, b.y)}; }                \
  inline H2 __h2div(H2 a, H2 b) { return {__hdiv(a.x, b.x), __hdiv(a.y, b.y)}; }                \
  inline H2 __hfma2(H2 a, H2 b, H2 c) { return {__hfma(a.x, b.x, c.x), __hfma(a.y, b.y, c.y)}; } \
  inline H2 __hneg2(H2 a) { return {__hneg(a.x), __hneg(a.y)}; }                                 \
  inline H2 __habs2(H2 a) { return {__habs(a.x), __habs(a.y)}; }                                 \
  inline H2 __hmax2(H2 a, H2 b) { return {__hmax(a.x, b.x), __hmax(a.y, b.y)}; }                \
  inline H2 __hmin2(H2 a, H2 b) { return {__hmin(a.x, b.x), __hmin(a.y, b.y)}; }                \
  inline H2 h2exp(H2 a) { return {hexp(a.x), hexp(a.y)}; }                                       \
  inline H2 h2log(H2 a) { return {hlog(a.x), hlog(a.y)}; }                                       \
  inline H2 h2sqrt(H2 a) { return {hsqrt(a.x), hsqrt(a.y)}; }                                    \
  inline H2 h2rsqrt(H2 a) { return {hrsqrt(a.x), hrsqrt(a.y)}; }                                 \
  inline H2 operator+(const H2& a, const H2& b) { return __hadd2(a, b); }                        \
  inline H2 operator-(const H2& a, const H2& b) { return __hsub2(a, b); }                        \
  inline H2 operator*(const H2& a, const H2& b) { return __hmul2(a, b); }                        \
  inline H2 operator/(const H2& a, const H2& b) { return __h2div(a, b); }                        \
  inline H2& operator+=(H2& a, const H2& b) { return a = __hadd2(a, b); }                        \
  inline H2& operator-=(H2& a, const H2& b) { return a = __hsub2(a, b); }                        \
  inline H2& operator*=(H2& a, const H2& b) { return a = __hmul2(a, b); }                        \
  inline H2 operator-(const H2& a) { return __hneg2(a); }                                        \
  inline bool operator==(const H2& a, const H2& b) { return __heq(a.x, b.x) && __heq(a.y, b.y); } \
  inline bool operator!=(const H2& a, const H2& b) { return !(a == b); }
MLXTS_CUDA_HALF2_OPS(__half, __half2, mlxts_cuda::to_half, half)
MLXTS_CUDA_HALF2_OPS(__nv_bfloat16, __nv_bfloat162, mlxts_cuda::to_bf16, bfloat16)
#undef MLXTS_CUDA_HALF2_OPS
inline float2 __half22float2(__half2 h) { return {float(h.x), float(h.y)}; }
inline float2 __bfloat1622float2(__nv_bfloat162 h) { return {float(h.x), float(h.y)}; }
