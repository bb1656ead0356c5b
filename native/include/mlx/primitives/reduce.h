// Primitives of the reduce family.
//
// Every reduction primitive keeps its sorted, non-negative reduced axes and
// whether the reduced axes stay as size-1 dimensions (keepdims): the output's
// row-major layout is the same either way, so the kernels never need a reshape.
#pragma once

#include <utility>
#include <vector>

#include "mlx/primitives.h"

namespace mlx::core {

// The transformation rules every primitive of this family overrides.
#define MLX_REDUCE_TRANSFORMS                                                          \
  std::vector<array> vjp(const std::vector<array>& primals,                            \
                         const std::vector<array>& cotangents,                         \
                         const std::vector<int>& argnums,                              \
                         const std::vector<array>& outputs) override;                  \
  std::vector<array> jvp(const std::vector<array>& primals,                            \
                         const std::vector<array>& tangents,                           \
                         const std::vector<int>& argnums) override;                    \
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs, \
                                                       const std::vector<int>& axes) override;

/** Base of the reductions over a set of axes. */
class AxesReduction : public UnaryPrimitive {
 public:
  AxesReduction(Stream s, std::vector<int> axes, bool keepdims)
      : UnaryPrimitive(s), axes_(std::move(axes)), keepdims_(keepdims) {}
  /** The reduced axes, sorted and non-negative. */
  const std::vector<int>& axes() const { return axes_; }
  bool keepdims() const { return keepdims_; }
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;

 protected:
  bool same_axes(const AxesReduction& o) const {
    return axes_ == o.axes_ && keepdims_ == o.keepdims_;
  }

 private:
  std::vector<int> axes_;
  bool keepdims_;
};

/** sum, prod, max, min, all (And) and any (Or) over axes. */
class Reduce : public AxesReduction {
 public:
  // Same order as MLX's Reduce::ReduceType.
  enum ReduceType { And, Or, Sum, Prod, Min, Max };

  Reduce(Stream s, ReduceType type, std::vector<int> axes, bool keepdims = true)
      : AxesReduction(s, std::move(axes), keepdims), type_(type) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override;
  bool is_equivalent(const Primitive& other) const override;
  ReduceType reduce_type() const { return type_; }
  MLX_REDUCE_TRANSFORMS

 private:
  ReduceType type_;
};

/** mean over axes: the sum (accumulated as sum does) times 1 / count. */
class Mean : public AxesReduction {
 public:
  Mean(Stream s, std::vector<int> axes, bool keepdims = true)
      : AxesReduction(s, std::move(axes), keepdims) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Mean"; }
  bool is_equivalent(const Primitive& other) const override;
  MLX_REDUCE_TRANSFORMS
};

/** var (or std, when `is_std`) over axes: two passes, the mean then the sum of
 * squared deviations, divided by max(N - ddof, 0). Floating inputs only. */
class Var : public AxesReduction {
 public:
  Var(Stream s, std::vector<int> axes, bool keepdims, int ddof, bool is_std)
      : AxesReduction(s, std::move(axes), keepdims), ddof_(ddof), is_std_(is_std) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return is_std_ ? "Std" : "Var"; }
  bool is_equivalent(const Primitive& other) const override;
  int ddof() const { return ddof_; }
  bool is_std() const { return is_std_; }
  MLX_REDUCE_TRANSFORMS

 private:
  int ddof_;
  bool is_std_;
};

/** logsumexp over axes: two passes, the maximum m then log(sum(exp(x - m))) + m
 * (m itself where it is infinite). Floating inputs only. */
class LogSumExp : public AxesReduction {
 public:
  LogSumExp(Stream s, std::vector<int> axes, bool keepdims = true)
      : AxesReduction(s, std::move(axes), keepdims) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "LogSumExp"; }
  bool is_equivalent(const Primitive& other) const override;
  MLX_REDUCE_TRANSFORMS
};

/** argmin / argmax (uint32) along one axis, or over the row-major flattened
 * array when `axis` is -1. Ties give the first index; NaN wins. */
class ArgReduce : public UnaryPrimitive {
 public:
  enum ReduceType { ArgMin, ArgMax };

  ArgReduce(Stream s, ReduceType type, int axis, bool keepdims = true)
      : UnaryPrimitive(s), type_(type), axis_(axis), keepdims_(keepdims) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return type_ == ArgMax ? "ArgMax" : "ArgMin"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  ReduceType reduce_type() const { return type_; }
  /** The reduced axis; -1 for the flattened array. */
  int axis() const { return axis_; }
  bool keepdims() const { return keepdims_; }
  MLX_REDUCE_TRANSFORMS

 private:
  ReduceType type_;
  int axis_;
  bool keepdims_;
};

#undef MLX_REDUCE_TRANSFORMS

} // namespace mlx::core
