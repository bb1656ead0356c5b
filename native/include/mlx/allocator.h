// The caching allocator: buffers are recycled by size class so that repeated
// work of the same shapes does not go back to the system (or fault fresh pages).
#pragma once

#include <cstddef>

namespace mlx::core {
namespace allocator {

class Buffer {
 public:
  Buffer(void* ptr) : ptr_(ptr) {}
  void* raw_ptr() { return ptr_; }
  const void* raw_ptr() const { return ptr_; }
  void* ptr() { return ptr_; }

 private:
  void* ptr_;
};

/** Allocates at least `size` bytes, 64-byte aligned. Throws std::runtime_error
 * when the memory limit would be exceeded or the system is out of memory. */
Buffer malloc(size_t size);
void free(Buffer buffer);
/** The usable size of a buffer returned by malloc. */
size_t size(Buffer buffer);

} // namespace allocator

size_t get_active_memory();
size_t get_peak_memory();
void reset_peak_memory();
size_t get_cache_memory();
/** Sets the limit on active memory; returns the previous limit. */
size_t set_memory_limit(size_t limit);
size_t get_memory_limit();
/** Sets the limit on cached (free, kept) memory; returns the previous limit. */
size_t set_cache_limit(size_t limit);
void clear_cache();

} // namespace mlx::core
