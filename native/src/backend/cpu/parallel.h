// parallel_for: splits [0, n) into chunks run on a shared pool of CPU threads.
// Small work runs inline: threads only pay off past a few hundred KB.
#pragma once

#include <cstddef>
#include <functional>

namespace mlx::core::cpu {

/** Number of threads used for one kernel (cores, or MLX_TS_CPU_THREADS). */
int num_threads();

/** Calls f(begin, end) over chunks of [0, n); inline when n < min_per_thread*2. */
void parallel_for(size_t n, size_t min_per_thread,
                  const std::function<void(size_t, size_t)>& f);

} // namespace mlx::core::cpu
