// The CUDA translation unit that runs a custom kernel on an NVIDIA GPU
// (compiled by NVRTC).
//
// CUDA dialect: MLX's own generated text (generate.ts), which includes MLX's
// device prelude "mlx/backend/cuda/device/utils.cuh" (our version lives in
// native/include/mlx/jit/gpu/).
//
// Metal dialect: the Metal kernel translated to CUDA. The unit includes
// native/include/mlx/jit/gpu/metal_on_cuda.cuh (Metal's types, math, atomics,
// simdgroup functions as warp operations), then, inside namespace metal, the
// user's header and a device function whose parameters mirror MLX's Metal
// signature with the user's body, then an extern "C" __global__ entry point
// that computes the Metal attributes from CUDA's indices and calls it. The
// address-space keywords are rewritten in the user's text (not defined as
// macros: CUDA's `__device__` expands to text containing `device`).
// `#line` markers make diagnostics point at the user's own lines.

import type { Dtype } from '../dtype.js';
import { CUDA_MAX_NDIM, ParamKind } from './cpu_source.js';
import {
  generateCudaKernel, generateMetalKernel, kernelTypeName, metalAttributes, normalizeKernelCall, shapeInfos,
  type KernelCall, type KernelSpec, type NormArg, type OpName,
} from './generate.js';

/** Where the GPU headers live, relative to native/include: NVRTC's include path needs it. */
export const GPU_INCLUDE_SUBDIR = 'mlx/jit/gpu';

/**
 * A GPU kernel: its CUDA translation unit, the name to look its entry point up
 * by, and what each parameter slot receives.
 *
 * Launch (both dialects, as MLX): block = min(threadgroup, grid) per dimension,
 * ceil(grid / block) blocks.
 * - CUDA (`roundGridToBlocks: true`): the kernel sees whole blocks (threads
 *   past the grid run too, as in MLX); arguments are the param slots only.
 * - Metal (`metalGridArgs: true`, `roundGridToBlocks: false`): after the param
 *   slots come three `unsigned` arguments, the Metal grid size in threads
 *   (gx, gy, gz); threads outside it return at once.
 */
export interface GpuKernel {
  /** The complete CUDA source for NVRTC. */
  readonly source: string;
  /**
   * The entry point: a name expression for nvrtcAddNameExpression /
   * nvrtcGetLoweredName (CUDA: `mlx::core::cu::custom_kernel_...`), or the
   * unmangled extern "C" symbol (Metal: `mlxts_metal_...`).
   */
  readonly nameExpression: string;
  /**
   * One entry per kernel argument, in order: what it receives
   * ([ParamKind, input or output index]). Input: a device pointer (0-d inputs
   * too); Shape / Strides: by value, `fixedNdim` int32 / int64 elements (the
   * input's dimensions first, the rest zero); Ndim: an int; Output: a device pointer.
   */
  readonly params: readonly (readonly [ParamKind, number])[];
  /** Shape/Strides are passed by value padded to this many dimensions (MLX's MAX_NDIM). */
  readonly fixedNdim: number;
  /**
   * NVRTC options this unit needs besides the architecture and the include
   * paths: -default-device (helpers without __device__), fast-math flags.
   * Include paths the runtime adds: native/include/mlx/jit/gpu (both
   * dialects); CUDA dialect also <cuda>/include and <cuda>/include/cccl.
   */
  readonly options: string[];
  /** Whether the launch rounds the grid up to whole blocks visible to the kernel (CUDA). */
  readonly roundGridToBlocks: boolean;
  /** Whether the Metal grid size (gx, gy, gz: unsigned) follows the param slots (Metal). */
  readonly metalGridArgs: boolean;
}

/** Options of the GPU build that change the unit. */
export interface GpuKernelOptions {
  /** mathMode 'fast': --use_fast_math, and __FAST_MATH__ defined as on the CPU. */
  readonly fastMath?: boolean;
}

const CACHE_LIMIT = 512;
const cache = new Map<string, GpuKernel>();

/** Empties the GPU source cache. */
export function clearGpuKernelCache(): void {
  cache.clear();
}

/** Entries in the GPU source cache (for tests and diagnostics). */
export function gpuKernelCacheSize(): number {
  return cache.size;
}

/**
 * Generates the CUDA translation unit of a kernel call for NVIDIA GPUs.
 *
 * @param dialect - `'metal'` (translated) or `'cuda'` (MLX's text)
 * @param spec - the kernel spec
 * @param call - the call's inputs (dtype and shape), output dtypes and template arguments
 * @param options - fast math
 * @throws Error starting with `[metal_kernel]` / `[cuda_kernel]` on an invalid spec or call,
 *   or when an input whose shape or strides the kernel reads has more than 10 dimensions
 */
export function generateGpuKernel(
  dialect: 'metal' | 'cuda',
  spec: KernelSpec,
  call: KernelCall,
  options: GpuKernelOptions = {},
): GpuKernel {
  const op: OpName = dialect === 'metal' ? '[metal_kernel]' : '[cuda_kernel]';
  // Validates (and names) the kernel exactly as the GPU text generator does.
  const generated = dialect === 'metal' ? generateMetalKernel(spec, call) : generateCudaKernel(spec, call);
  const { inputs, outputDtypes, template } = normalizeKernelCall(op, spec, call);
  const infos = shapeInfos(spec);
  inputs.forEach((x, i) => {
    const byValue = dialect === 'cuda' || infos[i].shape || infos[i].strides;
    if (byValue && x.ndim > CUDA_MAX_NDIM) {
      throw new Error(
        `${op} Input \`${spec.inputNames[i]}\` has ${x.ndim} dimensions; kernels take at most ${CUDA_MAX_NDIM}.`,
      );
    }
  });
  const fastMath = options.fastMath === true;
  const key = JSON.stringify([
    dialect,
    generated.name,
    generated.source,
    spec.atomicOutputs ?? false,
    inputs.map((x) => `${x.dtype.name}:${x.ndim === 0 ? 's' : 'a'}`),
    fastMath,
  ]);
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const extra = fastMath ? ['--use_fast_math', '-D__FAST_MATH__=1'] : [];
  const made: GpuKernel =
    dialect === 'cuda'
      ? {
          source: generated.source,
          nameExpression: `mlx::core::cu::${generated.name}`,
          params: cudaParams(spec, inputs),
          fixedNdim: CUDA_MAX_NDIM,
          options: ['-default-device', ...extra],
          roundGridToBlocks: true,
          metalGridArgs: false,
        }
      : { ...metalUnit(spec, generated.name, inputs, outputDtypes, template), options: ['-default-device', ...extra] };
  cache.set(key, made);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return made;
}

interface UnitInput {
  readonly dtype: Dtype;
  readonly ndim: number;
}

/** The param slots of MLX's CUDA signature (the same as the CPU unit's). */
function cudaParams(spec: KernelSpec, inputs: readonly UnitInput[]): [ParamKind, number][] {
  const infos = shapeInfos(spec);
  const slots: [ParamKind, number][] = [];
  inputs.forEach((x, i) => {
    slots.push([ParamKind.Input, i]);
    if (x.ndim === 0) return;
    if (infos[i].shape) slots.push([ParamKind.Shape, i]);
    if (infos[i].strides) slots.push([ParamKind.Strides, i]);
    if (infos[i].ndim) slots.push([ParamKind.Ndim, i]);
  });
  spec.outputNames.forEach((_, i) => slots.push([ParamKind.Output, i]));
  return slots;
}

/** Metal type names that are C++ keywords; every other one is qualified with metal::. */
const BUILTIN_TYPES = new Set(['bool', 'float', 'double']);

function qualified(type: string): string {
  return BUILTIN_TYPES.has(type) ? type : `metal::${type}`;
}

function templateValue(a: NormArg): string {
  if (a.kind === 'typename') return qualified(kernelTypeName('metal', a.dtype));
  if (a.kind === 'bool') return a.value ? 'true' : 'false';
  return String(a.value);
}

function metalUnit(
  spec: KernelSpec,
  kernelName: string,
  inputs: readonly UnitInput[],
  outputDtypes: readonly Dtype[],
  template: readonly NormArg[],
): Omit<GpuKernel, 'options'> {
  const infos = shapeInfos(spec);
  const slots: [ParamKind, number][] = [];
  const bodyParams: string[] = [];
  const entryParams: string[] = [];
  const args: string[] = [];
  const slot = (kind: ParamKind, index: number): string => `mlxts_a${slots.push([kind, index]) - 1}`;
  inputs.forEach((x, i) => {
    const name = spec.inputNames[i];
    const t = kernelTypeName('metal', x.dtype);
    const a = slot(ParamKind.Input, i);
    entryParams.push(`const ${qualified(t)}* __restrict__ ${a}`);
    if (x.ndim === 0) {
      bodyParams.push(`const ${t}& ${name}`);
      args.push(`*${a}`);
      return;
    }
    bodyParams.push(`const ${t}* ${name}`);
    args.push(a);
    const info = infos[i];
    if (info.shape) {
      const s = slot(ParamKind.Shape, i);
      bodyParams.push(`const int* ${name}_shape`);
      entryParams.push(`const MLXTS_GRID_CONSTANT mlxts_gpu::attr::shape_arg ${s}`);
      args.push(`${s}.v`);
    }
    if (info.strides) {
      const s = slot(ParamKind.Strides, i);
      bodyParams.push(`const int64_t* ${name}_strides`);
      entryParams.push(`const MLXTS_GRID_CONSTANT mlxts_gpu::attr::strides_arg ${s}`);
      args.push(`${s}.v`);
    }
    if (info.ndim) {
      const s = slot(ParamKind.Ndim, i);
      bodyParams.push(`const int& ${name}_ndim`);
      entryParams.push(`const int ${s}`);
      args.push(s);
    }
  });
  outputDtypes.forEach((d, i) => {
    const name = spec.outputNames[i];
    const t = kernelTypeName('metal', d);
    const a = slot(ParamKind.Output, i);
    entryParams.push(`${qualified(t)}* __restrict__ ${a}`);
    if (spec.atomicOutputs) {
      bodyParams.push(`atomic<${t}>* ${name}`);
      args.push(`reinterpret_cast<metal::atomic<${qualified(t)}>*>(${a})`);
    } else {
      bodyParams.push(`${t}* ${name}`);
      args.push(a);
    }
  });
  for (const [attr, type] of metalAttributes(spec.source)) {
    bodyParams.push(`${type} ${attr}`);
    args.push(`mlxts_gpu::attr::${attr}(mlxts_grid)`);
  }
  entryParams.push('unsigned mlxts_gx', 'unsigned mlxts_gy', 'unsigned mlxts_gz');
  const tpl = template.length > 0 ? `template <${template.map((a) => `${a.kind} ${a.name}`).join(', ')}>\n` : '';
  const inst = template.length > 0 ? `<${template.map(templateValue).join(', ')}>` : '';
  const entry = `mlxts_metal_${kernelName}`;
  // Swizzle-like names the user's own structs declare are left alone.
  const members = structMemberNames(`${spec.header ?? ''}\n${spec.source}`);
  const source = [
    `// ${spec.name}: generated by mlx-ts for NVIDIA GPUs (Metal dialect translated to CUDA)`,
    '#include "metal_on_cuda.cuh"',
    'namespace metal {',
    '#line 1 "header"',
    rewriteMetalForGpu(spec.header ?? '', true, members),
    '#line 1 "generated"',
    `${tpl}__device__ __forceinline__ void mlxts_body(${bodyParams.join(', ')}) {`,
    '#line 1 "source"',
    rewriteMetalForGpu(spec.source, false, members),
    '#line 1 "generated"',
    '}',
    '} // namespace metal',
    `extern "C" __global__ void ${entry}(${entryParams.join(', ')}) {`,
    '  const metal::uint3 mlxts_grid(mlxts_gx, mlxts_gy, mlxts_gz);',
    '  if (!mlxts_gpu::attr::in_grid(mlxts_grid)) return;',
    `  metal::mlxts_body${inst}(${args.join(', ')});`,
    '}',
    '',
  ].join('\n');
  return {
    source,
    nameExpression: entry,
    params: slots,
    fixedNdim: CUDA_MAX_NDIM,
    roundGridToBlocks: false,
    metalGridArgs: true,
  };
}

// ---------------------------------------------------------------------------
// Rewriting the user's Metal text for CUDA. Every edit keeps lines and
// columns where they were (diagnostics point at user lines).

/** An identifier or a single punctuation char outside comments and strings, with its offset. */
interface Token {
  readonly text: string;
  readonly start: number;
}

/**
 * Tokens of interest. Preprocessor lines are skipped, except the replacement
 * text of `#define`s (a macro may spell an address space too).
 */
function tokens(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let lineStart = true;
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      lineStart = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || (c === '\\' && src[i + 1] === '\n')) {
      i += c === '\\' ? 2 : 1;
      continue;
    }
    if (lineStart && c === '#') {
      let end = i;
      while (end < src.length && src[end] !== '\n') end += src[end] === '\\' && src[end + 1] === '\n' ? 2 : 1;
      const m = /^#\s*define\s+[A-Za-z_][A-Za-z0-9_]*(\([^)]*\))?/.exec(src.slice(i, end));
      if (m) {
        // Go on with the replacement text (a continuation line is not a line start).
        i += m[0].length;
        lineStart = false;
      } else {
        i = end;
      }
      continue;
    }
    lineStart = false;
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      i++;
      while (i < src.length && src[i] !== c && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 256));
      const text = m ? m[0] : c;
      out.push({ text, start: i });
      i += text.length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9A-Za-z_.']+/.exec(src.slice(i, i + 64));
      i += m ? m[0].length : 1;
      continue;
    }
    out.push({ text: c, start: i });
    i++;
  }
  return out;
}

/** Whether the tokens after index k, up to the end of the declarator, contain `*` or `&`. */
function isQualifierUse(toks: readonly Token[], k: number): boolean {
  for (let j = k + 1; j < toks.length; j++) {
    const t = toks[j].text;
    if (t === '*' || t === '&') return true;
    if (t === ';' || t === ',' || t === ')' || t === '=' || t === '{' || t === '[') return false;
  }
  return false;
}

/** Whether the declaration starting at token k (up to `;`) says constexpr. */
function declaresConstexpr(toks: readonly Token[], k: number): boolean {
  for (let j = k - 1; j >= 0 && !/^[;{}]$/.test(toks[j].text); j--) if (toks[j].text === 'constexpr') return true;
  for (let j = k + 1; j < toks.length && toks[j].text !== ';'; j++) if (toks[j].text === 'constexpr') return true;
  return false;
}

/** Includes of Metal's own headers: metal_on_cuda.cuh provides their contents. */
const METAL_INCLUDES = /^[ \t]*#[ \t]*include[ \t]*<metal_\w+>[ \t]*$/gm;

/** `word` replaced by `by`, padded to the same width so later columns stay put. */
function padTo(word: string, by: string): string {
  return by.length >= word.length ? by : by + ' '.repeat(word.length - by.length);
}

/** A swizzle (`v.xy`, `c.rgb`, `q.wzyx`): 2 to 4 components of xyzw or rgba. */
const SWIZZLE = /^(?:[xyzw]{2,4}|[rgba]{2,4})$/;
const COMPONENT: Readonly<Record<string, number>> = { x: 0, y: 1, z: 2, w: 3, r: 0, g: 1, b: 2, a: 3 };

/** Whether token k follows `.` or `->` (a member access). */
function isMemberAccess(toks: readonly Token[], k: number): boolean {
  if (k < 1) return false;
  const prev = toks[k - 1];
  if (prev.text === '.') return true;
  return prev.text === '>' && k >= 2 && toks[k - 2].text === '-' && toks[k - 2].start + 1 === prev.start;
}

/**
 * Names declared as data members of the structs, classes and unions in `text`
 * (an identifier followed by `;` `,` `[` `=` `:` or `{` directly inside a body).
 */
export function structMemberNames(text: string): Set<string> {
  const toks = tokens(text);
  const names = new Set<string>();
  const bodies: number[] = []; // brace depths of the open struct bodies
  let depth = 0;
  let pendingBody = false;
  toks.forEach((t, k) => {
    if (t.text === 'struct' || t.text === 'class' || t.text === 'union') {
      pendingBody = true;
      return;
    }
    if (t.text === '{') {
      depth++;
      if (pendingBody) bodies.push(depth);
      pendingBody = false;
      return;
    }
    if (t.text === '}') {
      if (bodies.length > 0 && bodies[bodies.length - 1] === depth) bodies.pop();
      depth--;
      return;
    }
    if (t.text === ';' || t.text === '(' || t.text === ')' || t.text === '=') pendingBody = false;
    const inBody = bodies.length > 0 && bodies[bodies.length - 1] === depth;
    const next = toks[k + 1]?.text;
    if (inBody && /^[A-Za-z_]/.test(t.text) && next !== undefined && /^[;,[=:{]$/.test(next)) names.add(t.text);
  });
  return names;
}

/**
 * Rewrites Metal text for the CUDA unit: erases the `device`, `thread` and
 * `constant` address spaces (a `constant` variable at file scope becomes
 * `__constant__`), turns `threadgroup T x[N];` declarations into `__shared__`
 * ones and drops `threadgroup` as a pointer/reference qualifier, turns
 * swizzles `v.xy` into `v.template mlxts_swizzle<0, 1>()` (vectors are
 * standard C++ structs: NVRTC accepts no anonymous structs), and removes
 * `#include <metal_*>` lines.
 *
 * @param text - the user's header or body
 * @param fileScope - the text is a header (file scope) rather than a function body
 * @param members - data member names of the user's structs: never taken for swizzles
 */
export function rewriteMetalForGpu(text: string, fileScope: boolean, members: ReadonlySet<string> = new Set()): string {
  const src = text.replace(METAL_INCLUDES, '');
  const toks = tokens(src);
  let out = '';
  let at = 0;
  const replace = (t: Token, by: string): void => {
    out += src.slice(at, t.start) + padTo(t.text, by);
    at = t.start + t.text.length;
  };
  let depth = fileScope ? 0 : 1;
  toks.forEach((t, k) => {
    if (t.text === '{' || t.text === '(') depth++;
    else if (t.text === '}' || t.text === ')') depth = Math.max(0, depth - 1);
    else if (t.text === 'device' || t.text === 'thread') replace(t, '');
    else if (t.text === 'constant') {
      const fileScopeVariable = depth === 0 && !isQualifierUse(toks, k) && !declaresConstexpr(toks, k);
      replace(t, fileScopeVariable ? '__constant__' : '');
    } else if (t.text === 'threadgroup') replace(t, isQualifierUse(toks, k) ? '' : '__shared__');
    else if (SWIZZLE.test(t.text) && !members.has(t.text) && isMemberAccess(toks, k)) {
      const index = [...t.text].map((c) => COMPONENT[c]).join(', ');
      replace(t, `template mlxts_swizzle<${index}>()`);
    }
  });
  return out + src.slice(at);
}
