// Bindings of the reduce family.
#include "binding.h"

namespace mlx_ts {

namespace {

using Axes = std::optional<std::vector<int>>;

// (a, axis | axes | null, keepdims, stream): null reduces every axis.
template <typename F>
Callback axes_op(const char* op, F f) {
  return [op, f](const Napi::CallbackInfo& info) -> Napi::Value {
    auto a = arg_array(info, 0, op);
    Axes axes = arg_optional_ints(info, 1, op);
    bool keepdims = arg_bool(info, 2, op);
    return wrap(info.Env(), f(a, axes, keepdims, arg_stream(info, 3)));
  };
}

// (a, axes, keepdims, ddof, stream)
template <typename F>
Callback var_op(const char* op, F f) {
  return [op, f](const Napi::CallbackInfo& info) -> Napi::Value {
    auto a = arg_array(info, 0, op);
    Axes axes = arg_optional_ints(info, 1, op);
    bool keepdims = arg_bool(info, 2, op);
    int ddof = arg_optional_int(info, 3, op).value_or(0);
    return wrap(info.Env(), f(a, axes, keepdims, ddof, arg_stream(info, 4)));
  };
}

// (a, axis | null, keepdims, stream)
template <typename F>
Callback arg_op(const char* op, F f) {
  return [op, f](const Napi::CallbackInfo& info) -> Napi::Value {
    auto a = arg_array(info, 0, op);
    auto axis = arg_optional_int(info, 1, op);
    bool keepdims = arg_bool(info, 2, op);
    return wrap(info.Env(), f(a, axis, keepdims, arg_stream(info, 3)));
  };
}

#define MLX_TS_AXES_LAMBDA(fn)                                                          \
  [](const mx::array& a, const Axes& axes, bool keepdims, mx::StreamOrDevice s) {       \
    return axes ? mx::fn(a, *axes, keepdims, s) : mx::fn(a, keepdims, s);               \
  }

void init_reduce(Napi::Env env, Napi::Object exports) {
  def(env, exports, "sum", axes_op("sum", MLX_TS_AXES_LAMBDA(sum)));
  def(env, exports, "prod", axes_op("prod", MLX_TS_AXES_LAMBDA(prod)));
  def(env, exports, "max", axes_op("max", MLX_TS_AXES_LAMBDA(max)));
  def(env, exports, "min", axes_op("min", MLX_TS_AXES_LAMBDA(min)));
  def(env, exports, "mean", axes_op("mean", MLX_TS_AXES_LAMBDA(mean)));
  def(env, exports, "all", axes_op("all", MLX_TS_AXES_LAMBDA(all)));
  def(env, exports, "any", axes_op("any", MLX_TS_AXES_LAMBDA(any)));
  def(env, exports, "logsumexp", axes_op("logsumexp", MLX_TS_AXES_LAMBDA(logsumexp)));
  def(env, exports, "var",
      var_op("var", [](const mx::array& a, const Axes& axes, bool keepdims, int ddof,
                       mx::StreamOrDevice s) {
        return axes ? mx::var(a, *axes, keepdims, ddof, s) : mx::var(a, keepdims, ddof, s);
      }));
  def(env, exports, "std",
      var_op("std", [](const mx::array& a, const Axes& axes, bool keepdims, int ddof,
                       mx::StreamOrDevice s) {
        return axes ? mx::std(a, *axes, keepdims, ddof, s) : mx::std(a, keepdims, ddof, s);
      }));
  def(env, exports, "argmax",
      arg_op("argmax", [](const mx::array& a, std::optional<int> axis, bool keepdims,
                          mx::StreamOrDevice s) {
        return axis ? mx::argmax(a, *axis, keepdims, s) : mx::argmax(a, keepdims, s);
      }));
  def(env, exports, "argmin",
      arg_op("argmin", [](const mx::array& a, std::optional<int> axis, bool keepdims,
                          mx::StreamOrDevice s) {
        return axis ? mx::argmin(a, *axis, keepdims, s) : mx::argmin(a, keepdims, s);
      }));
}

#undef MLX_TS_AXES_LAMBDA

} // namespace

MLX_TS_REGISTER(reduce, init_reduce);

} // namespace mlx_ts
