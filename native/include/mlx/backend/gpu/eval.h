// Running primitives scheduled on a GPU stream. A primitive with a registered
// GPU implementation runs on the device; any other runs its CPU code on host
// copies of its inputs (correct, slower), so every op works on mx.gpu.
#pragma once

#include <memory>
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

/** How the evaluator waits for device work (installed by the backend). */
struct StreamOps {
  /** Waits for the calling thread's stream and releases what it held back. */
  void (*sync)();
  /** Records the end of the work queued so far on the calling thread's stream
   * and returns that event; `keep` (the task's arrays) and the device memory the
   * thread freed meanwhile are released once the event is reached. */
  std::shared_ptr<void> (*retire)(std::vector<array> keep);
  /** Waits for and releases everything the calling thread retired (an idle worker). */
  void (*drain)();
};
void set_stream_ops(const StreamOps* ops);

/** Whether device memory freed on the calling thread must be held back until its
 * queued work is done (inside a deferred eval or a GPU task). */
bool holding_frees();

/** Called by a stream worker that ran out of tasks: waits for the device work it
 * queued (so that synchronize() and an idle stream mean finished work). */
void worker_idle();

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

/** Evaluates `p` (on a GPU stream). Its outputs are complete on return in a
 * deferred eval once the DeferredSync finishes; on a worker they carry the
 * event of the task (array::mark_device_written), which readers wait for. */
void eval_on_gpu(Primitive& p, std::vector<array>& inputs, std::vector<array>& outputs);

/** Whether a GPU implementation is registered for the primitive named `name`. */
bool has_eval(const char* name);

/** MLX_TS_GPU_TRACE=1: GPU tasks, waits and slow transfers are reported on stderr. */
bool tracing();

/** Names of the primitives with a GPU implementation, sorted. */
std::vector<std::string> registered_evals();

} // namespace mlx::core::gpu
