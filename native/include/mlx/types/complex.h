// complex64_t: std::complex<float> with MLX's name.
#pragma once

#include <complex>

namespace mlx::core {

struct complex64_t : public std::complex<float> {
  complex64_t() : std::complex<float>() {}
  complex64_t(float re, float im) : std::complex<float>(re, im) {}
  complex64_t(std::complex<float> c) : std::complex<float>(c) {}
  template <typename T,
            typename = std::enable_if_t<std::is_arithmetic_v<T>>>
  complex64_t(T v) : std::complex<float>(static_cast<float>(v), 0.0f) {}
  // Converting to a real type keeps the real part (numpy/MLX astype rule).
  template <typename T,
            typename = std::enable_if_t<std::is_arithmetic_v<T>>>
  explicit operator T() const { return static_cast<T>(real()); }
};

} // namespace mlx::core
