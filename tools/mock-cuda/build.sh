#!/usr/bin/env bash
# Builds the mock CUDA driver and NVRTC (see README.md) into tools/mock-cuda/lib/:
#   lib/libcuda.so.1     (mock_cuda.c with -DMOCK_DRIVER)
#   lib/libnvrtc.so.13   (mock_cuda.c with -DMOCK_NVRTC)
# Use: MLX_TS_CUDA_PATH=<this folder>/lib node ...   (CC=clang to use another compiler)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/lib"
cc="${CC:-gcc}"
flags=(-std=gnu11 -O2 -g -fPIC -shared -fvisibility=hidden -fno-omit-frame-pointer
       -Wall -Wextra -Wno-unused-function -Wno-unused-parameter)
mkdir -p "$out"
"$cc" "${flags[@]}" -DMOCK_DRIVER -Wl,-soname,libcuda.so.1 -o "$out/libcuda.so.1.tmp" "$here/mock_cuda.c"
"$cc" "${flags[@]}" -DMOCK_NVRTC -Wl,-soname,libnvrtc.so.13 -o "$out/libnvrtc.so.13.tmp" "$here/mock_cuda.c"
mv -f "$out/libcuda.so.1.tmp" "$out/libcuda.so.1"
mv -f "$out/libnvrtc.so.13.tmp" "$out/libnvrtc.so.13"
echo "mock-cuda: built $out/libcuda.so.1 $out/libnvrtc.so.13"
