// The CPU command encoder of MLX's extension API. MLX queues CPU work on the
// stream's encoder; here a primitive's eval_cpu already runs on its stream's
// worker thread, with the inputs on the host, so dispatch runs the task now.
// set_input_array/set_output_array record nothing: buffers are reference
// counted (an array's data outlives the task that reads it).
#pragma once

#include <utility>

#include "mlx/array.h"
#include "mlx/stream.h"

namespace mlx::core::cpu {

class CommandEncoder;
inline CommandEncoder& get_command_encoder(Stream stream);

class CommandEncoder {
 public:
  explicit CommandEncoder(Stream stream) : stream_(stream) {}
  CommandEncoder(const CommandEncoder&) = delete;
  CommandEncoder& operator=(const CommandEncoder&) = delete;

  void set_input_array(const array&) {}
  void set_output_array(const array&) {}
  /** Keeps `a` alive until the task is done (a no-op: tasks run now). */
  void add_temporary(array) {}

  /** Runs the task (MLX: enqueues it on the stream). */
  template <class F, class... Args>
  void dispatch(F&& f, Args&&... args) {
    std::forward<F>(f)(std::forward<Args>(args)...);
  }

  const Stream& stream() const { return stream_; }

 private:
  friend CommandEncoder& get_command_encoder(Stream stream);
  Stream stream_;
};

/** The encoder of a CPU stream (one per thread: each stream has one worker). */
inline CommandEncoder& get_command_encoder(Stream stream) {
  thread_local CommandEncoder encoder(stream);
  encoder.stream_ = stream;
  return encoder;
}

} // namespace mlx::core::cpu
