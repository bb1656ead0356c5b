// Microbenchmark of the custom-kernel fiber switch (native/src/kernels/fiber*.cpp).
// Build and run from the repository root:
//   g++ -O2 -std=c++17 bench/fiber_switch.cpp native/src/kernels/fiber.cpp native/src/kernels/fiber_switch.cpp -Inative/include -Inative/src -o /tmp/fs && /tmp/fs
// Prints JSON: ns per switch for the hand-written switch and for swapcontext
// (ping-pong between two contexts, one switch = one direction), and a
// 256-thread group doing 2 simd exchanges per thread (the grid_sample vjp shape).
#include <sys/mman.h>
#include <ucontext.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "kernels/fiber.h"

using namespace mlx::core::kernels;
namespace fd = mlx::core::kernels::fiber_detail;

static double now_ns() {
  return std::chrono::duration<double, std::nano>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

static void* new_stack(size_t bytes) {
  return mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

// ---- hand-written switch: ping-pong ----
static fd::Context main_ctx, fiber_ctx;
static void pingpong_entry(void*) {
  for (;;) fd::context_switch(&fiber_ctx, &main_ctx);
}
static double bench_switch(long rounds) {
  const size_t size = 64 * 1024;
  fd::context_init(&fiber_ctx, new_stack(size), size, &pingpong_entry, nullptr);
  fd::context_switch(&main_ctx, &fiber_ctx); // warm up / start
  double t0 = now_ns();
  for (long i = 0; i < rounds; ++i) fd::context_switch(&main_ctx, &fiber_ctx);
  return (now_ns() - t0) / (2.0 * rounds);
}

// ---- swapcontext: ping-pong ----
static ucontext_t main_uc, fiber_uc;
static void pingpong_uc() {
  for (;;) swapcontext(&fiber_uc, &main_uc);
}
static double bench_swapcontext(long rounds) {
  const size_t size = 64 * 1024;
  getcontext(&fiber_uc);
  fiber_uc.uc_stack.ss_sp = new_stack(size);
  fiber_uc.uc_stack.ss_size = size;
  fiber_uc.uc_link = nullptr;
  makecontext(&fiber_uc, &pingpong_uc, 0);
  swapcontext(&main_uc, &fiber_uc);
  double t0 = now_ns();
  for (long i = 0; i < rounds; ++i) swapcontext(&main_uc, &fiber_uc);
  return (now_ns() - t0) / (2.0 * rounds);
}

// ---- a threadgroup: 256 threads, 2 simd sums each (like grid_sample's vjp) ----
static float out[256];
static float simd_sum(float v) {
  auto& hooks = FiberGroupRunner::hooks();
  mlxts_jit::SimdView view = hooks.simd_exchange(FiberGroupRunner::this_thread().sched(), &v, 4);
  float s = 0;
  for (uint32_t l = 0; l < 32; ++l)
    if (view.active >> l & 1) {
      float x;
      std::memcpy(&x, view.slots + l * 32, 4);
      s += x;
    }
  return s;
}
static void group_thread(void*, uint32_t i) {
  float a = simd_sum(float(i));
  float b = simd_sum(float(i) * 0.5f);
  out[i] = a + b;
}
static void exchange_only_thread(void*, uint32_t i) {
  // The scheduling cost alone: two exchanges, no reduction over the lanes.
  auto& hooks = FiberGroupRunner::hooks();
  void* sched = FiberGroupRunner::this_thread().sched();
  float v = float(i);
  mlxts_jit::SimdView a = hooks.simd_exchange(sched, &v, 4);
  mlxts_jit::SimdView b = hooks.simd_exchange(sched, &v, 4);
  out[i] = float(a.active + b.lane);
}
static void barrier_thread(void*, uint32_t i) {
  auto& hooks = FiberGroupRunner::hooks();
  out[i] = float(i);
  hooks.barrier(FiberGroupRunner::this_thread().sched());
  out[i] += out[(i + 1) % 256];
  hooks.barrier(FiberGroupRunner::this_thread().sched());
}
static void plain_thread(void*, uint32_t i) { out[i] = float(i); }

static double bench_group(void (*fn)(void*, uint32_t), int reps) {
  FiberGroupRunner& runner = FiberGroupRunner::this_thread();
  runner.run(256, fn, nullptr); // warm up: makes the stacks usable
  double t0 = now_ns();
  for (int r = 0; r < reps; ++r) runner.run(256, fn, nullptr);
  return (now_ns() - t0) / reps;
}

int main() {
  double best_switch = 1e30, best_uc = 1e30, best_group = 1e30, best_barrier = 1e30,
         best_plain = 1e30, best_exchange = 1e30;
  for (int trial = 0; trial < 5; ++trial) {
    double s = bench_switch(2000000);
    double u = bench_swapcontext(200000);
    double g = bench_group(&group_thread, 2000);
    double b = bench_group(&barrier_thread, 2000);
    double p = bench_group(&plain_thread, 2000);
    double e = bench_group(&exchange_only_thread, 2000);
    best_exchange = e < best_exchange ? e : best_exchange;
    best_switch = s < best_switch ? s : best_switch;
    best_uc = u < best_uc ? u : best_uc;
    best_group = g < best_group ? g : best_group;
    best_barrier = b < best_barrier ? b : best_barrier;
    best_plain = p < best_plain ? p : best_plain;
  }
  // Per thread of the simd group: start, 2 exchanges (out and back in), finish = about 6
  // switches (the last lane of a simdgroup skips one per exchange).
  std::printf(
      "{\n"
      "  \"switch_ns\": %.2f,\n"
      "  \"swapcontext_ns\": %.2f,\n"
      "  \"speedup_vs_swapcontext\": %.1f,\n"
      "  \"group256_2simd_ns_per_group\": %.0f,\n"
      "  \"group256_2simd_ns_per_thread\": %.2f,\n"
      "  \"group256_2simd_ns_per_exchange\": %.2f,\n"
      "  \"group256_2exchange_no_reduction_ns_per_exchange\": %.2f,\n"
      "  \"group256_2barrier_ns_per_thread\": %.2f,\n"
      "  \"group256_no_sync_ns_per_thread\": %.2f\n"
      "}\n",
      best_switch, best_uc, best_uc / best_switch, best_group, best_group / 256,
      best_group / 512, best_exchange / 512, best_barrier / 256, best_plain / 256);
  return 0;
}
