// Connects the CUDA layer to the core: gpu::is_available(), the memory
// operations arrays use to move between host and device, and the per-worker
// device stream GPU implementations enqueue on.
#include "backend.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <mutex>
#include <vector>

#include "device.h"
#include "device_allocator.h"
#include "mlx/backend/gpu/device_memory.h"
#include "mlx/backend/gpu/eval.h"
#include "mlx/device.h"

namespace mlx::core {

namespace cuda {

namespace {

constexpr int kDevice = 0; // one GPU for now; Device::index selects it later

bool tracing() {
  static const bool on = [] {
    const char* v = std::getenv("MLX_TS_GPU_TRACE");
    return v && *v && std::string(v) != "0";
  }();
  return on;
}

// Reports calls slower than 20 µs when tracing.
struct SlowCall {
  const char* what;
  size_t bytes;
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  ~SlowCall() {
    if (!tracing()) return;
    double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    if (us > 20) std::fprintf(stderr, "[gpu-trace] %s of %zu bytes: %.1f us\n", what, bytes, us);
  }
};

void* alloc(size_t bytes) {
  SlowCall trace{"device alloc", bytes};
  make_current(kDevice);
  return device_malloc(bytes);
}

// Blocks freed while this thread's device work is unwaited (a deferred
// eval): kernels queued on its stream may still use them, and another
// thread's stream could otherwise get them from the cache meanwhile.
thread_local std::vector<void*> t_deferred_frees;

void release(void* ptr) {
  if (gpu::deferring()) {
    t_deferred_frees.push_back(ptr);
    gpu::note_pending();
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
void to_device(void* device, const void* host, size_t bytes) {
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
  // From pageable memory the call returns once the source is staged, so only
  // other streams need the wait; a deferring thread's own kernels are ordered after it.
  if (gpu::deferring()) {
    gpu::note_pending();
  } else {
    synchronize_stream(s);
  }
}

void sync_current_stream() {
  make_current(kDevice);
  synchronize_stream(current_stream());
  for (void* p : t_deferred_frees) device_free(p);
  t_deferred_frees.clear();
}

const gpu::MemoryOps kMemoryOps = {alloc,
                                   release,
                                   to_host,
                                   to_device,
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
    gpu::set_stream_sync(sync_current_stream);
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
