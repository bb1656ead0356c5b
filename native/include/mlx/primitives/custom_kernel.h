// The primitive of a custom kernel call.
#pragma once

#include "mlx/fast.h"
#include "mlx/primitives.h"

namespace mlx::core {

/** Runs a user kernel; it has no transformation rules of its own (wrap it in a
 * custom_function to give it a gradient, as MLX's guide does). */
class CustomKernel : public Primitive {
 public:
  CustomKernel(Stream s, std::shared_ptr<const fast::CustomKernelSpec> spec, fast::KernelLaunch launch)
      : Primitive(s), spec_(std::move(spec)), launch_(launch) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  const char* name() const override { return "CustomKernel"; }
  const fast::CustomKernelSpec& spec() const { return *spec_; }
  const fast::KernelLaunch& launch() const { return launch_; }

 private:
  std::shared_ptr<const fast::CustomKernelSpec> spec_;
  fast::KernelLaunch launch_;
};

} // namespace mlx::core
