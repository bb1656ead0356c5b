// compile: trace a function once per input signature on placeholder inputs,
// keep the graph, and replay it on new inputs by re-instantiating each node
// with the same primitive. No user code runs on a replay.
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "mlx/compile.h"
#include "mlx/primitives.h"
#include "mlx/transforms.h"

namespace mlx::core {

namespace {
std::atomic<bool>& compile_enabled() {
  static std::atomic<bool> enabled{true};
  return enabled;
}
} // namespace

void enable_compile() { compile_enabled() = true; }
void disable_compile() { compile_enabled() = false; }
bool is_compile_enabled() { return compile_enabled(); }

std::shared_ptr<CompiledGraph> compile_trace(const TransformFun& fun,
                                             const std::vector<array>& inputs) {
  auto g = std::make_shared<CompiledGraph>();
  {
    detail::InTracing tracing;
    for (auto& in : inputs) {
      g->placeholders.push_back(array(in.shape(), in.dtype(), nullptr, {}));
    }
    g->outputs = fun(g->placeholders);
  }
  // Nodes that depend on a placeholder, in topological order (iterative).
  std::unordered_set<uintptr_t> depends, visited;
  for (auto& p : g->placeholders) {
    depends.insert(p.id());
    visited.insert(p.id());
  }
  std::vector<std::pair<array, size_t>> stack;
  for (auto& out : g->outputs) {
    if (!visited.insert(out.id()).second) continue;
    stack.emplace_back(out, 0);
    while (!stack.empty()) {
      auto& top = stack.back();
      auto& ins = top.first.inputs();
      if (top.second < ins.size()) {
        array in = ins[top.second++];
        if (visited.insert(in.id()).second) stack.emplace_back(std::move(in), 0);
        continue;
      }
      array node = top.first;
      stack.pop_back();
      if (!node.has_primitive()) continue;
      bool needed = false;
      for (auto& in : node.inputs()) needed = needed || depends.count(in.id());
      if (!needed) continue;
      for (auto& o : node.outputs()) depends.insert(o.id());
      g->tape.push_back(std::move(node));
    }
  }
  return g;
}

std::vector<array> compile_replay(const CompiledGraph& g, const std::vector<array>& inputs,
                                  bool shapeless) {
  if (inputs.size() != g.placeholders.size()) {
    std::ostringstream msg;
    msg << "[compile] Expected " << g.placeholders.size() << " inputs, got " << inputs.size()
        << ".";
    throw std::invalid_argument(msg.str());
  }
  std::unordered_map<uintptr_t, array> map;
  for (size_t i = 0; i < inputs.size(); ++i) map.insert_or_assign(g.placeholders[i].id(), inputs[i]);
  auto lookup = [&map](const array& a) {
    auto it = map.find(a.id());
    return it == map.end() ? a : it->second;
  };
  for (auto& node : g.tape) {
    std::vector<array> ins;
    for (auto& in : node.inputs()) ins.push_back(lookup(in));
    auto outs = node.outputs();
    std::vector<Shape> shapes;
    std::vector<Dtype> dtypes;
    if (shapeless) {
      shapes = node.primitive().output_shapes(ins);
    } else {
      for (auto& o : outs) shapes.push_back(o.shape());
    }
    for (auto& o : outs) dtypes.push_back(o.dtype());
    auto fresh = array::make_arrays(std::move(shapes), dtypes, node.primitive_ptr(), ins);
    for (size_t k = 0; k < outs.size(); ++k) map.insert_or_assign(outs[k].id(), fresh[k]);
  }
  std::vector<array> results;
  for (auto& out : g.outputs) results.push_back(lookup(out));
  return results;
}

} // namespace mlx::core
