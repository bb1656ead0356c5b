// cast_to<To>(from): the one element conversion used by astype and array
// construction. Halves go through float; complex to real keeps the real part.
#pragma once

#include <type_traits>

#include "mlx/types/complex.h"
#include "mlx/types/half_types.h"

namespace mlx::core {

template <typename T>
inline constexpr bool is_half_v =
    std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>;

template <typename To, typename From>
inline To cast_to(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<From, complex64_t>) {
    return cast_to<To>(v.real());
  } else if constexpr (is_half_v<From>) {
    return cast_to<To>(static_cast<float>(v));
  } else if constexpr (std::is_same_v<To, complex64_t>) {
    return complex64_t(static_cast<float>(v), 0.0f);
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else {
    return static_cast<To>(v);
  }
}

} // namespace mlx::core
