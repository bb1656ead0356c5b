// Umbrella header of the mlx-ts runtime (MLX-compatible C++ API).
#pragma once

#include "mlx/allocator.h"
#include "mlx/array.h"
#include "mlx/compile.h"
#include "mlx/device.h"
#include "mlx/dtype.h"
#include "mlx/ops.h"
#include "mlx/primitives.h"
#include "mlx/stream.h"
#include "mlx/transforms.h"
#include "mlx/utils.h"
