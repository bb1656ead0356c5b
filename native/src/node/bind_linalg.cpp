// Bindings of the linalg family.
#include "binding.h"

namespace mlx_ts {

namespace {

void init_linalg(Napi::Env env, Napi::Object exports) {
  // matmul(a, b, stream)
  def(env, exports, "matmul", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "matmul");
    auto b = arg_array(info, 1, "matmul");
    return wrap(info.Env(), mx::matmul(a, b, arg_stream(info, 2)));
  });
  // addmm(c, a, b, alpha, beta, stream)
  def(env, exports, "addmm", [](const Napi::CallbackInfo& info) {
    auto c = arg_array(info, 0, "addmm");
    auto a = arg_array(info, 1, "addmm");
    auto b = arg_array(info, 2, "addmm");
    float alpha = static_cast<float>(arg_double(info, 3, "addmm"));
    float beta = static_cast<float>(arg_double(info, 4, "addmm"));
    return wrap(info.Env(), mx::addmm(c, a, b, alpha, beta, arg_stream(info, 5)));
  });
}

} // namespace

MLX_TS_REGISTER(linalg, init_linalg);

} // namespace mlx_ts
