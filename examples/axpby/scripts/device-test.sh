#!/usr/bin/env bash
# Runs the axpby extension's tests (and its benchmark) on a GPU machine that
# has no build tools, with builds carried from the machine that made them:
#
#   here (a checkout with node_modules):
#     MLX_TS_PORTABLE=1 MLX_TS_BUILD_DIR=build-portable npm run build:native
#     MLX_TS_BUILD_DIR=build-portable node examples/axpby/scripts/build.mjs
#   carry (besides the working tree): .device  build-portable/Release
#                                      examples/axpby/build-portable/Release
#   there (from the repository root):
#     bash examples/axpby/scripts/device-test.sh [steps...]   steps: check test bench (default: all)
#
# .device holds node.xz (a node binary) and node_modules.tar.xz (the root's
# node_modules); they are unpacked when node / node_modules are missing. The
# extension's rpath ($ORIGIN/../../../../build-portable/Release) makes it load
# the same libmlxts.so as mlx-ts' addon wherever the repository was copied to.
# MLX_TS_BUILD_DIR picks another build folder name (the same for both builds).
# Logs go to $OUT (default /tmp/out).
set -uo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
export MLX_TS_BUILD_DIR=${MLX_TS_BUILD_DIR:-build-portable}
export MLX_TS_CACHE_DIR=${MLX_TS_CACHE_DIR:-/tmp/mlx-ts-cache}
build=$(basename "$MLX_TS_BUILD_DIR")

if ! command -v node >/dev/null 2>&1; then
  if [ -f .device/node.xz ]; then
    xz -dc .device/node.xz > /tmp/node && chmod +x /tmp/node && export PATH=/tmp:$PATH
  else
    echo "device-test: node is not on PATH and .device/node.xz was not carried" >&2
    exit 1
  fi
fi
if [ ! -d node_modules/vitest ]; then
  if [ -f .device/node_modules.tar.xz ]; then
    tar xJf .device/node_modules.tar.xz
  else
    echo "device-test: node_modules is missing and .device/node_modules.tar.xz was not carried" >&2
    exit 1
  fi
fi

# What `npm install` in examples/axpby does: link mlx-ts (index.ts imports it).
if [ ! -e examples/axpby/node_modules/mlx-ts ]; then
  mkdir -p examples/axpby/node_modules && ln -sfn ../../.. examples/axpby/node_modules/mlx-ts
fi

missing=0
for f in "$MLX_TS_BUILD_DIR/Release/mlx_ts.node" "$MLX_TS_BUILD_DIR/Release/libmlxts.so" \
         "examples/axpby/$build/Release/axpby_ext.node"; do
  if [ ! -f "$f" ]; then
    echo "device-test: $f is missing (carry it; see the top of this script)" >&2
    missing=1
  fi
done
[ "$missing" = 0 ] || exit 1

rc=0
steps=${*:-check test bench}
for s in $steps; do
  echo "=== axpby: $s"
  case $s in
    check)
      command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,compute_cap,driver_version --format=csv,noheader
      # Both addons must resolve libmlxts.so to the same file.
      a=$(ldd "$MLX_TS_BUILD_DIR/Release/mlx_ts.node" | awk '/libmlxts/ {print $3}')
      b=$(ldd "examples/axpby/$build/Release/axpby_ext.node" | awk '/libmlxts/ {print $3}')
      echo "mlx_ts.node -> $a"
      echo "axpby_ext.node -> $b"
      if [ -z "$b" ] || [ "$(readlink -f "$a")" != "$(readlink -f "$b")" ]; then
        echo "device-test: the extension does not load the same libmlxts.so as mlx-ts" >&2
        rc=1
      fi
      (cd examples/axpby && node --import tsx --conditions=source -e \
        "import('./index.ts').then((m) => console.log(JSON.stringify(m.cudaInfo())))") 2>&1 | tee "$OUT/axpby_cuda_info.json" ;;
    test)
      (cd examples/axpby && node ../../node_modules/vitest/vitest.mjs run 2>&1) | tee "$OUT/axpby_test.log" \
        | grep -E "✓|×|FAIL|Error|skipped|Test Files|Tests " | head -80
      grep -qE "Test Files .*failed|Tests .*failed" "$OUT/axpby_test.log" && rc=1
      grep -qE "Tests .*passed" "$OUT/axpby_test.log" || rc=1 ;;
    bench)
      node --import tsx --conditions=source bench/axpby.ts 2>&1 | tee "$OUT/bench_axpby.json" | tail -40 ;;
    *)
      echo "device-test: unknown step '$s' (check, test, bench)" >&2
      rc=1 ;;
  esac
done
exit $rc
