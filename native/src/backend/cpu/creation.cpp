// CPU evaluation of casts, copies and fills: all are copies with a cast.
#include "mlx/backend/common/utils.h"
#include "mlx/backend/cpu/copy.h"
#include "mlx/primitives/creation.h"

namespace mlx::core {

void AsType::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  // A dense input keeps its layout (transposes stay cheap); others compact.
  copy_cpu(in, out, in.flags().contiguous && in.data_size() == in.size() ? CopyType::Vector
                                                                        : CopyType::General);
}

void Copy::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  copy_cpu(in, out, in.flags().contiguous && in.data_size() == in.size() ? CopyType::Vector
                                                                        : CopyType::General);
}

void Full::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  if (in.size() == 1) {
    copy_cpu(in, out, CopyType::Scalar);
    return;
  }
  // Broadcast the input to the output shape with zero strides.
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  Strides in_strides(out.ndim(), 0);
  int off = static_cast<int>(out.ndim() - in.ndim());
  for (size_t i = 0; i < in.ndim(); ++i) {
    in_strides[off + i] = in.shape(i) == 1 ? 0 : in.strides()[i];
  }
  copy_cpu_inplace(in, out, out.shape(), in_strides, out.strides(), 0, 0);
}

} // namespace mlx::core
