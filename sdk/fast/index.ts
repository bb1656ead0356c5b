// mx.fast: custom kernels (Metal and CUDA dialects, run on the CPU by the host compiler).
export {
  metalKernel, cudaKernel, kernelCacheStats, clearKernelMemoryCache, type CustomKernel,
  type KernelCallOptions, type MetalKernelOptions, type CudaKernelOptions, type KernelOptionsBase,
  type KernelCacheStats,
} from './kernel.js';
export { type GeneratedKernel, type TemplateArg, type TemplateValue } from './generate.js';
export { type CpuKernel } from './cpu_source.js';
export { KernelReloadError, type KernelReloadInfo, type KernelEvents } from './hot_reload.js';
