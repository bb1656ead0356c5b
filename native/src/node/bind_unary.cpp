// Bindings of the unary family: each takes (a, stream); round takes (a, decimals, stream).
#include "binding.h"

namespace mlx_ts {

namespace {

using UnaryFn = mx::array (*)(const mx::array&, mx::StreamOrDevice);

void def_unary(Napi::Env env, Napi::Object exports, const char* js_name, const char* op,
               UnaryFn fn) {
  def(env, exports, js_name, [op, fn](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, op);
    return wrap(info.Env(), fn(a, arg_stream(info, 1)));
  });
}

void init_unary(Napi::Env env, Napi::Object exports) {
  struct Entry {
    const char* js;
    const char* op;
    UnaryFn fn;
  };
  // Overloaded names need an explicit pick of the (array, stream) overload.
  const Entry entries[] = {
      {"abs", "abs", &mx::abs},
      {"negative", "negative", &mx::negative},
      {"sign", "sign", &mx::sign},
      {"exp", "exp", &mx::exp},
      {"expm1", "expm1", &mx::expm1},
      {"log", "log", &mx::log},
      {"log1p", "log1p", &mx::log1p},
      {"log2", "log2", &mx::log2},
      {"log10", "log10", &mx::log10},
      {"sqrt", "sqrt", &mx::sqrt},
      {"rsqrt", "rsqrt", &mx::rsqrt},
      {"square", "square", &mx::square},
      {"reciprocal", "reciprocal", &mx::reciprocal},
      {"sin", "sin", &mx::sin},
      {"cos", "cos", &mx::cos},
      {"tan", "tan", &mx::tan},
      {"arcsin", "arcsin", &mx::arcsin},
      {"arccos", "arccos", &mx::arccos},
      {"arctan", "arctan", &mx::arctan},
      {"sinh", "sinh", &mx::sinh},
      {"cosh", "cosh", &mx::cosh},
      {"tanh", "tanh", &mx::tanh},
      {"arcsinh", "arcsinh", &mx::arcsinh},
      {"arccosh", "arccosh", &mx::arccosh},
      {"arctanh", "arctanh", &mx::arctanh},
      {"degrees", "degrees", &mx::degrees},
      {"radians", "radians", &mx::radians},
      {"floor", "floor", &mx::floor},
      {"ceil", "ceil", &mx::ceil},
      {"erf", "erf", &mx::erf},
      {"erfinv", "erfinv", &mx::erfinv},
      {"sigmoid", "sigmoid", &mx::sigmoid},
      {"isnan", "isnan", &mx::isnan},
      {"isinf", "isinf", &mx::isinf},
      {"isfinite", "isfinite", &mx::isfinite},
      {"isposinf", "isposinf", &mx::isposinf},
      {"isneginf", "isneginf", &mx::isneginf},
      {"logicalNot", "logical_not", &mx::logical_not},
      {"bitwiseInvert", "bitwise_invert", &mx::bitwise_invert},
      {"conjugate", "conjugate", &mx::conjugate},
      {"real", "real", &mx::real},
      {"imag", "imag", &mx::imag},
      {"stopGradient", "stop_gradient", &mx::stop_gradient},
  };
  for (const auto& e : entries) def_unary(env, exports, e.js, e.op, e.fn);

  // round(a, decimals, stream)
  def(env, exports, "round", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "round");
    int decimals = arg_int(info, 1, "round");
    return wrap(info.Env(), mx::round(a, decimals, arg_stream(info, 2)));
  });
}

} // namespace

MLX_TS_REGISTER(unary, init_unary);

} // namespace mlx_ts
