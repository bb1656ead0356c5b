// Bindings of the CUDA backend: availability, device properties, device
// memory and the NVRTC kernel cache (mx.cuda in the SDK).
#include <algorithm>
#include <chrono>
#include <functional>

#include "binding.h"
#include "mlx/backend/gpu/eval.h"
#include "../backend/cuda/backend.h"
#include "../backend/cuda/device.h"
#include "../backend/cuda/device_allocator.h"
#include "../backend/cuda/nvrtc_compiler.h"

namespace mlx_ts {

namespace {

namespace cu = mx::cuda;

void init_cuda(Napi::Env env, Napi::Object exports) {
  def(env, exports, "cudaIsAvailable", [](const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), mx::gpu::is_available());
  });

  def(env, exports, "cudaUnavailableReason", [](const Napi::CallbackInfo& info) {
    return Napi::String::New(info.Env(), mx::gpu::unavailable_reason());
  });

  // cudaDeviceInfo(index) -> {name, totalMemory, computeCapability: [major, minor], ...}
  def(env, exports, "cudaDeviceInfo", [](const Napi::CallbackInfo& info) {
    int index = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
    if (!mx::gpu::is_available()) {
      throw std::runtime_error("[cuda.deviceInfo] No GPU is available (" +
                               mx::gpu::unavailable_reason() + ").");
    }
    const auto& d = cu::device_info(index);
    auto o = Napi::Object::New(info.Env());
    o.Set("name", d.name);
    o.Set("totalMemory", static_cast<double>(d.total_memory));
    auto cc = Napi::Array::New(info.Env(), 2);
    cc.Set(0u, d.compute_major);
    cc.Set(1u, d.compute_minor);
    o.Set("computeCapability", cc);
    o.Set("multiprocessors", d.sm_count);
    o.Set("maxThreadsPerBlock", d.max_threads_per_block);
    o.Set("maxSharedMemoryPerBlock", static_cast<double>(d.max_shared_per_block_optin));
    o.Set("warpSize", d.warp_size);
    return o;
  });

  def(env, exports, "cudaMemoryStats", [](const Napi::CallbackInfo& info) {
    auto o = Napi::Object::New(info.Env());
    o.Set("active", static_cast<double>(cu::device_active_memory()));
    o.Set("peak", static_cast<double>(cu::device_peak_memory()));
    o.Set("cache", static_cast<double>(cu::device_cache_memory()));
    return o;
  });

  def(env, exports, "cudaClearCache", [](const Napi::CallbackInfo& info) {
    cu::device_clear_cache();
    return info.Env().Undefined();
  });

  // cudaCopyBandwidth(bytes, repeats) -> GB/s (read + write) of cuMemcpyDtoD, timed with events:
  // the reference "device copy" of the GPU benchmarks.
  def(env, exports, "cudaCopyBandwidth", [](const Napi::CallbackInfo& info) {
    if (!mx::gpu::is_available()) throw std::runtime_error("[cuda.copyBandwidth] No GPU is available.");
    size_t bytes = static_cast<size_t>(info[0].As<Napi::Number>().DoubleValue());
    int repeats = info[1].As<Napi::Number>().Int32Value();
    cu::make_current(0);
    const auto* api = cu::cuda_api();
    void* a = cu::device_malloc(bytes);
    void* b = cu::device_malloc(bytes);
    cu::CudaStream stream(true);
    cu::CudaEvent start(true), end(true);
    auto copy = [&] {
      cu::check(api->cuMemcpyDtoDAsync_v2(reinterpret_cast<cu::CUdeviceptr>(b),
                                          reinterpret_cast<cu::CUdeviceptr>(a), bytes, stream.get()),
                "cuMemcpyDtoDAsync");
    };
    copy();
    start.record(stream.get());
    for (int i = 0; i < repeats; ++i) copy();
    end.record(stream.get());
    end.synchronize();
    float ms = cu::CudaEvent::elapsed_ms(start, end);
    cu::device_free(a);
    cu::device_free(b);
    return Napi::Number::New(info.Env(), 2.0 * bytes * repeats / (ms * 1e6));
  });

  // cudaLaunchFloor(iterations) -> {launchUs, launchSyncUs, ...}: medians of a
  // bare cuLaunchKernel of a one-thread kernel, and of that launch plus each way
  // of waiting for it: the stream sync eval uses (launchSyncUs), and the
  // alternatives it could use. The driver's own floor under a tiny kernel's
  // call + eval (bench/gpu.ts reports it next to ours).
  def(env, exports, "cudaLaunchFloor", [](const Napi::CallbackInfo& info) -> Napi::Value {
    if (!mx::gpu::is_available()) throw std::runtime_error("[cuda.launchFloor] No GPU is available.");
    int n = std::max(1, info[0].As<Napi::Number>().Int32Value());
    cu::make_current(0);
    const auto* api = cu::cuda_api();
    cu::CudaBuild b;
    b.source = "extern \"C\" __global__ void mlxts_floor(float* p) { p[threadIdx.x] += 1.0f; }";
    b.name_expression = "mlxts_floor";
    b.op = "[cuda.launchFloor]";
    b.kernel_name = "mlxts_floor";
    auto bin = cu::compile_cuda_kernel(b);
    void* buf = cu::device_malloc(256);
    auto ptr = reinterpret_cast<cu::CUdeviceptr>(buf);
    void* args[] = {&ptr};
    cu::CUstream s = cu::current_stream();
    cu::CudaEvent event(false);
    using clock = std::chrono::steady_clock;
    auto us = [](clock::time_point a, clock::time_point b) {
      return std::chrono::duration<double, std::micro>(b - a).count();
    };
    auto median = [](std::vector<double> v) {
      std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
      return v[v.size() / 2];
    };
    auto launch = [&] { cu::launch(*bin, cu::Dim3{1, 1, 1}, cu::Dim3{1, 1, 1}, 0, s, args); };
    // Times `body` (launch + a wait) n times after 20 warm-up rounds.
    auto time_it = [&](const std::function<void()>& body) {
      std::vector<double> t;
      for (int i = 0; i < n + 20; ++i) {
        auto t0 = clock::now();
        body();
        auto t1 = clock::now();
        if (i >= 20) t.push_back(us(t0, t1));
      }
      return median(t);
    };
    auto out = Napi::Object::New(info.Env());
    std::vector<double> bare;
    for (int i = 0; i < n + 20; ++i) {
      auto t0 = clock::now();
      launch();
      auto t1 = clock::now();
      cu::synchronize_stream(s);
      if (i >= 20) bare.push_back(us(t0, t1));
    }
    out.Set("launchUs", median(bare));
    out.Set("launchSyncUs", time_it([&] { launch(); cu::synchronize_stream(s); }));
    out.Set("launchStreamSynchronizeUs", time_it([&] { launch(); cu::check(api->cuStreamSynchronize(s), "cuStreamSynchronize"); }));
    out.Set("launchEventSynchronizeUs", time_it([&] {
      launch();
      event.record(s);
      event.synchronize();
    }));
    out.Set("idleStreamQueryUs", time_it([&] { api->cuStreamQuery(s); }));
    if (api->cuStreamWriteValue32 && api->cuMemHostGetDevicePointer) {
      // The GPU writes a counter into pinned host memory after the kernel; the
      // host spins on it (no driver call while waiting).
      void* host = nullptr;
      cu::check(api->cuMemHostAlloc(&host, 64, cu::CU_MEMHOSTALLOC_PORTABLE | cu::CU_MEMHOSTALLOC_DEVICEMAP),
                "cuMemHostAlloc");
      auto* flag = static_cast<volatile uint32_t*>(host);
      *flag = 0;
      cu::CUdeviceptr dflag = 0;
      cu::check(api->cuMemHostGetDevicePointer(&dflag, host, 0), "cuMemHostGetDevicePointer");
      uint32_t seq = 0;
      bool ok = true;
      out.Set("launchHostFlagUs", time_it([&] {
        launch();
        ++seq;
        if (api->cuStreamWriteValue32(s, dflag, seq, 0) != 0) ok = false;
        auto t0 = clock::now();
        while (ok && *flag != seq) {
          if (clock::now() - t0 > std::chrono::milliseconds(100)) ok = false;
        }
      }));
      out.Set("hostFlagWorks", ok);
      cu::synchronize_stream(s);
      api->cuMemFreeHost(host);
    }
    cu::device_free(buf);
    return out;
  });

  // cudaSyncMode(mode?) -> the mode before: 'auto', 'hostFlag' or 'query' (see cu::SyncMode).
  def(env, exports, "cudaSyncMode", [](const Napi::CallbackInfo& info) -> Napi::Value {
    static const char* names[] = {"auto", "hostFlag", "query"};
    const char* before = names[static_cast<int>(cu::sync_mode())];
    if (info.Length() > 0 && info[0].IsString()) {
      std::string m = info[0].As<Napi::String>().Utf8Value();
      int k = m == "auto" ? 0 : m == "hostFlag" ? 1 : m == "query" ? 2 : -1;
      if (k < 0) {
        throw std::invalid_argument("[cuda.setSyncMode] Expected 'auto', 'hostFlag' or 'query', got '" + m + "'.");
      }
      cu::set_sync_mode(static_cast<cu::SyncMode>(k));
    }
    return Napi::String::New(info.Env(), before);
  });

  // cudaKernelTiming(on): starts/stops timing launches; stopping returns
  // [{kernel, grid, block, ms}] for the launches since the start.
  def(env, exports, "cudaKernelTiming", [](const Napi::CallbackInfo& info) -> Napi::Value {
    if (!mx::gpu::is_available()) throw std::runtime_error("[cuda.kernelTiming] No GPU is available.");
    bool on = info.Length() > 0 && info[0].ToBoolean().Value();
    if (on) {
      cu::take_kernel_timings(); // drop launches of an earlier session
      cu::set_kernel_timing(true);
      return info.Env().Undefined();
    }
    cu::set_kernel_timing(false);
    auto timings = cu::take_kernel_timings();
    auto arr = Napi::Array::New(info.Env(), timings.size());
    for (uint32_t i = 0; i < timings.size(); ++i) {
      const auto& t = timings[i];
      auto o = Napi::Object::New(info.Env());
      o.Set("kernel", t.kernel);
      auto g = Napi::Array::New(info.Env(), 3), b = Napi::Array::New(info.Env(), 3);
      for (uint32_t d = 0; d < 3; ++d) {
        g.Set(d, t.grid[d]);
        b.Set(d, t.block[d]);
      }
      o.Set("grid", g);
      o.Set("block", b);
      o.Set("ms", t.ms);
      arr.Set(i, o);
    }
    return arr;
  });

  def(env, exports, "gpuOps", [](const Napi::CallbackInfo& info) {
    auto names = mx::gpu::registered_evals();
    auto a = Napi::Array::New(info.Env(), names.size());
    for (uint32_t i = 0; i < names.size(); ++i) a.Set(i, names[i]);
    return a;
  });

  def(env, exports, "cudaKernelCacheStats", [](const Napi::CallbackInfo& info) {
    auto s = cu::cuda_kernel_cache_stats();
    auto o = Napi::Object::New(info.Env());
    o.Set("compiles", static_cast<double>(s.compiles));
    o.Set("failures", static_cast<double>(s.failures));
    o.Set("diskHits", static_cast<double>(s.disk_hits));
    o.Set("memoryHits", static_cast<double>(s.memory_hits));
    o.Set("corruptEntries", static_cast<double>(s.corrupt_entries));
    o.Set("lastCompileMs", s.last_compile_ms);
    o.Set("cacheDir", cu::cuda_kernel_cache_dir());
    return o;
  });
}

} // namespace

MLX_TS_REGISTER(cuda, init_cuda);

} // namespace mlx_ts
