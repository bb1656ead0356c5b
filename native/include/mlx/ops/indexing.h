// Operations of the indexing family: take and take_along_axis.
//
// Index semantics (all ops here): indices may have any integer dtype and any
// layout. A negative index i counts from the end (i + n), as in MLX and numpy.
// MLX does not check bounds; here an index still outside [0, n) after that
// wrap is clamped to the nearest valid position (0 or n - 1), so a bad index
// never reads outside the array. JS/C++ integer indices (`take(a, 5, ...)`) are
// known eagerly and are checked: out of range is an error.
#pragma once

#include "mlx/array.h"
#include "mlx/utils.h"

namespace mlx::core {

/** Elements of `a` at `indices` along `axis`: the result's shape is
 * a.shape[:axis] + indices.shape + a.shape[axis+1:] (`a[:, indices]` for axis 1). */
array take(const array& a, const array& indices, int axis, StreamOrDevice s = {});

/** Elements of the flattened (row-major) `a` at `indices`; shaped like `indices`. */
array take(const array& a, const array& indices, StreamOrDevice s = {});

/** The slice of `a` at integer `index` along `axis` (that axis removed). */
array take(const array& a, int index, int axis, StreamOrDevice s = {});

/** The element of the flattened `a` at integer `index` (a 0-d array). */
array take(const array& a, int index, StreamOrDevice s = {});

/** Values of `a` at `indices` along `axis`; `indices` has a's number of
 * dimensions and broadcasts against `a` in every other dimension. The result
 * has the broadcast shape with indices' size along `axis`. */
array take_along_axis(const array& a, const array& indices, int axis, StreamOrDevice s = {});

/** take_along_axis over the flattened `a` (indices must be 1-D). */
array take_along_axis(const array& a, const array& indices, StreamOrDevice s = {});

/** `a` with `values` added at `indices` along `axis` (MLX's scatter_add_axis,
 * the adjoint of take_along_axis): indices has a's number of dimensions;
 * a, indices and values broadcast against each other in every dimension but
 * `axis`, indices and values also along it; values are cast to a's dtype.
 * Duplicate indices accumulate. The result has a's broadcast shape. */
array scatter_add_axis(const array& a, const array& indices, const array& values, int axis,
                       StreamOrDevice s = {});

} // namespace mlx::core
