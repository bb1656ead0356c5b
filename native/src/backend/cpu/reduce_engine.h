// The layout walk shared by every CPU reduction. It is not templated: the
// dtype-specific work is a handful of small functions (a Kernel) selected at run
// time, and this walk decides how to cover the input with them:
//
//  * row mode: the innermost reduced dimension is contiguous (or nothing better
//    applies): each output accumulates rows with `row` (vectorised over the row);
//  * column mode: the innermost kept dimension is contiguous and long: blocks of
//    outputs accumulate input rows with `cols` (out[j] += in[i, j], which
//    vectorises over j), four rows per pass, into an inner accumulator (float for
//    float sums) flushed to the real one (double) every 32 rows;
//  * short rows (up to 64 elements): `segments` reduces a run of outputs per call;
//  * few outputs over a big reduction: the reduction itself is split across
//    threads into partial accumulators that `combine` merges in order.
#pragma once

#include <cstdint>
#include <vector>

#include "mlx/array.h"

namespace mlx::core::cpu::reduce {

/** Input rows handed to Kernel::cols at once. Reading four rows per store to
 * the accumulators avoids store-to-load stalls (4K aliasing) and quarters the
 * accumulator traffic. */
constexpr int kColRows = 4;

/** Parameters of a kernel's last step. */
struct FinishArgs {
  double scale{1.0}; // multiplies the accumulated value (mean: 1 / count)
  double count{0.0}; // elements reduced per output
  int ddof{0};
  bool sqrt{false};
};

/** The dtype-specific functions of one reduction (see reduce_kernels.h). */
struct Kernel {
  int acc_size{0};   // bytes of one accumulator
  int inner_size{0}; // bytes of one column accumulator; 0 when columns use acc directly
  int aux_size{0};   // bytes of one per-output auxiliary value (two-pass reductions)
  // Sets n accumulators to the identity.
  void (*init)(void* acc, int64_t n){nullptr};
  void (*init_inner)(void* inner, int64_t n){nullptr};
  // acc[0] op= in[i * stride], i < n. `pos` is the reduction index of in[0].
  void (*row)(const char* in, int64_t stride, int64_t n, void* acc, const void* aux,
              int64_t pos){nullptr};
  // row() for nseg outputs at once: acc[s] op= in[s * seg_stride + i * stride],
  // i < n (one function call for many short rows).
  void (*segments)(const char* in, int64_t seg_stride, int64_t nseg, int64_t n, int64_t stride,
                   void* acc, const void* aux, int64_t pos){nullptr};
  // acc[j] op= rows[r][j] for r < nrows (at most kColRows), j < n (contiguous);
  // the rows are consecutive reduction indices starting at `pos`. acc is the
  // inner accumulator when inner_size > 0.
  void (*cols)(const char* const* rows, int nrows, int64_t n, void* acc, const void* aux,
               int64_t pos){nullptr};
  // acc[j] op= inner[j].
  void (*merge_inner)(const void* inner, void* acc, int64_t n){nullptr};
  // acc[j] = acc[j] op later[j], where `later` covers later reduction indices.
  void (*combine)(void* acc, const void* later, int64_t n){nullptr};
  // out[j] = final value of acc[j].
  void (*finish)(const void* acc, char* out, int64_t n, const void* aux,
                 const FinishArgs& args){nullptr};
};

/** Input of a reduction: a strided view. */
struct Input {
  const char* data;
  int itemsize;
  Shape shape;
  Strides strides; // in elements
};

/** Reduces `in` over the sorted `axes` into the row-contiguous `out` (the kept
 * dimensions in order), `out_item` bytes per element. `aux` holds one value per
 * output (kernel.aux_size bytes each) or is null. `ordered` keeps the reduced
 * axes in index order (arg reductions); otherwise they are walked in memory order. */
void run(const Kernel& k, const Input& in, const std::vector<int>& axes, char* out,
         int out_item, const void* aux, const FinishArgs& args, bool ordered = false);

} // namespace mlx::core::cpu::reduce
