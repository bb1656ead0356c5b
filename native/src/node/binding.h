// Shared pieces of the N-API binding: the wrapped array class, argument
// conversion, error translation and per-family registration. The binding only
// converts and calls: validation lives in the C++ ops.
#pragma once

#include <napi.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mlx/backend/cpu/copy.h"
#include "mlx/mlx.h"

namespace mlx_ts {

namespace mx = mlx::core;

/** A JS handle on an mx::array. Released by GC finalization or dispose(). */
class JsArray : public Napi::ObjectWrap<JsArray> {
 public:
  static Napi::Function define_class(Napi::Env env);
  explicit JsArray(const Napi::CallbackInfo& info);
  ~JsArray() override;

  /** The array; throws "[array] ... disposed" after dispose(). */
  mx::array& get(const char* op);
  /** Takes the array and tells V8 about its native bytes (so GC runs). */
  void hold(mx::array a);
  std::optional<mx::array> arr;

 private:
  Napi::Value shape(const Napi::CallbackInfo& info);
  Napi::Value strides(const Napi::CallbackInfo& info);
  Napi::Value dtype(const Napi::CallbackInfo& info);
  Napi::Value size(const Napi::CallbackInfo& info);
  Napi::Value ndim(const Napi::CallbackInfo& info);
  Napi::Value id(const Napi::CallbackInfo& info);
  Napi::Value dispose(const Napi::CallbackInfo& info);
  Napi::Value disposed(const Napi::CallbackInfo& info);
  Napi::Value available(const Napi::CallbackInfo& info);
  Napi::Value to_buffer(const Napi::CallbackInfo& info);
  void release();
  int64_t external_bytes_{0};
  Napi::Env env_;
};

/** The NativeArray class of this environment (for instanceof checks). */
Napi::Function array_constructor(Napi::Env env);

/** Wraps an array in a new JS handle. */
Napi::Value wrap(Napi::Env env, mx::array a);
Napi::Value wrap_all(Napi::Env env, const std::vector<mx::array>& arrays);

// ---- argument conversion; `op` names the calling op in error messages ----
mx::array arg_array(const Napi::CallbackInfo& info, size_t i, const char* op);
std::vector<mx::array> arg_arrays(const Napi::CallbackInfo& info, size_t i, const char* op);
std::optional<mx::array> arg_optional_array(const Napi::CallbackInfo& info, size_t i,
                                            const char* op);
mx::Shape arg_shape(const Napi::CallbackInfo& info, size_t i, const char* op);
std::vector<int> arg_ints(const Napi::CallbackInfo& info, size_t i, const char* op);
/** Axes: undefined/null gives nullopt ("all axes"). */
std::optional<std::vector<int>> arg_optional_ints(const Napi::CallbackInfo& info, size_t i,
                                                  const char* op);
int arg_int(const Napi::CallbackInfo& info, size_t i, const char* op);
std::optional<int> arg_optional_int(const Napi::CallbackInfo& info, size_t i, const char* op);
double arg_double(const Napi::CallbackInfo& info, size_t i, const char* op);
bool arg_bool(const Napi::CallbackInfo& info, size_t i, const char* op, bool fallback = false);
mx::Dtype arg_dtype(const Napi::CallbackInfo& info, size_t i, const char* op);
/** undefined/null: default; {type, index}: a device; {stream, type, index}: a stream. */
mx::StreamOrDevice arg_stream(const Napi::CallbackInfo& info, size_t i);
mx::Device to_device(const Napi::Value& v);
Napi::Value from_stream(Napi::Env env, const mx::Stream& s);
Napi::Value from_device(Napi::Env env, const mx::Device& d);

using Callback = std::function<Napi::Value(const Napi::CallbackInfo&)>;

/** Exports `name`, translating any C++ exception into a JS Error. */
void def(Napi::Env env, Napi::Object exports, const char* name, Callback fn);

/** Registers a family's init function; addon.cpp runs them all at load. */
using InitFn = void (*)(Napi::Env, Napi::Object);
struct Registrar {
  Registrar(const char* family, InitFn fn);
};
std::vector<std::pair<const char*, InitFn>>& registry();

} // namespace mlx_ts

#define MLX_TS_REGISTER(family, fn) \
  static ::mlx_ts::Registrar mlx_ts_registrar_##family(#family, fn)
