// Custom kernels (mx.fast.metal_kernel / cuda_kernel): the operation that puts
// a user kernel in the graph. The SDK generates the kernel's source; this
// layer compiles, caches and runs it.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlx/array.h"
#include "mlx/utils.h"

namespace mlx::core::fast {

/** One parameter of the generated kernel, in order: what the runtime passes there. */
struct KernelParam {
  enum class Kind { Input, Shape, Strides, Ndim, Output };
  Kind kind;
  int index; // which input (Input/Shape/Strides/Ndim) or output
};

/** A compiled kernel unit and how to launch it: fixed for one kernel instantiation. */
struct CustomKernelSpec {
  std::string op;           // "[metal_kernel]" or "[cuda_kernel]": names the API in errors
  std::string name;         // the user's kernel name
  std::string cpu_source;   // the C++ translation unit for the CPU engine
  std::vector<KernelParam> params;
  bool round_grid_to_blocks{false}; // CUDA launches whole blocks; Metal counts threads
  int fixed_ndim{0};        // CUDA passes Shape/Strides by value, padded to this many dims
  int shared_memory{0};     // bytes of dynamic shared memory per threadgroup (CUDA)
  bool ensure_row_contiguous{true};
  bool checked{false};      // bounds-check every buffer access
  bool fast_math{false};
  int kernel_id{-1};        // set by register_custom_kernel
  // The same kernel for NVIDIA GPUs (empty when no GPU was present at registration).
  std::string gpu_source;          // a CUDA unit for NVRTC
  std::string gpu_name_expression; // the __global__ function to load
  std::vector<std::string> gpu_options;
  bool metal_grid_args{false};     // Metal kernels take the grid size as 3 trailing unsigneds
};

/** What changes from call to call. */
struct KernelLaunch {
  std::array<int, 3> grid{1, 1, 1};
  std::array<int, 3> threadgroup{1, 1, 1};
  std::optional<double> init_value;
};

/**
 * Registers a spec once (its compiled module is then found without hashing
 * the source on every call). Identical specs share one registration.
 */
std::shared_ptr<const CustomKernelSpec> register_custom_kernel(CustomKernelSpec spec);

/** Runs a custom kernel lazily: returns its outputs, computed when evaluated. */
std::vector<array> custom_kernel(const std::vector<array>& inputs,
                                 const std::vector<Shape>& output_shapes,
                                 const std::vector<Dtype>& output_dtypes,
                                 std::shared_ptr<const CustomKernelSpec> spec, KernelLaunch launch,
                                 StreamOrDevice s = {});

} // namespace mlx::core::fast
