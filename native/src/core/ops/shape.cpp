#include "mlx/ops/shape.h"

#include <sstream>

#include "mlx/primitives/shape.h"

namespace mlx::core {

array as_strided(array a, Shape shape, Strides strides, size_t offset, StreamOrDevice s) {
  if (shape.size() != strides.size()) {
    std::ostringstream msg;
    msg << "[as_strided] Shape " << shape_to_string(shape) << " and " << strides.size()
        << " strides do not match: expected one stride per dimension.";
    throw std::invalid_argument(msg.str());
  }
  // The furthest element reached must lie inside the input.
  int64_t lo = static_cast<int64_t>(offset), hi = static_cast<int64_t>(offset);
  size_t n = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) throw std::invalid_argument("[as_strided] Negative dimensions are not allowed.");
    n *= shape[i];
    int64_t reach = static_cast<int64_t>(shape[i] - 1) * strides[i];
    (reach < 0 ? lo : hi) += reach;
  }
  if (n > 0 && (lo < 0 || hi >= static_cast<int64_t>(a.size()))) {
    std::ostringstream msg;
    msg << "[as_strided] The view reaches elements [" << lo << ", " << hi
        << "] outside the input's " << a.size() << " elements.";
    throw std::invalid_argument(msg.str());
  }
  auto dtype = a.dtype();
  auto out_shape = shape;
  return array(std::move(out_shape), dtype,
               std::make_shared<AsStrided>(to_stream(s), std::move(shape), std::move(strides),
                                           static_cast<int64_t>(offset)),
               {std::move(a)});
}

} // namespace mlx::core
