#include "binding.h"

#include <cstring>
#include <sstream>

namespace mlx_ts {

namespace {

struct AddonData {
  Napi::FunctionReference array_ctor;
};

AddonData& addon_data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

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

// ---- JsArray ----

Napi::Function JsArray::define_class(Napi::Env env) {
  auto cls = DefineClass(
      env, "NativeArray",
      {InstanceAccessor<&JsArray::shape>("shape"),
       InstanceAccessor<&JsArray::strides>("strides"),
       InstanceAccessor<&JsArray::dtype>("dtype"),
       InstanceAccessor<&JsArray::size>("size"),
       InstanceAccessor<&JsArray::ndim>("ndim"),
       InstanceAccessor<&JsArray::id>("id"),
       InstanceAccessor<&JsArray::disposed>("disposed"),
       InstanceAccessor<&JsArray::available>("available"),
       InstanceMethod<&JsArray::dispose>("dispose"),
       InstanceMethod<&JsArray::to_buffer>("toBuffer")});
  auto* data = new AddonData();
  data->array_ctor = Napi::Persistent(cls);
  env.SetInstanceData<AddonData>(data);
  return cls;
}

JsArray::JsArray(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<JsArray>(info), env_(info.Env()) {}

JsArray::~JsArray() { release(); }

void JsArray::release() {
  arr.reset();
  if (external_bytes_ != 0) {
    Napi::MemoryManagement::AdjustExternalMemory(env_, -external_bytes_);
    external_bytes_ = 0;
  }
}

void JsArray::hold(mx::array a) {
  release();
  // V8 is told about host memory so that the GC collects forgotten arrays.
  // Results of GPU ops live in device memory: reporting all of it would start a
  // V8 collection after every large GPU op (~0.3 ms each for 1 GiB outputs), so
  // a 256th is reported: forgotten device arrays still bring a collection, about
  // every 16 GiB of them (a 64th measurably slowed mx.grad of grid_sample).
  bool on_gpu = a.has_primitive() && a.primitive().device() == mx::Device::gpu;
  external_bytes_ = static_cast<int64_t>(a.nbytes()) / (on_gpu ? 256 : 1);
  arr = std::move(a);
  if (external_bytes_ > 0) Napi::MemoryManagement::AdjustExternalMemory(env_, external_bytes_);
}

mx::array& JsArray::get(const char* op) {
  if (!arr) type_error(Env(), op, "The array was disposed and can no longer be used.");
  return *arr;
}

Napi::Value JsArray::shape(const Napi::CallbackInfo& info) {
  auto& a = get("shape");
  auto out = Napi::Array::New(info.Env(), a.ndim());
  for (size_t i = 0; i < a.ndim(); ++i) out.Set(i, Napi::Number::New(info.Env(), a.shape()[i]));
  return out;
}

Napi::Value JsArray::strides(const Napi::CallbackInfo& info) {
  auto& a = get("strides");
  auto out = Napi::Array::New(info.Env(), a.ndim());
  for (size_t i = 0; i < a.ndim(); ++i) {
    out.Set(i, Napi::Number::New(info.Env(), static_cast<double>(a.strides()[i])));
  }
  return out;
}

Napi::Value JsArray::dtype(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<int>(get("dtype").dtype().val()));
}
Napi::Value JsArray::size(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(get("size").size()));
}
Napi::Value JsArray::ndim(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(get("ndim").ndim()));
}
Napi::Value JsArray::id(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(get("id").id()));
}
Napi::Value JsArray::disposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !arr.has_value());
}
Napi::Value JsArray::available(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), get("available").is_available());
}
Napi::Value JsArray::dispose(const Napi::CallbackInfo& info) {
  release();
  return info.Env().Undefined();
}

// Evaluates and copies the values out, row-major, as an ArrayBuffer.
Napi::Value JsArray::to_buffer(const Napi::CallbackInfo& info) {
  try {
    auto a = get("toBuffer");
    a.eval();
    a.ensure_host();
    auto c = mx::ensure_row_contiguous_cpu(a);
    auto buf = Napi::ArrayBuffer::New(info.Env(), c.nbytes());
    if (c.nbytes() > 0) std::memcpy(buf.Data(), c.data<char>(), c.nbytes());
    return buf;
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

Napi::Function array_constructor(Napi::Env env) { return addon_data(env).array_ctor.Value(); }

Napi::Value wrap(Napi::Env env, mx::array a) {
  auto obj = addon_data(env).array_ctor.New({});
  JsArray::Unwrap(obj)->hold(std::move(a));
  return obj;
}

Napi::Value wrap_all(Napi::Env env, const std::vector<mx::array>& arrays) {
  auto out = Napi::Array::New(env, arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i) out.Set(i, wrap(env, arrays[i]));
  return out;
}

// ---- arguments ----

mx::array arg_array(const Napi::CallbackInfo& info, size_t i, const char* op) {
  auto v = info[i];
  if (v.IsObject()) {
    auto obj = v.As<Napi::Object>();
    if (obj.InstanceOf(addon_data(info.Env()).array_ctor.Value())) {
      return JsArray::Unwrap(obj)->get(op);
    }
  }
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
  auto ctor = addon_data(info.Env()).array_ctor.Value();
  for (uint32_t k = 0; k < list.Length(); ++k) {
    Napi::Value e = list.Get(k);
    if (!e.IsObject() || !e.As<Napi::Object>().InstanceOf(ctor)) {
      std::ostringstream msg;
      msg << "Expected a list of arrays, element " << k << " is " << js_type(e) << ".";
      type_error(info.Env(), op, msg.str());
    }
    out.push_back(JsArray::Unwrap(e.As<Napi::Object>())->get(op));
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
