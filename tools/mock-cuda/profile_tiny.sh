#!/usr/bin/env bash
# Host-side cost of a tiny GPU kernel call + eval, on the mock CUDA driver (no GPU needed):
#   1. builds the mock (build.sh) and checks that mx.gpu works on it (upload/download round trip);
#   2. prints per-iteration µs of: cudaKernel call, call+eval, mx.add, mx.add+eval (probe_tiny.ts);
#   3. runs each body of LOOPS under `perf record` (sampling starts after the warm-up) and prints
#      a summary of where the host time goes (perf_summary.py).
# Environment:
#   MLX_TS_ROOT   mlx-ts checkout to run (its sdk/ and build/); default: the one this script is in
#   LOOPS         bodies to profile (default "callEval addEval"; also: call, add)
#   SECONDS_PER   seconds each profiled loop runs (default 5)
#   RUNS          timing runs, each a fresh process (default 5; the spread between runs is large)
#   FREQ          sampling frequency (default 1999 Hz with fp, 999 with dwarf)
#   CALLGRAPH     "fp dwarf" (default: both, one after the other), "fp" or "dwarf".
#                 fp = `perf record -g` (frame pointers): JS frames named (--perf-basic-prof), but
#                 samples ending in libc (no frame pointers there) lose their callers.
#                 dwarf = `--call-graph dwarf`: native callers exact, JS (JIT) frames lost.
#   TOP           rows in the flat/inclusive tables (default 40)
#   OUT           folder for perf data and text (default: a new /tmp/mock-cuda-profile.*)
#   MOCK_CUDA_LAUNCH_NS  busy-wait per launch in the mock (imitates the driver's launch cost)
# For readable native stacks, build the addon with frame pointers, e.g.
#   cmake -DCMAKE_CXX_FLAGS_RELEASE="-O3 -DNDEBUG -fno-omit-frame-pointer -g1" build && cmake --build build
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${MLX_TS_ROOT:-$(cd "$here/../.." && pwd)}"
root="$(cd "$root" && pwd)"
loops="${LOOPS:-callEval addEval}"
secs="${SECONDS_PER:-5}"
runs="${RUNS:-5}"
callgraphs="${CALLGRAPH:-fp dwarf}"
top="${TOP:-40}"
out="${OUT:-$(mktemp -d /tmp/mock-cuda-profile.XXXXXX)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

"$here/build.sh" >/dev/null
export MLX_TS_CUDA_PATH="$here/lib"
export MLX_TS_ROOT="$root"
# The mock's fake CUBINs stay out of the real kernel cache.
export MLX_TS_CACHE_DIR="${MLX_TS_CACHE_DIR:-$out/kernel-cache}"

loader="$root/node_modules/tsx/dist/loader.mjs"
if [ ! -f "$loader" ]; then
  loader="$(cd "$root" && node -p "require.resolve('tsx/esm')" 2>/dev/null || true)"
fi
if [ -z "$loader" ] || [ ! -f "$loader" ]; then
  echo "profile_tiny: tsx not found under $root/node_modules (npm install there)" >&2
  exit 1
fi
addon="${MLX_TS_ADDON:-$root/${MLX_TS_BUILD_DIR:-build}/Release/mlx_ts.node}"
[ -f "$addon" ] || { echo "profile_tiny: no addon at $addon (node scripts/build-native.mjs in $root)" >&2; exit 1; }

# node with tsx, from $out (V8's --perf-basic-prof writes isolate-*.log into the working folder).
probe() { (cd "$out" && node "$@" --conditions=source --import "file://$loader" "$here/probe_tiny.ts"); }

echo "== mlx-ts: $root   addon: $addon"
echo "== mock:   $MLX_TS_CUDA_PATH (kernels do not run)${MOCK_CUDA_LAUNCH_NS:+, MOCK_CUDA_LAUNCH_NS=$MOCK_CUDA_LAUNCH_NS}"
echo "== check"
WHAT=check probe
# The bodies really take the GPU path: the mock counts the launches of a short run.
launches="$(WHAT=loop LOOP=callEval SECONDS=0 MOCK_CUDA_STATS=1 probe 2>&1 | sed -n 's/^ *cuLaunchKernel *//p')"
echo "mock cuLaunchKernel calls in the probe's warm-up (mx.ones + 3000 callEval + 3000 addEval): ${launches:-none}"

echo "== per-iteration µs (median of 15 rounds of 2000; call = cudaKernel call + dispose,"
echo "   callEval = call + eval + dispose, add = mx.add(a, 1, mx.gpu) + dispose, addEval = add + eval)"
for ((r = 1; r <= runs; r++)); do WHAT=all probe | tee -a "$out/timings.jsonl"; done
python3 - "$out/timings.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l)["usPerIter"] for l in open(sys.argv[1]) if l.strip()]
print("   over %d runs:" % len(rows), "  ".join(
    "%s min %.2f med %.2f" % (k, min(r[k] for r in rows), statistics.median(r[k] for r in rows)) for k in rows[0]))
PY

if ! command -v perf >/dev/null; then
  echo "profile_tiny: perf not installed; skipping the profile" >&2
  exit 0
fi
for callgraph in $callgraphs; do
  case "$callgraph" in
    fp) cg=(-g); freq="${FREQ:-1999}" ;;
    dwarf) cg=(--call-graph dwarf,16384); freq="${FREQ:-999}" ;;
    *) echo "profile_tiny: CALLGRAPH must list fp and/or dwarf" >&2; exit 1 ;;
  esac
  for loop in $loops; do
    name="$loop.$callgraph"
    ctl="$out/$name.ctl"
    rm -f "$ctl"
    mkfifo "$ctl"
    echo
    echo "== perf record ($callgraph, $freq Hz, ${secs}s) of $loop"
    # perf starts node itself (an exec through a shell loses dwarf callers) and samples
    # from the probe's 'enable' on the control fifo, after the warm-up.
    (cd "$out" && WHAT=loop LOOP="$loop" SECONDS="$secs" PERF_CTL_FIFO="$ctl" \
      perf record -q -D -1 --control="fifo:$ctl" -F "$freq" "${cg[@]}" -o "$out/$name.data" -- \
      node --perf-basic-prof --conditions=source --import "file://$loader" "$here/probe_tiny.ts") \
      2> "$out/$name.stderr" || {
        cat "$out/$name.stderr" >&2
        echo "profile_tiny: perf record failed (perf_event_paranoid: $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null))" >&2
        exit 1
      }
    rm -f "$ctl"
    line="$(grep '^\[probe\]' "$out/$name.stderr" || true)"
    echo "   $line"
    iters="$(sed -n 's/.*: \([0-9]*\) iterations.*/\1/p' <<<"$line")"
    # V8 reuses code addresses (startup code collected, the loop's optimised code placed
    # there): in the JIT symbol map the last entry of an address range is the live one.
    pid="$(perf script -i "$out/$name.data" -F pid 2>/dev/null | head -1 | tr -d ' ' || true)"
    if [ -n "$pid" ] && [ -f "/tmp/perf-$pid.map" ]; then
      python3 "$here/perf_summary.py" --dedupe-map "/tmp/perf-$pid.map"
    fi
    perf script -i "$out/$name.data" --no-inline -F tid,period,ip,sym,dso > "$out/$name.txt" 2>/dev/null
    python3 "$here/perf_summary.py" "$out/$name.txt" --iterations "${iters:-1}" --top "$top" --src "$root" \
      --title "$loop ($callgraph)"
  done
done
echo
echo "== perf data and text in $out (perf report -i $out/<loop>.<fp|dwarf>.data --no-children;"
echo "   JS names come from /tmp/perf-<pid>.map, left in place for that)"
