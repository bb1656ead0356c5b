// The CUDA API of C++ extensions (mlx/backend/cuda/extension.h): a thin layer
// over the backend's own pieces — the driver table (cuda_api), devices and the
// worker's stream (device.h, backend.h), NVRTC with its disk cache and the
// launcher (nvrtc_compiler.h) — exported from libmlxts for extension addons.
#include "mlx/backend/cuda/extension.h"

#include <cstring>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "../../kernels/cache_files.h"
#include "backend.h"
#include "device.h"
#include "nvrtc_compiler.h"

namespace mlx::core::cu {

struct Kernel::Impl {
  std::shared_ptr<const cuda::CudaKernelBinary> binary;
  std::string name;
  std::string origin; // "image" or "nvrtc"
  std::string op;     // "[Op]"
};

namespace {

// cuda.h's CUDA_ERROR_NO_BINARY_FOR_GPU and CUDA_ERROR_NOT_FOUND (driver API values).
constexpr cuda::CUresult kNoBinaryForGpu = 209;
constexpr cuda::CUresult kNotFound = 500;

std::string bracket(const std::string& op) {
  if (op.empty()) return "[cuda extension]";
  return op.front() == '[' ? op : "[" + op + "]";
}

/** The driver table, or a clear error naming the op. */
const cuda::CudaApi& driver(const std::string& op) {
  const cuda::CudaApi* a = cuda::cuda_api();
  if (!a) {
    throw std::runtime_error(bracket(op) + " CUDA is not available: " +
                             cuda::cuda_unavailable_reason());
  }
  return *a;
}

/** Re-throws a backend error with the op in front (backend messages start with "[gpu]"). */
[[noreturn]] void rethrow_with_op(const std::string& op, const std::exception& e) {
  throw std::runtime_error(bracket(op) + " " + e.what());
}

std::mutex g_mu;

// Modules by (image content, device); kernels by (module key, name).
std::unordered_map<std::string, cuda::CUmodule>& modules() {
  static auto* m = new std::unordered_map<std::string, cuda::CUmodule>();
  return *m;
}
std::unordered_map<std::string, std::shared_ptr<const Kernel::Impl>>& image_kernels() {
  static auto* m = new std::unordered_map<std::string, std::shared_ptr<const Kernel::Impl>>();
  return *m;
}
// get_kernel's front cache: (library address, name, device).
std::unordered_map<std::string, Kernel>& library_kernels() {
  static auto* m = new std::unordered_map<std::string, Kernel>();
  return *m;
}

bool starts_with(const void* p, size_t n, const char* magic, size_t m) {
  return n >= m && std::memcmp(p, magic, m) == 0;
}

/** True for images the driver takes as they are (ELF cubin, fatbin); PTX is text. */
bool is_binary_image(const void* image, size_t size) {
  static const char elf[] = {0x7f, 'E', 'L', 'F'};
  // A fatbin file starts with the fatbin magic 0xBA55ED50 (little-endian).
  static const char fatbin[] = {'\x50', '\xed', '\x55', '\xba'};
  return starts_with(image, size, elf, 4) || starts_with(image, size, fatbin, 4);
}

/** The image's module on `device` (loaded once per content and device). */
cuda::CUmodule module_for(const void* image, size_t size, const std::string& key,
                          const std::string& op, const std::string& kernel_name,
                          cuda::CUresult* load_error) {
  {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = modules().find(key);
    if (it != modules().end()) return it->second;
  }
  const cuda::CudaApi& a = driver(op);
  cuda::CUmodule module = nullptr;
  cuda::CUresult r;
  if (is_binary_image(image, size)) {
    r = a.cuModuleLoadData(&module, image);
  } else {
    // PTX: the driver reads up to a NUL, so give it one.
    std::string text(static_cast<const char*>(image), size);
    while (!text.empty() && text.back() == '\0') text.pop_back();
    r = a.cuModuleLoadData(&module, text.c_str());
  }
  if (r != cuda::CUDA_SUCCESS) {
    if (load_error) {
      *load_error = r;
      return nullptr;
    }
    throw std::runtime_error(bracket(op) + " Cannot load the CUDA image of kernel '" +
                             kernel_name + "' (" + std::to_string(size) +
                             " bytes): " + cuda::cuda_error_text(r));
  }
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = modules().emplace(key, module);
  if (!it.second) a.cuModuleUnload(module); // another thread loaded it first
  return it.first->second;
}

/** load_kernel, optionally reporting a load failure (for get_kernel's NVRTC fallback). */
Kernel load_image_kernel(const void* image, size_t size, const std::string& name,
                         const std::string& op, cuda::CUresult* load_error) {
  if (image == nullptr || size == 0) {
    throw std::invalid_argument(bracket(op) + " load_kernel: the CUDA image of kernel '" + name +
                                "' is empty.");
  }
  if (name.empty()) throw std::invalid_argument(bracket(op) + " load_kernel: empty kernel name.");
  driver(op);
  int device = cuda::current_device();
  try {
    cuda::make_current(device);
  } catch (const std::exception& e) {
    rethrow_with_op(op, e);
  }
  std::string content(static_cast<const char*>(image), size);
  std::string module_key = kernels::cache_files::hash_hex(content) + "@" + std::to_string(device);
  std::string kernel_key = module_key + "/" + name;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = image_kernels().find(kernel_key);
    if (it != image_kernels().end()) return Kernel(it->second);
  }
  cuda::CUmodule module = module_for(image, size, module_key, op, name, load_error);
  if (!module) return Kernel();
  cuda::CUfunction fn = nullptr;
  cuda::CUresult r = driver(op).cuModuleGetFunction(&fn, module, name.c_str());
  if (r != cuda::CUDA_SUCCESS) {
    throw std::runtime_error(bracket(op) + " Kernel '" + name + "' is not in its CUDA image" +
                             (r == kNotFound ? " (declare it extern \"C\" to keep its name)" : "") +
                             ": " + cuda::cuda_error_text(r));
  }
  auto bin = std::make_shared<cuda::CudaKernelBinary>();
  bin->module = module;
  bin->function = fn;
  bin->lowered_name = name;
  bin->key = module_key;
  bin->device = device;
  auto impl = std::make_shared<Kernel::Impl>();
  impl->binary = std::move(bin);
  impl->name = name;
  impl->origin = "image";
  impl->op = bracket(op);
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = image_kernels().emplace(kernel_key, std::move(impl)).first;
  return Kernel(it->second);
}

} // namespace

// ---- Kernel ----

Function Kernel::function() const {
  if (!impl_) throw std::logic_error("[cuda extension] An empty Kernel has no function.");
  return reinterpret_cast<Function>(impl_->binary->function);
}

const std::string& Kernel::name() const {
  static const std::string none;
  return impl_ ? impl_->name : none;
}

const std::string& Kernel::origin() const {
  static const std::string none;
  return impl_ ? impl_->origin : none;
}

int Kernel::device() const { return impl_ ? impl_->binary->device : -1; }

void Kernel::launch(Dim3 grid, Dim3 block, unsigned shared_bytes, Stream stream,
                    void** params) const {
  if (!impl_) throw std::logic_error("[cuda extension] Launch of an empty Kernel.");
  if (grid.x == 0 || grid.y == 0 || grid.z == 0 || block.x == 0 || block.y == 0 || block.z == 0) {
    throw std::invalid_argument(impl_->op + " Cannot launch kernel '" + impl_->name +
                                "' with an empty grid or block (" + std::to_string(grid.x) + "x" +
                                std::to_string(grid.y) + "x" + std::to_string(grid.z) + ", " +
                                std::to_string(block.x) + "x" + std::to_string(block.y) + "x" +
                                std::to_string(block.z) + ").");
  }
  cuda::Dim3 g, b;
  g.x = grid.x, g.y = grid.y, g.z = grid.z;
  b.x = block.x, b.y = block.y, b.z = block.z;
  try {
    cuda::launch(*impl_->binary, g, b, shared_bytes, reinterpret_cast<cuda::CUstream>(stream),
                 params);
  } catch (const std::exception& e) {
    rethrow_with_op(impl_->op, e);
  }
}

// ---- devices and streams ----

bool is_available() { return cuda::is_available() && cuda::device_count() > 0; }

std::string unavailable_reason() {
  if (is_available()) return {};
  std::string r = cuda::cuda_unavailable_reason();
  return r.empty() ? std::string("no CUDA device was found") : r;
}

int current_device() { return cuda::current_device(); }

Stream current_stream() {
  driver("cu::current_stream");
  try {
    return reinterpret_cast<Stream>(cuda::current_stream());
  } catch (const std::exception& e) {
    rethrow_with_op("cu::current_stream", e);
  }
}

DeviceInfo device_info(int device) {
  driver("cu::device_info");
  int d = device < 0 ? cuda::current_device() : device;
  try {
    const cuda::DeviceInfo& i = cuda::device_info(d);
    DeviceInfo out;
    out.name = i.name;
    out.compute_capability = i.compute_major * 10 + i.compute_minor;
    out.sm_count = i.sm_count;
    out.max_threads_per_block = i.max_threads_per_block;
    out.warp_size = i.warp_size;
    out.max_shared_memory_per_block = i.max_shared_per_block;
    out.max_shared_memory_per_block_optin = i.max_shared_per_block_optin;
    out.total_memory = i.total_memory;
    return out;
  } catch (const std::exception& e) {
    rethrow_with_op("cu::device_info", e);
  }
}

bool nvrtc_available() { return cuda::cuda_api() != nullptr && cuda::nvrtc_loaded(); }

std::string nvrtc_unavailable_reason() {
  if (!cuda::cuda_api()) return "CUDA is not available: " + cuda::cuda_unavailable_reason();
  return cuda::nvrtc_loaded() ? std::string() : cuda::nvrtc_unavailable_reason();
}

// ---- kernels ----

Kernel load_kernel(const void* image, size_t size, const std::string& name, const std::string& op) {
  return load_image_kernel(image, size, name, op, nullptr);
}

Kernel compile_kernel(const std::string& source, const std::string& name_expression,
                      const std::string& op, const CompileOptions& options) {
  if (source.empty()) {
    throw std::invalid_argument(bracket(op) + " compile_kernel: the CUDA source of kernel '" +
                                name_expression + "' is empty.");
  }
  if (name_expression.empty()) {
    throw std::invalid_argument(bracket(op) + " compile_kernel: empty kernel name.");
  }
  cuda::CudaBuild b;
  b.source = source;
  b.name_expression = name_expression;
  b.options = options.options;
  b.include_dirs = options.include_dirs;
  b.op = bracket(op);
  b.kernel_name = name_expression;
  b.fast_math = options.fast_math;
  b.cache_tag = "extension " + options.cache_tag;
  auto impl = std::make_shared<Kernel::Impl>();
  impl->binary = cuda::compile_cuda_kernel(b); // its errors already start with b.op
  impl->name = name_expression;
  impl->origin = "nvrtc";
  impl->op = b.op;
  return Kernel(std::move(impl));
}

Kernel get_kernel(const KernelLibrary& lib, const std::string& name, const std::string& op) {
  std::string libname = lib.name.empty() ? std::string("kernels") : lib.name;
  if (lib.image == nullptr && lib.source == nullptr) {
    throw std::invalid_argument(bracket(op) + " The CUDA library '" + libname +
                                "' has neither a compiled image nor source.");
  }
  driver(op);
  int device = cuda::current_device();
  std::string key = std::to_string(reinterpret_cast<uintptr_t>(&lib)) + "@" +
                    std::to_string(device) + "/" + name;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = library_kernels().find(key);
    if (it != library_kernels().end()) return it->second;
  }
  Kernel k;
  std::string image_failure;
  if (lib.image != nullptr && lib.image_size > 0) {
    cuda::CUresult err = cuda::CUDA_SUCCESS;
    k = load_image_kernel(lib.image, lib.image_size, name, op, lib.source ? &err : nullptr);
    if (!k) {
      image_failure = "its image (" +
                      (lib.image_description.empty() ? std::string("nvcc") : lib.image_description) +
                      ") does not load on this GPU (sm_" +
                      std::to_string(device_info(device).compute_capability) + "): " +
                      cuda::cuda_error_text(err) +
                      (err == kNoBinaryForGpu ? " (no SASS or PTX for this architecture)" : "");
    }
  }
  if (!k) {
    if (lib.source == nullptr) {
      throw std::runtime_error(bracket(op) + " Kernel '" + name + "' of '" + libname +
                               "': " + image_failure);
    }
    try {
      k = compile_kernel(lib.source, name, op, lib.nvrtc);
    } catch (const std::exception& e) {
      if (image_failure.empty()) throw;
      throw std::runtime_error(std::string(e.what()) + "\n(" + libname + ": " + image_failure +
                               ", so its source was compiled with NVRTC)");
    }
  }
  std::lock_guard<std::mutex> lock(g_mu);
  return library_kernels().emplace(key, k).first->second;
}

} // namespace mlx::core::cu
