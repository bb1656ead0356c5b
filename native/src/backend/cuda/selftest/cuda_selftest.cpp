// g++ -std=c++17 -O2 -I native/include -I native/src/core native/src/backend/cuda/{cuda_api,device,device_allocator,nvrtc_compiler}.cpp native/src/kernels/cache_files.cpp native/src/backend/cuda/selftest/cuda_selftest.cpp -ldl -lpthread -o /tmp/cuda_selftest
//
// Standalone GPU self-test of the CUDA layer (driver loading, device info,
// allocator, NVRTC compile + memory/disk cache, launches, cuBLAS). Run from the
// repository root:  /tmp/cuda_selftest [--require-gpu]
// Prints JSON lines, then "SELFTEST OK" or "SELFTEST FAILED: ...". Without a
// GPU it prints why CUDA is unavailable and passes, unless --require-gpu.
// MLX_TS_CACHE_DIR is pointed at a fresh temporary folder so the first compile
// is a real NVRTC run.
//
// CMake's backend glob also compiles this file into libmlxts; there (CMake
// defines mlxts_EXPORTS for the library's sources) it compiles to nothing.
#if !defined(mlxts_EXPORTS) || defined(MLX_TS_CUDA_SELFTEST)

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "../cuda_api.h"
#include "../device.h"
#include "../device_allocator.h"
#include "../nvrtc_compiler.h"

using namespace mlx::core::cuda;

namespace {

std::vector<std::string> g_failures;

std::string q(const std::string& s) { // a JSON string
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (static_cast<unsigned char>(c) < 0x20) out += ' ';
    else out += c;
  }
  return out + "\"";
}

void expect(bool ok, const std::string& what) {
  if (!ok) {
    g_failures.push_back(what);
    std::printf("{\"check_failed\": %s}\n", q(what).c_str());
  }
}

/** Runs one section; an exception fails it and the test goes on. */
void section(const char* name, const std::function<void()>& body) {
  try {
    body();
  } catch (const std::exception& e) {
    expect(false, std::string(name) + ": " + e.what());
  }
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

CUdeviceptr dptr(void* p) { return static_cast<CUdeviceptr>(reinterpret_cast<uintptr_t>(p)); }

// cooperative_groups proves the toolkit include path; cuda::std::array (MLX's
// Shape type, passed by value) proves the CCCL path; the template needs a lowered name.
const char* kAxpySource = R"(
#include <cooperative_groups.h>
#include <cuda/std/array>
namespace mlx::core::cu {
template <typename T>
__global__ void axpy(const T* x, T* y, T a, unsigned n, cuda::std::array<int, 4> offsets) {
  auto grid = cooperative_groups::this_grid();
  unsigned long long i = grid.thread_rank();
  if (i < n) y[i] = a * x[i] + y[i] + T(offsets[i & 3]);
}
template __global__ void axpy<float>(const float*, float*, float, unsigned, cuda::std::array<int, 4>);
}
)";

const char* kTinySource = R"(extern "C" __global__ void tiny(int* p) { if (p) p[threadIdx.x] = 1; })";

// Reverses a block's values through dynamic shared memory (tests the >48 KiB opt-in).
const char* kSharedSource = R"(
extern "C" __global__ void reverse_shared(const float* in, float* out) {
  extern __shared__ float s[];
  unsigned t = threadIdx.x, n = blockDim.x;
  s[t] = in[t];
  __syncthreads();
  out[t] = s[n - 1 - t];
}
)";

CudaBuild axpy_build() {
  CudaBuild b;
  b.source = kAxpySource;
  b.name_expression = "mlx::core::cu::axpy<float>";
  b.op = "[cuda_kernel]";
  b.kernel_name = "selftest_axpy";
  return b;
}

bool run_axpy(const CudaKernelBinary& k, CUstream stream, const char* label) {
  const CudaApi& a = *cuda_api();
  const unsigned n = 100003; // not a multiple of the block
  std::vector<float> x(n), y(n), out(n);
  for (unsigned i = 0; i < n; ++i) x[i] = float(i % 1000), y[i] = float(i % 7);
  void* dx = device_malloc(n * sizeof(float));
  void* dy = device_malloc(n * sizeof(float));
  check(a.cuMemcpyHtoDAsync_v2(dptr(dx), x.data(), n * sizeof(float), stream), "HtoD x");
  check(a.cuMemcpyHtoDAsync_v2(dptr(dy), y.data(), n * sizeof(float), stream), "HtoD y");
  float alpha = 2.0f;
  unsigned count = n;
  struct { int v[4]; } offsets = {{1, 2, 3, 4}}; // same layout as cuda::std::array<int, 4>
  void* args[] = {&dx, &dy, &alpha, &count, &offsets};
  launch(k, Dim3{(n + 255) / 256, 1, 1}, Dim3{256, 1, 1}, 0, stream, args);
  check(a.cuMemcpyDtoHAsync_v2(out.data(), dptr(dy), n * sizeof(float), stream), "DtoH y");
  check(a.cuStreamSynchronize(stream), "cuStreamSynchronize");
  device_free(dx);
  device_free(dy);
  unsigned bad = 0;
  for (unsigned i = 0; i < n; ++i)
    if (out[i] != alpha * x[i] + y[i] + float(offsets.v[i & 3])) ++bad;
  expect(bad == 0, std::string(label) + ": axpy wrong at " + std::to_string(bad) + " of " +
                       std::to_string(n) + " elements");
  return bad == 0;
}

void print_stats(const char* label) {
  auto s = cuda_kernel_cache_stats();
  std::printf("{\"%s\": {\"compiles\": %lld, \"failures\": %lld, \"disk_hits\": %lld, "
              "\"memory_hits\": %lld, \"corrupt_entries\": %lld, \"disk_write_failures\": %lld, "
              "\"last_compile_ms\": %.1f}}\n",
              label, (long long)s.compiles, (long long)s.failures, (long long)s.disk_hits,
              (long long)s.memory_hits, (long long)s.corrupt_entries,
              (long long)s.disk_write_failures, s.last_compile_ms);
}

void test_device_info() {
  const CudaApi& a = *cuda_api();
  int driver = 0;
  a.cuDriverGetVersion(&driver);
  const DeviceInfo& d = device_info(0);
  make_current(0);
  std::printf("{\"device\": {\"count\": %d, \"name\": %s, \"total_memory\": %zu, \"compute\": "
              "\"%d.%d\", \"arch\": %d, \"sm_count\": %d, \"max_shared_per_block\": %zu, "
              "\"max_shared_per_block_optin\": %zu, \"max_threads_per_block\": %d, "
              "\"warp_size\": %d, \"driver_version\": %d, \"driver_path\": %s}}\n",
              device_count(), q(d.name).c_str(), d.total_memory, d.compute_major,
              d.compute_minor, arch(), d.sm_count, d.max_shared_per_block,
              d.max_shared_per_block_optin, d.max_threads_per_block, d.warp_size, driver,
              q(cuda_driver_path()).c_str());
  expect(d.total_memory > 0 && d.sm_count > 0 && d.warp_size == 32, "device info plausible");
  expect(arch() >= 50, "arch() is a compute capability");
}

void test_memory() {
  const CudaApi& a = *cuda_api();
  const size_t n = 1 << 20;
  std::vector<uint32_t> host(n), back(n);
  for (size_t i = 0; i < n; ++i) host[i] = uint32_t(i * 2654435761u);
  void* d = device_malloc(n * 4);
  void* d2 = device_malloc(n * 4);
  check(a.cuMemcpyHtoD_v2(dptr(d), host.data(), n * 4), "cuMemcpyHtoD");
  CudaStream s;
  check(a.cuMemcpyDtoDAsync_v2(dptr(d2), dptr(d), n * 4, s), "cuMemcpyDtoDAsync");
  s.synchronize();
  check(a.cuMemcpyDtoH_v2(back.data(), dptr(d2), n * 4), "cuMemcpyDtoH");
  expect(back == host, "HtoD/DtoD/DtoH round trip");
  check(a.cuMemsetD32Async(dptr(d2), 0xdeadbeefu, n, s), "cuMemsetD32Async");
  check(a.cuMemsetD8Async(dptr(d2), 0x11, 8, s), "cuMemsetD8Async");
  s.synchronize();
  check(a.cuMemcpyDtoH_v2(back.data(), dptr(d2), n * 4), "cuMemcpyDtoH");
  expect(back[0] == 0x11111111u && back[2] == 0xdeadbeefu && back[n - 1] == 0xdeadbeefu,
         "memset D8/D32");
  // Pinned host staging.
  void* pinned = nullptr;
  check(a.cuMemHostAlloc(&pinned, n * 4, CU_MEMHOSTALLOC_PORTABLE), "cuMemHostAlloc");
  check(a.cuMemcpyDtoHAsync_v2(pinned, dptr(d), n * 4, s), "cuMemcpyDtoHAsync (pinned)");
  s.synchronize();
  expect(std::memcmp(pinned, host.data(), n * 4) == 0, "DtoH into pinned memory");
  check(a.cuMemFreeHost(pinned), "cuMemFreeHost");
  device_free(d);
  device_free(d2);
  std::printf("{\"memory\": \"ok\"}\n");
}

void test_allocator() {
  device_clear_cache();
  device_reset_peak();
  size_t a0 = device_active_memory();
  void* p1 = device_malloc(1000);    // class 1024
  void* p2 = device_malloc(3 << 20); // class 3 MiB
  expect(device_block_size(p1) == 1024 && device_block_size(p2) == (3u << 20), "size classes");
  expect(device_active_memory() == a0 + 1024 + (3u << 20), "active memory counts classes");
  device_free(p2);
  expect(device_cache_memory() == (3u << 20), "freed block goes to the cache");
  void* p3 = device_malloc((3 << 20) - 100); // same class: reused
  expect(p3 == p2 && device_cache_memory() == 0, "cached block reused");
  expect(device_peak_memory() >= a0 + 1024 + (3u << 20), "peak memory");
  device_free(p1);
  device_free(p3);
  device_clear_cache();
  expect(device_cache_memory() == 0 && device_active_memory() == a0, "clear cache");
  bool threw = false;
  try {
    device_malloc(device_info(0).total_memory * 2);
  } catch (const std::runtime_error& e) {
    threw = std::string(e.what()).find("[gpu] out of device memory") == 0;
    std::printf("{\"oom_message\": %s}\n", q(e.what()).c_str());
  }
  expect(threw, "out-of-memory error message");
  std::printf("{\"allocator\": {\"active\": %zu, \"peak\": %zu, \"cache\": %zu}}\n",
              device_active_memory(), device_peak_memory(), device_cache_memory());
}

void test_kernels() {
  int major = 0, minor = 0;
  cuda_api()->nvrtcVersion(&major, &minor);
  std::string incs;
  for (const auto& d : cuda_toolkit_include_dirs()) incs += (incs.empty() ? "" : ", ") + q(d);
  std::printf("{\"nvrtc\": {\"version\": \"%d.%d\", \"path\": %s, \"include_dirs\": [%s], "
              "\"cache_dir\": %s}}\n",
              major, minor, q(nvrtc_library_path()).c_str(), incs.c_str(),
              q(cuda_kernel_cache_dir()).c_str());
  CudaStream stream;

  // 1. First compile: a real NVRTC run.
  auto t0 = std::chrono::steady_clock::now();
  auto k = compile_cuda_kernel(axpy_build());
  double first_ms = ms_since(t0);
  std::printf("{\"first_compile\": {\"total_ms\": %.1f, \"nvrtc_ms\": %.1f, \"lowered\": %s, "
              "\"from_ptx\": %s}}\n",
              first_ms, cuda_kernel_cache_stats().last_compile_ms, q(k->lowered_name).c_str(),
              k->from_ptx ? "true" : "false");
  expect(cuda_kernel_cache_stats().compiles == 1, "first compile runs NVRTC");
  run_axpy(*k, stream, "compiled");

  // 2. Memory hit.
  auto k2 = compile_cuda_kernel(axpy_build());
  expect(k2 == k && cuda_kernel_cache_stats().memory_hits == 1, "memory cache hit");

  // 3. Disk hit after clearing the memory cache.
  clear_cuda_kernel_memory_cache();
  t0 = std::chrono::steady_clock::now();
  auto k3 = compile_cuda_kernel(axpy_build());
  double disk_ms = ms_since(t0);
  std::printf("{\"disk_cache_hit_ms\": %.2f}\n", disk_ms);
  expect(cuda_kernel_cache_stats().disk_hits == 1 && cuda_kernel_cache_stats().compiles == 1,
         "disk cache hit");
  run_axpy(*k3, stream, "from disk");

  // 4. A corrupt entry is rebuilt.
  {
    std::ofstream f(cuda_kernel_cache_dir() + "/" + k3->key + ".bin", std::ios::binary);
    f << "garbage";
  }
  clear_cuda_kernel_memory_cache();
  auto k4 = compile_cuda_kernel(axpy_build());
  expect(cuda_kernel_cache_stats().corrupt_entries == 1 && cuda_kernel_cache_stats().compiles == 2,
         "corrupt disk entry rebuilt");
  run_axpy(*k4, stream, "after corrupt entry");

  // 5. Compile errors name the op and kernel and carry the NVRTC log.
  CudaBuild bad = axpy_build();
  bad.kernel_name = "selftest_broken";
  bad.source = "extern \"C\" __global__ void broken(float* p) {\n  p[0] = undefined_name;\n}\n";
  bad.name_expression = "broken";
  bool threw = false;
  try {
    compile_cuda_kernel(bad);
  } catch (const CudaCompileError& e) {
    std::string m = e.what();
    std::printf("{\"compile_error\": %s}\n", q(m).c_str());
    threw = m.rfind("[cuda_kernel]", 0) == 0 && m.find("selftest_broken") != std::string::npos &&
            m.find("undefined_name") != std::string::npos &&
            m.find("selftest_broken.cu(2)") != std::string::npos;
  }
  expect(threw, "compile error message (op, kernel name, log with file(line))");

  // 6. Launch overhead of a tiny kernel. Each loop runs 1000 launches, so its total
  //    milliseconds read directly as microseconds per launch.
  CudaBuild tb;
  tb.source = kTinySource;
  tb.name_expression = "tiny";
  tb.op = "[selftest]";
  tb.kernel_name = "tiny";
  auto tiny = compile_cuda_kernel(tb);
  const CudaApi& a = *cuda_api();
  void* null_ptr = nullptr;
  void* args[] = {&null_ptr};
  for (int i = 0; i < 10; ++i) launch(*tiny, Dim3{}, Dim3{32, 1, 1}, 0, stream, args); // warm up
  stream.synchronize();
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    launch(*tiny, Dim3{}, Dim3{32, 1, 1}, 0, stream, args);
    check(a.cuStreamSynchronize(stream), "cuStreamSynchronize");
  }
  double sync_us = ms_since(t0);
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) launch(*tiny, Dim3{}, Dim3{32, 1, 1}, 0, stream, args);
  double enqueue_us = ms_since(t0);
  stream.synchronize();
  double batch_us = ms_since(t0);
  CudaEvent e0(true), e1(true);
  e0.record(stream);
  for (int i = 0; i < 1000; ++i) launch(*tiny, Dim3{}, Dim3{32, 1, 1}, 0, stream, args);
  e1.record(stream);
  e1.synchronize();
  std::printf("{\"launch_overhead_us\": {\"launch_plus_sync\": %.2f, \"enqueue_only\": %.2f, "
              "\"batched_with_one_sync\": %.2f, \"device_time_per_kernel\": %.2f}}\n",
              sync_us, enqueue_us, batch_us, CudaEvent::elapsed_ms(e0, e1));

  // 7. Dynamic shared memory above 48 KiB (opt-in path).
  size_t optin = device_info(0).max_shared_per_block_optin;
  if (optin >= 64 * 1024) {
    CudaBuild sb;
    sb.source = kSharedSource;
    sb.name_expression = "reverse_shared";
    sb.op = "[selftest]";
    sb.kernel_name = "reverse_shared";
    auto sk = compile_cuda_kernel(sb);
    const unsigned n = 1024;
    std::vector<float> in(n), out(n);
    for (unsigned i = 0; i < n; ++i) in[i] = float(i);
    void* din = device_malloc(n * 4);
    void* dout = device_malloc(n * 4);
    check(a.cuMemcpyHtoD_v2(dptr(din), in.data(), n * 4), "HtoD");
    void* sargs[] = {&din, &dout};
    launch(*sk, Dim3{}, Dim3{n, 1, 1}, 64 * 1024, stream, sargs);
    stream.synchronize();
    check(a.cuMemcpyDtoH_v2(out.data(), dptr(dout), n * 4), "DtoH");
    expect(out[0] == float(n - 1) && out[n - 1] == 0.0f, "64 KiB dynamic shared memory kernel");
    threw = false;
    try {
      launch(*sk, Dim3{}, Dim3{n, 1, 1}, unsigned(optin + 4096), stream, sargs);
    } catch (const std::runtime_error& e) {
      threw = std::string(e.what()).find("dynamic shared memory") != std::string::npos;
    }
    expect(threw, "too much shared memory is a clear error");
    device_free(din);
    device_free(dout);
  }
  print_stats("kernel_cache_stats");
}

void test_cublas() {
  if (!cublas_loaded()) {
    expect(false, "cuBLAS: " + cublas_unavailable_reason());
    return;
  }
  const CudaApi& a = *cuda_api();
  const int m = 64, n = 48, k = 32; // column-major C(m x n) = A(m x k) * B(k x n)
  std::vector<float> A(m * k), B(k * n), C(m * n, 0.0f);
  for (int i = 0; i < m * k; ++i) A[i] = float(i % 5) - 2.0f;
  for (int i = 0; i < k * n; ++i) B[i] = float(i % 3) - 1.0f;
  void* dA = device_malloc(A.size() * 4);
  void* dB = device_malloc(B.size() * 4);
  void* dC = device_malloc(C.size() * 4);
  check(a.cuMemcpyHtoD_v2(dptr(dA), A.data(), A.size() * 4), "HtoD A");
  check(a.cuMemcpyHtoD_v2(dptr(dB), B.data(), B.size() * 4), "HtoD B");
  CudaStream s;
  cublasHandle_t h = nullptr;
  check_cublas(a.cublasCreate_v2(&h), "cublasCreate");
  check_cublas(a.cublasSetStream_v2(h, s), "cublasSetStream");
  check_cublas(a.cublasSetMathMode(h, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
  float alpha = 1.0f, beta = 0.0f;
  check_cublas(a.cublasSgemm_v2(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha,
                                static_cast<float*>(dA), m, static_cast<float*>(dB), k, &beta,
                                static_cast<float*>(dC), m),
               "cublasSgemm");
  s.synchronize();
  check(a.cuMemcpyDtoH_v2(C.data(), dptr(dC), C.size() * 4), "DtoH C");
  int bad = 0;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i) {
      float ref = 0;
      for (int p = 0; p < k; ++p) ref += A[i + p * m] * B[p + j * k];
      if (C[i + j * m] != ref) ++bad; // small integers: exact in fp32
    }
  expect(bad == 0, "cublasSgemm result (" + std::to_string(bad) + " wrong)");
  std::printf("{\"cublas\": {\"C[0]\": %g, \"C[last]\": %g, \"wrong\": %d}}\n", C[0],
              C[m * n - 1], bad);
  check_cublas(a.cublasDestroy_v2(h), "cublasDestroy");
  device_free(dA);
  device_free(dB);
  device_free(dC);
}

} // namespace

int main(int argc, char** argv) {
  bool require_gpu = false;
  for (int i = 1; i < argc; ++i) require_gpu |= std::strcmp(argv[i], "--require-gpu") == 0;

  if (!is_available()) {
    std::printf("{\"available\": false, \"reason\": %s}\n", q(cuda_unavailable_reason()).c_str());
    std::printf("{\"nvrtc\": %s, \"cublas\": %s}\n",
                q(nvrtc_loaded() ? "loaded: " + nvrtc_library_path() : nvrtc_unavailable_reason()).c_str(),
                q(cublas_loaded() ? "loaded" : cublas_unavailable_reason()).c_str());
    if (require_gpu) {
      std::printf("SELFTEST FAILED: CUDA unavailable: %s\n", cuda_unavailable_reason().c_str());
      return 1;
    }
    std::printf("SELFTEST OK (skipped: CUDA unavailable: %s)\n", cuda_unavailable_reason().c_str());
    return 0;
  }
  std::printf("{\"available\": true}\n");

  // A fresh disk cache, so the first compile is real and stats are predictable.
  char tmpl[] = "/tmp/mlxts-cuda-selftest-XXXXXX";
  if (mkdtemp(tmpl)) setenv("MLX_TS_CACHE_DIR", tmpl, 1);

  section("device", test_device_info);
  section("memory", test_memory);
  section("allocator", test_allocator);
  if (nvrtc_loaded()) section("kernels", test_kernels);
  else expect(false, "NVRTC: " + nvrtc_unavailable_reason());
  section("cublas", test_cublas);

  if (g_failures.empty()) {
    std::printf("SELFTEST OK\n");
    return 0;
  }
  std::string all;
  for (const auto& f : g_failures) all += (all.empty() ? "" : "; ") + f;
  std::printf("SELFTEST FAILED: %s\n", all.c_str());
  return 1;
}

#endif
