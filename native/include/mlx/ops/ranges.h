// Ranges and structured matrices: arange, linspace, eye, identity, tri,
// tril, triu; and view (reinterpreting an array's bytes as another dtype).
#pragma once

#include "mlx/array.h"
#include "mlx/utils.h"

namespace mlx::core {

/** Values start, start + step, ... in [start, stop): ceil((stop - start) / step)
 * of them (none when negative). As in numpy, element i is start' + i * step'
 * computed in the output dtype, with start' = dtype(start) and
 * step' = dtype(start + step) - dtype(start). Errors: bool dtype, step 0,
 * NaN or infinite bounds, more than INT_MAX elements. */
array arange(double start, double stop, double step, Dtype dtype, StreamOrDevice s = {});
array arange(double start, double stop, double step, StreamOrDevice s = {});
array arange(double start, double stop, Dtype dtype, StreamOrDevice s = {});
array arange(double start, double stop, StreamOrDevice s = {});
array arange(double stop, Dtype dtype, StreamOrDevice s = {});
array arange(double stop, StreamOrDevice s = {});
/** Integer overloads give int32. */
array arange(int start, int stop, int step, StreamOrDevice s = {});
array arange(int start, int stop, StreamOrDevice s = {});
array arange(int stop, StreamOrDevice s = {});

/** `num` evenly spaced values over [start, stop] (stop excluded when
 * `endpoint` is false), computed in double as numpy does (start + i * step,
 * the last value exactly stop) and cast to `dtype` (casts truncate, as
 * MLX's astype does). */
array linspace(double start, double stop, int num = 50, bool endpoint = true,
               Dtype dtype = float32, StreamOrDevice s = {});

/** An n x m matrix with ones on diagonal k (0: main, > 0 above, < 0 below). */
array eye(int n, int m, int k, Dtype dtype = float32, StreamOrDevice s = {});
array eye(int n, Dtype dtype, StreamOrDevice s = {});
array eye(int n, int m, StreamOrDevice s = {});
array eye(int n, int m, int k, StreamOrDevice s = {});
array eye(int n, StreamOrDevice s = {});

/** The n x n identity matrix. */
array identity(int n, Dtype dtype, StreamOrDevice s = {});
array identity(int n, StreamOrDevice s = {});

/** An n x m matrix with ones at and below diagonal k, zeros above. */
array tri(int n, int m, int k, Dtype dtype, StreamOrDevice s = {});
array tri(int n, Dtype dtype, StreamOrDevice s = {});

/** `x` (at least 2-D) with the elements above diagonal k of its last two
 * dimensions set to zero. */
array tril(array x, int k = 0, StreamOrDevice s = {});

/** `x` (at least 2-D) with the elements below diagonal k of its last two
 * dimensions set to zero. */
array triu(array x, int k = 0, StreamOrDevice s = {});

/** The bytes of `a` read as `dtype`. When the item sizes differ the last axis
 * scales by their ratio (it must divide evenly when viewing as a larger type);
 * a 0-d array can only change to a type of the same size. */
array view(const array& a, const Dtype& dtype, StreamOrDevice s = {});

} // namespace mlx::core
