#include "nvrtc_compiler.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "../../kernels/cache_files.h"
#include "device.h"

namespace mlx::core::cuda {

namespace {

using namespace kernels::cache_files;

std::mutex g_mu;
std::unordered_map<std::string, std::shared_ptr<const CudaKernelBinary>> g_kernels;
std::unordered_map<std::string, std::shared_ptr<std::mutex>> g_building;
std::atomic<int64_t> g_generation{0};

std::atomic<int64_t> s_compiles{0}, s_failures{0}, s_disk_hits{0}, s_memory_hits{0},
    s_corrupt{0}, s_write_failures{0};
std::atomic<double> s_last_compile_ms{0};

// Kernel timing (set_kernel_timing): launches with their event pair.
struct TimedLaunch {
  std::string kernel;
  unsigned grid[3];
  unsigned block[3];
  CUevent start;
  CUevent end;
};
std::atomic<bool> g_timing{false};
std::mutex g_timing_mu;
std::vector<TimedLaunch> g_timed;

/** NVRTC's target: "sm_90" (SASS) when it knows the arch, else the newest older
 *  "compute_XX" (PTX the driver JIT-compiles). */
std::string choose_target(const CudaApi& a, int arch, const CudaBuild& b) {
  if (!a.nvrtcGetNumSupportedArchs || !a.nvrtcGetSupportedArchs) return "sm_" + std::to_string(arch);
  int n = 0;
  check_nvrtc(a.nvrtcGetNumSupportedArchs(&n), "nvrtcGetNumSupportedArchs");
  std::vector<int> archs(static_cast<size_t>(std::max(n, 0)));
  if (n > 0) check_nvrtc(a.nvrtcGetSupportedArchs(archs.data()), "nvrtcGetSupportedArchs");
  if (archs.empty() || std::find(archs.begin(), archs.end(), arch) != archs.end())
    return "sm_" + std::to_string(arch);
  int best = -1;
  for (int x : archs)
    if (x <= arch) best = std::max(best, x);
  if (best < 0) {
    throw std::runtime_error(b.op + " Cannot compile CUDA kernel '" + b.kernel_name +
                             "': the GPU is sm_" + std::to_string(arch) +
                             ", older than this NVRTC supports (oldest sm_" +
                             std::to_string(archs.front()) + ").");
  }
  return "compute_" + std::to_string(best);
}

std::vector<std::string> nvrtc_options(const CudaBuild& b, const std::string& target) {
  std::vector<std::string> opts = {"--gpu-architecture=" + target, "-std=c++17"};
  // The long form is NVRTC's documented spelling (-I is its short alias).
  for (const auto& d : b.include_dirs) opts.push_back("--include-path=" + d);
  for (const auto& d : cuda_toolkit_include_dirs()) opts.push_back("--include-path=" + d);
  if (b.fast_math) opts.push_back("--use_fast_math");
  for (const auto& o : b.options) opts.push_back(o);
  return opts;
}

/** What the cache key covers. */
std::string key_material(const CudaBuild& b, const std::string& target,
                         const std::vector<std::string>& opts) {
  const CudaApi& a = *cuda_api();
  int major = 0, minor = 0;
  a.nvrtcVersion(&major, &minor);
  std::string m = "mlxts-cuda-kernel 1\nnvrtc " + std::to_string(major) + "." +
                  std::to_string(minor) + "\ntarget " + target + "\nname " + b.name_expression +
                  "\ntag " + b.cache_tag + "\noptions";
  for (const auto& o : opts) m += " " + o;
  return m + "\n" + b.source;
}

/** The .meta text: format line, binary size+checksum, lowered name, kind, key material. */
std::string meta_text(const std::string& material, const std::string& image,
                      const std::string& lowered, bool ptx) {
  return "mlxts-cuda-kernel-cache 1\n" + std::to_string(image.size()) + " " + hash_hex(image) +
         "\nlowered " + lowered + "\nformat " + (ptx ? "ptx" : "cubin") + "\n" + material;
}

struct Image {
  std::string data; // CUBIN, or PTX with its trailing NUL
  std::string lowered;
  bool ptx{false};
};

/** Loads `img` into the current context; null module on failure (`err` set). */
std::shared_ptr<CudaKernelBinary> load_image(const Image& img, CUresult& err) {
  const CudaApi& a = *cuda_api();
  auto k = std::make_shared<CudaKernelBinary>();
  err = a.cuModuleLoadData(&k->module, img.data.data());
  if (err != CUDA_SUCCESS) return nullptr;
  err = a.cuModuleGetFunction(&k->function, k->module, img.lowered.c_str());
  if (err != CUDA_SUCCESS) {
    a.cuModuleUnload(k->module);
    return nullptr;
  }
  k->lowered_name = img.lowered;
  k->from_ptx = img.ptx;
  return k;
}

/** A disk entry, if intact and loadable. Unusable entries are removed (and rebuilt). */
std::shared_ptr<CudaKernelBinary> load_cached(const std::string& base, const std::string& material) {
  std::string meta;
  if (!read_file(base + ".meta", meta)) return nullptr;
  Image img;
  std::istringstream in(meta);
  std::string magic, sizes, lowered, format;
  std::getline(in, magic);
  std::getline(in, sizes);
  std::getline(in, lowered);
  std::getline(in, format);
  img.ptx = format == "format ptx";
  img.lowered = lowered.rfind("lowered ", 0) == 0 ? lowered.substr(8) : "";
  bool intact = read_file(base + ".bin", img.data) && !img.lowered.empty() &&
                meta == meta_text(material, img.data, img.lowered, img.ptx);
  CUresult err = CUDA_SUCCESS;
  auto k = intact ? load_image(img, err) : nullptr;
  if (!k) {
    ++s_corrupt;
    unlink((base + ".meta").c_str());
    unlink((base + ".bin").c_str());
  }
  return k;
}

/** Stores an entry: binary first, then the .meta that vouches for it (both via temp+rename). */
void store(const std::string& dir, const std::string& base, const std::string& material,
           const Image& img) {
  std::string bin_tmp = base + unique_suffix(), meta_tmp = base + unique_suffix();
  bool ok = make_dirs(dir) && write_file(bin_tmp, img.data) &&
            write_file(meta_tmp, meta_text(material, img.data, img.lowered, img.ptx)) &&
            rename(bin_tmp.c_str(), (base + ".bin").c_str()) == 0 &&
            rename(meta_tmp.c_str(), (base + ".meta").c_str()) == 0;
  unlink(bin_tmp.c_str());
  unlink(meta_tmp.c_str());
  if (!ok) ++s_write_failures; // the kernel still works; only the disk cache misses out
}

std::string program_log(const CudaApi& a, nvrtcProgram prog) {
  size_t n = 0;
  if (a.nvrtcGetProgramLogSize(prog, &n) != NVRTC_SUCCESS || n == 0) return {};
  std::string log(n, '\0');
  if (a.nvrtcGetProgramLog(prog, &log[0]) != NVRTC_SUCCESS) return {};
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
  return log;
}

Image run_nvrtc(const CudaBuild& b, const std::string& target, const std::vector<std::string>& opts) {
  const CudaApi& a = *cuda_api();
  std::string file = (b.kernel_name.empty() ? std::string("kernel") : b.kernel_name) + ".cu";
  nvrtcProgram prog = nullptr;
  check_nvrtc(a.nvrtcCreateProgram(&prog, b.source.c_str(), file.c_str(), 0, nullptr, nullptr),
              "nvrtcCreateProgram");
  struct Destroy {
    const CudaApi& a;
    nvrtcProgram* p;
    ~Destroy() { a.nvrtcDestroyProgram(p); }
  } destroy{a, &prog};
  check_nvrtc(a.nvrtcAddNameExpression(prog, b.name_expression.c_str()), "nvrtcAddNameExpression");
  std::vector<const char*> argv;
  for (const auto& o : opts) argv.push_back(o.c_str());
  auto t0 = std::chrono::steady_clock::now();
  nvrtcResult r = a.nvrtcCompileProgram(prog, static_cast<int>(argv.size()), argv.data());
  s_last_compile_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (r != NVRTC_SUCCESS) {
    ++s_failures;
    std::string log = program_log(a, prog);
    std::string msg = b.op + " Failed to compile CUDA kernel '" + b.kernel_name + "' with NVRTC";
    if (r != NVRTC_ERROR_COMPILATION) msg += std::string(" (") + a.nvrtcGetErrorString(r) + ")";
    msg += ":\n" + (log.empty() ? std::string("(no compiler log)") : log);
    if (r == NVRTC_ERROR_INVALID_OPTION) {
      msg += "\noptions:";
      for (const auto& o : opts) msg += " " + o;
    }
    throw CudaCompileError(msg);
  }
  ++s_compiles;
  Image img;
  const char* lowered = nullptr;
  check_nvrtc(a.nvrtcGetLoweredName(prog, b.name_expression.c_str(), &lowered),
              "nvrtcGetLoweredName");
  img.lowered = lowered ? lowered : b.name_expression;
  size_t n = 0;
  img.ptx = target.rfind("compute_", 0) == 0;
  if (!img.ptx) {
    check_nvrtc(a.nvrtcGetCUBINSize(prog, &n), "nvrtcGetCUBINSize");
    if (n == 0) img.ptx = true; // no SASS after all: ship PTX
  }
  if (img.ptx) {
    check_nvrtc(a.nvrtcGetPTXSize(prog, &n), "nvrtcGetPTXSize");
    img.data.assign(n, '\0');
    check_nvrtc(a.nvrtcGetPTX(prog, &img.data[0]), "nvrtcGetPTX");
  } else {
    img.data.assign(n, '\0');
    check_nvrtc(a.nvrtcGetCUBIN(prog, &img.data[0]), "nvrtcGetCUBIN");
  }
  return img;
}

std::shared_ptr<CudaKernelBinary> build(const CudaBuild& b, const std::string& key,
                                        const std::string& material, const std::string& target,
                                        const std::vector<std::string>& opts) {
  std::string dir = cuda_kernel_cache_dir();
  std::string base = dir + "/" + key;
  if (auto k = load_cached(base, material)) {
    ++s_disk_hits;
    return k;
  }
  Image img = run_nvrtc(b, target, opts);
  CUresult err = CUDA_SUCCESS;
  auto k = load_image(img, err);
  if (!k) {
    throw std::runtime_error(b.op + " Cannot load CUDA kernel '" + b.kernel_name + "' (" +
                             img.lowered + "): " + cuda_error_text(err));
  }
  store(dir, base, material, img);
  return k;
}

} // namespace

std::string cuda_kernel_cache_dir() {
  std::string root = env_or("MLX_TS_CACHE_DIR", "");
  if (root.empty()) {
    std::string xdg = env_or("XDG_CACHE_HOME", "");
    root = !xdg.empty() ? xdg + "/mlx-ts" : env_or("HOME", "/tmp") + "/.cache/mlx-ts";
  }
  return root + "/cuda-kernels";
}

std::shared_ptr<const CudaKernelBinary> compile_cuda_kernel(const CudaBuild& b) {
  if (!cuda_api()) {
    throw std::runtime_error(b.op + " Cannot compile CUDA kernel '" + b.kernel_name +
                             "': CUDA is not available: " + cuda_unavailable_reason());
  }
  if (!nvrtc_loaded()) {
    throw std::runtime_error(b.op + " Cannot compile CUDA kernel '" + b.kernel_name +
                             "': " + nvrtc_unavailable_reason() +
                             ". Install the CUDA toolkit's NVRTC or set MLX_TS_CUDA_PATH.");
  }
  int device = b.device < 0 ? current_device() : b.device;
  make_current(device);
  const DeviceInfo& info = device_info(device);
  std::string target = choose_target(*cuda_api(), info.compute_major * 10 + info.compute_minor, b);
  std::vector<std::string> opts = nvrtc_options(b, target);
  std::string material = key_material(b, target, opts);
  std::string key = hash_hex(material);
  std::string mem_key = key + "@" + std::to_string(device); // modules belong to a context

  std::shared_ptr<std::mutex> building;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = g_kernels.find(mem_key);
    if (it != g_kernels.end()) {
      ++s_memory_hits;
      return it->second;
    }
    auto& slot = g_building[mem_key];
    if (!slot) slot = std::make_shared<std::mutex>();
    building = slot;
  }
  // One builder per key; others wait for it and then find the kernel in memory.
  std::lock_guard<std::mutex> build_lock(*building);
  {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = g_kernels.find(mem_key);
    if (it != g_kernels.end()) {
      ++s_memory_hits;
      return it->second;
    }
  }
  auto k = build(b, key, material, target, opts);
  k->key = key;
  k->device = device;
  k->generation = g_generation.load();
  std::lock_guard<std::mutex> lock(g_mu);
  g_kernels[mem_key] = k;
  g_building.erase(mem_key);
  return k;
}

void launch(const CudaKernelBinary& k, Dim3 grid, Dim3 block, unsigned shared_bytes,
            CUstream stream, void** args) {
  make_current(k.device);
  const CudaApi& a = *cuda_api();
  if (shared_bytes > k.dynamic_shared_optin.load(std::memory_order_relaxed)) {
    CUresult r = a.cuFuncSetAttribute(k.function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                      static_cast<int>(shared_bytes));
    if (r != CUDA_SUCCESS) {
      int static_bytes = 0;
      a.cuFuncGetAttribute(&static_bytes, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES, k.function);
      throw std::runtime_error(
          "[gpu] Kernel " + k.lowered_name + " asks for " + std::to_string(shared_bytes) +
          " bytes of dynamic shared memory (plus " + std::to_string(static_bytes) +
          " static); the device allows " +
          std::to_string(device_info(k.device).max_shared_per_block_optin) +
          " per block: " + cuda_error_text(r));
    }
    k.dynamic_shared_optin.store(shared_bytes, std::memory_order_relaxed);
  }
  CUevent timing[2] = {nullptr, nullptr};
  if (g_timing.load(std::memory_order_relaxed)) {
    for (auto& e : timing) check(a.cuEventCreate(&e, 0), "cuEventCreate");
    check(a.cuEventRecord(timing[0], stream), "cuEventRecord");
  }
  CUresult r = a.cuLaunchKernel(k.function, grid.x, grid.y, grid.z, block.x, block.y, block.z,
                                shared_bytes, stream, args, nullptr);
  if (timing[0]) {
    a.cuEventRecord(timing[1], stream);
    std::lock_guard<std::mutex> lock(g_timing_mu);
    g_timed.push_back({k.lowered_name, {grid.x, grid.y, grid.z}, {block.x, block.y, block.z}, timing[0], timing[1]});
  }
  if (r != CUDA_SUCCESS) {
    std::string what = "cuLaunchKernel(" + k.lowered_name + ", grid " + std::to_string(grid.x) +
                       "x" + std::to_string(grid.y) + "x" + std::to_string(grid.z) + ", block " +
                       std::to_string(block.x) + "x" + std::to_string(block.y) + "x" +
                       std::to_string(block.z) + ", shared " + std::to_string(shared_bytes) + ")";
    check(r, what.c_str());
  }
}

void set_kernel_timing(bool on) { g_timing.store(on); }

std::vector<KernelTiming> take_kernel_timings() {
  std::vector<TimedLaunch> launches;
  {
    std::lock_guard<std::mutex> lock(g_timing_mu);
    launches.swap(g_timed);
  }
  const CudaApi& a = *cuda_api();
  std::vector<KernelTiming> out;
  out.reserve(launches.size());
  for (auto& l : launches) {
    float ms = -1;
    if (a.cuEventSynchronize(l.end) == CUDA_SUCCESS) a.cuEventElapsedTime(&ms, l.start, l.end);
    out.push_back({l.kernel, {l.grid[0], l.grid[1], l.grid[2]}, {l.block[0], l.block[1], l.block[2]}, ms});
    a.cuEventDestroy_v2(l.start);
    a.cuEventDestroy_v2(l.end);
  }
  return out;
}

CudaKernelCacheStats cuda_kernel_cache_stats() {
  CudaKernelCacheStats s;
  s.compiles = s_compiles;
  s.failures = s_failures;
  s.disk_hits = s_disk_hits;
  s.memory_hits = s_memory_hits;
  s.corrupt_entries = s_corrupt;
  s.disk_write_failures = s_write_failures;
  s.last_compile_ms = s_last_compile_ms;
  return s;
}

void clear_cuda_kernel_memory_cache() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_kernels.clear();
  ++g_generation;
}

} // namespace mlx::core::cuda
