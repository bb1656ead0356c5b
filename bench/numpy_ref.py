"""numpy's time for the same work as bench/run.ts, printed as JSON.

Usage: python3 bench/numpy_ref.py N REPEATS  -> {"exp": median_ms, ...}
OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE are unset by the caller for this process
only (some machines set them for old OpenBLAS builds; they slow numpy).
"""
import json
import sys
import time

import numpy as np


def median_ms(fn, repeats):
    fn()  # warm up (page faults, thread pools)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2]


def main():
    n = int(sys.argv[1])
    repeats = int(sys.argv[2])
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, n), dtype=np.float32)
    y = rng.standard_normal((n, n), dtype=np.float32)
    a = rng.standard_normal((1024, 1024), dtype=np.float32)
    b = rng.standard_normal((1024, 1024), dtype=np.float32)
    out = {
        "exp": median_ms(lambda: np.exp(x), repeats),
        "add": median_ms(lambda: x + y, repeats),
        "axpby": median_ms(lambda: 4 * x + 2 * y, repeats),
        "sum": median_ms(lambda: np.sum(x), repeats),
        "sum_axis0": median_ms(lambda: np.sum(x, axis=0), repeats),
        "matmul1024": median_ms(lambda: a @ b, repeats),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
