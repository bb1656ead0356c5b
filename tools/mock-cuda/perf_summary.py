#!/usr/bin/env python3
"""Summarises a perf profile of a probe_tiny.ts loop (see profile_tiny.sh).

Input: `perf script --no-inline -F tid,period,ip,sym,dso` output. For the busiest
thread (the JS main thread, which also runs mx.eval's inline GPU task) it prints:
  - CPU µs per loop iteration of each thread;
  - the GPU host path in stages (inclusive µs/iter): N-API bindings, schedule,
    eval_on_gpu, allocator, launch path, sync, dispose, wrappers, GC, kernel;
  - callees of the main bindings (what their time is spent on);
  - flat (self) and inclusive top-N symbols, names shortened to be readable.
µs = (the thread's samples x sample period) / iterations: CPU time, not wall time.

usage: perf_summary.py SCRIPT_TXT --iterations N [--top 40] [--tid T] [--title S]
                       [--src ROOT]   (an mlx-ts checkout: names N-API lambdas by JS name)
       perf_summary.py --dedupe-map /tmp/perf-<pid>.map   (keeps the last of overlapping JIT entries)
"""
import argparse
import collections
import glob
import os
import re
import sys

# ---- names -----------------------------------------------------------------------


def strip_balanced(s, open_ch, close_ch):
    out, depth = [], 0
    for ch in s:
        if ch == open_ch:
            depth += 1
        elif ch == close_ch:
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def function_handler_target(name):
    """std::_Function_handler<Sig, Target>::_M_invoke -> Target."""
    m = re.match(r"std::_Function_handler<(.*)>::_M_(invoke|manager)$", name)
    if not m:
        return None
    inner, depth = m.group(1), 0
    for i, ch in enumerate(inner):
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        elif ch == "," and depth == 0:
            return inner[i + 1:].strip()
    return None


LAMBDA_NAMES = {}  # ("init_core", 3) -> "eval"


def load_lambda_names(root):
    """Numbers the N-API lambdas of each init_<x>() as GCC does ({lambda(Napi::CallbackInfo const&)#n})."""
    for path in glob.glob(os.path.join(root, "native/src/node/*.cpp")):
        try:
            text = open(path, errors="replace").read()
        except OSError:
            continue
        starts = [(m.start(), m.group(1)) for m in re.finditer(r"\bvoid\s+(init_\w+)\s*\(\s*Napi::Env", text)]
        for i, (pos, fn) in enumerate(starts):
            end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
            body = text[pos:end]
            n = 0
            for m in re.finditer(r"(?:def\w*\(\s*env\s*,\s*\w+\s*,\s*([^,()]+?)\s*,\s*)?\[[^\]]*\]\s*\(\s*const\s+Napi::CallbackInfo\s*&",
                                 body):
                n += 1
                if m.group(1):
                    name = m.group(1).strip()
                    LAMBDA_NAMES[(fn, n)] = name[1:-1] if name.startswith('"') else f"<{name}>"


_cache = {}


def clean(sym, dso):
    key = (sym, dso)
    if key in _cache:
        return _cache[key]
    s = sym
    if s.startswith("JS:"):
        # JS:*name file:///.../kernel.ts:1:7634 -> JS* kernel.ts:1:7634 (positions are in tsx's output)
        m = re.match(r"JS:([*^~+]?)\s*(.*)$", s)
        tier, where = (m.group(1), m.group(2)) if m else ("", s[3:])
        where = re.sub(r"file://\S*/", "", where)
        out = f"JS{tier} {where}".strip()
    elif s in ("[unknown]", "") or s.startswith("0x"):
        out = None
    else:
        target = function_handler_target(s)
        if target:
            s = target
        s = s.replace("(anonymous namespace)::", "")
        s = re.sub(r"\{lambda\([^{}]*\)#(\d+)\}", r"{lambda#\1}", s)
        s = re.sub(r"@@?GLIBC[_0-9.]*", "", s)
        s = s.replace("operator()", "operator@@")
        s = strip_balanced(s, "<", ">")
        s = strip_balanced(s, "(", ")")
        s = s.replace("operator@@", "operator()")
        s = re.sub(r"::operator\(\)$", "", s)
        s = re.sub(r"\s+const$", "", s).strip()
        s = re.sub(r"\s+", " ", s)
        m = re.search(r"(init_\w+)::\{lambda#(\d+)\}", s)
        if m and (m.group(1), int(m.group(2))) in LAMBDA_NAMES:
            s = f"{s} [native.{LAMBDA_NAMES[(m.group(1), int(m.group(2)))]}]"
        if dso == "[kernel.kallsyms]":
            s = "[k] " + s
        out = s
    _cache[key] = out
    return out


# Runtime plumbing between the event loop and the probe's loop: left out of the inclusive table.
PLUMBING = re.compile(
    r"^(node::|uv_|uv__|__libc_start|_start$|start_thread|main$|"
    r"Builtins_(RunMicrotasks|JSRunMicrotasksEntry|PromiseFulfillReactionJob|AsyncFunctionAwaitResolveClosure|"
    r"JSEntry|JSEntryTrampoline|AsyncModuleEvaluate|CallFunction_ReceiverIsAny|Call_ReceiverIsAny)|"
    r"v8::internal::(Execution::|MicrotaskQueue::|Invoke$|SourceTextModule|Module::)|"
    r"v8::Module::|\[k\] (entry_SYSCALL|do_syscall_64|asm_))")

# ---- parsing -----------------------------------------------------------------------


def parse(lines):
    """Yields (tid, period, [(sym, dso) leaf -> root])."""
    tid = period = None
    frames = []
    for line in lines:
        if not line.strip():
            if tid is not None:
                yield tid, period, frames
            tid, frames = None, []
            continue
        if tid is None:
            parts = line.split()
            try:
                tid, period = int(parts[0]), int(parts[1]) if len(parts) > 1 else 1
            except (ValueError, IndexError):
                tid = None
            frames = []
            continue
        m = re.match(r"^\s*([0-9a-f]+)\s+(.*)\s+\(([^()]*)\)\s*$", line)
        if m:
            frames.append((m.group(2), m.group(3)))
    if tid is not None:
        yield tid, period, frames


# ---- stages of the GPU host path ----------------------------------------------------
# (label, regex on cleaned frame names). A sample counts once per stage if any of its
# frames matches: stages are inclusive and nest as the indentation shows.
STAGES = [
    ("JS -> native calls (all N-API callbacks)", r"^Builtins_CallApiCallback$|^v8impl::FunctionCallbackWrapper::Invoke$"),
    ("  argument unwrapping (arg_*/find_array/napi_unwrap)", r"^mlx_ts::arg_|^mlx_ts::find_array$|^mlx_ts::ArrayTable::find$|^napi_unwrap$|^napi_get_element$"),
    ("  result wrapping (wrap/wrap_all: napi_new_instance or ArrayTable::add)", r"^mlx_ts::wrap|^napi_new_instance$|^Napi::ObjectWrap|^mlx_ts::ArrayTable::add$"),
    ("  custom kernel op (mlx::core::fast::custom_kernel...)", r"^mlx::core::fast::"),
    ("  mx.eval (mlx::core::eval)", r"^mlx::core::eval$"),
    ("    schedule", r"^mlx::core::schedule$"),
    ("      topological_order", r"topological_order"),
    ("      StreamWorker::try_run_inline", r"StreamWorker::try_run_inline"),
    ("        run_node", r"run_node"),
    ("          eval_on_gpu", r"^mlx::core::gpu::eval_on_gpu$"),
    ("            op's GPU eval fn (eval_*_gpu / EvalFn)", r"^mlx::core::(\w+::)*eval_(?!on_gpu)\w*_gpu$|^mlx::core::cuda::ops::"),
    ("            ensure_device / to_device (uploads)", r"ensure_device|mlx::core::cuda::to_device"),
    ("            compile_cuda_kernel (cache lookup)", r"compile_cuda_kernel"),
    ("            launch", r"^mlx::core::cuda::launch$"),
    ("              cuLaunchKernel (mock: nothing)", r"^cuLaunchKernel$"),
    ("            finish_on_device / retire / record_event", r"finish_on_device|::retire$|record_event|poll_in_flight"),
    ("          device alloc (cuda alloc/device_malloc)", r"^mlx::core::cuda::alloc$|device_malloc|DeviceAllocator::malloc"),
    ("          detach (graph teardown)", r"array::detach"),
    ("          Event::signal", r"Event::signal"),
    ("        DeferredSync/flush_pending/stream sync", r"DeferredSync|flush_pending|sync_current_stream|synchronize_stream"),
    ("        pthread_cond_signal (worker wake-up)", r"^pthread_cond_signal$"),
    ("    wait_all / Event::wait", r"wait_all|Event::wait|wait_device_writes"),
    ("  dispose (JsArray::dispose / native.arrayRelease)", r"JsArray::dispose|\[native\.arrayRelease\]|^mlx_ts::release_array$"),
    ("    device free (cuda release/device_free)", r"^mlx::core::cuda::release$|device_free|DeviceAllocator::free"),
    ("malloc/free (all callers)", r"^(malloc|_int_malloc|_int_free|cfree|free|operator new|operator delete|malloc_consolidate|tcache_\w+)$"),
    ("mutex lock/unlock (all callers)", r"^(pthread_mutex_lock|pthread_mutex_unlock|__GI___pthread_mutex_unlock_usercnt|__lll_lock_wait|__GI___lll_lock_wake)$"),
    ("JsArray finalizers / weak callbacks (GC side)", r"JsArray::~JsArray|JsArray::Finalize|napi_env__::CallFinalizer|v8impl::Reference|RefTracker"),
    ("FinalizationRegistry (register/unregister/cleanup)", r"FinalizationRegistry"),
    ("V8 GC", r"^v8::internal::(Heap|Scavenger|ScavengerCollector|MarkCompactCollector|MinorMarkCompactCollector|GCTracer|ConcurrentMarking|IncrementalMarking)"),
    ("JS (JIT code, self)", None),
    ("kernel (syscalls, scheduling; self)", None),
]

# Callee breakdowns printed for these frames (first match in a stack).
EXPAND = [r"\[native\.customKernel\w*\]", r"^mlx_ts::init_binary::\{lambda#1\}", r"\[native\.scalar\]",
          r"^mlx::core::eval$", r"^mlx::core::schedule$", r"^mlx::core::gpu::eval_on_gpu$", r"JsArray::dispose",
          r"\[native\.arrayRelease\]",
          r"^mlx_ts::wrap$"]


def dedupe_map(path):
    """Rewrites a perf-<pid>.map so that of overlapping entries only the last one stays."""
    entries = []
    with open(path, errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split(" ", 2)
            if len(parts) == 3:
                try:
                    entries.append((int(parts[0], 16), int(parts[1], 16), parts[2]))
                except ValueError:
                    pass
    kept_starts, kept = [], []  # kept ranges, sorted by start
    import bisect
    for start, size, name in reversed(entries):
        end = start + max(size, 1)
        i = bisect.bisect_left(kept_starts, start)
        if i > 0 and kept[i - 1][1] > start:
            continue
        if i < len(kept) and kept[i][0] < end:
            continue
        kept_starts.insert(i, start)
        kept.insert(i, (start, end, size, name))
    with open(path, "w") as f:
        for start, _, size, name in kept:
            f.write(f"{start:x} {size:x} {name}\n")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--dedupe-map":
        dedupe_map(sys.argv[2])
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("script")
    ap.add_argument("--iterations", type=float, required=True)
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--tid", type=int)
    ap.add_argument("--title", default="")
    ap.add_argument("--src")
    args = ap.parse_args()
    if args.src:
        load_lambda_names(args.src)

    with open(args.script, errors="replace") as f:
        samples = list(parse(f))
    if not samples:
        print("perf_summary: no samples", file=sys.stderr)
        sys.exit(1)
    per_tid = collections.Counter()
    leaf_by_tid = collections.defaultdict(collections.Counter)
    for tid, period, frames in samples:
        per_tid[tid] += period
        for sym, dso in frames:
            c = clean(sym, dso)
            if c:
                leaf_by_tid[tid][c] += period
                break
    main_tid = args.tid or per_tid.most_common(1)[0][0]
    it = args.iterations

    def us(ns):
        return ns / 1e3 / it

    title = f" {args.title}" if args.title else ""
    print(f"== perf summary{title}: {len(samples)} samples, {int(it)} iterations")
    print("-- threads: CPU µs per iteration (main: JS + the inline GPU task)")
    for tid, ns in per_tid.most_common(5):
        top = leaf_by_tid[tid].most_common(1)
        top_s = top[0][0] if top else "?"
        print(f"  tid {tid:<8} {us(ns):7.2f}   top self: {top_s[:70]}" + ("   <- main" if tid == main_tid else ""))

    self_c, incl_c, stage_c = collections.Counter(), collections.Counter(), collections.Counter()
    expand_c = [collections.Counter() for _ in EXPAND]
    expand_tot = [0] * len(EXPAND)
    expand_re = [re.compile(x) for x in EXPAND]
    stage_re = [(label, re.compile(rx) if rx else None) for label, rx in STAGES]
    total = orphans = 0
    for tid, period, frames in samples:
        if tid != main_tid:
            continue
        total += period
        names = [c for c in (clean(s, d) for s, d in frames) if c]
        if not names:
            continue
        self_c[names[0]] += period
        if names[0].startswith("JS"):
            stage_c["JS (JIT code, self)"] += period
        if names[0].startswith("[k] "):
            stage_c["kernel (syscalls, scheduling; self)"] += period
        seen = set(names)
        for n in seen:
            if not PLUMBING.search(n):
                incl_c[n] += period
        if not any(n.startswith(("node::", "__libc_start", "start_thread", "JS", "Builtins_", "v8::")) for n in names):
            orphans += period
        for label, rx in stage_re:
            if rx and any(rx.search(n) for n in seen):
                stage_c[label] += period
        for k, rx in enumerate(expand_re):
            for i in range(len(names) - 1, -1, -1):  # outermost match
                if rx.search(names[i]):
                    expand_tot[k] += period
                    j = i - 1
                    while j >= 0 and rx.search(names[j]):  # the std::function wrapper and its target
                        j -= 1
                    callee = names[j] if j >= 0 else "(self)"
                    expand_c[k][callee] += period
                    break

    print(f"-- main thread tid {main_tid}: {us(total):.2f} µs/iter of CPU")
    if orphans > 0.02 * total:
        print(f"   note: {100 * orphans / total:.0f}% of its samples end in a frame whose callers are lost "
              "(libc has no frame pointers): their time is missing from the stages above them "
              "(e.g. pthread_cond_signal under try_run_inline); a dwarf call graph keeps them.")
    print("-- GPU host path, inclusive (µs/iter, % of main-thread CPU)")
    for label, _ in STAGES:
        v = stage_c.get(label, 0)
        print(f"  {label:<70} {us(v):6.2f}  {100 * v / total:5.1f}%")

    for k, rx in enumerate(EXPAND):
        if not expand_tot[k]:
            continue
        head = next((n for n in incl_c if expand_re[k].search(n)), EXPAND[k])
        print(f"-- callees of {head}: {us(expand_tot[k]):.2f} µs/iter")
        for name, v in expand_c[k].most_common(8):
            print(f"    {us(v):6.2f}  {name[:120]}")

    def table(counter, what):
        print(f"-- top {args.top} {what} (µs/iter, % of main-thread CPU)")
        for name, v in counter.most_common(args.top):
            print(f"  {us(v):6.2f} {100 * v / total:5.1f}%  {name[:150]}")

    table(self_c, "flat / self")
    table(incl_c, "inclusive (event-loop plumbing left out)")


if __name__ == "__main__":
    main()
