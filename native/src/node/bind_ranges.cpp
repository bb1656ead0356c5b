// Bindings of the ranges family.
#include "binding.h"
#include "mlx/ops/ranges.h"

namespace mlx_ts {

namespace {

void init_ranges(Napi::Env env, Napi::Object exports) {
  // arange(start, stop, step, dtype, stream): the SDK resolves the overloads
  // and the default dtype.
  def(env, exports, "arange", [](const Napi::CallbackInfo& info) {
    return wrap(info.Env(),
                mx::arange(arg_double(info, 0, "arange"), arg_double(info, 1, "arange"),
                           arg_double(info, 2, "arange"), arg_dtype(info, 3, "arange"),
                           arg_stream(info, 4)));
  });
  // linspace(start, stop, num, endpoint, dtype, stream)
  def(env, exports, "linspace", [](const Napi::CallbackInfo& info) {
    return wrap(info.Env(),
                mx::linspace(arg_double(info, 0, "linspace"), arg_double(info, 1, "linspace"),
                             arg_int(info, 2, "linspace"), arg_bool(info, 3, "linspace", true),
                             arg_dtype(info, 4, "linspace"), arg_stream(info, 5)));
  });
  // eye(n, m, k, dtype, stream)
  def(env, exports, "eye", [](const Napi::CallbackInfo& info) {
    return wrap(info.Env(), mx::eye(arg_int(info, 0, "eye"), arg_int(info, 1, "eye"),
                                    arg_int(info, 2, "eye"), arg_dtype(info, 3, "eye"),
                                    arg_stream(info, 4)));
  });
  // identity(n, dtype, stream)
  def(env, exports, "identity", [](const Napi::CallbackInfo& info) {
    return wrap(info.Env(), mx::identity(arg_int(info, 0, "identity"),
                                         arg_dtype(info, 1, "identity"), arg_stream(info, 2)));
  });
  // tri(n, m, k, dtype, stream)
  def(env, exports, "tri", [](const Napi::CallbackInfo& info) {
    return wrap(info.Env(), mx::tri(arg_int(info, 0, "tri"), arg_int(info, 1, "tri"),
                                    arg_int(info, 2, "tri"), arg_dtype(info, 3, "tri"),
                                    arg_stream(info, 4)));
  });
  def(env, exports, "tril", [](const Napi::CallbackInfo& info) {
    return wrap(info.Env(), mx::tril(arg_array(info, 0, "tril"), arg_int(info, 1, "tril"),
                                     arg_stream(info, 2)));
  });
  def(env, exports, "triu", [](const Napi::CallbackInfo& info) {
    return wrap(info.Env(), mx::triu(arg_array(info, 0, "triu"), arg_int(info, 1, "triu"),
                                     arg_stream(info, 2)));
  });
  def(env, exports, "view", [](const Napi::CallbackInfo& info) {
    return wrap(info.Env(), mx::view(arg_array(info, 0, "view"), arg_dtype(info, 1, "view"),
                                     arg_stream(info, 2)));
  });
}

} // namespace

MLX_TS_REGISTER(ranges, init_ranges);

} // namespace mlx_ts
