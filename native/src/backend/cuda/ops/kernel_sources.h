// CUDA C++ sources of the GPU op kernels, as text for NVRTC.
//
// Every kernel is the device prelude (kernel_prelude(): element types with
// host-identical float16/bfloat16 conversions, the elementwise functors, the
// reduction policies, the gather/random/arange bodies) followed by one
// `extern "C" __global__` entry that instantiates a template of the prelude.
// Nothing here calls CUDA: the text builders are plain C++, so a host program
// can emit every kernel and compile-check it with nvcc (see docs/gpu.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mlx/dtype.h"

namespace mlx::core::cuda::ops {

/** Dimensions a kernel takes by value (MLX's MAX_NDIM). */
constexpr int kMaxDims = 10;

/** The device code every op kernel starts with (built once, then shared). */
const std::string& kernel_prelude();

/** The element type of `d` in kernel sources ("float", "mlxg::f16", ...); null for complex64. */
const char* kernel_type(Dtype d);
/** The unsigned type of `width` bytes (1, 2, 4 or 8) in kernel sources. */
const char* kernel_uint_type(size_t width);
/** A short dtype tag for kernel names ("f32", "bf16", ...). */
const char* dtype_tag(Dtype d);

/**
 * An elementwise kernel `name`: out[i] = Op::f(in0[...], ..., p) over a
 * broadcast/strided layout (ew1/ew2/ew3 of the prelude, by the number of
 * inputs). Its parameters: (TO* out, const T0* in0, ..., long long n, int
 * ndim, Dims shape, StridesN<nin> strides, P params).
 */
std::string elementwise_source(const std::string& name, const std::string& op_type,
                               const char* out_type, const std::vector<const char*>& in_types);

/**
 * A reduction kernel `name` over policy `op_type` (e.g. "mlxg::SumR<float>")
 * reading `in_type` and writing `out_type`. Parameters: (const void* in, void*
 * out, long long n_out, long long R, long long S, long long chunk, int G, int
 * kept_ndim, Dims kept_shape, Dims kept_strides, int red_ndim, Dims red_shape,
 * Dims red_strides, int mode, double scale, const void* aux, double p1, double p2); aux
 * holds one value per output for the two-pass policies (logsumexp, var, std).
 */
std::string reduce_source(const std::string& name, const std::string& op_type,
                          const char* in_type, const char* out_type);

/** take: (const E* a, const I* idx, E* out, long long n, long long post, long long n_idx,
 *  long long axis_n, long long axis_stride, int pre_nd, Dims, Dims, int post_nd, Dims, Dims,
 *  int idx_nd, Dims, Dims). */
std::string take_source(const std::string& name, const char* elem_type, const char* index_type);

/** take_along_axis: (const E* a, const I* idx, E* out, long long n, int ndim, Dims shape,
 *  StridesN<2> strides, long long axis_n, long long axis_stride). */
std::string gather_axis_source(const std::string& name, const char* elem_type,
                               const char* index_type);

/** arange: (T* out, long long n, double start, double step, unsigned long long istart,
 *  unsigned long long istep). */
std::string arange_source(const std::string& name, const char* type);

/** threefry random bits: (const unsigned* keys, unsigned char* out, long long num_keys,
 *  long long bytes, long long words). */
std::string random_bits_source(const std::string& name);

} // namespace mlx::core::cuda::ops
