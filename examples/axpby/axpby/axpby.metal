// The guide's Metal kernels for axpby (Apple GPUs). Built into mlx_ext.metallib
// on macOS only (CMakeLists.txt); mlx-ts has no Metal backend yet, so nothing
// loads it for now (docs/extensions.md). MLX's version includes
// "mlx/backend/metal/kernels/utils.h" for elem_to_loc and instantiate_kernel;
// this one defines the two it needs, so it builds on its own.
#include <metal_stdlib>

using namespace metal;

typedef half float16_t;

// Offset of element `elem` of a row-major index space in a strided array.
template <typename IdxT = int64_t>
METAL_FUNC IdxT elem_to_loc(
    uint elem,
    constant const int* shape,
    constant const int64_t* strides,
    int ndim) {
  IdxT loc = 0;
  for (int i = ndim - 1; i >= 0 && elem > 0; --i) {
    loc += (elem % shape[i]) * IdxT(strides[i]);
    elem /= shape[i];
  }
  return loc;
}

#define instantiate_kernel(name, func, ...) \
  template [[host_name(name)]] [[kernel]] decltype(func<__VA_ARGS__>) func<__VA_ARGS__>;

template <typename T>
[[kernel]] void axpby_general(
    device const T* x [[buffer(0)]],
    device const T* y [[buffer(1)]],
    device T* out [[buffer(2)]],
    constant const float& alpha [[buffer(3)]],
    constant const float& beta [[buffer(4)]],
    constant const int* shape [[buffer(5)]],
    constant const int64_t* x_strides [[buffer(6)]],
    constant const int64_t* y_strides [[buffer(7)]],
    constant const int& ndim [[buffer(8)]],
    uint index [[thread_position_in_grid]]) {
  // Convert linear indices to offsets in array
  auto x_offset = elem_to_loc(index, shape, x_strides, ndim);
  auto y_offset = elem_to_loc(index, shape, y_strides, ndim);

  // Do the operation and update the output
  out[index] =
      static_cast<T>(alpha) * x[x_offset] + static_cast<T>(beta) * y[y_offset];
}

// Both inputs row-contiguous: the element's index is its offset.
template <typename T>
[[kernel]] void axpby_contiguous(
    device const T* x [[buffer(0)]],
    device const T* y [[buffer(1)]],
    device T* out [[buffer(2)]],
    constant const float& alpha [[buffer(3)]],
    constant const float& beta [[buffer(4)]],
    uint index [[thread_position_in_grid]]) {
  out[index] = static_cast<T>(alpha) * x[index] + static_cast<T>(beta) * y[index];
}

#define instantiate_axpby(type_name, type)                              \
  instantiate_kernel("axpby_general_" #type_name, axpby_general, type) \
  instantiate_kernel("axpby_contiguous_" #type_name, axpby_contiguous, type)

instantiate_axpby(float32, float)
instantiate_axpby(float16, float16_t)
instantiate_axpby(bfloat16, bfloat)
