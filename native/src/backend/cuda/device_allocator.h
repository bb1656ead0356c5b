// Caching allocator for device memory (plain cuMemAlloc; never managed memory).
//
// cuMemAlloc/cuMemFree are slow (cuMemFree may synchronize the device), so
// freed blocks are kept per (device, size class) and reused, as the host
// allocator (native/src/core/allocator.cpp) does for host memory.
//
// Stream-ordering contract: device_free() makes a block reusable at once, so
// free a block only after the work that uses it has completed, or when every
// later user runs on the same stream (stream order then protects it).
#pragma once

#include <cstddef>

namespace mlx::core::cuda {

/**
 * At least `bytes` (>= 1) of device memory on the calling thread's current
 * device (current_device(); its context is made current), 256-byte aligned.
 * On failure the cache is freed and the allocation retried once; then throws
 * std::runtime_error("[gpu] out of device memory ...").
 */
void* device_malloc(size_t bytes);
/** Returns a block from device_malloc to the cache (or to the driver past the cache limit). */
void device_free(void* ptr);
/** The usable size (size class) of a block from device_malloc. */
size_t device_block_size(const void* ptr);

size_t device_active_memory(); // bytes in blocks handed out (size classes)
size_t device_peak_memory();   // highest active since start / last reset
size_t device_cache_memory();  // bytes kept for reuse
/** Frees every cached block back to the driver. */
void device_clear_cache();
void device_reset_peak();
/** Limit on cached bytes (default: the first device's total memory); returns the previous one. */
size_t device_set_cache_limit(size_t limit);

} // namespace mlx::core::cuda
