// CPU gathers (take, take_along_axis) and the scatter-add that differentiates
// them. Gathered elements are moved by their byte width (1, 2, 4 or 8 bytes),
// so one instantiation per width serves every dtype; the scatter-add adds, so
// it has one small row function per dtype.
// Indices: a negative index wraps once (i + n); what is still outside [0, n)
// is clamped, so no index ever reads outside the input.
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "mlx/backend/common/utils.h"
#include "mlx/backend/cpu/copy.h"
#include "mlx/primitives/indexing.h"
#include "parallel.h"

namespace mlx::core {

namespace {

constexpr size_t kMinPerThread = 1 << 15;

inline int64_t clamp_index(int64_t j, int64_t n) {
  if (j < 0) j += n;
  return j < 0 ? 0 : (j >= n ? n - 1 : j);
}

// `idx` as a row-contiguous array of int64 (a cast copy unless it already is).
array indices_as_int64(const array& idx) {
  if (idx.dtype() == int64 && idx.flags().row_contiguous) return idx;
  array out(idx.shape(), int64, nullptr, {});
  copy_cpu(idx, out, CopyType::General);
  out.detach();
  out.set_status(array::Status::available);
  return out;
}

// ---- Take ----

struct TakeArgs {
  const char* src;
  char* dst;
  const char* idx; // row-contiguous int32 or int64, not yet normalized
  int64_t n_idx;
  int64_t n;           // a's size along the axis
  int64_t axis_stride; // a's stride along the axis
  Shape pre_shape;
  Strides pre_strides;
  Shape post_shape;
  Strides post_strides;
  int64_t post_size;
};

// Rows [b, e) of the output viewed as (pre, n_idx) rows of post_size elements.
template <typename E, typename I>
void take_rows(const TakeArgs& t, size_t b, size_t e) {
  const E* src = reinterpret_cast<const E*>(t.src);
  const I* idx = reinterpret_cast<const I*>(t.idx);
  const int64_t n = t.n, ax = t.axis_stride, P = t.post_size;
  E* dst = reinterpret_cast<E*>(t.dst) + static_cast<int64_t>(b) * P;
  ContiguousIterator pit(t.pre_shape, t.pre_strides, static_cast<int>(t.pre_shape.size()));
  int64_t i = static_cast<int64_t>(b) % t.n_idx;
  pit.seek(static_cast<int64_t>(b) / t.n_idx);
  const int pd = static_cast<int>(t.post_shape.size());
  const int64_t inner = t.post_shape.back();
  const int64_t ps = t.post_strides.back();
  int64_t r = static_cast<int64_t>(b);
  const int64_t end = static_cast<int64_t>(e);
  while (r < end) {
    // A run of indices under one `pre` position.
    int64_t run = std::min(end - r, t.n_idx - i);
    const E* base = src + pit.loc;
    const I* x = idx + i;
    if (P == 1) {
      for (int64_t k = 0; k < run; ++k) dst[k] = base[clamp_index(x[k], n) * ax];
    } else {
      for (int64_t k = 0; k < run; ++k) {
        const E* s = base + clamp_index(x[k], n) * ax;
        E* d = dst + k * P;
        if (pd == 1 && ps == 1) {
          std::memcpy(d, s, P * sizeof(E));
        } else if (pd == 1) {
          for (int64_t q = 0; q < inner; ++q) d[q] = s[q * ps];
        } else {
          ContiguousIterator qit(t.post_shape, t.post_strides, pd - 1);
          for (int64_t o = 0; o < P; o += inner) {
            const E* sq = s + qit.loc;
            for (int64_t q = 0; q < inner; ++q) d[o + q] = sq[q * ps];
            qit.step();
          }
        }
      }
    }
    dst += run * P;
    r += run;
    i += run;
    if (i == t.n_idx) {
      i = 0;
      pit.step();
    }
  }
}

using TakeFn = void (*)(const TakeArgs&, size_t, size_t);

template <typename I>
TakeFn take_fn_for(size_t width) {
  switch (width) {
    case 1: return take_rows<uint8_t, I>;
    case 2: return take_rows<uint16_t, I>;
    case 4: return take_rows<uint32_t, I>;
    default: return take_rows<uint64_t, I>;
  }
}

// ---- GatherAxis ----

struct GatherAxisArgs {
  const char* src;
  const char* idx;
  char* dst;
  int64_t n;           // a's size along the axis
  int64_t axis_stride; // a's stride along the axis
  Shape shape;         // collapsed output shape
  std::vector<Strides> strides; // {a, idx, out}, collapsed
};

template <typename E, typename I>
void gather_axis_rows(const GatherAxisArgs& g, size_t b, size_t e) {
  const E* src = reinterpret_cast<const E*>(g.src);
  const I* idx = reinterpret_cast<const I*>(g.idx);
  E* dst = reinterpret_cast<E*>(g.dst);
  int nd = static_cast<int>(g.shape.size());
  int64_t inner = g.shape.back();
  int64_t as = g.strides[0].back(), is = g.strides[1].back(), os = g.strides[2].back();
  ContiguousIterator ait(g.shape, g.strides[0], nd - 1);
  ContiguousIterator iit(g.shape, g.strides[1], nd - 1);
  ContiguousIterator oit(g.shape, g.strides[2], nd - 1);
  ait.seek(b);
  iit.seek(b);
  oit.seek(b);
  const int64_t n = g.n, ax = g.axis_stride;
  for (size_t r = b; r < e; ++r) {
    const E* s = src + ait.loc;
    const I* x = idx + iit.loc;
    E* d = dst + oit.loc;
    for (int64_t k = 0; k < inner; ++k) {
      int64_t j = clamp_index(static_cast<int64_t>(x[k * is]), n);
      d[k * os] = s[k * as + j * ax];
    }
    ait.step();
    iit.step();
    oit.step();
  }
}

using GatherAxisFn = void (*)(const GatherAxisArgs&, size_t, size_t);

template <typename I>
GatherAxisFn gather_axis_fn_for(size_t width) {
  switch (width) {
    case 1: return gather_axis_rows<uint8_t, I>;
    case 2: return gather_axis_rows<uint16_t, I>;
    case 4: return gather_axis_rows<uint32_t, I>;
    default: return gather_axis_rows<uint64_t, I>;
  }
}

// ---- ScatterAddAxis ----

// One row of the innermost dimension: out[clamp(idx[k]) * ax + k * os] += upd[k].
using ScatterRowFn = void (*)(char* out, const char* upd, const char* idx, int64_t len,
                              int64_t os, int64_t us, int64_t is, int64_t ax, int64_t n);

template <typename T, typename I>
void scatter_add_row(char* o, const char* u, const char* x, int64_t len, int64_t os, int64_t us,
                     int64_t is, int64_t ax, int64_t n) {
  T* out = reinterpret_cast<T*>(o);
  const T* upd = reinterpret_cast<const T*>(u);
  const I* idx = reinterpret_cast<const I*>(x);
  for (int64_t k = 0; k < len; ++k) {
    T& d = out[clamp_index(static_cast<int64_t>(idx[k * is]), n) * ax + k * os];
    if constexpr (std::is_same_v<T, bool>) {
      d = d || upd[k * us];
    } else {
      d = static_cast<T>(d + upd[k * us]);
    }
  }
}

template <typename I>
ScatterRowFn scatter_row_fn(Dtype t) {
  return dispatch_all_types(t, [](auto tag) -> ScatterRowFn {
    return scatter_add_row<decltype(tag), I>;
  });
}

} // namespace

void Take::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& a = inputs[0];
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  if (out.size() == 0) return;

  // Row-contiguous int32/int64 indices are read in place; others are widened.
  array idx = inputs[1];
  if (!((idx.dtype() == int32 || idx.dtype() == int64) && idx.flags().row_contiguous)) {
    idx = indices_as_int64(idx);
  }

  TakeArgs t;
  t.src = a.data<char>();
  t.dst = out.data<char>();
  t.idx = idx.data<char>();
  t.n_idx = static_cast<int64_t>(idx.size());
  t.n = a.shape(axis_);
  t.axis_stride = a.strides()[axis_];
  Shape pre(a.shape().begin(), a.shape().begin() + axis_);
  Strides pre_st(a.strides().begin(), a.strides().begin() + axis_);
  Shape post(a.shape().begin() + axis_ + 1, a.shape().end());
  Strides post_st(a.strides().begin() + axis_ + 1, a.strides().end());
  auto [cpre, cpre_st] = collapse_contiguous_dims(pre, {pre_st});
  auto [cpost, cpost_st] = collapse_contiguous_dims(post, {post_st});
  t.pre_shape = std::move(cpre);
  t.pre_strides = std::move(cpre_st[0]);
  t.post_shape = std::move(cpost);
  t.post_strides = std::move(cpost_st[0]);
  t.post_size = 1;
  for (auto d : post) t.post_size *= d;

  size_t rows = out.size() / t.post_size;
  size_t min_rows = std::max<size_t>(1, kMinPerThread / t.post_size);
  TakeFn fn = idx.dtype() == int32 ? take_fn_for<int32_t>(a.itemsize())
                                   : take_fn_for<int64_t>(a.itemsize());
  cpu::parallel_for(rows, min_rows, [&](size_t b, size_t e) { fn(t, b, e); });
}

void GatherAxis::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& a = inputs[0];
  out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
  if (out.size() == 0) return;

  // int32/int64 indices are read in place; other integer types are widened.
  array idx = inputs[1];
  if (idx.dtype() != int32 && idx.dtype() != int64) idx = indices_as_int64(idx);

  int nd = static_cast<int>(a.ndim());
  Strides a_st(nd), i_st(nd);
  for (int d = 0; d < nd; ++d) {
    // Broadcast dims (size 1 against a larger output) do not move.
    a_st[d] = (d == axis_ || a.shape(d) == 1) ? 0 : a.strides()[d];
    i_st[d] = idx.shape(d) == 1 ? 0 : idx.strides()[d];
  }
  GatherAxisArgs g;
  g.src = a.data<char>();
  g.idx = idx.data<char>();
  g.dst = out.data<char>();
  g.n = a.shape(axis_);
  g.axis_stride = a.strides()[axis_];
  auto [cshape, cstrides] = collapse_contiguous_dims(out.shape(), {a_st, i_st, out.strides()});
  g.shape = std::move(cshape);
  g.strides = std::move(cstrides);

  GatherAxisFn fn = idx.dtype() == int32 ? gather_axis_fn_for<int32_t>(a.itemsize())
                                         : gather_axis_fn_for<int64_t>(a.itemsize());
  int64_t inner = g.shape.back();
  size_t rows = out.size() / inner;
  size_t min_rows = std::max<size_t>(1, kMinPerThread / inner);
  cpu::parallel_for(rows, min_rows, [&](size_t b, size_t e) { fn(g, b, e); });
}

void ScatterAddAxis::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& src = inputs[0];
  const auto& upd = inputs[2];
  // out = src (any layout) in a fresh row-contiguous buffer, then the adds.
  copy_cpu(src, out, CopyType::General);
  if (upd.size() == 0 || out.size() == 0) return;

  array idx = inputs[1];
  if (idx.dtype() != int32 && idx.dtype() != int64) idx = indices_as_int64(idx);

  // Strides over the updates' shape for out (0 along the axis, which the
  // index supplies, and along src's size-1 dims, which accumulate), the
  // updates and the (broadcast) indices.
  const int nd = static_cast<int>(upd.ndim());
  Strides os(nd), us(nd), is(nd);
  for (int d = 0; d < nd; ++d) {
    os[d] = (d == axis_ || src.shape(d) == 1) ? 0 : out.strides()[d];
    us[d] = upd.strides()[d];
    is[d] = idx.shape(d) == 1 ? 0 : idx.strides()[d];
  }
  // "Disjoint" dimensions are those whose positions write different output
  // elements; the axis and the accumulating dims are not. Threads split only
  // disjoint dimensions, so no two threads add to the same element.
  //  - the row (the innermost loop, one call of the row function) is the
  //    last dimension when it is disjoint (split into blocks across threads:
  //    the gradient of an embedding, out[idx[k], :] += upd[k, :]), else the
  //    last non-disjoint one;
  //  - the other disjoint dims are the outer loop (split across threads);
  //  - the other non-disjoint dims are walked inside, by one thread.
  auto disjoint = [&](int d) { return d != axis_ && os[d] != 0; };
  const bool row_outer = disjoint(nd - 1) && upd.shape(nd - 1) > 1;
  Shape outer_shape, inner_shape;
  Strides outer[3], inner[3];
  for (int d = 0; d < (row_outer ? nd - 1 : nd); ++d) {
    bool dj = disjoint(d);
    (dj ? outer_shape : inner_shape).push_back(upd.shape(d));
    Strides* g = dj ? outer : inner;
    g[0].push_back(os[d]);
    g[1].push_back(us[d]);
    g[2].push_back(is[d]);
  }
  auto [oshape, ost] = collapse_contiguous_dims(outer_shape, {outer[0], outer[1], outer[2]});
  auto [ishape, ist] = collapse_contiguous_dims(inner_shape, {inner[0], inner[1], inner[2]});
  int64_t len, ros, rus, ris;
  int walk_dims; // inner dims walked around the row
  if (row_outer) {
    len = upd.shape(nd - 1);
    ros = os[nd - 1];
    rus = us[nd - 1];
    ris = is[nd - 1];
    walk_dims = static_cast<int>(ishape.size());
  } else {
    len = ishape.back();
    ros = ist[0].back();
    rus = ist[1].back();
    ris = ist[2].back();
    walk_dims = static_cast<int>(ishape.size()) - 1;
  }
  size_t walk_size = 1, outer_size = 1;
  for (int d = 0; d < walk_dims; ++d) walk_size *= ishape[d];
  for (auto d : oshape) outer_size *= d;

  ScatterRowFn fn = idx.dtype() == int32 ? scatter_row_fn<int32_t>(out.dtype())
                                         : scatter_row_fn<int64_t>(out.dtype());
  const size_t w = out.itemsize();
  char* dst = out.data<char>();
  const char* u = upd.data<char>();
  const char* x = idx.data<char>();
  const size_t xw = idx.itemsize();
  const int64_t ax = out.strides()[axis_];
  const int64_t n = src.shape(axis_);
  const int ond = static_cast<int>(oshape.size());

  // Tasks: (outer position, block of the row); blocks only for a disjoint row.
  const int64_t blk = row_outer ? std::min<int64_t>(len, 1024) : len;
  const size_t nblk = static_cast<size_t>((len + blk - 1) / blk);
  const size_t tasks = outer_size * nblk;
  const size_t task_work = std::max<size_t>(1, walk_size * static_cast<size_t>(blk));
  size_t min_tasks = std::max<size_t>(1, kMinPerThread / task_work);
  cpu::parallel_for(tasks, min_tasks, [&](size_t b, size_t e) {
    ContiguousIterator o_it(oshape, ost[0], ond), u_it(oshape, ost[1], ond),
        x_it(oshape, ost[2], ond);
    size_t o = b / nblk;
    o_it.seek(o);
    u_it.seek(o);
    x_it.seek(o);
    for (size_t t = b; t < e; ++t) {
      if (t / nblk != o) {
        o = t / nblk;
        o_it.step();
        u_it.step();
        x_it.step();
      }
      int64_t c0 = static_cast<int64_t>(t % nblk) * blk;
      int64_t c1 = std::min(len, c0 + blk);
      ContiguousIterator oi(ishape, ist[0], walk_dims), ui(ishape, ist[1], walk_dims),
          xi(ishape, ist[2], walk_dims);
      for (size_t q = 0; q < walk_size; ++q) {
        fn(dst + (o_it.loc + oi.loc + c0 * ros) * w, u + (u_it.loc + ui.loc + c0 * rus) * w,
           x + (x_it.loc + xi.loc + c0 * ris) * xw, c1 - c0, ros, rus, ris, ax, n);
        oi.step();
        ui.step();
        xi.step();
      }
    }
  });
}

} // namespace mlx::core
