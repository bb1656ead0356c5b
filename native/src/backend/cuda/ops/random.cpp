// GPU random numbers: RandomBits (threefry-2x32, the same words as the CPU for
// the same keys), RandomUniform and RandomBernoulli (the CPU's float32
// sequence of rounded operations, so the samples match the CPU's exactly).
// RandomNormal (the CPU's sequence too; the logarithm inside erfinv may differ
// in the last bit) on the GPU; RandomInt runs on the CPU.
#include "jit_kernels.h"
#include "mlx/backend/gpu/eval.h"
#include "mlx/primitives/random.h"

namespace mlx::core::cuda::ops {

namespace {

void eval_random_bits(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& keys_in = inputs[0];
  array& out = outputs[0];
  if (keys_in.dtype() != uint32) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  out.set_device_data(out.nbytes());
  long long num_keys = static_cast<long long>(keys_in.size() / 2);
  if (out.size() == 0 || num_keys == 0) return;
  Temporaries temps;
  array keys = temps.contiguous(keys_in);
  long long bytes = static_cast<long long>(out.nbytes()) / num_keys;
  long long words = (bytes + 3) / 4;
  long long per_key = words - words / 2;
  const auto& k = get_kernel(kernel_key(Family::RandomBits, 0), [] {
    std::string name = "mlxg_random_bits";
    return KernelSource{name, random_bits_source(name)};
  });
  const void* pk = keys.device_data();
  void* po = out.device_data();
  void* args[] = {&pk, &po, &num_keys, &bytes, &words};
  launch_1d(k, num_keys * per_key, args);
}

bool sample_dtype(Dtype t) { return t == float16 || t == bfloat16 || t == float32; }

void eval_uniform(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& bits = inputs[0];
  const array& lo = inputs[1];
  const array& hi = inputs[2];
  array& out = outputs[0];
  const Dtype t = out.dtype();
  Layout L;
  if (bits.dtype() != uint32 || !sample_dtype(t) || lo.dtype() != t || hi.dtype() != t ||
      !elementwise_layout(out.shape(), {&bits, &lo, &hi}, L)) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  out.set_device_data(out.nbytes());
  if (out.size() == 0) return;
  const auto& k = get_kernel(kernel_key(Family::Random, 0, dt(t)), [&] {
    std::string name = std::string("mlxg_uniform_") + dtype_tag(t);
    const char* ty = kernel_type(t);
    return KernelSource{name, elementwise_source(name, std::string("mlxg::UniformR<") + ty + ">", ty,
                                                 {"unsigned int", ty, ty})};
  });
  run_elementwise(k, out, {&bits, &lo, &hi}, L, ParamsArg{});
}

void eval_bernoulli(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& bits = inputs[0];
  const array& prob = inputs[1];
  array& out = outputs[0];
  const Dtype t = prob.dtype();
  Layout L;
  if (bits.dtype() != uint32 || !issubdtype(t, floating) || out.dtype() != bool_ ||
      !elementwise_layout(out.shape(), {&bits, &prob}, L)) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  out.set_device_data(out.nbytes());
  if (out.size() == 0) return;
  const auto& k = get_kernel(kernel_key(Family::Random, 1, dt(t)), [&] {
    std::string name = std::string("mlxg_bernoulli_") + dtype_tag(t);
    const char* ty = kernel_type(t);
    return KernelSource{name, elementwise_source(name, std::string("mlxg::BernoulliR<") + ty + ">",
                                                 "bool", {"unsigned int", ty})};
  });
  run_elementwise(k, out, {&bits, &prob}, L, ParamsArg{});
}

// normal: bits, then scale and loc when given (both of the output dtype).
void eval_normal(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  auto& rn = static_cast<RandomNormal&>(p);
  const array& bits = inputs[0];
  array& out = outputs[0];
  const Dtype t = out.dtype();
  const bool hs = rn.has_scale(), hl = rn.has_loc();
  std::vector<const array*> ins{&bits};
  for (size_t i = 1; i < inputs.size(); ++i) ins.push_back(&inputs[i]);
  bool ok = bits.dtype() == uint32 && (sample_dtype(t) || t == float64) &&
            inputs.size() == 1 + hs + hl;
  for (size_t i = 1; ok && i < inputs.size(); ++i) ok = inputs[i].dtype() == t;
  Layout L;
  if (!ok || !elementwise_layout(out.shape(), ins, L)) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  out.set_device_data(out.nbytes());
  if (out.size() == 0) return;
  const unsigned mode = (hs ? 1u : 0u) | (hl ? 2u : 0u);
  const auto& k = get_kernel(kernel_key(Family::Random, 2, dt(t), -1, -1, mode), [&] {
    static const char* functors[] = {"mlxg::NormalR", "mlxg::NormalScaleR", "mlxg::NormalLocR",
                                     "mlxg::NormalScaleLocR"};
    std::string name = std::string("mlxg_normal") + std::to_string(mode) + "_" + dtype_tag(t);
    const char* ty = kernel_type(t);
    std::vector<const char*> types{"unsigned int"};
    for (size_t i = 1; i < ins.size(); ++i) types.push_back(ty);
    std::string op = std::string(functors[mode]) + "<" + ty + ">";
    return KernelSource{name, elementwise_source(name, op, ty, types)};
  });
  run_elementwise(k, out, ins, L, ParamsArg{});
}

const bool registered = [] {
  gpu::register_eval("RandomNormal", eval_normal);
  gpu::register_eval("RandomBits", eval_random_bits);
  gpu::register_eval("RandomUniform", eval_uniform);
  gpu::register_eval("RandomBernoulli", eval_bernoulli);
  return true;
}();

} // namespace

} // namespace mlx::core::cuda::ops
