// Every primitive family, for code that needs them all (extensions, transforms).
#pragma once
#include "mlx/primitives/creation.h"
#include "mlx/primitives/custom.h"
#include "mlx/primitives/unary.h"
#include "mlx/primitives/binary.h"
#include "mlx/primitives/reduce.h"
#include "mlx/primitives/shape.h"
#include "mlx/primitives/indexing.h"
#include "mlx/primitives/linalg.h"
#include "mlx/primitives/random.h"
#include "mlx/primitives/ranges.h"
