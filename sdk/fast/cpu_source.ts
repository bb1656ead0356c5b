// The C++ translation unit that runs a custom kernel on the CPU.
//
// The user's header and body are compiled against the dialect's compatibility
// header (native/include/mlx/jit/metal.h or cuda.h) inside a function whose
// parameters mirror the GPU signature MLX generates (same names, same order,
// same types), followed by the entry points of native/include/mlx/jit/kernel_abi.h.
// `#line` markers make compiler diagnostics point at the user's own lines.

import type { Dtype } from '../dtype.js';
import {
  kernelTypeName, metalAttributes, normalizeKernelCall, shapeInfos, type KernelCall, type KernelSpec,
  type NormArg, type OpName,
} from './generate.js';
import { rewriteCudaForCpu, rewriteMetalForCpu, usesSync } from './rewrite.js';

/** What the runtime passes in one parameter slot (the order of native fast::KernelParam::Kind). */
export const ParamKind = { Input: 0, Shape: 1, Strides: 2, Ndim: 3, Output: 4 } as const;
/** One of ParamKind's values. */
export type ParamKind = (typeof ParamKind)[keyof typeof ParamKind];

/** MLX's CUDA `Shape`/`Strides` hold this many dimensions (MAX_NDIM). */
export const CUDA_MAX_NDIM = 10;

/** A CPU kernel: its translation unit and what each parameter slot receives. */
export interface CpuKernel {
  readonly source: string;
  readonly params: readonly (readonly [ParamKind, number])[];
  readonly usesSync: boolean;
  /** CUDA: Shape/Strides are passed by value, padded to this many dimensions; Metal: 0. */
  readonly fixedNdim: number;
}

/** Options of the CPU build that change its text. */
export interface CpuKernelOptions {
  /** Bounds-check every buffer access. */
  readonly checked: boolean;
}

interface Param {
  readonly decl: string;
  /** The argument expression (in terms of `A`, `L`, `p`). */
  readonly arg: string;
  /** Whether it depends on the thread (`p`): attributes. */
  readonly perThread?: boolean;
}

function templateValue(dialect: 'metal' | 'cuda', a: NormArg): string {
  if (a.kind === 'typename') return kernelTypeName(dialect, a.dtype);
  if (a.kind === 'bool') return a.value ? 'true' : 'false';
  return String(a.value);
}

/** A buffer parameter: plain pointer, or a checked one that knows its extent and name. */
function bufferParam(type: string, name: string, slot: number, checked: boolean): Param {
  if (!checked) return { decl: `${type}* ${name}`, arg: `(${type}*)A[${slot}]` };
  const ptr = `mlxts_jit::checked_ptr<${type}>`;
  return {
    decl: `${ptr} ${name}`,
    arg: `${ptr}{(${type}*)A[${slot}], (${type}*)A[${slot}], L->sizes[${slot}], "${name}"}`,
  };
}

const cache = new Map<string, CpuKernel>();

/**
 * Generates the CPU translation unit of a kernel call.
 *
 * @param dialect - `'metal'` or `'cuda'`
 * @param spec - the kernel spec
 * @param call - the call's inputs, output dtypes and template arguments
 * @param options - checked mode
 */
export function generateCpuKernel(
  dialect: 'metal' | 'cuda',
  spec: KernelSpec,
  call: KernelCall,
  options: CpuKernelOptions,
): CpuKernel {
  const op: OpName = dialect === 'metal' ? '[metal_kernel]' : '[cuda_kernel]';
  const { inputs, outputDtypes, template } = normalizeKernelCall(op, spec, call);
  const key = JSON.stringify([
    dialect,
    spec.header ?? '',
    spec.source,
    spec.inputNames,
    spec.outputNames,
    spec.atomicOutputs ?? false,
    inputs.map((x) => `${x.dtype.name}:${x.ndim === 0 ? 's' : 'a'}`),
    outputDtypes.map((d) => d.name),
    template.map((a) => `${a.name}=${a.kind === 'typename' ? a.dtype.name : String(a.value)}`),
    options.checked,
  ]);
  const hit = cache.get(key);
  if (hit) return hit;
  if (dialect === 'cuda') {
    inputs.forEach((x, i) => {
      if (x.ndim > CUDA_MAX_NDIM) {
        throw new Error(
          `${op} Input \`${spec.inputNames[i]}\` has ${x.ndim} dimensions; kernels take at most ${CUDA_MAX_NDIM}.`,
        );
      }
    });
  }
  const made = dialect === 'metal'
    ? metalUnit(spec, inputs, outputDtypes, template, options)
    : cudaUnit(spec, inputs, outputDtypes, template, options);
  if (cache.size > 512) cache.delete(cache.keys().next().value as string);
  cache.set(key, made);
  return made;
}

interface UnitInput {
  readonly dtype: Dtype;
  readonly ndim: number;
}

/**
 * The entry points. Arguments are computed once per threadgroup (pointers,
 * and scalars copied by value so stores through outputs cannot alias them),
 * then every thread gets its own copy of the parameters.
 */
function entryPoints(sync: boolean, params: readonly Param[], body: string, localLoop: boolean, setup = ''): string {
  const hoisted = params
    .map((p, k) => (p.perThread ? '' : `\n  auto mlxts_a${k} = ${p.arg};`))
    .join('');
  const args = params.map((p, k) => (p.perThread ? p.arg : `mlxts_a${k}`)).join(', ');
  const call = `${body}(${args});`;
  const loop = localLoop ? 'run_group_local' : 'run_group';
  return `
extern "C" int mlxts_kernel_abi_version() { return mlxts_jit::kAbiVersion; }
extern "C" int mlxts_kernel_uses_sync() { return ${sync ? 1 : 0}; }
extern "C" void mlxts_kernel_run_group(const mlxts_jit::Launch* Lp, const mlxts_jit::WorkerCtx* W, mlxts_jit::Dim3 g) {
  // A private copy for the attributes: it never escapes, so it stays in registers.
  const mlxts_jit::Launch Lc = *Lp; const mlxts_jit::Launch* L = &Lc;
  void* const* A = L->args; (void)A;${setup}${hoisted}
  mlxts_jit::${loop}(Lp, ${localLoop ? 'Lc, ' : ''}W, g, [&](const mlxts_jit::ThreadPos& p) { (void)p; ${call} });
}
extern "C" void mlxts_kernel_run_thread(const mlxts_jit::Launch* L, const mlxts_jit::WorkerCtx* W, const mlxts_jit::ThreadPos* pos) {
  void* const* A = L->args; (void)A;${setup}${hoisted}
  mlxts_jit::run_thread(L, W, pos, [&](const mlxts_jit::ThreadPos& p) { (void)p; ${call} });
}
`;
}

function metalUnit(
  spec: KernelSpec,
  inputs: readonly UnitInput[],
  outputDtypes: readonly Dtype[],
  template: readonly NormArg[],
  options: CpuKernelOptions,
): CpuKernel {
  const infos = shapeInfos(spec);
  const params: Param[] = [];
  const slots: [ParamKind, number][] = [];
  const slot = (kind: ParamKind, index: number): number => slots.push([kind, index]) - 1;
  inputs.forEach((x, i) => {
    const name = spec.inputNames[i];
    const t = kernelTypeName('metal', x.dtype);
    const s = slot(ParamKind.Input, i);
    if (x.ndim === 0) {
      params.push({ decl: `const ${t}& ${name}`, arg: `*(const ${t}*)A[${s}]` });
      return;
    }
    params.push(bufferParam(`const ${t}`, name, s, options.checked));
    const info = infos[i];
    if (info.shape) params.push({ decl: `const int* ${name}_shape`, arg: `(const int*)A[${slot(ParamKind.Shape, i)}]` });
    if (info.strides) {
      params.push({ decl: `const int64_t* ${name}_strides`, arg: `(const int64_t*)A[${slot(ParamKind.Strides, i)}]` });
    }
    if (info.ndim) params.push({ decl: `const int& ${name}_ndim`, arg: `*(const int*)A[${slot(ParamKind.Ndim, i)}]` });
  });
  outputDtypes.forEach((d, i) => {
    const t = kernelTypeName('metal', d);
    const type = spec.atomicOutputs ? `metal::atomic<${t}>` : t;
    params.push(bufferParam(type, spec.outputNames[i], slot(ParamKind.Output, i), options.checked));
  });
  for (const [attr, type] of metalAttributes(spec.source)) {
    params.push({ decl: `${type} ${attr}`, arg: `mlxts_jit::metal_attr::${attr}(*L, p)`, perThread: true });
  }
  const header = rewriteMetalForCpu(spec.header ?? '');
  const body = rewriteMetalForCpu(spec.source);
  const sync = usesSync('metal', `${spec.header ?? ''}\n${spec.source}`);
  const tpl = template.length > 0 ? `template <${template.map((a) => `${a.kind} ${a.name}`).join(', ')}>\n` : '';
  const inst = template.length > 0 ? `<${template.map((a) => templateValue('metal', a)).join(', ')}>` : '';
  const source = [
    `// ${spec.name}: generated by mlx-ts for the CPU engine (Metal dialect)`,
    '#include "mlx/jit/metal.h"',
    '#line 1 "header"',
    header,
    '#line 1 "generated"',
    `${tpl}static inline void mlxts_body(${params.map((p) => p.decl).join(', ')}) {`,
    '#line 1 "source"',
    body,
    '#line 1 "generated"',
    '}',
    entryPoints(sync, params, `mlxts_body${inst}`, !options.checked),
  ].join('\n');
  return { source, params: slots, usesSync: sync, fixedNdim: 0 };
}

function cudaUnit(
  spec: KernelSpec,
  inputs: readonly UnitInput[],
  outputDtypes: readonly Dtype[],
  template: readonly NormArg[],
  options: CpuKernelOptions,
): CpuKernel {
  const infos = shapeInfos(spec);
  const params: Param[] = [];
  const slots: [ParamKind, number][] = [];
  const slot = (kind: ParamKind, index: number): number => slots.push([kind, index]) - 1;
  inputs.forEach((x, i) => {
    const name = spec.inputNames[i];
    const t = kernelTypeName('cuda', x.dtype);
    params.push(bufferParam(`const ${t}`, name, slot(ParamKind.Input, i), options.checked));
    if (x.ndim === 0) return;
    const info = infos[i];
    const cu = 'mlx::core::cu';
    if (info.shape) params.push({ decl: `const Shape ${name}_shape`, arg: `*(const ${cu}::Shape*)A[${slot(ParamKind.Shape, i)}]` });
    if (info.strides) {
      params.push({ decl: `const Strides ${name}_strides`, arg: `*(const ${cu}::Strides*)A[${slot(ParamKind.Strides, i)}]` });
    }
    if (info.ndim) params.push({ decl: `const int ${name}_ndim`, arg: `*(const int*)A[${slot(ParamKind.Ndim, i)}]` });
  });
  outputDtypes.forEach((d, i) => {
    params.push(bufferParam(kernelTypeName('cuda', d), spec.outputNames[i], slot(ParamKind.Output, i), options.checked));
  });
  const header = rewriteCudaForCpu(spec.header ?? '', false);
  const body = rewriteCudaForCpu(spec.source, true);
  const shared = [...header.fileScopeShared, ...body.fileScopeShared];
  const setup = shared.map((s) => ` ${s.name} = reinterpret_cast<${s.type}*>(W->dynamic_shared);`).join('');
  const sync = usesSync('cuda', `${spec.header ?? ''}\n${spec.source}`);
  const constants = template.map((a) =>
    a.kind === 'typename'
      ? `using ${a.name} = ${kernelTypeName('cuda', a.dtype)};`
      : `constexpr ${a.kind} ${a.name} = ${templateValue('cuda', a)};`,
  );
  const source = [
    `// ${spec.name}: generated by mlx-ts for the CPU engine (CUDA dialect)`,
    '#include "mlx/jit/cuda.h"',
    '#line 1 "header"',
    header.source,
    '#line 1 "generated"',
    'namespace mlx::core::cu {',
    'namespace cg = cooperative_groups;',
    `static inline void mlxts_body(${params.map((p) => p.decl).join(', ')}) {`,
    ...constants,
    '#line 1 "source"',
    body.source,
    '#line 1 "generated"',
    '}',
    '} // namespace mlx::core::cu',
    entryPoints(sync, params, 'mlx::core::cu::mlxts_body', false, setup),
  ].join('\n');
  return { source, params: slots, usesSync: sync, fixedNdim: CUDA_MAX_NDIM };
}
