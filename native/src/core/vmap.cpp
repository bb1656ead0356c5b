// vmap: trace the function once on placeholder inputs (the mapped axis
// removed), then rebuild the traced graph node by node through each
// primitive's vmap rule, on the real (batched) inputs.
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "mlx/ops.h"
#include "mlx/primitives.h"
#include "mlx/transforms.h"

namespace mlx::core {

namespace {

using Fun = std::function<std::vector<array>(const std::vector<array>&)>;

// Nodes between `sources` and `outputs` that depend on a source, in order.
std::vector<array> dependent_tape(const std::vector<array>& outputs,
                                  std::unordered_set<uintptr_t>& depends) {
  std::vector<array> tape;
  std::unordered_set<uintptr_t> visited(depends.begin(), depends.end());
  std::vector<std::pair<array, size_t>> stack;
  for (auto& out : outputs) {
    if (!visited.insert(out.id()).second) continue;
    stack.emplace_back(out, 0);
    while (!stack.empty()) {
      auto& top = stack.back();
      auto& ins = top.first.inputs();
      if (top.second < ins.size()) {
        array in = ins[top.second++];
        if (visited.insert(in.id()).second) {
          // Siblings are one node: visit it once, whichever output is reached.
          for (auto& s : in.siblings()) visited.insert(s.id());
          stack.emplace_back(std::move(in), 0);
        }
        continue;
      }
      array node = top.first;
      stack.pop_back();
      if (!node.has_primitive()) continue;
      bool needed = false;
      for (auto& in : node.inputs()) needed = needed || depends.count(in.id());
      if (!needed) continue;
      for (auto& o : node.outputs()) depends.insert(o.id());
      tape.push_back(std::move(node));
    }
  }
  return tape;
}

} // namespace

namespace detail {

std::pair<std::vector<array>, std::vector<array>> vmap_trace(
    const Fun& fun, const std::vector<array>& inputs, const std::vector<int>& in_axes) {
  if (in_axes.size() != inputs.size()) {
    std::ostringstream msg;
    msg << "[vmap] The number of in axes (" << in_axes.size()
        << ") must match the number of arguments (" << inputs.size() << ").";
    throw std::invalid_argument(msg.str());
  }
  int size = -1;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (in_axes[i] == -1) continue;
    int ax = in_axes[i];
    if (ax < 0 || ax >= static_cast<int>(inputs[i].ndim())) {
      std::ostringstream msg;
      msg << "[vmap] Axis " << ax << " is out of bounds for argument " << i << " with "
          << inputs[i].ndim() << " dimensions.";
      throw std::invalid_argument(msg.str());
    }
    int n = inputs[i].shape(ax);
    if (size != -1 && n != size) {
      std::ostringstream msg;
      msg << "[vmap] Inconsistent axis sizes: " << n << " and " << size << ".";
      throw std::invalid_argument(msg.str());
    }
    size = n;
  }
  if (size == -1) {
    throw std::invalid_argument("[vmap] At least one of in_axes must be non-None.");
  }
  detail::InTracing tracing;
  std::vector<array> s_inputs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (in_axes[i] == -1) {
      s_inputs.push_back(inputs[i]);
    } else {
      auto shape = inputs[i].shape();
      shape.erase(shape.begin() + in_axes[i]);
      // A placeholder: shape and dtype only, never evaluated.
      s_inputs.push_back(array(std::move(shape), inputs[i].dtype(), nullptr, {}));
    }
  }
  auto s_outputs = fun(s_inputs);
  return {s_inputs, s_outputs};
}

std::vector<array> vmap_replace(const std::vector<array>& inputs,
                                const std::vector<array>& s_inputs,
                                const std::vector<array>& s_outputs,
                                const std::vector<int>& in_axes,
                                const std::vector<int>& out_axes) {
  if (out_axes.size() != s_outputs.size()) {
    std::ostringstream msg;
    msg << "[vmap] The number of out axes (" << out_axes.size()
        << ") must match the number of outputs (" << s_outputs.size() << ").";
    throw std::invalid_argument(msg.str());
  }
  int size = 0;
  std::unordered_map<uintptr_t, std::pair<array, int>> mapped;
  std::unordered_set<uintptr_t> depends;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (in_axes[i] == -1) continue;
    size = inputs[i].shape(in_axes[i]);
    mapped.insert_or_assign(s_inputs[i].id(), std::make_pair(inputs[i], in_axes[i]));
    depends.insert(s_inputs[i].id());
  }
  auto tape = dependent_tape(s_outputs, depends);
  for (auto& a : tape) {
    std::vector<array> v_inputs;
    std::vector<int> v_axes;
    for (auto& in : a.inputs()) {
      auto m = mapped.find(in.id());
      if (m != mapped.end()) {
        v_inputs.push_back(m->second.first);
        v_axes.push_back(m->second.second);
      } else {
        v_inputs.push_back(in);
        v_axes.push_back(-1);
      }
    }
    auto [v_outs, v_out_axes] = a.primitive().vmap(v_inputs, v_axes);
    auto outs = a.outputs();
    for (size_t k = 0; k < outs.size(); ++k) {
      mapped.insert_or_assign(outs[k].id(), std::make_pair(v_outs[k], v_out_axes[k]));
    }
  }
  std::vector<array> results;
  for (size_t i = 0; i < s_outputs.size(); ++i) {
    auto m = mapped.find(s_outputs[i].id());
    int out_ax = out_axes[i];
    if (m == mapped.end()) {
      // Independent of the mapped inputs: the same value for every index.
      auto& o = s_outputs[i];
      if (out_ax == -1) {
        results.push_back(o);
        continue;
      }
      auto e = expand_dims(o, out_ax);
      auto shape = e.shape();
      shape[out_ax < 0 ? out_ax + e.ndim() : out_ax] = size;
      results.push_back(broadcast_to(e, shape));
      continue;
    }
    auto [v, ax] = m->second;
    if (out_ax == -1) {
      throw std::invalid_argument(
          "[vmap] Cannot use an out axis of None for an output that depends on the mapped inputs.");
    }
    if (ax == -1) {
      auto e = expand_dims(v, out_ax);
      auto shape = e.shape();
      shape[out_ax < 0 ? out_ax + e.ndim() : out_ax] = size;
      results.push_back(broadcast_to(e, shape));
    } else {
      results.push_back(ax == out_ax ? v : moveaxis(v, ax, out_ax));
    }
  }
  return results;
}

} // namespace detail

Fun vmap(const Fun& fun, const std::vector<int>& in_axes, const std::vector<int>& out_axes) {
  return [fun, in_axes, out_axes](const std::vector<array>& inputs) {
    auto [s_inputs, s_outputs] = detail::vmap_trace(fun, inputs, in_axes);
    // No out axes: all 0; one: the same for every output.
    std::vector<int> oa = out_axes;
    if (oa.size() <= 1) oa.assign(s_outputs.size(), oa.empty() ? 0 : oa[0]);
    return detail::vmap_replace(inputs, s_inputs, s_outputs, in_axes, oa);
  };
}

} // namespace mlx::core
