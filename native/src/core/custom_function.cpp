// custom_function and checkpoint: a node that forwards a traced function's
// outputs and answers transforms with user-given (or recomputed) rules.
#include <sstream>

#include "mlx/ops.h"
#include "mlx/primitives.h"
#include "mlx/transforms.h"

namespace mlx::core {

void CustomTransforms::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  size_t first = inputs.size() - num_outputs_;
  for (int i = 0; i < num_outputs_; ++i) outputs[i].copy_shared_buffer(inputs[first + i]);
}

void CustomTransforms::eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  eval_cpu(inputs, outputs);
}

std::vector<array> CustomTransforms::vjp(const std::vector<array>& primals,
                                         const std::vector<array>& cotangents,
                                         const std::vector<int>& argnums,
                                         const std::vector<array>& outputs) {
  std::vector<array> inputs(primals.begin(), primals.end() - num_outputs_);
  auto all = vjp_fun_(inputs, cotangents, outputs);
  if (all.size() != inputs.size()) {
    std::ostringstream msg;
    msg << "[custom_function] The vjp function returned " << all.size()
        << " arrays, expected one per primal (" << inputs.size() << ").";
    throw std::invalid_argument(msg.str());
  }
  std::vector<array> vjps;
  for (int a : argnums) {
    if (a < static_cast<int>(inputs.size())) {
      if (all[a].shape() != primals[a].shape()) {
        std::ostringstream msg;
        msg << "[custom_function] The vjp for primal " << a << " has shape "
            << shape_to_string(all[a].shape()) << ", expected "
            << shape_to_string(primals[a].shape()) << ".";
        throw std::invalid_argument(msg.str());
      }
      vjps.push_back(all[a]);
    } else {
      // The traced outputs are behind stop_gradient: nothing flows there.
      vjps.push_back(zeros_like(primals[a]));
    }
  }
  return vjps;
}

std::vector<array> CustomTransforms::jvp(const std::vector<array>& primals,
                                         const std::vector<array>& tangents,
                                         const std::vector<int>& argnums) {
  std::vector<array> inputs(primals.begin(), primals.end() - num_outputs_);
  std::vector<array> t;
  std::vector<int> a;
  for (size_t k = 0; k < argnums.size(); ++k) {
    if (argnums[k] < static_cast<int>(inputs.size())) {
      t.push_back(tangents[k]);
      a.push_back(argnums[k]);
    }
  }
  return jvp_fun_(inputs, t, a);
}

std::pair<std::vector<array>, std::vector<int>> CustomTransforms::vmap(
    const std::vector<array>& inputs_, const std::vector<int>& axes_) {
  std::vector<array> inputs(inputs_.begin(), inputs_.end() - num_outputs_);
  std::vector<int> axes(axes_.begin(), axes_.end() - num_outputs_);
  return vmap_fun_(inputs, axes);
}

TransformFun custom_function(TransformFun fun, std::optional<VjpFun> fun_vjp,
                             std::optional<JvpFun> fun_jvp, std::optional<VmapFun> fun_vmap) {
  if (!fun_vjp && !fun_jvp && !fun_vmap) return fun;
  return [fun, fun_vjp, fun_jvp, fun_vmap](const std::vector<array>& args) {
    auto outputs = fun(args);
    if (outputs.empty()) {
      throw std::invalid_argument("[custom_function] The function must return at least one array.");
    }
    for (auto& o : outputs) o = stop_gradient(o);
    std::vector<array> inputs = args;
    inputs.insert(inputs.end(), outputs.begin(), outputs.end());
    std::vector<Shape> shapes;
    std::vector<Dtype> dtypes;
    for (auto& o : outputs) {
      shapes.push_back(o.shape());
      dtypes.push_back(o.dtype());
    }
    Stream s = outputs[0].has_primitive() ? outputs[0].primitive().stream()
                                          : default_stream(default_device());
    VjpFun v = fun_vjp ? *fun_vjp : VjpFun([fun](auto& primals, auto& cotangents, auto&) {
      return mlx::core::vjp(fun, primals, cotangents).second;
    });
    JvpFun j = fun_jvp ? *fun_jvp : JvpFun([fun](auto& primals, auto& tangents, auto& argnums) {
      std::vector<array> all;
      for (size_t i = 0, k = 0; i < primals.size(); ++i) {
        if (k < argnums.size() && argnums[k] == static_cast<int>(i)) {
          all.push_back(tangents[k++]);
        } else {
          all.push_back(zeros_like(primals[i]));
        }
      }
      return mlx::core::jvp(fun, primals, all).second;
    });
    VmapFun m = fun_vmap ? *fun_vmap : VmapFun([fun](auto& inputs, auto& axes) {
      auto outs = mlx::core::vmap(fun, axes)(inputs);
      return std::make_pair(outs, std::vector<int>(outs.size(), 0));
    });
    return array::make_arrays(std::move(shapes), dtypes,
                              std::make_shared<CustomTransforms>(s, static_cast<int>(outputs.size()),
                                                                 std::move(v), std::move(j),
                                                                 std::move(m)),
                              inputs);
  };
}

TransformFun checkpoint(TransformFun fun) {
  // The backward pass re-runs fun from the primals: only the inputs are kept.
  VjpFun v = [fun](const std::vector<array>& primals, const std::vector<array>& cotangents,
                   const std::vector<array>&) {
    return mlx::core::vjp(fun, primals, cotangents).second;
  };
  return custom_function(fun, v);
}

} // namespace mlx::core
