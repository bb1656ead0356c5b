// Operations of the shape family: views and rearrangements (reshape,
// transpose, broadcast, squeeze/expand, slicing, split, concatenate, stack).
#pragma once

#include <vector>

#include "mlx/array.h"
#include "mlx/utils.h"

namespace mlx::core {

/** A view of `a`'s row-major elements with the given shape, strides (in
 * elements) and offset. No bounds checks beyond the input's size: as in MLX,
 * the caller is responsible for staying inside it. */
array as_strided(array a, Shape shape, Strides strides, size_t offset, StreamOrDevice s = {});

/** `a` with a new shape of the same size; one dimension may be -1 (inferred).
 * A view when the layout allows it (always for row-contiguous inputs), else a copy. */
array reshape(const array& a, Shape shape, StreamOrDevice s = {});

/** Merges axes start_axis..end_axis (inclusive, clamped into range) into one. */
array flatten(const array& a, int start_axis, int end_axis = -1, StreamOrDevice s = {});
/** All axes into one (a 0-d array becomes shape (1,)). */
array flatten(const array& a, StreamOrDevice s = {});

/** Splits `axis` into `shape` (one entry may be -1). */
array unflatten(const array& a, int axis, Shape shape, StreamOrDevice s = {});

/** Removes the given size-1 axes (a view). */
array squeeze(const array& a, const std::vector<int>& axes, StreamOrDevice s = {});
array squeeze(const array& a, int axis, StreamOrDevice s = {});
/** Removes every size-1 axis. */
array squeeze(const array& a, StreamOrDevice s = {});

/** Inserts size-1 axes at the given positions of the output (a view). */
array expand_dims(const array& a, const std::vector<int>& axes, StreamOrDevice s = {});
array expand_dims(const array& a, int axis, StreamOrDevice s = {});

/** A strided view: per axis, elements start, start + stride, ... before stop.
 * Python slice semantics: negative start/stop count from the end, out-of-range
 * bounds clamp, negative strides walk backwards. No copy. */
array slice(const array& a, Shape start, Shape stop, Shape strides, StreamOrDevice s = {});
array slice(const array& a, Shape start, Shape stop, StreamOrDevice s = {});

/** Dynamic slice (MLX's `slice(a, start_indices, axes, slice_size)`): a block
 * of `slice_size` starting at the positions held by the integer array `start`
 * along `axes` (0 along the other axes). Starts are read at evaluation time and
 * clamped so that the block stays inside `a`. */
array slice(const array& a, const array& start, std::vector<int> axes, Shape slice_size,
            StreamOrDevice s = {});

/** Splits into `num_splits` equal views along `axis` (error when not divisible). */
std::vector<array> split(const array& a, int num_splits, int axis, StreamOrDevice s = {});
std::vector<array> split(const array& a, int num_splits, StreamOrDevice s = {});
/** Splits at the given indices along `axis` (views). */
std::vector<array> split(const array& a, const Shape& indices, int axis, StreamOrDevice s = {});
std::vector<array> split(const array& a, const Shape& indices, StreamOrDevice s = {});

/** Joins arrays along an existing axis, promoting to a common dtype. */
array concatenate(std::vector<array> arrays, int axis, StreamOrDevice s = {});
/** Joins the flattened arrays. */
array concatenate(std::vector<array> arrays, StreamOrDevice s = {});

/** Joins same-shaped arrays along a new axis. */
array stack(const std::vector<array>& arrays, int axis, StreamOrDevice s = {});
array stack(const std::vector<array>& arrays, StreamOrDevice s = {});

/** Moves axis `source` to position `destination` (a view). */
array moveaxis(const array& a, int source, int destination, StreamOrDevice s = {});
/** Swaps two axes (a view). */
array swapaxes(const array& a, int axis1, int axis2, StreamOrDevice s = {});

/** Permutes the axes: output axis i is input axis axes[i] (a view). */
array transpose(const array& a, std::vector<int> axes, StreamOrDevice s = {});
/** Reverses the axes. */
array transpose(const array& a, StreamOrDevice s = {});

/** Broadcasts to `shape` with numpy's rules (a view with zero strides). */
array broadcast_to(const array& a, const Shape& shape, StreamOrDevice s = {});
/** Broadcasts the arrays against one another. */
std::vector<array> broadcast_arrays(const std::vector<array>& inputs, StreamOrDevice s = {});

array atleast_1d(const array& a, StreamOrDevice s = {});
std::vector<array> atleast_1d(const std::vector<array>& arrays, StreamOrDevice s = {});
array atleast_2d(const array& a, StreamOrDevice s = {});
std::vector<array> atleast_2d(const std::vector<array>& arrays, StreamOrDevice s = {});
array atleast_3d(const array& a, StreamOrDevice s = {});
std::vector<array> atleast_3d(const std::vector<array>& arrays, StreamOrDevice s = {});

} // namespace mlx::core
