// Shared machinery of the GPU op implementations (native/src/backend/cuda/ops):
// kernels compiled once per (family, op, dtypes, variant) key and then found
// in a process-wide map (no source text is built on a cached call), launch
// geometry, the layout of elementwise operands, device temporaries, and the
// CPU fallback for what the kernels do not cover.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "../backend.h"
#include "../device.h"
#include "../nvrtc_compiler.h"
#include "kernel_sources.h"
#include "mlx/array.h"
#include "mlx/primitives.h"

namespace mlx::core::cuda::ops {

/** Kernel parameters passed by value (layouts match the prelude's structs). */
struct DimsArg {
  long long v[kMaxDims];
};
template <int N>
struct StridesArg {
  long long v[N][kMaxDims];
};
struct ParamsArg {
  double p0{0}, p1{0}, p2{0};
};

/** Kernel families (the high byte of a key). */
enum class Family : uint8_t {
  Unary = 1,
  Binary,
  Ternary,
  Copy,
  Reduce,
  Take,
  GatherAxis,
  Arange,
  RandomBits,
  Random,
};

/** A key naming one compiled kernel: family, op, up to three dtypes, a variant. */
inline uint64_t kernel_key(Family f, unsigned op, int d0 = -1, int d1 = -1, int d2 = -1,
                           unsigned variant = 0) {
  auto b = [](int d) { return static_cast<uint64_t>(d + 1) & 0xff; };
  return (static_cast<uint64_t>(f) << 56) | (static_cast<uint64_t>(op & 0xff) << 48) |
         (b(d0) << 40) | (b(d1) << 32) | (b(d2) << 24) | (static_cast<uint64_t>(variant & 0xffff) << 8) |
         static_cast<uint64_t>(current_device() & 0xff);
}
inline int dt(Dtype d) { return static_cast<int>(d.val()); }

/** What to compile for a key: the entry's name and the full source. */
struct KernelSource {
  std::string name;
  std::string source;
};

/** The kernel cached under `key`, or null. Thread-safe, cheap. */
const CudaKernelBinary* find_kernel(uint64_t key);
/** Compiles `src` (NVRTC, disk cache), stores it under `key` and returns it. */
const CudaKernelBinary& add_kernel(uint64_t key, const KernelSource& src);

/** The kernel for `key`, built with make() (returning a KernelSource) on the first call. */
template <class F>
const CudaKernelBinary& get_kernel(uint64_t key, F&& make) {
  if (const CudaKernelBinary* k = find_kernel(key)) return *k;
  return add_kernel(key, make());
}

/** Multiprocessors of the current device (cached). */
int sm_count();

/** Launches `k` with `block` threads per block over `work` grid-stride items. */
void launch_1d(const CudaKernelBinary& k, int64_t work, void** args, unsigned block = 256);
/** Launches with an explicit grid. */
void launch_grid(const CudaKernelBinary& k, unsigned blocks, unsigned block, void** args);

/** A device pointer (as the kernels' typed pointer parameters take it). */
inline void* dptr(const array& a) { return a.device_data(); }

/**
 * The layout of an elementwise op: the output (row-major, `n` elements) and
 * up to three inputs broadcast to it, with dimensions merged where every
 * operand is contiguous. ndim 1 with unit/zero strides is the dense case.
 */
struct Layout {
  int64_t n{0};
  int ndim{0};
  DimsArg shape{};
  long long strides[3][kMaxDims]{};
};
/** False when the merged layout needs more than kMaxDims dimensions. */
bool elementwise_layout(const Shape& out_shape, const std::vector<const array*>& ins,
                        Layout& L);

/** Shapes/strides merged in row-major order (size-1 dims dropped; 64-bit sizes). */
struct Collapsed {
  std::vector<int64_t> shape;
  std::vector<std::vector<int64_t>> strides;
};
Collapsed collapse(const std::vector<int64_t>& shape, const std::vector<std::vector<int64_t>>& strides);

/** Fills a DimsArg (zero padded); false when v has more than kMaxDims entries. */
bool to_dims(const std::vector<int64_t>& v, DimsArg& out);

/** Runs the primitive's CPU implementation on host copies and uploads the outputs. */
void eval_on_cpu(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs);

/**
 * Device arrays for the kernels of one GPU task. Freed device memory is held
 * back until the task's work is done (the evaluator's event), so they may go
 * when the task's function returns.
 */
class Temporaries {
 public:
  Temporaries() = default;
  Temporaries(const Temporaries&) = delete;
  Temporaries& operator=(const Temporaries&) = delete;
  ~Temporaries();
  /** A fresh row-contiguous device array. */
  array make(const Shape& shape, Dtype dtype);
  /** A row-contiguous device copy of `a` (or `a` itself when it already is one). */
  array contiguous(const array& a);

 private:
  std::vector<array> arrays_;
};

/**
 * Copies the elements at `src` (dtype src_dtype) viewed through (shape,
 * src_strides in elements) into the row-major `dst`, converting to dst_dtype
 * (same dtype: a byte move). False when the conversion involves complex64 or
 * the layout needs more than kMaxDims dimensions.
 */
bool copy_strided(const void* src, Dtype src_dtype, const Shape& shape,
                  const std::vector<int64_t>& src_strides, void* dst, Dtype dst_dtype);

/** Runs an elementwise kernel (elementwise_source) over layout L into out (allocated). */
void run_elementwise(const CudaKernelBinary& k, array& out, const std::vector<const array*>& ins,
                     const Layout& L, const ParamsArg& prm);

/** out (a 1-element bool array, allocated here) = whether every element of `in` is nonzero
 * (reduce.cpp). False when it cannot run on the GPU. */
bool reduce_all_true(const array& in, array& out);

} // namespace mlx::core::cuda::ops
