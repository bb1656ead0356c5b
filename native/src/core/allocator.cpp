// Caching allocator. Sizes are rounded to size classes (at most 25% slack);
// freed blocks are kept per class up to the cache limit and reused, so hot loops
// do not return to the system or fault fresh pages.
#include "mlx/allocator.h"

#include "mlx/backend/gpu/device_memory.h"

#include <unistd.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace mlx::core {

namespace {

constexpr size_t kAlign = 64;
// No MADV_HUGEPAGE: on this kind of VM (THP defrag=madvise) a huge-page fault
// can stall in direct compaction for 200+ ms (measured: 8-280 ms per 64 MiB
// against a steady ~50 ms without it). Reuse through the cache is the fast path.
void* system_alloc(size_t bytes) { return std::aligned_alloc(kAlign, bytes); }
// The block's usable size is stored just before the returned pointer.
constexpr size_t kHeader = kAlign;

size_t size_class(size_t n) {
  if (n <= 256) return (n + 63) & ~size_t(63);
  // Round up to one of 2^k, 1.25*2^k, 1.5*2^k, 1.75*2^k.
  size_t p = size_t(1) << (63 - __builtin_clzll(n));
  size_t step = p / 4;
  return (n + step - 1) / step * step;
}

size_t physical_memory() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return size_t(16) << 30;
  return size_t(pages) * size_t(page);
}

class CachingAllocator {
 public:
  CachingAllocator()
      : memory_limit_(physical_memory()), cache_limit_(physical_memory() / 4) {}

  void* malloc(size_t size) {
    size_t cls = size_class(std::max<size_t>(size, 1));
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (active_ + cls > memory_limit_) {
        std::ostringstream msg;
        msg << "[malloc] Attempting to allocate " << size
            << " bytes which is over the memory limit of " << memory_limit_
            << " bytes (" << active_ << " bytes in use).";
        throw std::runtime_error(msg.str());
      }
      auto it = cache_.find(cls);
      if (it != cache_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cache_bytes_ -= cls;
        account(cls);
        return p;
      }
    }
    void* raw = system_alloc(cls + kHeader);
    if (raw == nullptr) {
      // Give the cache back to the system and try once more.
      clear_cache();
      raw = system_alloc(cls + kHeader);
      if (raw == nullptr) {
        std::ostringstream msg;
        msg << "[malloc] Unable to allocate " << size << " bytes: out of memory.";
        throw std::runtime_error(msg.str());
      }
    }
    *static_cast<size_t*>(raw) = cls;
    std::lock_guard<std::mutex> lk(mu_);
    account(cls);
    return static_cast<char*>(raw) + kHeader;
  }

  void free(void* p) {
    if (p == nullptr) return;
    size_t cls = block_size(p);
    std::lock_guard<std::mutex> lk(mu_);
    active_ -= cls;
    if (cache_bytes_ + cls <= cache_limit_) {
      cache_[cls].push_back(p);
      cache_bytes_ += cls;
    } else {
      std::free(static_cast<char*>(p) - kHeader);
    }
  }

  static size_t block_size(const void* p) {
    return *reinterpret_cast<const size_t*>(static_cast<const char*>(p) - kHeader);
  }

  void clear_cache() {
    std::lock_guard<std::mutex> lk(mu_);
    trim_cache_to(0);
  }

  size_t active() { std::lock_guard<std::mutex> lk(mu_); return active_; }
  size_t peak() { std::lock_guard<std::mutex> lk(mu_); return peak_; }
  void reset_peak() { std::lock_guard<std::mutex> lk(mu_); peak_ = active_; }
  size_t cache() { std::lock_guard<std::mutex> lk(mu_); return cache_bytes_; }
  size_t memory_limit() { std::lock_guard<std::mutex> lk(mu_); return memory_limit_; }
  size_t set_memory_limit(size_t l) {
    std::lock_guard<std::mutex> lk(mu_);
    std::swap(l, memory_limit_);
    return l;
  }
  size_t set_cache_limit(size_t l) {
    std::lock_guard<std::mutex> lk(mu_);
    std::swap(l, cache_limit_);
    trim_cache_to(cache_limit_);
    return l;
  }

 private:
  void account(size_t cls) {
    active_ += cls;
    if (active_ > peak_) peak_ = active_;
  }
  // Frees the largest cached blocks first until the cache fits.
  void trim_cache_to(size_t limit) {
    for (auto it = cache_.rbegin(); it != cache_.rend() && cache_bytes_ > limit; ++it) {
      auto& blocks = it->second;
      while (!blocks.empty() && cache_bytes_ > limit) {
        std::free(static_cast<char*>(blocks.back()) - kHeader);
        blocks.pop_back();
        cache_bytes_ -= it->first;
      }
    }
  }

  std::mutex mu_;
  std::map<size_t, std::vector<void*>> cache_;
  size_t active_{0}, peak_{0}, cache_bytes_{0};
  size_t memory_limit_, cache_limit_;
};

CachingAllocator& allocator_instance() {
  // Never destroyed: arrays released during process exit may still free.
  static auto* a = new CachingAllocator();
  return *a;
}

} // namespace

namespace allocator {
Buffer malloc(size_t size) { return Buffer(allocator_instance().malloc(size)); }
void free(Buffer buffer) { allocator_instance().free(buffer.ptr()); }
size_t size(Buffer buffer) {
  return buffer.ptr() ? CachingAllocator::block_size(buffer.ptr()) : 0;
}
} // namespace allocator

// Host and device memory together (MLX reports the GPU's; here arrays may live
// on either). The peak adds the two peaks, which may have come at other times.
size_t get_active_memory() {
  const auto* d = gpu::memory_ops();
  return allocator_instance().active() + (d ? d->active() : 0);
}
size_t get_peak_memory() {
  const auto* d = gpu::memory_ops();
  return allocator_instance().peak() + (d ? d->peak() : 0);
}
void reset_peak_memory() {
  allocator_instance().reset_peak();
  if (const auto* d = gpu::memory_ops()) d->reset_peak();
}
size_t get_cache_memory() {
  const auto* d = gpu::memory_ops();
  return allocator_instance().cache() + (d ? d->cache() : 0);
}
size_t set_memory_limit(size_t limit) { return allocator_instance().set_memory_limit(limit); }
size_t get_memory_limit() { return allocator_instance().memory_limit(); }
size_t set_cache_limit(size_t limit) { return allocator_instance().set_cache_limit(limit); }
void clear_cache() {
  allocator_instance().clear_cache();
  if (const auto* d = gpu::memory_ops()) d->clear_cache();
}

} // namespace mlx::core
