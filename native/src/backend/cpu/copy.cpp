// Copies with casts. The only per-type-pair code is one row conversion; the
// layout walk (collapsed dims, threads) is shared, which keeps the build small.
#include "mlx/backend/cpu/copy.h"

#include "mlx/backend/common/utils.h"
#include "parallel.h"

namespace mlx::core {

namespace {

constexpr size_t kMinPerThread = 1 << 16;

// Converts n elements; a source stride of 0 broadcasts one value.
using RowFn = void (*)(const char* src, int64_t is, char* dst, int64_t os, int64_t n);

template <typename In, typename Out>
void convert_row(const char* s, int64_t is, char* d, int64_t os, int64_t n) {
  auto* src = reinterpret_cast<const In*>(s);
  auto* dst = reinterpret_cast<Out*>(d);
  if (is == 1 && os == 1) {
    for (int64_t j = 0; j < n; ++j) dst[j] = cast_to<Out>(src[j]);
  } else if (is == 0 && os == 1) {
    Out v = cast_to<Out>(src[0]);
    for (int64_t j = 0; j < n; ++j) dst[j] = v;
  } else {
    for (int64_t j = 0; j < n; ++j) dst[j * os] = cast_to<Out>(src[j * is]);
  }
}

RowFn row_fn(Dtype in, Dtype out) {
  if (in == out) {
    // Same dtype: move bytes of the element's width.
    switch (size_of(in)) {
      case 1: return convert_row<uint8_t, uint8_t>;
      case 2: return convert_row<uint16_t, uint16_t>;
      case 4: return convert_row<uint32_t, uint32_t>;
      default: return convert_row<uint64_t, uint64_t>;
    }
  }
  return dispatch_all_types(in, [&](auto in_tag) {
    return dispatch_all_types(out, [&](auto out_tag) -> RowFn {
      return convert_row<decltype(in_tag), decltype(out_tag)>;
    });
  });
}

void strided_copy(RowFn fn, const char* src, size_t in_item, char* dst, size_t out_item,
                  const Shape& shape, const Strides& in_strides, const Strides& out_strides) {
  auto [cshape, cstrides] = collapse_contiguous_dims(shape, {in_strides, out_strides});
  int nd = static_cast<int>(cshape.size());
  int64_t inner = cshape.back();
  int64_t is = cstrides[0].back(), os = cstrides[1].back();
  size_t rows = 1;
  for (int i = 0; i + 1 < nd; ++i) rows *= cshape[i];
  if (rows == 1) {
    // One long row: split it across threads.
    cpu::parallel_for(inner, kMinPerThread, [&](size_t b, size_t e) {
      fn(src + b * is * in_item, is, dst + b * os * out_item, os, e - b);
    });
    return;
  }
  size_t min_rows = std::max<size_t>(1, kMinPerThread / std::max<int64_t>(inner, 1));
  cpu::parallel_for(rows, min_rows, [&](size_t b, size_t e) {
    ContiguousIterator iit(cshape, cstrides[0], nd - 1);
    ContiguousIterator oit(cshape, cstrides[1], nd - 1);
    iit.seek(b);
    oit.seek(b);
    for (size_t r = b; r < e; ++r) {
      fn(src + iit.loc * in_item, is, dst + oit.loc * out_item, os, inner);
      iit.step();
      oit.step();
    }
  });
}

} // namespace

void copy_cpu(const array& in, array& out, CopyType ctype) {
  bool dense = in.flags().contiguous && in.data_size() == in.size();
  if (ctype == CopyType::Vector && dense) {
    out.set_data(allocator::malloc(std::max<size_t>(in.data_size() * out.itemsize(), 1)),
                 in.data_size(), in.strides(), in.flags());
  } else {
    out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
    if (ctype == CopyType::Vector) ctype = CopyType::General;
  }
  if (out.size() == 0) return;
  RowFn fn = row_fn(in.dtype(), out.dtype());
  const char* src = in.data<char>();
  char* dst = out.data<char>();
  Shape flat{static_cast<int32_t>(out.data_size())};
  if (ctype == CopyType::Scalar || in.data_size() == 1) {
    strided_copy(fn, src, in.itemsize(), dst, out.itemsize(), flat, {0}, {1});
  } else if (ctype == CopyType::Vector || in.flags().row_contiguous) {
    strided_copy(fn, src, in.itemsize(), dst, out.itemsize(), flat, {1}, {1});
  } else {
    strided_copy(fn, src, in.itemsize(), dst, out.itemsize(), in.shape(), in.strides(),
                 out.strides());
  }
}

void copy_cpu_inplace(const array& in, array& out, const Shape& shape,
                      const Strides& in_strides, const Strides& out_strides,
                      int64_t in_offset, int64_t out_offset) {
  size_t n = 1;
  for (auto d : shape) n *= d;
  if (n == 0) return;
  strided_copy(row_fn(in.dtype(), out.dtype()), in.data<char>() + in_offset * in.itemsize(),
               in.itemsize(), out.data<char>() + out_offset * out.itemsize(), out.itemsize(),
               shape, in_strides, out_strides);
}

array ensure_row_contiguous_cpu(const array& in) {
  if (in.flags().row_contiguous) return in;
  array out(in.shape(), in.dtype(), nullptr, {});
  copy_cpu(in, out, CopyType::General);
  out.detach();
  out.set_status(array::Status::available);
  return out;
}

} // namespace mlx::core
