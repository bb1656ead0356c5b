// Bindings of the random family (mx.random.*).
#include "binding.h"

namespace mlx_ts {

namespace {

// A 64-bit seed passed as its high and low 32-bit halves.
uint64_t arg_seed(const Napi::CallbackInfo& info, const char* op) {
  auto hi = static_cast<uint64_t>(arg_double(info, 0, op));
  auto lo = static_cast<uint64_t>(arg_double(info, 1, op));
  return (hi << 32) | lo;
}

void init_random(Napi::Env env, Napi::Object exports) {
  // randomKey(seedHi, seedLo)
  def(env, exports, "randomKey", [](const Napi::CallbackInfo& info) {
    return wrap(info.Env(), mx::random::key(arg_seed(info, "key")));
  });
  // randomSeed(seedHi, seedLo)
  def(env, exports, "randomSeed", [](const Napi::CallbackInfo& info) {
    mx::random::seed(arg_seed(info, "seed"));
    return info.Env().Undefined();
  });
  // randomBits(shape, width, key?, stream)
  def(env, exports, "randomBits", [](const Napi::CallbackInfo& info) {
    auto shape = arg_shape(info, 0, "bits");
    int width = arg_int(info, 1, "bits");
    auto key = arg_optional_array(info, 2, "bits");
    return wrap(info.Env(), mx::random::bits(shape, width, key, arg_stream(info, 3)));
  });
  // randomSplit(key, num, stream)
  def(env, exports, "randomSplit", [](const Napi::CallbackInfo& info) {
    auto key = arg_array(info, 0, "split");
    int num = arg_int(info, 1, "split");
    return wrap(info.Env(), mx::random::split(key, num, arg_stream(info, 2)));
  });
  // randomUniform(low, high, shape, dtype, key?, stream)
  def(env, exports, "randomUniform", [](const Napi::CallbackInfo& info) {
    auto low = arg_array(info, 0, "uniform");
    auto high = arg_array(info, 1, "uniform");
    auto shape = arg_shape(info, 2, "uniform");
    auto dtype = arg_dtype(info, 3, "uniform");
    auto key = arg_optional_array(info, 4, "uniform");
    return wrap(info.Env(),
                mx::random::uniform(low, high, shape, dtype, key, arg_stream(info, 5)));
  });
  // randomNormal(shape, dtype, loc?, scale?, key?, stream)
  def(env, exports, "randomNormal", [](const Napi::CallbackInfo& info) {
    auto shape = arg_shape(info, 0, "normal");
    auto dtype = arg_dtype(info, 1, "normal");
    auto loc = arg_optional_array(info, 2, "normal");
    auto scale = arg_optional_array(info, 3, "normal");
    auto key = arg_optional_array(info, 4, "normal");
    return wrap(info.Env(),
                mx::random::normal(shape, dtype, loc, scale, key, arg_stream(info, 5)));
  });
  // randomRandint(low, high, shape, dtype, key?, stream)
  def(env, exports, "randomRandint", [](const Napi::CallbackInfo& info) {
    auto low = arg_array(info, 0, "randint");
    auto high = arg_array(info, 1, "randint");
    auto shape = arg_shape(info, 2, "randint");
    auto dtype = arg_dtype(info, 3, "randint");
    auto key = arg_optional_array(info, 4, "randint");
    return wrap(info.Env(),
                mx::random::randint(low, high, shape, dtype, key, arg_stream(info, 5)));
  });
  // randomBernoulli(p, shape?, key?, stream)
  def(env, exports, "randomBernoulli", [](const Napi::CallbackInfo& info) {
    auto p = arg_array(info, 0, "bernoulli");
    auto key = arg_optional_array(info, 2, "bernoulli");
    auto s = arg_stream(info, 3);
    if (info[1].IsUndefined() || info[1].IsNull()) {
      return wrap(info.Env(), mx::random::bernoulli(p, key, s));
    }
    return wrap(info.Env(),
                mx::random::bernoulli(p, arg_shape(info, 1, "bernoulli"), key, s));
  });
}

} // namespace

MLX_TS_REGISTER(random, init_random);

} // namespace mlx_ts
