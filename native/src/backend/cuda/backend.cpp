// Connects the CUDA layer to the core: gpu::is_available(), the memory
// operations arrays use to move between host and device, and the per-worker
// device stream GPU implementations enqueue on.
#include "backend.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <mutex>
#include <vector>

#include "device.h"
#include "device_allocator.h"
#include "mlx/backend/gpu/device_memory.h"
#include "mlx/backend/gpu/eval.h"
#include "mlx/array.h"
#include "mlx/device.h"

namespace mlx::core {

namespace cuda {

namespace {

constexpr int kDevice = 0; // one GPU for now; Device::index selects it later

// Reports calls slower than 20 µs (MLX_TS_GPU_TRACE); reads no clock otherwise.
struct SlowCall {
  const char* what;
  size_t bytes;
  bool on = gpu::tracing();
  std::chrono::steady_clock::time_point t0 = on ? std::chrono::steady_clock::now()
                                                : std::chrono::steady_clock::time_point{};
  ~SlowCall() {
    if (!on) return;
    double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    if (us > 20) std::fprintf(stderr, "[gpu-trace] %s of %zu bytes: %.1f us\n", what, bytes, us);
  }
};

// ---- events ------------------------------------------------------------------
// Timing-free events from a pool; a handle returns its event to the pool when
// the last holder (array data, in-flight task) lets go. An event knows the
// stream it was recorded on and its place there, so that waits which stream
// order or an earlier sync already guarantee make no driver call (a scalar
// uploaded once and read by every later kernel of that stream, say).
std::mutex g_event_mu;
std::vector<CUevent>& event_pool() {
  static auto* pool = new std::vector<CUevent>(); // never destroyed: handles may outlive statics
  return *pool;
}

// Events recorded on a thread's stream, and how many of them a sync has seen done.
struct StreamClock {
  uint64_t recorded{0}; // written by the owning thread only
  std::atomic<uint64_t> completed{0};
};

std::shared_ptr<StreamClock>& this_thread_clock() {
  thread_local auto clock = std::make_shared<StreamClock>();
  return clock;
}

struct ReadyEvent {
  CUevent event;
  std::shared_ptr<StreamClock> clock;
  uint64_t seq;
  std::atomic<bool> reached{false};
  bool done() const { return reached.load(std::memory_order_acquire) || clock->completed.load() >= seq; }
};

// Records an event on this thread's stream.
std::shared_ptr<void> record_event() {
  CUstream s = current_stream();
  CUevent e = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_event_mu);
    if (!event_pool().empty()) {
      e = event_pool().back();
      event_pool().pop_back();
    }
  }
  const CudaApi& a = *cuda_api();
  if (!e) check(a.cuEventCreate(&e, CU_EVENT_DISABLE_TIMING), "cuEventCreate");
  check(a.cuEventRecord(e, s), "cuEventRecord");
  auto& clock = this_thread_clock();
  auto* ready = new ReadyEvent{e, clock, ++clock->recorded};
  return std::shared_ptr<void>(ready, [](void* p) {
    auto* r = static_cast<ReadyEvent*>(p);
    {
      std::lock_guard<std::mutex> lock(g_event_mu);
      event_pool().push_back(r->event);
    }
    delete r;
  });
}

// After a sync of this thread's stream: every event recorded on it is done.
void note_stream_synced() {
  auto& clock = this_thread_clock();
  clock->completed.store(clock->recorded);
}

void wait_on_device(void* event) {
  auto* r = static_cast<ReadyEvent*>(event);
  // Same stream: its order already puts this work after the event's.
  if (r->clock == this_thread_clock() || r->done()) return;
  make_current(kDevice);
  check(cuda_api()->cuStreamWaitEvent(current_stream(), r->event, 0), "cuStreamWaitEvent");
}

void wait_on_host(void* event) {
  auto* r = static_cast<ReadyEvent*>(event);
  if (r->done()) return;
  make_current(kDevice);
  check(cuda_api()->cuEventSynchronize(r->event), "cuEventSynchronize");
  r->reached.store(true, std::memory_order_release);
}

void* alloc(size_t bytes) {
  SlowCall trace{"device alloc", bytes};
  make_current(kDevice);
  return device_malloc(bytes);
}

// Blocks freed while this thread's device work is unwaited (in a deferred
// eval or a GPU task): kernels queued on its stream may still use them, and
// another thread's stream could otherwise get them from the cache meanwhile.
// They are freed after the wait (sync) or with the task's event (retire).
thread_local std::vector<void*> t_deferred_frees;

void release(void* ptr) {
  if (gpu::holding_frees()) {
    t_deferred_frees.push_back(ptr);
    if (gpu::deferring()) gpu::note_pending();
    return;
  }
  SlowCall trace{"device free", 0};
  make_current(kDevice);
  device_free(ptr);
}

void to_host(void* host, const void* device, size_t bytes) {
  gpu::flush_pending();
  SlowCall trace{"copy to host", bytes}; // the bytes may come from kernels still queued here
  make_current(kDevice);
  check(cuda_api()->cuMemcpyDtoH_v2(host, reinterpret_cast<CUdeviceptr>(device), bytes),
        "cuMemcpyDtoH");
}

// On the worker's own stream, then waited for: later kernels on any stream see the bytes.
std::shared_ptr<void> to_device(void* device, const void* host, size_t bytes) {
  SlowCall trace{"copy to device", bytes};
  make_current(kDevice);
  CUstream s = current_stream();
  const CudaApi& a = *cuda_api();
  auto dst = reinterpret_cast<CUdeviceptr>(device);
  // A value of up to 8 bytes (a 0-d scalar) is written with memsets: no
  // pageable host bytes to stage, and nothing to wait for.
  if (bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8) {
    if (bytes == 1) {
      check(a.cuMemsetD8Async(dst, *static_cast<const unsigned char*>(host), 1, s), "cuMemsetD8Async");
    } else if (bytes == 2) {
      check(a.cuMemsetD16Async(dst, *static_cast<const unsigned short*>(host), 1, s), "cuMemsetD16Async");
    } else {
      unsigned words[2] = {0, 0};
      std::memcpy(words, host, bytes);
      for (size_t w = 0; w < bytes / 4; ++w) {
        check(a.cuMemsetD32Async(dst + 4 * w, words[w], 1, s), "cuMemsetD32Async");
      }
    }
  } else {
    check(a.cuMemcpyHtoDAsync_v2(dst, host, bytes, s), "cuMemcpyHtoDAsync");
  }
  // From pageable memory the call returns once the source is staged; this
  // thread's later work is ordered after the copy, other streams wait for the event.
  if (gpu::deferring()) gpu::note_pending();
  return record_event();
}

// ---- in-flight tasks of a worker: what stays alive until their event ----------
struct InFlight {
  std::shared_ptr<void> event;
  std::vector<array> keep;
  std::vector<void*> frees;
};
thread_local std::deque<InFlight> t_in_flight;

void release_entry(InFlight& f) {
  f.keep.clear(); // may free device memory: not holding frees here
  for (void* p : f.frees) device_free(p);
  f.frees.clear();
}

// Releases the tasks whose events were reached (they complete in order).
void poll_in_flight() {
  const CudaApi& a = *cuda_api();
  while (!t_in_flight.empty() &&
         a.cuEventQuery(static_cast<ReadyEvent*>(t_in_flight.front().event.get())->event) == CUDA_SUCCESS) {
    InFlight f = std::move(t_in_flight.front());
    t_in_flight.pop_front();
    release_entry(f);
  }
}

std::shared_ptr<void> retire(std::vector<array> keep) {
  make_current(kDevice);
  poll_in_flight();
  auto ev = record_event();
  t_in_flight.push_back({ev, std::move(keep), std::move(t_deferred_frees)});
  t_deferred_frees.clear();
  return ev;
}

void drain() {
  if (t_in_flight.empty() && t_deferred_frees.empty()) return; // CPU workers end here
  make_current(kDevice);
  synchronize_stream(current_stream());
  note_stream_synced();
  while (!t_in_flight.empty()) {
    InFlight f = std::move(t_in_flight.front());
    t_in_flight.pop_front();
    release_entry(f);
  }
  for (void* p : t_deferred_frees) device_free(p);
  t_deferred_frees.clear();
}

void sync_current_stream() {
  make_current(kDevice);
  synchronize_stream(current_stream());
  note_stream_synced();
  for (void* p : t_deferred_frees) device_free(p);
  t_deferred_frees.clear();
}

const gpu::StreamOps kStreamOps = {sync_current_stream, retire, drain};

const gpu::MemoryOps kMemoryOps = {alloc,
                                   release,
                                   to_host,
                                   to_device,
                                   wait_on_device,
                                   wait_on_host,
                                   device_active_memory,
                                   device_peak_memory,
                                   device_cache_memory,
                                   device_reset_peak,
                                   device_clear_cache};

} // namespace

CUstream current_stream() {
  thread_local std::unique_ptr<CudaStream> stream;
  if (!stream) {
    make_current(kDevice);
    stream = std::make_unique<CudaStream>(true);
  }
  return stream->get();
}

void install_backend() {
  static std::once_flag once;
  std::call_once(once, [] {
    gpu::set_memory_ops(&kMemoryOps);
    gpu::set_stream_ops(&kStreamOps);
  });
}

} // namespace cuda

namespace gpu {

bool is_available() {
  static const bool available = [] {
    bool ok = cuda::is_available();
    if (ok) cuda::install_backend();
    return ok;
  }();
  return available;
}

std::string unavailable_reason() {
  return is_available() ? std::string() : cuda::cuda_unavailable_reason();
}

} // namespace gpu

} // namespace mlx::core
