// How the core moves an array's bytes between the host and a GPU. A GPU
// backend installs these at load; without one, arrays live on the host only.
#pragma once

#include <cstddef>
#include <memory>

namespace mlx::core::gpu {

struct MemoryOps {
  void* (*alloc)(size_t bytes);      // device memory
  void (*free)(void* ptr);
  // to_host returns once the bytes are on the host. to_device returns once the
  // source may be reused; the copy is ordered before later work of the calling
  // thread's stream, and the returned event (null: complete) marks it for others.
  void (*to_host)(void* host, const void* device, size_t bytes);
  std::shared_ptr<void> (*to_device)(void* device, const void* host, size_t bytes);
  // Events (from the backend): the calling thread's stream waits for one on
  // the device; or the host blocks until it is reached.
  void (*wait_on_device)(void* event);
  void (*wait_on_host)(void* event);
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
