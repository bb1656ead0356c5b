// The CUDA driver API, NVRTC and cuBLAS, loaded at run time with dlopen.
//
// mlx-ts is built without CUDA and must run on machines without it, so nothing
// here includes cuda.h / nvrtc.h / cublas_api.h or links against a CUDA
// library: the types and enum values below are our own declarations of the
// documented C ABI (values copied from the CUDA 13 headers), and the entry
// points are looked up with dlsym. Only the functions mlx-ts calls are listed.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mlx::core::cuda {

// ---- Driver API types (cuda.h) ----
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
struct CUctx_st;
struct CUmod_st;
struct CUfunc_st;
struct CUstream_st;
struct CUevent_st;
using CUcontext = CUctx_st*;
using CUmodule = CUmod_st*;
using CUfunction = CUfunc_st*;
using CUstream = CUstream_st*;
using CUevent = CUevent_st*;

constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_OUT_OF_MEMORY = 2;
constexpr CUresult CUDA_ERROR_NOT_INITIALIZED = 3;
constexpr CUresult CUDA_ERROR_STUB_LIBRARY = 34;
constexpr CUresult CUDA_ERROR_NO_DEVICE = 100;
constexpr CUresult CUDA_ERROR_NOT_READY = 600;

// CUdevice_attribute values we query.
enum CUdevice_attribute : int {
  CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1,
  CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8,
  CU_DEVICE_ATTRIBUTE_WARP_SIZE = 10,
  CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
  CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97,
};

// CUfunction_attribute values we use.
enum CUfunction_attribute : int {
  CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0,
  CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES = 1,
  CU_FUNC_ATTRIBUTE_NUM_REGS = 4,
  CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
};

constexpr unsigned CU_STREAM_DEFAULT = 0x0;
constexpr unsigned CU_STREAM_NON_BLOCKING = 0x1;
constexpr unsigned CU_EVENT_DEFAULT = 0x0;
constexpr unsigned CU_EVENT_BLOCKING_SYNC = 0x1;
constexpr unsigned CU_EVENT_DISABLE_TIMING = 0x2;
constexpr unsigned CU_MEMHOSTALLOC_PORTABLE = 0x01;
constexpr unsigned CU_MEMHOSTALLOC_DEVICEMAP = 0x02;
constexpr unsigned CU_MEMHOSTREGISTER_PORTABLE = 0x01;

// ---- NVRTC types (nvrtc.h) ----
using nvrtcResult = int;
struct _nvrtcProgram;
using nvrtcProgram = _nvrtcProgram*;
constexpr nvrtcResult NVRTC_SUCCESS = 0;
constexpr nvrtcResult NVRTC_ERROR_INVALID_OPTION = 5;
constexpr nvrtcResult NVRTC_ERROR_COMPILATION = 6;

// ---- cuBLAS types (cublas_api.h, library_types.h) ----
using cublasStatus_t = int;
struct cublasContext;
using cublasHandle_t = cublasContext*;
constexpr cublasStatus_t CUBLAS_STATUS_SUCCESS = 0;
enum cublasOperation_t : int { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1, CUBLAS_OP_C = 2 };
enum cublasMath_t : int {
  CUBLAS_DEFAULT_MATH = 0,
  CUBLAS_PEDANTIC_MATH = 2,
  CUBLAS_TF32_TENSOR_OP_MATH = 3,
  CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION = 16,
};
enum cudaDataType_t : int {
  CUDA_R_32F = 0,
  CUDA_R_64F = 1,
  CUDA_R_16F = 2,
  CUDA_R_8I = 3,
  CUDA_R_32I = 10,
  CUDA_R_16BF = 14,
};
enum cublasComputeType_t : int {
  CUBLAS_COMPUTE_16F = 64,
  CUBLAS_COMPUTE_32F = 68,
  CUBLAS_COMPUTE_32F_PEDANTIC = 69,
  CUBLAS_COMPUTE_64F = 70,
  CUBLAS_COMPUTE_32I = 72,
  CUBLAS_COMPUTE_32F_FAST_16F = 74,
  CUBLAS_COMPUTE_32F_FAST_16BF = 75,
  CUBLAS_COMPUTE_32F_FAST_TF32 = 77,
};
enum cublasGemmAlgo_t : int { CUBLAS_GEMM_DEFAULT = -1, CUBLAS_GEMM_DEFAULT_TENSOR_OP = 99 };

/**
 * Typed entry points. Field names are the exported symbol names (the _v2 names
 * are what cuda.h's macros resolve to). Driver fields are set once cuda_api()
 * returns non-null; NVRTC fields once nvrtc_loaded() is true; cuBLAS fields
 * once cublas_loaded() is true.
 */
struct CudaApi {
  // Driver.
  CUresult (*cuInit)(unsigned flags);
  CUresult (*cuDriverGetVersion)(int* version);
  CUresult (*cuDeviceGet)(CUdevice* dev, int ordinal);
  CUresult (*cuDeviceGetCount)(int* count);
  CUresult (*cuDeviceGetName)(char* name, int len, CUdevice dev);
  CUresult (*cuDeviceTotalMem_v2)(size_t* bytes, CUdevice dev);
  CUresult (*cuDeviceGetAttribute)(int* value, CUdevice_attribute attr, CUdevice dev);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext* ctx, CUdevice dev);
  CUresult (*cuCtxSetCurrent)(CUcontext ctx);
  CUresult (*cuCtxGetCurrent)(CUcontext* ctx);
  CUresult (*cuCtxSynchronize)();
  CUresult (*cuMemAlloc_v2)(CUdeviceptr* ptr, size_t bytes);
  CUresult (*cuMemFree_v2)(CUdeviceptr ptr);
  CUresult (*cuMemGetInfo_v2)(size_t* free_bytes, size_t* total_bytes);
  CUresult (*cuMemcpyHtoD_v2)(CUdeviceptr dst, const void* src, size_t bytes);
  CUresult (*cuMemcpyDtoH_v2)(void* dst, CUdeviceptr src, size_t bytes);
  CUresult (*cuMemcpyHtoDAsync_v2)(CUdeviceptr dst, const void* src, size_t bytes, CUstream s);
  CUresult (*cuMemcpyDtoHAsync_v2)(void* dst, CUdeviceptr src, size_t bytes, CUstream s);
  CUresult (*cuMemcpyDtoDAsync_v2)(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream s);
  CUresult (*cuMemsetD8Async)(CUdeviceptr dst, unsigned char value, size_t count, CUstream s);
  CUresult (*cuMemsetD16Async)(CUdeviceptr dst, unsigned short value, size_t count, CUstream s);
  CUresult (*cuMemsetD32Async)(CUdeviceptr dst, unsigned value, size_t count, CUstream s);
  CUresult (*cuMemHostAlloc)(void** ptr, size_t bytes, unsigned flags);
  CUresult (*cuMemFreeHost)(void* ptr);
  CUresult (*cuMemHostRegister_v2)(void* ptr, size_t bytes, unsigned flags);
  CUresult (*cuMemHostUnregister)(void* ptr);
  CUresult (*cuStreamCreate)(CUstream* s, unsigned flags);
  CUresult (*cuStreamDestroy_v2)(CUstream s);
  CUresult (*cuStreamSynchronize)(CUstream s);
  CUresult (*cuStreamQuery)(CUstream s);
  CUresult (*cuStreamWaitEvent)(CUstream s, CUevent e, unsigned flags);
  CUresult (*cuEventCreate)(CUevent* e, unsigned flags);
  CUresult (*cuEventDestroy_v2)(CUevent e);
  CUresult (*cuEventRecord)(CUevent e, CUstream s);
  CUresult (*cuEventSynchronize)(CUevent e);
  CUresult (*cuEventQuery)(CUevent e);
  // cuEventElapsedTime_v2 where exported (CUDA 12.8+ drivers), else the original.
  CUresult (*cuEventElapsedTime)(float* ms, CUevent start, CUevent end);
  CUresult (*cuModuleLoadData)(CUmodule* module, const void* image);
  CUresult (*cuModuleUnload)(CUmodule module);
  CUresult (*cuModuleGetFunction)(CUfunction* f, CUmodule module, const char* name);
  CUresult (*cuLaunchKernel)(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                             unsigned by, unsigned bz, unsigned shared_bytes, CUstream s,
                             void** params, void** extra);
  CUresult (*cuFuncSetAttribute)(CUfunction f, CUfunction_attribute attr, int value);
  CUresult (*cuFuncGetAttribute)(int* value, CUfunction_attribute attr, CUfunction f);
  CUresult (*cuGetErrorString)(CUresult r, const char** str);
  CUresult (*cuGetErrorName)(CUresult r, const char** str);
  // Optional (null where the driver lacks them): stream memory operations.
  CUresult (*cuStreamWriteValue32)(CUstream s, CUdeviceptr addr, unsigned value, unsigned flags);
  CUresult (*cuMemHostGetDevicePointer)(CUdeviceptr* dptr, void* p, unsigned flags);

  // NVRTC.
  nvrtcResult (*nvrtcVersion)(int* major, int* minor);
  nvrtcResult (*nvrtcCreateProgram)(nvrtcProgram* prog, const char* src, const char* name,
                                    int num_headers, const char* const* headers,
                                    const char* const* include_names);
  nvrtcResult (*nvrtcDestroyProgram)(nvrtcProgram* prog);
  nvrtcResult (*nvrtcCompileProgram)(nvrtcProgram prog, int num_options,
                                     const char* const* options);
  nvrtcResult (*nvrtcGetProgramLogSize)(nvrtcProgram prog, size_t* size);
  nvrtcResult (*nvrtcGetProgramLog)(nvrtcProgram prog, char* log);
  nvrtcResult (*nvrtcGetCUBINSize)(nvrtcProgram prog, size_t* size);
  nvrtcResult (*nvrtcGetCUBIN)(nvrtcProgram prog, char* cubin);
  nvrtcResult (*nvrtcGetPTXSize)(nvrtcProgram prog, size_t* size);
  nvrtcResult (*nvrtcGetPTX)(nvrtcProgram prog, char* ptx);
  nvrtcResult (*nvrtcAddNameExpression)(nvrtcProgram prog, const char* name_expression);
  nvrtcResult (*nvrtcGetLoweredName)(nvrtcProgram prog, const char* name_expression,
                                     const char** lowered_name);
  const char* (*nvrtcGetErrorString)(nvrtcResult r);
  // Optional (null when absent): the real architectures this NVRTC can emit SASS for.
  nvrtcResult (*nvrtcGetNumSupportedArchs)(int* count);
  nvrtcResult (*nvrtcGetSupportedArchs)(int* archs);

  // cuBLAS. Streams are passed as CUstream (cudaStream_t is the same handle).
  cublasStatus_t (*cublasCreate_v2)(cublasHandle_t* handle);
  cublasStatus_t (*cublasDestroy_v2)(cublasHandle_t handle);
  cublasStatus_t (*cublasSetStream_v2)(cublasHandle_t handle, CUstream s);
  cublasStatus_t (*cublasSetMathMode)(cublasHandle_t handle, cublasMath_t mode);
  cublasStatus_t (*cublasGemmEx)(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb,
                                 int m, int n, int k, const void* alpha, const void* A,
                                 cudaDataType_t a_type, int lda, const void* B,
                                 cudaDataType_t b_type, int ldb, const void* beta, void* C,
                                 cudaDataType_t c_type, int ldc, cublasComputeType_t compute,
                                 cublasGemmAlgo_t algo);
  cublasStatus_t (*cublasGemmStridedBatchedEx)(
      cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
      const void* alpha, const void* A, cudaDataType_t a_type, int lda, long long stride_a,
      const void* B, cudaDataType_t b_type, int ldb, long long stride_b, const void* beta,
      void* C, cudaDataType_t c_type, int ldc, long long stride_c, int batch_count,
      cublasComputeType_t compute, cublasGemmAlgo_t algo);
  cublasStatus_t (*cublasSgemm_v2)(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb,
                                   int m, int n, int k, const float* alpha, const float* A,
                                   int lda, const float* B, int ldb, const float* beta, float* C,
                                   int ldc);
  cublasStatus_t (*cublasSgemmStridedBatched)(
      cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m, int n, int k,
      const float* alpha, const float* A, int lda, long long stride_a, const float* B, int ldb,
      long long stride_b, const float* beta, float* C, int ldc, long long stride_c,
      int batch_count);
};

/**
 * The driver API, loaded and initialised (cuInit) once, thread-safe. Null when
 * libcuda.so.1 is missing, lacks an entry point, fails to initialise, or there
 * is no device; cuda_unavailable_reason() says which.
 */
const CudaApi* cuda_api();
std::string cuda_unavailable_reason();
/** The file libcuda was loaded from (empty if not loaded). */
std::string cuda_driver_path();

/** Loads NVRTC on first call (after the driver). False with a reason when missing. */
bool nvrtc_loaded();
std::string nvrtc_unavailable_reason();
/** The file libnvrtc was loaded from (empty if not loaded). */
std::string nvrtc_library_path();
/**
 * Header folders for NVRTC (cooperative_groups.h, cuda/std via CCCL): the
 * toolkit's include/ (and include/cccl) next to the loaded libnvrtc, then
 * CUDA_HOME, CUDA_PATH, /usr/local/cuda, pip's nvidia/<pkg>/include, /usr/include;
 * only existing ones.
 */
const std::vector<std::string>& cuda_toolkit_include_dirs();

/** Loads cuBLAS (and cuBLASLt beside it) on first call. False with a reason when missing. */
bool cublas_loaded();
std::string cublas_unavailable_reason();

/** Throws std::runtime_error("[gpu] <what> failed: NAME: description") unless r is success. */
void check(CUresult r, const char* what);
void check_nvrtc(nvrtcResult r, const char* what);
void check_cublas(cublasStatus_t r, const char* what);
/** "CUDA_ERROR_OUT_OF_MEMORY: out of memory" (driver must be loaded for the text). */
std::string cuda_error_text(CUresult r);
const char* cublas_status_name(cublasStatus_t r);

/**
 * How a CUDA library is looked for, in order: each MLX_TS_CUDA_PATH entry
 * (colon-separated; a library folder or a toolkit root, whose lib64/ and lib/
 * are tried too), CUDA_HOME (lib64, lib), /usr/local/cuda (lib64, lib), the
 * plain soname (the dynamic linker's own path: LD_LIBRARY_PATH, ld.so.cache,
 * where the driver's libcuda.so.1 lives), then pip's nvidia/<pkg>/lib folders
 * (NVIDIA_PIP_LIB_DIRS, python3.x dist-/site-packages). "stubs" folders never
 * (their libcuda only returns CUDA_ERROR_STUB_LIBRARY). These are the folders
 * before and after the soname step, for messages and tests.
 */
std::vector<std::string> cuda_library_search_dirs(bool after_soname);

} // namespace mlx::core::cuda
