// Bindings of the runtime itself: array creation from JS data, evaluation,
// memory, devices and streams.
#include <cstring>
#include <unordered_map>

#include "binding.h"

namespace mlx_ts {

namespace {

// Resolves a promise when the arrays finish, waiting off the JS thread.
class EvalWorker : public Napi::AsyncWorker {
 public:
  EvalWorker(Napi::Env env, std::vector<mx::array> arrays)
      : Napi::AsyncWorker(env), arrays_(std::move(arrays)), deferred_(env) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      mx::wait_for(arrays_);
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    arrays_.clear();
    deferred_.Resolve(Env().Undefined());
  }
  void OnError(const Napi::Error& e) override {
    arrays_.clear();
    deferred_.Reject(e.Value());
  }

 private:
  std::vector<mx::array> arrays_;
  Napi::Promise::Deferred deferred_;
};

void init_core(Napi::Env env, Napi::Object exports) {
  // scalar(value, dtype): a 0-d array holding value cast to dtype, ready at
  // once (no graph node, so a GPU graph using it stays on one stream). Equal
  // scalars share one array, so its device copy is made once, not per call
  // (arrays are immutable, and the cache's reference keeps it from donation).
  def(env, exports, "scalar", [](const Napi::CallbackInfo& info) {
    if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "[array] Expected a number.");
    auto dtype = arg_dtype(info, 1, "array");
    double v = info[0].As<Napi::Number>().DoubleValue();
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof(bits));
    // Never destroyed: device memory must not be freed during static destruction.
    static auto* cache = new std::unordered_map<uint64_t, mx::array>[static_cast<int>(mx::Dtype::Val::complex64) + 1];
    auto& by_value = cache[static_cast<int>(dtype.val())];
    auto it = by_value.find(bits);
    if (it == by_value.end()) {
      if (by_value.size() >= 512) by_value.clear(); // a bound for programs sweeping many values
      it = by_value.emplace(bits, mx::array(v, dtype)).first;
    }
    return wrap(info.Env(), it->second);
  });

  // fromBuffer(typedArray, shape, dtype): copies the bytes into a new array.
  def(env, exports, "fromBuffer", [](const Napi::CallbackInfo& info) {
    if (!info[0].IsTypedArray()) {
      throw Napi::TypeError::New(info.Env(), "[array] Expected a TypedArray of values.");
    }
    auto ta = info[0].As<Napi::TypedArray>();
    auto shape = arg_shape(info, 1, "array");
    auto dtype = arg_dtype(info, 2, "array");
    size_t n = 1;
    for (auto d : shape) n *= d;
    size_t bytes = n * mx::size_of(dtype);
    if (ta.ByteLength() != bytes) {
      throw Napi::Error::New(info.Env(), "[array] Data size does not match the shape.");
    }
    auto buf = mx::allocator::malloc(std::max<size_t>(bytes, 1));
    if (bytes) {
      std::memcpy(buf.raw_ptr(),
                  static_cast<const char*>(ta.ArrayBuffer().Data()) + ta.ByteOffset(), bytes);
    }
    return wrap(info.Env(), mx::array(buf, shape, dtype));
  });

  // eval(handle | handles): one handle spares the list (the common mx.eval(x)).
  def(env, exports, "eval", [](const Napi::CallbackInfo& info) {
    if (info[0].IsNumber()) {
      mx::eval({arg_array(info, 0, "eval")});
      return info.Env().Undefined();
    }
    mx::eval(arg_arrays(info, 0, "eval"));
    return info.Env().Undefined();
  });
  def(env, exports, "asyncEval", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto arrays = arg_arrays(info, 0, "async_eval");
    mx::async_eval(arrays);
    auto* w = new EvalWorker(info.Env(), std::move(arrays));
    auto p = w->promise();
    w->Queue();
    return p;
  });

  // ---- memory ----
  auto num = [](Napi::Env env, size_t v) {
    return Napi::Number::New(env, static_cast<double>(v));
  };
  def(env, exports, "getActiveMemory", [num](const Napi::CallbackInfo& info) {
    return num(info.Env(), mx::get_active_memory());
  });
  def(env, exports, "getPeakMemory", [num](const Napi::CallbackInfo& info) {
    return num(info.Env(), mx::get_peak_memory());
  });
  def(env, exports, "getCacheMemory", [num](const Napi::CallbackInfo& info) {
    return num(info.Env(), mx::get_cache_memory());
  });
  def(env, exports, "getMemoryLimit", [num](const Napi::CallbackInfo& info) {
    return num(info.Env(), mx::get_memory_limit());
  });
  def(env, exports, "resetPeakMemory", [](const Napi::CallbackInfo& info) {
    mx::reset_peak_memory();
    return info.Env().Undefined();
  });
  def(env, exports, "clearCache", [](const Napi::CallbackInfo& info) {
    mx::clear_cache();
    return info.Env().Undefined();
  });
  def(env, exports, "setMemoryLimit", [num](const Napi::CallbackInfo& info) {
    return num(info.Env(), mx::set_memory_limit(static_cast<size_t>(arg_double(info, 0, "set_memory_limit"))));
  });
  def(env, exports, "setCacheLimit", [num](const Napi::CallbackInfo& info) {
    return num(info.Env(), mx::set_cache_limit(static_cast<size_t>(arg_double(info, 0, "set_cache_limit"))));
  });

  // ---- devices and streams ----
  def(env, exports, "defaultDevice", [](const Napi::CallbackInfo& info) {
    return from_device(info.Env(), mx::default_device());
  });
  def(env, exports, "setDefaultDevice", [](const Napi::CallbackInfo& info) {
    mx::set_default_device(to_device(info[0]));
    return info.Env().Undefined();
  });
  def(env, exports, "defaultStream", [](const Napi::CallbackInfo& info) {
    return from_stream(info.Env(), mx::default_stream(to_device(info[0])));
  });
  def(env, exports, "setDefaultStream", [](const Napi::CallbackInfo& info) {
    auto s = arg_stream(info, 0);
    mx::set_default_stream(mx::to_stream(s));
    return info.Env().Undefined();
  });
  def(env, exports, "newStream", [](const Napi::CallbackInfo& info) {
    return from_stream(info.Env(), mx::new_stream(to_device(info[0])));
  });
  def(env, exports, "synchronize", [](const Napi::CallbackInfo& info) {
    if (info.Length() > 0 && !info[0].IsUndefined() && !info[0].IsNull()) {
      mx::synchronize(mx::to_stream(arg_stream(info, 0)));
    } else {
      mx::synchronize();
    }
    return info.Env().Undefined();
  });
  def(env, exports, "isAvailable", [](const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), mx::is_available(to_device(info[0])));
  });

  // ---- creation and conversion ----
  def(env, exports, "astype", [](const Napi::CallbackInfo& info) {
    return wrap(info.Env(), mx::astype(arg_array(info, 0, "astype"), arg_dtype(info, 1, "astype"),
                                       arg_stream(info, 2)));
  });
  def(env, exports, "copy", [](const Napi::CallbackInfo& info) {
    return wrap(info.Env(), mx::copy(arg_array(info, 0, "copy"), arg_stream(info, 1)));
  });
  // full(shape, vals, dtype?, stream?)
  def(env, exports, "full", [](const Napi::CallbackInfo& info) {
    auto shape = arg_shape(info, 0, "full");
    auto vals = arg_array(info, 1, "full");
    auto s = arg_stream(info, 3);
    if (info[2].IsUndefined() || info[2].IsNull()) {
      return wrap(info.Env(), mx::full(shape, vals, s));
    }
    return wrap(info.Env(), mx::full(shape, vals, arg_dtype(info, 2, "full"), s));
  });
  def(env, exports, "zeros", [](const Napi::CallbackInfo& info) {
    return wrap(info.Env(), mx::zeros(arg_shape(info, 0, "zeros"), arg_dtype(info, 1, "zeros"),
                                      arg_stream(info, 2)));
  });
  def(env, exports, "ones", [](const Napi::CallbackInfo& info) {
    return wrap(info.Env(), mx::ones(arg_shape(info, 0, "ones"), arg_dtype(info, 1, "ones"),
                                     arg_stream(info, 2)));
  });
}

} // namespace

MLX_TS_REGISTER(core, init_core);

} // namespace mlx_ts
