#include "jit_kernels.h"

#include "mlx/backend/gpu/eval.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace mlx::core::cuda::ops {

namespace {

std::mutex& cache_mu() {
  static std::mutex mu;
  return mu;
}

// Kernels live for the process (their modules are never unloaded).
std::unordered_map<uint64_t, std::shared_ptr<const CudaKernelBinary>>& cache() {
  static auto* m = new std::unordered_map<uint64_t, std::shared_ptr<const CudaKernelBinary>>();
  return *m;
}

int64_t product(const Shape& s) {
  int64_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

} // namespace

const CudaKernelBinary* find_kernel(uint64_t key) {
  std::lock_guard<std::mutex> lock(cache_mu());
  auto it = cache().find(key);
  return it == cache().end() ? nullptr : it->second.get();
}

const CudaKernelBinary& add_kernel(uint64_t key, const KernelSource& src) {
  CudaBuild b;
  b.source = src.source;
  b.name_expression = src.name;
  b.op = "[gpu]";
  b.kernel_name = src.name;
  auto bin = compile_cuda_kernel(b);
  std::lock_guard<std::mutex> lock(cache_mu());
  auto it = cache().emplace(key, std::move(bin)).first;
  return *it->second;
}

int sm_count() {
  constexpr int kDevices = 16;
  static std::atomic<int> counts[kDevices];
  int d = current_device();
  if (d < 0 || d >= kDevices) return device_info(d).sm_count;
  int c = counts[d].load(std::memory_order_relaxed);
  if (c == 0) {
    c = std::max(1, device_info(d).sm_count);
    counts[d].store(c, std::memory_order_relaxed);
  }
  return c;
}

void launch_grid(const CudaKernelBinary& k, unsigned blocks, unsigned block, void** args) {
  if (blocks == 0) return;
  Dim3 g, b;
  g.x = blocks;
  b.x = block;
  launch(k, g, b, 0, current_stream(), args);
}

void launch_1d(const CudaKernelBinary& k, int64_t work, void** args, unsigned block) {
  if (work <= 0) return;
  // Grid-stride loops: enough blocks for a few waves, never more than the work.
  int64_t per_sm = std::max<int64_t>(1, 2048 / block);
  int64_t cap = static_cast<int64_t>(sm_count()) * per_sm * 4;
  int64_t blocks = std::min<int64_t>((work + block - 1) / block, cap);
  launch_grid(k, static_cast<unsigned>(std::max<int64_t>(blocks, 1)), block, args);
}

Collapsed collapse(const std::vector<int64_t>& shape,
                   const std::vector<std::vector<int64_t>>& strides) {
  Collapsed c;
  c.strides.resize(strides.size());
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1) continue; // size-1 dims never move an offset
    bool merge = !c.shape.empty();
    for (size_t k = 0; merge && k < strides.size(); ++k) {
      merge = c.strides[k].back() == strides[k][i] * shape[i];
    }
    if (merge) {
      c.shape.back() *= shape[i];
      for (size_t k = 0; k < strides.size(); ++k) c.strides[k].back() = strides[k][i];
    } else {
      c.shape.push_back(shape[i]);
      for (size_t k = 0; k < strides.size(); ++k) c.strides[k].push_back(strides[k][i]);
    }
  }
  return c;
}

bool to_dims(const std::vector<int64_t>& v, DimsArg& out) {
  if (v.size() > static_cast<size_t>(kMaxDims)) return false;
  for (int i = 0; i < kMaxDims; ++i) out.v[i] = i < static_cast<int>(v.size()) ? v[i] : 0;
  return true;
}

bool elementwise_layout(const Shape& out_shape, const std::vector<const array*>& ins, Layout& L) {
  const size_t nin = ins.size();
  L = Layout{};
  L.n = product(out_shape);
  // Dense: every input is one broadcast value or row-contiguous with the output's shape.
  bool dense = true;
  for (size_t k = 0; k < nin && dense; ++k) {
    const array& a = *ins[k];
    if (a.data_size() == 1) {
      L.strides[k][0] = 0;
    } else if (a.flags().row_contiguous && a.shape() == out_shape) {
      L.strides[k][0] = 1;
    } else {
      dense = false;
    }
  }
  if (dense) {
    L.ndim = 1;
    L.shape.v[0] = L.n;
    return true;
  }
  const int nd = static_cast<int>(out_shape.size());
  std::vector<int64_t> shape(out_shape.begin(), out_shape.end());
  std::vector<std::vector<int64_t>> st(nin, std::vector<int64_t>(nd, 0));
  for (size_t k = 0; k < nin; ++k) {
    const array& a = *ins[k];
    int off = nd - static_cast<int>(a.ndim());
    for (int d = 0; d < static_cast<int>(a.ndim()); ++d) {
      st[k][off + d] = a.shape(d) == 1 ? 0 : a.strides()[d];
    }
  }
  Collapsed c = collapse(shape, st);
  if (c.shape.size() > static_cast<size_t>(kMaxDims)) return false;
  if (c.shape.empty()) { // a single element
    L.ndim = 1;
    L.shape.v[0] = 1;
    for (size_t k = 0; k < nin; ++k) L.strides[k][0] = 0;
    return true;
  }
  L.ndim = static_cast<int>(c.shape.size());
  to_dims(c.shape, L.shape);
  for (size_t k = 0; k < nin; ++k) {
    for (int d = 0; d < L.ndim; ++d) L.strides[k][d] = c.strides[k][d];
  }
  return true;
}

void eval_on_cpu(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  static const bool log = [] {
    const char* e = std::getenv("MLX_TS_GPU_LOG_FALLBACK");
    return e && *e && std::string(e) != "0";
  }();
  if (log) {
    std::string msg = std::string("[gpu] ") + p.name() + " runs on the CPU (inputs:";
    for (const auto& in : inputs) msg += " " + dtype_to_string(in.dtype());
    std::fprintf(stderr, "%s)\n", msg.c_str());
  }
  for (const auto& in : inputs) in.ensure_host();
  p.eval_cpu(inputs, outputs);
  // The host bytes are the valid ones (an output may share, or have been
  // written into, an input's buffer); the evaluator expects device outputs.
  for (auto& o : outputs) {
    o.mark_host_written();
    o.ensure_device();
  }
}

// Nothing to wait for: Temporaries live inside GPU tasks, where freed device
// memory is held back until the task's work is done (backend.cpp's release).
Temporaries::~Temporaries() = default;

array Temporaries::make(const Shape& shape, Dtype dtype) {
  array a(shape, dtype, nullptr, {});
  a.detach();
  a.set_device_data(a.nbytes());
  a.set_status(array::Status::available);
  arrays_.push_back(a);
  return a;
}

array Temporaries::contiguous(const array& a) {
  if (a.flags().row_contiguous) return a;
  array t = make(a.shape(), a.dtype());
  std::vector<int64_t> st(a.strides().begin(), a.strides().end());
  if (t.size() > 0 &&
      !copy_strided(a.device_data(), a.dtype(), a.shape(), st, t.device_data(), a.dtype())) {
    throw std::runtime_error("[gpu] Cannot make a contiguous copy of an array with this layout.");
  }
  return t;
}

template <int N>
static void run_elementwise_n(const CudaKernelBinary& k, array& out,
                              const std::vector<const array*>& ins, const Layout& L,
                              const ParamsArg& prm) {
  void* o = out.device_data();
  void* in[3] = {nullptr, nullptr, nullptr};
  for (int i = 0; i < N; ++i) in[i] = ins[i]->device_data();
  long long n = L.n;
  int ndim = L.ndim;
  DimsArg shape = L.shape;
  StridesArg<N> st;
  for (int i = 0; i < N; ++i) {
    for (int d = 0; d < kMaxDims; ++d) st.v[i][d] = L.strides[i][d];
  }
  ParamsArg p = prm;
  // One 16-byte pack per thread where the dense path applies (it reaches copy
  // speed; a capped grid-stride loop of packs measured ~6% slower on an H100).
  size_t widest = out.itemsize();
  for (int i = 0; i < N; ++i) widest = std::max(widest, ins[i]->itemsize());
  const int64_t per_thread = std::max<int64_t>(1, 16 / static_cast<int64_t>(widest));
  const int64_t threads = (L.n + per_thread - 1) / per_thread;
  const int64_t blocks = std::min<int64_t>((threads + 255) / 256, int64_t{1} << 30);
  void* args[3 + 5 + 1];
  int a = 0;
  args[a++] = &o;
  for (int i = 0; i < N; ++i) args[a++] = &in[i];
  args[a++] = &n;
  args[a++] = &ndim;
  args[a++] = &shape;
  args[a++] = &st;
  args[a++] = &p;
  launch_grid(k, static_cast<unsigned>(blocks), 256, args);
}

void run_elementwise(const CudaKernelBinary& k, array& out, const std::vector<const array*>& ins,
                     const Layout& L, const ParamsArg& prm) {
  switch (ins.size()) {
    case 1: run_elementwise_n<1>(k, out, ins, L, prm); break;
    case 2: run_elementwise_n<2>(k, out, ins, L, prm); break;
    default: run_elementwise_n<3>(k, out, ins, L, prm); break;
  }
}

bool copy_strided(const void* src, Dtype src_dtype, const Shape& shape,
                  const std::vector<int64_t>& src_strides, void* dst, Dtype dst_dtype) {
  const bool same = src_dtype == dst_dtype;
  if (!same && (src_dtype == complex64 || dst_dtype == complex64)) return false;
  int64_t n = product(shape);
  if (n == 0) return true;
  std::vector<int64_t> sh(shape.begin(), shape.end());
  Collapsed c = collapse(sh, {src_strides});
  if (c.shape.size() > static_cast<size_t>(kMaxDims)) return false;
  Layout L;
  L.n = n;
  if (c.shape.empty()) {
    L.ndim = 1;
    L.shape.v[0] = 1;
    L.strides[0][0] = 0;
  } else {
    L.ndim = static_cast<int>(c.shape.size());
    to_dims(c.shape, L.shape);
    for (int d = 0; d < L.ndim; ++d) L.strides[0][d] = c.strides[0][d];
  }
  const CudaKernelBinary* k;
  if (same) {
    size_t w = size_of(src_dtype);
    k = &get_kernel(kernel_key(Family::Copy, 0, -1, -1, -1, static_cast<unsigned>(w)), [&] {
      const char* e = kernel_uint_type(w);
      std::string name = "mlxg_copy_w" + std::to_string(w);
      std::string op = std::string("mlxg::CastU<") + e + ", " + e + ">";
      return KernelSource{name, elementwise_source(name, op, e, {e})};
    });
  } else {
    k = &get_kernel(kernel_key(Family::Copy, 1, dt(src_dtype), dt(dst_dtype)), [&] {
      const char* ti = kernel_type(src_dtype);
      const char* to = kernel_type(dst_dtype);
      std::string name =
          std::string("mlxg_cast_") + dtype_tag(src_dtype) + "_" + dtype_tag(dst_dtype);
      std::string op = std::string("mlxg::CastU<") + to + ", " + ti + ">";
      return KernelSource{name, elementwise_source(name, op, to, {ti})};
    });
  }
  void* o = dst;
  const void* i = src;
  long long nn = L.n;
  int ndim = L.ndim;
  DimsArg shp = L.shape;
  StridesArg<1> st;
  for (int d = 0; d < kMaxDims; ++d) st.v[0][d] = L.strides[0][d];
  ParamsArg p;
  void* args[] = {&o, &i, &nn, &ndim, &shp, &st, &p};
  launch_1d(*k, n, args);
  return true;
}

} // namespace mlx::core::cuda::ops
