#include "device_allocator.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "device.h"

namespace mlx::core::cuda {

namespace {

// Same classes as the host allocator (at most 25% slack), with a 256-byte
// minimum: cuMemAlloc's alignment, so small blocks waste nothing extra.
size_t size_class(size_t n) {
  if (n <= 1024) return (n + 255) & ~size_t(255);
  size_t p = size_t(1) << (63 - __builtin_clzll(n));
  size_t step = p / 4;
  return (n + step - 1) / step * step;
}

struct Block {
  size_t size;
  int device;
};

class DeviceAllocator {
 public:
  void* malloc(size_t bytes) {
    int device = current_device();
    make_current(device);
    size_t cls = size_class(bytes == 0 ? 1 : bytes);
    {
      std::lock_guard<std::mutex> lk(mu_);
      auto it = cache_.find({device, cls});
      if (it != cache_.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        cache_bytes_ -= cls;
        blocks_[p] = {cls, device};
        account(cls);
        return p;
      }
    }
    const CudaApi& a = *cuda_api(); // make_current succeeded, so the driver is loaded
    CUdeviceptr ptr = 0;
    CUresult r = a.cuMemAlloc_v2(&ptr, cls);
    if (r == CUDA_ERROR_OUT_OF_MEMORY) {
      // Give the cache back to the driver and try once more.
      clear_cache();
      r = a.cuMemAlloc_v2(&ptr, cls);
    }
    if (r != CUDA_SUCCESS) {
      size_t free_b = 0, total_b = 0;
      a.cuMemGetInfo_v2(&free_b, &total_b);
      std::ostringstream msg;
      msg << "[gpu] out of device memory: cannot allocate " << bytes << " bytes on device "
          << device << " (" << cuda_error_text(r) << "; " << active() << " bytes in use by mlx-ts, "
          << free_b << " of " << total_b << " bytes free on the device).";
      throw std::runtime_error(msg.str());
    }
    void* p = reinterpret_cast<void*>(static_cast<uintptr_t>(ptr));
    std::lock_guard<std::mutex> lk(mu_);
    blocks_[p] = {cls, device};
    account(cls);
    return p;
  }

  void free(void* p) {
    if (!p) return;
    std::unique_lock<std::mutex> lk(mu_);
    auto it = blocks_.find(p);
    if (it == blocks_.end()) throw std::runtime_error("[gpu] device_free of an unknown pointer.");
    Block b = it->second;
    blocks_.erase(it);
    active_ -= b.size;
    if (cache_bytes_ + b.size <= cache_limit()) {
      cache_[{b.device, b.size}].push_back(p);
      cache_bytes_ += b.size;
      return;
    }
    lk.unlock();
    release(p, b.device);
  }

  size_t block_size(const void* p) {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = blocks_.find(const_cast<void*>(p));
    return it == blocks_.end() ? 0 : it->second.size;
  }

  void clear_cache() { trim_cache_to(0); }
  size_t active() { std::lock_guard<std::mutex> lk(mu_); return active_; }
  size_t peak() { std::lock_guard<std::mutex> lk(mu_); return peak_; }
  size_t cache() { std::lock_guard<std::mutex> lk(mu_); return cache_bytes_; }
  void reset_peak() { std::lock_guard<std::mutex> lk(mu_); peak_ = active_; }
  size_t set_cache_limit(size_t l) {
    size_t old;
    {
      std::lock_guard<std::mutex> lk(mu_);
      old = cache_limit();
      cache_limit_ = l;
      limit_set_ = true;
    }
    trim_cache_to(l);
    return old;
  }

 private:
  void account(size_t cls) {
    active_ += cls;
    if (active_ > peak_) peak_ = active_;
  }
  // Default: keep up to one device's worth (an OOM clears the cache anyway).
  size_t cache_limit() {
    if (!limit_set_) {
      cache_limit_ = device_count() > 0 ? device_info(0).total_memory : 0;
      limit_set_ = true;
    }
    return cache_limit_;
  }
  // cuMemFree needs the block's context current; it is restored afterwards.
  static void release(void* p, int device) {
    int prev = current_device();
    make_current(device);
    cuda_api()->cuMemFree_v2(static_cast<CUdeviceptr>(reinterpret_cast<uintptr_t>(p)));
    make_current(prev);
  }
  // Frees the largest cached blocks first until the cache fits.
  void trim_cache_to(size_t limit) {
    std::vector<std::pair<void*, int>> victims;
    {
      std::lock_guard<std::mutex> lk(mu_);
      for (auto it = cache_.rbegin(); it != cache_.rend() && cache_bytes_ > limit; ++it) {
        auto& blocks = it->second;
        while (!blocks.empty() && cache_bytes_ > limit) {
          victims.emplace_back(blocks.back(), it->first.first);
          blocks.pop_back();
          cache_bytes_ -= it->first.second;
        }
      }
    }
    for (auto& [p, device] : victims) release(p, device); // outside the lock: cuMemFree may sync
  }

  std::mutex mu_;
  std::map<std::pair<int, size_t>, std::vector<void*>> cache_; // (device, class) -> blocks
  std::unordered_map<void*, Block> blocks_;                    // blocks handed out
  size_t active_{0}, peak_{0}, cache_bytes_{0};
  size_t cache_limit_{0};
  bool limit_set_{false};
};

DeviceAllocator& allocator() {
  static auto* a = new DeviceAllocator(); // never destroyed: frees may come during exit
  return *a;
}

} // namespace

void* device_malloc(size_t bytes) { return allocator().malloc(bytes); }
void device_free(void* ptr) { allocator().free(ptr); }
size_t device_block_size(const void* ptr) { return allocator().block_size(ptr); }
size_t device_active_memory() { return allocator().active(); }
size_t device_peak_memory() { return allocator().peak(); }
size_t device_cache_memory() { return allocator().cache(); }
void device_clear_cache() { allocator().clear_cache(); }
void device_reset_peak() { allocator().reset_peak(); }
size_t device_set_cache_limit(size_t limit) { return allocator().set_cache_limit(limit); }

} // namespace mlx::core::cuda
