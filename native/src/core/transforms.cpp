// eval: a graph is walked once, iteratively, into a topological list of nodes;
// consecutive nodes of one stream go to that stream's worker as one task.
#include "mlx/transforms.h"

#include <mutex>
#include <sstream>
#include <unordered_set>

#include "mlx/backend/gpu/eval.h"
#include "mlx/event.h"
#include "mlx/primitives.h"
#include "scheduler.h"

namespace mlx::core {

namespace {

std::mutex& schedule_mutex() {
  static std::mutex mu;
  return mu;
}

// Nodes already visited: a short list searched in place (most evals see a few
// nodes), a hash set once the graph is larger.
class VisitedNodes {
 public:
  bool insert(const Node* n) {
    if (set_.empty()) {
      for (const Node* v : few_) {
        if (v == n) return false;
      }
      if (few_.size() < 32) {
        few_.push_back(n);
        return true;
      }
      set_.insert(few_.begin(), few_.end());
    }
    return set_.insert(n).second;
  }

 private:
  std::vector<const Node*> few_;
  std::unordered_set<const Node*> set_;
};

std::vector<std::shared_ptr<Node>> topological_order(const std::vector<array>& outputs) {
  std::vector<std::shared_ptr<Node>> order;
  VisitedNodes visited;
  std::vector<std::pair<std::shared_ptr<Node>, size_t>> stack;
  auto visit = [&](const array& a) {
    if (a.status() == array::Status::unscheduled && a.node() && visited.insert(a.node().get())) {
      stack.emplace_back(a.node(), 0);
    }
  };
  for (auto& out : outputs) {
    visit(out);
    while (!stack.empty()) {
      auto& top = stack.back();
      if (top.second < top.first->inputs.size()) {
        const array& in = top.first->inputs[top.second++];
        visit(in); // may reallocate `stack`: `top` is not used after this
      } else {
        order.push_back(std::move(top.first));
        stack.pop_back();
      }
    }
  }
  return order;
}

struct Scheduled {
  std::shared_ptr<Node> node;
  std::shared_ptr<Event> event;
};

void run_node(Scheduled& item) {
  auto& node = *item.node;
  std::exception_ptr error;
  std::vector<array> outs;
  try {
    for (auto& in : node.inputs) {
      if (!in.is_available()) {
        if (!in.event()) throw std::logic_error("[eval] An input was never scheduled.");
        in.event()->wait(); // rethrows an upstream failure
      }
    }
    outs = node.output_arrays();
    auto& prim = *node.primitive;
    if (prim.device() == Device::cpu) {
      for (auto& in : node.inputs) in.ensure_host();
      prim.eval_cpu(node.inputs, outs);
      for (auto& o : outs) o.mark_host_written();
    } else {
      gpu::eval_on_gpu(prim, node.inputs, outs);
    }
    for (auto& o : outs) o.set_status(array::Status::available);
  } catch (...) {
    error = std::current_exception();
  }
  // Evaluated arrays drop their graph (tracers keep it for transforms).
  for (auto& o : outs) {
    if (!o.is_tracer()) o.detach();
  }
  // Drop this task's references before signalling, so that memory released
  // by the waiting thread is really free when eval returns.
  outs.clear();
  item.node.reset();
  auto event = std::move(item.event);
  event->signal(error);
}

// Evaluated means computed: after the tasks, also the device work they queued.
void wait_all(const std::vector<array>& outputs) {
  for (auto& out : outputs) {
    if (!out.is_available()) {
      auto e = out.event();
      if (!e) throw std::logic_error("[eval] Array was not scheduled.");
      e->wait();
    }
    out.wait_device_writes();
  }
}

} // namespace

/**
 * Schedules the graph of `outputs`. With `allow_inline`, a graph that lives on
 * one idle stream runs right here on the calling thread instead (a synchronous
 * eval waits anyway, and handing tiny graphs to a worker costs a thread wake-up
 * on each side).
 */
static void schedule(const std::vector<array>& outputs, bool allow_inline) {
  std::vector<Scheduled> run;
  scheduler::StreamWorker* inline_worker = nullptr;
  {
    std::lock_guard<std::mutex> lk(schedule_mutex());
    auto order = topological_order(outputs);
    for (auto& node : order) {
      if (!node->primitive) {
        // vmap and compile trace with placeholder inputs that have no values.
        throw std::invalid_argument(
            "[eval] Attempting to eval an array during function transformations like compile or "
            "vmap is not allowed.");
      }
    }
    int run_stream = -1;
    auto flush = [&] {
      if (run.empty()) return;
      auto& w = scheduler::worker(run.front().node->primitive->stream());
      w.enqueue([items = std::move(run)]() mutable {
        for (auto& item : items) run_node(item);
      });
      run.clear();
    };
    bool one_stream = true;
    for (auto& node : order) {
      if (node->primitive->stream().index != order.front()->primitive->stream().index) one_stream = false;
    }
    for (auto& node : order) {
      auto event = std::make_shared<Event>();
      node->mark_scheduled(event);
      int s = node->primitive->stream().index;
      if (s != run_stream) {
        flush();
        run_stream = s;
      }
      run.push_back({node, event});
    }
    // GPU streams too: their device work is complete when a task ends, so the
    // calling thread may use its own device stream meanwhile.
    if (allow_inline && one_stream && !run.empty()) {
      inline_worker = &scheduler::worker(run.front().node->primitive->stream());
    } else {
      flush();
    }
  }
  if (!inline_worker) return;
  // One wait for the device at the end instead of one per GPU task; host
  // reads in between (CPU fallbacks, item()) wait as needed.
  std::exception_ptr device_error;
  auto task = [&run, &device_error]() {
    gpu::DeferredSync deferred;
    for (auto& item : run) run_node(item);
    try {
      deferred.finish();
    } catch (...) {
      device_error = std::current_exception();
    }
  };
  bool ran = inline_worker->try_run_inline(task);
  if (device_error) std::rethrow_exception(device_error);
  if (!ran) {
    inline_worker->enqueue([items = std::move(run)]() mutable {
      for (auto& item : items) run_node(item);
    });
  }
}

void async_eval(std::vector<array> outputs) { schedule(outputs, false); }

void eval(std::vector<array> outputs) {
  schedule(outputs, true);
  wait_all(outputs);
}

void wait_for(const std::vector<array>& outputs) { wait_all(outputs); }

} // namespace mlx::core
