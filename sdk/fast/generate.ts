// Source generation for custom kernels (`mx.fast.metalKernel` / `mx.fast.cudaKernel`).
//
// Given a kernel spec (names, body, header) and one call's inputs, output
// dtypes and template arguments, this module produces the full kernel text
// exactly as MLX's `metal_kernel` / `cuda_kernel` generate it: the signature
// is derived from the dtypes and shapes of the inputs, the `_shape` /
// `_strides` / `_ndim` parameters and Metal attributes the body mentions, and
// the template arguments. The text is rendered from the handlebars templates
// in `templates/*.hbs`, only on a cache miss.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { Dtype } from '../dtype.js';

/** The operation name used in error messages, as MLX's. */
export type OpName = '[metal_kernel]' | '[cuda_kernel]';

/** The value of one template argument: a dtype (`typename`), an integer (`int`) or a boolean (`bool`). */
export type TemplateValue = Dtype | number | boolean;

/** One template argument: `[name, value]`. */
export type TemplateArg = readonly [string, TemplateValue];

/**
 * What the generator needs to know of an input: its dtype and shape. An
 * `MxArray` satisfies this interface.
 */
export interface KernelInputInfo {
  /** The input's dtype. */
  readonly dtype: Dtype;
  /** The input's shape (`[]` for a 0-d array). */
  readonly shape: readonly number[];
}

/** The construction-time description of a custom kernel. */
export interface KernelSpec {
  /** The kernel's name; the generated function is `custom_kernel_<name>...`. */
  readonly name: string;
  /** Names of the inputs, in the order the inputs are passed. */
  readonly inputNames: readonly string[];
  /** Names of the outputs (at least one). */
  readonly outputNames: readonly string[];
  /** The body of the kernel (the signature is generated). */
  readonly source: string;
  /** Text placed before the kernel (helpers, includes). Defaults to `''`. */
  readonly header?: string;
  /** Whether inputs are copied to row-contiguous layout first (does not change the text). */
  readonly ensureRowContiguous?: boolean;
  /** Metal only: declare every output as `device atomic<T>*`. Defaults to `false`. */
  readonly atomicOutputs?: boolean;
}

/** The per-call information that affects the generated text. */
export interface KernelCall {
  /** One entry per input name: its dtype and shape (an `MxArray` works). */
  readonly inputs: readonly KernelInputInfo[];
  /** One shape per output name. */
  readonly outputShapes: readonly (readonly number[])[];
  /** One dtype per output name. */
  readonly outputDtypes: readonly Dtype[];
  /** Template arguments: `[name, dtype | integer | boolean]`. */
  readonly template?: readonly TemplateArg[];
}

/** A generated kernel: the name of its entry point and its full source text. */
export interface GeneratedKernel {
  /** The entry point's name, e.g. `custom_kernel_myexp_float`. */
  readonly name: string;
  /** The complete generated source. */
  readonly source: string;
}

/** Inputs with fewer elements than this are passed in Metal's `constant` address space (MLX's rule). */
const MAX_CONSTANT_ARRAY_SIZE = 8;

/** MLX's Metal type names (`get_type_string`). */
const METAL_TYPES: Readonly<Record<string, string>> = {
  bool: 'bool',
  uint8: 'uint8_t',
  uint16: 'uint16_t',
  uint32: 'uint32_t',
  uint64: 'uint64_t',
  int8: 'int8_t',
  int16: 'int16_t',
  int32: 'int32_t',
  int64: 'int64_t',
  float16: 'float16_t',
  float32: 'float',
  float64: 'double',
  bfloat16: 'bfloat16_t',
  complex64: 'complex64_t',
};

/** MLX's CUDA type names (`dtype_to_cuda_type`). */
const CUDA_TYPES: Readonly<Record<string, string>> = {
  bool: 'bool',
  uint8: 'uint8_t',
  uint16: 'uint16_t',
  uint32: 'uint32_t',
  uint64: 'uint64_t',
  int8: 'int8_t',
  int16: 'int16_t',
  int32: 'int32_t',
  int64: 'int64_t',
  float16: '__half',
  float32: 'float',
  float64: 'double',
  bfloat16: '__nv_bfloat16',
  complex64: 'mlx::core::cu::complex64_t',
};

/**
 * The Metal attributes MLX passes to a kernel whose source mentions them
 * (Table 5.8 of the Metal Shading Language Specification), in MLX's order.
 */
export const METAL_ATTRIBUTES: readonly (readonly [string, string])[] = [
  ['dispatch_quadgroups_per_threadgroup', 'uint'],
  ['dispatch_simdgroups_per_threadgroup', 'uint'],
  ['dispatch_threads_per_threadgroup', 'uint3'],
  ['grid_origin', 'uint3'],
  ['grid_size', 'uint3'],
  ['quadgroup_index_in_threadgroup', 'uint'],
  ['quadgroups_per_threadgroup', 'uint'],
  ['simdgroup_index_in_threadgroup', 'uint'],
  ['simdgroups_per_threadgroup', 'uint'],
  ['thread_execution_width', 'uint'],
  ['thread_index_in_quadgroup', 'uint'],
  ['thread_index_in_simdgroup', 'uint'],
  ['thread_index_in_threadgroup', 'uint'],
  ['thread_position_in_grid', 'uint3'],
  ['thread_position_in_threadgroup', 'uint3'],
  ['threadgroup_position_in_grid', 'uint3'],
  ['threadgroups_per_grid', 'uint3'],
  ['threads_per_grid', 'uint3'],
  ['threads_per_simdgroup', 'uint'],
  ['threads_per_threadgroup', 'uint3'],
];

/** Which of `<name>_shape`, `<name>_strides`, `<name>_ndim` an input's source mentions. */
export interface ShapeInfo {
  /** The source mentions `<name>_shape`. */
  readonly shape: boolean;
  /** The source mentions `<name>_strides`. */
  readonly strides: boolean;
  /** The source mentions `<name>_ndim`. */
  readonly ndim: boolean;
}

/**
 * For each input name, which of its shape, strides and ndim the source
 * mentions (a plain substring search, as MLX does).
 */
export function shapeInfos(spec: Pick<KernelSpec, 'inputNames' | 'source'>): ShapeInfo[] {
  return spec.inputNames.map((n) => ({
    shape: spec.source.includes(`${n}_shape`),
    strides: spec.source.includes(`${n}_strides`),
    ndim: spec.source.includes(`${n}_ndim`),
  }));
}

/** The Metal attributes (name and type) that `source` mentions, in MLX's order. */
export function metalAttributes(source: string): (readonly [string, string])[] {
  return METAL_ATTRIBUTES.filter(([attr]) => source.includes(attr));
}

// ---------------------------------------------------------------------------
// Validation

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KERNEL_NAME = /^[A-Za-z0-9_]+$/;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (value instanceof Dtype) return `dtype ${value.name}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (typeof value === 'function') return 'function';
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== 'Object' ? `${ctor.name} object` : 'object';
}

function fail(op: OpName, msg: string): never {
  throw new Error(`${op} ${msg}`);
}

function checkNameList(op: OpName, field: string, names: unknown): readonly string[] {
  if (!Array.isArray(names)) fail(op, `Expected \`${field}\` to be an array of strings but got ${describe(names)}.`);
  for (const n of names as unknown[]) {
    if (typeof n !== 'string') {
      fail(op, `Expected \`${field}\` to hold strings but got ${describe(n)}.`);
    }
    if (!IDENTIFIER.test(n)) {
      fail(op, `Invalid name ${JSON.stringify(n)} in \`${field}\`: names must be C identifiers ([A-Za-z_][A-Za-z0-9_]*).`);
    }
  }
  return names as readonly string[];
}

/**
 * Checks a kernel spec as the kernel constructors do: a valid kernel name,
 * identifier input/output names without duplicates, at least one output,
 * string source/header. Throws an `Error` whose message starts with `op`.
 */
export function validateKernelSpec(op: OpName, spec: KernelSpec): void {
  if (spec === null || typeof spec !== 'object') fail(op, `Expected a kernel spec object but got ${describe(spec)}.`);
  if (typeof spec.name !== 'string' || !KERNEL_NAME.test(spec.name)) {
    fail(
      op,
      `Invalid kernel name ${typeof spec.name === 'string' ? JSON.stringify(spec.name) : describe(spec.name)}: ` +
        'expected a non-empty string of letters, digits and underscores.',
    );
  }
  const inputs = checkNameList(op, 'inputNames', spec.inputNames);
  const outputs = checkNameList(op, 'outputNames', spec.outputNames);
  if (outputs.length === 0) fail(op, 'Must specify at least one output.');
  const seen = new Set<string>();
  for (const n of [...inputs, ...outputs]) {
    if (seen.has(n)) fail(op, `Duplicate name ${JSON.stringify(n)} in \`inputNames\`/\`outputNames\`.`);
    seen.add(n);
  }
  if (typeof spec.source !== 'string') fail(op, `Expected \`source\` to be a string but got ${describe(spec.source)}.`);
  if (spec.header !== undefined && typeof spec.header !== 'string') {
    fail(op, `Expected \`header\` to be a string but got ${describe(spec.header)}.`);
  }
  if (spec.ensureRowContiguous !== undefined && typeof spec.ensureRowContiguous !== 'boolean') {
    fail(op, `Expected \`ensureRowContiguous\` to be a boolean but got ${describe(spec.ensureRowContiguous)}.`);
  }
  if (spec.atomicOutputs !== undefined && typeof spec.atomicOutputs !== 'boolean') {
    fail(op, `Expected \`atomicOutputs\` to be a boolean but got ${describe(spec.atomicOutputs)}.`);
  }
}

function checkSize(op: OpName, field: string, actual: unknown, expected: number): void {
  if (!Array.isArray(actual)) fail(op, `Expected \`${field}\` to be an array but got ${describe(actual)}.`);
  if (actual.length !== expected) {
    fail(op, `Expected \`${field}\` to have size ${expected} but got size ${actual.length}.`);
  }
}

function checkShape(op: OpName, what: string, shape: unknown): readonly number[] {
  if (!Array.isArray(shape)) fail(op, `Expected ${what} to be an array of integers but got ${describe(shape)}.`);
  for (const d of shape as unknown[]) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      fail(op, `Expected ${what} to hold non-negative integers but got ${describe(d)}.`);
    }
  }
  return shape as readonly number[];
}

function checkDtype(op: OpName, what: string, d: unknown): Dtype {
  if (!(d instanceof Dtype)) fail(op, `Expected ${what} to be a dtype but got ${describe(d)}.`);
  return d;
}

/** A normalised template argument. */
export type NormArg =
  | { readonly name: string; readonly kind: 'typename'; readonly dtype: Dtype }
  | { readonly name: string; readonly kind: 'int'; readonly value: number }
  | { readonly name: string; readonly kind: 'bool'; readonly value: boolean };

function checkTemplate(op: OpName, spec: KernelSpec, template: unknown): NormArg[] {
  if (template === undefined || template === null) return [];
  if (!Array.isArray(template)) {
    fail(op, `Expected \`template\` to be an array of [name, value] pairs but got ${describe(template)}.`);
  }
  const args: NormArg[] = [];
  const seen = new Set<string>();
  const argNames = new Set([...spec.inputNames, ...spec.outputNames]);
  for (const entry of template as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2) {
      fail(op, `Expected each \`template\` entry to be a [name, value] pair but got ${describe(entry)}.`);
    }
    const [name, value] = entry as [unknown, unknown];
    if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
      fail(
        op,
        `Invalid template parameter name ${typeof name === 'string' ? JSON.stringify(name) : describe(name)}: ` +
          'names must be C identifiers.',
      );
    }
    if (seen.has(name)) fail(op, `Duplicate template parameter ${JSON.stringify(name)}.`);
    if (argNames.has(name)) {
      fail(op, `Template parameter ${JSON.stringify(name)} has the same name as a kernel input or output.`);
    }
    seen.add(name);
    if (value instanceof Dtype) {
      args.push({ name, kind: 'typename', dtype: value });
    } else if (typeof value === 'boolean') {
      args.push({ name, kind: 'bool', value });
    } else if (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) {
      args.push({ name, kind: 'int', value });
    } else if (typeof value === 'number' && Number.isInteger(value)) {
      fail(op, `Template argument ${JSON.stringify(name)} = ${value} does not fit in a 32-bit int.`);
    } else {
      fail(
        op,
        `Invalid template argument ${JSON.stringify(name)}: expected a dtype, an integer or a boolean but got ` +
          `${describe(value)}.`,
      );
    }
  }
  return args;
}

/** A normalised input: only what changes the text. */
export interface NormInput {
  readonly dtype: Dtype;
  readonly ndim: number;
  readonly size: number;
}

function checkCall(op: OpName, spec: KernelSpec, call: KernelCall): { inputs: NormInput[]; outputDtypes: Dtype[]; template: NormArg[] } {
  if (call === null || typeof call !== 'object') fail(op, `Expected call options object but got ${describe(call)}.`);
  checkSize(op, 'inputs', call.inputs, spec.inputNames.length);
  checkSize(op, 'outputShapes', call.outputShapes, spec.outputNames.length);
  checkSize(op, 'outputDtypes', call.outputDtypes, spec.outputNames.length);
  const inputs = call.inputs.map((inp, i) => {
    const what = `input \`${spec.inputNames[i]}\``;
    if (inp === null || typeof inp !== 'object') {
      fail(op, `Expected ${what} to be an array (or {dtype, shape}) but got ${describe(inp)}.`);
    }
    const dtype = checkDtype(op, `the dtype of ${what}`, inp.dtype);
    const shape = checkShape(op, `the shape of ${what}`, inp.shape);
    return { dtype, ndim: shape.length, size: shape.reduce((a, b) => a * b, 1) };
  });
  call.outputShapes.forEach((s, i) => checkShape(op, `the shape of output \`${spec.outputNames[i]}\``, s));
  const outputDtypes = call.outputDtypes.map((d, i) =>
    checkDtype(op, `the dtype of output \`${spec.outputNames[i]}\``, d),
  );
  return { inputs, outputDtypes, template: checkTemplate(op, spec, call.template) };
}

/**
 * Validates one call against its spec and reduces it to what changes the
 * generated text (used by the CPU source generator too).
 */
export function normalizeKernelCall(
  op: OpName,
  spec: KernelSpec,
  call: KernelCall,
): { inputs: NormInput[]; outputDtypes: Dtype[]; template: NormArg[] } {
  return checkCall(op, spec, call);
}

/** A dtype's type name in a dialect's kernels (`float16_t` in Metal, `__half` in CUDA). */
export function kernelTypeName(dialect: 'metal' | 'cuda', d: Dtype): string {
  return typeName(dialect === 'metal' ? METAL_TYPES : CUDA_TYPES, d);
}

// ---------------------------------------------------------------------------
// Templates and cache

type Renderer = (view: object) => string;

const renderers = new Map<string, Renderer>();

function renderer(file: string): Renderer {
  let r = renderers.get(file);
  if (r === undefined) {
    const path = fileURLToPath(new URL(`../../templates/${file}`, import.meta.url));
    const hbs = Handlebars.create();
    r = hbs.compile(readFileSync(path, 'utf8'), { noEscape: true, strict: true });
    renderers.set(file, r);
  }
  return r;
}

const CACHE_LIMIT = 512;
const cache = new Map<string, GeneratedKernel>();
let renders = 0;

function memo(key: string, make: () => GeneratedKernel): GeneratedKernel {
  const hit = cache.get(key);
  if (hit !== undefined) {
    // Refresh its position for least-recently-used eviction.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const made = make();
  renders++;
  cache.set(key, made);
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return made;
}

/** Statistics of the generated-source cache (for tests and diagnostics). */
export function generatorCacheStats(): { entries: number; renders: number } {
  return { entries: cache.size, renders };
}

/** Empties the generated-source cache. */
export function clearGeneratorCache(): void {
  cache.clear();
}

function typeName(table: Readonly<Record<string, string>>, d: Dtype): string {
  const t = table[d.name];
  if (t === undefined) throw new Error(`Unsupported compilation type ${d.name}`);
  return t;
}

function argKey(a: NormArg): string {
  return a.kind === 'typename' ? `${a.name}:t:${a.dtype.name}` : `${a.name}:${a.kind}:${String(a.value)}`;
}

// ---------------------------------------------------------------------------
// Metal

/**
 * Generates the Metal source of a custom kernel call as MLX's `metal_kernel`
 * does (the text `verbose=True` prints): the header, the `template <...>`
 * line, the `[[kernel]] void custom_kernel_<name>[_<template values>](...)`
 * signature, the body, and the explicit instantiation line when there are
 * template arguments.
 *
 * @param spec - the kernel's construction-time description
 * @param call - the call's inputs (dtype and shape), output shapes/dtypes and template arguments
 * @returns the entry point's name and the full source text
 * @throws Error starting with `[metal_kernel]` on an invalid spec or call
 */
export function generateMetalKernel(spec: KernelSpec, call: KernelCall): GeneratedKernel {
  const op: OpName = '[metal_kernel]';
  validateKernelSpec(op, spec);
  const { inputs, outputDtypes, template } = checkCall(op, spec, call);
  const header = spec.header ?? '';
  const atomic = spec.atomicOutputs ?? false;
  const key = JSON.stringify([
    'metal',
    spec.name,
    header,
    spec.source,
    spec.inputNames,
    spec.outputNames,
    atomic,
    inputs.map((x) => `${x.dtype.name}:${x.ndim === 0 ? 's' : x.size < MAX_CONSTANT_ARRAY_SIZE ? 'c' : 'd'}`),
    outputDtypes.map((d) => d.name),
    template.map(argKey),
  ]);
  return memo(key, () => {
    const values = template.map((a) =>
      a.kind === 'typename' ? typeName(METAL_TYPES, a.dtype) : a.kind === 'bool' ? (a.value ? '1' : '0') : String(a.value),
    );
    const kernelName = `custom_kernel_${spec.name}` + (values.length > 0 ? `_${values.join('_')}` : '');
    const infos = shapeInfos(spec);
    const params: { decl: string; attr: string }[] = [];
    let buffer = 0;
    inputs.forEach((x, i) => {
      const name = spec.inputNames[i];
      const location = x.size < MAX_CONSTANT_ARRAY_SIZE ? 'constant' : 'device';
      const ref = x.ndim === 0 ? '&' : '*';
      params.push({ decl: `const ${location} ${typeName(METAL_TYPES, x.dtype)}${ref} ${name}`, attr: `buffer(${buffer++})` });
      if (x.ndim > 0) {
        const info = infos[i];
        if (info.shape) params.push({ decl: `const constant int* ${name}_shape`, attr: `buffer(${buffer++})` });
        if (info.strides) params.push({ decl: `const constant int64_t* ${name}_strides`, attr: `buffer(${buffer++})` });
        if (info.ndim) params.push({ decl: `const constant int& ${name}_ndim`, attr: `buffer(${buffer++})` });
      }
    });
    outputDtypes.forEach((d, i) => {
      const t = typeName(METAL_TYPES, d);
      params.push({ decl: `device ${atomic ? `atomic<${t}>` : t}* ${spec.outputNames[i]}`, attr: `buffer(${buffer++})` });
    });
    for (const [attr, type] of metalAttributes(spec.source)) params.push({ decl: `${type} ${attr}`, attr });
    const instantiation = values.length > 0 ? `${kernelName}<${values.join(', ')}>` : '';
    const source = renderer('metal_kernel.hbs')({
      header,
      templateParams: template.map((a) => ({ kind: a.kind, name: a.name })),
      kernelName,
      params,
      source: spec.source,
      instantiation,
    });
    return { name: kernelName, source };
  });
}

// ---------------------------------------------------------------------------
// CUDA

/**
 * Generates the CUDA source of a custom kernel call as MLX's `cuda_kernel`
 * does: MLX's prelude (`utils.cuh`, cooperative groups), the header, a
 * `__global__ void custom_kernel_<name>[_<template values>](...)` function in
 * `namespace mlx::core::cu` with `Shape`/`Strides`/`int` parameters for the
 * `_shape`/`_strides`/`_ndim` names the body mentions, and template arguments
 * as `constexpr`/`using` lines before the body.
 *
 * @param spec - the kernel's construction-time description (`atomicOutputs` must be absent or false)
 * @param call - the call's inputs (dtype and shape), output shapes/dtypes and template arguments
 * @returns the entry point's name and the full source text
 * @throws Error starting with `[cuda_kernel]` on an invalid spec or call
 */
export function generateCudaKernel(spec: KernelSpec, call: KernelCall): GeneratedKernel {
  const op: OpName = '[cuda_kernel]';
  validateKernelSpec(op, spec);
  if (spec.atomicOutputs === true) fail(op, '`atomicOutputs` is a Metal option; CUDA kernels use atomicAdd on plain outputs.');
  const { inputs, outputDtypes, template } = checkCall(op, spec, call);
  const header = spec.header ?? '';
  const key = JSON.stringify([
    'cuda',
    spec.name,
    header,
    spec.source,
    spec.inputNames,
    spec.outputNames,
    inputs.map((x) => `${x.dtype.name}:${x.ndim === 0 ? 's' : 'a'}`),
    outputDtypes.map((d) => d.name),
    template.map(argKey),
  ]);
  return memo(key, () => {
    const suffix = template
      .map((a) =>
        a.kind === 'typename' ? `_${typeName(METAL_TYPES, a.dtype)}` : a.kind === 'bool' ? (a.value ? '_t' : '_f') : `_${a.value}`,
      )
      .join('');
    const kernelName = `custom_kernel_${spec.name}${suffix}`;
    const infos = shapeInfos(spec);
    const params: string[] = [];
    inputs.forEach((x, i) => {
      const name = spec.inputNames[i];
      params.push(`const ${typeName(CUDA_TYPES, x.dtype)}* ${name}`);
      if (x.ndim > 0) {
        const info = infos[i];
        if (info.shape) params.push(`const __grid_constant__ Shape ${name}_shape`);
        if (info.strides) params.push(`const __grid_constant__ Strides ${name}_strides`);
        if (info.ndim) params.push(`const __grid_constant__ int ${name}_ndim`);
      }
    });
    outputDtypes.forEach((d, i) => params.push(`${typeName(CUDA_TYPES, d)}* ${spec.outputNames[i]}`));
    const constants = template.map((a) =>
      a.kind === 'typename'
        ? `using ${a.name} = ${typeName(CUDA_TYPES, a.dtype)};`
        : a.kind === 'bool'
          ? `constexpr bool ${a.name} = ${a.value ? 'true' : 'false'};`
          : `constexpr int ${a.name} = ${a.value};`,
    );
    const source = renderer('cuda_kernel.hbs')({ header, kernelName, params, constants, source: spec.source });
    return { name: kernelName, source };
  });
}

/**
 * The text MLX prints for `verbose=True`: Metal names the kernel by its spec
 * name, CUDA by the generated entry point's name.
 *
 * @param dialect - `'metal'` or `'cuda'`
 * @param spec - the kernel spec (for its name)
 * @param generated - the generated kernel
 */
export function verboseText(dialect: 'metal' | 'cuda', spec: Pick<KernelSpec, 'name'>, generated: GeneratedKernel): string {
  const shown = dialect === 'metal' ? spec.name : generated.name;
  return `Generated source code for \`${shown}\`:\n\`\`\`\n${generated.source}\n\`\`\`\n`;
}
