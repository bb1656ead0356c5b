// Bindings of the shape family: convert the arguments, call the op.
#include "binding.h"

namespace mlx_ts {

namespace {

void init_shape(Napi::Env env, Napi::Object exports) {
  // asStrided(a, shape, strides, offset, stream)
  def(env, exports, "asStrided", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "as_strided");
    auto shape = arg_shape(info, 1, "as_strided");
    auto st = arg_ints(info, 2, "as_strided");
    mx::Strides strides(st.begin(), st.end());
    int offset = arg_int(info, 3, "as_strided");
    if (offset < 0) throw Napi::Error::New(info.Env(), "[as_strided] The offset must be non-negative.");
    return wrap(info.Env(), mx::as_strided(a, shape, strides, offset, arg_stream(info, 4)));
  });

  // reshape(a, shape, stream)
  def(env, exports, "reshape", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "reshape");
    return wrap(info.Env(), mx::reshape(a, arg_shape(info, 1, "reshape"), arg_stream(info, 2)));
  });

  // flatten(a, startAxis, endAxis, stream)
  def(env, exports, "flatten", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "flatten");
    int start = arg_int(info, 1, "flatten");
    int end = arg_int(info, 2, "flatten");
    return wrap(info.Env(), mx::flatten(a, start, end, arg_stream(info, 3)));
  });

  // unflatten(a, axis, shape, stream)
  def(env, exports, "unflatten", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "unflatten");
    int axis = arg_int(info, 1, "unflatten");
    return wrap(info.Env(),
                mx::unflatten(a, axis, arg_shape(info, 2, "unflatten"), arg_stream(info, 3)));
  });

  // squeeze(a, axes | null, stream): null removes every size-1 axis.
  def(env, exports, "squeeze", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "squeeze");
    auto axes = arg_optional_ints(info, 1, "squeeze");
    auto s = arg_stream(info, 2);
    return wrap(info.Env(), axes ? mx::squeeze(a, *axes, s) : mx::squeeze(a, s));
  });

  // expandDims(a, axes, stream)
  def(env, exports, "expandDims", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "expand_dims");
    auto axes = arg_ints(info, 1, "expand_dims");
    return wrap(info.Env(), mx::expand_dims(a, axes, arg_stream(info, 2)));
  });

  // slice(a, start, stop, strides, stream): the static strided view.
  def(env, exports, "slice", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "slice");
    auto start = arg_shape(info, 1, "slice");
    auto stop = arg_shape(info, 2, "slice");
    auto strides = arg_shape(info, 3, "slice");
    return wrap(info.Env(), mx::slice(a, start, stop, strides, arg_stream(info, 4)));
  });

  // dynamicSlice(a, startIndices, axes, sliceSize, stream): MLX Python's mx.slice.
  def(env, exports, "dynamicSlice", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "slice");
    auto start = arg_array(info, 1, "slice");
    auto axes = arg_ints(info, 2, "slice");
    auto size = arg_shape(info, 3, "slice");
    return wrap(info.Env(), mx::slice(a, start, axes, size, arg_stream(info, 4)));
  });

  // split(a, sections | indices, axis, stream) -> list
  def(env, exports, "split", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "split");
    int axis = arg_int(info, 2, "split");
    auto s = arg_stream(info, 3);
    if (info[1].IsNumber()) {
      return wrap_all(info.Env(), mx::split(a, arg_int(info, 1, "split"), axis, s));
    }
    return wrap_all(info.Env(), mx::split(a, arg_shape(info, 1, "split"), axis, s));
  });

  // concatenate(arrays, axis | null, stream): null joins the flattened arrays.
  def(env, exports, "concatenate", [](const Napi::CallbackInfo& info) {
    auto arrays = arg_arrays(info, 0, "concatenate");
    auto axis = arg_optional_int(info, 1, "concatenate");
    auto s = arg_stream(info, 2);
    return wrap(info.Env(), axis ? mx::concatenate(arrays, *axis, s) : mx::concatenate(arrays, s));
  });

  // stack(arrays, axis, stream)
  def(env, exports, "stack", [](const Napi::CallbackInfo& info) {
    auto arrays = arg_arrays(info, 0, "stack");
    int axis = arg_int(info, 1, "stack");
    return wrap(info.Env(), mx::stack(arrays, axis, arg_stream(info, 2)));
  });

  // moveaxis(a, source, destination, stream)
  def(env, exports, "moveaxis", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "moveaxis");
    int src = arg_int(info, 1, "moveaxis");
    int dst = arg_int(info, 2, "moveaxis");
    return wrap(info.Env(), mx::moveaxis(a, src, dst, arg_stream(info, 3)));
  });

  // swapaxes(a, axis1, axis2, stream)
  def(env, exports, "swapaxes", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "swapaxes");
    int a1 = arg_int(info, 1, "swapaxes");
    int a2 = arg_int(info, 2, "swapaxes");
    return wrap(info.Env(), mx::swapaxes(a, a1, a2, arg_stream(info, 3)));
  });

  // transpose(a, axes | null, stream): null reverses the axes.
  def(env, exports, "transpose", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "transpose");
    auto axes = arg_optional_ints(info, 1, "transpose");
    auto s = arg_stream(info, 2);
    return wrap(info.Env(), axes ? mx::transpose(a, *axes, s) : mx::transpose(a, s));
  });

  // broadcastTo(a, shape, stream)
  def(env, exports, "broadcastTo", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "broadcast_to");
    auto shape = arg_shape(info, 1, "broadcast_to");
    return wrap(info.Env(), mx::broadcast_to(a, shape, arg_stream(info, 2)));
  });

  // broadcastArrays(arrays, stream) -> list
  def(env, exports, "broadcastArrays", [](const Napi::CallbackInfo& info) {
    auto arrays = arg_arrays(info, 0, "broadcast_arrays");
    return wrap_all(info.Env(), mx::broadcast_arrays(arrays, arg_stream(info, 1)));
  });

  // atleast1d / atleast2d / atleast3d(arrays, stream) -> list
  def(env, exports, "atleast1d", [](const Napi::CallbackInfo& info) {
    auto arrays = arg_arrays(info, 0, "atleast_1d");
    return wrap_all(info.Env(), mx::atleast_1d(arrays, arg_stream(info, 1)));
  });
  def(env, exports, "atleast2d", [](const Napi::CallbackInfo& info) {
    auto arrays = arg_arrays(info, 0, "atleast_2d");
    return wrap_all(info.Env(), mx::atleast_2d(arrays, arg_stream(info, 1)));
  });
  def(env, exports, "atleast3d", [](const Napi::CallbackInfo& info) {
    auto arrays = arg_arrays(info, 0, "atleast_3d");
    return wrap_all(info.Env(), mx::atleast_3d(arrays, arg_stream(info, 1)));
  });
}

} // namespace

MLX_TS_REGISTER(shape, init_shape);

} // namespace mlx_ts
