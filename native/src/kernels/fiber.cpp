// The fiber scheduler of one OS thread (see fiber.h). All bookkeeping happens
// on that one OS thread, so nothing here needs atomics or locks.
#include "fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mlx::core::kernels {

using mlxts_jit::kSimdSlotBytes;
using mlxts_jit::kSimdWidth;

namespace {

constexpr uint32_t kMaxSimdgroups = FiberGroupRunner::kMaxThreads / kSimdWidth;

/** Usable bytes per fiber stack: 64 KiB unless MLX_TS_KERNEL_STACK_KB says otherwise. */
size_t stack_bytes_from_env(size_t page) {
  size_t kb = 64;
  if (const char* env = std::getenv("MLX_TS_KERNEL_STACK_KB")) {
    long v = std::strtol(env, nullptr, 10);
    if (v >= 8) kb = static_cast<size_t>(v); // below 8 KiB even the hooks' frames risk the guard
  }
  return (kb * 1024 + page - 1) / page * page;
}

} // namespace

FiberGroupRunner::FiberGroupRunner()
    : contexts_(new fiber_detail::Context[kMaxThreads]),
      states_(new State[kMaxThreads]),
      simdgroups_(new SimdGroup[kMaxSimdgroups]) {
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  guard_bytes_ = page;
  stack_bytes_ = stack_bytes_from_env(page);
  // Reserve address space only: PROT_NONE + NORESERVE commits nothing. Stacks are made
  // usable as larger groups appear (ensure_stacks), and their pages are committed lazily
  // when touched, so a runner that only ever runs 64-thread groups costs 64 small stacks.
  reserved_ = (guard_bytes_ + stack_bytes_) * kMaxThreads;
  void* p = mmap(nullptr, reserved_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("[custom_kernel] cannot reserve fiber stacks");
  stacks_ = static_cast<unsigned char*>(p);
}

FiberGroupRunner::~FiberGroupRunner() {
  if (stacks_) munmap(stacks_, reserved_);
}

FiberGroupRunner& FiberGroupRunner::this_thread() {
  static thread_local FiberGroupRunner runner;
  return runner;
}

const mlxts_jit::Hooks& FiberGroupRunner::hooks() {
  static const mlxts_jit::Hooks table{&barrier_hook, &simd_exchange_hook, nullptr};
  return table;
}

void FiberGroupRunner::ensure_stacks(uint32_t count) {
  // Each stack sits above its own PROT_NONE guard page, so an overflow faults instead
  // of silently corrupting the neighbouring fiber's stack.
  for (; usable_stacks_ < count; ++usable_stacks_) {
    unsigned char* lo = stacks_ + usable_stacks_ * (guard_bytes_ + stack_bytes_) + guard_bytes_;
    if (mprotect(lo, stack_bytes_, PROT_READ | PROT_WRITE) != 0)
      throw std::runtime_error("[custom_kernel] cannot allocate fiber stacks (mprotect failed; "
                               "vm.max_map_count may be too low)");
  }
}

// ---- on the fibers ---------------------------------------------------------

void FiberGroupRunner::fiber_main(void* runner) noexcept {
  // noexcept: an exception escaping kernel code terminates here rather than unwinding
  // into the entry stub, which has no caller to return to.
  auto* self = static_cast<FiberGroupRunner*>(runner);
  uint32_t index = self->current_;
  self->fn_(self->arg_, index);
  self->block(DONE); // never resumed: the stack is re-initialised by the next run()
  __builtin_unreachable();
}

void FiberGroupRunner::block(State state) {
  uint32_t index = current_;
  SimdGroup& sg = simdgroups_[index / kSimdWidth];
  states_[index] = state;
  --runnable_;
  --sg.runnable;
  if (state == AT_BARRIER) {
    ++at_barrier_;
  } else if (state == AT_SIMD) {
    ++sg.at_simd;
  } else { // DONE: finished lanes are inactive, so the rest of the simdgroup may be complete
    --live_;
    --sg.live;
  }
  if (sg.at_simd != 0 && sg.at_simd == sg.live) {
    release_simd(index / kSimdWidth);
    // The last lane to deposit has a complete view: it runs on without a switch.
    if (state == AT_SIMD) return;
  }
  fiber_detail::context_switch(&contexts_[index], &scheduler_);
}

void FiberGroupRunner::release_simd(uint32_t simdgroup) {
  SimdGroup& sg = simdgroups_[simdgroup];
  uint32_t first = simdgroup * kSimdWidth;
  uint32_t end = first + kSimdWidth < count_ ? first + kSimdWidth : count_;
  for (uint32_t i = first; i < end; ++i)
    if (states_[i] == AT_SIMD) states_[i] = RUNNABLE;
  runnable_ += sg.at_simd;
  sg.runnable += sg.at_simd;
  sg.at_simd = 0;
  // The next round writes the other buffer; its lanes' views of two rounds ago are dead
  // (each lane has exchanged since), so it can be reused.
  ++sg.round;
  sg.deposited[sg.round & 1] = 0;
}

void FiberGroupRunner::barrier_hook(void* sched) {
  static_cast<FiberGroupRunner*>(sched)->block(AT_BARRIER);
}

mlxts_jit::SimdView FiberGroupRunner::simd_exchange_hook(void* sched, const void* value,
                                                         uint32_t bytes) {
  auto* self = static_cast<FiberGroupRunner*>(sched);
  uint32_t index = self->current_; // block() switches away: current_ changes meanwhile
  uint32_t lane = index % kSimdWidth;
  SimdGroup& sg = self->simdgroups_[index / kSimdWidth];
  uint32_t parity = sg.round & 1;
  std::memcpy(sg.slots[parity] + lane * kSimdSlotBytes, value,
              bytes < kSimdSlotBytes ? bytes : kSimdSlotBytes);
  sg.deposited[parity] |= 1u << lane;
  self->block(AT_SIMD);
  // Released: every live lane deposited in this round. The buffer stays untouched until
  // the round after next, which this lane's next exchange must precede.
  return {sg.slots[parity], sg.deposited[parity], lane};
}

// ---- on the scheduler (the OS thread's own stack) --------------------------

void FiberGroupRunner::run(uint32_t count, void (*fn)(void*, uint32_t), void* arg) {
  if (count == 0) return;
  if (count > kMaxThreads)
    throw std::invalid_argument("[custom_kernel] at most 1024 threads per threadgroup");
  if (running_) throw std::logic_error("[custom_kernel] nested fiber groups are not supported");
  ensure_stacks(count);
  fn_ = fn;
  arg_ = arg;
  count_ = live_ = runnable_ = count;
  at_barrier_ = 0;
  uint32_t simdgroups = (count + kSimdWidth - 1) / kSimdWidth;
  for (uint32_t s = 0; s < simdgroups; ++s) {
    uint32_t lanes = count - s * kSimdWidth < kSimdWidth ? count - s * kSimdWidth : kSimdWidth;
    SimdGroup& sg = simdgroups_[s];
    sg.live = sg.runnable = lanes;
    sg.at_simd = sg.round = 0;
    sg.deposited[0] = sg.deposited[1] = 0;
  }
  for (uint32_t i = 0; i < count; ++i) {
    states_[i] = RUNNABLE;
    unsigned char* lo = stacks_ + i * (guard_bytes_ + stack_bytes_) + guard_bytes_;
    // Stack tops a whole number of pages apart would all fall in the same L1 cache set;
    // starting each one a different cache line lower spreads them over the sets.
    size_t colour = (i % 64) * 64;
    fiber_detail::context_init(&contexts_[i], lo, stack_bytes_ - colour, &fiber_main, this);
  }
  running_ = true;
  while (live_ > 0) {
    if (runnable_ == 0) {
      if (at_barrier_ != live_) deadlock();
      // Every live thread reached the barrier (finished ones count as arrived).
      for (uint32_t i = 0; i < count; ++i)
        if (states_[i] == AT_BARRIER) states_[i] = RUNNABLE;
      for (uint32_t s = 0; s < simdgroups; ++s) simdgroups_[s].runnable = simdgroups_[s].live;
      runnable_ = live_;
      at_barrier_ = 0;
    }
    // One pass in index order; simdgroups with nothing runnable are skipped whole.
    for (uint32_t s = 0; s < simdgroups; ++s) {
      if (simdgroups_[s].runnable == 0) continue;
      uint32_t end = (s + 1) * kSimdWidth < count ? (s + 1) * kSimdWidth : count;
      for (uint32_t i = s * kSimdWidth; i < end; ++i) {
        if (states_[i] != RUNNABLE) continue;
        current_ = i;
        fiber_detail::context_switch(&scheduler_, &contexts_[i]);
      }
    }
  }
  running_ = false;
}

void FiberGroupRunner::deadlock() {
  // The stuck fibers are simply abandoned: kernel code has no destructors to run, and
  // the next run() re-initialises every context on the same stacks.
  uint32_t at_barrier = at_barrier_, at_simd = live_ - at_barrier_, finished = count_ - live_;
  running_ = false;
  live_ = runnable_ = at_barrier_ = 0;
  throw std::runtime_error(
      "[custom_kernel] threads of a threadgroup deadlocked: " + std::to_string(at_barrier) +
      " at a threadgroup barrier, " + std::to_string(at_simd) + " in simdgroup operations, " +
      std::to_string(finished) + " finished. Every live thread must reach the same barriers, "
      "and all live threads of a simdgroup the same simd operations.");
}

} // namespace mlx::core::kernels
