// CPU evaluation of the ranges family. Values follow numpy's arithmetic
// exactly, so floating-point contraction (a + b * c -> fma) is turned off here.
#pragma GCC optimize("fp-contract=off")
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "mlx/backend/common/utils.h"
#include "mlx/backend/cpu/copy.h"
#include "mlx/primitives/ranges.h"
#include "parallel.h"

namespace mlx::core {

namespace {

constexpr size_t kMinPerThread = 1 << 16;

// ---- arange: element i = start' + i * step' in the output type ----

using ArangeFn = void (*)(char* out, double start, double step, size_t b, size_t e);

template <typename T>
void arange_rows(char* o, double start, double step, size_t b, size_t e) {
  T* out = reinterpret_cast<T*>(o);
  if constexpr (std::is_integral_v<T>) {
    // Integer arithmetic wraps like numpy's (done in uint64 to stay defined).
    using U = uint64_t;
    U s = static_cast<U>(static_cast<int64_t>(cast_to<T>(start)));
    U d = static_cast<U>(static_cast<int64_t>(cast_to<T>(start + step))) - s;
    if constexpr (std::is_same_v<T, uint64_t>) {
      s = cast_to<T>(start);
      d = cast_to<T>(start + step) - s;
    }
    for (size_t i = b; i < e; ++i) out[i] = static_cast<T>(s + static_cast<U>(i) * d);
  } else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    T s = static_cast<T>(start);
    T d = static_cast<T>(start + step) - s;
    for (size_t i = b; i < e; ++i) out[i] = s + static_cast<T>(i) * d;
  } else {
    // float16, bfloat16, complex64: computed in float (numpy's half rule).
    float s = static_cast<float>(cast_to<T>(start));
    float d = static_cast<float>(cast_to<T>(start + step)) - s;
    for (size_t i = b; i < e; ++i) out[i] = cast_to<T>(s + static_cast<float>(i) * d);
  }
}

ArangeFn arange_fn(Dtype t) {
  return dispatch_all_types(t, [](auto tag) -> ArangeFn {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, bool>) {
      return nullptr; // rejected by the op
    } else {
      return arange_rows<T>;
    }
  });
}

// ---- linspace: numpy's formula in double, then a cast ----

struct LinspaceArgs {
  double start, step, delta, div, stop;
  bool step_zero, endpoint;
  size_t num;
};

inline double linspace_value(const LinspaceArgs& l, size_t i) {
  if (l.endpoint && l.num > 1 && i == l.num - 1) return l.stop;
  double x = static_cast<double>(i);
  double y = l.step_zero ? (x / l.div) * l.delta : x * l.step;
  return y + l.start;
}

using LinspaceFn = void (*)(char* out, const LinspaceArgs& l, size_t b, size_t e);

template <typename T>
void linspace_rows(char* o, const LinspaceArgs& l, size_t b, size_t e) {
  T* out = reinterpret_cast<T*>(o);
  for (size_t i = b; i < e; ++i) out[i] = cast_to<T>(linspace_value(l, i));
}

// ---- byte-width fills for eye/tri ----

// The bytes of the value 1 in dtype t, in the low bytes of a uint64.
uint64_t one_bits(Dtype t) {
  uint64_t bits = 0;
  dispatch_all_types(t, [&](auto tag) {
    using T = decltype(tag);
    T v = cast_to<T>(1.0f);
    std::memcpy(&bits, &v, sizeof(T));
  });
  return bits;
}

template <typename E>
void fill_bits(char* dst, uint64_t bits, size_t n) {
  E v;
  std::memcpy(&v, &bits, sizeof(E));
  E* d = reinterpret_cast<E*>(dst);
  for (size_t i = 0; i < n; ++i) d[i] = v;
}

using FillFn = void (*)(char*, uint64_t, size_t);

FillFn fill_fn(size_t width) {
  switch (width) {
    case 1: return fill_bits<uint8_t>;
    case 2: return fill_bits<uint16_t>;
    case 4: return fill_bits<uint32_t>;
    default: return fill_bits<uint64_t>;
  }
}

inline int64_t clamp64(int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v, lo), hi); }

} // namespace

void Arange::eval_cpu(const std::vector<array>&, array& out) {
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  ArangeFn fn = arange_fn(out.dtype());
  if (!fn || out.size() == 0) return;
  char* dst = out.data<char>();
  double start = start_, step = step_;
  cpu::parallel_for(out.size(), kMinPerThread,
                    [&](size_t b, size_t e) { fn(dst, start, step, b, e); });
}

void Linspace::eval_cpu(const std::vector<array>&, array& out) {
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  size_t num = out.size();
  if (num == 0) return;
  LinspaceArgs l;
  l.start = start_;
  l.stop = stop_;
  l.endpoint = endpoint_;
  l.num = num;
  l.div = endpoint_ ? static_cast<double>(num) - 1 : static_cast<double>(num);
  l.delta = stop_ - start_;
  l.step = l.div > 0 ? l.delta / l.div : 0.0;
  l.step_zero = l.step == 0;
  if (l.div == 0) l.div = 1; // one sample with the endpoint: just start
  LinspaceFn fn = dispatch_all_types(out.dtype(), [](auto tag) -> LinspaceFn {
    return linspace_rows<decltype(tag)>;
  });
  char* dst = out.data<char>();
  cpu::parallel_for(num, kMinPerThread, [&](size_t b, size_t e) { fn(dst, l, b, e); });
}

void Eye::eval_cpu(const std::vector<array>&, array& out) {
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  if (out.size() == 0) return;
  const int64_t n = out.shape(0), m = out.shape(1), k = k_;
  const size_t w = out.itemsize();
  char* dst = out.data<char>();
  uint64_t one = one_bits(out.dtype());
  FillFn fill = fill_fn(w);
  bool lower = lower_;
  size_t min_rows = std::max<size_t>(1, kMinPerThread / m);
  cpu::parallel_for(n, min_rows, [&](size_t b, size_t e) {
    for (size_t r = b; r < e; ++r) {
      int64_t i = static_cast<int64_t>(r);
      char* row = dst + r * m * w;
      if (lower) {
        int64_t ones = clamp64(i + k + 1, 0, m);
        fill(row, one, ones);
        std::memset(row + ones * w, 0, (m - ones) * w);
      } else {
        std::memset(row, 0, m * w);
        int64_t j = i + k;
        if (j >= 0 && j < m) fill(row + j * w, one, 1);
      }
    }
  });
}

void Triangular::eval_cpu(const std::vector<array>& inputs, array& out) {
  // Copy (any input layout) into a row-contiguous output, then zero the masked part.
  copy_cpu(inputs[0], out, CopyType::General);
  if (out.size() == 0) return;
  const int64_t n = out.shape(-2), m = out.shape(-1), k = k_;
  const size_t w = out.itemsize();
  char* dst = out.data<char>();
  bool upper = upper_;
  size_t rows = out.size() / m;
  size_t min_rows = std::max<size_t>(1, kMinPerThread / m);
  cpu::parallel_for(rows, min_rows, [&](size_t b, size_t e) {
    for (size_t r = b; r < e; ++r) {
      int64_t i = static_cast<int64_t>(r % n);
      char* row = dst + r * m * w;
      if (upper) {
        int64_t hi = clamp64(i + k, 0, m); // zero [0, i + k)
        std::memset(row, 0, hi * w);
      } else {
        int64_t lo = clamp64(i + k + 1, 0, m); // zero (i + k, m)
        std::memset(row + lo * w, 0, (m - lo) * w);
      }
    }
  });
}

void View::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  const size_t ib = in.itemsize(), ob = out.itemsize();
  if (ib == ob) {
    out.copy_shared_buffer(in);
    return;
  }
  const bool aligned = reinterpret_cast<uintptr_t>(in.data<char>()) % ob == 0;
  if (in.flags().row_contiguous && aligned) {
    auto strides = make_contiguous_strides(out.shape());
    auto [flags, data_size] = view_flags(out.shape(), strides);
    out.copy_shared_buffer(in, strides, flags, data_size, 0);
    return;
  }
  if (ob < ib && in.ndim() > 0 && (in.strides().back() == 1 || in.shape(-1) == 1)) {
    // Each input element splits into ib / ob outputs along the last axis.
    int64_t ratio = static_cast<int64_t>(ib / ob);
    Strides strides = in.strides();
    for (size_t i = 0; i + 1 < strides.size(); ++i) strides[i] *= ratio;
    strides.back() = 1;
    auto [flags, data_size] = view_flags(out.shape(), strides);
    out.copy_shared_buffer(in, strides, flags, data_size, 0);
    return;
  }
  // Any other layout (or a misaligned start): view the bytes of a fresh,
  // row-contiguous copy.
  array tmp(in.shape(), in.dtype(), nullptr, {});
  copy_cpu(in, tmp, CopyType::General);
  auto strides = make_contiguous_strides(out.shape());
  auto [flags, data_size] = view_flags(out.shape(), strides);
  out.copy_shared_buffer(tmp, strides, flags, data_size, 0);
}

} // namespace mlx::core
