#include "device.h"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace mlx::core::cuda {

namespace {

const CudaApi& api() {
  const CudaApi* a = cuda_api();
  if (!a) throw std::runtime_error("[gpu] CUDA is not available: " + cuda_unavailable_reason());
  return *a;
}

std::mutex g_mu;
std::vector<CUcontext> g_contexts; // primary context per device, retained on first use
std::map<int, DeviceInfo> g_info;  // node-based: references stay valid
thread_local int tl_device = -1;   // the device whose context is current on this thread

void check_index(int index) {
  int n = device_count();
  if (index < 0 || index >= n) {
    throw std::out_of_range("[gpu] Device " + std::to_string(index) + " does not exist (" +
                            std::to_string(n) + " CUDA device(s)).");
  }
}

/** A context on this thread before stream/event calls (they need one). */
void ensure_context() {
  if (tl_device < 0) make_current(0);
}

} // namespace

bool is_available() { return cuda_api() != nullptr; }

int device_count() {
  static const int count = [] {
    const CudaApi* a = cuda_api();
    int n = 0;
    if (a && a->cuDeviceGetCount(&n) != CUDA_SUCCESS) n = 0;
    return n;
  }();
  return count;
}

const DeviceInfo& device_info(int index) {
  check_index(index);
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = g_info.find(index);
  if (it != g_info.end()) return it->second;
  const CudaApi& a = api();
  CUdevice dev;
  check(a.cuDeviceGet(&dev, index), "cuDeviceGet");
  DeviceInfo info;
  char name[256] = {};
  check(a.cuDeviceGetName(name, sizeof(name) - 1, dev), "cuDeviceGetName");
  info.name = name;
  check(a.cuDeviceTotalMem_v2(&info.total_memory, dev), "cuDeviceTotalMem");
  auto attr = [&](CUdevice_attribute at) {
    int v = 0;
    check(a.cuDeviceGetAttribute(&v, at, dev), "cuDeviceGetAttribute");
    return v;
  };
  info.compute_major = attr(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
  info.compute_minor = attr(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
  info.sm_count = attr(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
  info.max_shared_per_block = static_cast<size_t>(attr(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK));
  info.max_shared_per_block_optin =
      static_cast<size_t>(attr(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN));
  info.max_threads_per_block = attr(CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
  info.warp_size = attr(CU_DEVICE_ATTRIBUTE_WARP_SIZE);
  return g_info.emplace(index, std::move(info)).first->second;
}

void make_current(int device) {
  if (tl_device == device) return; // the fast path: already current on this thread
  const CudaApi& a = api();        // first: "not available" says why
  check_index(device);
  CUcontext ctx;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    if (g_contexts.empty()) g_contexts.assign(static_cast<size_t>(device_count()), nullptr);
    CUcontext& slot = g_contexts[static_cast<size_t>(device)];
    if (!slot) {
      CUdevice dev;
      check(a.cuDeviceGet(&dev, device), "cuDeviceGet");
      // The primary context is the one the runtime API and cuBLAS also use.
      check(a.cuDevicePrimaryCtxRetain(&slot, dev), "cuDevicePrimaryCtxRetain");
    }
    ctx = slot;
  }
  check(a.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
  tl_device = device;
}

int current_device() { return tl_device < 0 ? 0 : tl_device; }

int arch() {
  const DeviceInfo& info = device_info(current_device());
  return info.compute_major * 10 + info.compute_minor;
}

void context_synchronize() {
  ensure_context();
  check(api().cuCtxSynchronize(), "cuCtxSynchronize");
}

CudaStream::CudaStream(bool non_blocking) {
  ensure_context();
  check(api().cuStreamCreate(&s_, non_blocking ? CU_STREAM_NON_BLOCKING : CU_STREAM_DEFAULT),
        "cuStreamCreate");
}

CudaStream::~CudaStream() {
  if (s_) api().cuStreamDestroy_v2(s_); // no throw from a destructor; errors ignored
}

namespace {

std::atomic<int> g_sync_mode{static_cast<int>(SyncMode::Auto)};

// A word of pinned host memory per thread that the GPU writes a counter into
// (cuStreamWriteValue32) once a stream's work is done: the host then waits by
// reading memory, without a driver call per poll.
struct HostFlag {
  volatile uint32_t* host{nullptr};
  CUdeviceptr device{0};
  uint32_t seq{0};
  bool failed{false};
};

HostFlag* host_flag(const CudaApi& a) {
  thread_local HostFlag flag; // the pinned word is kept for the thread's life
  if (flag.failed) return nullptr;
  if (!flag.host) {
    void* p = nullptr;
    if (!a.cuStreamWriteValue32 || !a.cuMemHostGetDevicePointer ||
        a.cuMemHostAlloc(&p, 64, CU_MEMHOSTALLOC_PORTABLE | CU_MEMHOSTALLOC_DEVICEMAP) != CUDA_SUCCESS) {
      flag.failed = true;
      return nullptr;
    }
    if (a.cuMemHostGetDevicePointer(&flag.device, p, 0) != CUDA_SUCCESS) {
      a.cuMemFreeHost(p);
      flag.failed = true;
      return nullptr;
    }
    flag.host = static_cast<volatile uint32_t*>(p);
    *flag.host = 0;
  }
  return &flag;
}

// Waits for `s` through the host flag; false when it could not (no stream
// memory operations, or the write did not land within 2 ms: a long kernel, or an
// error that the blocking sync will report). Spinning that long is what the
// driver's own default (CU_CTX_SCHED_AUTO with more cores than GPUs) does, and
// a wake-up from a blocking wait costs tens of microseconds.
bool wait_by_host_flag(const CudaApi& a, CUstream s) {
  HostFlag* f = host_flag(a);
  if (!f) return false;
  uint32_t want = ++f->seq;
  if (a.cuStreamWriteValue32(s, f->device, want, 0) != CUDA_SUCCESS) {
    f->failed = true;
    return false;
  }
  auto start = std::chrono::steady_clock::now();
  for (int spins = 0;; ++spins) {
    if (*f->host == want) return true;
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
    // The clock is read every 64 polls: a memory read costs nanoseconds.
    if ((spins & 63) == 63 && std::chrono::steady_clock::now() - start > std::chrono::milliseconds(2)) {
      return false;
    }
  }
}

} // namespace

void set_sync_mode(SyncMode m) { g_sync_mode.store(static_cast<int>(m)); }
SyncMode sync_mode() { return static_cast<SyncMode>(g_sync_mode.load()); }

namespace {
// Polls cuStreamQuery (about 1.5 µs a call on an H100 host) for `window`.
bool poll_stream(const CudaApi& a, CUstream s, std::chrono::microseconds window) {
  auto start = std::chrono::steady_clock::now();
  while (true) {
    CUresult r = a.cuStreamQuery(s);
    if (r == CUDA_SUCCESS) return true;
    if (r != CUDA_ERROR_NOT_READY) check(r, "cuStreamQuery");
    if (std::chrono::steady_clock::now() - start > window) return false;
  }
}
} // namespace

void synchronize_stream(CUstream s) {
  const CudaApi& a = api();
  switch (sync_mode()) {
    case SyncMode::Auto:
      // Small work is done within a few polls; the flag's write would add a
      // command behind it (measured 1-2 µs slower on a tiny kernel).
      if (poll_stream(a, s, std::chrono::microseconds(20))) return;
      if (wait_by_host_flag(a, s)) return;
      break;
    case SyncMode::HostFlag:
      if (wait_by_host_flag(a, s)) return;
      break;
    case SyncMode::Query:
      break;
  }
  if (poll_stream(a, s, std::chrono::microseconds(50))) return;
  check(a.cuStreamSynchronize(s), "cuStreamSynchronize");
}

void CudaStream::synchronize() const { synchronize_stream(s_); }

CudaEvent::CudaEvent(bool timing) {
  ensure_context();
  check(api().cuEventCreate(&e_, timing ? CU_EVENT_DEFAULT : CU_EVENT_DISABLE_TIMING),
        "cuEventCreate");
}

CudaEvent::~CudaEvent() {
  if (e_) api().cuEventDestroy_v2(e_);
}

void CudaEvent::record(CUstream s) const { check(api().cuEventRecord(e_, s), "cuEventRecord"); }

void CudaEvent::wait_on(CUstream s) const {
  check(api().cuStreamWaitEvent(s, e_, 0), "cuStreamWaitEvent");
}

void CudaEvent::synchronize() const { check(api().cuEventSynchronize(e_), "cuEventSynchronize"); }

bool CudaEvent::query() const {
  CUresult r = api().cuEventQuery(e_);
  if (r == CUDA_ERROR_NOT_READY) return false;
  check(r, "cuEventQuery");
  return true;
}

float CudaEvent::elapsed_ms(const CudaEvent& start, const CudaEvent& end) {
  float ms = 0;
  check(api().cuEventElapsedTime(&ms, start.e_, end.e_), "cuEventElapsedTime");
  return ms;
}

} // namespace mlx::core::cuda
