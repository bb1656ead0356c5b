// `mlx-ts new extension <name>`: a C++ extension package generated from the
// handlebars templates in templates/extension/ (an operation and its Primitive
// with CPU eval, jvp/vjp/vmap and optionally a CUDA kernel, the N-API binding,
// a typed wrapper, vitest tests, cmake-js build) — like examples/axpby.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

/** The mlx-ts package folder (sdk/ and dist/ both sit one level below it). */
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** A scaffold that cannot be made (the message says why). */
export class ScaffoldError extends Error {}

/** The forms of an extension's name used in the generated files. */
export interface ExtensionNames {
  /** The npm package name, as given: `my-op` or `@scope/my-op`. */
  readonly name: string;
  /** C++ function and file names: `my_op`. */
  readonly snake: string;
  /** The TypeScript function: `myOp`. */
  readonly camel: string;
  /** The Primitive class and its name(): `MyOp`. */
  readonly pascal: string;
  /** Macros: `MY_OP`. */
  readonly upper: string;
}

const NAME = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;

// C++ keywords and alternative tokens, TypeScript/JavaScript reserved words:
// the name becomes a C++ function and a TS function.
const RESERVED = new Set(
  (
    'alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t ' +
    'char32_t class compl concept const consteval constexpr constinit const_cast continue co_await ' +
    'co_return co_yield decltype default delete do double dynamic_cast else enum explicit export ' +
    'extern false float for friend goto if inline int long mutable namespace new noexcept not not_eq ' +
    'nullptr operator or or_eq private protected public register reinterpret_cast requires return ' +
    'short signed sizeof static static_assert static_cast struct switch template this thread_local ' +
    'throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while ' +
    'xor xor_eq main await function import in instanceof let typeof var with yield arguments eval ' +
    'null undefined super implements interface package'
  ).split(' '),
);

/** Names of the built-in primitives (native/include/mlx/primitives/*.h): an extension's must differ. */
export function builtinPrimitiveNames(): Set<string> {
  const dir = path.join(packageRoot, 'native', 'include', 'mlx', 'primitives');
  const names = new Set<string>();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.h'));
  } catch {
    return names;
  }
  for (const f of files) {
    const text = readFileSync(path.join(dir, f), 'utf8');
    for (const re of [/\bclass\s+([A-Z]\w*)\s*(?:final\s*)?:\s*public/g, /return\s+"([A-Z]\w*)"/g, /^\s*MLX_\w+\(([A-Z]\w*)\)/gm]) {
      for (const m of text.matchAll(re)) names.add(m[1]);
    }
  }
  return names;
}

/** The name's forms; throws ScaffoldError for a name that cannot be used. */
export function extensionNames(name: string): ExtensionNames {
  if (!NAME.test(name) || name.length > 64) {
    throw new ScaffoldError(
      `Invalid extension name '${name}': use lowercase letters, digits, '-' and '_', starting with a letter (e.g. my-op; at most 64 characters).`,
    );
  }
  const bare = name.includes('/') ? name.slice(name.indexOf('/') + 1) : name;
  const parts = bare.split(/[-_]/);
  const snake = parts.join('_');
  const pascal = parts.map((p) => p[0].toUpperCase() + p.slice(1)).join('');
  const camel = pascal[0].toLowerCase() + pascal.slice(1);
  for (const id of [snake, camel]) {
    if (RESERVED.has(id)) throw new ScaffoldError(`Invalid extension name '${name}': '${id}' is a reserved word in C++ or TypeScript.`);
  }
  if (builtinPrimitiveNames().has(pascal)) {
    throw new ScaffoldError(
      `Invalid extension name '${name}': its primitive would be named '${pascal}', like a built-in mlx-ts primitive (the GPU evaluator finds primitives by name); choose another name.`,
    );
  }
  return { name, snake, camel, pascal, upper: snake.toUpperCase() };
}

export interface ScaffoldOptions {
  /** The package name (`my-op`, `@scope/my-op`). */
  readonly name: string;
  /** Where to write (default: ./<name without scope>). Must not exist, or be empty. */
  readonly dir?: string;
  /** Include the CUDA kernel (default true). */
  readonly cuda?: boolean;
  /** Resolves a relative `dir` (default: process.cwd()). */
  readonly cwd?: string;
}

export interface ScaffoldResult {
  /** The package folder (absolute). */
  readonly dir: string;
  /** The files written, relative to `dir`, sorted. */
  readonly files: string[];
  readonly names: ExtensionNames;
}

function templateFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) out.push(...templateFiles(dir, r));
    else if (e.name.endsWith('.hbs')) out.push(r);
  }
  return out.sort();
}

function packageJson(): { version?: string; devDependencies?: Record<string, string> } {
  try {
    return JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as {
      version?: string;
      devDependencies?: Record<string, string>;
    };
  } catch {
    return {};
  }
}

/**
 * Writes a new extension package. In a checkout of mlx-ts its devDependency
 * is `file:<this checkout>`; from an installed mlx-ts, `^<version>`.
 */
export function scaffoldExtension(options: ScaffoldOptions): ScaffoldResult {
  const names = extensionNames(options.name);
  const cuda = options.cuda ?? true;
  const cwd = options.cwd ?? process.cwd();
  const bare = names.name.includes('/') ? names.name.slice(names.name.indexOf('/') + 1) : names.name;
  const dir = path.resolve(cwd, options.dir ?? bare);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new ScaffoldError(`${dir} already exists and is not a folder.`);
    if (readdirSync(dir).length > 0) throw new ScaffoldError(`${dir} already exists and is not empty; choose another name or --dir.`);
  }
  const templates = path.join(packageRoot, 'templates', 'extension');
  if (!existsSync(templates)) throw new ScaffoldError(`The extension templates are missing (${templates}).`);

  const pkg = packageJson();
  const version = pkg.version ?? '0.1.0';
  const fromCheckout = existsSync(path.join(packageRoot, 'sdk', 'index.ts'));
  const context = {
    ...names,
    cuda,
    mlxtsSpec: fromCheckout ? `file:${packageRoot.replace(/\/$/, '')}` : `^${version}`,
    mlxtsPeer: `^${version}`,
    vitestSpec: pkg.devDependencies?.vitest ?? '^3.2.4',
    ldelim: '{',
    rdelim: '}',
  };

  const files: { rel: string; text: string }[] = [];
  for (const t of templateFiles(templates)) {
    if (!cuda && t.endsWith('.cu.hbs')) continue;
    let rel = t.slice(0, -'.hbs'.length).replaceAll('__snake__', names.snake);
    if (path.basename(rel) === 'gitignore') rel = path.join(path.dirname(rel), '.gitignore');
    const render = Handlebars.compile(readFileSync(path.join(templates, t), 'utf8'), { noEscape: true, strict: true });
    files.push({ rel, text: render(context) });
  }
  for (const f of files) {
    const out = path.join(dir, f.rel);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, f.text, { flag: 'wx' });
  }
  return { dir, files: files.map((f) => f.rel).sort(), names };
}
