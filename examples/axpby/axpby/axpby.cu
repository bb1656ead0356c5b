// The axpby kernels for NVIDIA GPUs: the guide's Metal kernels (axpby.metal)
// in CUDA. One thread per output element (grid-stride), for float32, float16,
// bfloat16 and complex64:
//   axpby_general_<type>     any strides (broadcast, transposed, sliced inputs)
//   axpby_contiguous_<type>  both inputs row-contiguous: plain indexing
// Built by nvcc into a fatbin embedded in the extension (mlxts_add_cuda_kernels),
// or compiled at run time by NVRTC from this same text. It includes no headers,
// so NVRTC needs no CUDA toolkit headers on the machine.
//
// Arithmetic follows the CPU kernel (axpby.cpp): in the element type, every
// operation rounded to it (T(alpha) * x, T(beta) * y, then their sum), so the
// GPU and CPU results are the same bits. Products and sums use the _rn
// intrinsics so the compiler does not fuse them into an fma.

#define AXPBY_MAX_DIMS 10

// ---- element types: 16-bit storage, float arithmetic rounded back ----------

struct half_t {
  unsigned short bits;
};
struct bfloat_t {
  unsigned short bits;
};
struct complex64_t {
  float real;
  float imag;
};

__device__ inline float to_float(half_t h) {
  float f;
  asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h.bits));
  return f;
}
__device__ inline float to_float(bfloat_t b) {
  return __uint_as_float(static_cast<unsigned>(b.bits) << 16);
}

template <typename T>
__device__ inline T from_float(float f);
template <>
__device__ inline float from_float<float>(float f) {
  return f;
}
template <>
__device__ inline half_t from_float<half_t>(float f) {
  half_t h;
  asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h.bits) : "f"(f));
  return h;
}
template <>
__device__ inline bfloat_t from_float<bfloat_t>(float f) {
  // Round to nearest even; NaN stays a (quiet) NaN — the CPU's conversion.
  unsigned u = __float_as_uint(f);
  bfloat_t b;
  if ((u & 0x7fffffffu) > 0x7f800000u) {
    b.bits = static_cast<unsigned short>((u >> 16) | 0x40u);
  } else {
    u += 0x7fffu + ((u >> 16) & 1u);
    b.bits = static_cast<unsigned short>(u >> 16);
  }
  return b;
}

// T(alpha) * x + T(beta) * y, each operation rounded to T.
template <typename T>
__device__ inline T axpby_op(T x, T y, float alpha, float beta) {
  float a = to_float(from_float<T>(alpha));
  float b = to_float(from_float<T>(beta));
  float ax = to_float(from_float<T>(__fmul_rn(a, to_float(x))));
  float by = to_float(from_float<T>(__fmul_rn(b, to_float(y))));
  return from_float<T>(__fadd_rn(ax, by));
}
template <>
__device__ inline float axpby_op<float>(float x, float y, float alpha, float beta) {
  return __fadd_rn(__fmul_rn(alpha, x), __fmul_rn(beta, y));
}
// complex64: (alpha + 0i) * x + (beta + 0i) * y, as std::complex<float> computes it.
template <>
__device__ inline complex64_t axpby_op<complex64_t>(complex64_t x, complex64_t y, float alpha,
                                                    float beta) {
  complex64_t out;
  float axr = __fadd_rn(__fmul_rn(alpha, x.real), -__fmul_rn(0.0f, x.imag));
  float axi = __fadd_rn(__fmul_rn(alpha, x.imag), __fmul_rn(0.0f, x.real));
  float byr = __fadd_rn(__fmul_rn(beta, y.real), -__fmul_rn(0.0f, y.imag));
  float byi = __fadd_rn(__fmul_rn(beta, y.imag), __fmul_rn(0.0f, y.real));
  out.real = __fadd_rn(axr, byr);
  out.imag = __fadd_rn(axi, byi);
  return out;
}

// ---- kernels ----------------------------------------------------------------

// Shape and strides (in elements) of the output's dimensions, by value.
struct AxpbyDims {
  int ndim;
  long long shape[AXPBY_MAX_DIMS];
  long long x_strides[AXPBY_MAX_DIMS];
  long long y_strides[AXPBY_MAX_DIMS];
};

template <typename T>
__device__ inline void axpby_general(const T* x, const T* y, T* out, float alpha, float beta,
                                     const AxpbyDims& d, long long size) {
  long long step = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long index = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
       index < size; index += step) {
    // Convert the linear index to offsets in x and y (elem_to_loc).
    long long x_offset = 0, y_offset = 0, rest = index;
    for (int i = d.ndim - 1; i >= 0; --i) {
      long long pos = rest % d.shape[i];
      rest /= d.shape[i];
      x_offset += pos * d.x_strides[i];
      y_offset += pos * d.y_strides[i];
    }
    out[index] = axpby_op<T>(x[x_offset], y[y_offset], alpha, beta);
  }
}

template <typename T>
__device__ inline void axpby_contiguous(const T* x, const T* y, T* out, float alpha, float beta,
                                        long long size) {
  long long step = static_cast<long long>(gridDim.x) * blockDim.x;
  for (long long index = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
       index < size; index += step) {
    out[index] = axpby_op<T>(x[index], y[index], alpha, beta);
  }
}

// extern "C" entry points: plain names to load from the fatbin or NVRTC.
#define AXPBY_INSTANTIATE(type_name, T)                                                     \
  extern "C" __global__ void axpby_general_##type_name(const T* x, const T* y, T* out,      \
                                                       float alpha, float beta,             \
                                                       AxpbyDims dims, long long size) {    \
    axpby_general<T>(x, y, out, alpha, beta, dims, size);                                   \
  }                                                                                         \
  extern "C" __global__ void axpby_contiguous_##type_name(const T* x, const T* y, T* out,   \
                                                          float alpha, float beta,          \
                                                          long long size) {                 \
    axpby_contiguous<T>(x, y, out, alpha, beta, size);                                      \
  }

AXPBY_INSTANTIATE(float32, float)
AXPBY_INSTANTIATE(float16, half_t)
AXPBY_INSTANTIATE(bfloat16, bfloat_t)
AXPBY_INSTANTIATE(complex64, complex64_t)
