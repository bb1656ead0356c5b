// GPU Matmul and AddMM through cuBLAS (cublasGemmStridedBatchedEx) for
// float32, float16, bfloat16 (float32 accumulation) and float64, with
// numpy's batch broadcasting. Row-major products go to column-major cuBLAS as
// C^T = B^T A^T; an operand stored transposed uses cuBLAS's transpose flag,
// other layouts are compacted on the device first. One cuBLAS handle per GPU
// worker thread, bound to that worker's stream. complex64, or no cuBLAS on
// the machine, runs on the CPU.
#include <climits>

#include "jit_kernels.h"
#include "mlx/backend/gpu/eval.h"
#include "mlx/primitives/linalg.h"

namespace mlx::core::cuda::ops {

namespace {

cublasHandle_t handle() {
  // Never destroyed: a thread's handle may outlive the driver at process exit.
  thread_local cublasHandle_t h = nullptr;
  thread_local CUstream bound = nullptr;
  const CudaApi* api = cuda_api();
  if (!h) check_cublas(api->cublasCreate_v2(&h), "cublasCreate");
  CUstream s = current_stream();
  if (s != bound) {
    check_cublas(api->cublasSetStream_v2(h, s), "cublasSetStream");
    bound = s;
  }
  return h;
}

struct Operand {
  bool ok;
  bool trans; // stored column-major
  int64_t ld;
};

// As the CPU's: row-major (unit column stride) or column-major (unit row stride).
Operand gemm_operand(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  if ((cols <= 1 || cs == 1) && (rows <= 1 || rs >= std::max<int64_t>(cols, 1))) {
    int64_t ld = rows <= 1 ? std::max<int64_t>(cols, 1) : rs;
    if (ld <= INT_MAX) return {true, false, ld};
  }
  if ((rows <= 1 || rs == 1) && (cols <= 1 || cs >= std::max<int64_t>(rows, 1))) {
    int64_t ld = cols <= 1 ? std::max<int64_t>(rows, 1) : cs;
    if (ld <= INT_MAX) return {true, true, ld};
  }
  return {false, false, 0};
}

struct MatInput {
  std::vector<int64_t> batch_strides;
  int64_t rows, cols, rs, cs;
};

MatInput describe(const array& x, bool first, const Shape& batch) {
  MatInput m;
  const auto& sh = x.shape();
  const auto& st = x.strides();
  int nd = static_cast<int>(x.ndim());
  if (nd == 1) {
    if (first) {
      m.rows = 1, m.cols = sh[0], m.rs = 0, m.cs = st[0];
    } else {
      m.rows = sh[0], m.cols = 1, m.rs = st[0], m.cs = 0;
    }
  } else {
    m.rows = sh[nd - 2], m.cols = sh[nd - 1], m.rs = st[nd - 2], m.cs = st[nd - 1];
  }
  m.batch_strides.assign(batch.size(), 0);
  int xb = std::max(nd - 2, 0);
  int off = static_cast<int>(batch.size()) - xb;
  for (int i = 0; i < xb; ++i) m.batch_strides[off + i] = sh[i] == 1 ? 0 : st[i];
  return m;
}

bool types_for(Dtype t, cudaDataType_t& dtype, cublasComputeType_t& compute) {
  switch (t.val()) {
    case Dtype::Val::float32: dtype = CUDA_R_32F; compute = CUBLAS_COMPUTE_32F; return true;
    case Dtype::Val::float16: dtype = CUDA_R_16F; compute = CUBLAS_COMPUTE_32F; return true;
    case Dtype::Val::bfloat16: dtype = CUDA_R_16BF; compute = CUBLAS_COMPUTE_32F; return true;
    case Dtype::Val::float64: dtype = CUDA_R_64F; compute = CUBLAS_COMPUTE_64F; return true;
    default: return false;
  }
}

/** out = alpha * a @ b + beta * out (out allocated; holding c when beta != 0). */
bool gemm(const array& a_in, const array& b_in, float alpha, float beta, array& out) {
  const Dtype t = out.dtype();
  cudaDataType_t dtype;
  cublasComputeType_t compute;
  if (!types_for(t, dtype, compute) || a_in.dtype() != t || b_in.dtype() != t) return false;
  const Shape& os = out.shape();
  int kept = (a_in.ndim() > 1) + (b_in.ndim() > 1);
  if (static_cast<int>(os.size()) < kept) return false;
  Shape batch(os.begin(), os.end() - kept);

  Temporaries temps;
  array a = a_in, b = b_in;
  MatInput ma = describe(a, true, batch);
  MatInput mb = describe(b, false, batch);
  const int64_t M = ma.rows, K = ma.cols, N = mb.cols;
  if (M > INT_MAX || N > INT_MAX || K > INT_MAX) return false;
  Operand oa = gemm_operand(M, K, ma.rs, ma.cs);
  if (!oa.ok) {
    a = temps.contiguous(a);
    ma = describe(a, true, batch);
    oa = gemm_operand(M, K, ma.rs, ma.cs);
  }
  Operand ob = gemm_operand(K, N, mb.rs, mb.cs);
  if (!ob.ok) {
    b = temps.contiguous(b);
    mb = describe(b, false, batch);
    ob = gemm_operand(K, N, mb.rs, mb.cs);
  }
  if (!oa.ok || !ob.ok) return false;

  // Batch: the innermost merged batch dimension is cuBLAS's batch; outer ones loop.
  std::vector<int64_t> bshape(batch.begin(), batch.end());
  std::vector<int64_t> cst(batch.size());
  int64_t acc = M * N;
  for (int i = static_cast<int>(batch.size()) - 1; i >= 0; --i) {
    cst[i] = acc;
    acc *= batch[i];
  }
  Collapsed c = collapse(bshape, {ma.batch_strides, mb.batch_strides, cst});
  int64_t inner = 1, sa = 0, sb = 0, sc = M * N;
  std::vector<int64_t> outer_shape;
  std::vector<std::vector<int64_t>> outer_st(3);
  if (!c.shape.empty()) {
    inner = c.shape.back();
    sa = c.strides[0].back();
    sb = c.strides[1].back();
    sc = c.strides[2].back();
    outer_shape.assign(c.shape.begin(), c.shape.end() - 1);
    for (int k = 0; k < 3; ++k) outer_st[k].assign(c.strides[k].begin(), c.strides[k].end() - 1);
  }
  if (inner > INT_MAX) return false;
  int64_t outer = 1;
  for (auto d : outer_shape) outer *= d;

  const size_t es = size_of(t);
  const char* pa = static_cast<const char*>(a.device_data());
  const char* pb = static_cast<const char*>(b.device_data());
  char* pc = static_cast<char*>(out.device_data());
  double alpha_d = alpha, beta_d = beta;
  const void* al = t == float64 ? static_cast<const void*>(&alpha_d) : static_cast<const void*>(&alpha);
  const void* be = t == float64 ? static_cast<const void*>(&beta_d) : static_cast<const void*>(&beta);
  const CudaApi* api = cuda_api();
  cublasHandle_t h = handle();
  for (int64_t o = 0; o < outer; ++o) {
    int64_t offs[3] = {0, 0, 0};
    int64_t rem = o;
    for (int d = static_cast<int>(outer_shape.size()) - 1; d >= 0; --d) {
      int64_t i = rem % outer_shape[d];
      rem /= outer_shape[d];
      for (int k = 0; k < 3; ++k) offs[k] += i * outer_st[k][d];
    }
    // Column-major: C^T (N x M) = op(B)^T (N x K) * op(A)^T (K x M).
    check_cublas(api->cublasGemmStridedBatchedEx(
                     h, ob.trans ? CUBLAS_OP_T : CUBLAS_OP_N, oa.trans ? CUBLAS_OP_T : CUBLAS_OP_N,
                     static_cast<int>(N), static_cast<int>(M), static_cast<int>(K), al,
                     pb + offs[1] * es, dtype, static_cast<int>(ob.ld), sb, pa + offs[0] * es, dtype,
                     static_cast<int>(oa.ld), sa, be, pc + offs[2] * es, dtype, static_cast<int>(N), sc,
                     static_cast<int>(inner), compute, CUBLAS_GEMM_DEFAULT),
                 "cublasGemmStridedBatchedEx");
  }
  return true;
}

bool usable(const array& a, const array& b, const array& out) {
  cudaDataType_t dtype;
  cublasComputeType_t compute;
  return types_for(out.dtype(), dtype, compute) && a.dtype() == out.dtype() &&
         b.dtype() == out.dtype() && cublas_loaded();
}

int64_t inner_dim(const array& a) { return a.ndim() == 0 ? 1 : a.shape(-1); }

void eval_matmul(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  const array& a = inputs[0];
  const array& b = inputs[1];
  array& out = outputs[0];
  if (!usable(a, b, out)) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  out.set_device_data(out.nbytes());
  if (out.size() == 0) return;
  if (inner_dim(a) == 0) {
    check(cuda_api()->cuMemsetD8Async(reinterpret_cast<CUdeviceptr>(out.device_data()), 0,
                                      out.nbytes(), current_stream()),
          "cuMemsetD8Async");
    return;
  }
  if (!gemm(a, b, 1.0f, 0.0f, out)) eval_on_cpu(p, inputs, outputs);
}

void eval_addmm(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  auto& mm = static_cast<AddMM&>(p);
  const array& a = inputs[0];
  const array& b = inputs[1];
  const array& c = inputs[2];
  array& out = outputs[0];
  if (!usable(a, b, out) || c.dtype() != out.dtype() || c.ndim() > out.ndim() ||
      inner_dim(a) == 0) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  out.set_device_data(out.nbytes());
  if (out.size() == 0) return;
  float beta = mm.beta();
  if (beta != 0.0f) {
    const int nd = static_cast<int>(out.ndim());
    std::vector<int64_t> st(nd, 0);
    int off = nd - static_cast<int>(c.ndim());
    for (int d = 0; d < static_cast<int>(c.ndim()); ++d) st[off + d] = c.shape(d) == 1 ? 0 : c.strides()[d];
    if (!copy_strided(c.device_data(), c.dtype(), out.shape(), st, out.device_data(), out.dtype())) {
      eval_on_cpu(p, inputs, outputs);
      return;
    }
  }
  if (!gemm(a, b, mm.alpha(), beta, out)) eval_on_cpu(p, inputs, outputs);
}

const bool registered = [] {
  gpu::register_eval("Matmul", eval_matmul);
  gpu::register_eval("AddMM", eval_addmm);
  return true;
}();

} // namespace

} // namespace mlx::core::cuda::ops
