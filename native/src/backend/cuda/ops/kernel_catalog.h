// Every kernel the GPU ops can build, written out as CUDA files: a check that
// all of them compile (nvcc -cubin, or NVRTC) without a GPU. docs/gpu.md
// ("Checking the kernels") shows how to run it.
#pragma once

#include <string>

namespace mlx::core::cuda::ops {

/**
 * Writes unary.cu, binary.cu, misc.cu and reduce.cu into `dir` (which must
 * exist): the prelude once per file, then one extern "C" entry per kernel
 * (elementwise ops by dtype, casts between every pair of real dtypes, select,
 * reductions, gathers, arange, random). Returns the number of kernels, or -1
 * when a file cannot be written.
 */
int write_kernel_catalog(const std::string& dir);

} // namespace mlx::core::cuda::ops
