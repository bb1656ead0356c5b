// The primitive behind custom_function: user-defined transformation rules.
#pragma once

#include "mlx/primitives.h"
#include "mlx/transforms.h"

namespace mlx::core {

/** The node of a custom_function call: forwards the traced outputs (its last
 * num_outputs inputs) and transforms with the user's rules. */
class CustomTransforms : public Primitive {
 public:
  CustomTransforms(Stream s, int num_outputs, VjpFun vjp, JvpFun jvp, VmapFun vmap)
      : Primitive(s), num_outputs_(num_outputs), vjp_fun_(std::move(vjp)),
        jvp_fun_(std::move(jvp)), vmap_fun_(std::move(vmap)) {}
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  const char* name() const override { return "CustomTransforms"; }

 private:
  int num_outputs_;
  VjpFun vjp_fun_;
  JvpFun jvp_fun_;
  VmapFun vmap_fun_;
};

} // namespace mlx::core
