#include "parallel.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace mlx::core::cpu {

namespace {

class Pool {
 public:
  explicit Pool(int n) {
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { loop(); });
  }
  // Runs f(i) for i in [0, jobs) on the pool and the calling thread.
  void run(int jobs, const std::function<void(int)>& f) {
    std::unique_lock<std::mutex> run_lk(run_mu_); // one parallel region at a time
    std::exception_ptr error;
    std::mutex err_mu;
    std::atomic<int> next{0};
    std::atomic<int> done{0};
    auto body = [&] {
      int i;
      while ((i = next.fetch_add(1)) < jobs) {
        try {
          f(i);
        } catch (...) {
          std::lock_guard<std::mutex> lk(err_mu);
          if (!error) error = std::current_exception();
        }
        done.fetch_add(1);
      }
    };
    {
      std::lock_guard<std::mutex> lk(mu_);
      task_ = body;
      ++generation_;
    }
    cv_.notify_all();
    body();
    {
      std::unique_lock<std::mutex> lk(mu_);
      done_cv_.wait(lk, [&] { return done.load() == jobs && active_ == 0; });
      task_ = nullptr;
    }
    if (error) std::rethrow_exception(error);
  }

 private:
  void loop() {
    uint64_t seen = 0;
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return generation_ != seen; });
        seen = generation_;
        if (!task_) continue;
        task = task_;
        ++active_;
      }
      task();
      {
        std::lock_guard<std::mutex> lk(mu_);
        --active_;
      }
      done_cv_.notify_all();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex run_mu_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::function<void()> task_;
  uint64_t generation_{0};
  int active_{0};
};

int detect_threads() {
  if (const char* env = std::getenv("MLX_TS_CPU_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

Pool& pool() {
  // Leaked on purpose: its threads must outlive static destruction.
  static Pool* p = [] {
    auto* pl = new Pool(num_threads() - 1);
    return pl;
  }();
  return *p;
}

} // namespace

int num_threads() {
  static int n = detect_threads();
  return n;
}

void parallel_for(size_t n, size_t min_per_thread,
                  const std::function<void(size_t, size_t)>& f) {
  int threads = num_threads();
  if (min_per_thread == 0) min_per_thread = 1;
  size_t jobs = std::min<size_t>(threads, n / min_per_thread);
  if (jobs <= 1) {
    if (n > 0) f(0, n);
    return;
  }
  size_t chunk = (n + jobs - 1) / jobs;
  pool().run(static_cast<int>(jobs), [&](int i) {
    size_t b = i * chunk, e = std::min(n, b + chunk);
    if (b < e) f(b, e);
  });
}

} // namespace mlx::core::cpu
