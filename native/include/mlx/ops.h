// The operations API: each builds graph nodes; nothing computes until eval.
// Every op validates its inputs and throws std::invalid_argument whose message
// starts with "[op_name]".
#pragma once

#include "mlx/ops/binary.h"
#include "mlx/ops/creation.h"
#include "mlx/ops/indexing.h"
#include "mlx/ops/linalg.h"
#include "mlx/ops/random.h"
#include "mlx/ops/ranges.h"
#include "mlx/ops/reduce.h"
#include "mlx/ops/shape.h"
#include "mlx/ops/unary.h"
