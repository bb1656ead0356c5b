// Builds custom kernels for the CPU with the host C++ compiler and caches the
// results: in memory per process, and on disk keyed by the content of what
// was compiled (source, dialect flags, compiler identity, ABI version).
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "mlx/jit/kernel_abi.h"

namespace mlx::core::kernels {

/** A loaded kernel object and its entry points. Never unloaded: code may still be running. */
struct KernelModule {
  void* handle{nullptr};
  bool uses_sync{false};
  mlxts_jit::RunGroupFn run_group{nullptr};
  mlxts_jit::RunThreadFn run_thread{nullptr};
  std::string key;   // hex content hash, also the cache file's name
  int64_t generation{0}; // the memory cache's generation it was resolved in
};

/** What to build: a complete C++ translation unit and how to compile it. */
struct KernelBuild {
  std::string source;       // the generated translation unit
  std::string op;           // "[metal_kernel]" or "[cuda_kernel]", for messages
  std::string kernel_name;  // the user's kernel name, for messages
  bool fast_math{false};
};

/** Compilation failed: the message holds the diagnostics mapped to user lines. */
struct KernelCompileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/** The module for `build`: from memory, from disk, or freshly compiled. Thread-safe. */
std::shared_ptr<const KernelModule> get_kernel_module(const KernelBuild& build);

/**
 * Registers a build once and returns its id: calls that pass the id skip
 * hashing the source (the tiny-kernel call overhead matters).
 */
int register_kernel(KernelBuild build);
/** The module of a registered build, compiled or loaded on first use. */
std::shared_ptr<const KernelModule> registered_module(int id);
/** The registered build (its op and kernel name, for messages). */
const KernelBuild& registered_build(int id);

/** Where the compatibility headers live (native/include); set by the SDK at load. */
void set_kernel_include_dir(const std::string& dir);
std::string kernel_include_dir();

struct KernelCacheStats {
  int64_t compiles{0};       // compiler runs that succeeded
  int64_t failures{0};       // compiler runs that failed
  int64_t disk_hits{0};      // loaded from the disk cache
  int64_t memory_hits{0};    // found already loaded in this process
  int64_t corrupt_entries{0};// disk entries found unreadable and rebuilt
  double last_compile_ms{0}; // wall time of the latest compiler run
};
KernelCacheStats kernel_cache_stats();

/** The disk cache folder in use (MLX_TS_CACHE_DIR, else ~/.cache/mlx-ts). */
std::string kernel_cache_dir();

/** Forgets the in-memory cache (tests: forces the disk path). Loaded code stays mapped. */
void clear_kernel_memory_cache();

} // namespace mlx::core::kernels
