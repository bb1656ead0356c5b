// Creation and conversion operations.
#pragma once

#include "mlx/array.h"
#include "mlx/utils.h"

namespace mlx::core {

/** Converts to `dtype` (a no-op node is not added when the dtype matches). */
array astype(array a, Dtype dtype, StreamOrDevice s = {});

/** A new array with the same values (a graph node, so it has its own buffer). */
array copy(array a, StreamOrDevice s = {});

/** An array of `shape` filled with `vals` (broadcast) converted to `dtype`. */
array full(Shape shape, array vals, Dtype dtype, StreamOrDevice s = {});
array full(Shape shape, array vals, StreamOrDevice s = {});
template <typename T>
array full(Shape shape, T val, Dtype dtype, StreamOrDevice s = {}) {
  return full(std::move(shape), array(val, dtype), dtype, s);
}
template <typename T>
array full(Shape shape, T val, StreamOrDevice s = {}) {
  return full(std::move(shape), array(val), s);
}

array zeros(const Shape& shape, Dtype dtype, StreamOrDevice s = {});
inline array zeros(const Shape& shape, StreamOrDevice s = {}) { return zeros(shape, float32, s); }
array zeros_like(const array& a, StreamOrDevice s = {});
array ones(const Shape& shape, Dtype dtype, StreamOrDevice s = {});
inline array ones(const Shape& shape, StreamOrDevice s = {}) { return ones(shape, float32, s); }
array ones_like(const array& a, StreamOrDevice s = {});

} // namespace mlx::core
