// Bindings of custom kernels: the call that puts a kernel in the graph, an
// off-thread precompile (hot reload), and the compile cache's state.
#include <mutex>

#include "binding.h"
#include "mlx/fast.h"
#include "../kernels/host_compiler.h"

namespace mlx_ts {

namespace {

namespace k = mx::kernels;

std::string get_string(const Napi::Object& o, const char* key) {
  auto v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

int get_int(const Napi::Object& o, const char* key, int fallback) {
  auto v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Int32Value() : fallback;
}

bool get_bool(const Napi::Object& o, const char* key) {
  auto v = o.Get(key);
  return v.IsBoolean() && v.As<Napi::Boolean>().Value();
}

/** Every spec registered from JS, indexed by the id registerKernel returned. */
std::vector<std::shared_ptr<const mx::fast::CustomKernelSpec>>& specs() {
  static std::vector<std::shared_ptr<const mx::fast::CustomKernelSpec>> v;
  return v;
}
std::mutex specs_mu; // worker_threads may each load the addon

std::shared_ptr<const mx::fast::CustomKernelSpec> spec_by_id(int id) {
  std::lock_guard<std::mutex> lock(specs_mu);
  if (id < 0 || static_cast<size_t>(id) >= specs().size()) {
    throw std::invalid_argument("[custom_kernel] Unknown kernel id " + std::to_string(id) + ".");
  }
  return specs()[id];
}

/** A kernel call's fixed part (see customKernelPlan). */
struct CallPlan {
  std::shared_ptr<const mx::fast::CustomKernelSpec> spec;
  std::vector<mx::Shape> shapes;
  std::vector<mx::Dtype> dtypes;
  mx::fast::KernelLaunch launch;
};
std::vector<std::shared_ptr<const CallPlan>>& plans() {
  static std::vector<std::shared_ptr<const CallPlan>> v;
  return v;
}

/** The spec the SDK built (already validated there). */
mx::fast::CustomKernelSpec to_spec(const Napi::Object& o) {
  mx::fast::CustomKernelSpec c;
  c.op = get_string(o, "op");
  c.name = get_string(o, "name");
  c.cpu_source = get_string(o, "cpuSource");
  auto params = o.Get("params").As<Napi::Array>();
  for (uint32_t i = 0; i < params.Length(); ++i) {
    auto p = params.Get(i).As<Napi::Array>();
    auto kind = static_cast<mx::fast::KernelParam::Kind>(p.Get(0u).As<Napi::Number>().Int32Value());
    c.params.push_back({kind, p.Get(1u).As<Napi::Number>().Int32Value()});
  }
  c.round_grid_to_blocks = get_bool(o, "roundGridToBlocks");
  c.fixed_ndim = get_int(o, "fixedNdim", 0);
  c.shared_memory = get_int(o, "sharedMemory", 0);
  c.ensure_row_contiguous = get_bool(o, "ensureRowContiguous");
  c.checked = get_bool(o, "checked");
  c.fast_math = get_bool(o, "fastMath");
  c.gpu_source = get_string(o, "gpuSource");
  c.gpu_name_expression = get_string(o, "gpuNameExpression");
  auto gpu_options = o.Get("gpuOptions");
  if (gpu_options.IsArray()) {
    auto arr = gpu_options.As<Napi::Array>();
    for (uint32_t i = 0; i < arr.Length(); ++i) c.gpu_options.push_back(arr.Get(i).As<Napi::String>().Utf8Value());
  }
  c.metal_grid_args = get_bool(o, "metalGridArgs");
  return c;
}

/** [gx, gy, gz, tx, ty, tz, initValue or NaN] */
mx::fast::KernelLaunch to_launch(const Napi::Value& v) {
  auto a = v.As<Napi::Array>();
  auto num = [&](uint32_t i) { return a.Get(i).As<Napi::Number>().DoubleValue(); };
  mx::fast::KernelLaunch l;
  for (uint32_t i = 0; i < 3; ++i) {
    l.grid[i] = static_cast<int>(num(i));
    l.threadgroup[i] = static_cast<int>(num(i + 3));
  }
  double init = num(6);
  if (init == init) l.init_value = init;
  return l;
}

// Compiles (or finds) a kernel object off the JS thread.
class BuildWorker : public Napi::AsyncWorker {
 public:
  BuildWorker(Napi::Env env, k::KernelBuild build)
      : Napi::AsyncWorker(env), build_(std::move(build)), deferred_(env) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      key_ = k::get_kernel_module(build_)->key;
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(Napi::String::New(Env(), key_)); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  k::KernelBuild build_;
  std::string key_;
  Napi::Promise::Deferred deferred_;
};

void init_kernels(Napi::Env env, Napi::Object exports) {
  // registerKernel(spec) -> id: the fixed part of a kernel instantiation, sent once.
  def(env, exports, "registerKernel", [](const Napi::CallbackInfo& info) {
    auto spec = mx::fast::register_custom_kernel(to_spec(info[0].As<Napi::Object>()));
    std::lock_guard<std::mutex> lock(specs_mu);
    specs().push_back(std::move(spec));
    return Napi::Number::New(info.Env(), static_cast<double>(specs().size() - 1));
  });

  // A call plan: what stays the same between calls of one kernel instantiation
  // (spec, output shapes and dtypes, launch), decoded once. The SDK reuses a
  // plan while the call's options repeat, so a repeated call passes only its
  // inputs (the per-call decoding was most of a tiny kernel's JS cost).
  // customKernelPlan(outputShapes, outputDtypes, id, launch, slot) -> slot: a new
  // plan, or (slot >= 0) one replacing that slot's (each kernel instantiation
  // in the SDK keeps one slot, so plans do not pile up when options change).
  def(env, exports, "customKernelPlan", [](const Napi::CallbackInfo& info) {
    CallPlan plan;
    auto shapes_js = info[0].As<Napi::Array>();
    auto dtypes_js = info[1].As<Napi::Array>();
    for (uint32_t i = 0; i < shapes_js.Length(); ++i) {
      auto s = shapes_js.Get(i).As<Napi::Array>();
      mx::Shape shape;
      for (uint32_t j = 0; j < s.Length(); ++j) shape.push_back(s.Get(j).As<Napi::Number>().Int32Value());
      plan.shapes.push_back(std::move(shape));
    }
    for (uint32_t i = 0; i < dtypes_js.Length(); ++i) {
      int v = dtypes_js.Get(i).As<Napi::Number>().Int32Value();
      plan.dtypes.push_back(mx::dtype_from_val(static_cast<mx::Dtype::Val>(v)));
    }
    plan.spec = spec_by_id(info[2].As<Napi::Number>().Int32Value());
    plan.launch = to_launch(info[3]);
    int slot = info[4].As<Napi::Number>().Int32Value();
    auto made = std::make_shared<const CallPlan>(std::move(plan));
    std::lock_guard<std::mutex> lock(specs_mu);
    if (slot >= 0 && static_cast<size_t>(slot) < plans().size()) {
      plans()[slot] = std::move(made);
    } else {
      plans().push_back(std::move(made));
      slot = static_cast<int>(plans().size() - 1);
    }
    return Napi::Number::New(info.Env(), slot);
  });
  // customKernelRun(plan, stream, ...inputs) -> output | outputs (a lone output
  // comes as its handle: no list to make and read)
  def(env, exports, "customKernelRun", [](const Napi::CallbackInfo& info) {
    std::shared_ptr<const CallPlan> plan;
    {
      int id = info[0].As<Napi::Number>().Int32Value();
      std::lock_guard<std::mutex> lock(specs_mu);
      if (id < 0 || static_cast<size_t>(id) >= plans().size()) {
        throw std::invalid_argument("[custom_kernel] Unknown call plan " + std::to_string(id) + ".");
      }
      plan = plans()[id];
    }
    std::vector<mx::array> inputs;
    inputs.reserve(info.Length() - 2);
    for (size_t i = 2; i < info.Length(); ++i) inputs.push_back(arg_array(info, i, "custom_kernel"));
    auto outs = mx::fast::custom_kernel(inputs, plan->shapes, plan->dtypes, plan->spec, plan->launch,
                                        arg_stream(info, 1));
    if (outs.size() == 1) return wrap(info.Env(), std::move(outs[0]));
    return wrap_all(info.Env(), outs);
  });

  // buildKernel({op, name, cpuSource, fastMath}) -> Promise<key>: compiles off the JS thread.
  def(env, exports, "buildKernel", [](const Napi::CallbackInfo& info) {
    auto o = info[0].As<Napi::Object>();
    k::KernelBuild b{get_string(o, "cpuSource"), get_string(o, "op"), get_string(o, "name"),
                     get_bool(o, "fastMath")};
    auto* w = new BuildWorker(info.Env(), std::move(b));
    auto promise = w->promise();
    w->Queue();
    return promise;
  });

  def(env, exports, "setKernelIncludeDir", [](const Napi::CallbackInfo& info) {
    k::set_kernel_include_dir(info[0].As<Napi::String>().Utf8Value());
    return info.Env().Undefined();
  });

  def(env, exports, "kernelCacheStats", [](const Napi::CallbackInfo& info) {
    auto s = k::kernel_cache_stats();
    auto o = Napi::Object::New(info.Env());
    o.Set("compiles", static_cast<double>(s.compiles));
    o.Set("failures", static_cast<double>(s.failures));
    o.Set("diskHits", static_cast<double>(s.disk_hits));
    o.Set("memoryHits", static_cast<double>(s.memory_hits));
    o.Set("corruptEntries", static_cast<double>(s.corrupt_entries));
    o.Set("lastCompileMs", s.last_compile_ms);
    o.Set("cacheDir", k::kernel_cache_dir());
    return o;
  });

  def(env, exports, "clearKernelMemoryCache", [](const Napi::CallbackInfo& info) {
    k::clear_kernel_memory_cache();
    return info.Env().Undefined();
  });
}

} // namespace

MLX_TS_REGISTER(kernels, init_kernels);

} // namespace mlx_ts
