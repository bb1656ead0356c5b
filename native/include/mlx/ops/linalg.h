// Operations of the linalg family: matrix products.
#pragma once

#include "mlx/array.h"
#include "mlx/utils.h"

namespace mlx::core {

/** Matrix product with numpy/MLX semantics: 2-D inputs multiply as matrices,
 * inputs with more dimensions are stacks of matrices whose batch dimensions
 * broadcast, a 1-D first input is a row vector and a 1-D second input a
 * column vector (the added dimension is removed from the result). Inputs are
 * promoted to a common inexact dtype; integer and bool inputs are an error. */
array matmul(const array& a, const array& b, StreamOrDevice s = {});

/** alpha * (a @ b) + beta * c, with c broadcast to the shape of a @ b. */
array addmm(array c, array a, array b, const float& alpha = 1.f, const float& beta = 1.f,
            StreamOrDevice s = {});

} // namespace mlx::core
