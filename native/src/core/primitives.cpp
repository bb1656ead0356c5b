// Defaults of the Primitive contract: a transform a primitive does not define
// is an error naming the primitive.
#include "mlx/primitives.h"

#include <sstream>
#include <stdexcept>

namespace mlx::core {

namespace {
[[noreturn]] void missing(const Primitive& p, const char* what) {
  std::ostringstream msg;
  msg << "[" << p.name() << "] " << what << " is not defined for this primitive.";
  throw std::invalid_argument(msg.str());
}
} // namespace

std::vector<array> Primitive::jvp(const std::vector<array>&, const std::vector<array>&,
                                  const std::vector<int>&) {
  missing(*this, "jvp");
}

std::vector<array> Primitive::vjp(const std::vector<array>&, const std::vector<array>&,
                                  const std::vector<int>&, const std::vector<array>&) {
  missing(*this, "vjp");
}

std::pair<std::vector<array>, std::vector<int>> Primitive::vmap(const std::vector<array>&,
                                                                const std::vector<int>&) {
  missing(*this, "vmap");
}

std::vector<Shape> Primitive::output_shapes(const std::vector<array>&) {
  missing(*this, "output_shapes");
}

void no_gpu_backend(const char* primitive_name) {
  std::ostringstream msg;
  msg << "[" << primitive_name << "] No GPU backend is available on this machine; "
      << "run this operation on mx.cpu.";
  throw NoGpuImplementation(msg.str());
}

} // namespace mlx::core
