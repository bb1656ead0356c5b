// Transform rules and device fallbacks of the indexing primitives.
//
// Gradients: the gathers (Take, GatherAxis) are linear in their source; their
// vjp scatter-adds the cotangent into zeros shaped like the source
// (ScatterAddAxis), whose own vjp gathers again, so every order of derivative
// stays inside this family. Integer indices get zero gradients and tangents.
#include "mlx/primitives/indexing.h"

#include <algorithm>

#include "mlx/ops.h"

namespace mlx::core {

namespace {

bool has_arg(const std::vector<int>& argnums, int k) {
  return std::find(argnums.begin(), argnums.end(), k) != argnums.end();
}

// The ScatterAddAxis node (the primitive's own semantics: src dimensions of
// size 1 accumulate; see the class comment). Shapes are the caller's duty;
// updates are cast to src's dtype (a cotangent may come in another dtype,
// the gradient keeps the primal's).
array scatter_add_node(const array& src, const array& indices, const array& updates, int axis,
                       const Stream& s) {
  auto shape = src.shape();
  auto dtype = src.dtype();
  array upd = updates.dtype() == dtype ? updates : astype(updates, dtype, s);
  return array(std::move(shape), dtype, std::make_shared<ScatterAddAxis>(s, axis),
               {src, indices, std::move(upd)});
}

// `a` with its mapped axis `ax` moved to the front (-1: a new front axis of
// size 1, which the gathers broadcast).
array batch_front(const array& a, int ax, const Stream& s) {
  if (ax < 0) return expand_dims(a, 0, s);
  return ax == 0 ? a : moveaxis(a, ax, 0, s);
}

// As batch_front, but an unmapped `a` is broadcast to the batch size `n`.
array batch_front_full(const array& a, int ax, int n, const Stream& s) {
  if (ax >= 0) return ax == 0 ? a : moveaxis(a, ax, 0, s);
  auto e = expand_dims(a, 0, s);
  auto shape = e.shape();
  shape[0] = n;
  return broadcast_to(e, shape, s);
}

// Take's indices and the cotangent of its output rearranged for the axis
// form: indices (1, .., |I|, .., 1) and values (pre, |I|, post), |I| at `axis`.
std::pair<array, array> take_as_axis_form(const array& indices, const array& values, int axis,
                                          int ndim, const Stream& s) {
  int idx_dims = static_cast<int>(indices.ndim());
  int32_t n_idx = static_cast<int32_t>(indices.size());
  Shape ishape(ndim, 1);
  ishape[axis] = n_idx;
  Shape vshape(values.shape().begin(), values.shape().begin() + axis);
  vshape.push_back(n_idx);
  vshape.insert(vshape.end(), values.shape().begin() + axis + idx_dims, values.shape().end());
  return {indices.shape() == ishape ? indices : reshape(indices, ishape, s),
          values.shape() == vshape ? values : reshape(values, vshape, s)};
}

int batch_size(const std::vector<array>& inputs, const std::vector<int>& axes) {
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] >= 0) return inputs[i].shape(axes[i]);
  }
  return 1;
}

} // namespace

// ---------------------------------------------------------------- Take

bool Take::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const Take*>(&other);
  return o && o->axis_ == axis_;
}

std::vector<Shape> Take::output_shapes(const std::vector<array>& inputs) {
  const auto& a = inputs[0].shape();
  const auto& idx = inputs[1].shape();
  Shape out(a.begin(), a.begin() + axis_);
  out.insert(out.end(), idx.begin(), idx.end());
  out.insert(out.end(), a.begin() + axis_ + 1, a.end());
  return {out};
}

std::vector<array> Take::vjp(const std::vector<array>& primals,
                             const std::vector<array>& cotangents,
                             const std::vector<int>& argnums, const std::vector<array>&) {
  const auto& a = primals[0];
  const auto& idx = primals[1];
  std::vector<array> vjps;
  for (int k : argnums) {
    if (k != 0) {
      vjps.push_back(zeros_like(idx, stream()));
      continue;
    }
    // cotangent (pre, I..., post) -> (pre, |I|, post); indices -> (1, |I|, 1).
    auto [ix, ct] =
        take_as_axis_form(idx, cotangents[0], axis_, static_cast<int>(a.ndim()), stream());
    vjps.push_back(scatter_add_node(zeros_like(a, stream()), ix, ct, axis_, stream()));
  }
  return vjps;
}

std::vector<array> Take::jvp(const std::vector<array>& primals,
                             const std::vector<array>& tangents,
                             const std::vector<int>& argnums) {
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] == 0) return {take(tangents[i], primals[1], axis_, stream())};
  }
  // Only the (integer) indices vary: the output does not move.
  auto shape = output_shapes(primals)[0];
  return {zeros(shape, primals[0].dtype(), stream())};
}

std::pair<std::vector<array>, std::vector<int>> Take::vmap(const std::vector<array>& inputs,
                                                           const std::vector<int>& axes) {
  const auto& a = inputs[0];
  const auto& idx = inputs[1];
  int aa = axes[0], ia = axes[1];
  const auto& s = stream();
  if (aa < 0 && ia < 0) return {{take(a, idx, axis_, s)}, {-1}};
  if (ia < 0) {
    // Same indices for every batch element: gather along the shifted axis.
    return {{take(batch_front(a, aa, s), idx, axis_ + 1, s)}, {0}};
  }
  if (aa < 0) {
    // One source, batched indices: the batch axis of the indices lands at
    // axis_ + ia in the output.
    return {{take(a, idx, axis_, s)}, {axis_ + ia}};
  }
  // Both batched: a per-batch gather is take_along_axis with the batch axis
  // in front and the indices flattened along the gather axis.
  int ndim = static_cast<int>(a.ndim()) - 1; // the unbatched rank
  auto src = batch_front(a, aa, s);
  auto ix = batch_front(idx, ia, s);
  Shape ishape{ix.shape(0)};
  int64_t n_idx = 1;
  for (int d = 1; d < static_cast<int>(ix.ndim()); ++d) n_idx *= ix.shape(d);
  for (int d = 0; d < ndim; ++d) ishape.push_back(d == axis_ ? static_cast<int32_t>(n_idx) : 1);
  auto g = take_along_axis(src, reshape(ix, ishape, s), axis_ + 1, s);
  // (B, pre, |I|, post) -> (B, pre, I..., post)
  Shape out_shape(g.shape().begin(), g.shape().begin() + 1 + axis_);
  out_shape.insert(out_shape.end(), ix.shape().begin() + 1, ix.shape().end());
  out_shape.insert(out_shape.end(), g.shape().begin() + 2 + axis_, g.shape().end());
  return {{reshape(g, out_shape, s)}, {0}};
}

// ---------------------------------------------------------------- GatherAxis

bool GatherAxis::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const GatherAxis*>(&other);
  return o && o->axis_ == axis_;
}

std::vector<Shape> GatherAxis::output_shapes(const std::vector<array>& inputs) {
  return {take_along_axis_shape(inputs[0].shape(), inputs[1].shape(), axis_)};
}

std::vector<array> GatherAxis::vjp(const std::vector<array>& primals,
                                   const std::vector<array>& cotangents,
                                   const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> vjps;
  for (int k : argnums) {
    if (k != 0) {
      vjps.push_back(zeros_like(primals[1], stream()));
    } else {
      // Dimensions where `a` was broadcast (size 1) accumulate in the scatter.
      vjps.push_back(scatter_add_node(zeros_like(primals[0], stream()), primals[1],
                                      cotangents[0], axis_, stream()));
    }
  }
  return vjps;
}

std::vector<array> GatherAxis::jvp(const std::vector<array>& primals,
                                   const std::vector<array>& tangents,
                                   const std::vector<int>& argnums) {
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] == 0) return {take_along_axis(tangents[i], primals[1], axis_, stream())};
  }
  auto shape = output_shapes(primals)[0];
  return {zeros(shape, primals[0].dtype(), stream())};
}

std::pair<std::vector<array>, std::vector<int>> GatherAxis::vmap(
    const std::vector<array>& inputs, const std::vector<int>& axes) {
  const auto& s = stream();
  if (axes[0] < 0 && axes[1] < 0) {
    return {{take_along_axis(inputs[0], inputs[1], axis_, s)}, {-1}};
  }
  // Both to the front; an unmapped one gets a size-1 batch axis that the
  // gather broadcasts.
  auto a = batch_front(inputs[0], axes[0], s);
  auto idx = batch_front(inputs[1], axes[1], s);
  return {{take_along_axis(a, idx, axis_ + 1, s)}, {0}};
}

// ---------------------------------------------------------------- ScatterAddAxis

bool ScatterAddAxis::is_equivalent(const Primitive& other) const {
  auto* o = dynamic_cast<const ScatterAddAxis*>(&other);
  return o && o->axis_ == axis_;
}

std::vector<array> ScatterAddAxis::vjp(const std::vector<array>& primals,
                                       const std::vector<array>& cotangents,
                                       const std::vector<int>& argnums,
                                       const std::vector<array>&) {
  const auto& idx = primals[1];
  const auto& upd = primals[2];
  const auto& ct = cotangents[0];
  std::vector<array> vjps;
  for (int k : argnums) {
    if (k == 0) {
      vjps.push_back(ct);
    } else if (k == 2) {
      // Each update went to one element of the output: gather it back. Where
      // src (and so ct) is 1 wide the gather comes out 1 wide: broadcast.
      auto g = take_along_axis(ct, idx, axis_, stream());
      vjps.push_back(g.shape() == upd.shape() ? g : broadcast_to(g, upd.shape(), stream()));
    } else {
      vjps.push_back(zeros_like(idx, stream()));
    }
  }
  return vjps;
}

std::vector<array> ScatterAddAxis::jvp(const std::vector<array>& primals,
                                       const std::vector<array>& tangents,
                                       const std::vector<int>& argnums) {
  // Linear in (src, updates): scatter the tangents the same way.
  const array* ts = nullptr;
  const array* tu = nullptr;
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] == 0) ts = &tangents[i];
    if (argnums[i] == 2) tu = &tangents[i];
  }
  const auto& s = stream();
  if (!ts && !tu) return {zeros_like(primals[0], s)};
  if (!tu) return {*ts};
  array src = ts ? *ts : zeros_like(primals[0], s);
  return {scatter_add_node(src, primals[1], *tu, axis_, s)};
}

std::pair<std::vector<array>, std::vector<int>> ScatterAddAxis::vmap(
    const std::vector<array>& inputs, const std::vector<int>& axes) {
  const auto& s = stream();
  if (axes[0] < 0 && axes[1] < 0 && axes[2] < 0) {
    return {{scatter_add_node(inputs[0], inputs[1], inputs[2], axis_, s)}, {-1}};
  }
  int n = batch_size(inputs, axes);
  // src and updates need the full batch (a size-1 src axis would sum the
  // batch); the indices broadcast.
  auto src = batch_front_full(inputs[0], axes[0], n, s);
  auto idx = batch_front(inputs[1], axes[1], s);
  auto upd = batch_front_full(inputs[2], axes[2], n, s);
  return {{scatter_add_node(src, idx, upd, axis_ + 1, s)}, {0}};
}

MLX_NO_GPU(Take)
MLX_NO_GPU(GatherAxis)
MLX_NO_GPU(ScatterAddAxis)

} // namespace mlx::core
