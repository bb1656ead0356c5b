#include "scheduler.h"

#include <map>
#include <sstream>
#include <stdexcept>

#include "mlx/backend/gpu/eval.h"
#include "mlx/utils.h"

namespace mlx::core {

namespace scheduler {

StreamWorker::StreamWorker() : thread_([this] { loop(); }) {}

StreamWorker::~StreamWorker() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void StreamWorker::enqueue(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

bool StreamWorker::try_run_inline(const std::function<void()>& task) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!tasks_.empty() || busy_) return false;
    busy_ = true;
  }
  task(); // tasks catch their own exceptions
  bool queued, waiters;
  {
    std::lock_guard<std::mutex> lk(mu_);
    busy_ = false;
    queued = !tasks_.empty();
    waiters = drain_waiters_ > 0;
  }
  if (queued) cv_.notify_one(); // work queued meanwhile waited for us
  if (waiters) idle_cv_.notify_all();
  return true;
}

void StreamWorker::drain() {
  std::unique_lock<std::mutex> lk(mu_);
  ++drain_waiters_;
  idle_cv_.wait(lk, [this] { return tasks_.empty() && !busy_; });
  --drain_waiters_;
}

void StreamWorker::loop() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lk(mu_);
      // busy_ without a task of ours: the stream runs inline on another thread.
      cv_.wait(lk, [this] { return (stop_ && !busy_) || (!tasks_.empty() && !busy_); });
      if (tasks_.empty()) return; // stop requested and nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
      busy_ = true;
    }
    task(); // tasks catch their own exceptions
    bool idle;
    {
      std::lock_guard<std::mutex> lk(mu_);
      idle = tasks_.empty();
    }
    // Out of tasks: wait for the device work this worker queued (releasing what
    // it kept alive), so that an idle stream has finished.
    if (idle) gpu::worker_idle();
    bool waiters;
    {
      std::lock_guard<std::mutex> lk(mu_);
      busy_ = false;
      waiters = drain_waiters_ > 0;
    }
    if (waiters) idle_cv_.notify_all();
  }
}

namespace {

struct Registry {
  std::mutex mu;
  std::vector<Stream> streams;
  // Workers are never destroyed: joining threads during static destruction
  // (process exit with work queued) would hang.
  std::vector<StreamWorker*> workers;
  std::map<Device, int> default_index;
  Device default_device{Device::cpu};

  Registry() { add(Device(Device::cpu)); }

  Stream add(Device d) {
    Stream s(static_cast<int>(streams.size()), d);
    streams.push_back(s);
    workers.push_back(new StreamWorker());
    if (!default_index.count(d)) default_index[d] = s.index;
    return s;
  }
};

Registry& registry() {
  static auto* r = new Registry();
  return *r;
}

} // namespace

StreamWorker& worker(const Stream& s) {
  auto& r = registry();
  std::lock_guard<std::mutex> lk(r.mu);
  if (s.index < 0 || s.index >= static_cast<int>(r.workers.size())) {
    std::ostringstream msg;
    msg << "[stream] Unknown stream index " << s.index << ".";
    throw std::invalid_argument(msg.str());
  }
  return *r.workers[s.index];
}

} // namespace scheduler

bool is_available(const Device& d) {
  return d.type == Device::cpu ? true : gpu::is_available();
}

namespace {
void check_device(const Device& d, const char* op) {
  if (!is_available(d)) {
    std::ostringstream msg;
    msg << "[" << op << "] Cannot use the gpu device: no GPU backend is available on this "
        << "machine (" << gpu::unavailable_reason() << "). Use mx.cpu.";
    throw std::invalid_argument(msg.str());
  }
}
} // namespace

const Device& default_device() {
  auto& r = scheduler::registry();
  std::lock_guard<std::mutex> lk(r.mu);
  return r.default_device;
}

void set_default_device(const Device& d) {
  check_device(d, "set_default_device");
  auto& r = scheduler::registry();
  std::lock_guard<std::mutex> lk(r.mu);
  r.default_device = d;
}

Stream default_stream(Device d) {
  check_device(d, "default_stream");
  auto& r = scheduler::registry();
  std::lock_guard<std::mutex> lk(r.mu);
  auto it = r.default_index.find(d);
  if (it == r.default_index.end()) return r.add(d);
  return r.streams[it->second];
}

void set_default_stream(Stream s) {
  check_device(s.device, "set_default_stream");
  auto& r = scheduler::registry();
  std::lock_guard<std::mutex> lk(r.mu);
  if (s.index < 0 || s.index >= static_cast<int>(r.streams.size())) {
    throw std::invalid_argument("[set_default_stream] Unknown stream.");
  }
  r.default_index[s.device] = s.index;
}

Stream new_stream(Device d) {
  check_device(d, "new_stream");
  auto& r = scheduler::registry();
  std::lock_guard<std::mutex> lk(r.mu);
  return r.add(d);
}

std::vector<Stream> get_streams() {
  auto& r = scheduler::registry();
  std::lock_guard<std::mutex> lk(r.mu);
  return r.streams;
}

void synchronize(Stream s) { scheduler::worker(s).drain(); }

void synchronize() { synchronize(default_stream(default_device())); }

Stream to_stream(StreamOrDevice s) {
  if (std::holds_alternative<std::monostate>(s)) return default_stream(default_device());
  if (std::holds_alternative<Device>(s)) return default_stream(std::get<Device>(s));
  auto st = std::get<Stream>(s);
  check_device(st.device, "stream");
  return st;
}

Stream to_stream(StreamOrDevice s, Device default_) {
  if (std::holds_alternative<std::monostate>(s)) return default_stream(default_);
  return to_stream(s);
}

} // namespace mlx::core
