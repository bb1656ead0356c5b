import { describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import { native } from '../sdk/native.js';

// A long chain of nodes built from casts (float32 <-> float64 keeps values exact).
function castChain(n: number): mx.MxArray {
  let x = mx.array([1.5, -2], mx.float32);
  for (let i = 0; i < n; ++i) x = x.astype(i % 2 === 0 ? mx.float64 : mx.float32);
  return x;
}

describe('evaluation', () => {
  it('evaluates a 100,000-op chain without overflowing any stack', () => {
    const x = castChain(100_000);
    mx.eval(x);
    expect(x.tolist()).toEqual([1.5, -2]);
  });

  it('releases an unevaluated 100,000-op chain without recursion', () => {
    // A recursive release would overflow the native stack and kill the worker.
    const before = mx.getActiveMemory();
    const x = mx.tidy(() => castChain(100_000));
    expect(mx.getActiveMemory()).toBeGreaterThan(before); // the source data
    x.dispose();
    expect(x.isDisposed).toBe(true);
    expect(mx.getActiveMemory()).toBe(before);
  });

  it('is lazy: nothing is computed until needed', () => {
    const a = mx.full([3], 2, mx.int32);
    expect(a.shape).toEqual([3]);
    mx.eval(a);
    expect(a.tolist()).toEqual([2, 2, 2]);
  });

  it('eval accepts trees of arrays', () => {
    const t = { a: mx.zeros([2]), b: [mx.ones([1]), 3] };
    mx.eval(t);
    expect(t.b[0] instanceof mx.array && (t.b[0] as mx.MxArray).tolist()).toEqual([1]);
  });

  it('asyncEval resolves without blocking the event loop', async () => {
    // About 40 matmuls of 512x512 float64 chained: tens of ms of work.
    const a = mx.multiply(mx.random.uniform(0, 1, [512, 512], mx.float32, mx.random.key(1)), 1 / 512).astype(mx.float64);
    let x = a;
    for (let i = 0; i < 40; ++i) x = mx.matmul(x, a);
    let ticks = 0;
    const timer = setInterval(() => ++ticks, 1);
    const pending = mx.asyncEval(x);
    // The call returned before the work finished: the JS thread is free.
    expect(native.arrayAvailable(x._native)).toBe(false);
    await pending;
    clearInterval(timer);
    expect(native.arrayAvailable(x._native)).toBe(true);
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('devices and streams', () => {
  it('has a cpu default device and stream', () => {
    expect(mx.defaultDevice().equals(mx.cpu)).toBe(true);
    expect(String(mx.cpu)).toBe('Device(cpu, 0)');
    expect(String(mx.defaultStream(mx.cpu))).toBe('Stream(Device(cpu, 0), 0)');
  });

  it('runs ops on a new stream and synchronizes', () => {
    const s = mx.newStream(mx.cpu);
    expect(s.index).toBeGreaterThan(0);
    const a = mx.full([4], 3, mx.float32, s);
    mx.eval(a);
    mx.synchronize(s);
    expect(a.tolist()).toEqual([3, 3, 3, 3]);
    const b = mx.stream(s, () => mx.zeros([2]));
    expect(b.tolist()).toEqual([0, 0]);
  });

  it.skipIf(mx.cuda.isAvailable())('reports a clear error for the gpu without a backend', () => {
    expect(mx.isAvailable(mx.gpu)).toBe(false);
    expect(mx.cuda.unavailableReason()).not.toBe('');
    expect(() => mx.zeros([2], mx.float32, mx.gpu)).toThrow(
      /\[default_stream\] Cannot use the gpu device: no GPU backend is available/,
    );
    expect(() => mx.setDefaultDevice(mx.gpu)).toThrow(/\[set_default_device\] Cannot use the gpu device/);
    expect(() => mx.zeros([2], mx.float32, 'gpu' as unknown as mx.Device)).toThrow(/\[stream\] Expected a Stream or Device/);
    expect(() => mx.cuda.kernelTiming(() => 1)).toThrow('[cuda.kernelTiming] No GPU is available.');
    expect(() => mx.cuda.launchFloor(10)).toThrow('[cuda.launchFloor] No GPU is available.');
  });

  it('sets how GPU waits are made, refusing unknown modes', () => {
    const before = mx.cuda.syncMode();
    expect(before).toBe('auto');
    expect(mx.cuda.setSyncMode('query')).toBe(before);
    expect(mx.cuda.syncMode()).toBe('query');
    expect(mx.cuda.setSyncMode(before)).toBe('query');
    expect(() => mx.cuda.setSyncMode('spin' as never)).toThrow(`[cuda.setSyncMode] Expected 'auto', 'hostFlag' or 'query', got "spin".`);
  });

  it.skipIf(!mx.cuda.isAvailable())('evaluates GPU work correctly with either way of waiting', () => {
    const before = mx.cuda.syncMode();
    try {
      for (const mode of ['auto', 'hostFlag', 'query'] as const) {
        mx.cuda.setSyncMode(mode);
        let x = mx.arange(1 << 12, mx.float32, mx.gpu);
        for (let i = 0; i < 20; i++) x = mx.add(x, 1, mx.gpu); // a graph of many launches
        // Integer partial sums below 2^24: exact in float32.
        expect(mx.sum(x, undefined, undefined, mx.gpu).item()).toBe((4096 * 4095) / 2 + 20 * 4096);
        const tiny = mx.add(mx.ones([4], mx.float32, mx.gpu), 2, mx.gpu);
        expect(tiny.tolist()).toEqual([3, 3, 3, 3]);
      }
    } finally {
      mx.cuda.setSyncMode(before);
    }
  });

  it.skipIf(!mx.cuda.isAvailable())('measures the driver floor of a launch and of a launch + sync', () => {
    const f = mx.cuda.launchFloor(50);
    expect(f.launchUs).toBeGreaterThan(0);
    expect(f.launchSyncUs).toBeGreaterThan(f.launchUs);
    expect(f.launchStreamSynchronizeUs).toBeGreaterThan(f.launchUs);
    if (f.launchHostFlagUs !== undefined) expect(f.hostFlagWorks).toBe(true);
  });

  it.skipIf(!mx.cuda.isAvailable())('runs on the gpu when CUDA is present: values match the cpu', () => {
    const info = mx.cuda.deviceInfo();
    expect(info.name.length).toBeGreaterThan(0);
    expect(info.computeCapability[0]).toBeGreaterThanOrEqual(7);
    const a = mx.arange(10, mx.float32);
    const onGpu = mx.multiply(mx.exp(a, mx.gpu), 2, mx.gpu);
    const want = mx.multiply(mx.exp(a), 2).tolist() as number[];
    (onGpu.tolist() as number[]).forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(2e-6 * want[i]));
  });
});

describe('memory', () => {
  it('tidy returns active memory to its baseline over 200 iterations', () => {
    const loop = () => {
      for (let i = 0; i < 200; ++i) {
        mx.tidy(() => {
          const a = mx.full([256, 256], i, mx.float32);
          const b = a.astype(mx.float64);
          mx.eval(b);
        });
      }
    };
    // The first pass also fills the cache of JS-number scalars (shared 0-d arrays, a few bytes each).
    loop();
    const baseline = mx.getActiveMemory();
    loop();
    expect(mx.getActiveMemory()).toBe(baseline);
  });

  it('tidy keeps what it returns and releases the rest', () => {
    let inner: mx.MxArray | undefined;
    const kept = mx.tidy(() => {
      inner = mx.zeros([2]);
      return { out: mx.ones([2]) };
    });
    expect(inner!.isDisposed).toBe(true);
    expect(kept.out.tolist()).toEqual([1, 1]);
  });

  it('async tidy releases when the promise settles', async () => {
    let inner: mx.MxArray | undefined;
    const out = await mx.tidy(async () => {
      inner = mx.zeros([2]);
      await mx.asyncEval(inner);
      return mx.ones([3]);
    });
    expect(inner!.isDisposed).toBe(true);
    expect(out.tolist()).toEqual([1, 1, 1]);
  });

  it('dispose and using release memory deterministically', () => {
    const before = mx.getActiveMemory();
    const a = mx.zeros([1024, 1024]);
    mx.eval(a);
    expect(mx.getActiveMemory()).toBeGreaterThanOrEqual(before + 4 * 1024 * 1024);
    mx.dispose({ a });
    expect(mx.getActiveMemory()).toBe(before);
    expect(() => a.shape).toThrow(/\[shape\] The array was disposed/);
    {
      using b = mx.zeros([256]);
      mx.eval(b);
    }
    expect(mx.getActiveMemory()).toBe(before);
  });

  it('tracks peak and cache memory and honours limits', () => {
    mx.resetPeakMemory();
    const base = mx.getActiveMemory();
    const a = mx.zeros([512, 1024]);
    mx.eval(a);
    expect(mx.getPeakMemory()).toBeGreaterThanOrEqual(base + 2 * 1024 * 1024);
    a.dispose();
    expect(mx.getCacheMemory()).toBeGreaterThan(0);
    mx.clearCache();
    expect(mx.getCacheMemory()).toBe(0);

    const old = mx.setMemoryLimit(mx.getActiveMemory() + 1024 * 1024);
    try {
      const big = mx.zeros([1024, 1024, 4]);
      expect(() => mx.eval(big)).toThrow(/\[malloc\] Attempting to allocate 16777216 bytes which is over the memory limit/);
      // The process survives and later work runs.
      const small = mx.zeros([4]);
      expect(small.tolist()).toEqual([0, 0, 0, 0]);
    } finally {
      mx.setMemoryLimit(old);
    }
    expect(() => mx.setMemoryLimit(-1)).toThrow(/\[set_memory_limit\] Expected a non-negative number of bytes/);
    const prevCache = mx.setCacheLimit(0);
    expect(mx.setCacheLimit(prevCache)).toBe(0);
  });
});

describe('dtypes', () => {
  it('promotes like MLX and answers category questions', () => {
    expect(mx.promoteTypes(mx.uint8, mx.int8)).toBe(mx.int16);
    expect(mx.promoteTypes(mx.uint64, mx.int32)).toBe(mx.float32);
    expect(mx.promoteTypes(mx.float16, mx.bfloat16)).toBe(mx.float32);
    expect(mx.promoteTypes(mx.int64, mx.float16)).toBe(mx.float16);
    expect(mx.promoteTypes(mx.bool_, mx.uint16)).toBe(mx.uint16);
    expect(mx.issubdtype(mx.int8, mx.integer)).toBe(true);
    expect(mx.issubdtype(mx.uint8, mx.signedinteger)).toBe(false);
    expect(mx.issubdtype(mx.bfloat16, mx.floating)).toBe(true);
    expect(mx.issubdtype(mx.complex64, mx.inexact)).toBe(true);
    expect(mx.issubdtype(mx.floating, mx.number)).toBe(true);
    expect(mx.issubdtype(mx.float32, mx.float32)).toBe(true);
  });
  it('finfo and iinfo', () => {
    expect(new mx.finfo(mx.float16).max).toBe(65504);
    expect(new mx.finfo(mx.float32).eps).toBe(2 ** -23);
    expect(new mx.iinfo(mx.int8).min).toBe(-128);
    expect(new mx.iinfo(mx.uint64).max).toBe(2n ** 64n - 1n);
    expect(() => new mx.finfo(mx.int32)).toThrow(/\[finfo\] dtype int32 is not inexact/);
  });
});
