// Evaluation and the function transformations (vjp, jvp, vmap, custom_function).
#pragma once

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "mlx/array.h"

namespace mlx::core {

/** Evaluates the arrays and waits for them. Rethrows the first error. */
void eval(std::vector<array> outputs);

/** Schedules evaluation and returns at once. */
void async_eval(std::vector<array> outputs);

/** Waits for arrays scheduled earlier (by async_eval). Rethrows errors. */
void wait_for(const std::vector<array>& outputs);

using TransformFun = std::function<std::vector<array>(const std::vector<array>&)>;

/** Outputs of fun(primals) and the vector-Jacobian products for the primals
 * listed in argnums (all when empty). */
std::pair<std::vector<array>, std::vector<array>> vjp(
    const TransformFun& fun, const std::vector<array>& primals,
    const std::vector<array>& cotangents, const std::vector<int>& argnums);
std::pair<std::vector<array>, std::vector<array>> vjp(
    const TransformFun& fun, const std::vector<array>& primals,
    const std::vector<array>& cotangents);

/** fun(primals) (the first output must be a scalar) and the gradients of
 * that output for the primals listed in argnums. */
std::pair<std::vector<array>, std::vector<array>> value_and_grad(
    const TransformFun& fun, const std::vector<array>& primals, const std::vector<int>& argnums);

/** Outputs of fun(primals) and the Jacobian-vector products with tangents. */
std::pair<std::vector<array>, std::vector<array>> jvp(
    const TransformFun& fun, const std::vector<array>& primals,
    const std::vector<array>& tangents);

/** fun vectorized over in_axes (-1: not mapped); outputs mapped at out_axes
 * (empty: all 0). */
TransformFun vmap(const TransformFun& fun, const std::vector<int>& in_axes,
                  const std::vector<int>& out_axes = {});

namespace detail {
std::pair<std::vector<array>, std::vector<array>> vmap_trace(
    const TransformFun& fun, const std::vector<array>& inputs, const std::vector<int>& in_axes);
std::vector<array> vmap_replace(const std::vector<array>& inputs,
                                const std::vector<array>& s_inputs,
                                const std::vector<array>& s_outputs,
                                const std::vector<int>& in_axes,
                                const std::vector<int>& out_axes);
} // namespace detail

using VjpFun = std::function<std::vector<array>(
    const std::vector<array>& primals, const std::vector<array>& cotangents,
    const std::vector<array>& outputs)>;
using JvpFun = std::function<std::vector<array>(
    const std::vector<array>& primals, const std::vector<array>& tangents,
    const std::vector<int>& argnums)>;
using VmapFun = std::function<std::pair<std::vector<array>, std::vector<int>>(
    const std::vector<array>& inputs, const std::vector<int>& axes)>;

/** fun with its own transformation rules (MLX's custom_function). Rules not
 * given fall back to transforming fun itself. */
TransformFun custom_function(TransformFun fun, std::optional<VjpFun> fun_vjp = std::nullopt,
                             std::optional<JvpFun> fun_jvp = std::nullopt,
                             std::optional<VmapFun> fun_vmap = std::nullopt);

/** fun whose intermediate values are recomputed in the backward pass
 * instead of being kept (MLX's checkpoint). */
TransformFun checkpoint(TransformFun fun);

namespace detail {
/** True while a function transformation (vjp, jvp, vmap, compile) is tracing. */
bool in_tracing();
/** Marks a transformation in progress for its lifetime. */
struct InTracing {
  InTracing();
  ~InTracing();
  InTracing(const InTracing&) = delete;
};
} // namespace detail

template <typename... Arrays>
void eval(Arrays&&... outputs) {
  eval(std::vector<array>{std::forward<Arrays>(outputs)...});
}

} // namespace mlx::core
