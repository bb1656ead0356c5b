// GPU casts and copies: AsType (every pair of real dtypes, with the host's
// conversion rules), Copy (any dtype: a byte move) and Full (a broadcast
// copy). Casts to or from complex64 run on the CPU.
#include "jit_kernels.h"
#include "mlx/backend/gpu/eval.h"
#include "mlx/primitives/creation.h"

namespace mlx::core::cuda::ops {

namespace {

/** out (row-major, allocated here) = in converted to out's dtype. */
bool copy_into(const array& in, array& out) {
  out.set_device_data(out.nbytes());
  if (out.size() == 0) return true;
  if (in.dtype() == out.dtype() && in.flags().row_contiguous && in.shape() == out.shape()) {
    const auto* api = cuda_api();
    check(api->cuMemcpyDtoDAsync_v2(reinterpret_cast<CUdeviceptr>(out.device_data()),
                                    reinterpret_cast<CUdeviceptr>(in.device_data()), out.nbytes(),
                                    current_stream()),
          "cuMemcpyDtoDAsync");
    return true;
  }
  // The input broadcast to the output's shape (Full; the identity for the others).
  const int nd = static_cast<int>(out.ndim());
  std::vector<int64_t> st(nd, 0);
  int off = nd - static_cast<int>(in.ndim());
  for (int d = 0; d < static_cast<int>(in.ndim()); ++d) {
    st[off + d] = in.shape(d) == 1 ? 0 : in.strides()[d];
  }
  return copy_strided(in.device_data(), in.dtype(), out.shape(), st, out.device_data(), out.dtype());
}

void eval_copy(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& in = inputs[0];
  array& out = outputs[0];
  bool complex = in.dtype() == complex64 || out.dtype() == complex64;
  if ((complex && in.dtype() != out.dtype()) || in.ndim() > out.ndim()) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  if (!copy_into(in, out)) eval_on_cpu(p, inputs, outputs);
}

const bool registered = [] {
  gpu::register_eval("AsType", eval_copy);
  gpu::register_eval("Copy", eval_copy);
  gpu::register_eval("Full", eval_copy);
  return true;
}();

} // namespace

} // namespace mlx::core::cuda::ops
