// Graph capture for compile: a traced function is replayed on new inputs.
#pragma once

#include <memory>
#include <vector>

#include "mlx/array.h"
#include "mlx/transforms.h"

namespace mlx::core {

/** A function's graph traced on placeholder inputs. */
struct CompiledGraph {
  std::vector<array> placeholders;
  std::vector<array> outputs;
  std::vector<array> tape; // nodes depending on the placeholders, in order
};

/** Traces fun once on placeholders shaped like `inputs`. */
std::shared_ptr<CompiledGraph> compile_trace(const TransformFun& fun,
                                             const std::vector<array>& inputs);

/** Rebuilds the traced graph on `inputs` (no user code runs). With
 * `shapeless`, output shapes are recomputed from the new input shapes. */
std::vector<array> compile_replay(const CompiledGraph& g, const std::vector<array>& inputs,
                                  bool shapeless = false);

void enable_compile();
void disable_compile();
bool is_compile_enabled();

} // namespace mlx::core
