// MLX's complex types for CUDA kernels (mlx/backend/cuda/device/complex.cuh):
// cuda::std::complex plus the comparisons and remainder MLX defines on it.
#pragma once

// Faster multiplication and division, as MLX builds them.
#ifndef LIBCUDACXX_ENABLE_SIMPLIFIED_COMPLEX_OPERATIONS
#define LIBCUDACXX_ENABLE_SIMPLIFIED_COMPLEX_OPERATIONS
#endif

#include <cuda/std/complex>
#include <cuda/std/type_traits>

namespace mlx::core::cu {

template <typename T>
using complex_t = cuda::std::complex<T>;
using complex64_t = complex_t<float>;
using complex128_t = complex_t<double>;

template <typename T>
struct is_complex : cuda::std::false_type {};
template <typename T>
struct is_complex<cuda::std::complex<T>> : cuda::std::true_type {};
template <typename T>
inline constexpr bool is_complex_v = is_complex<T>::value;

/** Element-wise floored remainder of the real and imaginary parts. */
template <typename T>
__host__ __device__ inline complex_t<T> operator%(complex_t<T> a, complex_t<T> b) {
  T re = a.real() - floor(a.real() / b.real()) * b.real();
  T im = a.imag() - floor(a.imag() / b.imag()) * b.imag();
  return complex_t<T>{re, im};
}

// Lexicographic order (real part first), as MLX compares complex numbers.
template <typename T>
__host__ __device__ inline bool operator>(complex_t<T> a, complex_t<T> b) {
  return a.real() > b.real() || (a.real() == b.real() && a.imag() > b.imag());
}
template <typename T>
__host__ __device__ inline bool operator<(complex_t<T> a, complex_t<T> b) {
  return b > a;
}
template <typename T>
__host__ __device__ inline bool operator<=(complex_t<T> a, complex_t<T> b) {
  return !(a > b);
}
template <typename T>
__host__ __device__ inline bool operator>=(complex_t<T> a, complex_t<T> b) {
  return !(a < b);
}

} // namespace mlx::core::cu
