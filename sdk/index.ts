// mlx-ts: MLX's array programming model for Node.js.
//   import * as mx from 'mlx-ts';
export { MxArray, type NestedList, type Scalar, type Complex, type TypedArrayOf } from './array.js';
export * from './dtype.js';
export {
  Device, Stream, cpu, gpu, defaultDevice, setDefaultDevice, defaultStream, setDefaultStream,
  newStream, synchronize, stream, isAvailable, type DeviceType, type StreamOrDevice,
} from './device.js';
export {
  evaluate as eval, asyncEval, dispose, tidy, getActiveMemory, getPeakMemory, resetPeakMemory,
  getCacheMemory, clearCache, setMemoryLimit, setCacheLimit, getMemoryLimit,
} from './memory.js';
export { type ArrayLike } from './ops/convert.js';
export * from './ops/creation.js';
export * from './ops/families.js';
export {
  grad, valueAndGrad, vjp, jvp, vmap, customFunction, checkpoint, compile, enableCompile,
  disableCompile, type CustomFunction, type CompileOptions, type Outputs, type VmapAxes,
} from './transforms.js';
export * as fast from './fast/index.js';
export * as cuda from './cuda.js';
