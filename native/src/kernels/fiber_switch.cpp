// The fiber context switch: saves the callee-saved registers on the running
// stack, stores its stack pointer, loads the other one, and restores. Only
// callee-saved state needs saving because the switch is an ordinary call for
// the compiler (everything else is dead across it). A top-level asm block, so
// no assembler language is needed in the build.
//
//   mlxts_fiber_switch(void** save_sp, void* load_sp)
//
// A new context's stack is laid out like a suspended one whose return address
// is a start stub; the stub calls entry(arg) with the arguments kept in two
// callee-saved register slots of that frame.
//
// FP control state (x86 MXCSR and x87 control word, aarch64 FPCR) is not
// switched: every fiber of an OS thread runs the same kernel code and the
// scheduler, none of which changes rounding or exception masks (the kernel
// dialects expose no fenv), so it is identical across fibers. Saving it
// would put ldmxcsr/fldcw (or msr fpcr, serialising on some cores) on every switch.
#include "fiber.h"

#include <stdint.h>

#if defined(MLXTS_FIBER_UCONTEXT)
// Any other target: ucontext (slow: a system call per switch, but correct)
namespace mlx::core::kernels::fiber_detail {

namespace {
// makecontext passes int arguments only: split the pointers into halves.
void start_ucontext(unsigned entry_hi, unsigned entry_lo, unsigned arg_hi, unsigned arg_lo) {
  auto join = [](unsigned hi, unsigned lo) {
    return (static_cast<uint64_t>(hi) << 32) | lo;
  };
  auto entry = reinterpret_cast<void (*)(void*)>(static_cast<uintptr_t>(join(entry_hi, entry_lo)));
  entry(reinterpret_cast<void*>(static_cast<uintptr_t>(join(arg_hi, arg_lo))));
}
} // namespace

void context_init(Context* ctx, void* lo, size_t size, void (*entry)(void*), void* arg) {
  getcontext(&ctx->uc);
  ctx->uc.uc_stack.ss_sp = lo;
  ctx->uc.uc_stack.ss_size = size;
  ctx->uc.uc_link = nullptr; // entry never returns
  auto e = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(entry));
  auto a = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(arg));
  makecontext(&ctx->uc, reinterpret_cast<void (*)()>(&start_ucontext), 4, unsigned(e >> 32),
              unsigned(e), unsigned(a >> 32), unsigned(a));
}

} // namespace mlx::core::kernels::fiber_detail
#elif defined(__x86_64__)

// Frame of a suspended context, from its saved sp up:
//   r15 r14 r13 r12 rbx rbp return-address
asm(R"(
  .text
  .globl mlxts_fiber_switch
  .hidden mlxts_fiber_switch
  .type mlxts_fiber_switch, @function
  .p2align 4
mlxts_fiber_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size mlxts_fiber_switch, .-mlxts_fiber_switch

  .globl mlxts_fiber_start
  .hidden mlxts_fiber_start
  .type mlxts_fiber_start, @function
  .p2align 4
mlxts_fiber_start:
  movq %r12, %rdi
  callq *%r13
  ud2
  .size mlxts_fiber_start, .-mlxts_fiber_start
)");

// Global (hidden) rather than local: a GOT reference to a local asm symbol becomes
// section + addend, and the aarch64 linker drops the addend.
extern "C" __attribute__((visibility("hidden"))) void mlxts_fiber_start();

namespace mlx::core::kernels::fiber_detail {

void context_init(Context* ctx, void* lo, size_t size, void (*entry)(void*), void* arg) {
  // After `ret` pops the start address, rsp = top (16-aligned), so the stub's call
  // enters `entry` with rsp = 8 mod 16 as the ABI requires.
  auto top = (reinterpret_cast<uintptr_t>(lo) + size) & ~uintptr_t(15);
  auto* frame = reinterpret_cast<void**>(top) - 7;
  frame[0] = nullptr;                                    // r15
  frame[1] = nullptr;                                    // r14
  frame[2] = reinterpret_cast<void*>(entry);             // r13
  frame[3] = arg;                                        // r12
  frame[4] = nullptr;                                    // rbx
  frame[5] = nullptr;                                    // rbp: ends frame-pointer walks
  frame[6] = reinterpret_cast<void*>(&mlxts_fiber_start); // return address
  ctx->sp = frame;
}

} // namespace mlx::core::kernels::fiber_detail

#elif defined(__aarch64__)

// Frame of a suspended context (176 bytes, keeps sp 16-aligned), from its saved sp up:
//   x19..x28, x29 (fp), x30 (lr = resume address), d8..d15, padding
asm(R"(
  .text
  .globl mlxts_fiber_switch
  .hidden mlxts_fiber_switch
  .type mlxts_fiber_switch, %function
  .p2align 4
mlxts_fiber_switch:
  sub sp, sp, #176
  stp x19, x20, [sp, #0]
  stp x21, x22, [sp, #16]
  stp x23, x24, [sp, #32]
  stp x25, x26, [sp, #48]
  stp x27, x28, [sp, #64]
  stp x29, x30, [sp, #80]
  stp d8, d9, [sp, #96]
  stp d10, d11, [sp, #112]
  stp d12, d13, [sp, #128]
  stp d14, d15, [sp, #144]
  mov x9, sp
  str x9, [x0]
  mov sp, x1
  ldp x19, x20, [sp, #0]
  ldp x21, x22, [sp, #16]
  ldp x23, x24, [sp, #32]
  ldp x25, x26, [sp, #48]
  ldp x27, x28, [sp, #64]
  ldp x29, x30, [sp, #80]
  ldp d8, d9, [sp, #96]
  ldp d10, d11, [sp, #112]
  ldp d12, d13, [sp, #128]
  ldp d14, d15, [sp, #144]
  add sp, sp, #176
  ret
  .size mlxts_fiber_switch, .-mlxts_fiber_switch

  .globl mlxts_fiber_start
  .hidden mlxts_fiber_start
  .type mlxts_fiber_start, %function
  .p2align 4
mlxts_fiber_start:
  mov x0, x19
  blr x20
  brk #0
  .size mlxts_fiber_start, .-mlxts_fiber_start
)");

// Global (hidden) rather than local: a GOT reference to a local asm symbol becomes
// section + addend, and the aarch64 linker drops the addend.
extern "C" __attribute__((visibility("hidden"))) void mlxts_fiber_start();

namespace mlx::core::kernels::fiber_detail {

void context_init(Context* ctx, void* lo, size_t size, void (*entry)(void*), void* arg) {
  auto top = (reinterpret_cast<uintptr_t>(lo) + size) & ~uintptr_t(15);
  auto* frame = reinterpret_cast<void**>(top - 176);
  for (int i = 0; i < 22; ++i) frame[i] = nullptr;       // x29 = 0 ends frame-pointer walks
  frame[0] = arg;                                        // x19
  frame[1] = reinterpret_cast<void*>(entry);             // x20
  frame[11] = reinterpret_cast<void*>(&mlxts_fiber_start); // x30
  ctx->sp = frame;
}

} // namespace mlx::core::kernels::fiber_detail

#endif
