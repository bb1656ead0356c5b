// MLX's CUDA device prelude as MLX's generated custom kernels #include it
// ("mlx/backend/cuda/device/utils.cuh"), for NVRTC on NVIDIA GPUs: Shape /
// Strides (fixed-size arrays passed by value), aligned vector loads and
// stores, Limits, the elem_to_loc family and LoopedElemToLoc, complex types,
// MAX_NDIM / WARP_SIZE. Written for mlx-ts after MLX's interface.
//
// NVRTC needs the CUDA toolkit's include directories on its include path
// (<cuda>/include and, from CUDA 13 on, <cuda>/include/cccl for cuda/std).
#pragma once

#include "mlx/backend/cuda/device/complex.cuh"
#include "mlx/backend/cuda/device/config.h"

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda/std/array>
#include <cuda/std/limits>
#include <cuda/std/tuple>

namespace mlx::core::cu {

// ---- kernel parameters ---------------------------------------------------------

/** A shape or strides parameter: a fixed size so it can be passed by value. */
using Shape = cuda::std::array<int32_t, MAX_NDIM>;
using Strides = cuda::std::array<int64_t, MAX_NDIM>;

// ---- vectorized loads and stores -------------------------------------------------

/** N values of T loaded or stored as one aligned access. */
template <typename T, int N>
struct alignas(sizeof(T) * N) AlignedVector {
  T val[N];
  __device__ T& operator[](int i) { return val[i]; }
  __device__ T operator[](int i) const { return val[i]; }
};

template <int N, typename T>
inline __host__ __device__ bool is_aligned(T* x) {
  return reinterpret_cast<uintptr_t>(x) % (N * sizeof(T)) == 0;
}

/** The `offset`-th group of N elements, assuming `ptr` is aligned for it. */
template <int N, typename T>
inline __device__ AlignedVector<T, N> unsafe_load_vector(const T* ptr, uint32_t offset) {
  return reinterpret_cast<const AlignedVector<T, N>*>(ptr)[offset];
}

template <int N, typename T>
inline __device__ AlignedVector<T, N> load_vector(const T* ptr, uint32_t offset) {
  if (is_aligned<N>(ptr)) {
    return reinterpret_cast<const AlignedVector<T, N>*>(ptr)[offset];
  }
  AlignedVector<T, N> v;
#pragma unroll
  for (int i = 0; i < N; ++i) v[i] = ptr[offset * N + i];
  return v;
}

/** As load_vector; elements at or past `size` are `fallback`. */
template <int N, typename T, typename SizeT>
inline __device__ AlignedVector<T, N> load_vector(const T* ptr, uint32_t offset, SizeT size, T fallback) {
  if (is_aligned<N>(ptr) && (offset + 1) * N <= size) {
    return reinterpret_cast<const AlignedVector<T, N>*>(ptr)[offset];
  }
  AlignedVector<T, N> v;
#pragma unroll
  for (int i = 0; i < N; ++i) v[i] = (N * offset + i) < size ? ptr[offset * N + i] : fallback;
  return v;
}

/** As load_vector over elements `stride` apart. */
template <int N, typename T, typename SizeT>
inline __device__ AlignedVector<T, N>
load_vector(const T* ptr, uint32_t offset, SizeT size, int64_t stride, T fallback) {
  if (is_aligned<N>(ptr) && stride == 1 && (offset + 1) * N <= size) {
    return reinterpret_cast<const AlignedVector<T, N>*>(ptr)[offset];
  }
  AlignedVector<T, N> v;
#pragma unroll
  for (int i = 0; i < N; ++i) v[i] = (N * offset + i) < size ? ptr[stride * (offset * N + i)] : fallback;
  return v;
}

template <int N, typename T>
inline __device__ void unsafe_store_vector(T* ptr, uint32_t offset, const AlignedVector<T, N>& vec) {
  reinterpret_cast<AlignedVector<T, N>*>(ptr)[offset] = vec;
}

template <int N, typename T>
inline __device__ void store_vector(T* ptr, uint32_t offset, const AlignedVector<T, N>& vec) {
  if (is_aligned<N>(ptr)) {
    reinterpret_cast<AlignedVector<T, N>*>(ptr)[offset] = vec;
    return;
  }
#pragma unroll
  for (int i = 0; i < N; ++i) ptr[offset * N + i] = vec[i];
}

/** As store_vector; elements at or past `size` are not written. */
template <int N, typename T, typename SizeT>
inline __device__ void store_vector(T* ptr, uint32_t offset, const AlignedVector<T, N>& vec, SizeT size) {
  if (is_aligned<N>(ptr) && (offset + 1) * N <= size) {
    reinterpret_cast<AlignedVector<T, N>*>(ptr)[offset] = vec;
    return;
  }
  for (int i = 0; (offset * N + i) < size && i < N; ++i) ptr[offset * N + i] = vec[i];
}

/** As store_vector over elements `stride` apart. */
template <int N, typename T, typename SizeT>
inline __device__ void
store_vector(T* ptr, uint32_t offset, const AlignedVector<T, N>& vec, SizeT size, int64_t stride) {
  if (is_aligned<N>(ptr) && (offset + 1) * N <= size && stride == 1) {
    reinterpret_cast<AlignedVector<T, N>*>(ptr)[offset] = vec;
    return;
  }
  for (int i = 0; (offset * N + i) < size && i < N; ++i) ptr[stride * (offset * N + i)] = vec[i];
}

// ---- type limits -----------------------------------------------------------------

constexpr float F8E4M3_MAX = 448.0f;
constexpr float F4E2M1_MAX = 6.0f;

/** max()/min(): for floating types +-infinity; finite_max()/finite_min(): the largest finite values. */
template <typename T, typename = void>
struct Limits {
  static constexpr __host__ __device__ T max() { return cuda::std::numeric_limits<T>::max(); }
  static constexpr __host__ __device__ T min() { return cuda::std::numeric_limits<T>::min(); }
  static constexpr __host__ __device__ T finite_max() { return cuda::std::numeric_limits<T>::max(); }
  static constexpr __host__ __device__ T finite_min() { return cuda::std::numeric_limits<T>::min(); }
};

template <typename T>
struct Limits<T,
              cuda::std::enable_if_t<cuda::std::is_same_v<T, float> || cuda::std::is_same_v<T, double> ||
                                     cuda::std::is_same_v<T, __half> || cuda::std::is_same_v<T, __nv_bfloat16>>> {
  static constexpr __host__ __device__ T max() { return cuda::std::numeric_limits<T>::infinity(); }
  static constexpr __host__ __device__ T min() { return -cuda::std::numeric_limits<T>::infinity(); }
  static constexpr __host__ __device__ T finite_max() { return cuda::std::numeric_limits<T>::max(); }
  static constexpr __host__ __device__ T finite_min() { return cuda::std::numeric_limits<T>::lowest(); }
};

template <>
struct Limits<bool> {
  static constexpr __host__ __device__ bool max() { return true; }
  static constexpr __host__ __device__ bool min() { return false; }
};

template <typename T>
struct Limits<complex_t<T>> {
  static constexpr __host__ __device__ complex_t<T> max() { return {Limits<T>::max(), Limits<T>::max()}; }
  static constexpr __host__ __device__ complex_t<T> min() { return {Limits<T>::min(), Limits<T>::min()}; }
};

// ---- indexing --------------------------------------------------------------------

/** Offset of element `elem` (row-major index) of an array with this shape and these strides. */
template <typename IdxT = int64_t>
inline __host__ __device__ IdxT elem_to_loc(IdxT elem, const int* shape, const int64_t* strides, int ndim) {
  IdxT loc = 0;
  for (int i = ndim - 1; i >= 0 && elem > 0; --i) {
    loc += (elem % shape[i]) * IdxT(strides[i]);
    elem /= shape[i];
  }
  return loc;
}

/** elem_to_loc for an ndim known at compile time. */
template <int NDIM, typename IdxT = int64_t>
inline __host__ __device__ IdxT elem_to_loc_nd(IdxT elem, const int* shape, const int64_t* strides) {
  IdxT loc = 0;
#pragma unroll
  for (int i = NDIM - 1; i >= 0; --i) {
    loc += (elem % shape[i]) * IdxT(strides[i]);
    elem /= shape[i];
  }
  return loc;
}

/** Offsets of one element in two arrays of the same shape. */
template <int NDIM, typename IdxT = int64_t>
inline __host__ __device__ cuda::std::tuple<IdxT, IdxT>
elem_to_loc_nd(IdxT elem, const int* shape, const int64_t* a_strides, const int64_t* b_strides) {
  IdxT a_loc = 0;
  IdxT b_loc = 0;
#pragma unroll
  for (int i = NDIM - 1; i >= 0; --i) {
    int dim_idx = elem % shape[i];
    a_loc += dim_idx * IdxT(a_strides[i]);
    b_loc += dim_idx * IdxT(b_strides[i]);
    elem /= shape[i];
  }
  return cuda::std::make_tuple(a_loc, b_loc);
}

/** Offsets of one element in three arrays of the same shape. */
template <int NDIM, typename IdxT = int64_t>
inline __host__ __device__ cuda::std::tuple<IdxT, IdxT, IdxT> elem_to_loc_nd(
    IdxT elem, const int* shape, const int64_t* a_strides, const int64_t* b_strides, const int64_t* c_strides) {
  IdxT a_loc = 0;
  IdxT b_loc = 0;
  IdxT c_loc = 0;
#pragma unroll
  for (int i = NDIM - 1; i >= 0; --i) {
    int dim_idx = elem % shape[i];
    a_loc += dim_idx * IdxT(a_strides[i]);
    b_loc += dim_idx * IdxT(b_strides[i]);
    c_loc += dim_idx * IdxT(c_strides[i]);
    elem /= shape[i];
  }
  return cuda::std::make_tuple(a_loc, b_loc, c_loc);
}

template <typename IdxT = int64_t>
inline __host__ __device__ cuda::std::tuple<IdxT, IdxT>
elem_to_loc(IdxT elem, const int* shape, const int64_t* a_strides, const int64_t* b_strides, int ndim) {
  IdxT a_loc = 0;
  IdxT b_loc = 0;
  for (int i = ndim - 1; i >= 0; --i) {
    int dim_idx = elem % shape[i];
    a_loc += dim_idx * IdxT(a_strides[i]);
    b_loc += dim_idx * IdxT(b_strides[i]);
    elem /= shape[i];
  }
  return cuda::std::make_tuple(a_loc, b_loc);
}

template <typename IdxT = int64_t>
inline __host__ __device__ cuda::std::tuple<IdxT, IdxT, IdxT> elem_to_loc(
    IdxT elem, const int* shape, const int64_t* a_strides, const int64_t* b_strides, const int64_t* c_strides,
    int ndim) {
  IdxT a_loc = 0;
  IdxT b_loc = 0;
  IdxT c_loc = 0;
  for (int i = ndim - 1; i >= 0; --i) {
    int dim_idx = elem % shape[i];
    a_loc += dim_idx * IdxT(a_strides[i]);
    b_loc += dim_idx * IdxT(b_strides[i]);
    c_loc += dim_idx * IdxT(c_strides[i]);
    elem /= shape[i];
  }
  return cuda::std::make_tuple(a_loc, b_loc, c_loc);
}

// ---- offsets of consecutive elements -----------------------------------------------

/** Walks the offsets of consecutive elements of a strided array. */
template <int DIM, bool General = true, typename OffsetT = size_t>
struct LoopedElemToLoc {
  int dim;
  LoopedElemToLoc<DIM - 1, General, OffsetT> inner_looper;
  OffsetT offset{0};
  int index{0};

  __device__ LoopedElemToLoc(int d) : dim(d), inner_looper(d - 1) {}

  __device__ void next(const int* shape, const int64_t* strides) {
    if (dim == 0) return;
    index++;
    offset += OffsetT(strides[dim - 1]);
    if (index >= shape[dim - 1]) {
      index = 0;
      inner_looper.next(shape, strides);
      offset = inner_looper.offset;
    }
  }

  __device__ void next(int n, const int* shape, const int64_t* strides) {
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

  __device__ OffsetT location() { return offset; }
};

template <typename OffsetT>
struct LoopedElemToLoc<1, true, OffsetT> {
  int dim;
  OffsetT offset{0};
  int index{0};

  __device__ LoopedElemToLoc(int d) : dim(d) {}

  __device__ void next(const int* shape, const int64_t* strides) {
    index++;
    if (dim > 1) {
      offset = elem_to_loc<OffsetT>(index, shape, strides, dim);
    } else {
      offset += OffsetT(strides[0]);
    }
  }

  __device__ void next(int n, const int* shape, const int64_t* strides) {
    index += n;
    if (dim > 1) {
      offset = elem_to_loc<OffsetT>(index, shape, strides, dim);
    } else {
      offset = index * OffsetT(strides[0]);
    }
  }

  __device__ OffsetT location() { return offset; }
};

template <typename OffsetT>
struct LoopedElemToLoc<1, false, OffsetT> {
  OffsetT offset{0};

  __device__ LoopedElemToLoc(int) {}

  __device__ void next(const int*, const int64_t* strides) { offset += OffsetT(strides[0]); }
  __device__ void next(int n, const int*, const int64_t* strides) { offset += n * OffsetT(strides[0]); }
  __device__ OffsetT location() { return offset; }
};

} // namespace mlx::core::cu
