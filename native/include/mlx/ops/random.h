// Operations of the random family (MLX's mlx::core::random): counter-based
// random numbers from explicit keys. A key is a uint32 array of shape (2,);
// the same key always gives the same values. Without a key, the ops draw a
// fresh one from the global key sequence (seeded with `seed`).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>

#include "mlx/array.h"
#include "mlx/utils.h"

namespace mlx::core::random {

/** A stream of keys: each `next()` splits the current key in two, keeps the
 * first half as the new state and returns the second (MLX's KeySequence). */
class KeySequence {
 public:
  explicit KeySequence(uint64_t seed);
  void seed(uint64_t seed);
  /** The next key (a uint32 array of shape (2,)). Thread-safe. */
  array next();
  /** The process-wide sequence, seeded from the clock until `seed` is called. */
  static KeySequence& default_();

 private:
  std::mutex mu_;
  uint32_t k0_, k1_;
};

/** A PRNG key from a seed: (seed >> 32, seed & 0xffffffff) as uint32. */
array key(uint64_t seed);

/** Seeds the global key sequence. */
void seed(uint64_t seed);

/** Random bits of `shape`: uint32 (width 4), uint16 (2) or uint8 (1), from
 * threefry2x32 (20 rounds) keyed by `key` over a counter. */
array bits(const Shape& shape, int width = 4, const std::optional<array>& key = std::nullopt,
           StreamOrDevice s = {});
inline array bits(const Shape& shape, const std::optional<array>& key, StreamOrDevice s = {}) {
  return bits(shape, 4, key, s);
}

/** Splits a key into two new keys. */
std::pair<array, array> split(const array& key, StreamOrDevice s = {});

/** Splits a key into `num` new keys: a uint32 array of shape (num, 2). */
array split(const array& key, int num, StreamOrDevice s = {});

/** Uniform samples in [low, high) of `shape` (low and high broadcast to it);
 * dtype float32, float16 or bfloat16. */
array uniform(const array& low, const array& high, const Shape& shape, Dtype dtype = float32,
              const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});
array uniform(const Shape& shape, Dtype dtype,
              const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});
inline array uniform(const Shape& shape, const std::optional<array>& key = std::nullopt,
                     StreamOrDevice s = {}) {
  return uniform(shape, float32, key, s);
}

/** Normal samples of `shape` with mean `loc` and standard deviation `scale`
 * (standard normal when absent; for complex64 the real and imaginary parts
 * each have variance 1/2). Real floating dtypes or complex64. */
array normal(const Shape& shape, Dtype dtype, const std::optional<array>& loc,
             const std::optional<array>& scale, const std::optional<array>& key = std::nullopt,
             StreamOrDevice s = {});
inline array normal(const Shape& shape, Dtype dtype = float32,
                    const std::optional<array>& key = std::nullopt, StreamOrDevice s = {}) {
  return normal(shape, dtype, std::nullopt, std::nullopt, key, s);
}

/** Integers in [low, high) of `shape` (integer dtypes and bool). */
array randint(const array& low, const array& high, const Shape& shape, Dtype dtype = int32,
              const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});

/** True with probability `p` (a floating array broadcast to `shape`). */
array bernoulli(const array& p, const Shape& shape, const std::optional<array>& key = std::nullopt,
                StreamOrDevice s = {});
/** Bernoulli samples of p's shape. */
array bernoulli(const array& p, const std::optional<array>& key = std::nullopt,
                StreamOrDevice s = {});
/** One Bernoulli(0.5) sample. */
array bernoulli(const std::optional<array>& key = std::nullopt, StreamOrDevice s = {});

} // namespace mlx::core::random
