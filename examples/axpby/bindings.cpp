// N-API binding of axpby (the guide's bindings.cpp, with node-addon-api in
// place of nanobind). mlx_ts/extension.h converts the mlx-ts addon's array
// handles; the TS wrapper (index.ts) turns MxArrays into handles and back.
#include "mlx_ts/extension.h"

#include "axpby/axpby.h"

namespace ext = mlx_ts::ext;

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
}
