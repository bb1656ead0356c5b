// One worker thread per stream, running queued tasks in order.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "mlx/stream.h"

namespace mlx::core::scheduler {

class StreamWorker {
 public:
  StreamWorker();
  ~StreamWorker();
  void enqueue(std::function<void()> task);
  /**
   * Runs `task` on the calling thread if the stream is idle (nothing queued or
   * running), keeping the worker off the stream meanwhile; false if it is busy.
   */
  bool try_run_inline(const std::function<void()>& task);
  /** Blocks until every task enqueued so far has run. */
  void drain();

 private:
  void loop();
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> tasks_;
  bool busy_{false};
  // Threads in drain(): notifications go out only when someone waits (a
  // needless notify wakes the worker, two context switches per eval).
  int drain_waiters_{0};
  bool stop_{false};
  std::thread thread_;
};

/** The worker serving a stream (created with the stream). */
StreamWorker& worker(const Stream& s);

} // namespace mlx::core::scheduler
