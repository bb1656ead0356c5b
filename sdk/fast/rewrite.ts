// Source rewrites that let a kernel body written for a GPU compile for the CPU
// engine, keeping every line where it was (diagnostics point at user lines).
//
// On the CPU all threads of a threadgroup run on one OS thread, so memory
// shared by a threadgroup is `static thread_local` storage: Metal's
// `threadgroup T buf[N];` and CUDA's `__shared__ T buf[N];` become that, while
// `threadgroup` as a pointer/reference qualifier is simply dropped. CUDA's
// dynamic `extern __shared__ T name[];` becomes a pointer to the runtime's
// per-threadgroup buffer.

/** A lexical token of interest: an identifier or a single punctuation char, with its offset. */
interface Token {
  readonly text: string;
  readonly start: number;
}

/** Identifiers and punctuation outside comments, strings and preprocessor lines. */
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
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (lineStart && c === '#') {
      // A preprocessor line (with continuations) is left alone.
      while (i < src.length && src[i] !== '\n') i += src[i] === '\\' && src[i + 1] === '\n' ? 2 : 1;
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

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function applyEdits(src: string, edits: Edit[]): string {
  let out = '';
  let at = 0;
  for (const e of edits.sort((a, b) => a.start - b.start)) {
    out += src.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + src.slice(at);
}

/** Whether the tokens after index k, up to the end of the declarator, contain `*` or `&`. */
function isQualifierUse(toks: Token[], k: number): boolean {
  for (let j = k + 1; j < toks.length; j++) {
    const t = toks[j].text;
    if (t === '*' || t === '&') return true;
    if (t === ';' || t === ',' || t === ')' || t === '=' || t === '{' || t === '[') return false;
  }
  return false;
}

/** Includes of the GPU toolchains' own headers: the compatibility header provides their contents. */
const METAL_INCLUDES = /^[ \t]*#[ \t]*include[ \t]*<metal_\w+>[ \t]*$/gm;
const CUDA_INCLUDES =
  /^[ \t]*#[ \t]*include[ \t]*[<"](cuda_fp16\.h|cuda_bf16\.h|cuda_runtime\.h|cuda\.h|math_constants\.h|cooperative_groups\.h|cooperative_groups\/[\w/.]+|cuda\/std\/\w+|cmath|math\.h|mma\.h)[>"][ \t]*$/gm;

/** Metal: rewrites `threadgroup` declarations and drops it as a qualifier. */
export function rewriteMetalForCpu(text: string): string {
  const src = text.replace(METAL_INCLUDES, '');
  const toks = tokens(src);
  const edits: Edit[] = [];
  toks.forEach((t, k) => {
    if (t.text !== 'threadgroup') return;
    const text = isQualifierUse(toks, k) ? ' ' : 'static thread_local';
    edits.push({ start: t.start, end: t.start + t.text.length, text });
  });
  return applyEdits(src, edits);
}

/** A file-scope dynamic shared array the entry points must aim at the runtime's buffer. */
export interface DynamicShared {
  readonly name: string;
  readonly type: string;
}

/**
 * CUDA: rewrites `__shared__` declarations (static and dynamic). `inFunction`:
 * the text is a function body (the kernel's source) rather than file scope.
 */
export function rewriteCudaForCpu(text: string, inFunction: boolean): { source: string; fileScopeShared: DynamicShared[] } {
  const src = text.replace(CUDA_INCLUDES, '');
  const toks = tokens(src);
  const edits: Edit[] = [];
  const fileScopeShared: DynamicShared[] = [];
  let depth = inFunction ? 1 : 0;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.text === '{') depth++;
    if (t.text === '}') depth = Math.max(inFunction ? 1 : 0, depth - 1);
    if (t.text !== '__shared__') continue;
    const isExtern = k > 0 && toks[k - 1].text === 'extern';
    if (!isExtern) {
      edits.push({ start: t.start, end: t.start + t.text.length, text: 'static thread_local' });
      continue;
    }
    // extern __shared__ <type> name[];  ->  a pointer to the group's dynamic shared memory
    let end = k + 1;
    while (end < toks.length && toks[end].text !== ';') end++;
    const declEnd = end < toks.length ? toks[end].start + 1 : src.length;
    const decl = src.slice(t.start + t.text.length, declEnd - 1);
    const m = /^\s*(.*?)\s*([A-Za-z_][A-Za-z0-9_]*)\s*\[\s*\]\s*$/s.exec(decl.replace(/__align__\s*\(\s*\d+\s*\)/g, ''));
    if (!m) continue;
    const type = m[1].replace(/\s+/g, ' ').trim();
    const name = m[2];
    const start = toks[k - 1].start;
    // Keep the statement's newlines so later lines keep their numbers.
    const newlines = src.slice(start, declEnd).replace(/[^\n]/g, '');
    const text =
      depth === 0
        ? `static thread_local ${type}* ${name};${newlines}`
        : `${type}* ${name} = reinterpret_cast<${type}*>(mlxts_jit::dynamic_shared());${newlines}`;
    if (depth === 0) fileScopeShared.push({ name, type });
    edits.push({ start, end: declEnd, text });
    k = end;
  }
  return { source: applyEdits(src, edits), fileScopeShared };
}

const METAL_SYNC = /\b(threadgroup_barrier|simdgroup_barrier|simd_[a-z_]+|quad_[a-z_]+)\s*\(/;
const CUDA_SYNC =
  /\b(__syncthreads\w*|__syncwarp|__shfl\w*|__ballot_sync|__all_sync|__any_sync|__match_\w+|__reduce_\w+|__activemask|match_\w+|sync|shfl\w*|ballot|any|all|reduce|inclusive_scan|exclusive_scan|thread_rank|meta_group_rank)\s*\(/;

/**
 * Whether a kernel's text synchronises (barriers, simdgroup/warp functions):
 * its threads then run as fibers. Over-inclusive on purpose: a false positive
 * costs speed, a false negative is reported as an error after the launch.
 */
export function usesSync(dialect: 'metal' | 'cuda', text: string): boolean {
  if (dialect === 'metal') return METAL_SYNC.test(text);
  const m = CUDA_SYNC.exec(text);
  // thread_rank()/meta_group_rank() alone do not synchronise.
  if (!m) return false;
  const all = text.match(new RegExp(CUDA_SYNC.source, 'g')) ?? [];
  return all.some((s) => !/^(thread_rank|meta_group_rank)\s*\(/.test(s));
}
