// Custom kernels on an NVIDIA GPU: the kernel's CUDA unit (MLX's text for
// cudaKernel, the Metal body translated for metalKernel) compiled by NVRTC and
// launched on the worker's device stream with MLX's launch geometry.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "../backend/cuda/backend.h"
#include "../backend/cuda/device.h"
#include "../backend/cuda/nvrtc_compiler.h"
#include "host_compiler.h"
#include "mlx/backend/cpu/copy.h"
#include "mlx/backend/gpu/eval.h"
#include "mlx/primitives/custom_kernel.h"

namespace mlx::core {

namespace {

constexpr int kMaxNdim = 10; // MLX's Shape/Strides hold 10 dimensions
struct ShapeArg {
  int32_t v[kMaxNdim];
};
struct StridesArg {
  int64_t v[kMaxNdim];
};

std::string gpu_include_dir() { return kernels::kernel_include_dir() + "/mlx/jit/gpu"; }

/** A digest of the device headers: a cached binary built against other headers is not reused. */
const std::string& headers_tag() {
  static const std::string tag = [] {
    uint64_t h = 1469598103934665603ull;
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (auto& e : std::filesystem::recursive_directory_iterator(gpu_include_dir(), ec)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream ss;
      ss << f.filename().string() << in.rdbuf();
      for (unsigned char c : ss.str()) h = (h ^ c) * 1099511628211ull;
    }
    return std::to_string(h);
  }();
  return tag;
}

std::shared_ptr<const cuda::CudaKernelBinary> binary_for_locked(const fast::CustomKernelSpec& spec);

/** The compiled kernel of a registered spec (specs live for the process). */
std::shared_ptr<const cuda::CudaKernelBinary> binary_for(const fast::CustomKernelSpec& spec) {
  // The same kernel again on this thread (the usual case): no lock, no lookup.
  // A spec lives for the process, so its address names it.
  thread_local const fast::CustomKernelSpec* last_spec = nullptr;
  thread_local std::shared_ptr<const cuda::CudaKernelBinary> last_bin;
  if (last_spec == &spec) return last_bin;
  auto bin = binary_for_locked(spec);
  last_spec = &spec;
  last_bin = bin;
  return bin;
}

std::shared_ptr<const cuda::CudaKernelBinary> binary_for_locked(const fast::CustomKernelSpec& spec) {
  static std::mutex mu;
  static std::unordered_map<const fast::CustomKernelSpec*, std::shared_ptr<const cuda::CudaKernelBinary>>
      cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(&spec);
    if (it != cache.end()) return it->second;
  }
  cuda::CudaBuild b;
  b.source = spec.gpu_source;
  b.name_expression = spec.gpu_name_expression;
  b.options = spec.gpu_options;
  b.include_dirs = {gpu_include_dir()};
  b.op = spec.op;
  b.kernel_name = spec.name;
  b.fast_math = spec.fast_math;
  b.cache_tag = headers_tag();
  auto bin = cuda::compile_cuda_kernel(b);
  std::lock_guard<std::mutex> lock(mu);
  cache[&spec] = bin;
  return bin;
}

/** Row-contiguous device data for an input (strided inputs go through a host copy for now). */
array row_contiguous_on_device(const array& in) {
  if (in.flags().row_contiguous) return in;
  in.ensure_host();
  array c = ensure_row_contiguous_cpu(in);
  c.ensure_device();
  return c;
}

void allocate_outputs(std::vector<array>& outputs, const std::optional<double>& init, cuda::CUstream s) {
  const auto* api = cuda::cuda_api();
  for (auto& out : outputs) {
    out.set_device_data(out.nbytes());
    if (!init || out.nbytes() == 0) continue;
    auto dst = reinterpret_cast<cuda::CUdeviceptr>(out.device_data());
    // The value in the output's dtype, as the CPU would convert it.
    array one(Shape{}, out.dtype(), nullptr, {});
    copy_cpu(array(*init, float64), one, CopyType::Scalar);
    const size_t w = out.itemsize();
    unsigned bits = 0;
    if (w <= 4) std::memcpy(&bits, one.data<void>(), w);
    // Elements of 1, 2 or 4 bytes (or all-zero bytes): a memset of that width.
    if (w == 4 || (*init == 0.0 && out.nbytes() % 4 == 0)) {
      cuda::check(api->cuMemsetD32Async(dst, bits, out.nbytes() / 4, s), "cuMemsetD32Async");
    } else if (w == 2) {
      cuda::check(api->cuMemsetD16Async(dst, static_cast<unsigned short>(bits), out.size(), s), "cuMemsetD16Async");
    } else if (w == 1) {
      cuda::check(api->cuMemsetD8Async(dst, static_cast<unsigned char>(bits), out.size(), s), "cuMemsetD8Async");
    } else {
      // 8-byte elements: one host copy filled with the value, uploaded.
      array host(out.shape(), out.dtype(), nullptr, {});
      copy_cpu(one, host, CopyType::Scalar);
      cuda::check(api->cuMemcpyHtoDAsync_v2(dst, host.data<void>(), out.nbytes(), s), "cuMemcpyHtoDAsync");
      cuda::synchronize_stream(s); // the host copy is freed on return
    }
  }
}

void eval_custom_kernel_gpu(Primitive& p, const std::vector<array>& inputs,
                            std::vector<array>& outputs) {
  auto& kernel = static_cast<CustomKernel&>(p);
  const fast::CustomKernelSpec& spec = kernel.spec();
  const fast::KernelLaunch& launch = kernel.launch();
  if (spec.gpu_source.empty()) {
    throw std::runtime_error(spec.op + " Kernel '" + spec.name +
                             "' has no GPU source: it was created before the GPU was found.");
  }
  cuda::make_current(0);
  cuda::CUstream stream = cuda::current_stream();
  auto bin = binary_for(spec);

  std::vector<array> ins;
  ins.reserve(inputs.size());
  for (const auto& in : inputs) ins.push_back(spec.ensure_row_contiguous ? row_contiguous_on_device(in) : in);
  allocate_outputs(outputs, launch.init_value, stream);

  using Kind = fast::KernelParam::Kind;
  size_t n = spec.params.size();
  // Argument storage reused across launches on this thread (kept capacity: no
  // allocation per call). Reserved up front: `args` points into the others.
  struct ArgStorage {
    std::vector<cuda::CUdeviceptr> pointers;
    std::vector<ShapeArg> shapes;
    std::vector<StridesArg> strides;
    std::vector<int> ndims;
    std::vector<void*> args;
  };
  thread_local ArgStorage storage;
  auto& [pointers, shapes, strides, ndims, args] = storage;
  pointers.clear();
  shapes.clear();
  strides.clear();
  ndims.clear();
  args.clear();
  pointers.reserve(n);
  shapes.reserve(n);
  strides.reserve(n);
  ndims.reserve(n);
  args.reserve(n + 3);
  for (const auto& prm : spec.params) {
    switch (prm.kind) {
      case Kind::Input:
        pointers.push_back(reinterpret_cast<cuda::CUdeviceptr>(ins[prm.index].ensure_device()));
        args.push_back(&pointers.back());
        break;
      case Kind::Output:
        pointers.push_back(reinterpret_cast<cuda::CUdeviceptr>(outputs[prm.index].device_data()));
        args.push_back(&pointers.back());
        break;
      case Kind::Shape: {
        ShapeArg a{};
        const auto& sh = ins[prm.index].shape();
        for (size_t d = 0; d < sh.size() && d < kMaxNdim; ++d) a.v[d] = sh[d];
        shapes.push_back(a);
        args.push_back(&shapes.back());
        break;
      }
      case Kind::Strides: {
        StridesArg a{};
        const auto& st = ins[prm.index].strides();
        for (size_t d = 0; d < st.size() && d < kMaxNdim; ++d) a.v[d] = st[d];
        strides.push_back(a);
        args.push_back(&strides.back());
        break;
      }
      case Kind::Ndim:
        ndims.push_back(static_cast<int>(ins[prm.index].ndim()));
        args.push_back(&ndims.back());
        break;
    }
  }
  unsigned grid_args[3] = {static_cast<unsigned>(launch.grid[0]), static_cast<unsigned>(launch.grid[1]),
                           static_cast<unsigned>(launch.grid[2])};
  if (spec.metal_grid_args) {
    for (auto& g : grid_args) args.push_back(&g);
  }
  cuda::Dim3 blocks, block;
  unsigned* b[3] = {&block.x, &block.y, &block.z};
  unsigned* g[3] = {&blocks.x, &blocks.y, &blocks.z};
  for (int d = 0; d < 3; ++d) {
    int tg = launch.threadgroup[d], gr = launch.grid[d];
    // MLX's CUDA launch for both dialects: blocks of min(threadgroup, grid). The
    // translated Metal entry returns for threads past the grid (a Metal grid counts threads).
    *b[d] = static_cast<unsigned>(std::min(tg, gr));
    *g[d] = static_cast<unsigned>((gr + tg - 1) / tg);
  }
  cuda::launch(*bin, blocks, block, static_cast<unsigned>(spec.shared_memory), stream, args.data());
}

const bool registered = [] {
  gpu::register_eval("CustomKernel", eval_custom_kernel_gpu);
  return true;
}();

} // namespace

} // namespace mlx::core
