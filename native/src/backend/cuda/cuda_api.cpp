// Run-time loading of the CUDA driver, NVRTC and cuBLAS (see cuda_api.h).
#include "cuda_api.h"

#include <dlfcn.h>
#include <glob.h>
#include <sys/stat.h>

#include <cstdlib>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace mlx::core::cuda {

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::vector<std::string> split_paths(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ':'))
    if (!part.empty()) out.push_back(part);
  return out;
}

std::vector<std::string> glob_paths(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g;
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.push_back(g.gl_pathv[i]);
  }
  globfree(&g);
  return out;
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  for (const auto& x : v)
    if (x == s) return;
  v.push_back(s);
}

/** pip's nvidia/<pkg>/lib folders, found without running python. */
std::vector<std::string> pip_lib_dirs() {
  std::vector<std::string> dirs = split_paths(env("NVIDIA_PIP_LIB_DIRS"));
  std::vector<std::string> roots = {"/usr/local/lib/python3*/dist-packages",
                                    "/usr/local/lib/python3*/site-packages",
                                    "/usr/lib/python3/dist-packages"};
  if (!env("VIRTUAL_ENV").empty()) roots.insert(roots.begin(), env("VIRTUAL_ENV") + "/lib/python3*/site-packages");
  if (!env("HOME").empty()) roots.push_back(env("HOME") + "/.local/lib/python3*/site-packages");
  for (const auto& r : roots)
    for (const auto& d : glob_paths(r + "/nvidia/*/lib")) add_unique(dirs, d);
  return dirs;
}

bool is_stubs(const std::string& dir) {
  return dir.size() >= 5 && dir.compare(dir.size() - 5, 5, "stubs") == 0;
}

/**
 * dlopen()s the first of `names` found: in the folders before the soname step,
 * then by soname, then in the folders after it. `before_open(dir, name)` may
 * preload companions (NVRTC's builtins, cuBLASLt). On failure, `why` lists
 * where it looked.
 */
template <class BeforeOpen>
void* open_library(const std::vector<std::string>& names, std::string& path, std::string& why,
                   BeforeOpen before_open) {
  std::vector<std::string> tried;
  auto try_dirs = [&](const std::vector<std::string>& dirs) -> void* {
    for (const auto& dir : dirs) {
      if (is_stubs(dir)) continue;
      for (const auto& name : names) {
        std::string full = dir + "/" + name;
        if (!exists(full)) continue;
        before_open(dir, name);
        if (void* h = dlopen(full.c_str(), RTLD_NOW | RTLD_LOCAL)) {
          path = full;
          return h;
        }
        const char* e = dlerror();
        tried.push_back(full + " (" + (e ? e : "dlopen failed") + ")");
      }
      if (exists(dir)) tried.push_back(dir);
    }
    return nullptr;
  };
  if (void* h = try_dirs(cuda_library_search_dirs(false))) return h;
  for (const auto& name : names) {
    if (void* h = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL)) {
      // Record where the dynamic linker found it (for include dirs and messages).
      Dl_info info;
      void* any = dlsym(h, "cuInit") ? dlsym(h, "cuInit")
                  : dlsym(h, "nvrtcVersion") ? dlsym(h, "nvrtcVersion")
                                             : dlsym(h, "cublasCreate_v2");
      path = any && dladdr(any, &info) && info.dli_fname ? info.dli_fname : name;
      return h;
    }
  }
  tried.push_back("the dynamic linker's path (LD_LIBRARY_PATH, ld.so.cache)");
  if (void* h = try_dirs(cuda_library_search_dirs(true))) return h;
  std::string list;
  for (const auto& t : tried) list += (list.empty() ? "" : ", ") + t;
  why = names[0] + " not found (looked in: " + list + ")";
  return nullptr;
}

void* open_library(const std::vector<std::string>& names, std::string& path, std::string& why) {
  return open_library(names, path, why, [](const std::string&, const std::string&) {});
}

/** Looks up `name` into `fn`; appends it to `missing` when absent. */
template <class F>
void sym(void* h, const char* name, F& fn, std::string& missing) {
  fn = reinterpret_cast<F>(dlsym(h, name));
  if (!fn) missing += std::string(missing.empty() ? "" : ", ") + name;
}

struct State {
  CudaApi api{};
  std::once_flag driver_once, nvrtc_once, cublas_once;
  bool driver_ok{false}, nvrtc_ok{false}, cublas_ok{false};
  std::string driver_reason, nvrtc_reason, cublas_reason;
  std::string driver_path, nvrtc_path, cublas_path;
};

State& state() {
  static State* s = new State(); // never destroyed: used during process exit
  return *s;
}

void load_driver(State& st) {
  if (env("MLX_TS_CUDA") == "0") {
    st.driver_reason = "CUDA disabled by MLX_TS_CUDA=0";
    return;
  }
  std::string why;
  void* h = open_library({"libcuda.so.1"}, st.driver_path, why);
  if (!h) {
    st.driver_reason = "the NVIDIA driver library " + why;
    return;
  }
  CudaApi& a = st.api;
  std::string missing;
#define MLXTS_SYM(name) sym(h, #name, a.name, missing)
  MLXTS_SYM(cuInit);
  MLXTS_SYM(cuDriverGetVersion);
  MLXTS_SYM(cuDeviceGet);
  MLXTS_SYM(cuDeviceGetCount);
  MLXTS_SYM(cuDeviceGetName);
  MLXTS_SYM(cuDeviceTotalMem_v2);
  MLXTS_SYM(cuDeviceGetAttribute);
  MLXTS_SYM(cuDevicePrimaryCtxRetain);
  MLXTS_SYM(cuCtxSetCurrent);
  MLXTS_SYM(cuCtxGetCurrent);
  MLXTS_SYM(cuCtxSynchronize);
  MLXTS_SYM(cuMemAlloc_v2);
  MLXTS_SYM(cuMemFree_v2);
  MLXTS_SYM(cuMemGetInfo_v2);
  MLXTS_SYM(cuMemcpyHtoD_v2);
  MLXTS_SYM(cuMemcpyDtoH_v2);
  MLXTS_SYM(cuMemcpyHtoDAsync_v2);
  MLXTS_SYM(cuMemcpyDtoHAsync_v2);
  MLXTS_SYM(cuMemcpyDtoDAsync_v2);
  MLXTS_SYM(cuMemsetD8Async);
  MLXTS_SYM(cuMemsetD16Async);
  MLXTS_SYM(cuMemsetD32Async);
  MLXTS_SYM(cuMemHostAlloc);
  MLXTS_SYM(cuMemFreeHost);
  MLXTS_SYM(cuMemHostRegister_v2);
  MLXTS_SYM(cuMemHostUnregister);
  MLXTS_SYM(cuStreamCreate);
  MLXTS_SYM(cuStreamDestroy_v2);
  MLXTS_SYM(cuStreamSynchronize);
  MLXTS_SYM(cuStreamQuery);
  MLXTS_SYM(cuStreamWaitEvent);
  MLXTS_SYM(cuEventCreate);
  MLXTS_SYM(cuEventDestroy_v2);
  MLXTS_SYM(cuEventRecord);
  MLXTS_SYM(cuEventSynchronize);
  MLXTS_SYM(cuEventQuery);
  MLXTS_SYM(cuModuleLoadData);
  MLXTS_SYM(cuModuleUnload);
  MLXTS_SYM(cuModuleGetFunction);
  MLXTS_SYM(cuLaunchKernel);
  MLXTS_SYM(cuFuncSetAttribute);
  MLXTS_SYM(cuFuncGetAttribute);
  MLXTS_SYM(cuGetErrorString);
  MLXTS_SYM(cuGetErrorName);
#undef MLXTS_SYM
  // cuda.h maps cuEventElapsedTime to _v2 since 12.8; older drivers only have the original.
  a.cuEventElapsedTime =
      reinterpret_cast<decltype(a.cuEventElapsedTime)>(dlsym(h, "cuEventElapsedTime_v2"));
  if (!a.cuEventElapsedTime) sym(h, "cuEventElapsedTime", a.cuEventElapsedTime, missing);
  // Optional: a missing one leaves a null entry and its feature unused.
  a.cuStreamWriteValue32 =
      reinterpret_cast<decltype(a.cuStreamWriteValue32)>(dlsym(h, "cuStreamWriteValue32_v2"));
  if (!a.cuStreamWriteValue32)
    a.cuStreamWriteValue32 = reinterpret_cast<decltype(a.cuStreamWriteValue32)>(dlsym(h, "cuStreamWriteValue32"));
  a.cuMemHostGetDevicePointer =
      reinterpret_cast<decltype(a.cuMemHostGetDevicePointer)>(dlsym(h, "cuMemHostGetDevicePointer_v2"));
  if (!missing.empty()) {
    st.driver_reason = st.driver_path + " lacks " + missing + " (driver too old?)";
    return;
  }
  CUresult r = a.cuInit(0);
  if (r != CUDA_SUCCESS) {
    st.driver_reason = (r == CUDA_ERROR_NO_DEVICE ? "no CUDA device (cuInit: " : "cuInit failed (") +
                       cuda_error_text(r) + ")";
    if (r == CUDA_ERROR_STUB_LIBRARY)
      st.driver_reason += " (" + st.driver_path + " is the toolkit's stub, not the driver)";
    return;
  }
  int count = 0;
  r = a.cuDeviceGetCount(&count);
  if (r != CUDA_SUCCESS || count == 0) {
    st.driver_reason = "no CUDA device" + (r != CUDA_SUCCESS ? ": " + cuda_error_text(r) : "");
    return;
  }
  st.driver_ok = true;
}

void load_nvrtc(State& st) {
  // Preloads the builtins library from the same folder: libnvrtc dlopen()s it
  // by soname, which fails when that folder is not on the linker's path.
  auto preload = [](const std::string& dir, const std::string&) {
    for (const auto& b : glob_paths(dir + "/libnvrtc-builtins.so.*"))
      dlopen(b.c_str(), RTLD_NOW | RTLD_GLOBAL);
  };
  std::string why;
  void* h = open_library({"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"}, st.nvrtc_path, why,
                         preload);
  if (!h) {
    st.nvrtc_reason = "NVRTC " + why;
    return;
  }
  CudaApi& a = st.api;
  std::string missing;
#define MLXTS_SYM(name) sym(h, #name, a.name, missing)
  MLXTS_SYM(nvrtcVersion);
  MLXTS_SYM(nvrtcCreateProgram);
  MLXTS_SYM(nvrtcDestroyProgram);
  MLXTS_SYM(nvrtcCompileProgram);
  MLXTS_SYM(nvrtcGetProgramLogSize);
  MLXTS_SYM(nvrtcGetProgramLog);
  MLXTS_SYM(nvrtcGetCUBINSize);
  MLXTS_SYM(nvrtcGetCUBIN);
  MLXTS_SYM(nvrtcGetPTXSize);
  MLXTS_SYM(nvrtcGetPTX);
  MLXTS_SYM(nvrtcAddNameExpression);
  MLXTS_SYM(nvrtcGetLoweredName);
  MLXTS_SYM(nvrtcGetErrorString);
#undef MLXTS_SYM
  a.nvrtcGetNumSupportedArchs =
      reinterpret_cast<decltype(a.nvrtcGetNumSupportedArchs)>(dlsym(h, "nvrtcGetNumSupportedArchs"));
  a.nvrtcGetSupportedArchs =
      reinterpret_cast<decltype(a.nvrtcGetSupportedArchs)>(dlsym(h, "nvrtcGetSupportedArchs"));
  if (!missing.empty()) {
    st.nvrtc_reason = st.nvrtc_path + " lacks " + missing;
    return;
  }
  st.nvrtc_ok = true;
}

void load_cublas(State& st) {
  // libcublas needs libcublasLt of the same version; load it from the same folder first.
  auto preload = [](const std::string& dir, const std::string& name) {
    std::string lt = dir + "/libcublasLt" + name.substr(std::string("libcublas").size());
    if (exists(lt)) dlopen(lt.c_str(), RTLD_NOW | RTLD_GLOBAL);
  };
  std::string why;
  void* h = open_library({"libcublas.so.13", "libcublas.so.12", "libcublas.so"}, st.cublas_path,
                         why, preload);
  if (!h) {
    st.cublas_reason = "cuBLAS " + why;
    return;
  }
  CudaApi& a = st.api;
  std::string missing;
#define MLXTS_SYM(name) sym(h, #name, a.name, missing)
  MLXTS_SYM(cublasCreate_v2);
  MLXTS_SYM(cublasDestroy_v2);
  MLXTS_SYM(cublasSetStream_v2);
  MLXTS_SYM(cublasSetMathMode);
  MLXTS_SYM(cublasGemmEx);
  MLXTS_SYM(cublasGemmStridedBatchedEx);
  MLXTS_SYM(cublasSgemm_v2);
  MLXTS_SYM(cublasSgemmStridedBatched);
#undef MLXTS_SYM
  if (!missing.empty()) {
    st.cublas_reason = st.cublas_path + " lacks " + missing;
    return;
  }
  st.cublas_ok = true;
}

std::string dirname_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

} // namespace

std::vector<std::string> cuda_library_search_dirs(bool after_soname) {
  std::vector<std::string> dirs;
  if (after_soname) return pip_lib_dirs();
  for (const auto& p : split_paths(env("MLX_TS_CUDA_PATH"))) {
    add_unique(dirs, p);
    add_unique(dirs, p + "/lib64");
    add_unique(dirs, p + "/lib");
  }
  for (const auto& root : {env("CUDA_HOME"), std::string("/usr/local/cuda")}) {
    if (root.empty()) continue;
    add_unique(dirs, root + "/lib64");
    add_unique(dirs, root + "/lib");
  }
  return dirs;
}

const CudaApi* cuda_api() {
  State& st = state();
  std::call_once(st.driver_once, [&] { load_driver(st); });
  return st.driver_ok ? &st.api : nullptr;
}

std::string cuda_unavailable_reason() {
  cuda_api();
  return state().driver_reason;
}

std::string cuda_driver_path() {
  cuda_api();
  return state().driver_path;
}

bool nvrtc_loaded() {
  State& st = state();
  std::call_once(st.nvrtc_once, [&] { load_nvrtc(st); });
  return st.nvrtc_ok;
}

std::string nvrtc_unavailable_reason() {
  nvrtc_loaded();
  return state().nvrtc_reason;
}

std::string nvrtc_library_path() {
  nvrtc_loaded();
  return state().nvrtc_path;
}

bool cublas_loaded() {
  State& st = state();
  std::call_once(st.cublas_once, [&] { load_cublas(st); });
  return st.cublas_ok;
}

std::string cublas_unavailable_reason() {
  cublas_loaded();
  return state().cublas_reason;
}

const std::vector<std::string>& cuda_toolkit_include_dirs() {
  static const std::vector<std::string> dirs = [] {
    // Toolkit roots, most specific first: the one NVRTC came from matches its version.
    std::vector<std::string> roots;
    if (nvrtc_loaded()) {
      std::string lib_dir = dirname_of(nvrtc_library_path());
      add_unique(roots, dirname_of(lib_dir));
      char buf[4096];
      if (realpath(lib_dir.c_str(), buf)) add_unique(roots, dirname_of(buf));
    }
    for (const auto& r : {env("CUDA_HOME"), env("CUDA_PATH"), std::string("/usr/local/cuda")})
      if (!r.empty()) add_unique(roots, r);
    for (const auto& lib : pip_lib_dirs()) add_unique(roots, dirname_of(lib));
    add_unique(roots, "/usr"); // distribution packages (nvidia-cuda-toolkit): /usr/include
    // The first root with cooperative_groups.h gives include/; CCCL (cuda/std) may sit in
    // include/cccl (CUDA 13), in include/ itself (CUDA 12), or in another pip package.
    std::vector<std::string> out;
    bool have_cg = false, have_cccl = false;
    for (const auto& r : roots) {
      std::string inc = r + "/include";
      if (!have_cg && exists(inc + "/cooperative_groups.h")) {
        out.push_back(inc);
        have_cg = true;
        if (exists(inc + "/cuda/std")) have_cccl = true;
      }
      if (!have_cccl && exists(inc + "/cccl/cuda/std")) {
        out.push_back(inc + "/cccl");
        have_cccl = true;
      } else if (!have_cccl && exists(inc + "/cuda/std")) {
        add_unique(out, inc);
        have_cccl = true;
      }
    }
    return out;
  }();
  return dirs;
}

std::string cuda_error_text(CUresult r) {
  const CudaApi& a = state().api;
  const char* name = nullptr;
  const char* text = nullptr;
  if (a.cuGetErrorName) a.cuGetErrorName(r, &name);
  if (a.cuGetErrorString) a.cuGetErrorString(r, &text);
  std::string s = name ? name : "CUDA error " + std::to_string(r);
  if (text) s += std::string(": ") + text;
  return s;
}

void check(CUresult r, const char* what) {
  if (r == CUDA_SUCCESS) return;
  std::string msg = std::string("[gpu] ") + what + " failed: " + cuda_error_text(r);
  if (r == CUDA_ERROR_OUT_OF_MEMORY) msg += " (out of device memory)";
  throw std::runtime_error(msg);
}

void check_nvrtc(nvrtcResult r, const char* what) {
  if (r == NVRTC_SUCCESS) return;
  const CudaApi& a = state().api;
  std::string text = a.nvrtcGetErrorString ? a.nvrtcGetErrorString(r) : "NVRTC error";
  throw std::runtime_error(std::string("[gpu] ") + what + " failed: " + text + " (" +
                           std::to_string(r) + ")");
}

const char* cublas_status_name(cublasStatus_t r) {
  switch (r) {
    case 0: return "CUBLAS_STATUS_SUCCESS";
    case 1: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case 3: return "CUBLAS_STATUS_ALLOC_FAILED";
    case 7: return "CUBLAS_STATUS_INVALID_VALUE";
    case 8: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case 11: return "CUBLAS_STATUS_MAPPING_ERROR";
    case 13: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case 14: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case 15: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case 16: return "CUBLAS_STATUS_LICENSE_ERROR";
    default: return "CUBLAS_STATUS_UNKNOWN";
  }
}

void check_cublas(cublasStatus_t r, const char* what) {
  if (r == CUBLAS_STATUS_SUCCESS) return;
  throw std::runtime_error(std::string("[gpu] ") + what + " failed: " + cublas_status_name(r) +
                           " (" + std::to_string(r) + ")");
}

} // namespace mlx::core::cuda
