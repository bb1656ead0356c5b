// The shape family on the GPU. Most of it is views: the CPU code only sets
// strides and an offset on the input's buffer and never touches the bytes, so
// it runs as is on device-resident data (no copy to the host and back). A
// reshape of a non-contiguous input and a strided AsStrided input are first
// laid out row-major by a device copy. Concatenate, AsStridedAdd and
// DynamicSliceUpdate still run on the CPU.
#include "jit_kernels.h"
#include "mlx/backend/gpu/eval.h"

namespace mlx::core::cuda::ops {

namespace {

/** `in`'s elements in row-major order, in a new device array of `shape`. */
bool row_major_copy(const array& in, array& out) {
  out.set_device_data(out.nbytes());
  if (out.size() == 0) return true;
  std::vector<int64_t> st(in.strides().begin(), in.strides().end());
  return copy_strided(in.device_data(), in.dtype(), in.shape(), st, out.device_data(), out.dtype());
}

// Transpose, Broadcast, Squeeze, ExpandDims, Slice, Split: strides and an offset.
void eval_view(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  p.eval_cpu(inputs, outputs);
}

// Reshape, Flatten, Unflatten: a view of row-contiguous data, else a row-major copy.
void eval_reshape(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& in = inputs[0];
  if (in.flags().row_contiguous || in.size() == 0) {
    p.eval_cpu(inputs, outputs);
  } else if (!row_major_copy(in, outputs[0])) {
    eval_on_cpu(p, inputs, outputs);
  }
}

// AsStrided: its strides address the row-major elements of the input.
void eval_as_strided(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& in = inputs[0];
  if (in.flags().row_contiguous) {
    p.eval_cpu(inputs, outputs);
    return;
  }
  array compact(in.shape(), in.dtype(), nullptr, {});
  if (!row_major_copy(in, compact)) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  std::vector<array> row_major{compact};
  p.eval_cpu(row_major, outputs);
}

// DynamicSlice: the start indices are read on the host; the data stays a device view.
void eval_dynamic_slice(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  for (size_t i = 1; i < inputs.size(); ++i) inputs[i].ensure_host();
  p.eval_cpu(inputs, outputs);
}

const bool registered = [] {
  for (const char* name : {"Transpose", "Broadcast", "Squeeze", "ExpandDims", "Slice", "Split"}) {
    gpu::register_eval(name, eval_view);
  }
  for (const char* name : {"Reshape", "Flatten", "Unflatten"}) gpu::register_eval(name, eval_reshape);
  gpu::register_eval("AsStrided", eval_as_strided);
  gpu::register_eval("DynamicSlice", eval_dynamic_slice);
  return true;
}();

} // namespace

} // namespace mlx::core::cuda::ops
