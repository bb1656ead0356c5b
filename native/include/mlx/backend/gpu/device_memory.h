// How the core moves an array's bytes between the host and a GPU. A GPU
// backend installs these at load; without one, arrays live on the host only.
#pragma once

#include <cstddef>

namespace mlx::core::gpu {

struct MemoryOps {
  void* (*alloc)(size_t bytes);      // device memory
  void (*free)(void* ptr);
  // to_host returns once the bytes are on the host; to_device once the source
  // may be reused (the device copy is ordered before later work of the thread).
  void (*to_host)(void* host, const void* device, size_t bytes);
  void (*to_device)(void* device, const void* host, size_t bytes);
  // The device allocator's counters (bytes), for mx.getActiveMemory() and friends.
  size_t (*active)();
  size_t (*peak)();
  size_t (*cache)();
  void (*reset_peak)();
  void (*clear_cache)();
};

/** Installs the backend's memory operations (once, at backend initialisation). */
void set_memory_ops(const MemoryOps* ops);
/** The installed operations, or null without a GPU backend. */
const MemoryOps* memory_ops();

} // namespace mlx::core::gpu
