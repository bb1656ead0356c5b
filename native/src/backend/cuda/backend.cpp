// Connects the CUDA layer to the core: gpu::is_available(), the memory
// operations arrays use to move between host and device, and the per-worker
// device stream GPU implementations enqueue on.
#include "backend.h"

#include <memory>
#include <mutex>

#include "device.h"
#include "device_allocator.h"
#include "mlx/backend/gpu/device_memory.h"
#include "mlx/backend/gpu/eval.h"
#include "mlx/device.h"

namespace mlx::core {

namespace cuda {

namespace {

constexpr int kDevice = 0; // one GPU for now; Device::index selects it later

void* alloc(size_t bytes) {
  make_current(kDevice);
  return device_malloc(bytes);
}

void release(void* ptr) {
  make_current(kDevice);
  device_free(ptr);
}

void to_host(void* host, const void* device, size_t bytes) {
  make_current(kDevice);
  check(cuda_api()->cuMemcpyDtoH_v2(host, reinterpret_cast<CUdeviceptr>(device), bytes),
        "cuMemcpyDtoH");
}

// On the worker's own stream, then waited for: later kernels on any stream see the bytes.
void to_device(void* device, const void* host, size_t bytes) {
  make_current(kDevice);
  CUstream s = current_stream();
  check(cuda_api()->cuMemcpyHtoDAsync_v2(reinterpret_cast<CUdeviceptr>(device), host, bytes, s),
        "cuMemcpyHtoDAsync");
  check(cuda_api()->cuStreamSynchronize(s), "cuStreamSynchronize");
}

void sync_current_stream() {
  make_current(kDevice);
  check(cuda_api()->cuStreamSynchronize(current_stream()), "cuStreamSynchronize");
}

const gpu::MemoryOps kMemoryOps = {alloc, release, to_host, to_device};

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
