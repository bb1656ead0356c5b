// N-API binding of axpby (the guide's bindings.cpp, with node-addon-api in
// place of nanobind). mlx_ts/extension.h converts the mlx-ts addon's array
// handles; the TS wrapper (index.ts) turns MxArrays into handles and back.
#include "mlx_ts/extension.h"

#include "axpby/axpby.h"
#include "axpby_cuda_kernels.h"
#include "mlx/backend/cuda/extension.h"

namespace ext = mlx_ts::ext;
namespace cu = mlx::core::cu;

namespace {

std::string arg_string(const Napi::CallbackInfo& info, size_t i, const char* op) {
  if (!info[i].IsString()) {
    throw Napi::TypeError::New(info.Env(), std::string("[") + op + "] Expected a string as argument " +
                                               std::to_string(i + 1) + ".");
  }
  return info[i].As<Napi::String>().Utf8Value();
}

} // namespace

// axpby(x, y, alpha, beta, stream?) -> NativeArray
MLX_TS_EXTENSION(exports) {
  ext::def(exports, "axpby", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto x = ext::arg_array(info, 0, "axpby");
    auto y = ext::arg_array(info, 1, "axpby");
    auto alpha = static_cast<float>(ext::arg_double(info, 2, "axpby"));
    auto beta = static_cast<float>(ext::arg_double(info, 3, "axpby"));
    auto s = ext::arg_stream(info, 4);
    return ext::wrap(info.Env(), my_ext::axpby(x, y, alpha, beta, s));
  });

  // axpbyKeepDtype(x, y, alpha, beta, stream?) -> NativeArray
  ext::def(exports, "axpbyKeepDtype", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto x = ext::arg_array(info, 0, "axpby_keep_dtype");
    auto y = ext::arg_array(info, 1, "axpby_keep_dtype");
    auto alpha = static_cast<float>(ext::arg_double(info, 2, "axpby_keep_dtype"));
    auto beta = static_cast<float>(ext::arg_double(info, 3, "axpby_keep_dtype"));
    auto s = ext::arg_stream(info, 4);
    return ext::wrap(info.Env(), my_ext::axpby_keep_dtype(x, y, alpha, beta, s));
  });

  // The CUDA side, for troubleshooting and tests: how the kernels were built
  // and what this machine offers.
  ext::def(exports, "cudaInfo", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto env = info.Env();
    const auto& lib = axpby_cuda_kernels();
    auto o = Napi::Object::New(env);
    o.Set("available", cu::is_available());
    o.Set("reason", cu::unavailable_reason());
    o.Set("nvrtc", cu::nvrtc_available());
    o.Set("nvrtcReason", cu::nvrtc_unavailable_reason());
    o.Set("image", lib.image != nullptr ? Napi::Value(Napi::String::New(env, lib.image_description))
                                        : env.Null());
    o.Set("imageBytes", static_cast<double>(lib.image_size));
    o.Set("source", lib.source != nullptr);
    if (cu::is_available()) {
      auto d = cu::device_info();
      o.Set("device", d.name);
      o.Set("computeCapability", d.compute_capability);
    }
    return o;
  });

  // cudaKernel(name) -> where kernel `name` of axpby.cu comes from ("image" / "nvrtc").
  ext::def(exports, "cudaKernel", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto name = arg_string(info, 0, "Axpby");
    return Napi::String::New(info.Env(), cu::get_kernel(axpby_cuda_kernels(), name, "Axpby").origin());
  });

  // cudaLoadImage(bytes, name) / cudaCompile(source, name): the extension API's
  // loaders on arbitrary input (their error messages are tested).
  ext::def(exports, "cudaLoadImage", [](const Napi::CallbackInfo& info) -> Napi::Value {
    if (!info[0].IsTypedArray()) {
      throw Napi::TypeError::New(info.Env(), "[Axpby] Expected a Uint8Array as argument 1.");
    }
    auto bytes = info[0].As<Napi::Uint8Array>();
    auto name = arg_string(info, 1, "Axpby");
    auto k = cu::load_kernel(bytes.Data(), bytes.ByteLength(), name, "Axpby");
    return Napi::String::New(info.Env(), k.origin());
  });
  ext::def(exports, "cudaCompile", [](const Napi::CallbackInfo& info) -> Napi::Value {
    auto source = arg_string(info, 0, "Axpby");
    auto name = arg_string(info, 1, "Axpby");
    auto k = cu::compile_kernel(source, name, "Axpby");
    return Napi::String::New(info.Env(), k.origin());
  });
}
