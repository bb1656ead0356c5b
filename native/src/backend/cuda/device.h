// CUDA devices: availability, properties, the per-thread current context, and
// small owning wrappers for streams and events. All driver calls go through
// cuda_api() (dlopen'ed), so this compiles and runs without CUDA.
#pragma once

#include <cstddef>
#include <string>

#include "cuda_api.h"

namespace mlx::core::cuda {

/** True when the driver loads and reports at least one device. Cheap after the first call. */
bool is_available();
/** Number of CUDA devices (0 when unavailable). */
int device_count();

struct DeviceInfo {
  std::string name;
  size_t total_memory{0};
  int compute_major{0}, compute_minor{0};
  int sm_count{0};
  size_t max_shared_per_block{0};        // without opting in (48 KiB)
  size_t max_shared_per_block_optin{0};  // with CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES
  int max_threads_per_block{0};
  int warp_size{0};
};

/** Properties of device `index` (queried once, then cached). Throws if unavailable/out of range. */
const DeviceInfo& device_info(int index);

/**
 * Makes device `device`'s primary context current on the calling thread
 * (retained once per process, never released). A thread_local remembers the
 * device, so repeated calls cost a comparison. Code that switches contexts
 * behind our back (cuCtxSetCurrent elsewhere) must call make_current again.
 */
void make_current(int device);
/** The device last made current on this thread (0 if none yet). */
int current_device();
/** Compute capability of the current device as an NVRTC arch number: 90 for sm_90. */
int arch();

/** Synchronizes the current context (all streams). */
void context_synchronize();

/** An owning CUDA stream of the current device (non-blocking w.r.t. the legacy stream). */
/** Waits for the work queued on `s`: polls for a short while first (a small
 *  kernel finishes in a few microseconds; a blocking wait adds a wake-up), then
 *  blocks. */
void synchronize_stream(CUstream s);

/** How synchronize_stream waits. HostFlag: the GPU writes a counter into
 *  pinned host memory after the stream's work and the host reads it (no driver
 *  call per poll; 2 ms, then Query). Query: cuStreamQuery polls for 50 µs, then
 *  a blocking sync. Auto (the default): Query for 20 µs, then HostFlag. */
enum class SyncMode { Auto, HostFlag, Query };
void set_sync_mode(SyncMode m);
SyncMode sync_mode();

class CudaStream {
 public:
  explicit CudaStream(bool non_blocking = true);
  ~CudaStream();
  CudaStream(const CudaStream&) = delete;
  CudaStream& operator=(const CudaStream&) = delete;
  CudaStream(CudaStream&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  CUstream get() const { return s_; }
  operator CUstream() const { return s_; }
  void synchronize() const;

 private:
  CUstream s_{nullptr};
};

/** An owning CUDA event; timing off by default (cheaper record/wait). */
class CudaEvent {
 public:
  explicit CudaEvent(bool timing = false);
  ~CudaEvent();
  CudaEvent(const CudaEvent&) = delete;
  CudaEvent& operator=(const CudaEvent&) = delete;
  CudaEvent(CudaEvent&& o) noexcept : e_(o.e_) { o.e_ = nullptr; }
  CUevent get() const { return e_; }
  void record(CUstream s) const;
  /** Makes `s` wait (on the device) for this event's latest record. */
  void wait_on(CUstream s) const;
  void synchronize() const;
  /** True when the recorded work has finished. */
  bool query() const;
  /** Milliseconds between two timing events' records (both completed). */
  static float elapsed_ms(const CudaEvent& start, const CudaEvent& end);

 private:
  CUevent e_{nullptr};
};

} // namespace mlx::core::cuda
