// Transform rules and device fallbacks of the random primitives.
//
// Bits, integers and Bernoulli samples are not differentiable (zero
// gradients, as in MLX). Uniform samples are low + (high - low) * u and normal
// samples loc + scale * z, so they are differentiable in their parameters
// (MLX gets these gradients from the arithmetic ops it builds them with).
//
// vmap: a mapped key gives each batch element its own key's bits (RandomBits
// takes a stack of keys); an unmapped key with mapped parameters gives every
// batch element the same bits, broadcast.
#include "mlx/primitives/random.h"

#include <functional>

#include "mlx/ops.h"

namespace mlx::core {

namespace {

// x summed down to `shape` (x's shape is `shape` broadcast).
array sum_to_shape(const array& x, const Shape& shape, const Stream& s) {
  if (x.shape() == shape) return x;
  int lead = static_cast<int>(x.ndim()) - static_cast<int>(shape.size());
  std::vector<int> axes;
  for (int i = 0; i < lead; ++i) axes.push_back(i);
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1 && x.shape(lead + static_cast<int>(i)) != 1) {
      axes.push_back(lead + static_cast<int>(i));
    }
  }
  array r = axes.empty() ? x : sum(x, axes, true, s);
  return reshape(r, shape, s);
}

Dtype bits_dtype(int width) { return width == 4 ? uint32 : (width == 2 ? uint16 : uint8); }

// Zero cotangents for every input listed in argnums.
std::vector<array> zero_vjps(const std::vector<array>& primals, const std::vector<int>& argnums,
                             const Stream& s) {
  std::vector<array> out;
  for (int arg : argnums) out.push_back(zeros_like(primals[arg], s));
  return out;
}

using MakeSampler = std::function<array(Shape, std::vector<array>)>;

// vmap of a sampler with inputs (bits, params...): the bits get the mapped
// axis first (broadcast along it when unmapped) and each mapped parameter
// its mapped axis first, padded with unit dimensions to the output's rank so
// that it lines up with the batched output. `bits_extra` is the number of
// trailing dimensions of the bits beyond the output's (1 for complex normal).
std::pair<std::vector<array>, std::vector<int>> vmap_sampler(const std::vector<array>& inputs,
                                                             const std::vector<int>& axes,
                                                             int bits_extra,
                                                             const MakeSampler& make,
                                                             const Stream& s) {
  int n = -1;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (axes[i] >= 0) n = inputs[i].shape(axes[i]);
  }
  const array& bits = inputs[0];
  if (n < 0) {
    Shape out(bits.shape().begin(), bits.shape().end() - bits_extra);
    return {{make(std::move(out), inputs)}, {-1}};
  }
  array b = bits;
  if (axes[0] >= 0) {
    b = moveaxis(bits, axes[0], 0, s);
  } else {
    Shape sh{n};
    sh.insert(sh.end(), bits.shape().begin(), bits.shape().end());
    b = broadcast_to(expand_dims(bits, 0, s), sh, s);
  }
  Shape out(b.shape().begin(), b.shape().end() - bits_extra);
  std::vector<array> ins{b};
  for (size_t i = 1; i < inputs.size(); ++i) {
    if (axes[i] < 0) {
      ins.push_back(inputs[i]);
      continue;
    }
    array p = moveaxis(inputs[i], axes[i], 0, s);
    Shape sh{n};
    sh.insert(sh.end(), out.size() - p.ndim(), 1);
    sh.insert(sh.end(), p.shape().begin() + 1, p.shape().end());
    ins.push_back(reshape(p, sh, s));
  }
  return {{make(std::move(out), std::move(ins))}, {0}};
}

} // namespace

// ---- RandomBits ----

bool RandomBits::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const RandomBits*>(&other);
  return o && o->shape_ == shape_ && o->width_ == width_;
}

std::vector<Shape> RandomBits::output_shapes(const std::vector<array>& inputs) {
  const auto& ks = inputs[0].shape();
  Shape out(ks.begin(), ks.end() - 1);
  out.insert(out.end(), shape_.begin(), shape_.end());
  return {out};
}

std::vector<array> RandomBits::jvp(const std::vector<array>& primals, const std::vector<array>&,
                                   const std::vector<int>&) {
  return {zeros(output_shapes(primals)[0], bits_dtype(width_), stream())};
}

std::vector<array> RandomBits::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                   const std::vector<int>& argnums, const std::vector<array>&) {
  return zero_vjps(primals, argnums, stream());
}

std::pair<std::vector<array>, std::vector<int>> RandomBits::vmap(const std::vector<array>& inputs,
                                                                 const std::vector<int>& axes) {
  const auto& s = stream();
  // The keys with the mapped axis first: a stack of per-element keys, each of
  // which gets its own bits (laid out key after key).
  array keys = axes[0] >= 0 ? moveaxis(inputs[0], axes[0], 0, s) : inputs[0];
  auto shape = output_shapes({keys})[0];
  array out(std::move(shape), bits_dtype(width_),
            std::make_shared<RandomBits>(s, shape_, width_), {std::move(keys)});
  return {{out}, {axes[0] >= 0 ? 0 : -1}};
}

// ---- RandomUniform ----

std::vector<Shape> RandomUniform::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

namespace {
// The [0, 1) sample u of RandomUniform's bits, in dtype.
array unit_uniform(const array& bits, Dtype dtype, const Stream& s) {
  auto shape = bits.shape();
  return array(std::move(shape), dtype, std::make_shared<RandomUniform>(s),
               {bits, array(0.0f, dtype), array(1.0f, dtype)});
}
} // namespace

std::vector<array> RandomUniform::vjp(const std::vector<array>& primals,
                                      const std::vector<array>& cotangents,
                                      const std::vector<int>& argnums,
                                      const std::vector<array>&) {
  const auto& s = stream();
  const array& ct = cotangents[0];
  Dtype dt = primals[1].dtype();
  std::optional<array> u;
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) {
      out.push_back(zeros_like(primals[0], s));
      continue;
    }
    if (!u) u = unit_uniform(primals[0], dt, s);
    // d out / d low = 1 - u, d out / d high = u.
    array d = arg == 1 ? subtract(array(1.0f, dt), *u, s) : *u;
    out.push_back(sum_to_shape(multiply(ct, d, s), primals[arg].shape(), s));
  }
  return out;
}

std::vector<array> RandomUniform::jvp(const std::vector<array>& primals,
                                      const std::vector<array>& tangents,
                                      const std::vector<int>& argnums) {
  const auto& s = stream();
  Dtype dt = primals[1].dtype();
  const Shape& out_shape = primals[0].shape();
  std::optional<array> u, t;
  for (size_t i = 0; i < argnums.size(); ++i) {
    int arg = argnums[i];
    if (arg == 0) continue;
    if (!u) u = unit_uniform(primals[0], dt, s);
    array d = arg == 1 ? subtract(array(1.0f, dt), *u, s) : *u;
    array ti = multiply(tangents[i], d, s);
    t = t ? add(*t, ti, s) : ti;
  }
  if (!t) return {zeros(out_shape, dt, s)};
  return {*t};
}

std::pair<std::vector<array>, std::vector<int>> RandomUniform::vmap(
    const std::vector<array>& inputs, const std::vector<int>& axes) {
  const auto& s = stream();
  Dtype dt = inputs[1].dtype();
  return vmap_sampler(
      inputs, axes, 0,
      [&](Shape shape, std::vector<array> ins) {
        return array(std::move(shape), dt, std::make_shared<RandomUniform>(s), std::move(ins));
      },
      s);
}

// ---- RandomNormal ----

bool RandomNormal::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const RandomNormal*>(&other);
  return o && o->dtype_ == dtype_ && o->has_scale_ == has_scale_ && o->has_loc_ == has_loc_;
}

std::vector<Shape> RandomNormal::output_shapes(const std::vector<array>& inputs) {
  const auto& bs = inputs[0].shape();
  return {Shape(bs.begin(), bs.end() - (dtype_ == complex64 ? 1 : 0))};
}

namespace {
// The standard normal sample z of RandomNormal's bits, in dtype.
array standard_normal(RandomNormal& p, const array& bits, const Stream& s) {
  auto shape = p.output_shapes({bits})[0];
  return array(std::move(shape), p.dtype(), std::make_shared<RandomNormal>(s, p.dtype(), false, false),
               {bits});
}
} // namespace

std::vector<array> RandomNormal::vjp(const std::vector<array>& primals,
                                     const std::vector<array>& cotangents,
                                     const std::vector<int>& argnums,
                                     const std::vector<array>&) {
  const auto& s = stream();
  const array& ct = cotangents[0];
  int scale_idx = has_scale_ ? 1 : -1;
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) {
      out.push_back(zeros_like(primals[0], s));
    } else if (arg == scale_idx) {
      // d out / d scale = z (conjugated for complex, as multiply's vjp).
      array z = standard_normal(*this, primals[0], s);
      if (dtype_ == complex64) z = conjugate(z, s);
      out.push_back(sum_to_shape(multiply(ct, z, s), primals[arg].shape(), s));
    } else {
      // loc: d out / d loc = 1.
      out.push_back(sum_to_shape(ct, primals[arg].shape(), s));
    }
  }
  return out;
}

std::vector<array> RandomNormal::jvp(const std::vector<array>& primals,
                                     const std::vector<array>& tangents,
                                     const std::vector<int>& argnums) {
  const auto& s = stream();
  int scale_idx = has_scale_ ? 1 : -1;
  Shape out_shape = output_shapes(primals)[0];
  std::optional<array> t;
  for (size_t i = 0; i < argnums.size(); ++i) {
    int arg = argnums[i];
    if (arg == 0) continue;
    array ti = arg == scale_idx
                   ? multiply(tangents[i], standard_normal(*this, primals[0], s), s)
                   : tangents[i];
    t = t ? add(*t, ti, s) : ti;
  }
  if (!t) return {zeros(out_shape, dtype_, s)};
  if (t->shape() != out_shape) t = broadcast_to(*t, out_shape, s);
  return {*t};
}

std::pair<std::vector<array>, std::vector<int>> RandomNormal::vmap(
    const std::vector<array>& inputs, const std::vector<int>& axes) {
  const auto& s = stream();
  Dtype dt = dtype_;
  bool hs = has_scale_, hl = has_loc_;
  return vmap_sampler(
      inputs, axes, dt == complex64 ? 1 : 0,
      [&](Shape shape, std::vector<array> ins) {
        return array(std::move(shape), dt, std::make_shared<RandomNormal>(s, dt, hs, hl),
                     std::move(ins));
      },
      s);
}

// ---- RandomInt ----

bool RandomInt::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const RandomInt*>(&other);
  return o && o->dtype_ == dtype_;
}

std::vector<Shape> RandomInt::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

std::vector<array> RandomInt::jvp(const std::vector<array>& primals, const std::vector<array>&,
                                  const std::vector<int>&) {
  return {zeros(primals[0].shape(), dtype_, stream())};
}

std::vector<array> RandomInt::vjp(const std::vector<array>& primals, const std::vector<array>&,
                                  const std::vector<int>& argnums, const std::vector<array>&) {
  return zero_vjps(primals, argnums, stream());
}

std::pair<std::vector<array>, std::vector<int>> RandomInt::vmap(const std::vector<array>& inputs,
                                                                const std::vector<int>& axes) {
  const auto& s = stream();
  Dtype dt = dtype_;
  return vmap_sampler(
      inputs, axes, 0,
      [&](Shape shape, std::vector<array> ins) {
        return array(std::move(shape), dt, std::make_shared<RandomInt>(s, dt), std::move(ins));
      },
      s);
}

// ---- RandomBernoulli ----

std::vector<Shape> RandomBernoulli::output_shapes(const std::vector<array>& inputs) {
  return {inputs[0].shape()};
}

std::vector<array> RandomBernoulli::jvp(const std::vector<array>& primals,
                                        const std::vector<array>&, const std::vector<int>&) {
  return {zeros(primals[0].shape(), bool_, stream())};
}

std::vector<array> RandomBernoulli::vjp(const std::vector<array>& primals,
                                        const std::vector<array>&,
                                        const std::vector<int>& argnums,
                                        const std::vector<array>&) {
  return zero_vjps(primals, argnums, stream());
}

std::pair<std::vector<array>, std::vector<int>> RandomBernoulli::vmap(
    const std::vector<array>& inputs, const std::vector<int>& axes) {
  const auto& s = stream();
  return vmap_sampler(
      inputs, axes, 0,
      [&](Shape shape, std::vector<array> ins) {
        return array(std::move(shape), bool_, std::make_shared<RandomBernoulli>(s),
                     std::move(ins));
      },
      s);
}

MLX_NO_GPU(RandomBits)
MLX_NO_GPU(RandomUniform)
MLX_NO_GPU(RandomNormal)
MLX_NO_GPU(RandomInt)
MLX_NO_GPU(RandomBernoulli)

} // namespace mlx::core
