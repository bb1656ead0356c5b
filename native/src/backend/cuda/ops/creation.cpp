// GPU Arange: start' + i * step' with start' and step' computed on the host
// exactly as the CPU kernel computes them (native/src/backend/cpu/ranges.cpp),
// and the products rounded on their own (no fused multiply-add), so the
// values match the CPU's bit for bit. bool and complex64 run on the CPU.
#include <type_traits>

#include "jit_kernels.h"
#include "mlx/backend/gpu/eval.h"
#include "mlx/primitives/ranges.h"

namespace mlx::core::cuda::ops {

namespace {

struct ArangeArgs {
  double s{0}, d{0};
  unsigned long long si{0}, di{0};
};

template <typename T>
ArangeArgs arange_args(double start, double step) {
  ArangeArgs r;
  if constexpr (std::is_integral_v<T>) {
    using U = uint64_t;
    U s = static_cast<U>(static_cast<int64_t>(cast_to<T>(start)));
    U d = static_cast<U>(static_cast<int64_t>(cast_to<T>(start + step))) - s;
    if constexpr (std::is_same_v<T, uint64_t>) {
      s = cast_to<T>(start);
      d = cast_to<T>(start + step) - s;
    }
    r.si = s;
    r.di = d;
  } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    T s = static_cast<T>(start);
    T d = static_cast<T>(start + step) - s;
    r.s = s;
    r.d = d;
  } else {
    float s = static_cast<float>(cast_to<T>(start));
    float d = static_cast<float>(cast_to<T>(start + step)) - s;
    r.s = s;
    r.d = d;
  }
  return r;
}

void eval_arange(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  auto& ar = static_cast<Arange&>(p);
  array& out = outputs[0];
  const Dtype t = out.dtype();
  if (t == bool_ || t == complex64) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  ArangeArgs a = dispatch_all_types(t, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, complex64_t>) {
      return ArangeArgs{};
    } else {
      return arange_args<T>(ar.start(), ar.step());
    }
  });
  out.set_device_data(out.nbytes());
  if (out.size() == 0) return;
  const auto& k = get_kernel(kernel_key(Family::Arange, 0, dt(t)), [&] {
    std::string name = std::string("mlxg_arange_") + dtype_tag(t);
    return KernelSource{name, arange_source(name, kernel_type(t))};
  });
  void* po = out.device_data();
  long long n = static_cast<long long>(out.size());
  void* args[] = {&po, &n, &a.s, &a.d, &a.si, &a.di};
  launch_1d(k, n, args);
}

const bool registered = [] {
  gpu::register_eval("Arange", eval_arange);
  return true;
}();

} // namespace

} // namespace mlx::core::cuda::ops
