// Shared pieces of the N-API binding: array handles, argument
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
#include "array_table.h"

namespace mlx_ts {

namespace mx = mlx::core;

/**
 * Arrays cross into JS as numeric handles (array_table.h). `wrap` stores an
 * array and returns its handle; the SDK's MxArray owns it.
 */
Napi::Value wrap(Napi::Env env, mx::array a);
Napi::Value wrap_all(Napi::Env env, const std::vector<mx::array>& arrays);
/**
 * The array behind a JS value: a live handle gives its array; a released one
 * throws "[op] The array was disposed..."; anything else gives nullptr.
 */
mx::array* find_array(Napi::Env env, const Napi::Value& v, const char* op);
/** Releases a handle (dispose or GC); a stale handle is ignored. */
void release_array(Napi::Env env, double handle);

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
