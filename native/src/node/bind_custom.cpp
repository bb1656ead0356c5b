// Bindings of customFunction, checkpoint and compile.
#include "binding.h"
#include "js_function.h"
#include "mlx/compile.h"

namespace mlx_ts {

namespace {

std::vector<mx::array> to_arrays(Napi::Env env, const Napi::Value& v, const char* op) {
  if (!v.IsArray()) {
    throw Napi::TypeError::New(env, std::string("[") + op + "] A rule must return a list of arrays.");
  }
  auto list = v.As<Napi::Array>();
  std::vector<mx::array> out;
  for (uint32_t k = 0; k < list.Length(); ++k) {
    Napi::Value e = list.Get(k);
    mx::array* a = find_array(env, e, op);
    if (!a) {
      throw Napi::TypeError::New(env, std::string("[") + op + "] A rule returned a non-array value at position " +
                                          std::to_string(k) + ".");
    }
    out.push_back(*a);
  }
  return out;
}

Napi::Value int_list(Napi::Env env, const std::vector<int>& v) {
  auto a = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) a.Set(i, v[i]);
  return a;
}

std::shared_ptr<JsFunctionRef> optional_fn(const Napi::CallbackInfo& info, size_t i) {
  if (!info[i].IsFunction()) return nullptr;
  return std::make_shared<JsFunctionRef>(info.Env(), info[i].As<Napi::Function>());
}

// The traced graphs of compiled functions, owned by JS objects.
struct CompiledHandle {
  std::shared_ptr<mx::CompiledGraph> graph;
};

void init_custom(Napi::Env env, Napi::Object exports) {
  // customFunctionCall(inputs, fn, vjp?, jvp?, vmap?) -> outputs
  // fn(xs) -> outs; vjp(primals, cotangents, outputs) -> vjps;
  // jvp(primals, tangents, argnums) -> tangents; vmap(inputs, axes) -> [outs, axes]
  def(env, exports, "customFunctionCall", [](const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    drain_released_refs(env);
    auto inputs = arg_arrays(info, 0, "custom_function");
    if (!info[1].IsFunction()) {
      throw Napi::TypeError::New(env, "[custom_function] Expected a function.");
    }
    // fn runs now (during this call): a plain handle is enough.
    Napi::Function fn = info[1].As<Napi::Function>();
    mx::TransformFun fun = [env, fn](const std::vector<mx::array>& xs) {
      return to_arrays(env, fn.Call({wrap_all(env, xs)}), "custom_function");
    };
    // The rules outlive this call (they live in the graph): persistent refs.
    auto vjp_ref = optional_fn(info, 2);
    auto jvp_ref = optional_fn(info, 3);
    auto vmap_ref = optional_fn(info, 4);
    std::optional<mx::VjpFun> v;
    std::optional<mx::JvpFun> j;
    std::optional<mx::VmapFun> m;
    if (vjp_ref) {
      v = [vjp_ref](const std::vector<mx::array>& p, const std::vector<mx::array>& c,
                    const std::vector<mx::array>& o) {
        Napi::Env e = vjp_ref->env();
        return to_arrays(e, vjp_ref->call({wrap_all(e, p), wrap_all(e, c), wrap_all(e, o)}, "custom_function"),
                         "custom_function");
      };
    }
    if (jvp_ref) {
      j = [jvp_ref](const std::vector<mx::array>& p, const std::vector<mx::array>& t,
                    const std::vector<int>& a) {
        Napi::Env e = jvp_ref->env();
        return to_arrays(e, jvp_ref->call({wrap_all(e, p), wrap_all(e, t), int_list(e, a)}, "custom_function"),
                         "custom_function");
      };
    }
    if (vmap_ref) {
      m = [vmap_ref](const std::vector<mx::array>& in, const std::vector<int>& axes) {
        Napi::Env e = vmap_ref->env();
        Napi::Value r = vmap_ref->call({wrap_all(e, in), int_list(e, axes)}, "custom_function");
        if (!r.IsArray() || r.As<Napi::Array>().Length() != 2) {
          throw Napi::TypeError::New(e, "[custom_function] The vmap rule must return [outputs, outAxes].");
        }
        auto pair = r.As<Napi::Array>();
        auto outs = to_arrays(e, pair.Get(0u), "custom_function");
        Napi::Value ax = pair.Get(1u);
        std::vector<int> out_axes;
        if (ax.IsArray()) {
          auto l = ax.As<Napi::Array>();
          for (uint32_t k = 0; k < l.Length(); ++k) {
            Napi::Value x = l.Get(k);
            out_axes.push_back(x.IsNumber() ? x.As<Napi::Number>().Int32Value() : -1);
          }
        }
        if (out_axes.size() != outs.size()) {
          throw Napi::TypeError::New(e, "[custom_function] The vmap rule must return one out axis per output.");
        }
        return std::make_pair(outs, out_axes);
      };
    }
    return wrap_all(env, mx::custom_function(fun, v, j, m)(inputs));
  });

  // checkpointCall(inputs, fn) -> outputs
  def(env, exports, "checkpointCall", [](const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    drain_released_refs(env);
    auto inputs = arg_arrays(info, 0, "checkpoint");
    if (!info[1].IsFunction()) throw Napi::TypeError::New(env, "[checkpoint] Expected a function.");
    auto ref = std::make_shared<JsFunctionRef>(env, info[1].As<Napi::Function>());
    mx::TransformFun fun = [ref](const std::vector<mx::array>& xs) {
      Napi::Env e = ref->env();
      return to_arrays(e, ref->call({wrap_all(e, xs)}, "checkpoint"), "checkpoint");
    };
    return wrap_all(env, mx::checkpoint(fun)(inputs));
  });

  // compileTrace(fn, inputs) -> handle; compileReplay(handle, inputs, shapeless) -> outputs
  def(env, exports, "compileTrace", [](const Napi::CallbackInfo& info) -> Napi::Value {
    Napi::Env env = info.Env();
    if (!info[0].IsFunction()) throw Napi::TypeError::New(env, "[compile] Expected a function.");
    Napi::Function fn = info[0].As<Napi::Function>();
    mx::TransformFun fun = [env, fn](const std::vector<mx::array>& xs) {
      return to_arrays(env, fn.Call({wrap_all(env, xs)}), "compile");
    };
    auto* h = new CompiledHandle{mx::compile_trace(fun, arg_arrays(info, 1, "compile"))};
    return Napi::External<CompiledHandle>::New(env, h, [](Napi::Env, CompiledHandle* p) { delete p; });
  });
  def(env, exports, "compileReplay", [](const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsExternal()) throw Napi::TypeError::New(env, "[compile] Expected a compiled graph.");
    auto* h = info[0].As<Napi::External<CompiledHandle>>().Data();
    return wrap_all(env, mx::compile_replay(*h->graph, arg_arrays(info, 1, "compile"),
                                            arg_bool(info, 2, "compile", false)));
  });
  def(env, exports, "setCompileEnabled", [](const Napi::CallbackInfo& info) {
    if (arg_bool(info, 0, "compile", true)) {
      mx::enable_compile();
    } else {
      mx::disable_compile();
    }
    return info.Env().Undefined();
  });
}

} // namespace

MLX_TS_REGISTER(custom, init_custom);

} // namespace mlx_ts
