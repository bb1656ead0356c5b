// GPU gathers: Take (take along an axis with an index array of any shape) and
// GatherAxis (take_along_axis). Elements move by their byte width, so one
// kernel per (width, index dtype) serves every dtype; inputs and indices may
// have any strides. Negative indices wrap once and the rest is clamped, as on
// the CPU. ScatterAddAxis runs on the CPU.
#include "jit_kernels.h"
#include "mlx/backend/gpu/eval.h"
#include "mlx/primitives/indexing.h"

namespace mlx::core::cuda::ops {

namespace {

bool integral_index(Dtype t) { return t != bool_ && issubdtype(t, integer); }

void eval_take(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  auto& take = static_cast<Take&>(p);
  const array& a = inputs[0];
  const array& idx = inputs[1];
  array& out = outputs[0];
  const int axis = take.axis();
  const int nd = static_cast<int>(a.ndim());
  if (!integral_index(idx.dtype()) || axis < 0 || axis >= nd || a.dtype() != out.dtype()) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  const int64_t axis_n = a.shape(axis);
  if (out.size() > 0 && axis_n == 0) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  std::vector<int64_t> pre, pre_st, post, post_st, is(idx.shape().begin(), idx.shape().end()),
      ist(idx.strides().begin(), idx.strides().end());
  for (int d = 0; d < axis; ++d) {
    pre.push_back(a.shape(d));
    pre_st.push_back(a.strides()[d]);
  }
  int64_t post_size = 1;
  for (int d = axis + 1; d < nd; ++d) {
    post.push_back(a.shape(d));
    post_st.push_back(a.strides()[d]);
    post_size *= a.shape(d);
  }
  Collapsed cpre = collapse(pre, {pre_st});
  Collapsed cpost = collapse(post, {post_st});
  Collapsed cidx = collapse(is, {ist});
  DimsArg pre_sh{}, pre_s{}, post_sh{}, post_s{}, idx_sh{}, idx_s{};
  if (!to_dims(cpre.shape, pre_sh) || !to_dims(cpost.shape, post_sh) ||
      !to_dims(cidx.shape, idx_sh)) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  to_dims(cpre.strides[0], pre_s);
  to_dims(cpost.strides[0], post_s);
  to_dims(cidx.strides[0], idx_s);
  out.set_device_data(out.nbytes());
  if (out.size() == 0) return;

  const size_t w = a.itemsize();
  const uint64_t key = kernel_key(Family::Take, 0, dt(idx.dtype()), -1, -1, static_cast<unsigned>(w));
  const auto& k = get_kernel(key, [&] {
    std::string name = std::string("mlxg_take_w") + std::to_string(w) + "_" + dtype_tag(idx.dtype());
    return KernelSource{name, take_source(name, kernel_uint_type(w), kernel_type(idx.dtype()))};
  });
  const void* pa = a.device_data();
  const void* pi = idx.device_data();
  void* po = out.device_data();
  long long n = static_cast<long long>(out.size()), post_n = post_size,
            n_idx = static_cast<long long>(idx.size()), an = axis_n, ast = a.strides()[axis];
  int pre_nd = static_cast<int>(cpre.shape.size()), post_nd = static_cast<int>(cpost.shape.size()),
      idx_nd = static_cast<int>(cidx.shape.size());
  void* args[] = {&pa, &pi, &po, &n, &post_n, &n_idx, &an, &ast, &pre_nd, &pre_sh, &pre_s,
                  &post_nd, &post_sh, &post_s, &idx_nd, &idx_sh, &idx_s};
  launch_1d(k, n, args);
}

void eval_gather_axis(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  auto& g = static_cast<GatherAxis&>(p);
  const array& a = inputs[0];
  const array& idx = inputs[1];
  array& out = outputs[0];
  const int axis = g.axis();
  const int nd = static_cast<int>(a.ndim());
  if (!integral_index(idx.dtype()) || axis < 0 || axis >= nd || idx.ndim() != a.ndim() ||
      out.ndim() != a.ndim() || a.dtype() != out.dtype()) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  const int64_t axis_n = a.shape(axis);
  if (out.size() > 0 && axis_n == 0) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  std::vector<int64_t> shape(out.shape().begin(), out.shape().end());
  std::vector<int64_t> ast(nd), ist(nd);
  for (int d = 0; d < nd; ++d) {
    ast[d] = (d == axis || a.shape(d) == 1) ? 0 : a.strides()[d];
    ist[d] = idx.shape(d) == 1 ? 0 : idx.strides()[d];
  }
  Collapsed c = collapse(shape, {ast, ist});
  DimsArg sh{};
  if (!to_dims(c.shape, sh)) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  StridesArg<2> st{};
  for (size_t d = 0; d < c.shape.size(); ++d) {
    st.v[0][d] = c.strides[0][d];
    st.v[1][d] = c.strides[1][d];
  }
  out.set_device_data(out.nbytes());
  if (out.size() == 0) return;

  const size_t w = a.itemsize();
  const uint64_t key =
      kernel_key(Family::GatherAxis, 0, dt(idx.dtype()), -1, -1, static_cast<unsigned>(w));
  const auto& k = get_kernel(key, [&] {
    std::string name =
        std::string("mlxg_gather_axis_w") + std::to_string(w) + "_" + dtype_tag(idx.dtype());
    return KernelSource{name, gather_axis_source(name, kernel_uint_type(w), kernel_type(idx.dtype()))};
  });
  const void* pa = a.device_data();
  const void* pi = idx.device_data();
  void* po = out.device_data();
  long long n = static_cast<long long>(out.size()), an = axis_n, axs = a.strides()[axis];
  int ndim = static_cast<int>(c.shape.size());
  void* args[] = {&pa, &pi, &po, &n, &ndim, &sh, &st, &an, &axs};
  launch_1d(k, n, args);
}

const bool registered = [] {
  gpu::register_eval("Take", eval_take);
  gpu::register_eval("GatherAxis", eval_gather_axis);
  return true;
}();

} // namespace

} // namespace mlx::core::cuda::ops
