// CPU evaluation of the random family: threefry bits, and the transforms of
// bits into uniform, normal, integer and Bernoulli samples. The transforms
// reproduce MLX's sequence of float32 (or dtype) operations, each rounded on
// its own, so the values can match MLX's bit for bit for the same key.
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "mlx/backend/common/utils.h"
#include "mlx/backend/cpu/copy.h"
#include "mlx/primitives/random.h"
#include "parallel.h"

// MLX rounds every operation (a multiply, then an add): no fused multiply-adds.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace mlx::core {

namespace {

constexpr size_t kMinPerThread = 1 << 14;
// bits * 2^-32 is MLX's bits / float(UINT32_MAX) (that float is 2^32).
constexpr float kTwoPowMinus32 = 1.0f / 4294967296.0f;

inline void store_u32(char* base, size_t word, uint32_t v) {
  std::memcpy(base + 4 * word, &v, 4);
}

// threefry2x32 of the counters (c0 + t, c1 + t), t < m, into w0[t], w1[t]:
// the same arithmetic as random::threefry2x32_hash, written as one loop over
// independent lanes so that it vectorises.
void threefry_block(uint32_t k0, uint32_t k1, uint32_t c0, uint32_t c1, size_t m,
                    uint32_t* __restrict w0, uint32_t* __restrict w1) {
  const uint32_t ks[3] = {k0, k1, k0 ^ k1 ^ 0x1BD11BDAu};
  auto rotl = [](uint32_t x, uint32_t r) { return (x << r) | (x >> (32 - r)); };
  for (size_t t = 0; t < m; ++t) {
    uint32_t x0 = c0 + static_cast<uint32_t>(t) + ks[0];
    uint32_t x1 = c1 + static_cast<uint32_t>(t) + ks[1];
#define MLX_TS_TF_ROUND(r) x0 += x1; x1 = rotl(x1, r); x1 ^= x0;
#define MLX_TS_TF_EVEN MLX_TS_TF_ROUND(13) MLX_TS_TF_ROUND(15) MLX_TS_TF_ROUND(26) MLX_TS_TF_ROUND(6)
#define MLX_TS_TF_ODD MLX_TS_TF_ROUND(17) MLX_TS_TF_ROUND(29) MLX_TS_TF_ROUND(16) MLX_TS_TF_ROUND(24)
    MLX_TS_TF_EVEN x0 += ks[1]; x1 += ks[2] + 1;
    MLX_TS_TF_ODD x0 += ks[2]; x1 += ks[0] + 2;
    MLX_TS_TF_EVEN x0 += ks[0]; x1 += ks[1] + 3;
    MLX_TS_TF_ODD x0 += ks[1]; x1 += ks[2] + 4;
    MLX_TS_TF_EVEN x0 += ks[2]; x1 += ks[0] + 5;
#undef MLX_TS_TF_ODD
#undef MLX_TS_TF_EVEN
#undef MLX_TS_TF_ROUND
    w0[t] = x0;
    w1[t] = x1;
  }
}

// ---- parameters broadcast to the output ----

// A parameter array read in the output's row-major order (zero strides where
// it broadcasts).
struct Bcast {
  const char* ptr;
  Dtype dtype;
  bool scalar;
  Shape shape;
  Strides strides;
  Bcast(const array& p, const Shape& out_shape)
      : ptr(p.data<char>()), dtype(p.dtype()), scalar(p.size() == 1), shape(out_shape) {
    strides.assign(out_shape.size(), 0);
    int off = static_cast<int>(out_shape.size() - p.ndim());
    for (size_t i = 0; i < p.ndim(); ++i) {
      strides[off + i] = p.shape(i) == 1 ? 0 : p.strides()[i];
    }
  }
};

// Walks one Bcast from element `start` on.
class Cursor {
 public:
  Cursor(const Bcast& p, size_t start) : p_(p) {
    if (!p.scalar && !p.shape.empty()) {
      it_.emplace(p.shape, p.strides, static_cast<int>(p.shape.size()));
      it_->seek(static_cast<int64_t>(start));
    }
  }
  const char* get() const {
    return p_.ptr + (it_ ? it_->loc : 0) * static_cast<int64_t>(size_of(p_.dtype));
  }
  void next() {
    if (it_) it_->step();
  }

 private:
  const Bcast& p_;
  std::optional<ContiguousIterator> it_;
};

double load_double(Dtype d, const char* p) {
  return dispatch_all_types(d, [p](auto tag) {
    using T = decltype(tag);
    T v;
    std::memcpy(&v, p, sizeof(T));
    return cast_to<double>(v);
  });
}

template <typename T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// float rounded to T and back (identity for float).
template <typename T>
inline float rnd(float x) {
  if constexpr (std::is_same_v<T, float>) {
    return x;
  } else {
    return static_cast<float>(T(x));
  }
}

// Calls f(i, cursors) for i in [0, n), split across threads; the cursors
// point at each parameter's element for output element i.
template <typename F>
void for_each_element(size_t n, const std::vector<Bcast>& params, F&& f) {
  cpu::parallel_for(n, kMinPerThread, [&](size_t b, size_t e) {
    std::vector<Cursor> cur;
    cur.reserve(params.size());
    for (const auto& p : params) cur.emplace_back(p, b);
    for (size_t i = b; i < e; ++i) {
      f(i, cur);
      for (auto& c : cur) c.next();
    }
  });
}

bool all_scalar(const std::vector<Bcast>& params) {
  for (const auto& p : params) {
    if (!p.scalar) return false;
  }
  return true;
}

// ---- erfinv (float32) ----

// Inverse error function for |a| < 1: N. Juffa's single-precision
// approximation (log-based argument, two minimax polynomials; about 2.4 ulp).
inline float erfinv_f32(float a) {
  float t = std::log(std::fma(a, -a, 1.0f));
  float p;
  if (std::fabs(t) > 6.125f) {
    p = 3.03697567e-10f;
    p = std::fma(p, t, 2.93243101e-8f);
    p = std::fma(p, t, 1.22150334e-6f);
    p = std::fma(p, t, 2.84108955e-5f);
    p = std::fma(p, t, 3.93552968e-4f);
    p = std::fma(p, t, 3.02698812e-3f);
    p = std::fma(p, t, 4.83185798e-3f);
    p = std::fma(p, t, -2.64646143e-1f);
    p = std::fma(p, t, 8.40016484e-1f);
  } else {
    p = 5.43877832e-9f;
    p = std::fma(p, t, 1.43285448e-7f);
    p = std::fma(p, t, 1.22774793e-6f);
    p = std::fma(p, t, 1.12963626e-7f);
    p = std::fma(p, t, -5.61530760e-5f);
    p = std::fma(p, t, -1.47697632e-4f);
    p = std::fma(p, t, 2.31468678e-3f);
    p = std::fma(p, t, 1.15392581e-2f);
    p = std::fma(p, t, -2.32015476e-1f);
    p = std::fma(p, t, 8.86226892e-1f);
  }
  return a * p;
}

// The float32 uniform sample in [-1 + 2^-24, 1) that MLX's normal starts
// from: uniform(low = nextafter(-1, 0), high = 1), whose range rounds to 2.
inline float signed_unit(uint32_t bits) {
  constexpr float lo = -0.99999994f; // nextafter(-1.0f, 0.0f)
  float u = std::min(static_cast<float>(bits) * kTwoPowMinus32, 0.99999994f);
  float t = 2.0f * u; // exact
  return t + lo;
}

// ---- kernels ----

template <typename T>
void uniform_kernel(const uint32_t* bits, const std::vector<Bcast>& params, T* out, size_t n) {
  // Largest value below 1 in T, as a float32 bound on the [0, 1) sample.
  float upper;
  if constexpr (std::is_same_v<T, float>) {
    upper = 0.99999994f;
  } else {
    upper = static_cast<float>(T::from_bits(static_cast<uint16_t>(T(1.0f).bits_ - 1)));
  }
  auto sample = [upper](uint32_t b, float lo, float hi) {
    float range = rnd<T>(hi - lo);
    float u = std::min(static_cast<float>(b) * kTwoPowMinus32, upper);
    float scaled = rnd<T>(range * rnd<T>(u));
    return T(scaled + lo);
  };
  if (all_scalar(params)) {
    float lo = static_cast<float>(load<T>(params[0].ptr));
    float hi = static_cast<float>(load<T>(params[1].ptr));
    cpu::parallel_for(n, kMinPerThread, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) out[i] = sample(bits[i], lo, hi);
    });
    return;
  }
  for_each_element(n, params, [&](size_t i, std::vector<Cursor>& c) {
    out[i] = sample(bits[i], static_cast<float>(load<T>(c[0].get())),
                    static_cast<float>(load<T>(c[1].get())));
  });
}

// Real normal samples: sqrt(2) * erfinv(v) (* scale) (+ loc), each operation
// rounded to T as MLX does.
template <typename T>
void normal_kernel(const uint32_t* bits, const std::vector<Bcast>& params, bool has_scale,
                   bool has_loc, T* out, size_t n) {
  using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
  auto round = [](C x) -> C {
    if constexpr (std::is_same_v<T, double> || std::is_same_v<T, float>) {
      return x;
    } else {
      return static_cast<C>(T(x));
    }
  };
  const C sqrt2 = round(static_cast<C>(std::sqrt(2.0)));
  auto sample = [&](size_t i, C scale, C loc) {
    C d = round(static_cast<C>(erfinv_f32(signed_unit(bits[i]))));
    C applied = has_scale ? round(sqrt2 * scale) : sqrt2;
    C v = round(applied * d);
    if (has_loc) v = round(loc + v);
    return T(v);
  };
  int si = 0, li = has_scale ? 1 : 0;
  if (all_scalar(params)) {
    C scale = has_scale ? static_cast<C>(load<T>(params[si].ptr)) : C(1);
    C loc = has_loc ? static_cast<C>(load<T>(params[li].ptr)) : C(0);
    cpu::parallel_for(n, kMinPerThread, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) out[i] = sample(i, scale, loc);
    });
    return;
  }
  for_each_element(n, params, [&](size_t i, std::vector<Cursor>& c) {
    C scale = has_scale ? static_cast<C>(load<T>(c[si].get())) : C(1);
    C loc = has_loc ? static_cast<C>(load<T>(c[li].get())) : C(0);
    out[i] = sample(i, scale, loc);
  });
}

// Complex normal samples: erfinv of two uniform samples as (re, im), then
// scale * z + loc in complex64 arithmetic.
void complex_normal_kernel(const uint32_t* bits, const std::vector<Bcast>& params,
                           bool has_scale, bool has_loc, complex64_t* out, size_t n) {
  int si = 0, li = has_scale ? 1 : 0;
  for_each_element(n, params, [&](size_t i, std::vector<Cursor>& c) {
    std::complex<float> z(erfinv_f32(signed_unit(bits[2 * i])),
                          erfinv_f32(signed_unit(bits[2 * i + 1])));
    if (has_scale) z = std::complex<float>(load<complex64_t>(c[si].get())) * z;
    if (has_loc) z = std::complex<float>(load<complex64_t>(c[li].get())) + z;
    out[i] = complex64_t(z);
  });
}

// A double converted to an integer (or bool) type: integer sources wrap like
// a C++ integer conversion; float sources saturate (undefined in C++).
template <typename O>
O to_int_type(double v, bool from_integer) {
  if constexpr (std::is_same_v<O, bool>) {
    return v != 0.0;
  } else {
    if (from_integer) {
      if (v >= 9223372036854775808.0) return static_cast<O>(static_cast<uint64_t>(v));
      return static_cast<O>(static_cast<int64_t>(v));
    }
    if (std::isnan(v)) return O(0);
    constexpr double top = static_cast<double>(std::numeric_limits<O>::max());
    constexpr double bottom = static_cast<double>(std::numeric_limits<O>::lowest());
    if (v >= top) return std::numeric_limits<O>::max();
    if (v <= bottom) return std::numeric_limits<O>::lowest();
    return static_cast<O>(v);
  }
}

// high - 1 computed in high's own dtype (as MLX's subtract does).
double minus_one_in(Dtype d, double h) {
  return dispatch_all_types(d, [h](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, double> || std::is_same_v<T, complex64_t>) {
      return h - 1.0;
    } else if constexpr (std::is_integral_v<T>) {
      return cast_to<double>(static_cast<T>(static_cast<int64_t>(h) - 1));
    } else {
      return cast_to<double>(T(static_cast<float>(h) - 1.0f));
    }
  });
}

// Integer samples: floor of a float32 uniform sample in [low, high), clamped
// to [low, high - 1] in the output type (MLX's randint).
template <typename O>
void randint_kernel(const uint32_t* bits, const std::vector<Bcast>& params, O* out, size_t n) {
  Dtype lo_t = params[0].dtype, hi_t = params[1].dtype;
  bool lo_int = !issubdtype(lo_t, inexact), hi_int = !issubdtype(hi_t, inexact);
  struct Bounds {
    float lo32, hi32;
    O bottom, top;
  };
  auto bounds = [&](double low, double high) {
    return Bounds{static_cast<float>(low), static_cast<float>(high), to_int_type<O>(low, lo_int),
                  to_int_type<O>(minus_one_in(hi_t, high), hi_int)};
  };
  auto sample = [](uint32_t b, const Bounds& bd) {
    float range = bd.hi32 - bd.lo32;
    float u = std::min(static_cast<float>(b) * kTwoPowMinus32, 0.99999994f);
    float prod = range * u;
    float v = prod + bd.lo32;
    O x = to_int_type<O>(std::floor(v), false);
    return std::max(std::min(x, bd.top), bd.bottom);
  };
  if (all_scalar(params)) {
    Bounds bd = bounds(load_double(lo_t, params[0].ptr), load_double(hi_t, params[1].ptr));
    cpu::parallel_for(n, kMinPerThread, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) out[i] = sample(bits[i], bd);
    });
    return;
  }
  for_each_element(n, params, [&](size_t i, std::vector<Cursor>& c) {
    out[i] = sample(bits[i], bounds(load_double(lo_t, c[0].get()), load_double(hi_t, c[1].get())));
  });
}

void bernoulli_kernel(const uint32_t* bits, const std::vector<Bcast>& params, bool* out,
                      size_t n) {
  // The float32 just above 2^32 - 1: p >= 1 is always true, p <= 0 never.
  constexpr float upper = 4294967808.0f;
  Dtype pt = params[0].dtype;
  auto sample = [pt](uint32_t b, double p) {
    if (pt == float64) return static_cast<double>(b) < p * static_cast<double>(upper);
    float pu = static_cast<float>(p) * upper;
    return static_cast<float>(b) < pu;
  };
  if (all_scalar(params)) {
    double p = load_double(pt, params[0].ptr);
    cpu::parallel_for(n, kMinPerThread, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) out[i] = sample(bits[i], p);
    });
    return;
  }
  for_each_element(n, params, [&](size_t i, std::vector<Cursor>& c) {
    out[i] = sample(bits[i], load_double(pt, c[0].get()));
  });
}

std::vector<Bcast> bcasts(const std::vector<array>& inputs, const Shape& out_shape) {
  std::vector<Bcast> v;
  for (size_t i = 1; i < inputs.size(); ++i) v.emplace_back(inputs[i], out_shape);
  return v;
}

} // namespace

void RandomBits::eval_cpu(const std::vector<array>& inputs, array& out) {
  const array& keys = inputs[0];
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  size_t num_keys = keys.size() / 2;
  if (out.size() == 0 || num_keys == 0) return;
  size_t bytes = out.nbytes() / num_keys;
  size_t words = (bytes + 3) / 4;
  size_t half = words / 2;
  size_t second = words - half; // where the second words start: ceil(words / 2)
  bool partial = bytes % 4 != 0;
  const uint32_t* kp = keys.data<uint32_t>();
  char* base = out.data<char>();

  // Words [0, words) of one key; the last word may be partial (bytes % 4).
  auto put = [&](char* dst, size_t w, uint32_t v) {
    if (partial && w == words - 1) {
      std::memcpy(dst + 4 * w, &v, bytes - 4 * w);
    } else {
      store_u32(dst, w, v);
    }
  };
  // Pairs [b, e) of one key, none of them touching the last word. Blocks of
  // counters are hashed into local arrays (a loop the compiler vectorises)
  // and then copied out.
  auto pairs = [&](std::pair<uint32_t, uint32_t> k, char* dst, size_t b, size_t e) {
    constexpr size_t kBlock = 256;
    alignas(64) uint32_t w0[kBlock], w1[kBlock];
    for (size_t j0 = b; j0 < e; j0 += kBlock) {
      size_t m = std::min(kBlock, e - j0);
      threefry_block(k.first, k.second, static_cast<uint32_t>(j0),
                     static_cast<uint32_t>(second + j0), m, w0, w1);
      std::memcpy(dst + 4 * j0, w0, 4 * m);
      std::memcpy(dst + 4 * (second + j0), w1, 4 * m);
    }
  };
  // The pairs whose second word is the (possibly partial) last word, and
  // the middle word of an odd count.
  size_t full_pairs = (partial && half > 0) ? half - 1 : half;
  auto tail = [&](std::pair<uint32_t, uint32_t> k, char* dst) {
    for (size_t j = full_pairs; j < half; ++j) {
      auto r = random::threefry2x32_hash(
          k, {static_cast<uint32_t>(j), static_cast<uint32_t>(second + j)});
      put(dst, j, r.first);
      put(dst, second + j, r.second);
    }
    if (words % 2 == 1) {
      auto r = random::threefry2x32_hash(k, {static_cast<uint32_t>(half), 0u});
      put(dst, half, r.first);
    }
  };
  auto key_at = [&](size_t i) {
    return std::make_pair(kp[elem_to_loc(2 * i, keys)], kp[elem_to_loc(2 * i + 1, keys)]);
  };

  if (num_keys == 1) {
    auto k = key_at(0);
    cpu::parallel_for(full_pairs, kMinPerThread,
                      [&](size_t b, size_t e) { pairs(k, base, b, e); });
    tail(k, base);
    return;
  }
  size_t min_keys = std::max<size_t>(1, kMinPerThread / std::max<size_t>(words, 1));
  cpu::parallel_for(num_keys, min_keys, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      auto k = key_at(i);
      char* dst = base + i * bytes;
      pairs(k, dst, 0, full_pairs);
      tail(k, dst);
    }
  });
}

void RandomUniform::eval_cpu(const std::vector<array>& inputs, array& out) {
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  if (out.size() == 0) return;
  array bits = ensure_row_contiguous_cpu(inputs[0]);
  auto params = bcasts(inputs, out.shape());
  const uint32_t* b = bits.data<uint32_t>();
  switch (out.dtype().val()) {
    case Dtype::Val::float16:
      uniform_kernel(b, params, out.data<float16_t>(), out.size());
      break;
    case Dtype::Val::bfloat16:
      uniform_kernel(b, params, out.data<bfloat16_t>(), out.size());
      break;
    default:
      uniform_kernel(b, params, out.data<float>(), out.size());
  }
}

void RandomNormal::eval_cpu(const std::vector<array>& inputs, array& out) {
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  if (out.size() == 0) return;
  array bits = ensure_row_contiguous_cpu(inputs[0]);
  auto params = bcasts(inputs, out.shape());
  const uint32_t* b = bits.data<uint32_t>();
  size_t n = out.size();
  switch (out.dtype().val()) {
    case Dtype::Val::float16:
      normal_kernel(b, params, has_scale_, has_loc_, out.data<float16_t>(), n);
      break;
    case Dtype::Val::bfloat16:
      normal_kernel(b, params, has_scale_, has_loc_, out.data<bfloat16_t>(), n);
      break;
    case Dtype::Val::float64:
      normal_kernel(b, params, has_scale_, has_loc_, out.data<double>(), n);
      break;
    case Dtype::Val::complex64:
      complex_normal_kernel(b, params, has_scale_, has_loc_, out.data<complex64_t>(), n);
      break;
    default:
      normal_kernel(b, params, has_scale_, has_loc_, out.data<float>(), n);
  }
}

void RandomInt::eval_cpu(const std::vector<array>& inputs, array& out) {
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  if (out.size() == 0) return;
  array bits = ensure_row_contiguous_cpu(inputs[0]);
  auto params = bcasts(inputs, out.shape());
  const uint32_t* b = bits.data<uint32_t>();
  size_t n = out.size();
  dispatch_all_types(out.dtype(), [&](auto tag) {
    using O = decltype(tag);
    if constexpr (std::is_integral_v<O>) {
      randint_kernel<O>(b, params, out.data<O>(), n);
    }
  });
}

void RandomBernoulli::eval_cpu(const std::vector<array>& inputs, array& out) {
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  if (out.size() == 0) return;
  array bits = ensure_row_contiguous_cpu(inputs[0]);
  auto params = bcasts(inputs, out.shape());
  bernoulli_kernel(bits.data<uint32_t>(), params, out.data<bool>(), out.size());
}

} // namespace mlx::core
