// The Metal dialect for custom kernels compiled for the CPU: what a kernel body
// written for MLX's mx.fast.metal_kernel expects to find. Metal's types and
// vectors (metal_vec.h), math (metal_math.h), atomics, barriers and simdgroup
// functions (metal_simd.h), the MLX utils MLX includes in every custom kernel
// (Limits, elem_to_loc, ceildiv, ...), the values of the Metal attributes
// (mlxts_jit::metal_attr), and the address-space qualifiers as empty macros.
// The generated translation unit rewrites `threadgroup` itself, so it is not a macro here.
#pragma once

#include "metal_simd.h"

// Metal code calls floor(x), max(a, b), simd_sum(x) unqualified and names float4, atomic<T>.
using namespace metal;

// ---- MLX's metal kernels utils.h (and what it includes) -------------------------

static constexpr int MAX_REDUCE_SPECIALIZED_DIMS = 4;
static constexpr int REDUCE_N_READS = 4;
static constexpr int REDUCE_N_WRITES = 4;
static constexpr int SOFTMAX_N_READS = 4;
static constexpr int RMS_N_READS = 4;
static constexpr int RMS_LOOPED_LIMIT = 4096;

inline uint16_t bfloat16_to_uint16(const bfloat16_t x) { return x.bits; }
inline bfloat16_t uint16_to_bfloat16(const uint16_t x) { return mlxts_jit::mtl::bf16_bits(x); }

template <typename U>
struct WorkPerThread {
  static_assert(sizeof(U) <= 8, "Type too large");
  static constexpr int n = 8 / sizeof(U);
};

/** Type limits: for floats max/min are +-infinity and finite_max/finite_min the largest finite values. */
template <typename U>
struct Limits {
  static constexpr U max = metal::numeric_limits<U>::max();
  static constexpr U min = metal::numeric_limits<U>::min();
  static constexpr U finite_max = metal::numeric_limits<U>::max();
  static constexpr U finite_min = metal::numeric_limits<U>::min();
};
#define MLXTS_FLOAT_LIMIT(T, NEG_INF)                                                     \
  template <>                                                                             \
  struct Limits<T> {                                                                      \
    static constexpr T max = metal::numeric_limits<T>::infinity();                        \
    static constexpr T min = NEG_INF;                                                     \
    static constexpr T finite_max = metal::numeric_limits<T>::max();                      \
    static constexpr T finite_min = metal::numeric_limits<T>::lowest();                   \
  };
MLXTS_FLOAT_LIMIT(float, -__builtin_inff())
MLXTS_FLOAT_LIMIT(half, static_cast<half>(-__builtin_inff()))
MLXTS_FLOAT_LIMIT(bfloat16_t, mlxts_jit::mtl::bf16_bits(0xff80))
MLXTS_FLOAT_LIMIT(double, -__builtin_inf())
#undef MLXTS_FLOAT_LIMIT
template <>
struct Limits<bool> {
  static constexpr bool max = true;
  static constexpr bool min = false;
};
template <>
struct Limits<complex64_t> {
  static constexpr complex64_t max = complex64_t(__builtin_inff(), __builtin_inff());
  static constexpr complex64_t min = complex64_t(-__builtin_inff(), -__builtin_inff());
};

#define MLX_MTL_PRAGMA_UNROLL _Pragma("GCC unroll 16")

/** Offset of element `elem` (row-major index) of an array with this shape and these strides. */
template <typename IdxT = int64_t>
inline IdxT elem_to_loc(IdxT elem, const int* shape, const int64_t* strides, int ndim) {
  IdxT loc = 0;
  for (int i = ndim - 1; i >= 0 && elem > 0; --i) {
    loc += (elem % shape[i]) * IdxT(strides[i]);
    elem /= shape[i];
  }
  return loc;
}
/** elem.x, elem.y index the last two dimensions, elem.z the flattened others. */
template <typename IdxT = int64_t>
inline IdxT elem_to_loc(uint3 elem, const int* shape, const int64_t* strides, int ndim) {
  IdxT loc = elem.x * IdxT(strides[ndim - 1]) + elem.y * IdxT(strides[ndim - 2]);
  for (int d = ndim - 3; d >= 0; --d) {
    loc += (elem.z % shape[d]) * IdxT(strides[d]);
    elem.z /= shape[d];
  }
  return loc;
}
template <typename IdxT = int64_t>
inline IdxT elem_to_loc_1(uint elem, const int64_t& stride) {
  return elem * IdxT(stride);
}
template <typename IdxT = int64_t>
inline IdxT elem_to_loc_2(uint2 elem, const int64_t strides[2]) {
  return elem.x * IdxT(strides[1]) + elem.y * IdxT(strides[0]);
}
template <typename IdxT = int64_t>
inline IdxT elem_to_loc_3(uint3 elem, const int64_t strides[3]) {
  return elem.x * IdxT(strides[2]) + elem.y * IdxT(strides[1]) + elem.z * IdxT(strides[0]);
}
/** Offsets of one element in two arrays of the same shape. */
template <typename IdxT = int64_t>
inline vec<IdxT, 2> elem_to_loc_2_nd(uint3 elem, const int* shape, const int64_t* a_strides,
                                     const int64_t* b_strides, int ndim) {
  vec<IdxT, 2> loc = {
      IdxT(elem.x * IdxT(a_strides[ndim - 1]) + IdxT(elem.y) * IdxT(a_strides[ndim - 2])),
      IdxT(elem.x * IdxT(b_strides[ndim - 1]) + elem.y * IdxT(b_strides[ndim - 2]))};
  for (int d = ndim - 3; d >= 0; --d) {
    uint l = elem.z % shape[d];
    loc.x += l * IdxT(a_strides[d]);
    loc.y += l * IdxT(b_strides[d]);
    elem.z /= shape[d];
  }
  return loc;
}
/** Offsets of one element in three arrays of the same shape. */
template <typename IdxT = int64_t>
inline vec<IdxT, 3> elem_to_loc_3_nd(uint3 elem, const int* shape, const int64_t* a_strides,
                                     const int64_t* b_strides, const int64_t* c_strides, int ndim) {
  vec<IdxT, 3> loc = {
      IdxT(elem.x * IdxT(a_strides[ndim - 1])) + IdxT(elem.y * IdxT(a_strides[ndim - 2])),
      IdxT(elem.x * IdxT(b_strides[ndim - 1])) + IdxT(elem.y * IdxT(b_strides[ndim - 2])),
      IdxT(elem.x * IdxT(c_strides[ndim - 1])) + IdxT(elem.y * IdxT(c_strides[ndim - 2]))};
  for (int d = ndim - 3; d >= 0; --d) {
    uint l = elem.z % shape[d];
    loc.x += l * IdxT(a_strides[d]);
    loc.y += l * IdxT(b_strides[d]);
    loc.z += l * IdxT(c_strides[d]);
    elem.z /= shape[d];
  }
  return loc;
}

/** ceil(N / M) for positive integers. */
template <typename T, typename U>
inline T ceildiv(T N, U M) {
  return (N + M - 1) / M;
}

template <bool condition, typename T, typename U>
struct ConditionalType {
  using type = U;
};
template <typename T, typename U>
struct ConditionalType<true, T, U> {
  using type = T;
};

template <typename U, typename T>
inline U cast_to(T val) {
  return static_cast<U>(val);
}
template <>
inline bool cast_to<bool, float>(float val) {
  return (as_type<uint32_t>(val) & 0x7FFFFFFF) != 0;
}
template <>
inline bool cast_to<bool, bfloat16_t>(bfloat16_t val) {
  return (val.bits & 0x7FFF) != 0;
}
template <>
inline bool cast_to<bool, complex64_t>(complex64_t val) {
  return cast_to<bool, float>(val.real) || cast_to<bool, float>(val.imag);
}

// ---- Metal attributes -------------------------------------------------------------
// The value of each attribute for a thread (as dispatchThreads: the last
// threadgroup of a dimension may be partial). The generator passes
// mlxts_jit::metal_attr::<attribute>(*L, p) for each attribute the body uses.

namespace mlxts_jit::metal_attr {

inline uint3 as_uint3(Dim3 d) { return uint3(d.x, d.y, d.z); }
inline uint threads_in(Dim3 d) { return d.x * d.y * d.z; }

inline uint3 thread_position_in_grid(const Launch& L, const ThreadPos& p) {
  return uint3(p.group.x * L.group_size.x + p.thread.x, p.group.y * L.group_size.y + p.thread.y,
               p.group.z * L.group_size.z + p.thread.z);
}
inline uint3 thread_position_in_threadgroup(const Launch&, const ThreadPos& p) { return as_uint3(p.thread); }
inline uint3 threadgroup_position_in_grid(const Launch&, const ThreadPos& p) { return as_uint3(p.group); }
/** The actual size of this (possibly partial) threadgroup. */
inline uint3 threads_per_threadgroup(const Launch&, const ThreadPos& p) { return as_uint3(p.group_size); }
inline uint3 dispatch_threads_per_threadgroup(const Launch& L, const ThreadPos&) { return as_uint3(L.group_size); }
inline uint3 threadgroups_per_grid(const Launch& L, const ThreadPos&) { return as_uint3(L.groups); }
inline uint3 threads_per_grid(const Launch& L, const ThreadPos&) { return as_uint3(L.grid); }
inline uint3 grid_size(const Launch& L, const ThreadPos&) { return as_uint3(L.grid); }
inline uint3 grid_origin(const Launch&, const ThreadPos&) { return uint3(0u); }
inline uint thread_index_in_threadgroup(const Launch&, const ThreadPos& p) { return p.index; }
inline uint thread_index_in_simdgroup(const Launch&, const ThreadPos& p) { return p.index % kSimdWidth; }
inline uint simdgroup_index_in_threadgroup(const Launch&, const ThreadPos& p) { return p.index / kSimdWidth; }
inline uint threads_per_simdgroup(const Launch&, const ThreadPos&) { return kSimdWidth; }
inline uint thread_execution_width(const Launch&, const ThreadPos&) { return kSimdWidth; }
inline uint simdgroups_per_threadgroup(const Launch&, const ThreadPos& p) {
  return (threads_in(p.group_size) + kSimdWidth - 1) / kSimdWidth;
}
inline uint dispatch_simdgroups_per_threadgroup(const Launch& L, const ThreadPos&) {
  return (threads_in(L.group_size) + kSimdWidth - 1) / kSimdWidth;
}
inline uint quadgroup_index_in_threadgroup(const Launch&, const ThreadPos& p) { return p.index / 4; }
inline uint thread_index_in_quadgroup(const Launch&, const ThreadPos& p) { return p.index % 4; }
inline uint quadgroups_per_threadgroup(const Launch&, const ThreadPos& p) {
  return (threads_in(p.group_size) + 3) / 4;
}
inline uint dispatch_quadgroups_per_threadgroup(const Launch& L, const ThreadPos&) {
  return (threads_in(L.group_size) + 3) / 4;
}

} // namespace mlxts_jit::metal_attr

// ---- Metal spellings ----------------------------------------------------------------

/** Metal's half literals: 1.5h. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wliteral-suffix"
constexpr half operator""h(long double v) { return static_cast<half>(v); }
constexpr half operator""h(unsigned long long v) { return static_cast<half>(v); }
#pragma GCC diagnostic pop

// Address spaces mean nothing on the CPU. (Defined last: kernel_abi.h has a member named `thread`.)
#define device
#define constant
#define thread
#define METAL_FUNC inline
#define MTL_CONST
