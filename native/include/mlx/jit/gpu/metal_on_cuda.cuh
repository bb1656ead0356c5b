// The Metal dialect on NVIDIA GPUs: what a kernel body written for MLX's
// mx.fast.metal_kernel expects to find, for the CUDA translation unit that
// sdk/fast/gpu_source.ts generates. Metal's scalar and vector types
// (metal_types.cuh, metal_vec.cuh), math (metal_math.cuh), atomics, barriers
// and simdgroup functions (metal_simd.cuh), the MLX utils MLX includes in every
// custom kernel (Limits, elem_to_loc, ceildiv, ...), and the values of the
// Metal attributes (mlxts_gpu::attr).
//
// The generated unit places the user's header and body inside namespace metal
// (so metal's functions hide CUDA's global math overloads) and REWRITES the
// address-space keywords itself: `device`, `constant`, `thread` are erased,
// `threadgroup T x[N];` becomes `__shared__`. None of them is a macro here:
// CUDA's own `__device__` expands to text containing `device`.
//
// Compiled by NVRTC with -default-device (the user's helper functions carry no
// __device__); everything here is annotated so that nvcc compiles it as well.
#pragma once

#include "metal_simd.cuh"

#define METAL_FUNC __device__ __forceinline__
// Shape / strides arguments stay in the parameter space (sm_70+) while the body reads them through pointers.
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 700
#define MLXTS_GRID_CONSTANT
#else
#define MLXTS_GRID_CONSTANT __grid_constant__
#endif
#define MTL_CONST static constexpr const
#define MLX_MTL_PRAGMA_UNROLL _Pragma("unroll")

// Metal's predefined constants (float.h / limits.h values where NVRTC has none).
#ifndef FLT_MAX
#define FLT_MAX 3.40282346638528859812e+38F
#endif
#ifndef FLT_MIN
#define FLT_MIN 1.17549435082228750797e-38F
#endif
#ifndef FLT_EPSILON
#define FLT_EPSILON 1.1920928955078125e-07F
#endif
#ifndef DBL_MAX
#define DBL_MAX 1.79769313486231570815e+308
#endif
#ifndef INT_MAX
#define INT_MAX 2147483647
#endif
#ifndef INT_MIN
#define INT_MIN (-INT_MAX - 1)
#endif
#ifndef UINT_MAX
#define UINT_MAX 4294967295U
#endif
#ifndef INFINITY
#define INFINITY MLXTS_INF_F
#endif
#ifndef NAN
#define NAN MLXTS_NAN_F
#endif
#ifndef HUGE_VALF
#define HUGE_VALF MLXTS_INF_F
#endif
#ifndef MAXFLOAT
#define MAXFLOAT 3.40282346638528859812e+38F
#endif
#define HALF_MAX (::metal::half(::mlxts_gpu::from_bits_t(), 0x7bff))
#define HALF_MIN (::metal::half(::mlxts_gpu::from_bits_t(), 0x0400))
#define HALF_EPSILON (::metal::half(::mlxts_gpu::from_bits_t(), 0x1400))
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
#define M_E_H (::metal::half(M_E_F))
#define M_LOG2E_H (::metal::half(M_LOG2E_F))
#define M_LOG10E_H (::metal::half(M_LOG10E_F))
#define M_LN2_H (::metal::half(M_LN2_F))
#define M_LN10_H (::metal::half(M_LN10_F))
#define M_PI_H (::metal::half(M_PI_F))
#define M_PI_2_H (::metal::half(M_PI_2_F))
#define M_PI_4_H (::metal::half(M_PI_4_F))
#define M_1_PI_H (::metal::half(M_1_PI_F))
#define M_2_PI_H (::metal::half(M_2_PI_F))
#define M_2_SQRTPI_H (::metal::half(M_2_SQRTPI_F))
#define M_SQRT2_H (::metal::half(M_SQRT2_F))
#define M_SQRT1_2_H (::metal::half(M_SQRT1_2_F))

namespace metal {

// ---- MLX's metal kernels utils.h --------------------------------------------------

static constexpr int MAX_REDUCE_SPECIALIZED_DIMS = 4;
static constexpr int REDUCE_N_READS = 4;
static constexpr int REDUCE_N_WRITES = 4;
static constexpr int SOFTMAX_N_READS = 4;
static constexpr int RMS_N_READS = 4;
static constexpr int RMS_LOOPED_LIMIT = 4096;

MLXTS_D uint16_t bfloat16_to_uint16(const bfloat16_t x) { return x.mlxts_bits; }
MLXTS_D bfloat16_t uint16_to_bfloat16(const uint16_t x) { return bfloat16_t(mlxts_gpu::from_bits_t(), x); }

template <typename U>
struct WorkPerThread {
  static_assert(sizeof(U) <= 8, "Type too large");
  static constexpr int n = 8 / sizeof(U);
};

/** Type limits: for floats max/min are +-infinity and finite_max/finite_min the largest finite values. */
template <typename U>
struct Limits {
  static constexpr U max = numeric_limits<U>::max();
  static constexpr U min = numeric_limits<U>::min();
  static constexpr U finite_max = numeric_limits<U>::max();
  static constexpr U finite_min = numeric_limits<U>::min();
};
#define MLXTS_FLOAT_LIMIT(T)                                                              \
  template <>                                                                             \
  struct Limits<T> {                                                                      \
    static constexpr T max = numeric_limits<T>::infinity();                               \
    static constexpr T min = -numeric_limits<T>::infinity();                              \
    static constexpr T finite_max = numeric_limits<T>::max();                             \
    static constexpr T finite_min = numeric_limits<T>::lowest();                          \
  };
MLXTS_FLOAT_LIMIT(float)
MLXTS_FLOAT_LIMIT(double)
#undef MLXTS_FLOAT_LIMIT
template <>
struct Limits<half> {
  static constexpr half max = half(mlxts_gpu::from_bits_t(), 0x7c00);
  static constexpr half min = half(mlxts_gpu::from_bits_t(), 0xfc00);
  static constexpr half finite_max = half(mlxts_gpu::from_bits_t(), 0x7bff);
  static constexpr half finite_min = half(mlxts_gpu::from_bits_t(), 0xfbff);
};
template <>
struct Limits<bfloat> {
  static constexpr bfloat max = bfloat(mlxts_gpu::from_bits_t(), 0x7f80);
  static constexpr bfloat min = bfloat(mlxts_gpu::from_bits_t(), 0xff80);
  static constexpr bfloat finite_max = bfloat(mlxts_gpu::from_bits_t(), 0x7f7f);
  static constexpr bfloat finite_min = bfloat(mlxts_gpu::from_bits_t(), 0xff7f);
};
template <>
struct Limits<bool> {
  static constexpr bool max = true;
  static constexpr bool min = false;
};
template <>
struct Limits<complex64_t> {
  static constexpr complex64_t max = complex64_t(MLXTS_INF_F, MLXTS_INF_F);
  static constexpr complex64_t min = complex64_t(-MLXTS_INF_F, -MLXTS_INF_F);
};

/** Offset of element `elem` (row-major index) of an array with this shape and these strides. */
template <typename IdxT = int64_t>
MLXTS_D IdxT elem_to_loc(IdxT elem, const int* shape, const int64_t* strides, int ndim) {
  IdxT loc = 0;
  for (int i = ndim - 1; i >= 0 && elem > 0; --i) {
    loc += (elem % shape[i]) * IdxT(strides[i]);
    elem /= shape[i];
  }
  return loc;
}
/** elem.x, elem.y index the last two dimensions, elem.z the flattened others. */
template <typename IdxT = int64_t>
MLXTS_D IdxT elem_to_loc(uint3 elem, const int* shape, const int64_t* strides, int ndim) {
  IdxT loc = elem.x * IdxT(strides[ndim - 1]) + elem.y * IdxT(strides[ndim - 2]);
  for (int d = ndim - 3; d >= 0; --d) {
    loc += (elem.z % shape[d]) * IdxT(strides[d]);
    elem.z /= shape[d];
  }
  return loc;
}
template <typename IdxT = int64_t>
MLXTS_D IdxT elem_to_loc_1(uint elem, const int64_t& stride) {
  return elem * IdxT(stride);
}
template <typename IdxT = int64_t>
MLXTS_D IdxT elem_to_loc_2(uint2 elem, const int64_t strides[2]) {
  return elem.x * IdxT(strides[1]) + elem.y * IdxT(strides[0]);
}
template <typename IdxT = int64_t>
MLXTS_D IdxT elem_to_loc_3(uint3 elem, const int64_t strides[3]) {
  return elem.x * IdxT(strides[2]) + elem.y * IdxT(strides[1]) + elem.z * IdxT(strides[0]);
}
/** Offsets of one element in two arrays of the same shape. */
template <typename IdxT = int64_t>
MLXTS_D vec<IdxT, 2> elem_to_loc_2_nd(uint3 elem, const int* shape, const int64_t* a_strides,
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
MLXTS_D vec<IdxT, 3> elem_to_loc_3_nd(uint3 elem, const int* shape, const int64_t* a_strides,
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

/** Walks the offsets of consecutive elements of a strided array (MLX's LoopedElemToLoc). */
template <int DIM, typename OffsetT = size_t, bool General = true>
struct LoopedElemToLoc {
  int dim;
  LoopedElemToLoc<DIM - 1, OffsetT, General> inner_looper;
  OffsetT offset{0};
  int index{0};

  MLXTS_D LoopedElemToLoc(int d) : dim(d), inner_looper(d - 1) {}

  MLXTS_D void next(const int* shape, const int64_t* strides) {
    if (dim == 0) return;
    index++;
    offset += OffsetT(strides[dim - 1]);
    if (index >= shape[dim - 1]) {
      index = 0;
      inner_looper.next(shape, strides);
      offset = inner_looper.offset;
    }
  }

  MLXTS_D void next(int n, const int* shape, const int64_t* strides) {
    if (dim == 0) return;
    index += n;
    offset += n * OffsetT(strides[dim - 1]);
    if (index >= shape[dim - 1]) {
      int extra = index - shape[dim - 1];
      if (extra >= shape[dim - 1]) {
        inner_looper.next(1 + extra / shape[dim - 1], shape, strides);
        extra = extra % shape[dim - 1];
      } else {
        inner_looper.next(shape, strides);
      }
      index = 0;
      offset = inner_looper.offset;
      if (extra > 0) next(extra, shape, strides);
    }
  }

  MLXTS_D OffsetT location() { return offset; }
};
template <typename OffsetT>
struct LoopedElemToLoc<1, OffsetT, true> {
  int dim;
  OffsetT offset{0};
  uint index{0};

  MLXTS_D LoopedElemToLoc(int d) : dim(d) {}

  MLXTS_D void next(const int* shape, const int64_t* strides) {
    index++;
    if (dim > 1) {
      offset = elem_to_loc<OffsetT>(index, shape, strides, dim);
    } else {
      offset += OffsetT(strides[0]);
    }
  }

  MLXTS_D void next(int n, const int* shape, const int64_t* strides) {
    index += n;
    if (dim > 1) {
      offset = elem_to_loc<OffsetT>(index, shape, strides, dim);
    } else {
      offset = index * OffsetT(strides[0]);
    }
  }

  MLXTS_D OffsetT location() { return offset; }
};
template <typename OffsetT>
struct LoopedElemToLoc<1, OffsetT, false> {
  OffsetT offset{0};

  MLXTS_D LoopedElemToLoc(int) {}

  MLXTS_D void next(const int*, const int64_t* strides) { offset += OffsetT(strides[0]); }
  MLXTS_D void next(int n, const int*, const int64_t* strides) { offset += n * OffsetT(strides[0]); }
  MLXTS_D OffsetT location() { return offset; }
};

/** ceil(N / M) for positive integers. */
template <typename T, typename U>
MLXTS_D T ceildiv(T N, U M) {
  return (N + M - 1) / M;
}

/** MLX's log1p (float and bfloat16). */
MLXTS_D float log1p(float x) { return ::log1pf(x); }
MLXTS_D bfloat16_t log1p(bfloat16_t x) { return bfloat16_t(::log1pf(static_cast<float>(x))); }

template <bool condition, typename T, typename U>
struct ConditionalType {
  using type = U;
};
template <typename T, typename U>
struct ConditionalType<true, T, U> {
  using type = T;
};

template <typename U, typename T>
MLXTS_D U cast_to(T val) {
  return static_cast<U>(val);
}
template <>
MLXTS_D bool cast_to<bool, float>(float val) {
  return (as_type<uint32_t>(val) & 0x7FFFFFFF) != 0;
}
template <>
MLXTS_D bool cast_to<bool, bfloat16_t>(bfloat16_t val) {
  return (val.mlxts_bits & 0x7FFF) != 0;
}
template <>
MLXTS_D bool cast_to<bool, complex64_t>(complex64_t val) {
  return cast_to<bool, float>(val.real) || cast_to<bool, float>(val.imag);
}

} // namespace metal

// ---- Metal attributes -------------------------------------------------------------
// The generated entry launches blocks of min(threadgroup, grid) threads,
// ceil(grid / block) of them, receives the Metal grid (in threads) as its last
// three arguments, returns at once for threads outside it, and passes
// mlxts_gpu::attr::<attribute>(grid) for each attribute the body uses.
// Threads are numbered as CUDA numbers them (x fastest over the launch's
// block), so simdgroups are the hardware warps; in a partial threadgroup of a
// multi-dimensional grid that numbering has gaps where Metal's would not.

namespace mlxts_gpu::attr {

MLXTS_D metal::uint3 thread_position_in_grid(const metal::uint3&) {
  return metal::uint3(blockIdx.x * blockDim.x + threadIdx.x, blockIdx.y * blockDim.y + threadIdx.y,
                      blockIdx.z * blockDim.z + threadIdx.z);
}
/** Whether this CUDA thread is one of the Metal grid's. */
MLXTS_D bool in_grid(const metal::uint3& grid) {
  const metal::uint3 p = thread_position_in_grid(grid);
  return p.x < grid.x && p.y < grid.y && p.z < grid.z;
}
MLXTS_D metal::uint3 thread_position_in_threadgroup(const metal::uint3&) {
  return metal::uint3(threadIdx.x, threadIdx.y, threadIdx.z);
}
MLXTS_D metal::uint3 threadgroup_position_in_grid(const metal::uint3&) {
  return metal::uint3(blockIdx.x, blockIdx.y, blockIdx.z);
}
/** The actual size of this (possibly partial) threadgroup. */
MLXTS_D metal::uint3 threads_per_threadgroup(const metal::uint3& grid) {
  return metal::uint3(::min(blockDim.x, grid.x - blockIdx.x * blockDim.x),
                      ::min(blockDim.y, grid.y - blockIdx.y * blockDim.y),
                      ::min(blockDim.z, grid.z - blockIdx.z * blockDim.z));
}
MLXTS_D metal::uint3 dispatch_threads_per_threadgroup(const metal::uint3&) {
  return metal::uint3(blockDim.x, blockDim.y, blockDim.z);
}
MLXTS_D metal::uint3 threadgroups_per_grid(const metal::uint3&) {
  return metal::uint3(gridDim.x, gridDim.y, gridDim.z);
}
MLXTS_D metal::uint3 threads_per_grid(const metal::uint3& grid) { return grid; }
MLXTS_D metal::uint3 grid_size(const metal::uint3& grid) { return grid; }
MLXTS_D metal::uint3 grid_origin(const metal::uint3&) { return metal::uint3(0u); }
MLXTS_D unsigned thread_index_in_threadgroup(const metal::uint3&) {
  return threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
}
MLXTS_D unsigned thread_index_in_simdgroup(const metal::uint3& g) { return thread_index_in_threadgroup(g) % 32u; }
MLXTS_D unsigned simdgroup_index_in_threadgroup(const metal::uint3& g) { return thread_index_in_threadgroup(g) / 32u; }
MLXTS_D unsigned threads_per_simdgroup(const metal::uint3&) { return 32u; }
MLXTS_D unsigned thread_execution_width(const metal::uint3&) { return 32u; }
MLXTS_D unsigned threads_in_group(const metal::uint3& grid) {
  const metal::uint3 s = threads_per_threadgroup(grid);
  return s.x * s.y * s.z;
}
MLXTS_D unsigned simdgroups_per_threadgroup(const metal::uint3& grid) { return (threads_in_group(grid) + 31u) / 32u; }
MLXTS_D unsigned dispatch_simdgroups_per_threadgroup(const metal::uint3&) {
  return (blockDim.x * blockDim.y * blockDim.z + 31u) / 32u;
}
MLXTS_D unsigned quadgroup_index_in_threadgroup(const metal::uint3& g) { return thread_index_in_threadgroup(g) / 4u; }
MLXTS_D unsigned thread_index_in_quadgroup(const metal::uint3& g) { return thread_index_in_threadgroup(g) % 4u; }
MLXTS_D unsigned quadgroups_per_threadgroup(const metal::uint3& grid) { return (threads_in_group(grid) + 3u) / 4u; }
MLXTS_D unsigned dispatch_quadgroups_per_threadgroup(const metal::uint3&) {
  return (blockDim.x * blockDim.y * blockDim.z + 3u) / 4u;
}

/** Shape and strides arrive by value (MLX's CUDA MAX_NDIM = 10); the body gets pointers into them. */
struct shape_arg {
  int32_t v[10];
};
struct strides_arg {
  int64_t v[10];
};

} // namespace mlxts_gpu::attr
