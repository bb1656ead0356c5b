// Evaluation entry points (the function transforms join them in a later issue).
#pragma once

#include <vector>

#include "mlx/array.h"

namespace mlx::core {

/** Evaluates the arrays and waits for them. Rethrows the first error. */
void eval(std::vector<array> outputs);

/** Schedules evaluation and returns at once. */
void async_eval(std::vector<array> outputs);

/** Waits for arrays scheduled earlier (by async_eval). Rethrows errors. */
void wait_for(const std::vector<array>& outputs);

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
