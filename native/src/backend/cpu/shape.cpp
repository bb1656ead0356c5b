// CPU evaluation of the shape family. Almost everything is a view sharing
// the input's buffer with new strides and offset; only Concatenate, and a
// Reshape whose input layout cannot be re-viewed, copy.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "mlx/backend/common/utils.h"
#include "mlx/backend/cpu/copy.h"
#include "mlx/primitives/shape.h"
#include "parallel.h"

namespace mlx::core {

namespace {

// Makes `out` a view of `in`'s buffer: strides and offset in elements,
// relative to `in`'s first element.
void share_view(const array& in, array& out, const Strides& strides, int64_t offset) {
  if (out.size() == 0) offset = 0; // nothing is read; keep the pointer inside
  auto [flags, data_size] = view_flags(out.shape(), strides);
  out.copy_shared_buffer(in, strides, flags, data_size, offset);
}

// Strides that view (shape, strides) as new_shape without moving data, or
// nullopt when some merged run of axes is not evenly strided. Size-1 axes
// are free; groups of old and new axes with equal products are matched up.
std::optional<Strides> reshaped_strides(const Shape& shape, const Strides& strides,
                                        const Shape& new_shape) {
  Shape os;
  Strides ost;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] != 1) {
      os.push_back(shape[i]);
      ost.push_back(strides[i]);
    }
  }
  const size_t on = os.size(), nn = new_shape.size();
  Strides ns(nn, 1);
  size_t oi = 0, ni = 0;
  while (oi < on && ni < nn) {
    size_t oj = oi + 1, nj = ni + 1;
    int64_t op = os[oi], np = new_shape[ni];
    while (op != np) {
      if (np < op) {
        if (nj >= nn) return std::nullopt;
        np *= new_shape[nj++];
      } else {
        if (oj >= on) return std::nullopt;
        op *= os[oj++];
      }
    }
    for (size_t k = oi; k + 1 < oj; ++k) {
      if (ost[k] != ost[k + 1] * os[k + 1]) return std::nullopt;
    }
    ns[nj - 1] = ost[oj - 1];
    for (size_t k = nj - 1; k > ni; --k) ns[k - 1] = ns[k] * new_shape[k];
    oi = oj;
    ni = nj;
  }
  if (oi < on) return std::nullopt;
  return ns;
}

void reshape_view_or_copy(const array& in, array& out) {
  if (in.flags().row_contiguous || in.size() == 0) {
    share_view(in, out, make_contiguous_strides(out.shape()), 0);
    return;
  }
  if (auto st = reshaped_strides(in.shape(), in.strides(), out.shape())) {
    share_view(in, out, *st, 0);
    return;
  }
  // Copy out row-major; the flat order is the same for both shapes.
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  copy_cpu_inplace(in, out, in.shape(), in.strides(), make_contiguous_strides(in.shape()), 0, 0);
}

} // namespace

void AsStrided::eval_cpu(const std::vector<array>& inputs, array& out) {
  // Strides address the row-major elements: compact a strided input first.
  array in = ensure_row_contiguous_cpu(inputs[0]);
  auto [flags, data_size] = view_flags(shape_, strides_);
  out.copy_shared_buffer(in, strides_, flags, data_size, offset_);
}

void Reshape::eval_cpu(const std::vector<array>& inputs, array& out) {
  reshape_view_or_copy(inputs[0], out);
}

void Flatten::eval_cpu(const std::vector<array>& inputs, array& out) {
  reshape_view_or_copy(inputs[0], out);
}

void Unflatten::eval_cpu(const std::vector<array>& inputs, array& out) {
  reshape_view_or_copy(inputs[0], out);
}

void Transpose::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  Strides st(axes_.size());
  for (size_t i = 0; i < axes_.size(); ++i) st[i] = in.strides()[axes_[i]];
  share_view(in, out, st, 0);
}

void Broadcast::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  size_t lead = out.ndim() - in.ndim();
  Strides st(out.ndim(), 0);
  for (size_t i = 0; i < in.ndim(); ++i) {
    st[lead + i] = (in.shape()[i] == 1 && out.shape()[lead + i] != 1) ? 0 : in.strides()[i];
  }
  share_view(in, out, st, 0);
}

void Squeeze::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  Strides st;
  size_t j = 0;
  for (int i = 0; i < static_cast<int>(in.ndim()); ++i) {
    if (j < axes_.size() && axes_[j] == i) {
      ++j;
    } else {
      st.push_back(in.strides()[i]);
    }
  }
  share_view(in, out, st, 0);
}

void ExpandDims::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  int n = static_cast<int>(out.ndim());
  std::vector<bool> inserted(n, false);
  for (auto ax : axes_) inserted[ax] = true;
  Strides st(n, 0);
  for (int i = 0, k = 0; i < n; ++i) {
    if (!inserted[i]) st[i] = in.strides()[k++];
  }
  // A new size-1 axis gets the stride a row-major layout would give it.
  for (int i = n - 1; i >= 0; --i) {
    if (inserted[i]) st[i] = i + 1 < n ? st[i + 1] * std::max(out.shape(i + 1), 1) : 1;
  }
  share_view(in, out, st, 0);
}

void Slice::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  Strides st(in.ndim());
  int64_t offset = 0;
  for (size_t i = 0; i < in.ndim(); ++i) {
    offset += static_cast<int64_t>(start_indices_[i]) * in.strides()[i];
    st[i] = in.strides()[i] * strides_[i];
  }
  share_view(in, out, st, offset);
}

namespace {

// The start position of entry i of `start` (an integer array of up to one
// dimension), clamped to [0, max(hi, 0)].
int64_t read_start(const array& start, size_t i, int64_t hi) {
  const char* p = start.data<char>() +
                  (start.ndim() ? static_cast<int64_t>(i) * start.strides()[0] : 0) *
                      static_cast<int64_t>(start.itemsize());
  int64_t v = 0;
  switch (start.dtype()) {
    case Dtype::Val::int8: v = *reinterpret_cast<const int8_t*>(p); break;
    case Dtype::Val::int16: v = *reinterpret_cast<const int16_t*>(p); break;
    case Dtype::Val::int32: v = *reinterpret_cast<const int32_t*>(p); break;
    case Dtype::Val::int64: v = *reinterpret_cast<const int64_t*>(p); break;
    case Dtype::Val::uint8: v = *reinterpret_cast<const uint8_t*>(p); break;
    case Dtype::Val::uint16: v = *reinterpret_cast<const uint16_t*>(p); break;
    case Dtype::Val::uint32: v = *reinterpret_cast<const uint32_t*>(p); break;
    case Dtype::Val::uint64: {
      uint64_t u = *reinterpret_cast<const uint64_t*>(p);
      v = u > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(u);
      break;
    }
    default: break;
  }
  return std::clamp<int64_t>(v, 0, std::max<int64_t>(hi, 0));
}

// Offset (in elements, through `strides`) of the block of `size` at the
// clamped start positions along `axes`.
int64_t block_offset(const array& in, const array& start, const std::vector<int>& axes,
                     const Shape& size, const Strides& strides) {
  int64_t offset = 0;
  for (size_t i = 0; i < axes.size(); ++i) {
    int ax = axes[i];
    // Keep the block inside the array.
    offset += read_start(start, i, static_cast<int64_t>(in.shape(ax)) - size[ax]) * strides[ax];
  }
  return offset;
}

// dst[j * os] += src[j * is] for a row of n elements.
using AddRowFn = void (*)(const char* src, int64_t is, char* dst, int64_t os, int64_t n);

template <typename T>
void add_row(const char* s, int64_t is, char* d, int64_t os, int64_t n) {
  auto* src = reinterpret_cast<const T*>(s);
  auto* dst = reinterpret_cast<T*>(d);
  if (is == 1 && os == 1) {
    for (int64_t j = 0; j < n; ++j) dst[j] = static_cast<T>(dst[j] + src[j]);
  } else {
    for (int64_t j = 0; j < n; ++j) dst[j * os] = static_cast<T>(dst[j * os] + src[j * is]);
  }
}

AddRowFn add_row_fn(Dtype dtype) {
  return dispatch_all_types(dtype, [](auto tag) -> AddRowFn { return add_row<decltype(tag)>; });
}

} // namespace

void DynamicSlice::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  // The op checked that `start` holds integers.
  share_view(in, out, in.strides(), block_offset(in, inputs[1], axes_, slice_size_, in.strides()));
}

void DynamicSliceUpdate::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& src = inputs[0];
  const auto& upd = inputs[1];
  // A copy of the source (dense layouts kept), then the block overwritten.
  copy_cpu(src, out, src.flags().contiguous && src.data_size() == src.size() ? CopyType::Vector
                                                                            : CopyType::General);
  if (upd.size() == 0) return;
  int64_t offset = block_offset(src, inputs[2], axes_, upd.shape(), out.strides());
  copy_cpu_inplace(upd, out, upd.shape(), upd.strides(), out.strides(), 0, offset);
}

// True when the strided positions of (shape, strides) are all distinct:
// sorted by stride, each stride clears the span of the smaller ones.
bool disjoint_positions(const Shape& shape, const Strides& strides) {
  std::vector<std::pair<int64_t, int64_t>> dims; // (|stride|, size)
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] > 1) dims.emplace_back(std::llabs(strides[i]), shape[i]);
  }
  std::sort(dims.begin(), dims.end());
  int64_t span = 0; // the largest offset reached by the smaller dims
  for (auto [st, n] : dims) {
    if (st <= span) return false;
    span += (n - 1) * st;
  }
  return true;
}

void AsStridedAdd::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  if (out.nbytes() > 0) std::memset(out.data<char>(), 0, out.nbytes()); // zero in every dtype
  if (in.size() == 0) return;
  auto [shape, st] = collapse_contiguous_dims(in.shape(), {in.strides(), strides_});
  int nd = static_cast<int>(shape.size());
  int64_t inner = shape.back();
  int64_t is = st[0].back(), os = st[1].back();
  size_t rows = in.size() / static_cast<size_t>(inner);
  AddRowFn fn = add_row_fn(out.dtype());
  int64_t item = static_cast<int64_t>(out.itemsize());
  const char* src = in.data<char>();
  char* dst = out.data<char>() + offset_ * item;
  auto run = [&](size_t b, size_t e) {
    ContiguousIterator iit(shape, st[0], nd - 1);
    ContiguousIterator oit(shape, st[1], nd - 1);
    iit.seek(static_cast<int64_t>(b));
    oit.seek(static_cast<int64_t>(b));
    for (size_t r = b; r < e; ++r) {
      fn(src + iit.loc * item, is, dst + oit.loc * item, os, inner);
      iit.step();
      oit.step();
    }
  };
  if (!disjoint_positions(shape_, strides_)) {
    // Overlapping positions (e.g. a zero stride) accumulate: stay serial.
    run(0, rows);
    return;
  }
  if (rows == 1) {
    // One long row: split it.
    cpu::parallel_for(static_cast<size_t>(inner), size_t{1} << 16, [&](size_t b, size_t e) {
      int64_t j = static_cast<int64_t>(b);
      fn(src + j * is * item, is, dst + j * os * item, os, static_cast<int64_t>(e - b));
    });
    return;
  }
  size_t min_rows = std::max<size_t>(1, (size_t{1} << 16) / static_cast<size_t>(inner));
  cpu::parallel_for(rows, min_rows, run);
}

void Split::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const auto& in = inputs[0];
  int64_t stride = in.strides()[axis_];
  for (size_t i = 0; i < outputs.size(); ++i) {
    int64_t start = i == 0 ? 0 : indices_[i - 1];
    share_view(in, outputs[i], in.strides(), start * stride);
  }
}

void Concatenate::eval_cpu(const std::vector<array>& inputs, array& out) {
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  const auto& ost = out.strides();
  int64_t offset = 0;
  for (const auto& in : inputs) {
    copy_cpu_inplace(in, out, in.shape(), in.strides(), ost, 0, offset);
    offset += static_cast<int64_t>(in.shape(axis_)) * ost[axis_];
  }
}

} // namespace mlx::core
