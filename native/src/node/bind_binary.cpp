// Bindings of the binary family. Scalars were made arrays by the SDK (MLX's
// weak-scalar rule lives there); here arguments are only converted.
#include "binding.h"

namespace mlx_ts {

namespace {

using BinaryFn = mx::array (*)(const mx::array&, const mx::array&, mx::StreamOrDevice);

struct BinaryEntry {
  const char* js_name;
  const char* op_name;
  BinaryFn fn;
};

const BinaryEntry kBinary[] = {
    {"add", "add", mx::add},
    {"subtract", "subtract", mx::subtract},
    {"multiply", "multiply", mx::multiply},
    {"divide", "divide", mx::divide},
    {"floorDivide", "floor_divide", mx::floor_divide},
    {"remainder", "remainder", mx::remainder},
    {"power", "power", mx::power},
    {"maximum", "maximum", mx::maximum},
    {"minimum", "minimum", mx::minimum},
    {"arctan2", "arctan2", mx::arctan2},
    {"logaddexp", "logaddexp", mx::logaddexp},
    {"equal", "equal", mx::equal},
    {"notEqual", "not_equal", mx::not_equal},
    {"less", "less", mx::less},
    {"lessEqual", "less_equal", mx::less_equal},
    {"greater", "greater", mx::greater},
    {"greaterEqual", "greater_equal", mx::greater_equal},
    {"logicalAnd", "logical_and", mx::logical_and},
    {"logicalOr", "logical_or", mx::logical_or},
    {"bitwiseAnd", "bitwise_and", mx::bitwise_and},
    {"bitwiseOr", "bitwise_or", mx::bitwise_or},
    {"bitwiseXor", "bitwise_xor", mx::bitwise_xor},
    {"leftShift", "left_shift", mx::left_shift},
    {"rightShift", "right_shift", mx::right_shift},
};

void init_binary(Napi::Env env, Napi::Object exports) {
  // name(a, b, stream)
  for (const auto& e : kBinary) {
    def(env, exports, e.js_name, [e](const Napi::CallbackInfo& info) {
      auto a = arg_array(info, 0, e.op_name);
      auto b = arg_array(info, 1, e.op_name);
      return wrap(info.Env(), e.fn(a, b, arg_stream(info, 2)));
    });
  }

  // divmod(a, b, stream) -> [quotient, remainder]
  def(env, exports, "divmod", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "divmod");
    auto b = arg_array(info, 1, "divmod");
    return wrap_all(info.Env(), mx::divmod(a, b, arg_stream(info, 2)));
  });

  // where(condition, x, y, stream)
  def(env, exports, "where", [](const Napi::CallbackInfo& info) {
    auto c = arg_array(info, 0, "where");
    auto x = arg_array(info, 1, "where");
    auto y = arg_array(info, 2, "where");
    return wrap(info.Env(), mx::where(c, x, y, arg_stream(info, 3)));
  });

  // clip(a, aMin | null, aMax | null, stream)
  def(env, exports, "clip", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "clip");
    auto lo = arg_optional_array(info, 1, "clip");
    auto hi = arg_optional_array(info, 2, "clip");
    return wrap(info.Env(), mx::clip(a, lo, hi, arg_stream(info, 3)));
  });

  // isclose / allclose(a, b, rtol, atol, equalNan, stream)
  def(env, exports, "isclose", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "isclose");
    auto b = arg_array(info, 1, "isclose");
    double rtol = arg_double(info, 2, "isclose");
    double atol = arg_double(info, 3, "isclose");
    bool equal_nan = arg_bool(info, 4, "isclose");
    return wrap(info.Env(), mx::isclose(a, b, rtol, atol, equal_nan, arg_stream(info, 5)));
  });
  def(env, exports, "allclose", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "allclose");
    auto b = arg_array(info, 1, "allclose");
    double rtol = arg_double(info, 2, "allclose");
    double atol = arg_double(info, 3, "allclose");
    bool equal_nan = arg_bool(info, 4, "allclose");
    return wrap(info.Env(), mx::allclose(a, b, rtol, atol, equal_nan, arg_stream(info, 5)));
  });

  // arrayEqual(a, b, equalNan, stream)
  def(env, exports, "arrayEqual", [](const Napi::CallbackInfo& info) {
    auto a = arg_array(info, 0, "array_equal");
    auto b = arg_array(info, 1, "array_equal");
    bool equal_nan = arg_bool(info, 2, "array_equal");
    return wrap(info.Env(), mx::array_equal(a, b, equal_nan, arg_stream(info, 3)));
  });
}

} // namespace

MLX_TS_REGISTER(binary, init_binary);

} // namespace mlx_ts
