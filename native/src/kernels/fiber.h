// Runs the threads of one threadgroup of a custom kernel as fibers on one OS
// thread, for kernels that synchronise (threadgroup barriers, simd/warp ops).
// Each thread gets a small stack; a barrier or simd exchange switches back to
// a scheduler on the OS thread's own stack, which resumes the other threads
// and releases the waiters once everyone they wait for has arrived.
//
// The switch is a hand-written register swap (fiber_switch.cpp): swapcontext
// makes a system call per switch (sigprocmask), and a kernel like
// grid_sample's vjp switches tens of millions of times.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <memory>

#include "mlx/jit/kernel_abi.h"

// The hand-written switch is for ELF targets (Linux, BSDs) on x86-64 and aarch64.
#if !(defined(__x86_64__) || defined(__aarch64__)) || !defined(__ELF__)
#include <ucontext.h>
#define MLXTS_FIBER_UCONTEXT 1
#endif

namespace mlx::core::kernels {

namespace fiber_detail {

/** A suspended execution context. */
#ifdef MLXTS_FIBER_UCONTEXT
struct Context { ucontext_t uc; };
#else
struct Context { void* sp; }; // everything else lives on the suspended stack
extern "C" __attribute__((visibility("hidden")))
void mlxts_fiber_switch(void** save_sp, void* load_sp); // fiber_switch.cpp
#endif

/** Prepares `ctx` so that switching to it calls entry(arg) on the stack [lo, lo + size).
 * `entry` must never return (it switches away for the last time instead). */
void context_init(Context* ctx, void* lo, size_t size, void (*entry)(void*), void* arg);

/** Saves the running context into `from` and resumes `to`. */
inline void context_switch(Context* from, Context* to) {
#ifdef MLXTS_FIBER_UCONTEXT
  swapcontext(&from->uc, &to->uc);
#else
  mlxts_fiber_switch(&from->sp, to->sp);
#endif
}

} // namespace fiber_detail

/**
 * Runs the threads of threadgroups as fibers on the calling OS thread. One per OS thread.
 *
 * Kernel code must not throw: an exception leaving a fiber's function calls std::terminate
 * (there is no frame to unwind into). Fibers never migrate between OS threads, so
 * thread_local data (t_cur, `threadgroup` memory) is shared by exactly the threads of one group.
 */
class FiberGroupRunner {
 public:
  static constexpr uint32_t kMaxThreads = 1024;

  /** The runner of the calling OS thread (created on first use, reused). */
  static FiberGroupRunner& this_thread();
  /** Hooks for mlxts_jit::Launch::hooks (report_oob is null: the caller supplies its own). */
  static const mlxts_jit::Hooks& hooks();
  static void barrier_hook(void* sched);
  static mlxts_jit::SimdView simd_exchange_hook(void* sched, const void* value, uint32_t bytes);

  /** The value for WorkerCtx::sched. */
  void* sched() { return this; }

  /**
   * Runs `count` threads (count <= 1024), thread i calling fn(arg, i) on its own fiber,
   * until all return. Throws std::runtime_error when they deadlock (the stuck fibers are
   * abandoned; the runner stays usable).
   */
  void run(uint32_t count, void (*fn)(void* arg, uint32_t index), void* arg);

  FiberGroupRunner(const FiberGroupRunner&) = delete;
  FiberGroupRunner& operator=(const FiberGroupRunner&) = delete;
  ~FiberGroupRunner();

 private:
  enum State : uint8_t { RUNNABLE, AT_BARRIER, AT_SIMD, DONE };
  /** One simdgroup: counts of its fibers, and its exchange slots, double-buffered by round. */
  struct SimdGroup {
    uint32_t live, runnable, at_simd, round;
    uint32_t deposited[2];                                     // lanes that deposited, by parity
    unsigned char slots[2][mlxts_jit::kSimdWidth * mlxts_jit::kSimdSlotBytes];
  };

  FiberGroupRunner();
  void ensure_stacks(uint32_t count);
  void block(State state); // called on a fiber: parks it and switches to the scheduler
  void release_simd(uint32_t simdgroup);
  static void fiber_main(void* runner) noexcept;
  [[noreturn]] void deadlock();

  // The group being run.
  void (*fn_)(void*, uint32_t) = nullptr;
  void* arg_ = nullptr;
  uint32_t count_ = 0, current_ = 0, live_ = 0, runnable_ = 0, at_barrier_ = 0;
  bool running_ = false;

  fiber_detail::Context scheduler_;
  std::unique_ptr<fiber_detail::Context[]> contexts_;
  std::unique_ptr<State[]> states_;
  std::unique_ptr<SimdGroup[]> simdgroups_;

  // Stacks: one reservation, [guard page][stack] per fiber, made usable on first need.
  unsigned char* stacks_ = nullptr;
  size_t stack_bytes_ = 0, guard_bytes_ = 0, reserved_ = 0;
  uint32_t usable_stacks_ = 0;
};

} // namespace mlx::core::kernels
