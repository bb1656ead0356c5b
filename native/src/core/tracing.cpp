// The global "a transform is tracing" depth, read by array::is_tracer().
#include <atomic>

#include "mlx/transforms.h"

namespace mlx::core::detail {

namespace {
std::atomic<int>& tracing_depth() {
  static std::atomic<int> depth{0};
  return depth;
}
} // namespace

bool in_tracing() { return tracing_depth().load(std::memory_order_relaxed) > 0; }
InTracing::InTracing() { ++tracing_depth(); }
InTracing::~InTracing() { --tracing_depth(); }

} // namespace mlx::core::detail
