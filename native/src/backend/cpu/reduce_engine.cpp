// The layout walk of the CPU reductions (see reduce_engine.h).
#include "reduce_engine.h"

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "mlx/backend/common/utils.h"
#include "parallel.h"

namespace mlx::core::cpu::reduce {

namespace {

constexpr int64_t kMinWork = 1 << 15;    // elements a thread should get at least
constexpr int64_t kFlushRows = 32;       // column rows accumulated in float before a flush
constexpr int64_t kMaxColBlock = 4096;   // columns per column-mode task
constexpr int64_t kMinColumns = 16;      // shorter kept rows use row mode
constexpr int64_t kBatch = 256;          // outputs finished together in row mode
constexpr int64_t kShortRow = 64;        // rows up to this length go through Kernel::segments

// Kept and reduced dimensions, size-1 dimensions dropped, adjacent dimensions
// merged where memory allows. Each list has at least one dimension.
struct Layout {
  Shape kshape;
  Strides kstr;
  Shape rshape;
  Strides rstr;
  int64_t n_out{1};
  int64_t n_red{1};
};

void collapse(Shape& shape, Strides& strides) {
  Shape s;
  Strides t;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (!s.empty() && t.back() == strides[i] * shape[i]) {
      s.back() *= shape[i];
      t.back() = strides[i];
    } else {
      s.push_back(shape[i]);
      t.push_back(strides[i]);
    }
  }
  shape = std::move(s);
  strides = std::move(t);
}

Layout make_layout(const Input& in, const std::vector<int>& axes, bool ordered) {
  Layout L;
  std::vector<bool> red(in.shape.size(), false);
  for (int ax : axes) red[ax] = true;
  std::vector<std::pair<int32_t, int64_t>> rdims;
  for (size_t i = 0; i < in.shape.size(); ++i) {
    int32_t n = in.shape[i];
    if (red[i]) {
      L.n_red *= n;
    } else {
      L.n_out *= n;
    }
    if (n == 1) continue;
    if (red[i]) {
      rdims.emplace_back(n, in.strides[i]);
    } else {
      L.kshape.push_back(n);
      L.kstr.push_back(in.strides[i]);
    }
  }
  if (!ordered) {
    // Walk the reduced dimensions in memory order: broadcast (stride 0)
    // dimensions outermost, then decreasing strides, so the innermost is the
    // densest one.
    auto key = [](int64_t s) { return s == 0 ? INT64_MAX : std::llabs(s); };
    std::stable_sort(rdims.begin(), rdims.end(),
                     [&](const auto& a, const auto& b) { return key(a.second) > key(b.second); });
  }
  for (auto& [n, s] : rdims) {
    L.rshape.push_back(n);
    L.rstr.push_back(s);
  }
  collapse(L.kshape, L.kstr);
  collapse(L.rshape, L.rstr);
  if (L.kshape.empty()) {
    L.kshape = {1};
    L.kstr = {0};
  }
  if (L.rshape.empty()) {
    L.rshape = {1};
    L.rstr = {1};
  }
  return L;
}

Shape head(const Shape& s) { return Shape(s.begin(), s.end() - 1); }
Strides head(const Strides& s) { return Strides(s.begin(), s.end() - 1); }

struct Ctx {
  const Kernel& k;
  const Input& in;
  const Layout& L;
  char* out;
  int out_item;
  const char* aux;
  const FinishArgs& args;

  const char* at(int64_t loc) const { return in.data + loc * in.itemsize; }
  const char* aux_at(int64_t o) const { return aux ? aux + o * k.aux_size : nullptr; }
};

// Row mode: every output reduces rows of the innermost reduced dimension.
void run_rows(const Ctx& c) {
  const auto& L = c.L;
  const auto& k = c.k;
  int nk = static_cast<int>(L.kshape.size());
  int nr = static_cast<int>(L.rshape.size());
  int64_t rn = L.rshape.back(), rs = L.rstr.back();
  int64_t rows = L.n_red / rn;
  int threads = cpu::num_threads();

  if (L.n_out >= threads || L.n_red < 2 * kMinWork) {
    size_t min_out = static_cast<size_t>(std::max<int64_t>(1, kMinWork / L.n_red));
    cpu::parallel_for(L.n_out, min_out, [&](size_t b, size_t e) {
      ContiguousIterator kit(L.kshape, L.kstr, nk);
      ContiguousIterator rit(L.rshape, L.rstr, nr - 1);
      std::vector<char> accs(kBatch * k.acc_size);
      for (size_t o0 = b; o0 < e; o0 += kBatch) {
        int64_t cnt = std::min<int64_t>(kBatch, e - o0);
        k.init(accs.data(), cnt);
        if (rows == 1 && rn <= kShortRow) {
          // Short rows: one call per run of outputs along the innermost kept dimension.
          int64_t kn = L.kshape.back(), ks = L.kstr.back();
          for (int64_t j = 0; j < cnt;) {
            int64_t o = o0 + j;
            int64_t run = std::min(cnt - j, kn - o % kn);
            k.segments(c.at(elem_to_loc(o, L.kshape, L.kstr)), ks, run, rn, rs,
                       accs.data() + j * k.acc_size, c.aux_at(o), 0);
            j += run;
          }
          k.finish(accs.data(), c.out + o0 * c.out_item, cnt, c.aux_at(o0), c.args);
          continue;
        }
        kit.seek(o0);
        for (int64_t j = 0; j < cnt; ++j) {
          const char* base = c.at(kit.loc);
          void* acc = accs.data() + j * k.acc_size;
          const char* ax = c.aux_at(o0 + j);
          for (int64_t r = 0; r < rows; ++r) {
            k.row(base + rit.loc * c.in.itemsize, rs, rn, acc, ax, r * rn);
            rit.step(); // wraps back to 0 after the last row
          }
          kit.step();
        }
        k.finish(accs.data(), c.out + o0 * c.out_item, cnt, c.aux_at(o0), c.args);
      }
    });
    return;
  }

  // Few outputs, long reductions: split each reduction into ordered chunks.
  int64_t nch = std::min<int64_t>(threads, L.n_red / kMinWork);
  std::vector<char> partial(nch * k.acc_size);
  Shape oshape = L.kshape;
  for (int64_t o = 0; o < L.n_out; ++o) {
    int64_t base = elem_to_loc(o, oshape, L.kstr);
    const char* ax = c.aux_at(o);
    cpu::parallel_for(nch, 1, [&](size_t cb, size_t ce) {
      for (size_t i = cb; i < ce; ++i) {
        int64_t pb = L.n_red * static_cast<int64_t>(i) / nch;
        int64_t pe = L.n_red * static_cast<int64_t>(i + 1) / nch;
        void* acc = partial.data() + i * k.acc_size;
        k.init(acc, 1);
        ContiguousIterator rit(L.rshape, L.rstr, nr - 1);
        rit.seek(pb / rn);
        int64_t col = pb % rn;
        for (int64_t p = pb; p < pe;) {
          int64_t len = std::min(rn - col, pe - p);
          k.row(c.at(base + rit.loc + col * rs), rs, len, acc, ax, p);
          p += len;
          col = 0;
          rit.step();
        }
      }
    });
    for (int64_t i = 1; i < nch; ++i) k.combine(partial.data(), partial.data() + i * k.acc_size, 1);
    k.finish(partial.data(), c.out + o * c.out_item, 1, ax, c.args);
  }
}

// Column mode: blocks of contiguous outputs accumulate whole input rows.
void run_cols(const Ctx& c) {
  const auto& L = c.L;
  const auto& k = c.k;
  int nr = static_cast<int>(L.rshape.size());
  int64_t M = L.kshape.back();
  int64_t n_outer = L.n_out / M;
  Shape oshape = head(L.kshape);
  Strides ostr = head(L.kstr);
  int threads = cpu::num_threads();

  // Column blocks as long as the accumulators stay in cache: whole input rows
  // when they fit, so each thread streams through contiguous memory. With too
  // few blocks for the threads, the rows are split instead (below).
  int64_t cb = std::min<int64_t>((M + 63) / 64 * 64, kMaxColBlock);
  int64_t nblk = (M + cb - 1) / cb;
  int64_t tasks = n_outer * nblk;

  // Accumulates reduction rows [rb, re) of task t into acc (and inner).
  auto task = [&](int64_t t, int64_t rb, int64_t re, char* acc, char* inner) {
    int64_t o = t / nblk, c0 = (t % nblk) * cb;
    int64_t len = std::min(cb, M - c0);
    int64_t base = elem_to_loc(o, oshape, ostr) + c0;
    const char* ax = c.aux_at(o * M + c0);
    k.init(acc, len);
    if (k.inner_size) k.init_inner(inner, len);
    char* target = k.inner_size ? inner : acc;
    ContiguousIterator rit(L.rshape, L.rstr, nr);
    rit.seek(rb);
    int64_t pending = 0;
    const char* ptrs[kColRows];
    for (int64_t r = rb; r < re;) {
      int nrows = static_cast<int>(std::min<int64_t>(kColRows, re - r));
      for (int i = 0; i < nrows; ++i) {
        ptrs[i] = c.at(base + rit.loc);
        rit.step();
      }
      k.cols(ptrs, nrows, len, target, ax, r);
      r += nrows;
      pending += nrows;
      if (k.inner_size && pending >= kFlushRows) {
        k.merge_inner(inner, acc, len);
        k.init_inner(inner, len);
        pending = 0;
      }
    }
    if (k.inner_size && pending) k.merge_inner(inner, acc, len);
  };
  auto finish = [&](int64_t t, const char* acc) {
    int64_t o = t / nblk, c0 = (t % nblk) * cb;
    int64_t len = std::min(cb, M - c0);
    k.finish(acc, c.out + (o * M + c0) * c.out_item, len, c.aux_at(o * M + c0), c.args);
  };

  if (tasks >= threads || L.n_red * std::min(cb, M) < 2 * kMinWork) {
    size_t min_tasks = static_cast<size_t>(std::max<int64_t>(1, kMinWork / (cb * L.n_red)));
    cpu::parallel_for(tasks, min_tasks, [&](size_t b, size_t e) {
      std::vector<char> acc(cb * k.acc_size), inner(cb * std::max(k.inner_size, 1));
      for (size_t t = b; t < e; ++t) {
        task(t, 0, L.n_red, acc.data(), inner.data());
        finish(t, acc.data());
      }
    });
    return;
  }

  // Few column blocks, many rows: split the rows into ordered chunks.
  int64_t nch = std::min<int64_t>(threads, std::max<int64_t>(1, L.n_red * cb / kMinWork));
  std::vector<char> partial(nch * cb * k.acc_size);
  std::vector<char> inner(nch * cb * std::max(k.inner_size, 1));
  for (int64_t t = 0; t < tasks; ++t) {
    int64_t len = std::min(cb, M - (t % nblk) * cb);
    cpu::parallel_for(nch, 1, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) {
        int64_t rb = L.n_red * static_cast<int64_t>(i) / nch;
        int64_t re = L.n_red * static_cast<int64_t>(i + 1) / nch;
        task(t, rb, re, partial.data() + i * cb * k.acc_size,
             inner.data() + i * cb * std::max(k.inner_size, 1));
      }
    });
    for (int64_t i = 1; i < nch; ++i) {
      k.combine(partial.data(), partial.data() + i * cb * k.acc_size, len);
    }
    finish(t, partial.data());
  }
}

} // namespace

void run(const Kernel& k, const Input& in, const std::vector<int>& axes, char* out,
         int out_item, const void* aux, const FinishArgs& args, bool ordered) {
  Layout L = make_layout(in, axes, ordered);
  if (L.n_out == 0) return;
  Ctx c{k, in, L, out, out_item, static_cast<const char*>(aux), args};
  if (L.n_red == 0) {
    // Nothing to reduce: every output is the identity, finished.
    std::vector<char> accs(kBatch * k.acc_size);
    for (int64_t o0 = 0; o0 < L.n_out; o0 += kBatch) {
      int64_t cnt = std::min<int64_t>(kBatch, L.n_out - o0);
      k.init(accs.data(), cnt);
      k.finish(accs.data(), out + o0 * out_item, cnt, c.aux_at(o0), args);
    }
    return;
  }
  bool columns = L.rstr.back() != 1 && L.kstr.back() == 1 && L.kshape.back() >= kMinColumns;
  if (columns) {
    run_cols(c);
  } else {
    run_rows(c);
  }
}

} // namespace mlx::core::cpu::reduce
