// Bindings of the function transforms. A JS function becomes a C++
// TransformFun that calls back into JS; transforms run synchronously on the
// JS thread, so the callback is always made on the thread that owns it.
#include "binding.h"

namespace mlx_ts {

namespace {

mx::TransformFun js_fun(Napi::Env env, Napi::Function fn, const char* op) {
  return [env, fn, op](const std::vector<mx::array>& inputs) {
    Napi::Value result = fn.Call({wrap_all(env, inputs)});
    if (!result.IsArray()) {
      std::string msg = std::string("[") + op +
                        "] The function must return a list of arrays (the SDK wraps single arrays).";
      throw Napi::TypeError::New(env, msg);
    }
    auto list = result.As<Napi::Array>();
    std::vector<mx::array> out;
    for (uint32_t k = 0; k < list.Length(); ++k) {
      Napi::Value v = list.Get(k);
      mx::array* a = find_array(env, v, op);
      if (!a) {
        std::string msg = std::string("[") + op + "] The function returned a non-array value at position " +
                          std::to_string(k) + ".";
        throw Napi::TypeError::New(env, msg);
      }
      out.push_back(*a);
    }
    return out;
  };
}

Napi::Value pair_result(Napi::Env env, const std::pair<std::vector<mx::array>, std::vector<mx::array>>& r) {
  auto out = Napi::Array::New(env, 2);
  out.Set(0u, wrap_all(env, r.first));
  out.Set(1u, wrap_all(env, r.second));
  return out;
}

Napi::Function arg_function(const Napi::CallbackInfo& info, size_t i, const char* op) {
  if (!info[i].IsFunction()) {
    std::string msg = std::string("[") + op + "] Expected a function as argument " + std::to_string(i + 1) + ".";
    throw Napi::TypeError::New(info.Env(), msg);
  }
  return info[i].As<Napi::Function>();
}

void init_transforms(Napi::Env env, Napi::Object exports) {
  // vjp(fn, primals, cotangents, argnums?) -> [outputs, vjps]
  def(env, exports, "vjp", [](const Napi::CallbackInfo& info) {
    auto fn = js_fun(info.Env(), arg_function(info, 0, "vjp"), "vjp");
    auto primals = arg_arrays(info, 1, "vjp");
    auto cotangents = arg_arrays(info, 2, "vjp");
    auto argnums = arg_optional_ints(info, 3, "vjp");
    if (argnums) return pair_result(info.Env(), mx::vjp(fn, primals, cotangents, *argnums));
    return pair_result(info.Env(), mx::vjp(fn, primals, cotangents));
  });
  // valueAndGrad(fn, primals, argnums) -> [outputs, grads]; fn returns [loss]
  def(env, exports, "valueAndGrad", [](const Napi::CallbackInfo& info) {
    auto fn = js_fun(info.Env(), arg_function(info, 0, "value_and_grad"), "value_and_grad");
    return pair_result(info.Env(), mx::value_and_grad(fn, arg_arrays(info, 1, "value_and_grad"),
                                                      arg_ints(info, 2, "value_and_grad")));
  });
  // jvp(fn, primals, tangents) -> [outputs, jvps]
  def(env, exports, "jvp", [](const Napi::CallbackInfo& info) {
    auto fn = js_fun(info.Env(), arg_function(info, 0, "jvp"), "jvp");
    return pair_result(info.Env(),
                       mx::jvp(fn, arg_arrays(info, 1, "jvp"), arg_arrays(info, 2, "jvp")));
  });
  // vmap(fn, inputs, inAxes, outAxes) -> outputs (fn applied, vectorized)
  def(env, exports, "vmap", [](const Napi::CallbackInfo& info) {
    auto fn = js_fun(info.Env(), arg_function(info, 0, "vmap"), "vmap");
    auto inputs = arg_arrays(info, 1, "vmap");
    auto in_axes = arg_ints(info, 2, "vmap");
    auto out_axes = arg_ints(info, 3, "vmap");
    return wrap_all(info.Env(), mx::vmap(fn, in_axes, out_axes)(inputs));
  });
}

} // namespace

MLX_TS_REGISTER(transforms, init_transforms);

} // namespace mlx_ts
