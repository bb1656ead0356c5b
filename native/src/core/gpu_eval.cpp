#include "mlx/backend/gpu/eval.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <atomic>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace mlx::core::gpu {

namespace {

std::mutex& registry_mu() {
  static std::mutex mu;
  return mu;
}

std::unordered_map<std::string, EvalFn>& registry() {
  static std::unordered_map<std::string, EvalFn> r;
  return r;
}

std::atomic<const StreamOps*> g_stream_ops{nullptr};

// DeferredSync nesting on this thread, and whether device work is unwaited.
thread_local int t_defer_depth = 0;
thread_local bool t_pending = false;
thread_local int t_in_task = 0;

double now_us() {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

EvalFn find_locked(const char* name) {
  std::lock_guard<std::mutex> lock(registry_mu());
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : it->second;
}

// Bumped by register_eval: per-thread caches made before a registration are dropped.
std::atomic<int> g_registry_version{0};

// A primitive's name() is usually a string literal per class: a per-thread
// cache keyed by that pointer (the text is compared too, since an extension may
// return a member string's pointer) finds its EvalFn without the lock and hash.
EvalFn find(const char* name) {
  struct Entry {
    const char* ptr;
    std::string text;
    EvalFn fn;
  };
  struct Cache {
    int version = -1;
    std::vector<Entry> entries;
  };
  thread_local Cache cache;
  int version = g_registry_version.load(std::memory_order_acquire);
  if (cache.version != version) {
    cache.entries.clear();
    cache.version = version;
  }
  for (auto& e : cache.entries) {
    if (e.ptr == name && e.text == name) return e.fn;
  }
  EvalFn fn = find_locked(name);
  if (cache.entries.size() < 64) cache.entries.push_back({name, name, fn});
  return fn;
}

} // namespace

// One stderr line per GPU task and per wait (where host time goes).
bool tracing() {
  static const bool on = [] {
    const char* v = std::getenv("MLX_TS_GPU_TRACE");
    return v && *v && std::string(v) != "0";
  }();
  return on;
}

void register_eval(const char* name, EvalFn fn) {
  std::lock_guard<std::mutex> lock(registry_mu());
  registry()[name] = fn;
  g_registry_version.fetch_add(1, std::memory_order_release);
}

bool has_eval(const char* name) { return find_locked(name) != nullptr; }

std::vector<std::string> registered_evals() {
  std::lock_guard<std::mutex> lock(registry_mu());
  std::vector<std::string> names;
  for (auto& [name, fn] : registry()) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

void set_stream_ops(const StreamOps* ops) { g_stream_ops.store(ops); }

bool holding_frees() { return t_defer_depth > 0 || t_in_task > 0; }

void worker_idle() {
  if (const StreamOps* ops = g_stream_ops.load()) ops->drain();
}

bool deferring() { return t_defer_depth > 0; }
void note_pending() { t_pending = true; }
bool has_pending() { return t_pending; }

void flush_pending() {
  if (!t_pending) return;
  t_pending = false;
  double t0 = tracing() ? now_us() : 0;
  if (const StreamOps* ops = g_stream_ops.load()) ops->sync();
  if (tracing()) std::fprintf(stderr, "[gpu-trace] wait %.1f us\n", now_us() - t0);
}

DeferredSync::DeferredSync() { ++t_defer_depth; }

void DeferredSync::finish() {
  if (t_defer_depth == 1) flush_pending();
}

DeferredSync::~DeferredSync() {
  try {
    finish();
  } catch (...) {
    // finish() reports errors; a destructor only makes sure nothing stays pending.
  }
  --t_defer_depth;
}

namespace {

// Primitives whose eval_gpu said it has no GPU code (built-ins without a GPU
// kernel): asked once, then sent straight to the CPU fallback.
std::unordered_set<std::string>& cpu_only() {
  static std::unordered_set<std::string> names;
  return names;
}

bool known_cpu_only(const char* name) {
  std::lock_guard<std::mutex> lock(registry_mu());
  return cpu_only().count(name) > 0;
}

// Outputs computed on the device. In a deferred eval the wait comes at its end;
// on a worker the task's event goes with the outputs and the task's arrays stay
// alive until it is reached (no wait here). An output sharing an input's buffer
// (a view) keeps that buffer's state.
void finish_on_device(const std::vector<array>& inputs, std::vector<array>& outputs) {
  std::shared_ptr<void> ready;
  if (t_defer_depth > 0) {
    t_pending = true;
  } else if (const StreamOps* ops = g_stream_ops.load()) {
    std::vector<array> keep(inputs);
    keep.insert(keep.end(), outputs.begin(), outputs.end());
    ready = ops->retire(std::move(keep));
  }
  for (auto& o : outputs) {
    bool shared = false;
    for (const auto& in : inputs) shared = shared || (in.shares_data_with(o));
    if (!shared) o.mark_device_written(ready);
  }
}

// Marks the calling thread as inside a GPU task (frees are held back).
struct InTask {
  InTask() { ++t_in_task; }
  ~InTask() { --t_in_task; }
};

} // namespace

void eval_on_gpu(Primitive& p, std::vector<array>& inputs, std::vector<array>& outputs) {
  InTask in_task;
  if (EvalFn fn = find(p.name())) {
    double t0 = tracing() ? now_us() : 0;
    for (auto& in : inputs) in.ensure_device();
    double t1 = tracing() ? now_us() : 0;
    fn(p, inputs, outputs);
    double t2 = tracing() ? now_us() : 0;
    finish_on_device(inputs, outputs);
    if (tracing()) {
      std::fprintf(stderr, "[gpu-trace] %s inputs %.1f us, enqueue %.1f us, finish %.1f us\n", p.name(),
                   t1 - t0, t2 - t1, now_us() - t2);
    }
    return;
  }
  // A primitive's own eval_gpu (an extension's): inputs on the device.
  if (!known_cpu_only(p.name())) {
    try {
      for (auto& in : inputs) in.ensure_device();
      p.eval_gpu(inputs, outputs);
      finish_on_device(inputs, outputs);
      return;
    } catch (const NoGpuImplementation&) {
      std::lock_guard<std::mutex> lock(registry_mu());
      cpu_only().insert(p.name());
    }
  }
  // No GPU implementation: the CPU one, on host copies.
  for (auto& in : inputs) in.ensure_host();
  p.eval_cpu(inputs, outputs);
  for (auto& o : outputs) o.mark_host_written();
}

} // namespace mlx::core::gpu
