// Reverse mode (vjp) and forward mode (jvp) over the lazy graph. The function
// is traced once on tracer copies of the primals; the nodes between those and
// the outputs form the tape that the primitives' vjp/jvp rules walk.
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "mlx/ops.h"
#include "mlx/primitives.h"
#include "mlx/transforms.h"

namespace mlx::core {

namespace {

bool is_stop_gradient(const array& a) {
  return a.has_primitive() && std::string(a.primitive().name()) == "StopGradient";
}

// Nodes (one array per node) on a path from `sources` to `outputs`, in
// topological order. Iterative: graphs can be 100,000 nodes deep.
std::vector<array> tape_between(const std::vector<array>& outputs,
                                const std::unordered_set<uintptr_t>& sources,
                                std::unordered_set<uintptr_t>& depends,
                                bool stop_at_stop_gradient) {
  std::vector<array> tape;
  std::unordered_set<uintptr_t> visited(sources.begin(), sources.end());
  std::vector<std::pair<array, size_t>> stack;
  for (auto& out : outputs) {
    if (!visited.insert(out.id()).second) continue;
    stack.emplace_back(out, 0);
    while (!stack.empty()) {
      auto& [a, next] = stack.back();
      auto& ins = a.inputs();
      if (next < ins.size()) {
        array in = ins[next++];
        if (visited.insert(in.id()).second) {
          for (auto& s : in.siblings()) visited.insert(s.id());
          stack.emplace_back(std::move(in), 0);
        }
        continue;
      }
      array node = a;
      stack.pop_back();
      if (!node.has_primitive()) continue;
      if (stop_at_stop_gradient && is_stop_gradient(node)) continue;
      bool needed = false;
      for (auto& in : node.inputs()) needed = needed || depends.count(in.id());
      if (!needed) continue;
      for (auto& o : node.outputs()) depends.insert(o.id());
      tape.push_back(std::move(node));
    }
  }
  return tape;
}

array make_tracer(const array& p) {
  auto t = copy(p);
  t.set_tracer(true);
  return t;
}

} // namespace


using CotangentMaker = std::function<std::vector<array>(const std::vector<array>& outputs)>;

// vjp where the cotangents are made once the outputs are known (grad needs
// ones shaped and typed like the loss).
std::pair<std::vector<array>, std::vector<array>> vjp_traced(
    const TransformFun& fun, const std::vector<array>& primals,
    const CotangentMaker& make_cotangents, const std::vector<int>& argnums) {
  for (int a : argnums) {
    if (a < 0 || a >= static_cast<int>(primals.size())) {
      std::ostringstream msg;
      msg << "[vjp] Invalid argument number " << a << " for a function of " << primals.size()
          << " arguments.";
      throw std::invalid_argument(msg.str());
    }
  }
  detail::InTracing tracing;
  std::vector<array> primals_;
  for (auto& p : primals) primals_.push_back(make_tracer(p));
  auto outputs = fun(primals_);
  auto cotangents = make_cotangents(outputs);

  // Pair outputs with cotangents; stop_gradient outputs take none.
  std::unordered_map<uintptr_t, array> cotan;
  size_t ci = 0;
  for (auto& out : outputs) {
    if (is_stop_gradient(out)) continue;
    if (ci >= cotangents.size()) {
      std::ostringstream msg;
      msg << "[vjp] Number of outputs to compute gradients for (" << outputs.size()
          << ") does not match number of cotangents (" << cotangents.size() << ").";
      throw std::invalid_argument(msg.str());
    }
    // Cotangents take their output's dtype (kernels trust matching dtypes).
    auto c = astype(cotangents[ci++], out.dtype());
    if (out.shape() != c.shape()) {
      std::ostringstream msg;
      msg << "[vjp] Output shape " << shape_to_string(out.shape())
          << " does not match cotangent shape " << shape_to_string(c.shape()) << ".";
      if (outputs.size() == 1 && out.size() == 1) {
        msg << " If you are using grad your function must return a scalar.";
      }
      throw std::invalid_argument(msg.str());
    }
    auto it = cotan.find(out.id());
    if (it == cotan.end()) {
      cotan.emplace(out.id(), c);
    } else {
      it->second = add(it->second, c);
    }
  }

  std::unordered_set<uintptr_t> sources, depends;
  for (size_t i = 0; i < primals_.size(); ++i) {
    sources.insert(primals_[i].id());
    if (std::find(argnums.begin(), argnums.end(), static_cast<int>(i)) != argnums.end()) {
      depends.insert(primals_[i].id());
    }
  }
  auto tape = tape_between(outputs, sources, depends, true);

  for (auto it = tape.rbegin(); it != tape.rend(); ++it) {
    auto& a = *it;
    auto outs = a.outputs();
    std::vector<array> cts;
    bool any = false;
    for (auto& o : outs) {
      auto c = cotan.find(o.id());
      if (c != cotan.end()) {
        cts.push_back(c->second);
        any = true;
      } else {
        cts.push_back(zeros_like(o));
      }
    }
    if (!any) continue;
    std::vector<int> args;
    auto& ins = a.inputs();
    for (size_t k = 0; k < ins.size(); ++k) {
      if (depends.count(ins[k].id())) args.push_back(static_cast<int>(k));
    }
    auto vjps = a.primitive().vjp(ins, cts, args, outs);
    for (size_t k = 0; k < args.size(); ++k) {
      auto id = ins[args[k]].id();
      auto c = cotan.find(id);
      if (c == cotan.end()) {
        cotan.emplace(id, vjps[k]);
      } else {
        c->second = add(c->second, vjps[k]);
      }
    }
    // Cotangents of this node's outputs are consumed: free them early.
    for (auto& o : outs) cotan.erase(o.id());
  }

  std::vector<array> grads;
  for (int i : argnums) {
    auto c = cotan.find(primals_[i].id());
    grads.push_back(c != cotan.end() ? c->second : zeros_like(primals[i]));
  }
  return {outputs, grads};
}

std::pair<std::vector<array>, std::vector<array>> vjp(
    const TransformFun& fun, const std::vector<array>& primals,
    const std::vector<array>& cotangents, const std::vector<int>& argnums) {
  return vjp_traced(fun, primals, [&](const std::vector<array>&) { return cotangents; }, argnums);
}

std::pair<std::vector<array>, std::vector<array>> value_and_grad(
    const TransformFun& fun, const std::vector<array>& primals, const std::vector<int>& argnums) {
  return vjp_traced(
      fun, primals,
      [](const std::vector<array>& outputs) {
        if (outputs.empty() || outputs[0].size() != 1) {
          std::ostringstream msg;
          msg << "[value_and_grad] The function must return a scalar array as its first output, got "
              << (outputs.empty() ? std::string("no outputs")
                                  : "shape " + shape_to_string(outputs[0].shape()))
              << ".";
          throw std::invalid_argument(msg.str());
        }
        std::vector<array> c{ones_like(outputs[0])};
        for (size_t i = 1; i < outputs.size(); ++i) c.push_back(zeros_like(outputs[i]));
        return c;
      },
      argnums);
}

std::pair<std::vector<array>, std::vector<array>> jvp(
    const std::function<std::vector<array>(const std::vector<array>&)>& fun,
    const std::vector<array>& primals, const std::vector<array>& tangents) {
  if (primals.size() != tangents.size()) {
    std::ostringstream msg;
    msg << "[jvp] Number of inputs (" << primals.size() << ") does not match number of tangents ("
        << tangents.size() << ").";
    throw std::invalid_argument(msg.str());
  }
  for (size_t i = 0; i < primals.size(); ++i) {
    if (primals[i].shape() != tangents[i].shape()) {
      std::ostringstream msg;
      msg << "[jvp] Input " << i << " has shape " << shape_to_string(primals[i].shape())
          << " but its tangent has shape " << shape_to_string(tangents[i].shape()) << ".";
      throw std::invalid_argument(msg.str());
    }
  }
  detail::InTracing tracing;
  std::vector<array> primals_;
  for (auto& p : primals) primals_.push_back(make_tracer(p));
  auto outputs = fun(primals_);

  std::unordered_set<uintptr_t> sources, depends;
  std::unordered_map<uintptr_t, array> tan;
  for (size_t i = 0; i < primals_.size(); ++i) {
    sources.insert(primals_[i].id());
    depends.insert(primals_[i].id());
    tan.emplace(primals_[i].id(), tangents[i]);
  }
  auto tape = tape_between(outputs, sources, depends, false);
  for (auto& a : tape) {
    auto& ins = a.inputs();
    std::vector<int> args;
    std::vector<array> tin;
    for (size_t k = 0; k < ins.size(); ++k) {
      auto t = tan.find(ins[k].id());
      if (t != tan.end()) {
        args.push_back(static_cast<int>(k));
        tin.push_back(t->second);
      }
    }
    auto outs = a.outputs();
    auto touts = a.primitive().jvp(ins, tin, args);
    for (size_t k = 0; k < outs.size() && k < touts.size(); ++k) {
      tan.insert_or_assign(outs[k].id(), touts[k]);
    }
  }
  std::vector<array> jvps;
  for (auto& out : outputs) {
    auto t = tan.find(out.id());
    jvps.push_back(t != tan.end() ? t->second : zeros_like(out));
  }
  return {outputs, jvps};
}

} // namespace mlx::core

namespace mlx::core {
std::pair<std::vector<array>, std::vector<array>> vjp(
    const TransformFun& fun, const std::vector<array>& primals,
    const std::vector<array>& cotangents) {
  std::vector<int> all(primals.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  return vjp(fun, primals, cotangents, all);
}
} // namespace mlx::core
