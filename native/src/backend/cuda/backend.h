// The CUDA backend as the core sees it: availability, the device stream of
// the calling worker thread, and the memory operations installed in the core.
#pragma once

#include "cuda_api.h"

namespace mlx::core::cuda {

/** The calling thread's device stream (one per GPU stream worker), created on first use. */
CUstream current_stream();

/** Installs the backend into the core once (memory operations, stream sync). */
void install_backend();

} // namespace mlx::core::cuda
