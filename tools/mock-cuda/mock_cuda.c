/*
 * A mock CUDA driver (libcuda.so.1) and NVRTC (libnvrtc.so.13) for profiling
 * mlx-ts's host-side GPU path on a machine without a GPU. See README.md.
 *
 * Built twice by build.sh: -DMOCK_DRIVER gives libcuda.so.1, -DMOCK_NVRTC gives
 * libnvrtc.so.13. It implements every entry point that
 * native/src/backend/cuda/cuda_api.cpp looks up (plus cuEventElapsedTime_v2),
 * with host semantics:
 *   - device memory is host memory: cuMemAlloc is a 256-byte aligned malloc whose
 *     address is the CUdeviceptr (80 GiB in all, then CUDA_ERROR_OUT_OF_MEMORY; blocks
 *     of 1 MiB+ are MAP_NORESERVE mappings, host memory only once touched);
 *     copies and memsets are real (uploads, device copies and downloads round-trip);
 *   - contexts, streams, events, modules, functions are small heap handles;
 *     queries and synchronisations succeed at once (all work is "done");
 *   - cuLaunchKernel checks its arguments like the driver does and runs nothing
 *     (outputs are garbage); MOCK_CUDA_LAUNCH_NS=<n> busy-waits n ns per launch;
 *   - one device "Mock GPU": 80 GiB, sm_90, H100-like attributes;
 *   - NVRTC: compiling always succeeds; the CUBIN/PTX is a short text with the
 *     source's hash; the lowered name is the name expression itself.
 * Environment:
 *   MOCK_CUDA_LAUNCH_NS=<n>   busy-wait per cuLaunchKernel (default 0)
 *   MOCK_CUDA_DEVICES=0       cuInit reports CUDA_ERROR_NO_DEVICE (default: 1 device)
 *   MOCK_CUDA_STATS=1         print per-entry-point call counts to stderr at exit
 * Not implemented: cuBLAS (left absent on purpose).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define API __attribute__((visibility("default")))

/* ---- call counting (MOCK_CUDA_STATS=1) ---------------------------------- */
#define MOCK_CALLS(X) X(cuInit) X(cuDriverGetVersion) X(cuDeviceGet) X(cuDeviceGetCount) \
  X(cuDeviceGetName) X(cuDeviceTotalMem_v2) X(cuDeviceGetAttribute) X(cuDevicePrimaryCtxRetain) \
  X(cuCtxSetCurrent) X(cuCtxGetCurrent) X(cuCtxSynchronize) X(cuMemAlloc_v2) X(cuMemFree_v2) \
  X(cuMemGetInfo_v2) X(cuMemcpyHtoD_v2) X(cuMemcpyDtoH_v2) X(cuMemcpyHtoDAsync_v2) \
  X(cuMemcpyDtoHAsync_v2) X(cuMemcpyDtoDAsync_v2) X(cuMemsetD8Async) X(cuMemsetD16Async) \
  X(cuMemsetD32Async) X(cuMemHostAlloc) X(cuMemFreeHost) X(cuMemHostGetDevicePointer_v2) X(cuStreamWriteValue32_v2) X(cuMemHostRegister_v2) \
  X(cuMemHostUnregister) X(cuStreamCreate) X(cuStreamDestroy_v2) X(cuStreamSynchronize) \
  X(cuStreamQuery) X(cuStreamWaitEvent) X(cuEventCreate) X(cuEventDestroy_v2) X(cuEventRecord) \
  X(cuEventSynchronize) X(cuEventQuery) X(cuEventElapsedTime_v2) X(cuModuleLoadData) \
  X(cuModuleUnload) X(cuModuleGetFunction) X(cuFuncSetAttribute) X(cuFuncGetAttribute) \
  X(cuLaunchKernel) X(cuGetErrorString) X(cuGetErrorName) X(nvrtcGetErrorString) \
  X(nvrtcVersion) X(nvrtcGetNumSupportedArchs) X(nvrtcGetSupportedArchs) X(nvrtcCreateProgram) \
  X(nvrtcDestroyProgram) X(nvrtcAddNameExpression) X(nvrtcCompileProgram) \
  X(nvrtcGetProgramLogSize) X(nvrtcGetProgramLog) X(nvrtcGetCUBINSize) X(nvrtcGetCUBIN) \
  X(nvrtcGetPTXSize) X(nvrtcGetPTX) X(nvrtcGetLoweredName)
#define X_ENUM(n) C_##n,
#define X_NAME(n) #n,
enum { MOCK_CALLS(X_ENUM) C_COUNT };
static const char* const call_names[] = {MOCK_CALLS(X_NAME)};
static int g_stats;
static unsigned long long g_calls[C_COUNT];
#define COUNT(n) \
  do { if (__builtin_expect(g_stats, 0)) __atomic_fetch_add(&g_calls[C_##n], 1, __ATOMIC_RELAXED); } while (0)

static void print_stats(void) {
  fprintf(stderr, "[mock-cuda %s] call counts:\n",
#ifdef MOCK_DRIVER
          "driver"
#else
          "nvrtc"
#endif
  );
  for (int i = 0; i < C_COUNT; ++i)
    if (g_calls[i]) fprintf(stderr, "  %-28s %llu\n", call_names[i], g_calls[i]);
}

static long long env_ll(const char* name, long long dflt) {
  const char* v = getenv(name);
  return v && *v ? strtoll(v, NULL, 10) : dflt;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* FNV-1a, for the fake binaries. */
static uint64_t fnv1a(const char* s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; ++s) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

#ifdef MOCK_DRIVER
/* ========================================================================= */
/* Driver                                                                    */
/* ========================================================================= */
typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;

enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_INVALID_VALUE = 1,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_NOT_INITIALIZED = 3,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_INVALID_DEVICE = 101,
  CUDA_ERROR_INVALID_IMAGE = 200,
  CUDA_ERROR_INVALID_CONTEXT = 201,
  CUDA_ERROR_INVALID_HANDLE = 400,
  CUDA_ERROR_NOT_FOUND = 500,
  CUDA_ERROR_NOT_READY = 600,
  CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701,
};

typedef struct CUctx_st { int device; } CUctx_st;
typedef struct CUstream_st { unsigned flags; } CUstream_st;
typedef struct CUevent_st {
  unsigned flags;
  int recorded;
  uint64_t t_ns;
} CUevent_st;
typedef struct CUfunc_st {
  struct CUfunc_st* next;
  int max_dynamic_shared;
  char name[];
} CUfunc_st;
typedef struct CUmod_st {
  uint64_t image_hash;
  CUfunc_st* funcs;
} CUmod_st;

typedef CUctx_st* CUcontext;
typedef CUstream_st* CUstream;
typedef CUevent_st* CUevent;
typedef CUmod_st* CUmodule;
typedef CUfunc_st* CUfunction;

#define KIB 1024ull
#define GIB (1024ull * 1024ull * 1024ull)
static const unsigned long long kTotalMem = 80ull * GIB;
static const int kSharedPerBlock = 48 * 1024;
static const int kSharedOptin = 227 * 1024;

static int g_initialized;
static int g_device_count = 1;
static long long g_launch_ns;
static unsigned long long g_used; /* bytes handed out by cuMemAlloc (atomic) */
static CUctx_st g_primary_ctx = {0};
static __thread CUcontext t_ctx;

__attribute__((constructor)) static void mock_driver_init(void) {
  g_launch_ns = env_ll("MOCK_CUDA_LAUNCH_NS", 0);
  g_device_count = (int)env_ll("MOCK_CUDA_DEVICES", 1) > 0 ? 1 : 0;
  g_stats = env_ll("MOCK_CUDA_STATS", 0) != 0;
  if (g_stats) atexit(print_stats);
}

#define NEED_INIT() do { if (!g_initialized) return CUDA_ERROR_NOT_INITIALIZED; } while (0)
#define NEED_DEVICE(d) do { if ((d) < 0 || (d) >= g_device_count) return CUDA_ERROR_INVALID_DEVICE; } while (0)

API CUresult cuInit(unsigned flags) {
  COUNT(cuInit);
  if (flags != 0) return CUDA_ERROR_INVALID_VALUE;
  if (g_device_count == 0) return CUDA_ERROR_NO_DEVICE;
  g_initialized = 1;
  return CUDA_SUCCESS;
}

API CUresult cuDriverGetVersion(int* version) {
  COUNT(cuDriverGetVersion);
  if (!version) return CUDA_ERROR_INVALID_VALUE;
  *version = 13000;
  return CUDA_SUCCESS;
}

API CUresult cuDeviceGet(CUdevice* dev, int ordinal) {
  COUNT(cuDeviceGet);
  NEED_INIT();
  if (!dev) return CUDA_ERROR_INVALID_VALUE;
  NEED_DEVICE(ordinal);
  *dev = ordinal;
  return CUDA_SUCCESS;
}

API CUresult cuDeviceGetCount(int* count) {
  COUNT(cuDeviceGetCount);
  NEED_INIT();
  if (!count) return CUDA_ERROR_INVALID_VALUE;
  *count = g_device_count;
  return CUDA_SUCCESS;
}

API CUresult cuDeviceGetName(char* name, int len, CUdevice dev) {
  COUNT(cuDeviceGetName);
  NEED_INIT();
  if (!name || len <= 0) return CUDA_ERROR_INVALID_VALUE;
  NEED_DEVICE(dev);
  snprintf(name, (size_t)len, "%s", "Mock GPU");
  return CUDA_SUCCESS;
}

API CUresult cuDeviceTotalMem_v2(size_t* bytes, CUdevice dev) {
  COUNT(cuDeviceTotalMem_v2);
  NEED_INIT();
  if (!bytes) return CUDA_ERROR_INVALID_VALUE;
  NEED_DEVICE(dev);
  *bytes = kTotalMem;
  return CUDA_SUCCESS;
}

/* H100 SXM-like values; attributes not listed read 0 (as "unsupported" flags do). */
static int attribute_value(int attr) {
  switch (attr) {
    case 1: return 1024;                   /* MAX_THREADS_PER_BLOCK */
    case 2: return 1024;                   /* MAX_BLOCK_DIM_X */
    case 3: return 1024;                   /* MAX_BLOCK_DIM_Y */
    case 4: return 64;                     /* MAX_BLOCK_DIM_Z */
    case 5: return 2147483647;             /* MAX_GRID_DIM_X */
    case 6: return 65535;                  /* MAX_GRID_DIM_Y */
    case 7: return 65535;                  /* MAX_GRID_DIM_Z */
    case 8: return kSharedPerBlock;        /* MAX_SHARED_MEMORY_PER_BLOCK */
    case 9: return 65536;                  /* TOTAL_CONSTANT_MEMORY */
    case 10: return 32;                    /* WARP_SIZE */
    case 11: return 2147483647;            /* MAX_PITCH */
    case 12: return 65536;                 /* MAX_REGISTERS_PER_BLOCK */
    case 13: return 1980000;               /* CLOCK_RATE (kHz) */
    case 14: return 512;                   /* TEXTURE_ALIGNMENT */
    case 15: return 1;                     /* GPU_OVERLAP */
    case 16: return 132;                   /* MULTIPROCESSOR_COUNT */
    case 19: return 1;                     /* CAN_MAP_HOST_MEMORY */
    case 31: return 1;                     /* CONCURRENT_KERNELS */
    case 32: return 1;                     /* ECC_ENABLED */
    case 36: return 2619000;               /* MEMORY_CLOCK_RATE (kHz) */
    case 37: return 5120;                  /* GLOBAL_MEMORY_BUS_WIDTH */
    case 38: return 50 * 1024 * 1024;      /* L2_CACHE_SIZE */
    case 39: return 2048;                  /* MAX_THREADS_PER_MULTIPROCESSOR */
    case 40: return 5;                     /* ASYNC_ENGINE_COUNT */
    case 41: return 1;                     /* UNIFIED_ADDRESSING */
    case 75: return 9;                     /* COMPUTE_CAPABILITY_MAJOR */
    case 76: return 0;                     /* COMPUTE_CAPABILITY_MINOR */
    case 78: return 1;                     /* STREAM_PRIORITIES_SUPPORTED */
    case 79: return 1;                     /* GLOBAL_L1_CACHE_SUPPORTED */
    case 80: return 1;                     /* LOCAL_L1_CACHE_SUPPORTED */
    case 81: return 228 * 1024;            /* MAX_SHARED_MEMORY_PER_MULTIPROCESSOR */
    case 82: return 65536;                 /* MAX_REGISTERS_PER_MULTIPROCESSOR */
    case 83: return 1;                     /* MANAGED_MEMORY */
    case 89: return 1;                     /* CONCURRENT_MANAGED_ACCESS */
    case 95: return 1;                     /* COOPERATIVE_LAUNCH */
    case 97: return kSharedOptin;          /* MAX_SHARED_MEMORY_PER_BLOCK_OPTIN */
    case 106: return 32;                   /* MAX_BLOCKS_PER_MULTIPROCESSOR */
    case 115: return 1;                    /* MEMORY_POOLS_SUPPORTED */
    default: return 0;
  }
}

API CUresult cuDeviceGetAttribute(int* value, int attr, CUdevice dev) {
  COUNT(cuDeviceGetAttribute);
  NEED_INIT();
  if (!value || attr <= 0 || attr > 200) return CUDA_ERROR_INVALID_VALUE;
  NEED_DEVICE(dev);
  *value = attribute_value(attr);
  return CUDA_SUCCESS;
}

API CUresult cuDevicePrimaryCtxRetain(CUcontext* ctx, CUdevice dev) {
  COUNT(cuDevicePrimaryCtxRetain);
  NEED_INIT();
  if (!ctx) return CUDA_ERROR_INVALID_VALUE;
  NEED_DEVICE(dev);
  *ctx = &g_primary_ctx;
  return CUDA_SUCCESS;
}

API CUresult cuCtxSetCurrent(CUcontext ctx) {
  COUNT(cuCtxSetCurrent);
  NEED_INIT();
  t_ctx = ctx;
  return CUDA_SUCCESS;
}

API CUresult cuCtxGetCurrent(CUcontext* ctx) {
  COUNT(cuCtxGetCurrent);
  NEED_INIT();
  if (!ctx) return CUDA_ERROR_INVALID_VALUE;
  *ctx = t_ctx;
  return CUDA_SUCCESS;
}

#define NEED_CTX() do { NEED_INIT(); if (!t_ctx) return CUDA_ERROR_INVALID_CONTEXT; } while (0)

API CUresult cuCtxSynchronize(void) {
  COUNT(cuCtxSynchronize);
  NEED_CTX();
  return CUDA_SUCCESS;
}

/* ---- memory ---- */
API CUresult cuMemAlloc_v2(CUdeviceptr* ptr, size_t bytes) {
  COUNT(cuMemAlloc_v2);
  NEED_CTX();
  if (!ptr || bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  size_t rounded = (bytes + 255) & ~(size_t)255;
  unsigned long long used = __atomic_add_fetch(&g_used, rounded, __ATOMIC_RELAXED);
  if (used > kTotalMem) {
    __atomic_sub_fetch(&g_used, rounded, __ATOMIC_RELAXED);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  /* A 256-byte header before the block holds its size and how it was made. Blocks of
   * 1 MiB and more are MAP_NORESERVE mappings: like device memory they cost the host
   * nothing until touched, so a model of tens of GiB can be "allocated" on a small host. */
  void* p = NULL;
  size_t* head;
  if (rounded >= (1u << 20)) {
    p = mmap(NULL, rounded + 256, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
             -1, 0);
    if (p == MAP_FAILED) p = NULL;
  } else if (posix_memalign(&p, 256, rounded + 256) != 0) {
    p = NULL;
  }
  if (!p) {
    __atomic_sub_fetch(&g_used, rounded, __ATOMIC_RELAXED);
    return CUDA_ERROR_OUT_OF_MEMORY;
  }
  head = p;
  head[0] = rounded;
  head[1] = rounded >= (1u << 20); /* mapped */
  *ptr = (CUdeviceptr)(uintptr_t)p + 256;
  return CUDA_SUCCESS;
}

API CUresult cuMemFree_v2(CUdeviceptr ptr) {
  COUNT(cuMemFree_v2);
  NEED_CTX();
  if (!ptr) return CUDA_SUCCESS;
  if (ptr & 255) return CUDA_ERROR_INVALID_VALUE; /* not from cuMemAlloc */
  size_t* head = (size_t*)((char*)(uintptr_t)ptr - 256);
  size_t size = head[0];
  __atomic_sub_fetch(&g_used, size, __ATOMIC_RELAXED);
  if (head[1]) munmap(head, size + 256);
  else free(head);
  return CUDA_SUCCESS;
}

API CUresult cuMemGetInfo_v2(size_t* free_bytes, size_t* total_bytes) {
  COUNT(cuMemGetInfo_v2);
  NEED_CTX();
  if (!free_bytes || !total_bytes) return CUDA_ERROR_INVALID_VALUE;
  unsigned long long used = __atomic_load_n(&g_used, __ATOMIC_RELAXED);
  *total_bytes = kTotalMem;
  *free_bytes = used < kTotalMem ? kTotalMem - used : 0;
  return CUDA_SUCCESS;
}

#define PTR(d) ((void*)(uintptr_t)(d))

API CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void* src, size_t bytes) {
  COUNT(cuMemcpyHtoD_v2);
  NEED_CTX();
  if (bytes && (!dst || !src)) return CUDA_ERROR_INVALID_VALUE;
  if (bytes) memcpy(PTR(dst), src, bytes);
  return CUDA_SUCCESS;
}

API CUresult cuMemcpyDtoH_v2(void* dst, CUdeviceptr src, size_t bytes) {
  COUNT(cuMemcpyDtoH_v2);
  NEED_CTX();
  if (bytes && (!dst || !src)) return CUDA_ERROR_INVALID_VALUE;
  if (bytes) memcpy(dst, PTR(src), bytes);
  return CUDA_SUCCESS;
}

API CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void* src, size_t bytes, CUstream s) {
  COUNT(cuMemcpyHtoDAsync_v2);
  (void)s;
  NEED_CTX();
  if (bytes && (!dst || !src)) return CUDA_ERROR_INVALID_VALUE;
  if (bytes) memcpy(PTR(dst), src, bytes);
  return CUDA_SUCCESS;
}

API CUresult cuMemcpyDtoHAsync_v2(void* dst, CUdeviceptr src, size_t bytes, CUstream s) {
  COUNT(cuMemcpyDtoHAsync_v2);
  (void)s;
  NEED_CTX();
  if (bytes && (!dst || !src)) return CUDA_ERROR_INVALID_VALUE;
  if (bytes) memcpy(dst, PTR(src), bytes);
  return CUDA_SUCCESS;
}

API CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream s) {
  COUNT(cuMemcpyDtoDAsync_v2);
  (void)s;
  NEED_CTX();
  if (bytes && (!dst || !src)) return CUDA_ERROR_INVALID_VALUE;
  if (bytes) memmove(PTR(dst), PTR(src), bytes);
  return CUDA_SUCCESS;
}

/* count is in elements of the memset's width, as in the driver. */
API CUresult cuMemsetD8Async(CUdeviceptr dst, unsigned char value, size_t count, CUstream s) {
  COUNT(cuMemsetD8Async);
  (void)s;
  NEED_CTX();
  if (count && !dst) return CUDA_ERROR_INVALID_VALUE;
  memset(PTR(dst), value, count);
  return CUDA_SUCCESS;
}

API CUresult cuMemsetD16Async(CUdeviceptr dst, unsigned short value, size_t count, CUstream s) {
  COUNT(cuMemsetD16Async);
  (void)s;
  NEED_CTX();
  if (count && (!dst || (dst & 1))) return CUDA_ERROR_INVALID_VALUE;
  unsigned short* p = PTR(dst);
  for (size_t i = 0; i < count; ++i) p[i] = value;
  return CUDA_SUCCESS;
}

API CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned value, size_t count, CUstream s) {
  COUNT(cuMemsetD32Async);
  (void)s;
  NEED_CTX();
  if (count && (!dst || (dst & 3))) return CUDA_ERROR_INVALID_VALUE;
  unsigned* p = PTR(dst);
  for (size_t i = 0; i < count; ++i) p[i] = value;
  return CUDA_SUCCESS;
}

API CUresult cuMemHostAlloc(void** ptr, size_t bytes, unsigned flags) {
  COUNT(cuMemHostAlloc);
  (void)flags;
  NEED_CTX();
  if (!ptr || bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  if (posix_memalign(ptr, 4096, bytes) != 0) return CUDA_ERROR_OUT_OF_MEMORY;
  return CUDA_SUCCESS;
}

API CUresult cuMemFreeHost(void* ptr) {
  COUNT(cuMemFreeHost);
  NEED_CTX();
  free(ptr);
  return CUDA_SUCCESS;
}

API CUresult cuMemHostRegister_v2(void* ptr, size_t bytes, unsigned flags) {
  COUNT(cuMemHostRegister_v2);
  (void)flags;
  NEED_CTX();
  if (!ptr || bytes == 0) return CUDA_ERROR_INVALID_VALUE;
  return CUDA_SUCCESS;
}

API CUresult cuMemHostUnregister(void* ptr) {
  COUNT(cuMemHostUnregister);
  NEED_CTX();
  if (!ptr) return CUDA_ERROR_INVALID_VALUE;
  return CUDA_SUCCESS;
}

/* ---- streams and events ---- */
API CUresult cuStreamCreate(CUstream* s, unsigned flags) {
  COUNT(cuStreamCreate);
  NEED_CTX();
  if (!s || flags > 1) return CUDA_ERROR_INVALID_VALUE;
  CUstream st = malloc(sizeof *st);
  if (!st) return CUDA_ERROR_OUT_OF_MEMORY;
  st->flags = flags;
  *s = st;
  return CUDA_SUCCESS;
}

API CUresult cuStreamDestroy_v2(CUstream s) {
  COUNT(cuStreamDestroy_v2);
  NEED_INIT();
  if (!s) return CUDA_ERROR_INVALID_HANDLE;
  free(s);
  return CUDA_SUCCESS;
}

API CUresult cuStreamSynchronize(CUstream s) {
  COUNT(cuStreamSynchronize);
  (void)s;
  NEED_CTX();
  return CUDA_SUCCESS;
}

/* Host memory is device memory here: the device pointer of pinned memory is the
   pointer itself, and a stream write of a value happens at once. */
API CUresult cuMemHostGetDevicePointer_v2(CUdeviceptr* dptr, void* p, unsigned flags) {
  COUNT(cuMemHostGetDevicePointer_v2);
  (void)flags;
  NEED_CTX();
  if (!dptr || !p) return CUDA_ERROR_INVALID_VALUE;
  *dptr = (CUdeviceptr)(uintptr_t)p;
  return CUDA_SUCCESS;
}

API CUresult cuStreamWriteValue32_v2(CUstream s, CUdeviceptr addr, unsigned value, unsigned flags) {
  COUNT(cuStreamWriteValue32_v2);
  (void)s;
  (void)flags;
  NEED_CTX();
  if (!addr || (addr & 3)) return CUDA_ERROR_INVALID_VALUE;
  *(volatile unsigned*)(uintptr_t)addr = value;
  return CUDA_SUCCESS;
}

API CUresult cuStreamQuery(CUstream s) {
  COUNT(cuStreamQuery);
  (void)s;
  NEED_CTX();
  return CUDA_SUCCESS;
}

API CUresult cuStreamWaitEvent(CUstream s, CUevent e, unsigned flags) {
  COUNT(cuStreamWaitEvent);
  (void)s;
  NEED_CTX();
  if (!e || flags != 0) return CUDA_ERROR_INVALID_HANDLE;
  return CUDA_SUCCESS;
}

API CUresult cuEventCreate(CUevent* e, unsigned flags) {
  COUNT(cuEventCreate);
  NEED_CTX();
  if (!e || flags > 7) return CUDA_ERROR_INVALID_VALUE;
  CUevent ev = calloc(1, sizeof *ev);
  if (!ev) return CUDA_ERROR_OUT_OF_MEMORY;
  ev->flags = flags;
  *e = ev;
  return CUDA_SUCCESS;
}

API CUresult cuEventDestroy_v2(CUevent e) {
  COUNT(cuEventDestroy_v2);
  NEED_INIT();
  if (!e) return CUDA_ERROR_INVALID_HANDLE;
  free(e);
  return CUDA_SUCCESS;
}

API CUresult cuEventRecord(CUevent e, CUstream s) {
  COUNT(cuEventRecord);
  (void)s;
  NEED_CTX();
  if (!e) return CUDA_ERROR_INVALID_HANDLE;
  e->recorded = 1;
  if (!(e->flags & 0x2)) e->t_ns = now_ns(); /* CU_EVENT_DISABLE_TIMING: no clock read */
  return CUDA_SUCCESS;
}

API CUresult cuEventSynchronize(CUevent e) {
  COUNT(cuEventSynchronize);
  NEED_CTX();
  if (!e) return CUDA_ERROR_INVALID_HANDLE;
  return CUDA_SUCCESS;
}

API CUresult cuEventQuery(CUevent e) {
  COUNT(cuEventQuery);
  NEED_CTX();
  if (!e) return CUDA_ERROR_INVALID_HANDLE;
  return CUDA_SUCCESS;
}

/* Host-clock time between the two cuEventRecord calls. */
API CUresult cuEventElapsedTime_v2(float* ms, CUevent start, CUevent end) {
  COUNT(cuEventElapsedTime_v2);
  NEED_CTX();
  if (!ms) return CUDA_ERROR_INVALID_VALUE;
  if (!start || !end || (start->flags & 0x2) || (end->flags & 0x2)) return CUDA_ERROR_INVALID_HANDLE;
  if (!start->recorded || !end->recorded) return CUDA_ERROR_INVALID_HANDLE;
  *ms = (float)((double)((int64_t)(end->t_ns - start->t_ns)) / 1e6);
  return CUDA_SUCCESS;
}

API CUresult cuEventElapsedTime(float* ms, CUevent start, CUevent end) {
  return cuEventElapsedTime_v2(ms, start, end);
}

/* ---- modules, functions, launches ---- */
API CUresult cuModuleLoadData(CUmodule* module, const void* image) {
  COUNT(cuModuleLoadData);
  NEED_CTX();
  if (!module || !image) return CUDA_ERROR_INVALID_VALUE;
  CUmodule m = calloc(1, sizeof *m);
  if (!m) return CUDA_ERROR_OUT_OF_MEMORY;
  /* The image's size is unknown: hash up to its first NUL or 64 bytes (cosmetic). */
  char head[65];
  strncpy(head, (const char*)image, 64);
  head[64] = 0;
  m->image_hash = fnv1a(head);
  *module = m;
  return CUDA_SUCCESS;
}

API CUresult cuModuleUnload(CUmodule module) {
  COUNT(cuModuleUnload);
  NEED_CTX();
  if (!module) return CUDA_ERROR_INVALID_HANDLE;
  for (CUfunction f = module->funcs; f;) {
    CUfunction next = f->next;
    free(f);
    f = next;
  }
  free(module);
  return CUDA_SUCCESS;
}

API CUresult cuModuleGetFunction(CUfunction* f, CUmodule module, const char* name) {
  COUNT(cuModuleGetFunction);
  NEED_CTX();
  if (!f || !module || !name) return CUDA_ERROR_INVALID_VALUE;
  if (!*name) return CUDA_ERROR_NOT_FOUND;
  /* Same name, same handle (as the driver does). Modules are per-thread-safe enough
   * for mlx-ts: it looks functions up under its own lock. */
  for (CUfunction g = module->funcs; g; g = g->next)
    if (strcmp(g->name, name) == 0) {
      *f = g;
      return CUDA_SUCCESS;
    }
  size_t n = strlen(name);
  CUfunction fn = calloc(1, sizeof *fn + n + 1);
  if (!fn) return CUDA_ERROR_OUT_OF_MEMORY;
  memcpy(fn->name, name, n + 1);
  fn->max_dynamic_shared = kSharedPerBlock;
  fn->next = module->funcs;
  module->funcs = fn;
  *f = fn;
  return CUDA_SUCCESS;
}

API CUresult cuFuncSetAttribute(CUfunction f, int attr, int value) {
  COUNT(cuFuncSetAttribute);
  NEED_CTX();
  if (!f) return CUDA_ERROR_INVALID_HANDLE;
  switch (attr) {
    case 8: /* MAX_DYNAMIC_SHARED_SIZE_BYTES */
      if (value < 0 || value > kSharedOptin) return CUDA_ERROR_INVALID_VALUE;
      f->max_dynamic_shared = value;
      return CUDA_SUCCESS;
    case 9: /* PREFERRED_SHARED_MEMORY_CARVEOUT */
      return CUDA_SUCCESS;
    default:
      return CUDA_ERROR_INVALID_VALUE;
  }
}

API CUresult cuFuncGetAttribute(int* value, int attr, CUfunction f) {
  COUNT(cuFuncGetAttribute);
  NEED_CTX();
  if (!value) return CUDA_ERROR_INVALID_VALUE;
  if (!f) return CUDA_ERROR_INVALID_HANDLE;
  switch (attr) {
    case 0: *value = 1024; break;                  /* MAX_THREADS_PER_BLOCK */
    case 1: *value = 0; break;                     /* SHARED_SIZE_BYTES (static) */
    case 2: *value = 0; break;                     /* CONST_SIZE_BYTES */
    case 3: *value = 0; break;                     /* LOCAL_SIZE_BYTES */
    case 4: *value = 32; break;                    /* NUM_REGS */
    case 5: *value = 90; break;                    /* PTX_VERSION */
    case 6: *value = 90; break;                    /* BINARY_VERSION */
    case 7: *value = 0; break;                     /* CACHE_MODE_CA */
    case 8: *value = f->max_dynamic_shared; break; /* MAX_DYNAMIC_SHARED_SIZE_BYTES */
    case 9: *value = -1; break;                    /* PREFERRED_SHARED_MEMORY_CARVEOUT */
    default: return CUDA_ERROR_INVALID_VALUE;
  }
  return CUDA_SUCCESS;
}

API CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                            unsigned by, unsigned bz, unsigned shared_bytes, CUstream s,
                            void** params, void** extra) {
  COUNT(cuLaunchKernel);
  (void)s;
  (void)extra;
  NEED_CTX();
  if (!f) return CUDA_ERROR_INVALID_HANDLE;
  /* The driver's argument checks, so host-side bugs still surface. */
  if (!gx || !gy || !gz || !bx || !by || !bz) return CUDA_ERROR_INVALID_VALUE;
  if (gy > 65535 || gz > 65535 || bx > 1024 || by > 1024 || bz > 64) return CUDA_ERROR_INVALID_VALUE;
  if ((unsigned long long)bx * by * bz > 1024) return CUDA_ERROR_INVALID_VALUE;
  if ((int)shared_bytes > f->max_dynamic_shared) return CUDA_ERROR_INVALID_VALUE;
  (void)params; /* the kernel does not run */
  if (g_launch_ns > 0) {
    uint64_t end = now_ns() + (uint64_t)g_launch_ns;
    while (now_ns() < end) __builtin_ia32_pause();
  }
  return CUDA_SUCCESS;
}

/* ---- errors ---- */
static const char* error_name(CUresult r, const char** text) {
  switch (r) {
    case 0: *text = "no error"; return "CUDA_SUCCESS";
    case 1: *text = "invalid argument"; return "CUDA_ERROR_INVALID_VALUE";
    case 2: *text = "out of memory"; return "CUDA_ERROR_OUT_OF_MEMORY";
    case 3: *text = "initialization error"; return "CUDA_ERROR_NOT_INITIALIZED";
    case 4: *text = "driver shutting down"; return "CUDA_ERROR_DEINITIALIZED";
    case 34: *text = "CUDA driver is a stub library"; return "CUDA_ERROR_STUB_LIBRARY";
    case 100: *text = "no CUDA-capable device is detected"; return "CUDA_ERROR_NO_DEVICE";
    case 101: *text = "invalid device ordinal"; return "CUDA_ERROR_INVALID_DEVICE";
    case 200: *text = "device kernel image is invalid"; return "CUDA_ERROR_INVALID_IMAGE";
    case 201: *text = "invalid device context"; return "CUDA_ERROR_INVALID_CONTEXT";
    case 400: *text = "invalid resource handle"; return "CUDA_ERROR_INVALID_HANDLE";
    case 500: *text = "named symbol not found"; return "CUDA_ERROR_NOT_FOUND";
    case 600: *text = "device not ready"; return "CUDA_ERROR_NOT_READY";
    case 701: *text = "too many resources requested for launch"; return "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
    default: *text = NULL; return NULL;
  }
}

API CUresult cuGetErrorString(CUresult r, const char** str) {
  COUNT(cuGetErrorString);
  if (!str) return CUDA_ERROR_INVALID_VALUE;
  const char* text;
  const char* name = error_name(r, &text);
  *str = text;
  return name ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

API CUresult cuGetErrorName(CUresult r, const char** str) {
  COUNT(cuGetErrorName);
  if (!str) return CUDA_ERROR_INVALID_VALUE;
  const char* text;
  *str = error_name(r, &text);
  return *str ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

#endif /* MOCK_DRIVER */

#ifdef MOCK_NVRTC
/* ========================================================================= */
/* NVRTC                                                                     */
/* ========================================================================= */
typedef int nvrtcResult;
enum {
  NVRTC_SUCCESS = 0,
  NVRTC_ERROR_OUT_OF_MEMORY = 1,
  NVRTC_ERROR_PROGRAM_CREATION_FAILURE = 2,
  NVRTC_ERROR_INVALID_INPUT = 3,
  NVRTC_ERROR_INVALID_PROGRAM = 4,
  NVRTC_ERROR_INVALID_OPTION = 5,
  NVRTC_ERROR_COMPILATION = 6,
  NVRTC_ERROR_BUILTIN_OPERATION_FAILURE = 7,
  NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION = 8,
  NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION = 9,
  NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID = 10,
  NVRTC_ERROR_INTERNAL_ERROR = 11,
};

typedef struct NameExpr {
  struct NameExpr* next;
  char name[];
} NameExpr;

typedef struct _nvrtcProgram {
  char* src;
  char* name;
  NameExpr* names;
  int compiled;
  int ptx_only; /* compiled for compute_XX: no CUBIN */
  char* image;  /* NUL-terminated text; the CUBIN is its bytes without the NUL */
  size_t image_len;
} _nvrtcProgram;
typedef _nvrtcProgram* nvrtcProgram;

__attribute__((constructor)) static void mock_nvrtc_init(void) {
  g_stats = env_ll("MOCK_CUDA_STATS", 0) != 0;
  if (g_stats) atexit(print_stats);
}

API const char* nvrtcGetErrorString(nvrtcResult r) {
  COUNT(nvrtcGetErrorString);
  switch (r) {
    case 0: return "NVRTC_SUCCESS";
    case 1: return "NVRTC_ERROR_OUT_OF_MEMORY";
    case 2: return "NVRTC_ERROR_PROGRAM_CREATION_FAILURE";
    case 3: return "NVRTC_ERROR_INVALID_INPUT";
    case 4: return "NVRTC_ERROR_INVALID_PROGRAM";
    case 5: return "NVRTC_ERROR_INVALID_OPTION";
    case 6: return "NVRTC_ERROR_COMPILATION";
    case 7: return "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE";
    case 8: return "NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION";
    case 9: return "NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION";
    case 10: return "NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID";
    case 11: return "NVRTC_ERROR_INTERNAL_ERROR";
    default: return "NVRTC_ERROR unknown";
  }
}

API nvrtcResult nvrtcVersion(int* major, int* minor) {
  COUNT(nvrtcVersion);
  if (!major || !minor) return NVRTC_ERROR_INVALID_INPUT;
  *major = 13;
  *minor = 0;
  return NVRTC_SUCCESS;
}

static const int kArchs[] = {75, 80, 86, 87, 89, 90, 100, 103, 110, 120, 121};

API nvrtcResult nvrtcGetNumSupportedArchs(int* count) {
  COUNT(nvrtcGetNumSupportedArchs);
  if (!count) return NVRTC_ERROR_INVALID_INPUT;
  *count = (int)(sizeof kArchs / sizeof kArchs[0]);
  return NVRTC_SUCCESS;
}

API nvrtcResult nvrtcGetSupportedArchs(int* archs) {
  COUNT(nvrtcGetSupportedArchs);
  if (!archs) return NVRTC_ERROR_INVALID_INPUT;
  memcpy(archs, kArchs, sizeof kArchs);
  return NVRTC_SUCCESS;
}

static char* dup_str(const char* s) {
  size_t n = strlen(s);
  char* d = malloc(n + 1);
  if (d) memcpy(d, s, n + 1);
  return d;
}

API nvrtcResult nvrtcCreateProgram(nvrtcProgram* prog, const char* src, const char* name,
                                   int num_headers, const char* const* headers,
                                   const char* const* include_names) {
  COUNT(nvrtcCreateProgram);
  (void)headers;
  (void)include_names;
  if (!prog || !src || num_headers < 0) return NVRTC_ERROR_INVALID_INPUT;
  nvrtcProgram p = calloc(1, sizeof *p);
  if (!p) return NVRTC_ERROR_OUT_OF_MEMORY;
  p->src = dup_str(src);
  p->name = dup_str(name ? name : "default_program");
  if (!p->src || !p->name) {
    free(p->src);
    free(p->name);
    free(p);
    return NVRTC_ERROR_OUT_OF_MEMORY;
  }
  *prog = p;
  return NVRTC_SUCCESS;
}

API nvrtcResult nvrtcDestroyProgram(nvrtcProgram* prog) {
  COUNT(nvrtcDestroyProgram);
  if (!prog) return NVRTC_ERROR_INVALID_PROGRAM;
  nvrtcProgram p = *prog;
  if (!p) return NVRTC_ERROR_INVALID_PROGRAM;
  for (NameExpr* n = p->names; n;) {
    NameExpr* next = n->next;
    free(n);
    n = next;
  }
  free(p->src);
  free(p->name);
  free(p->image);
  free(p);
  *prog = NULL;
  return NVRTC_SUCCESS;
}

API nvrtcResult nvrtcAddNameExpression(nvrtcProgram prog, const char* name_expression) {
  COUNT(nvrtcAddNameExpression);
  if (!prog) return NVRTC_ERROR_INVALID_PROGRAM;
  if (!name_expression) return NVRTC_ERROR_INVALID_INPUT;
  if (prog->compiled) return NVRTC_ERROR_NO_NAME_EXPRESSIONS_AFTER_COMPILATION;
  size_t n = strlen(name_expression);
  NameExpr* e = malloc(sizeof *e + n + 1);
  if (!e) return NVRTC_ERROR_OUT_OF_MEMORY;
  memcpy(e->name, name_expression, n + 1);
  e->next = prog->names;
  prog->names = e;
  return NVRTC_SUCCESS;
}

API nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int num_options, const char* const* options) {
  COUNT(nvrtcCompileProgram);
  if (!prog) return NVRTC_ERROR_INVALID_PROGRAM;
  if (num_options < 0 || (num_options > 0 && !options)) return NVRTC_ERROR_INVALID_INPUT;
  const char* arch = "compute_52"; /* NVRTC's default target */
  for (int i = 0; i < num_options; ++i) {
    const char* o = options[i];
    if (!o) return NVRTC_ERROR_INVALID_OPTION;
    if (strncmp(o, "--gpu-architecture=", 19) == 0) arch = o + 19;
    else if (strncmp(o, "-arch=", 6) == 0) arch = o + 6;
  }
  prog->ptx_only = strncmp(arch, "compute_", 8) == 0;
  uint64_t h = fnv1a(prog->src);
  char buf[256];
  int n = snprintf(buf, sizeof buf, "//\n// mock-cuda %s for %s (%s), source fnv1a %016llx\n//\n",
                   prog->ptx_only ? "PTX" : "CUBIN", arch, prog->name, (unsigned long long)h);
  free(prog->image);
  prog->image = dup_str(buf);
  if (!prog->image) return NVRTC_ERROR_OUT_OF_MEMORY;
  prog->image_len = (size_t)n;
  prog->compiled = 1;
  return NVRTC_SUCCESS;
}

API nvrtcResult nvrtcGetProgramLogSize(nvrtcProgram prog, size_t* size) {
  COUNT(nvrtcGetProgramLogSize);
  if (!prog) return NVRTC_ERROR_INVALID_PROGRAM;
  if (!size) return NVRTC_ERROR_INVALID_INPUT;
  *size = 1; /* an empty log: just the NUL */
  return NVRTC_SUCCESS;
}

API nvrtcResult nvrtcGetProgramLog(nvrtcProgram prog, char* log) {
  COUNT(nvrtcGetProgramLog);
  if (!prog) return NVRTC_ERROR_INVALID_PROGRAM;
  if (!log) return NVRTC_ERROR_INVALID_INPUT;
  log[0] = 0;
  return NVRTC_SUCCESS;
}

API nvrtcResult nvrtcGetCUBINSize(nvrtcProgram prog, size_t* size) {
  COUNT(nvrtcGetCUBINSize);
  if (!prog) return NVRTC_ERROR_INVALID_PROGRAM;
  if (!size) return NVRTC_ERROR_INVALID_INPUT;
  *size = prog->compiled && !prog->ptx_only ? prog->image_len : 0;
  return NVRTC_SUCCESS;
}

API nvrtcResult nvrtcGetCUBIN(nvrtcProgram prog, char* cubin) {
  COUNT(nvrtcGetCUBIN);
  if (!prog) return NVRTC_ERROR_INVALID_PROGRAM;
  if (!cubin) return NVRTC_ERROR_INVALID_INPUT;
  if (!prog->compiled || prog->ptx_only) return NVRTC_ERROR_INVALID_PROGRAM;
  memcpy(cubin, prog->image, prog->image_len);
  return NVRTC_SUCCESS;
}

API nvrtcResult nvrtcGetPTXSize(nvrtcProgram prog, size_t* size) {
  COUNT(nvrtcGetPTXSize);
  if (!prog) return NVRTC_ERROR_INVALID_PROGRAM;
  if (!size) return NVRTC_ERROR_INVALID_INPUT;
  if (!prog->compiled) return NVRTC_ERROR_INVALID_PROGRAM;
  *size = prog->image_len + 1; /* with its NUL */
  return NVRTC_SUCCESS;
}

API nvrtcResult nvrtcGetPTX(nvrtcProgram prog, char* ptx) {
  COUNT(nvrtcGetPTX);
  if (!prog) return NVRTC_ERROR_INVALID_PROGRAM;
  if (!ptx) return NVRTC_ERROR_INVALID_INPUT;
  if (!prog->compiled) return NVRTC_ERROR_INVALID_PROGRAM;
  memcpy(ptx, prog->image, prog->image_len + 1);
  return NVRTC_SUCCESS;
}

API nvrtcResult nvrtcGetLoweredName(nvrtcProgram prog, const char* name_expression,
                                    const char** lowered_name) {
  COUNT(nvrtcGetLoweredName);
  if (!prog) return NVRTC_ERROR_INVALID_PROGRAM;
  if (!name_expression || !lowered_name) return NVRTC_ERROR_INVALID_INPUT;
  if (!prog->compiled) return NVRTC_ERROR_NO_LOWERED_NAMES_BEFORE_COMPILATION;
  for (NameExpr* e = prog->names; e; e = e->next)
    if (strcmp(e->name, name_expression) == 0) {
      *lowered_name = e->name; /* lives as long as the program, as in NVRTC */
      return NVRTC_SUCCESS;
    }
  return NVRTC_ERROR_NAME_EXPRESSION_NOT_VALID;
}

#endif /* MOCK_NVRTC */
