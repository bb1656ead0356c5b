#!/usr/bin/env bash
# Everything the GPU machine runs in one call (see the device tool's README):
#   carry: .device build-portable/Release examples/axpby/build-portable/Release
#     (MLX_TS_PORTABLE=1 MLX_TS_BUILD_DIR=build-portable npm run build:native;
#      MLX_TS_BUILD_DIR=build-portable node examples/axpby/scripts/build.mjs)
#   command: bash test/gpu/run_device.sh [steps...]   steps: tools selftest translation kernels ops runtime suite trace bench axpby (default: all but suite)
set -uo pipefail
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
xz -dc .device/node.xz > /tmp/node && chmod +x /tmp/node && export PATH=/tmp:$PATH
[ -d node_modules ] || tar xJf .device/node_modules.tar.xz
export MLX_TS_BUILD_DIR=build-portable MLX_TS_CACHE_DIR=/tmp/mlx-ts-cache
steps=${*:-selftest translation kernels ops bench}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
for s in $steps; do
  echo "=== $s"
  case $s in
    selftest)
      g++ -std=c++17 -O2 -I native/include -I native/src/core native/src/backend/cuda/{cuda_api,device,device_allocator,nvrtc_compiler}.cpp native/src/kernels/cache_files.cpp \
        native/src/backend/cuda/selftest/cuda_selftest.cpp -ldl -lpthread -o /tmp/cuda_selftest \
        && /tmp/cuda_selftest --require-gpu 2>&1 | tee "$OUT/selftest.log" | tail -25 ;;
    translation)
      nvcc -std=c++17 -O2 -arch=sm_90 -I native/include/mlx/jit/gpu -o /tmp/metal_translation_check \
        test/gpu/metal_translation_check.cu && /tmp/metal_translation_check 2>&1 | tee "$OUT/translation.log" | tail -15 ;;
    kernels)
      node node_modules/vitest/vitest.mjs run test/fast.metal-kernel.test.ts test/fast.cuda-kernel.test.ts \
        test/fast.grid-sample.test.ts 2>&1 | tee "$OUT/kernels.log" | grep -E "✓|×|FAIL|Error|Test Files|Tests " | head -80 ;;
    ops)
      [ -f test/gpu.ops.test.ts ] && node node_modules/vitest/vitest.mjs run test/gpu.ops.test.ts 2>&1 \
        | tee "$OUT/ops.log" | grep -E "×|FAIL|Test Files|Tests " | head -60 ;;
    runtime)
      node node_modules/vitest/vitest.mjs run test/core.runtime.test.ts 2>&1 | grep -E "×|FAIL|Test Files|Tests " ;;
    suite)
      node node_modules/vitest/vitest.mjs run 2>&1 | tee "$OUT/suite.log" | grep -E "×|FAIL|Test Files|Tests " | head -60 ;;
    tools)
      ls /usr/local/cuda/bin | tr '\n' ' '; echo; command -v nsys ncu compute-sanitizer || true
      python3 -c "import torch; print('torch', torch.__version__)" 2>&1 | tail -1 ;;
    trace)
      MLX_TS_GPU_TRACE=1 node --import tsx --conditions=source test/gpu/trace_probe.ts 2>&1 | tee "$OUT/trace.log" | grep -A12 -- "---" | head -150 ;;
    axpby)
      bash examples/axpby/scripts/device-test.sh 2>&1 | tail -40 ;;
    bench)
      node --import tsx --conditions=source bench/gpu.ts 2>&1 | tee "$OUT/bench_gpu.json" | tail -60 ;;
  esac
done
