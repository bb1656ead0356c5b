// Primitives of the random family: random bits from keys, and the
// transforms that turn bits into samples of a distribution.
#pragma once

#include <cstdint>
#include <utility>

#include "mlx/primitives.h"

namespace mlx::core {

namespace random {

/** Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as
 * easy as 1, 2, 3", SC 2011): a keyed bijection of a 64-bit counter. */
inline std::pair<uint32_t, uint32_t> threefry2x32_hash(std::pair<uint32_t, uint32_t> key,
                                                       std::pair<uint32_t, uint32_t> counter) {
  constexpr uint32_t rot[2][4] = {{13, 15, 26, 6}, {17, 29, 16, 24}};
  const uint32_t ks[3] = {key.first, key.second, key.first ^ key.second ^ 0x1BD11BDAu};
  uint32_t x0 = counter.first + ks[0];
  uint32_t x1 = counter.second + ks[1];
  for (uint32_t i = 0; i < 5; ++i) {
    for (uint32_t r : rot[i % 2]) {
      x0 += x1;
      x1 = (x1 << r) | (x1 >> (32 - r));
      x1 ^= x0;
    }
    // Key injection after every 4 rounds.
    x0 += ks[(i + 1) % 3];
    x1 += ks[(i + 2) % 3] + i + 1;
  }
  return {x0, x1};
}

} // namespace random

/** Random bits from keys. Input: keys of shape (..., 2) (uint32). Output:
 * shape keys.shape[:-1] + shape, uint32/uint16/uint8 for width 4/2/1. For
 * each key, the W = ceil(bytes / 4) output words come from counters
 * (j, ceil(W / 2) + j), j < W / 2: the hash's first word is word j, its second
 * word is word ceil(W / 2) + j; when W is odd, word W / 2 is the first word of
 * counter (W / 2, 0). The bytes are the words' little-endian bytes (MLX's layout).
 * Not differentiable; vmap over keys gives each key's own bits. */
class RandomBits : public UnaryPrimitive {
 public:
  RandomBits(Stream s, Shape shape, int width)
      : UnaryPrimitive(s), shape_(std::move(shape)), width_(width) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "RandomBits"; }
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  const Shape& shape() const { return shape_; }
  int width() const { return width_; }

 private:
  Shape shape_;
  int width_;
};

/** Uniform samples from uint32 bits: inputs (bits, low, high), low and high of
 * the output dtype and broadcastable to bits' shape. As MLX computes it:
 * u = min(bits / 2^32, largest value below 1 in dtype) in float32, converted to
 * dtype; out = (high - low) * u + low in dtype arithmetic. Differentiable in
 * low (d out = 1 - u) and high (d out = u); the bits get a zero gradient. */
class RandomUniform : public UnaryPrimitive {
 public:
  explicit RandomUniform(Stream s) : UnaryPrimitive(s) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "RandomUniform"; }
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  bool is_equivalent(const Primitive&) const override { return true; }
};

/** Normal samples from uint32 bits: inputs (bits, [scale], [loc]). A uniform
 * sample v in (-1, 1) (float32) gives sqrt(2) * erfinv(v) * scale + loc in the
 * output dtype; for complex64, bits has a trailing dimension of 2 (real and
 * imaginary parts, each erfinv(v)) and out = scale * z + loc. The output
 * dtype is a parameter (scale and loc, when given, have it). Differentiable
 * in scale (d out = z) and loc (d out = 1). */
class RandomNormal : public UnaryPrimitive {
 public:
  RandomNormal(Stream s, Dtype dtype, bool has_scale, bool has_loc)
      : UnaryPrimitive(s), dtype_(dtype), has_scale_(has_scale), has_loc_(has_loc) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "RandomNormal"; }
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  bool is_equivalent(const Primitive& other) const override;
  bool has_scale() const { return has_scale_; }
  bool has_loc() const { return has_loc_; }
  Dtype dtype() const { return dtype_; }

 private:
  Dtype dtype_;
  bool has_scale_;
  bool has_loc_;
};

/** Integers from uint32 bits: inputs (bits, low, high) with low and high in
 * their own dtypes. A float32 uniform sample u in [low, high) gives
 * floor(u) in the output dtype (a parameter), clamped to [low, high - 1].
 * Not differentiable. */
class RandomInt : public UnaryPrimitive {
 public:
  RandomInt(Stream s, Dtype dtype) : UnaryPrimitive(s), dtype_(dtype) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "RandomInt"; }
  Dtype dtype() const { return dtype_; }
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  bool is_equivalent(const Primitive& other) const override;

 private:
  Dtype dtype_;
};

/** Bernoulli samples from uint32 bits: inputs (bits, p). out = bits < p * U
 * with U the float32 just above 2^32 - 1 (so p >= 1 is always true and
 * p <= 0 never), compared in float32 (float64 for float64 p). Not
 * differentiable. */
class RandomBernoulli : public UnaryPrimitive {
 public:
  explicit RandomBernoulli(Stream s) : UnaryPrimitive(s) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "RandomBernoulli"; }
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  bool is_equivalent(const Primitive&) const override { return true; }
};

} // namespace mlx::core
