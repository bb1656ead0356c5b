// Bindings of mlx-ts extensions: converts between the JS array handles of the
// mlx-ts addon and mx::array, in another addon (see docs/extensions.md).
//
// An extension addon links the same runtime library (libmlxts) as the mlx-ts
// addon, so an mx::array is the same object on both sides; only the JS handle
// class (NativeArray) lives in the mlx-ts addon. That addon hands out a table
// of C entry points (`extensionApi()`), and the SDK's `loadExtension()` passes
// it to the extension's `__mlxTsInit` export, which MLX_TS_EXTENSION defines.
//
//   #include "mlx_ts/extension.h"
//   namespace ext = mlx_ts::ext;
//   MLX_TS_EXTENSION(exports) {
//     ext::def(exports, "axpby", [](const Napi::CallbackInfo& info) -> Napi::Value {
//       return ext::wrap(info.Env(), axpby(ext::arg_array(info, 0, "axpby"), ...));
//     });
//   }
#pragma once

#include <napi.h>

#include <cstdint>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <variant>

#include "mlx/mlx.h"

namespace mlx_ts::ext {

namespace mx = mlx::core;

/** Bumped when the table below changes incompatibly. */
constexpr uint32_t kAbiVersion = 1;

/** The table the mlx-ts addon exports. Functions never throw: they return
 * null and set *error (a static message) on failure. */
struct Api {
  uint32_t abi_version;
  uint32_t struct_size;
  /** The mlx-ts addon's environment (its NativeArray class lives there). */
  napi_env host_env;
  /** The array held by a NativeArray handle, copied into *out. */
  bool (*get_array)(napi_env host_env, napi_value value, mx::array* out, const char** error);
  /** A new NativeArray handle holding a copy of *a. */
  napi_value (*wrap_array)(napi_env host_env, const mx::array* a, const char** error);
};

namespace detail {
inline const Api*& api_slot() {
  static const Api* api = nullptr;
  return api;
}
[[noreturn]] inline void type_error(Napi::Env env, const char* op, const std::string& what) {
  throw Napi::TypeError::New(env, std::string("[") + op + "] " + what);
}
} // namespace detail

/** Installs the table (the value of the mlx-ts addon's extensionApi()). */
inline void init(const Napi::Value& table) {
  if (!table.IsExternal()) {
    throw Napi::TypeError::New(table.Env(), "[mlx-ts extension] Expected mlx-ts' extensionApi().");
  }
  auto* api = table.As<Napi::External<Api>>().Data();
  if (api == nullptr || api->abi_version != kAbiVersion || api->struct_size < sizeof(Api)) {
    throw Napi::Error::New(table.Env(),
                           "[mlx-ts extension] This extension was built against another "
                           "version of mlx-ts: rebuild it.");
  }
  detail::api_slot() = api;
}

inline const Api& api(Napi::Env env) {
  auto* a = detail::api_slot();
  if (a == nullptr) {
    throw Napi::Error::New(env, "[mlx-ts extension] Not initialised: load it with mlx-ts' loadExtension().");
  }
  return *a;
}

/** The array of a NativeArray handle (argument conversion for bindings). */
inline mx::array to_array(const Napi::Value& v, const char* op) {
  const Api& a = api(v.Env());
  mx::array out(0.0f);
  const char* error = nullptr;
  if (!a.get_array(a.host_env, v, &out, &error)) detail::type_error(v.Env(), op, error);
  return out;
}

inline mx::array arg_array(const Napi::CallbackInfo& info, size_t i, const char* op) {
  const Api& a = api(info.Env());
  mx::array out(0.0f);
  const char* error = nullptr;
  if (!a.get_array(a.host_env, info[i], &out, &error)) {
    std::ostringstream msg;
    msg << "Argument " << i + 1 << ": " << error;
    detail::type_error(info.Env(), op, msg.str());
  }
  return out;
}

/** A new NativeArray handle on `arr` (wrap it in TS with `new MxArray(handle)`). */
inline Napi::Value wrap(Napi::Env env, const mx::array& arr) {
  const Api& a = api(env);
  const char* error = nullptr;
  napi_value v = a.wrap_array(a.host_env, &arr, &error);
  if (v == nullptr) throw Napi::Error::New(env, std::string("[mlx-ts extension] ") + error);
  return Napi::Value(env, v);
}

inline double arg_double(const Napi::CallbackInfo& info, size_t i, const char* op) {
  if (!info[i].IsNumber()) {
    std::ostringstream msg;
    msg << "Expected a number as argument " << i + 1 << ".";
    detail::type_error(info.Env(), op, msg.str());
  }
  return info[i].As<Napi::Number>().DoubleValue();
}

/** undefined/null: the default; {type, index}: a device; {stream, type, index}: a stream
 * (what the SDK's toNativeStream makes of mx.cpu, mx.gpu or a Stream). */
inline mx::StreamOrDevice arg_stream(const Napi::CallbackInfo& info, size_t i) {
  auto v = info[i];
  if (v.IsUndefined() || v.IsNull()) return std::monostate{};
  if (!v.IsObject()) detail::type_error(info.Env(), "stream", "Expected a stream or device.");
  auto obj = v.As<Napi::Object>();
  std::string type = obj.Get("type").As<Napi::String>().Utf8Value();
  int index = obj.Get("index").As<Napi::Number>().Int32Value();
  mx::Device d(type == "gpu" ? mx::Device::gpu : mx::Device::cpu, index);
  if (obj.Has("stream")) return mx::Stream(obj.Get("stream").As<Napi::Number>().Int32Value(), d);
  return d;
}

/** Exports `name`, turning C++ exceptions into JS Errors. */
inline void def(Napi::Object exports, const char* name,
                std::function<Napi::Value(const Napi::CallbackInfo&)> fn) {
  exports.Set(name, Napi::Function::New(
                        exports.Env(),
                        [fn = std::move(fn)](const Napi::CallbackInfo& info) -> Napi::Value {
                          try {
                            return fn(info);
                          } catch (const Napi::Error&) {
                            throw;
                          } catch (const std::exception& e) {
                            throw Napi::Error::New(info.Env(), e.what());
                          }
                        },
                        name));
}

/** Adds the `__mlxTsInit(table)` export that loadExtension() calls. */
inline void add_init_export(Napi::Object exports) {
  exports.Set("__mlxTsInit", Napi::Function::New(exports.Env(), [](const Napi::CallbackInfo& info) {
                init(info[0]);
                return info.Env().Undefined();
              }));
}

} // namespace mlx_ts::ext

/** Defines the addon's entry: MLX_TS_EXTENSION(exports) { ...ext::def(exports, ...)... } */
#define MLX_TS_EXTENSION(EXPORTS)                                                  \
  static void mlx_ts_ext_register(Napi::Object EXPORTS);                          \
  static Napi::Object mlx_ts_ext_entry(Napi::Env, Napi::Object exports) {         \
    ::mlx_ts::ext::add_init_export(exports);                                       \
    mlx_ts_ext_register(exports);                                                  \
    return exports;                                                                \
  }                                                                                \
  NODE_API_MODULE(mlx_ts_extension, mlx_ts_ext_entry)                          \
  static void mlx_ts_ext_register(Napi::Object EXPORTS)
