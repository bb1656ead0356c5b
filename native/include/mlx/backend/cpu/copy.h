// Copies between arrays of any layout and dtype (the cast is part of the copy).
#pragma once

#include "mlx/array.h"

namespace mlx::core {

enum class CopyType {
  Scalar,  // broadcast src[0] into a contiguous dst
  Vector,  // contiguous to contiguous, same layout
  General, // strided src into a row-contiguous dst
};

/** Allocates `out` row-contiguous (or with `in`'s dense layout for Vector) and
 * copies `in` into it, casting to out's dtype. */
void copy_cpu(const array& in, array& out, CopyType ctype);

/** Copies `in` into an already allocated `out` viewed through (shape, out_strides, out_offset). */
void copy_cpu_inplace(const array& in, array& out, const Shape& shape,
                      const Strides& in_strides, const Strides& out_strides,
                      int64_t in_offset, int64_t out_offset);

/** `in` if it is row-contiguous, else a row-contiguous copy of it. */
array ensure_row_contiguous_cpu(const array& in);

} // namespace mlx::core
