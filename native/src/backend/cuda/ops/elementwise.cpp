// GPU elementwise primitives: the unary family, the binary family (with
// broadcasting and any strides), where (Select) and isclose. One kernel per
// (op, dtype) handles every layout: a dense fast path and a strided path of
// up to 10 merged dimensions. Complex64 and anything not listed in
// op_tables.h run on the CPU.
#include <cmath>
#include <utility>

#include "jit_kernels.h"
#include "mlx/backend/gpu/eval.h"
#include "mlx/primitives/binary.h"
#include "mlx/primitives/unary.h"
#include "op_tables.h"

namespace mlx::core::cuda::ops {

namespace {

/** A constant rounded to dtype t, as the host converts a double to t. */
double round_to(double c, Dtype t) {
  switch (t.val()) {
    case Dtype::Val::float16: return static_cast<float>(float16_t(static_cast<float>(c)));
    case Dtype::Val::bfloat16: return static_cast<float>(bfloat16_t(static_cast<float>(c)));
    case Dtype::Val::float32: return static_cast<float>(c);
    default: return c;
  }
}

void allocate(array& out) { out.set_device_data(out.nbytes()); }

void eval_unary(int idx, Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  const UnarySpec& spec = kUnarySpecs[idx];
  const array& in = inputs[0];
  array& out = outputs[0];
  const Dtype t = in.dtype();
  if (shares(spec.share, t)) {
    out.copy_shared_buffer(in);
    return;
  }
  const Dtype expect = spec.bool_out ? bool_ : t;
  if (!domain_accepts(spec.domain, t) || out.dtype() != expect) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  Layout L;
  if (!elementwise_layout(out.shape(), {&in}, L)) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  ParamsArg prm;
  unsigned variant = 0;
  const char* functor = spec.functor;
  std::string_view name = spec.prim;
  if (name == "Round") {
    int d = static_cast<Round&>(p).decimals();
    if (d != 0) {
      variant = 1;
      functor = "mlxg::RoundDecU";
      if (t == float64) {
        prm.p0 = std::pow(10.0, std::abs(d));
        prm.p1 = d > 0 ? 1.0 : -1.0;
      } else {
        float scale = static_cast<float>(std::pow(10.0, d));
        prm.p0 = round_to(scale, t);
        prm.p1 = round_to(1.0f / scale, t);
      }
    }
  } else if (name == "Degrees" || name == "Radians") {
    prm.p0 = round_to(static_cast<ScaleUnary&>(p).scale(), t);
  }
  allocate(out);
  if (out.size() == 0) return;
  const auto& k = get_kernel(kernel_key(Family::Unary, idx, dt(t), dt(out.dtype()), -1, variant), [&] {
    std::string kname = std::string("mlxg_") + spec.prim + (variant ? "Dec" : "") + "_" + dtype_tag(t);
    const char* ti = kernel_type(t);
    return KernelSource{kname, elementwise_source(kname, std::string(functor) + "<" + ti + ">",
                                                  kernel_type(out.dtype()), {ti})};
  });
  run_elementwise(k, out, {&in}, L, prm);
}

int binary_index(std::string_view prim) {
  for (int i = 0; i < kNumBinary; ++i) {
    if (prim == kBinarySpecs[i].prim) return i;
  }
  return -1;
}

/** Runs binary spec idx over (a, b) into out (allocated here); false when the GPU cannot. */
bool binary_into(int idx, const array& a, const array& b, array& out, const ParamsArg& prm) {
  const BinarySpec& spec = kBinarySpecs[idx];
  const Dtype t = a.dtype();
  const Dtype expect = spec.bool_out ? bool_ : t;
  Layout L;
  if (b.dtype() != t || !domain_accepts(spec.domain, t) || out.dtype() != expect ||
      !elementwise_layout(out.shape(), {&a, &b}, L)) {
    return false;
  }
  allocate(out);
  if (out.size() == 0) return true;
  const auto& k = get_kernel(kernel_key(Family::Binary, idx, dt(t), dt(out.dtype())), [&] {
    std::string kname = std::string("mlxg_") + spec.prim + "_" + dtype_tag(t);
    const char* ti = kernel_type(t);
    return KernelSource{kname, elementwise_source(kname, std::string(spec.functor) + "<" + ti + ">",
                                                  kernel_type(out.dtype()), {ti, ti})};
  });
  run_elementwise(k, out, {&a, &b}, L, prm);
  return true;
}

ParamsArg isclose_params(const IsClose& ic) {
  ParamsArg prm;
  prm.p0 = ic.rtol();
  prm.p1 = ic.atol();
  prm.p2 = ic.equal_nan() ? 1.0 : 0.0;
  return prm;
}

void eval_binary(int idx, Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  ParamsArg prm;
  if (std::string_view(kBinarySpecs[idx].prim) == "IsClose") prm = isclose_params(static_cast<IsClose&>(p));
  if (!binary_into(idx, inputs[0], inputs[1], outputs[0], prm)) eval_on_cpu(p, inputs, outputs);
}

// divmod: the floor_divide and remainder kernels, one output each.
void eval_divmod(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  static const int q = binary_index("FloorDivide"), r = binary_index("Remainder");
  const array& a = inputs[0];
  const array& b = inputs[1];
  if (outputs.size() != 2 || !binary_into(q, a, b, outputs[0], {}) ||
      !binary_into(r, a, b, outputs[1], {})) {
    eval_on_cpu(p, inputs, outputs);
  }
}

// allclose / array_equal: the elementwise comparison into a temporary, then all().
void reduce_comparison(int idx, const ParamsArg& prm, Primitive& p, const std::vector<array>& inputs,
                       std::vector<array>& outputs) {
  const array& a = inputs[0];
  const array& b = inputs[1];
  Temporaries temps;
  std::vector<array> both{a, b};
  array tmp = temps.make(binary_output_shape(both), bool_);
  if (!binary_into(idx, a, b, tmp, prm) || !reduce_all_true(tmp, outputs[0])) {
    eval_on_cpu(p, inputs, outputs);
  }
}

void eval_allclose(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  static const int idx = binary_index("IsClose");
  reduce_comparison(idx, isclose_params(static_cast<IsClose&>(p)), p, inputs, outputs);
}

void eval_array_equal(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  static const int eq = binary_index("Equal"), nan_eq = binary_index("NaNEqual");
  bool equal_nan = static_cast<ArrayEqual&>(p).equal_nan();
  if (inputs[0].shape() != inputs[1].shape()) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  reduce_comparison(equal_nan ? nan_eq : eq, ParamsArg{}, p, inputs, outputs);
}

void eval_select(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& c = inputs[0];
  const array& x = inputs[1];
  const array& y = inputs[2];
  array& out = outputs[0];
  Layout L;
  if (c.dtype() != bool_ || x.dtype() != out.dtype() || y.dtype() != out.dtype() ||
      !elementwise_layout(out.shape(), {&c, &x, &y}, L)) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  allocate(out);
  if (out.size() == 0) return;
  const size_t w = out.itemsize();
  const auto& k = get_kernel(kernel_key(Family::Ternary, 0, -1, -1, -1, static_cast<unsigned>(w)), [&] {
    std::string kname = "mlxg_Select_w" + std::to_string(w);
    const char* e = kernel_uint_type(w);
    return KernelSource{kname, elementwise_source(kname, std::string("mlxg::SelectT<") + e + ">", e,
                                                  {"bool", e, e})};
  });
  run_elementwise(k, out, {&c, &x, &y}, L, ParamsArg{});
}

template <int I>
void unary_entry(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  eval_unary(I, p, inputs, outputs);
}
template <int I>
void binary_entry(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  eval_binary(I, p, inputs, outputs);
}

template <int... I>
void register_unary(std::integer_sequence<int, I...>) {
  (gpu::register_eval(kUnarySpecs[I].prim, &unary_entry<I>), ...);
}
template <int... I>
void register_binary(std::integer_sequence<int, I...>) {
  (gpu::register_eval(kBinarySpecs[I].prim, &binary_entry<I>), ...);
}

const bool registered = [] {
  register_unary(std::make_integer_sequence<int, kNumUnary>{});
  register_binary(std::make_integer_sequence<int, kNumBinary>{});
  gpu::register_eval("Select", eval_select);
  gpu::register_eval("DivMod", eval_divmod);
  gpu::register_eval("AllClose", eval_allclose);
  gpu::register_eval("ArrayEqual", eval_array_equal);
  return true;
}();

} // namespace

} // namespace mlx::core::cuda::ops
