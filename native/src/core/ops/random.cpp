#include "mlx/ops/random.h"

#include <chrono>
#include <sstream>

#include "mlx/ops/creation.h"
#include "mlx/ops/shape.h"
#include "mlx/primitives/random.h"

namespace mlx::core::random {

namespace {

// Shapes as MLX writes them in its messages: (2,3), (3).
std::string mlx_shape(const Shape& s) {
  std::ostringstream os;
  os << "(";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? "," : "") << s[i];
  os << ")";
  return os.str();
}

void check_shape(const Shape& shape, const char* op) {
  for (auto d : shape) {
    if (d < 0) {
      std::ostringstream msg;
      msg << "[" << op << "] Negative dimensions not allowed, got shape " << mlx_shape(shape)
          << ".";
      throw std::invalid_argument(msg.str());
    }
  }
}

void check_key(const array& key, const char* op) {
  if (key.dtype() != uint32) {
    std::ostringstream msg;
    msg << "[" << op << "] Expected key type uint32 but received " << key.dtype() << ".";
    throw std::invalid_argument(msg.str());
  }
  if (key.shape() != Shape{2}) {
    std::ostringstream msg;
    msg << "[" << op << "] Expected key shape (2) but received " << mlx_shape(key.shape())
        << ".";
    throw std::invalid_argument(msg.str());
  }
}

// The given key (validated), or the next key of the global sequence. Called
// after every other check so that a failing call consumes no key.
array key_or_next(const std::optional<array>& key, const char* op) {
  if (key) {
    check_key(*key, op);
    return *key;
  }
  return KeySequence::default_().next();
}

// Broadcasts `shapes` together; throws naming `op` when they do not broadcast.
Shape broadcast_all(const std::vector<Shape>& shapes, const char* op) {
  Shape out;
  for (const auto& s : shapes) {
    size_t n = std::max(out.size(), s.size());
    Shape r(n);
    for (size_t i = 0; i < n; ++i) {
      int a = i < out.size() ? out[out.size() - 1 - i] : 1;
      int b = i < s.size() ? s[s.size() - 1 - i] : 1;
      if (a != b && a != 1 && b != 1) {
        std::ostringstream msg;
        msg << "[" << op << "] Shapes";
        for (size_t j = 0; j < shapes.size(); ++j) {
          msg << (j == 0 ? " " : (j + 1 == shapes.size() ? " and " : ", "))
              << mlx_shape(shapes[j]);
        }
        msg << " cannot be broadcast.";
        throw std::invalid_argument(msg.str());
      }
      r[n - 1 - i] = a == 1 ? b : a;
    }
    out = std::move(r);
  }
  return out;
}

// Parameters must broadcast to the requested shape without growing it.
void check_params_fit(const Shape& shape, const std::vector<Shape>& params, const char* op) {
  std::vector<Shape> all = params;
  all.insert(all.begin(), shape);
  auto b = broadcast_all(all, op);
  if (b != shape) {
    std::ostringstream msg;
    msg << "[" << op << "] Cannot generate random values of shape " << mlx_shape(shape)
        << " from broadcasted shape " << mlx_shape(b) << ".";
    throw std::invalid_argument(msg.str());
  }
}

// The bits node of `shape` for an already validated key.
array bits_node(const Shape& shape, int width, array key, Stream stream) {
  Dtype dt = width == 4 ? uint32 : (width == 2 ? uint16 : uint8);
  auto out_shape = shape;
  return array(std::move(out_shape), dt, std::make_shared<RandomBits>(stream, shape, width),
               {std::move(key)});
}

std::pair<uint32_t, uint32_t> split_pair_first(uint32_t k0, uint32_t k1, uint32_t* second) {
  // split(key) = bits((2, 2)): four words from counters (0, 2) and (1, 3);
  // row 0 is the words 0 and 1, row 1 the words 2 and 3.
  auto a = threefry2x32_hash({k0, k1}, {0, 2});
  auto b = threefry2x32_hash({k0, k1}, {1, 3});
  second[0] = a.second;
  second[1] = b.second;
  return {a.first, b.first};
}

} // namespace

KeySequence::KeySequence(uint64_t s) { seed(s); }

void KeySequence::seed(uint64_t s) {
  std::lock_guard<std::mutex> lk(mu_);
  k0_ = static_cast<uint32_t>(s >> 32);
  k1_ = static_cast<uint32_t>(s);
}

array KeySequence::next() {
  uint32_t sub[2];
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto first = split_pair_first(k0_, k1_, sub);
    k0_ = first.first;
    k1_ = first.second;
  }
  return array({sub[0], sub[1]}, uint32);
}

KeySequence& KeySequence::default_() {
  static auto* ks = new KeySequence(static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count()));
  return *ks;
}

array key(uint64_t seed) {
  return array({static_cast<uint32_t>(seed >> 32), static_cast<uint32_t>(seed)}, uint32);
}

void seed(uint64_t s) { KeySequence::default_().seed(s); }

array bits(const Shape& shape, int width, const std::optional<array>& key, StreamOrDevice s) {
  check_shape(shape, "bits");
  if (width != 1 && width != 2 && width != 4) {
    std::ostringstream msg;
    msg << "[bits] Bit width must be in {1, 2, 4} but got " << width << ".";
    throw std::invalid_argument(msg.str());
  }
  return bits_node(shape, width, key_or_next(key, "bits"), to_stream(s));
}

array split(const array& key, int num, StreamOrDevice s) {
  if (num < 0) {
    std::ostringstream msg;
    msg << "[split] The number of keys must be non-negative, got " << num << ".";
    throw std::invalid_argument(msg.str());
  }
  check_key(key, "split");
  return bits_node({num, 2}, 4, key, to_stream(s));
}

std::pair<array, array> split(const array& key, StreamOrDevice s) {
  auto stream = to_stream(s);
  auto keys = random::split(key, 2, stream);
  return {as_strided(keys, {2}, {1}, 0, stream), as_strided(keys, {2}, {1}, 2, stream)};
}

array uniform(const array& low, const array& high, const Shape& shape, Dtype dtype,
              const std::optional<array>& key, StreamOrDevice s) {
  if (!issubdtype(dtype, floating)) {
    throw std::invalid_argument(
        "[uniform] Can only generate uniform numbers with real floating point type.");
  }
  if (dtype == float64) {
    throw std::invalid_argument(
        "[uniform] Unsupported type float64 (as in MLX): generate float32, float16 or "
        "bfloat16 values.");
  }
  check_shape(shape, "uniform");
  check_params_fit(shape, {low.shape(), high.shape()}, "uniform");
  auto stream = to_stream(s);
  auto k = key_or_next(key, "uniform");
  auto b = bits_node(shape, 4, std::move(k), stream);
  auto out_shape = shape;
  return array(std::move(out_shape), dtype, std::make_shared<RandomUniform>(stream),
               {std::move(b), astype(low, dtype, stream), astype(high, dtype, stream)});
}

array uniform(const Shape& shape, Dtype dtype, const std::optional<array>& key,
              StreamOrDevice s) {
  return random::uniform(array(0.0, dtype), array(1.0, dtype), shape, dtype, key, s);
}

array normal(const Shape& shape, Dtype dtype, const std::optional<array>& loc,
             const std::optional<array>& scale, const std::optional<array>& key,
             StreamOrDevice s) {
  if (dtype != complex64 && !issubdtype(dtype, floating)) {
    throw std::invalid_argument(
        "[normal] Only floating point and complex64 types are supported.");
  }
  check_shape(shape, "normal");
  std::vector<Shape> params;
  if (scale) params.push_back(scale->shape());
  if (loc) params.push_back(loc->shape());
  check_params_fit(shape, params, "normal");
  auto stream = to_stream(s);
  auto k = key_or_next(key, "normal");
  Shape bshape = shape;
  if (dtype == complex64) bshape.push_back(2);
  std::vector<array> inputs{bits_node(bshape, 4, std::move(k), stream)};
  if (scale) inputs.push_back(astype(*scale, dtype, stream));
  if (loc) inputs.push_back(astype(*loc, dtype, stream));
  auto out_shape = shape;
  return array(std::move(out_shape), dtype,
               std::make_shared<RandomNormal>(stream, dtype, scale.has_value(), loc.has_value()),
               std::move(inputs));
}

array randint(const array& low, const array& high, const Shape& shape, Dtype dtype,
              const std::optional<array>& key, StreamOrDevice s) {
  if (issubdtype(dtype, inexact)) {
    throw std::invalid_argument("[randint] randint only accepts integer dtypes and bool.");
  }
  check_shape(shape, "randint");
  check_params_fit(shape, {low.shape(), high.shape()}, "randint");
  auto stream = to_stream(s);
  auto k = key_or_next(key, "randint");
  auto out_shape = shape;
  return array(std::move(out_shape), dtype, std::make_shared<RandomInt>(stream, dtype),
               {bits_node(shape, 4, std::move(k), stream), low, high});
}

array bernoulli(const array& p, const Shape& shape, const std::optional<array>& key,
                StreamOrDevice s) {
  if (!issubdtype(p.dtype(), floating)) {
    throw std::invalid_argument("[bernoulli] bernoulli probability `p` must be a float type.");
  }
  check_shape(shape, "bernoulli");
  bool fits = p.ndim() <= shape.size();
  for (size_t i = 0; fits && i < p.ndim(); ++i) {
    int dp = p.shape()[p.ndim() - 1 - i];
    fits = dp == 1 || dp == shape[shape.size() - 1 - i];
  }
  if (!fits) {
    std::ostringstream msg;
    msg << "[bernoulli] shape of `p` " << mlx_shape(p.shape())
        << " is incompatible with argument `shape` " << mlx_shape(shape) << ".";
    throw std::invalid_argument(msg.str());
  }
  auto stream = to_stream(s);
  auto k = key_or_next(key, "bernoulli");
  auto out_shape = shape;
  return array(std::move(out_shape), bool_, std::make_shared<RandomBernoulli>(stream),
               {bits_node(shape, 4, std::move(k), stream), p});
}

array bernoulli(const array& p, const std::optional<array>& key, StreamOrDevice s) {
  return random::bernoulli(p, p.shape(), key, s);
}

array bernoulli(const std::optional<array>& key, StreamOrDevice s) {
  return random::bernoulli(array(0.5f), key, s);
}

} // namespace mlx::core::random
