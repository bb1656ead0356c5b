// The table that extension addons use to convert between NativeArray handles
// and mx::array (native/include/mlx_ts/extension.h). Extensions have their own
// napi_env, so the table carries this addon's env and the entry points use it.
#include "binding.h"
#include "mlx_ts/extension.h"

namespace mlx_ts {

namespace {

bool ext_get_array(napi_env host_env, napi_value value, mx::array* out, const char** error) {
  try {
    Napi::Env env(host_env);
    Napi::Value v(env, value);
    if (mx::array* a = find_array(env, v, "extension")) {
      *out = *a;
      return true;
    }
    *error = "Expected an mlx-ts array handle (MxArray._native).";
  } catch (const Napi::Error&) {
    *error = "The array was disposed and can no longer be used.";
  } catch (...) {
    *error = "Expected an mlx-ts array handle (MxArray._native).";
  }
  return false;
}

napi_value ext_wrap_array(napi_env host_env, const mx::array* a, const char** error) {
  try {
    return wrap(Napi::Env(host_env), *a);
  } catch (...) {
    *error = "Could not make an array handle.";
    return nullptr;
  }
}

void init_extension(Napi::Env env, Napi::Object exports) {
  def(env, exports, "extensionApi", [](const Napi::CallbackInfo& info) -> Napi::Value {
    // One table per environment, kept for the life of the process (extensions hold it).
    auto* api = new ext::Api{ext::kAbiVersion, sizeof(ext::Api), info.Env(), &ext_get_array,
                             &ext_wrap_array};
    return Napi::External<ext::Api>::New(info.Env(), api);
  });
}

} // namespace

MLX_TS_REGISTER(extension, init_extension);

} // namespace mlx_ts
