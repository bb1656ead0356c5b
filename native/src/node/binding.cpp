#include "binding.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace mlx_ts {

namespace {

// Per environment (a worker thread has its own): the array handles.
struct AddonData {
  ArrayTable arrays;
};

// Each environment lives on one thread: the last one looked up is remembered
// there, sparing the instance-data call on every argument.
thread_local napi_env t_env = nullptr;
thread_local AddonData* t_data = nullptr;

AddonData& addon_data(Napi::Env env) {
  if (t_env == static_cast<napi_env>(env)) return *t_data;
  auto* data = env.GetInstanceData<AddonData>();
  if (!data) {
    data = new AddonData();
    env.SetInstanceData<AddonData>(data);
  }
  t_env = env;
  t_data = data;
  return *data;
}

[[noreturn]] void type_error(Napi::Env env, const char* op, const std::string& what) {
  std::ostringstream msg;
  msg << "[" << op << "] " << what;
  throw Napi::TypeError::New(env, msg.str());
}

const char* js_type(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "boolean";
    case napi_number: return "number";
    case napi_string: return "string";
    case napi_symbol: return "symbol";
    case napi_object: return v.IsArray() ? "Array" : "object";
    case napi_function: return "function";
    case napi_external: return "external";
    case napi_bigint: return "bigint";
  }
  return "value";
}

bool is_nullish(const Napi::Value& v) { return v.IsUndefined() || v.IsNull(); }

} // namespace

std::vector<std::pair<const char*, InitFn>>& registry() {
  static std::vector<std::pair<const char*, InitFn>> r;
  return r;
}

Registrar::Registrar(const char* family, InitFn fn) { registry().emplace_back(family, fn); }

// ---- array handles ----

Napi::Value wrap(Napi::Env env, mx::array a) {
  // V8 is told about host memory so that the GC collects forgotten arrays.
  // Results of GPU ops live in device memory: reporting all of it would start a
  // V8 collection after every large GPU op (~0.3 ms each for 1 GiB outputs), so
  // a 256th is reported: forgotten device arrays still bring a collection, about
  // every 16 GiB of them (a 64th measurably slowed mx.grad of grid_sample).
  bool on_gpu = a.has_primitive() && a.primitive().device() == mx::Device::gpu;
  int64_t bytes = static_cast<int64_t>(a.nbytes()) / (on_gpu ? 256 : 1);
  double h = addon_data(env).arrays.add(std::move(a), bytes);
  if (bytes > 0) Napi::MemoryManagement::AdjustExternalMemory(env, bytes);
  return Napi::Number::New(env, h);
}

Napi::Value wrap_all(Napi::Env env, const std::vector<mx::array>& arrays) {
  auto out = Napi::Array::New(env, arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i) out.Set(i, wrap(env, arrays[i]));
  return out;
}

mx::array* find_array(Napi::Env env, const Napi::Value& v, const char* op) {
  if (!v.IsNumber()) return nullptr;
  double h = v.As<Napi::Number>().DoubleValue();
  if (mx::array* a = addon_data(env).arrays.find(h)) return a;
  if (ArrayTable::well_formed(h)) type_error(env, op, "The array was disposed and can no longer be used.");
  return nullptr;
}

void release_array(Napi::Env env, double handle) {
  int64_t bytes = addon_data(env).arrays.release(handle);
  if (bytes > 0) Napi::MemoryManagement::AdjustExternalMemory(env, -bytes);
}

namespace {

mx::array& handle_arg(const Napi::CallbackInfo& info, const char* op) {
  if (mx::array* a = find_array(info.Env(), info[0], op)) return *a;
  type_error(info.Env(), op, std::string("Expected an array handle, got ") + js_type(info[0]) + ".");
}

// Evaluates and copies the values out, row-major, as an ArrayBuffer.
Napi::Value to_buffer(const Napi::CallbackInfo& info) {
  auto a = handle_arg(info, "toBuffer");
  a.eval();
  a.ensure_host();
  auto c = mx::ensure_row_contiguous_cpu(a);
  auto buf = Napi::ArrayBuffer::New(info.Env(), c.nbytes());
  if (c.nbytes() > 0) std::memcpy(buf.Data(), c.data<char>(), c.nbytes());
  return buf;
}

Napi::Value int_array(Napi::Env env, const std::vector<double>& v) {
  auto out = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) out.Set(static_cast<uint32_t>(i), Napi::Number::New(env, v[i]));
  return out;
}

// What an MxArray asks of its handle.
void init_array_handles(Napi::Env env, Napi::Object exports) {
  def(env, exports, "arrayShape", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto& a = handle_arg(info, "shape");
    return int_array(info.Env(), std::vector<double>(a.shape().begin(), a.shape().end()));
  });
  // arrayShapeInto(handle, scratch: Int32Array) -> ndim, the dimensions written
  // into scratch (-1 when it is too short): the SDK reads them into a JS array
  // itself, cheaper than an element-by-element N-API array.
  def(env, exports, "arrayShapeInto", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto& a = handle_arg(info, "shape");
    if (!info[1].IsTypedArray()) type_error(info.Env(), "shape", "Expected an Int32Array scratch buffer.");
    auto scratch = info[1].As<Napi::Int32Array>();
    if (scratch.ElementLength() < a.ndim()) return Napi::Number::New(info.Env(), -1);
    std::copy(a.shape().begin(), a.shape().end(), scratch.Data());
    return Napi::Number::New(info.Env(), static_cast<double>(a.ndim()));
  });
  def(env, exports, "arrayStrides", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto& a = handle_arg(info, "strides");
    std::vector<double> st;
    for (auto s : a.strides()) st.push_back(static_cast<double>(s));
    return int_array(info.Env(), st);
  });
  def(env, exports, "arrayDtype", [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<int>(handle_arg(info, "dtype").dtype().val()));
  });
  def(env, exports, "arraySize", [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<double>(handle_arg(info, "size").size()));
  });
  def(env, exports, "arrayNdim", [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<double>(handle_arg(info, "ndim").ndim()));
  });
  def(env, exports, "arrayId", [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<double>(handle_arg(info, "id").id()));
  });
  def(env, exports, "arrayAvailable", [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Boolean::New(info.Env(), handle_arg(info, "available").is_available());
  });
  def(env, exports, "arrayDisposed", [](const Napi::CallbackInfo& info) -> Napi::Value {
    double h = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 0;
    return Napi::Boolean::New(info.Env(), addon_data(info.Env()).arrays.find(h) == nullptr);
  });
  // dtype + 64·ndim: what a kernel call's signature needs, in one call (both are fixed for a handle).
  def(env, exports, "arrayMeta", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto& a = handle_arg(info, "meta");
    return Napi::Number::New(info.Env(), static_cast<int>(a.dtype().val()) + 64.0 * static_cast<double>(a.ndim()));
  });
  def(env, exports, "arrayToBuffer", to_buffer);
  // dispose() and the FinalizationRegistry; a released or unknown handle is a no-op.
  def(env, exports, "arrayRelease", [](const Napi::CallbackInfo& info) -> Napi::Value {
    if (info[0].IsNumber()) release_array(info.Env(), info[0].As<Napi::Number>().DoubleValue());
    return info.Env().Undefined();
  });
  // Handles alive in this environment (leak checks in the tests).
  def(env, exports, "liveArrays", [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Number::New(info.Env(), static_cast<double>(addon_data(info.Env()).arrays.live()));
  });
}

} // namespace

MLX_TS_REGISTER(array_handles, init_array_handles);

// ---- arguments ----

mx::array arg_array(const Napi::CallbackInfo& info, size_t i, const char* op) {
  auto v = info[i];
  if (mx::array* a = find_array(info.Env(), v, op)) return *a;
  std::ostringstream msg;
  msg << "Expected an array as argument " << i + 1 << ", got " << js_type(v) << ".";
  type_error(info.Env(), op, msg.str());
}

std::vector<mx::array> arg_arrays(const Napi::CallbackInfo& info, size_t i, const char* op) {
  auto v = info[i];
  if (!v.IsArray()) {
    std::ostringstream msg;
    msg << "Expected a list of arrays as argument " << i + 1 << ", got " << js_type(v) << ".";
    type_error(info.Env(), op, msg.str());
  }
  auto list = v.As<Napi::Array>();
  std::vector<mx::array> out;
  uint32_t n = list.Length();
  out.reserve(n);
  for (uint32_t k = 0; k < n; ++k) {
    Napi::Value e = list.Get(k);
    mx::array* a = find_array(info.Env(), e, op);
    if (!a) {
      std::ostringstream msg;
      msg << "Expected a list of arrays, element " << k << " is " << js_type(e) << ".";
      type_error(info.Env(), op, msg.str());
    }
    out.push_back(*a);
  }
  return out;
}

std::optional<mx::array> arg_optional_array(const Napi::CallbackInfo& info, size_t i,
                                            const char* op) {
  if (is_nullish(info[i])) return std::nullopt;
  return arg_array(info, i, op);
}

namespace {
int to_int(Napi::Env env, const Napi::Value& v, const char* op, const char* what) {
  if (!v.IsNumber()) {
    std::ostringstream msg;
    msg << "Expected an integer " << what << ", got " << js_type(v) << ".";
    type_error(env, op, msg.str());
  }
  double d = v.As<Napi::Number>().DoubleValue();
  if (d != static_cast<double>(static_cast<int64_t>(d)) || d > 2147483647.0 ||
      d < -2147483648.0) {
    std::ostringstream msg;
    msg << "Expected an integer " << what << ", got " << d << ".";
    type_error(env, op, msg.str());
  }
  return static_cast<int>(d);
}
} // namespace

std::vector<int> arg_ints(const Napi::CallbackInfo& info, size_t i, const char* op) {
  auto v = info[i];
  if (v.IsNumber()) return {to_int(info.Env(), v, op, "value")};
  if (!v.IsArray()) {
    std::ostringstream msg;
    msg << "Expected a list of integers as argument " << i + 1 << ", got " << js_type(v)
        << ".";
    type_error(info.Env(), op, msg.str());
  }
  auto list = v.As<Napi::Array>();
  std::vector<int> out;
  for (uint32_t k = 0; k < list.Length(); ++k) {
    out.push_back(to_int(info.Env(), list.Get(k), op, "in the list"));
  }
  return out;
}

mx::Shape arg_shape(const Napi::CallbackInfo& info, size_t i, const char* op) {
  auto ints = arg_ints(info, i, op);
  return mx::Shape(ints.begin(), ints.end());
}

std::optional<std::vector<int>> arg_optional_ints(const Napi::CallbackInfo& info, size_t i,
                                                  const char* op) {
  if (is_nullish(info[i])) return std::nullopt;
  return arg_ints(info, i, op);
}

int arg_int(const Napi::CallbackInfo& info, size_t i, const char* op) {
  return to_int(info.Env(), info[i], op, "argument");
}

std::optional<int> arg_optional_int(const Napi::CallbackInfo& info, size_t i, const char* op) {
  if (is_nullish(info[i])) return std::nullopt;
  return arg_int(info, i, op);
}

double arg_double(const Napi::CallbackInfo& info, size_t i, const char* op) {
  auto v = info[i];
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? 1.0 : 0.0;
  if (!v.IsNumber()) {
    std::ostringstream msg;
    msg << "Expected a number as argument " << i + 1 << ", got " << js_type(v) << ".";
    type_error(info.Env(), op, msg.str());
  }
  return v.As<Napi::Number>().DoubleValue();
}

bool arg_bool(const Napi::CallbackInfo& info, size_t i, const char* op, bool fallback) {
  auto v = info[i];
  if (is_nullish(v)) return fallback;
  if (!v.IsBoolean()) {
    std::ostringstream msg;
    msg << "Expected a boolean as argument " << i + 1 << ", got " << js_type(v) << ".";
    type_error(info.Env(), op, msg.str());
  }
  return v.As<Napi::Boolean>().Value();
}

mx::Dtype arg_dtype(const Napi::CallbackInfo& info, size_t i, const char* op) {
  int v = to_int(info.Env(), info[i], op, "dtype");
  if (v < 0 || v >= mx::num_dtypes) {
    std::ostringstream msg;
    msg << "Unknown dtype code " << v << ".";
    type_error(info.Env(), op, msg.str());
  }
  return mx::dtype_from_val(static_cast<mx::Dtype::Val>(v));
}

mx::Device to_device(const Napi::Value& v) {
  auto obj = v.As<Napi::Object>();
  std::string type = obj.Get("type").As<Napi::String>().Utf8Value();
  int index = obj.Get("index").As<Napi::Number>().Int32Value();
  return mx::Device(type == "gpu" ? mx::Device::gpu : mx::Device::cpu, index);
}

mx::StreamOrDevice arg_stream(const Napi::CallbackInfo& info, size_t i) {
  auto v = info[i];
  if (is_nullish(v)) return std::monostate{};
  if (v.IsNumber()) {
    // 1 + type + 2·device index (+ 64·(stream index + 1)): see NativeStreamArg in sdk/native.ts.
    int64_t code = v.As<Napi::Number>().Int64Value() - 1;
    if (code < 0) type_error(info.Env(), "stream", "Expected a stream or device code, got " + std::to_string(code + 1) + ".");
    mx::Device d((code & 1) ? mx::Device::gpu : mx::Device::cpu, static_cast<int>((code >> 1) & 31));
    int64_t stream = (code >> 6) - 1;
    if (stream >= 0) return mx::Stream(static_cast<int>(stream), d);
    return d;
  }
  if (!v.IsObject()) {
    std::ostringstream msg;
    msg << "Expected a stream or device, got " << js_type(v) << ".";
    type_error(info.Env(), "stream", msg.str());
  }
  auto obj = v.As<Napi::Object>();
  if (obj.Has("stream")) {
    int index = obj.Get("stream").As<Napi::Number>().Int32Value();
    return mx::Stream(index, to_device(obj));
  }
  return to_device(obj);
}

Napi::Value from_device(Napi::Env env, const mx::Device& d) {
  auto obj = Napi::Object::New(env);
  obj.Set("type", d.type == mx::Device::gpu ? "gpu" : "cpu");
  obj.Set("index", d.index);
  return obj;
}

Napi::Value from_stream(Napi::Env env, const mx::Stream& s) {
  auto obj = from_device(env, s.device).As<Napi::Object>();
  obj.Set("stream", s.index);
  return obj;
}

void def(Napi::Env env, Napi::Object exports, const char* name, Callback fn) {
  exports.Set(name, Napi::Function::New(
                        env,
                        [fn = std::move(fn)](const Napi::CallbackInfo& info) -> Napi::Value {
                          try {
                            return fn(info);
                          } catch (const Napi::Error&) {
                            throw;
                          } catch (const std::exception& e) {
                            throw Napi::Error::New(info.Env(), e.what());
                          } catch (...) {
                            throw Napi::Error::New(info.Env(), "[mlx] Unknown native error.");
                          }
                        },
                        name));
}

} // namespace mlx_ts
