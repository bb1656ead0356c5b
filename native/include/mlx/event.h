// Event: completion of one scheduled graph node, carrying its error if it failed.
#pragma once

#include <condition_variable>
#include <exception>
#include <mutex>

namespace mlx::core {

class Event {
 public:
  void signal(std::exception_ptr error = nullptr) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      done_ = true;
      error_ = error;
    }
    cv_.notify_all();
  }
  /** Blocks until signalled; rethrows the node's error. */
  void wait() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [this] { return done_; });
    if (error_) std::rethrow_exception(error_);
  }
  bool is_signaled() {
    std::lock_guard<std::mutex> lk(mu_);
    return done_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_{false};
  std::exception_ptr error_;
};

} // namespace mlx::core
