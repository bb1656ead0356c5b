// The contract between the runtime and a custom kernel compiled for the CPU.
//
// A kernel body (Metal or CUDA dialect) is compiled by the host C++ compiler
// into a shared object that exports the entry points below. The runtime
// calls them for every threadgroup of the grid; the kernel calls back into
// the runtime only to synchronise (barriers, simdgroup/warp exchanges) and to
// report out-of-bounds accesses in checked mode. This header is included by
// both sides, so it is plain C++ with no dependency on the rest of mlx-ts.
#pragma once

#include <stdint.h>

namespace mlxts_jit {

/** Bumped whenever a struct below changes: a cached binary of another version is rebuilt. */
constexpr int kAbiVersion = 1;
/** Threads per simdgroup (Metal) or warp (CUDA), as on the GPUs these kernels target. */
constexpr uint32_t kSimdWidth = 32;
/** Bytes of one lane's slot in a simd exchange: the largest value a simd op moves. */
constexpr uint32_t kSimdSlotBytes = 32;

struct Dim3 {
  uint32_t x, y, z;
};

/** Where one thread of the grid is. */
struct ThreadPos {
  Dim3 thread;            // position in its threadgroup (threadIdx)
  Dim3 group;             // its threadgroup's position in the grid (blockIdx)
  Dim3 group_size;        // size of this threadgroup; smaller than Launch::group_size at a partial edge
  uint32_t index;         // linear index in the threadgroup, x fastest
};

/** What a simd exchange returns: every lane's deposited value. */
struct SimdView {
  const unsigned char* slots; // kSimdWidth slots of kSimdSlotBytes, indexed by lane
  uint32_t active;            // bit i set: lane i is running and deposited a value
  uint32_t lane;              // the caller's lane
};

/** Runtime functions the kernel calls. `sched` is WorkerCtx::sched. */
struct Hooks {
  /** threadgroup_barrier / __syncthreads: returns once every live thread of the group arrived. */
  void (*barrier)(void* sched);
  /**
   * A simdgroup-wide exchange: deposits `bytes` (<= kSimdSlotBytes) of `value` in the caller's
   * slot, waits for every live thread of its simdgroup to deposit, and returns the slots. The
   * slots stay valid until the caller's next exchange.
   */
  SimdView (*simd_exchange)(void* sched, const void* value, uint32_t bytes);
  /** Checked mode: records the first out-of-bounds access (later ones are ignored). */
  void (*report_oob)(void* checker, const char* buffer, int64_t index, int64_t size,
                     const ThreadPos* pos);
};

/** One launch of a kernel, shared by all worker threads. */
struct Launch {
  void* const* args;      // one pointer per generated parameter (see the generated entry)
  const int64_t* sizes;   // element count of each buffer argument (checked mode), else null
  Dim3 grid;              // total threads per dimension (Metal counts threads)
  Dim3 group_size;        // threads per threadgroup / block
  Dim3 groups;            // threadgroups per dimension (ceil(grid / group_size))
  const Hooks* hooks;
  void* checker;          // passed back to hooks->report_oob
  uint32_t dynamic_shared_bytes;
};

/** Per worker thread state. */
struct WorkerCtx {
  void* sched;            // the worker's fiber scheduler (fiber mode only)
  void* dynamic_shared;   // dynamic shared memory of the running group (CUDA `extern __shared__`)
};

/** The thread that runs now, as the kernel's own code sees it (thread-local in the kernel). */
struct ThreadCtx {
  const Launch* launch;
  const WorkerCtx* worker;
  const ThreadPos* pos;
};

// Entry points a kernel object exports (extern "C"):
//   int  mlxts_kernel_abi_version(void);             // kAbiVersion
//   int  mlxts_kernel_uses_sync(void);               // 1: run threads as fibers
//   void mlxts_kernel_run_group(const Launch*, const WorkerCtx*, Dim3 group);
//        runs every thread of one threadgroup in a loop (kernels that never synchronise)
//   void mlxts_kernel_run_thread(const Launch*, const WorkerCtx*, const ThreadPos*);
//        runs one thread (called on its own fiber by the runtime)
using AbiVersionFn = int (*)();
using UsesSyncFn = int (*)();
using RunGroupFn = void (*)(const Launch*, const WorkerCtx*, Dim3);
using RunThreadFn = void (*)(const Launch*, const WorkerCtx*, const ThreadPos*);

} // namespace mlxts_jit
