// Compiles CUDA C++ with NVRTC for the current device and caches the result:
// in memory per process (key + device), and on disk keyed by the content of
// what was compiled (source, options, target arch, NVRTC version), with the
// same robustness as the CPU kernel cache (native/src/kernels/host_compiler.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda_api.h"

namespace mlx::core::cuda {

/** What to compile. */
struct CudaBuild {
  std::string source;
  /** The kernel to fetch: a name expression NVRTC lowers, e.g.
   *  "mlx::core::cu::custom_kernel_myexp_float", or an extern "C" name. */
  std::string name_expression;
  std::vector<std::string> options;      // extra NVRTC flags, e.g. "-default-device"
  std::vector<std::string> include_dirs; // --include-path folders (before the toolkit's)
  std::string op;                        // "[cuda_kernel]": starts every error message
  std::string kernel_name;               // the user's kernel name, for messages
  bool fast_math{false};                 // adds --use_fast_math
  /** Versions of anything the source includes from include_dirs (headers are
   *  not hashed): part of the cache key, so a header change invalidates entries. */
  std::string cache_tag;
  int device{-1};                        // -1: the calling thread's current_device()
};

/** A loaded kernel. Modules are never unloaded: launched work may still run. */
struct CudaKernelBinary {
  CUmodule module{nullptr};
  CUfunction function{nullptr};
  std::string lowered_name;
  std::string key;       // hex content hash: the disk cache file's name
  int device{0};
  bool from_ptx{false};  // true when NVRTC could not emit SASS for this arch (driver JIT)
  int64_t generation{0}; // the memory cache's generation it was resolved in
  /** Dynamic shared memory opted in so far (CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES). */
  mutable std::atomic<unsigned> dynamic_shared_optin{48 * 1024};
};

/** Compilation failed. what() starts with build.op, names kernel_name, holds the NVRTC log
 *  (lines like "<kernel_name>.cu(12): error: ..."). */
struct CudaCompileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/** The kernel for `build`: from memory, from disk, or freshly compiled. Thread-safe. */
std::shared_ptr<const CudaKernelBinary> compile_cuda_kernel(const CudaBuild& build);

struct Dim3 {
  unsigned x{1}, y{1}, z{1};
};

/**
 * Launches `k` on `stream` (its device's context is made current). Requests
 * above 48 KiB of dynamic shared memory opt in first (once per size), with a
 * clear error past the device's limit. `args`: one pointer per kernel
 * parameter, to the parameter's value (cuLaunchKernel's kernelParams).
 */
void launch(const CudaKernelBinary& k, Dim3 grid, Dim3 block, unsigned shared_bytes,
            CUstream stream, void** args);

/** Device time of one kernel launch, from events recorded around it. */
struct KernelTiming {
  std::string kernel; // the lowered (extern "C") name
  unsigned grid[3];
  unsigned block[3];
  double ms;
};

/** Turns on (or off) event timing of every launch through launch(). Off by
 *  default: two event records per launch cost about a microsecond. */
void set_kernel_timing(bool on);

/** Waits for the timed launches so far and returns them in launch order (clearing the list). */
std::vector<KernelTiming> take_kernel_timings();

struct CudaKernelCacheStats {
  int64_t compiles{0};        // NVRTC runs that succeeded
  int64_t failures{0};        // NVRTC runs that failed
  int64_t disk_hits{0};       // loaded from the disk cache
  int64_t memory_hits{0};     // found already loaded in this process
  int64_t corrupt_entries{0}; // disk entries found unusable and rebuilt
  int64_t disk_write_failures{0}; // results that could not be stored (cache folder unwritable)
  double last_compile_ms{0};  // wall time of the latest NVRTC run
};
CudaKernelCacheStats cuda_kernel_cache_stats();

/** The disk cache folder: ${MLX_TS_CACHE_DIR or $XDG_CACHE_HOME/mlx-ts or ~/.cache/mlx-ts}/cuda-kernels. */
std::string cuda_kernel_cache_dir();

/** Forgets the in-memory cache (tests: forces the disk path). Loaded modules stay loaded. */
void clear_cuda_kernel_memory_cache();

} // namespace mlx::core::cuda
