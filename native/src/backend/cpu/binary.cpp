// CPU evaluation of the binary family. One non-templated layout driver
// (`elementwise`) serves every op: the per-dtype code is the row functions of
// binary_arith.cpp and binary_logic.cpp, selected through function pointers.
//
// Layouts:
//  - every input is either a broadcast scalar (data_size 1) or dense with one
//    common layout (same shape and strides): one flat loop over the data,
//    the output keeps that layout (so transposed operands stay cheap);
//  - otherwise: a row-contiguous output, inputs broadcast with zero strides,
//    dimensions merged with collapse_contiguous_dims, rows walked with
//    ContiguousIterator.
// Large work is split with cpu::parallel_for. An input that nobody else holds
// (is_donatable) and matches the output's size and layout lends its buffer to
// the output, which saves an allocation in chains such as `4 * x + 2 * y`.
#include <cstdlib>
#include <sstream>

#include "binary_kernels.h"
#include "mlx/backend/common/utils.h"
#include "mlx/primitives/binary.h"
#include "parallel.h"

namespace mlx::core {

namespace binary_cpu {

namespace {

constexpr int kMaxIn = 3;
constexpr int kMaxOut = 2;
constexpr int64_t kTile = 64; // elements per side of a tile in the transposed walk

size_t min_per_thread(Cost cost) { return cost == Cost::Cheap ? (1 << 15) : (1 << 11); }

[[noreturn]] void unsupported(const char* name, Dtype t) {
  std::ostringstream msg;
  msg << "[" << name << "] Not supported for inputs of dtype " << t << ".";
  throw std::invalid_argument(msg.str());
}

// Gives `out` the buffer of a donatable input among `candidates` (marking it
// used), else a fresh one; with the given layout.
void allocate_output(array& out, const std::vector<array>& inputs, std::vector<bool>& candidate,
                     size_t data_size, const Strides& strides, array::Flags flags) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    const auto& in = inputs[i];
    if (candidate[i] && in.is_donatable() && in.itemsize() == out.itemsize()) {
      candidate[i] = false;
      out.copy_shared_buffer(in, strides, flags, data_size);
      return;
    }
  }
  out.set_data(allocator::malloc(std::max<size_t>(data_size * out.itemsize(), 1)), data_size,
               strides, flags);
}

} // namespace

void elementwise(const std::vector<array>& inputs, std::vector<array>& outputs, RowFn fn,
                 const void* params, const char* name, Cost cost) {
  if (!fn) unsupported(name, inputs.size() == 3 ? inputs[1].dtype() : inputs[0].dtype());
  const size_t nin = inputs.size(), nout = outputs.size();
  const Shape& shape = outputs[0].shape();
  const size_t size = outputs[0].size();
  const int ndim = static_cast<int>(shape.size());
  const size_t grain = min_per_thread(cost);

  // ---- fast layout: broadcast scalars and dense inputs of one layout ----
  const array* dense = nullptr;
  bool fast = true;
  for (const auto& in : inputs) {
    if (in.data_size() == 1) continue;
    bool is_dense = in.flags().contiguous && in.data_size() == size && in.shape() == shape;
    if (!is_dense || (dense && dense->strides() != in.strides())) {
      fast = false;
      break;
    }
    if (!dense) dense = &in;
  }

  std::vector<bool> candidate(nin, false);
  if (fast) {
    Strides strides;
    array::Flags flags{};
    if (dense) {
      strides = dense->strides();
      flags = dense->flags();
      for (size_t i = 0; i < nin; ++i) candidate[i] = inputs[i].data_size() == size && size > 1;
    } else {
      strides = make_contiguous_strides(shape);
      flags = view_flags(shape, strides).first;
      // A 1-element output may reuse a 1-element input of the same shape.
      for (size_t i = 0; i < nin; ++i) candidate[i] = size == 1 && inputs[i].shape() == shape;
    }
    for (auto& out : outputs) allocate_output(out, inputs, candidate, size, strides, flags);
    if (size == 0) return;

    int64_t st[kMaxIn];
    for (size_t i = 0; i < nin; ++i) st[i] = inputs[i].data_size() == 1 ? 0 : 1;
    cpu::parallel_for(size, grain, [&](size_t b, size_t e) {
      const char* ip[kMaxIn];
      char* op[kMaxOut];
      for (size_t i = 0; i < nin; ++i) ip[i] = inputs[i].data<char>() + st[i] * b * inputs[i].itemsize();
      for (size_t k = 0; k < nout; ++k) op[k] = outputs[k].data<char>() + b * outputs[k].itemsize();
      fn(ip, st, op, static_cast<int64_t>(e - b), params);
    });
    return;
  }

  // ---- general layout: row-contiguous output, broadcast strides ----
  Strides out_strides = make_contiguous_strides(shape);
  {
    array::Flags flags = view_flags(shape, out_strides).first;
    for (size_t i = 0; i < nin; ++i) {
      const auto& in = inputs[i];
      candidate[i] = in.flags().row_contiguous && in.data_size() == size && in.shape() == shape;
    }
    for (auto& out : outputs) allocate_output(out, inputs, candidate, size, out_strides, flags);
  }
  if (size == 0) return;

  std::vector<Strides> all(nin + 1, Strides(ndim, 0));
  for (size_t i = 0; i < nin; ++i) {
    const auto& in = inputs[i];
    int off = ndim - static_cast<int>(in.ndim());
    for (int d = 0; d < static_cast<int>(in.ndim()); ++d) {
      all[i][off + d] = in.shape(d) == 1 ? 0 : in.strides()[d];
    }
  }
  all[nin] = out_strides;
  auto [cshape, cstrides] = collapse_contiguous_dims(shape, all);
  const int nd = static_cast<int>(cshape.size());
  const int64_t inner = cshape.back();
  int64_t st[kMaxIn];
  for (size_t i = 0; i < nin; ++i) st[i] = cstrides[i].back();
  size_t rows = 1;
  for (int d = 0; d + 1 < nd; ++d) rows *= cshape[d];

  // An input walking its rows with a large step (a transpose) misses the
  // cache on every element of a long row: go through the last two dims in
  // tiles so the cache lines it touches are reused by the next rows.
  bool tile = false;
  if (nd >= 2 && inner >= 2 * kTile && cshape[nd - 2] >= 2 * kTile) {
    for (size_t i = 0; i < nin; ++i) tile = tile || std::llabs(st[i]) > 1;
  }
  if (tile) {
    const int64_t R = cshape[nd - 2];
    const int64_t row_tiles = (R + kTile - 1) / kTile;
    const size_t outer = rows / static_cast<size_t>(R);
    int64_t rs[kMaxIn];
    for (size_t i = 0; i < nin; ++i) rs[i] = cstrides[i][nd - 2];
    size_t min_tasks = std::max<size_t>(1, grain / static_cast<size_t>(kTile * inner));
    cpu::parallel_for(outer * row_tiles, min_tasks, [&](size_t b, size_t e) {
      std::vector<ContiguousIterator> its;
      its.reserve(nin);
      for (size_t i = 0; i < nin; ++i) its.emplace_back(cshape, cstrides[i], nd - 2);
      const char* ip[kMaxIn];
      char* op[kMaxOut];
      size_t cur_outer = static_cast<size_t>(-1);
      for (size_t task = b; task < e; ++task) {
        size_t o = task / row_tiles;
        int64_t r0 = static_cast<int64_t>(task % row_tiles) * kTile;
        int64_t r1 = std::min(R, r0 + kTile);
        if (o != cur_outer) {
          for (auto& it : its) it.seek(static_cast<int64_t>(o));
          cur_outer = o;
        }
        for (int64_t c0 = 0; c0 < inner; c0 += kTile) {
          int64_t len = std::min<int64_t>(kTile, inner - c0);
          for (int64_t r = r0; r < r1; ++r) {
            for (size_t i = 0; i < nin; ++i) {
              ip[i] = inputs[i].data<char>() +
                      (its[i].loc + r * rs[i] + c0 * st[i]) * inputs[i].itemsize();
            }
            int64_t out_elem = (static_cast<int64_t>(o) * R + r) * inner + c0;
            for (size_t k = 0; k < nout; ++k) {
              op[k] = outputs[k].data<char>() + out_elem * outputs[k].itemsize();
            }
            fn(ip, st, op, len, params);
          }
        }
      }
    });
    return;
  }

  if (rows == 1) {
    // One long row: split it across threads.
    cpu::parallel_for(inner, grain, [&](size_t b, size_t e) {
      const char* ip[kMaxIn];
      char* op[kMaxOut];
      for (size_t i = 0; i < nin; ++i) ip[i] = inputs[i].data<char>() + st[i] * b * inputs[i].itemsize();
      for (size_t k = 0; k < nout; ++k) op[k] = outputs[k].data<char>() + b * outputs[k].itemsize();
      fn(ip, st, op, static_cast<int64_t>(e - b), params);
    });
    return;
  }
  size_t min_rows = std::max<size_t>(1, grain / std::max<int64_t>(inner, 1));
  cpu::parallel_for(rows, min_rows, [&](size_t b, size_t e) {
    std::vector<ContiguousIterator> its;
    its.reserve(nin);
    for (size_t i = 0; i < nin; ++i) {
      its.emplace_back(cshape, cstrides[i], nd - 1);
      its.back().seek(static_cast<int64_t>(b));
    }
    const char* ip[kMaxIn];
    char* op[kMaxOut];
    for (size_t r = b; r < e; ++r) {
      for (size_t i = 0; i < nin; ++i) ip[i] = inputs[i].data<char>() + its[i].loc * inputs[i].itemsize();
      for (size_t k = 0; k < nout; ++k) op[k] = outputs[k].data<char>() + r * inner * outputs[k].itemsize();
      fn(ip, st, op, inner, params);
      for (auto& it : its) it.step();
    }
  });
}

} // namespace binary_cpu

namespace {

using binary_cpu::Cost;
using binary_cpu::Op;

void run(Op op, const std::vector<array>& inputs, array& out, const char* name,
         Cost cost = Cost::Cheap) {
  std::vector<array> outs{out};
  binary_cpu::elementwise(inputs, outs, binary_cpu::row_fn(op, inputs[0].dtype()), nullptr, name,
                          cost);
}

// Whether every element of a bool array is true.
bool all_true(const array& a) {
  const bool* p = a.data<bool>();
  size_t n = a.data_size();
  for (size_t i = 0; i < n; ++i) {
    if (!p[i]) return false;
  }
  return true;
}

// Computes a bool elementwise result into a temporary and stores whether it
// is all true into the 0-d `out`.
void reduce_all(const std::vector<array>& inputs, array& out, binary_cpu::RowFn fn,
                const void* params, const char* name) {
  auto shape = binary_output_shape(inputs);
  std::vector<array> tmp{array(shape, bool_, nullptr, {})};
  tmp[0].detach();
  binary_cpu::elementwise(inputs, tmp, fn, params, name);
  bool v = all_true(tmp[0]);
  out.set_data(allocator::malloc(1));
  *out.data<bool>() = v;
}

} // namespace

void Add::eval_cpu(const std::vector<array>& inputs, array& out) { run(Op::Add, inputs, out, "Add"); }
void Subtract::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::Subtract, inputs, out, "Subtract");
}
void Multiply::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::Multiply, inputs, out, "Multiply");
}
void Divide::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::Divide, inputs, out, "Divide");
}
void FloorDivide::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::FloorDivide, inputs, out, "FloorDivide", Cost::Heavy);
}
void Remainder::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::Remainder, inputs, out, "Remainder", Cost::Heavy);
}
void Power::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::Power, inputs, out, "Power", Cost::Heavy);
}
void Maximum::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::Maximum, inputs, out, "Maximum");
}
void Minimum::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::Minimum, inputs, out, "Minimum");
}
void ArcTan2::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::ArcTan2, inputs, out, "ArcTan2", Cost::Heavy);
}
void LogAddExp::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::LogAddExp, inputs, out, "LogAddExp", Cost::Heavy);
}
void Equal::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(equal_nan_ ? Op::NaNEqual : Op::Equal, inputs, out, name());
}
void NotEqual::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::NotEqual, inputs, out, "NotEqual");
}
void Less::eval_cpu(const std::vector<array>& inputs, array& out) { run(Op::Less, inputs, out, "Less"); }
void LessEqual::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::LessEqual, inputs, out, "LessEqual");
}
void Greater::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::Greater, inputs, out, "Greater");
}
void GreaterEqual::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::GreaterEqual, inputs, out, "GreaterEqual");
}
void LogicalAnd::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::LogicalAnd, inputs, out, "LogicalAnd");
}
void LogicalOr::eval_cpu(const std::vector<array>& inputs, array& out) {
  run(Op::LogicalOr, inputs, out, "LogicalOr");
}

void BitwiseBinary::eval_cpu(const std::vector<array>& inputs, array& out) {
  using K = binary_cpu::Op;
  K op = K::BitwiseAnd;
  switch (op_) {
    case Op::And: op = K::BitwiseAnd; break;
    case Op::Or: op = K::BitwiseOr; break;
    case Op::Xor: op = K::BitwiseXor; break;
    case Op::LeftShift: op = K::LeftShift; break;
    case Op::RightShift: op = K::RightShift; break;
  }
  run(op, inputs, out, name());
}

void DivMod::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  binary_cpu::elementwise(inputs, outputs, binary_cpu::row_fn(Op::DivMod, inputs[0].dtype()),
                          nullptr, "DivMod", Cost::Heavy);
}

void Select::eval_cpu(const std::vector<array>& inputs, array& out) {
  std::vector<array> outs{out};
  binary_cpu::elementwise(inputs, outs, binary_cpu::select_row(out.itemsize()), nullptr, "Select");
}

void IsClose::eval_cpu(const std::vector<array>& inputs, array& out) {
  binary_cpu::IsCloseParams p{rtol_, atol_, equal_nan_};
  auto fn = binary_cpu::isclose_row(inputs[0].dtype());
  if (reduce_) {
    reduce_all(inputs, out, fn, &p, name());
  } else {
    std::vector<array> outs{out};
    binary_cpu::elementwise(inputs, outs, fn, &p, name(), Cost::Heavy);
  }
}

void ArrayEqual::eval_cpu(const std::vector<array>& inputs, array& out) {
  reduce_all(inputs, out,
             binary_cpu::row_fn(equal_nan_ ? Op::NaNEqual : Op::Equal, inputs[0].dtype()),
             nullptr, "ArrayEqual");
}

} // namespace mlx::core
