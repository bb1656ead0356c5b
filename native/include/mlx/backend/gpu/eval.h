// Running primitives scheduled on a GPU stream. A primitive with a registered
// GPU implementation runs on the device; any other runs its CPU code on host
// copies of its inputs (correct, slower), so every op works on mx.gpu.
#pragma once

#include <string>
#include <vector>

#include "mlx/array.h"
#include "mlx/primitives.h"

namespace mlx::core::gpu {

/** A GPU implementation: inputs are device-resident; it allocates its outputs
 * with array::set_device_data (or shares an input's data) and enqueues work on
 * the calling worker's device stream. */
using EvalFn = void (*)(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs);

/** Registers the GPU implementation of the primitive named `name` (Primitive::name()). */
void register_eval(const char* name, EvalFn fn);

/** Waits for the device work the calling worker enqueued (installed by the backend). */
void set_stream_sync(void (*sync)());

/** While one is alive on a thread, GPU tasks run on that thread enqueue their
 * device work without waiting for it; the wait happens once, in finish() (or
 * the destructor), or earlier when host code needs the bytes (to_host). Used
 * by a synchronous eval that runs a one-stream graph on the calling thread. */
class DeferredSync {
 public:
  DeferredSync();
  ~DeferredSync();
  DeferredSync(const DeferredSync&) = delete;
  DeferredSync& operator=(const DeferredSync&) = delete;
  /** Waits for the deferred work; rethrows a device error. */
  void finish();
};

/** Whether the calling thread defers its device waits (inside a DeferredSync). */
bool deferring();
/** Records that the calling thread enqueued device work it has not waited for. */
void note_pending();
/** Whether the calling thread has device work it has not waited for. */
bool has_pending();
/** Waits for the calling thread's pending device work (no-op without any). */
void flush_pending();

/** Evaluates `p` (on a GPU stream); its outputs are complete on return unless
 * the thread defers its waits (DeferredSync). */
void eval_on_gpu(Primitive& p, std::vector<array>& inputs, std::vector<array>& outputs);

/** Whether a GPU implementation is registered for the primitive named `name`. */
bool has_eval(const char* name);

/** Names of the primitives with a GPU implementation, sorted. */
std::vector<std::string> registered_evals();

} // namespace mlx::core::gpu
