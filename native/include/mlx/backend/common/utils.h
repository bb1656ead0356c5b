// Index arithmetic shared by the backends.
#pragma once

#include <cstdint>
#include <tuple>
#include <vector>

#include "mlx/array.h"

namespace mlx::core {

/** Offset (in elements) of the element with linear row-major index `elem`. */
inline int64_t elem_to_loc(int64_t elem, const Shape& shape, const Strides& strides) {
  int64_t loc = 0;
  for (int i = static_cast<int>(shape.size()) - 1; i >= 0 && elem > 0; --i) {
    loc += (elem % shape[i]) * strides[i];
    elem /= shape[i];
  }
  return loc;
}

inline int64_t elem_to_loc(int64_t elem, const array& a) {
  return elem_to_loc(elem, a.shape(), a.strides());
}

/** Row-major strides of a shape. */
inline Strides make_contiguous_strides(const Shape& shape) {
  Strides s(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) {
    s[i] = s[i + 1] * std::max<int64_t>(shape[i + 1], 1);
  }
  return s;
}

/** Layout flags and reachable data size of a view with these strides:
 * row/col contiguity, and `contiguous` when the elements fill a gap-free block.
 * data_size is the span 1 + sum((shape_i - 1) * |stride_i|) (0 when empty). */
std::pair<array::Flags, size_t> view_flags(const Shape& shape, const Strides& strides);

/** Merges adjacent dimensions that are contiguous in every one of the given
 * stride sets, so strided loops run over as few, as long, dimensions as possible. */
std::tuple<Shape, std::vector<Strides>> collapse_contiguous_dims(
    const Shape& shape, const std::vector<Strides>& strides);

/** Walks the offsets of a strided array in row-major order, one dimension at
 * a time (cheaper than elem_to_loc per element). */
class ContiguousIterator {
 public:
  ContiguousIterator(const Shape& shape, const Strides& strides, int dims);
  void step();
  void seek(int64_t n);
  int64_t loc{0};

 private:
  Shape shape_;
  Strides strides_;
  std::vector<int32_t> pos_;
};

} // namespace mlx::core
