// CPU evaluation of the shape family: views share the input's buffer.
#include "mlx/backend/common/utils.h"
#include "mlx/backend/cpu/copy.h"
#include "mlx/primitives/shape.h"

namespace mlx::core {

void AsStrided::eval_cpu(const std::vector<array>& inputs, array& out) {
  // Strides address the row-major elements: compact a strided input first.
  array in = ensure_row_contiguous_cpu(inputs[0]);
  auto [flags, data_size] = view_flags(shape_, strides_);
  out.copy_shared_buffer(in, strides_, flags, data_size, offset_);
}

} // namespace mlx::core
