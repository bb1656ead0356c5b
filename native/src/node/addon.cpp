// Addon entry: runs every family's registration.
#include "binding.h"

namespace mlx_ts {

Napi::Object init(Napi::Env env, Napi::Object exports) {
  for (auto& [family, fn] : registry()) fn(env, exports);
  return exports;
}

} // namespace mlx_ts

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  return mlx_ts::init(env, exports);
}

NODE_API_MODULE(mlx_ts_addon, InitAddon)
