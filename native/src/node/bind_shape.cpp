// Bindings of the shape family.
#include "binding.h"

namespace mlx_ts {

namespace {

void init_shape(Napi::Env env, Napi::Object exports) {
  // asStrided(a, shape, strides, offset, stream)
  def(env, exports, "asStrided", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "as_strided");
    auto shape = arg_shape(info, 1, "as_strided");
    auto st = arg_ints(info, 2, "as_strided");
    mx::Strides strides(st.begin(), st.end());
    int offset = arg_int(info, 3, "as_strided");
    if (offset < 0) throw Napi::Error::New(info.Env(), "[as_strided] The offset must be non-negative.");
    return wrap(info.Env(), mx::as_strided(a, shape, strides, offset, arg_stream(info, 4)));
  });
}

} // namespace

MLX_TS_REGISTER(shape, init_shape);

} // namespace mlx_ts
