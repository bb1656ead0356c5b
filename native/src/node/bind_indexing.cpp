// Bindings of the indexing family.
#include "binding.h"

#include <sstream>

namespace mlx_ts {

namespace {

void init_indexing(Napi::Env env, Napi::Object exports) {
  // take(a, indices: array | {index: integer}, axis?: integer | null, stream)
  def(env, exports, "take", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "take");
    auto axis = arg_optional_int(info, 2, "take");
    auto s = arg_stream(info, 3);
    if (info[1].IsObject()) {
      Napi::Value v = info[1].As<Napi::Object>().Get("index");
      double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : 0.5;
      if (d != static_cast<double>(static_cast<int>(d))) {
        std::ostringstream msg;
        msg << "[take] Expected an integer argument, got " << d << ".";
        throw Napi::TypeError::New(info.Env(), msg.str());
      }
      int index = static_cast<int>(d);
      return wrap(info.Env(), axis ? mx::take(a, index, *axis, s) : mx::take(a, index, s));
    }
    auto indices = arg_array(info, 1, "take");
    return wrap(info.Env(), axis ? mx::take(a, indices, *axis, s) : mx::take(a, indices, s));
  });
  // takeAlongAxis(a, indices, axis?: integer | null, stream)
  def(env, exports, "takeAlongAxis", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "take_along_axis");
    auto indices = arg_array(info, 1, "take_along_axis");
    auto axis = arg_optional_int(info, 2, "take_along_axis");
    auto s = arg_stream(info, 3);
    return wrap(info.Env(), axis ? mx::take_along_axis(a, indices, *axis, s)
                                 : mx::take_along_axis(a, indices, s));
  });
}

} // namespace

MLX_TS_REGISTER(indexing, init_indexing);

} // namespace mlx_ts
