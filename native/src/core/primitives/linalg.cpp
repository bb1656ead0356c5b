// Transform rules and device fallbacks of the linalg primitives.
//
// Matmul and AddMM do numpy's 1-D promotion and batch broadcasting inside the
// kernel, so their rules work on the promoted operands: a 1-D first input is
// a (1, K) row, a 1-D second input a (K, 1) column, and the cotangents are
// summed back over the batch dimensions an input was broadcast along.
#include "mlx/primitives/linalg.h"

#include <algorithm>

#include "mlx/ops.h"

namespace mlx::core {

namespace {

// x summed down to `shape` (x's shape is `shape` broadcast: extra leading
// dimensions and dimensions where `shape` has 1).
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

// The shape of an operand after 1-D promotion (first: row, second: column).
Shape promoted(const array& x, bool first) {
  Shape sh = x.shape();
  if (sh.size() == 1) {
    if (first) {
      sh.insert(sh.begin(), 1);
    } else {
      sh.push_back(1);
    }
  }
  return sh;
}

// The last two axes swapped (conjugated for complex: the adjoint).
array adjoint(const array& x, const Stream& s) {
  auto t = swapaxes(x, -1, -2, s);
  return issubdtype(x.dtype(), complexfloating) ? conjugate(t, s) : t;
}

// Cotangents (scaled by `scale`, when not 1) of the operands of a @ b for the
// cotangent `ct` of the (unpromoted) product; `which` lists 0 (a) and/or 1 (b).
std::vector<array> matmul_vjps(const array& a, const array& b, const array& ct,
                               const std::vector<int>& which, float scale, const Stream& s) {
  Shape pa = promoted(a, true), pb = promoted(b, false);
  // The cotangent with the promoted unit dimensions put back.
  Shape full = matmul_output_shape(pa, pb);
  array c = reshape(ct, full, s);
  if (scale != 1.0f) c = multiply(c, array(scale, c.dtype()), s);
  std::vector<array> out;
  for (int w : which) {
    if (w == 0) {
      array g = matmul(c, adjoint(reshape(b, pb, s), s), s);
      out.push_back(reshape(sum_to_shape(g, pa, s), a.shape(), s));
    } else {
      array g = matmul(adjoint(reshape(a, pa, s), s), c, s);
      out.push_back(reshape(sum_to_shape(g, pb, s), b.shape(), s));
    }
  }
  return out;
}

// The tangent of a @ b: ta @ b + a @ tb over the given tangents (argnums
// entries 0 and 1 of `argnums`, the others ignored); nullopt when none.
std::optional<array> matmul_jvp(const std::vector<array>& primals,
                                const std::vector<array>& tangents,
                                const std::vector<int>& argnums, const Stream& s) {
  std::optional<array> out;
  for (size_t i = 0; i < argnums.size(); ++i) {
    int arg = argnums[i];
    if (arg != 0 && arg != 1) continue;
    array t = arg == 0 ? matmul(tangents[i], primals[1], s) : matmul(primals[0], tangents[i], s);
    out = out ? add(*out, t, s) : t;
  }
  return out;
}

// Operands of a vmapped matrix product: the mapped axis first (size 1 for an
// unmapped operand), 1-D operands promoted to matrices and the batch
// dimensions padded to a common rank so that they line up.
struct BatchedOperands {
  array a, b;
  bool a1, b1; // the operand was 1-D per batch element
};

BatchedOperands batch_operands(const array& a, int ax_a, const array& b, int ax_b,
                               const Stream& s) {
  int ra = static_cast<int>(a.ndim()) - (ax_a >= 0 ? 1 : 0);
  int rb = static_cast<int>(b.ndim()) - (ax_b >= 0 ? 1 : 0);
  bool a1 = ra == 1, b1 = rb == 1;
  int nb = std::max(std::max(ra, 2), std::max(rb, 2)) - 2;
  auto prep = [&](const array& x, int ax, bool first, bool one_d) {
    array y = ax >= 0 ? moveaxis(x, ax, 0, s) : expand_dims(x, 0, s);
    const Shape& sh = y.shape();
    Shape elem(sh.begin() + 1, sh.end());
    if (one_d) {
      if (first) {
        elem.insert(elem.begin(), 1);
      } else {
        elem.push_back(1);
      }
    }
    Shape full{sh[0]};
    full.insert(full.end(), nb + 2 - elem.size(), 1);
    full.insert(full.end(), elem.begin(), elem.end());
    return reshape(y, full, s);
  };
  return {prep(a, ax_a, true, a1), prep(b, ax_b, false, b1), a1, b1};
}

// The axes of the promoted unit dimensions in a batched product's output.
std::vector<int> promoted_axes(const BatchedOperands& op, int ndim) {
  std::vector<int> axes;
  if (op.a1) axes.push_back(ndim - 2);
  if (op.b1) axes.push_back(ndim - 1);
  return axes;
}

} // namespace

// ---- Matmul ----

std::vector<Shape> Matmul::output_shapes(const std::vector<array>& inputs) {
  return {matmul_output_shape(inputs[0].shape(), inputs[1].shape())};
}

std::vector<array> Matmul::vjp(const std::vector<array>& primals,
                               const std::vector<array>& cotangents,
                               const std::vector<int>& argnums, const std::vector<array>&) {
  return matmul_vjps(primals[0], primals[1], cotangents[0], argnums, 1.0f, stream());
}

std::vector<array> Matmul::jvp(const std::vector<array>& primals,
                               const std::vector<array>& tangents,
                               const std::vector<int>& argnums) {
  auto t = matmul_jvp(primals, tangents, argnums, stream());
  if (!t) {
    return {zeros(matmul_output_shape(primals[0].shape(), primals[1].shape()), primals[0].dtype(),
                  stream())};
  }
  return {*t};
}

std::pair<std::vector<array>, std::vector<int>> Matmul::vmap(const std::vector<array>& inputs,
                                                             const std::vector<int>& axes) {
  const auto& s = stream();
  if (axes[0] < 0 && axes[1] < 0) return {{matmul(inputs[0], inputs[1], s)}, {-1}};
  auto op = batch_operands(inputs[0], axes[0], inputs[1], axes[1], s);
  array out = matmul(op.a, op.b, s);
  auto sq = promoted_axes(op, static_cast<int>(out.ndim()));
  if (!sq.empty()) out = squeeze(out, sq, s);
  return {{out}, {0}};
}

// ---- AddMM ----

bool AddMM::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const AddMM*>(&other);
  return o && o->alpha_ == alpha_ && o->beta_ == beta_;
}

std::vector<Shape> AddMM::output_shapes(const std::vector<array>& inputs) {
  return {matmul_output_shape(inputs[0].shape(), inputs[1].shape())};
}

std::vector<array> AddMM::vjp(const std::vector<array>& primals,
                              const std::vector<array>& cotangents,
                              const std::vector<int>& argnums, const std::vector<array>&) {
  const auto& s = stream();
  const array& ct = cotangents[0];
  std::vector<int> ab;
  for (int arg : argnums) {
    if (arg < 2) ab.push_back(arg);
  }
  auto g = matmul_vjps(primals[0], primals[1], ct, ab, alpha_, s);
  std::vector<array> out;
  size_t k = 0;
  for (int arg : argnums) {
    if (arg < 2) {
      out.push_back(g[k++]);
    } else {
      array c = beta_ != 1.0f ? multiply(ct, array(beta_, ct.dtype()), s) : ct;
      out.push_back(sum_to_shape(c, primals[2].shape(), s));
    }
  }
  return out;
}

std::vector<array> AddMM::jvp(const std::vector<array>& primals,
                              const std::vector<array>& tangents,
                              const std::vector<int>& argnums) {
  const auto& s = stream();
  Dtype dt = primals[0].dtype();
  Shape out_shape = matmul_output_shape(primals[0].shape(), primals[1].shape());
  auto t = matmul_jvp(primals, tangents, argnums, s);
  if (t && alpha_ != 1.0f) t = multiply(*t, array(alpha_, dt), s);
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] != 2) continue;
    array tc = beta_ != 1.0f ? multiply(tangents[i], array(beta_, dt), s) : tangents[i];
    t = t ? add(*t, tc, s) : tc;
  }
  if (!t) return {zeros(out_shape, dt, s)};
  if (t->shape() != out_shape) t = broadcast_to(*t, out_shape, s);
  return {*t};
}

std::pair<std::vector<array>, std::vector<int>> AddMM::vmap(const std::vector<array>& inputs,
                                                            const std::vector<int>& axes) {
  const auto& s = stream();
  const array& c = inputs[2];
  int ax_c = axes[2];
  if (axes[0] < 0 && axes[1] < 0 && ax_c < 0) {
    return {{addmm(c, inputs[0], inputs[1], alpha_, beta_, s)}, {-1}};
  }
  int n = 0; // the mapped size
  for (int i = 0; i < 3; ++i) {
    if (axes[i] >= 0) n = inputs[i].shape(axes[i]);
  }
  auto op = batch_operands(inputs[0], axes[0], inputs[1], axes[1], s);
  if (axes[0] < 0 && axes[1] < 0) {
    // Only c is mapped: the product must carry the mapped axis itself, since
    // c may not grow addmm's output.
    Shape sh = op.a.shape();
    sh[0] = n;
    op.a = broadcast_to(op.a, sh, s);
  }
  // The batched output (n, batch..., M', N') and its per-element shape.
  Shape full = matmul_output_shape(op.a.shape(), op.b.shape());
  full[0] = n;
  Shape elem(full.begin() + 1, full.end());
  if (op.b1) elem.erase(elem.end() - 1);
  if (op.a1) elem.erase(elem.end() - (op.b1 ? 1 : 2));
  bool promoted = op.a1 || op.b1;
  array cv = c;
  if (ax_c >= 0) {
    cv = moveaxis(c, ax_c, 0, s);
    Shape sh{n};
    sh.insert(sh.end(), elem.size() - (cv.ndim() - 1), 1);
    sh.insert(sh.end(), cv.shape().begin() + 1, cv.shape().end());
    cv = reshape(cv, sh, s);
    if (promoted) {
      Shape b{n};
      b.insert(b.end(), elem.begin(), elem.end());
      cv = reshape(broadcast_to(cv, b, s), full, s);
    }
  } else if (promoted) {
    cv = reshape(broadcast_to(c, elem, s), Shape(full.begin() + 1, full.end()), s);
  }
  array out = addmm(cv, op.a, op.b, alpha_, beta_, s);
  auto sq = promoted_axes(op, static_cast<int>(out.ndim()));
  if (!sq.empty()) out = squeeze(out, sq, s);
  return {{out}, {0}};
}

MLX_NO_GPU(Matmul)
MLX_NO_GPU(AddMM)

} // namespace mlx::core
