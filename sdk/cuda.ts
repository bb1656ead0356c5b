// mx.cuda: the NVIDIA backend's state. CUDA is loaded at first use (dlopen),
// so one build runs on CPU-only machines; mx.gpu then is a clear error.
import { native } from './native.js';

declare module './native.js' {
  interface NativeAddon {
    cudaIsAvailable(): boolean;
    cudaUnavailableReason(): string;
    cudaDeviceInfo(index?: number): CudaDeviceInfo;
    cudaMemoryStats(): CudaMemoryStats;
    cudaClearCache(): void;
    cudaKernelCacheStats(): CudaKernelCacheStats;
    gpuOps(): string[];
    cudaCopyBandwidth(bytes: number, repeats: number): number;
    cudaLaunchFloor(iterations: number): LaunchFloor;
    cudaSyncMode(mode?: string): SyncMode;
    cudaKernelTiming(on: boolean): KernelTiming[] | undefined;
  }
}

/** Properties of a CUDA device. */
export interface CudaDeviceInfo {
  readonly name: string;
  /** Bytes of device memory. */
  readonly totalMemory: number;
  /** `[major, minor]`, e.g. `[9, 0]` for an H100. */
  readonly computeCapability: readonly [number, number];
  readonly multiprocessors: number;
  readonly maxThreadsPerBlock: number;
  /** Bytes of shared memory a block can opt in to. */
  readonly maxSharedMemoryPerBlock: number;
  readonly warpSize: number;
}

/** Device memory held by arrays and by the allocator's cache, in bytes. */
export interface CudaMemoryStats {
  readonly active: number;
  readonly peak: number;
  readonly cache: number;
}

/** Counters of the NVRTC kernel cache (this process). */
export interface CudaKernelCacheStats {
  readonly compiles: number;
  readonly failures: number;
  readonly diskHits: number;
  readonly memoryHits: number;
  readonly corruptEntries: number;
  readonly lastCompileMs: number;
  readonly cacheDir: string;
}

/** Device time of one kernel launch (event-timed). */
export interface KernelTiming {
  /** The kernel's entry name (custom kernels: `custom_kernel_<name>…`; built-ins: `mlxg_…`). */
  readonly kernel: string;
  readonly grid: readonly [number, number, number];
  readonly block: readonly [number, number, number];
  readonly ms: number;
}

/** Whether an NVIDIA GPU and its driver were found. */
export function isAvailable(): boolean {
  return native.cudaIsAvailable();
}

/** Why no GPU is available ('' when one is). */
export function unavailableReason(): string {
  return native.cudaUnavailableReason();
}

/** Properties of CUDA device `index` (default 0). */
export function deviceInfo(index = 0): CudaDeviceInfo {
  return native.cudaDeviceInfo(index);
}

/** Device memory statistics. */
export function memoryStats(): CudaMemoryStats {
  return native.cudaMemoryStats();
}

/** Returns cached (free) device memory to the driver. */
export function clearCache(): void {
  native.cudaClearCache();
}

/** Counters of the NVRTC kernel cache. */
export function kernelCacheStats(): CudaKernelCacheStats {
  return native.cudaKernelCacheStats();
}

/** Primitives that run on the GPU itself (others run their CPU code on host copies). */
export function gpuOps(): string[] {
  return native.gpuOps();
}

/** GB/s (bytes read + written) of a device-to-device copy of `bytes` (cuMemcpyDtoD, event-timed). */
export function copyBandwidth(bytes: number, repeats = 10): number {
  return native.cudaCopyBandwidth(bytes, repeats);
}

/** Medians in µs of a bare launch of a one-thread kernel, and of that launch plus each way of waiting for it. */
export interface LaunchFloor {
  /** A bare cuLaunchKernel. */
  readonly launchUs: number;
  /** Launch + the stream sync `mx.eval` uses. */
  readonly launchSyncUs: number;
  /** Launch + cuStreamSynchronize. */
  readonly launchStreamSynchronizeUs: number;
  /** Launch + an event recorded and synchronised. */
  readonly launchEventSynchronizeUs: number;
  /** One cuStreamQuery of an idle stream. */
  readonly idleStreamQueryUs: number;
  /** Launch + a stream write of a counter to pinned host memory, spun on (where the driver has stream memory operations). */
  readonly launchHostFlagUs?: number;
  readonly hostFlagWorks?: boolean;
}

/**
 * The driver's floor under a tiny kernel's call + eval: a bare `cuLaunchKernel`
 * of a one-thread kernel, and the launch plus the stream synchronisation that
 * `mx.eval` uses, each the median of `iterations` (after 20 warm-up rounds).
 */
export function launchFloor(iterations = 2000): LaunchFloor {
  return native.cudaLaunchFloor(iterations);
}

/**
 * How `mx.eval` (and every wait for a GPU stream) waits for the device.
 * `'auto'` (the default): `cuStreamQuery` polls for 20 µs (small work is done
 * by then), then `'hostFlag'`. `'hostFlag'`: the GPU writes a counter into
 * pinned host memory after the stream's work and the host reads it, with no
 * driver call per poll, for up to 2 ms (then `'query'`; also where the driver
 * lacks stream memory operations). `'query'`: `cuStreamQuery` polls for 50 µs,
 * then a blocking sync.
 */
export type SyncMode = 'auto' | 'hostFlag' | 'query';

/** The current way GPU waits are made (see SyncMode). */
export function syncMode(): SyncMode {
  return native.cudaSyncMode();
}

/** Sets how GPU waits are made; returns the previous mode. */
export function setSyncMode(mode: SyncMode): SyncMode {
  if (mode !== 'auto' && mode !== 'hostFlag' && mode !== 'query') {
    throw new Error(`[cuda.setSyncMode] Expected 'auto', 'hostFlag' or 'query', got ${JSON.stringify(mode)}.`);
  }
  return native.cudaSyncMode(mode);
}

/**
 * Device time of each kernel launched while `fn` runs (its graphs must be
 * evaluated inside it): events are recorded around every launch of built-in
 * and custom kernels (cuBLAS calls and copies are not counted).
 * @returns `fn`'s result and the launches in order
 * @throws Error starting with `[cuda.kernelTiming]` without a GPU
 */
export function kernelTiming<T>(fn: () => T): { result: T; launches: KernelTiming[] } {
  native.cudaKernelTiming(true);
  let stopped = false;
  try {
    const result = fn();
    const launches = native.cudaKernelTiming(false) ?? [];
    stopped = true;
    return { result, launches };
  } finally {
    if (!stopped) native.cudaKernelTiming(false);
  }
}
