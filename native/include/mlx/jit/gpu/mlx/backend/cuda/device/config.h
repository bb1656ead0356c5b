// MLX's CUDA device configuration, as MLX's generated kernels see it
// (mlx/backend/cuda/device/config.h): usable from device and host code.
#pragma once

// Shape / Strides kernel parameters hold this many dimensions.
#define MAX_NDIM 10

// Every NVIDIA GPU has 32-lane warps; a constant lets the compiler fold it.
#define WARP_SIZE 32
