// The `mlx-ts` command line.
//
//   mlx-ts dev <kernel files or dirs> --run <script>
//   mlx-ts new extension <name> [--dir <dir>] [--no-cuda]
//   mlx-ts --cmake-dir
//
// watches kernel files (chokidar) and reruns a script on each change: a `.ts`
// script through tsx (`node --import tsx`, with `--conditions=source` when run from a checkout), anything else
// with plain node. A run still going when a file changes is stopped first.
// The script's output is passed through, with kernel compile diagnostics in
// colour and the source line they point at; `source:N` / `header:N` locations
// (a kernel compiled at evaluation) are mapped to the watched file whose line
// N is the line the compiler quoted. Ctrl-C closes the watcher and stops the
// script.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import chokidar, { type FSWatcher } from 'chokidar';
import { ScaffoldError, scaffoldExtension } from './scaffold.js';

function version(): string {
  try {
    // sdk/cli.ts and dist/cli.js both sit one level below package.json.
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export const HELP = `mlx-ts — MLX-compatible arrays for Node.js

Usage:
  mlx-ts dev [kernel files or dirs...] --run <script> [options] [-- script args...]
  mlx-ts new extension <name> [--dir <dir>] [--no-cuda]
  mlx-ts --cmake-dir
  mlx-ts --help | --version

Commands:
  dev    Watch kernel files (.metal, .cu, .cuh, .h, .hpp; directories are
         searched) and rerun <script> on each change. A .ts/.mts/.cts script
         runs as \`node --import tsx <script>\` (plus --conditions=source in a
         checkout of mlx-ts), anything else as \`node <script>\`. A run still going when a file changes is stopped.
         The script itself is watched too. Kernel compile diagnostics in the
         script's output are shown in colour with the source line.
         Default path: ./kernels. Ctrl-C stops the script and exits.

  new extension <name>
         Create a C++ extension package (an npm package like examples/axpby) in
         ./<name> or --dir <dir>: an operation and its Primitive (CPU kernel,
         jvp, vjp, vmap, and a CUDA kernel unless --no-cuda), the N-API binding,
         a typed TypeScript wrapper, vitest tests and a cmake-js build. <name> is
         the npm package name (lowercase letters, digits, '-', '_'; @scope/ allowed).
         Then: cd <dir> && npm install && npm test.

  --cmake-dir  Print the folder of mlx-ts' CMake package, for C++ extensions:
         cmake -DMLXTS_DIR=$(npx mlx-ts --cmake-dir) ... and find_package(MLXTS CONFIG).

Options (dev):
  --run <script>      the script to run (required)
  --debounce <ms>     quiet time after a change before rerunning (default 100)
  --clear             clear the screen before each run
  --color / --no-color  force colour on / off (default: on for a terminal, off with NO_COLOR)
  -h, --help          show this help

Environment of the script: MLX_TS_DEV=1, MLX_TS_DEV_CHANGED=<the file that changed, if any>.

Example:
  npx mlx-ts dev kernels/scale.metal --run examples/hot_reload.ts -- --once
`;

/** File names the dev command watches inside a directory. */
export const KERNEL_FILE = /\.(metal|cu|cuh|h|hpp|hh|inc)$/i;

/** Options of `mlx-ts dev`. */
export interface DevOptions {
  readonly paths: readonly string[];
  readonly script: string;
  readonly scriptArgs: readonly string[];
  readonly debounceMs: number;
  readonly color: boolean;
  readonly clear: boolean;
}

export type Command =
  | { readonly command: 'help'; readonly text: string }
  | { readonly command: 'version' }
  | { readonly command: 'cmake-dir' }
  | { readonly command: 'new'; readonly template: 'extension'; readonly name: string; readonly dir?: string; readonly cuda: boolean }
  | { readonly command: 'dev'; readonly options: DevOptions };

/** A mistake on the command line (printed with a hint, exit code 2). */
export class UsageError extends Error {}

function defaultColor(): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return process.stdout.isTTY === true;
}

/** Parses the command line (without `node` and the script). */
export function parseArgs(argv: readonly string[]): Command {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') return { command: 'help', text: HELP };
  if (cmd === '-v' || cmd === '--version') return { command: 'version' };
  if (cmd === '--cmake-dir') return { command: 'cmake-dir' };
  if (cmd === 'new') return parseNew(rest);
  if (cmd !== 'dev') throw new UsageError(`Unknown command '${cmd}'.`);
  const paths: string[] = [];
  let script: string | undefined;
  let debounceMs = 100;
  let color = defaultColor();
  let clear = false;
  let scriptArgs: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (name: string): string => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value.`);
      return v;
    };
    if (a === '--') {
      scriptArgs = rest.slice(i + 1);
      break;
    } else if (a === '-h' || a === '--help') return { command: 'help', text: HELP };
    else if (a === '--run' || a === '-r') script = value(a);
    else if (a.startsWith('--run=')) script = a.slice('--run='.length);
    else if (a === '--debounce' || a.startsWith('--debounce=')) {
      const v = a === '--debounce' ? value(a) : a.slice('--debounce='.length);
      debounceMs = Number(v);
      if (!Number.isFinite(debounceMs) || debounceMs < 0) throw new UsageError(`--debounce expects milliseconds, got '${v}'.`);
    } else if (a === '--color') color = true;
    else if (a === '--no-color') color = false;
    else if (a === '--clear') clear = true;
    else if (a.startsWith('-')) throw new UsageError(`Unknown option '${a}'.`);
    else paths.push(a);
  }
  if (script === undefined) throw new UsageError('dev needs --run <script>.');
  return { command: 'dev', options: { paths: paths.length > 0 ? paths : ['kernels'], script, scriptArgs, debounceMs, color, clear } };
}

/** `new extension <name> [--dir <dir>] [--no-cuda | --cuda]`. */
function parseNew(argv: readonly string[]): Command {
  const positional: string[] = [];
  let dir: string | undefined;
  let cuda = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') return { command: 'help', text: HELP };
    if (a === '--dir') {
      const v = argv[++i];
      if (v === undefined || v === '') throw new UsageError('--dir needs a value.');
      dir = v;
    } else if (a.startsWith('--dir=')) {
      dir = a.slice('--dir='.length);
      if (dir === '') throw new UsageError('--dir needs a value.');
    } else if (a === '--no-cuda') cuda = false;
    else if (a === '--cuda') cuda = true;
    else if (a.startsWith('-')) throw new UsageError(`Unknown option '${a}' for new.`);
    else positional.push(a);
  }
  const [template, name, ...extra] = positional;
  if (template === undefined) throw new UsageError("new needs a template: 'mlx-ts new extension <name>'.");
  if (template !== 'extension') throw new UsageError(`Unknown template '${template}' for new (available: extension).`);
  if (name === undefined) throw new UsageError("new extension needs a name (e.g. 'mlx-ts new extension my-op').");
  if (extra.length > 0) throw new UsageError(`Unexpected argument '${extra[0]}'.`);
  return { command: 'new', template, name, dir, cuda };
}

/** ANSI styles (identity when colour is off). */
export function styles(on: boolean) {
  const wrap = (open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    blue: wrap(34, 39),
    magenta: wrap(35, 39),
    cyan: wrap(36, 39),
  };
}

const DIAGNOSTIC = /^(.+?):(\d+)(?::(\d+))?: (fatal error|error|warning|note): (.*)$/;
const EXCERPT = /^(\s*)(\d+) \| (.*)$/;
const KERNEL_FAILURE = /^(?:\w*Error: )?\[(metal|cuda)_kernel\] .*?kernel '([^']+)'/;

interface PendingDiagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: string | undefined;
  readonly severity: string;
  readonly text: string;
}

/**
 * Formats a script's output line by line: kernel diagnostics in colour, each
 * followed by its source line. `source:N` / `header:N` (a kernel's own text,
 * compiled at evaluation) become `<file>:N` when exactly one known kernel file
 * has, at line N, the line the compiler quoted.
 */
export class DiagnosticFormatter {
  private pending: PendingDiagnostic | undefined;
  private kernelName: string | undefined;
  private readonly s: ReturnType<typeof styles>;

  /**
   * @param color - ANSI colours
   * @param kernelFiles - the watched kernel files (absolute), for `source:N`
   */
  constructor(color: boolean, private readonly kernelFiles: () => Iterable<string>, private readonly cwd = process.cwd()) {
    this.s = styles(color);
  }

  /** The formatted lines for one line of output (possibly none yet: a diagnostic waits for its excerpt). */
  push(line: string): string[] {
    const out: string[] = [];
    const pending = this.pending;
    this.pending = undefined;
    const excerpt = EXCERPT.exec(line);
    if (pending !== undefined) {
      if (excerpt !== null && Number(excerpt[2]) === pending.line) {
        out.push(this.diagnostic(this.resolve(pending, excerpt[3])), this.excerpt(excerpt[1], pending.line, excerpt[3]));
        return out;
      }
      out.push(...this.finish(pending));
    }
    const failure = KERNEL_FAILURE.exec(line);
    if (failure !== null) {
      this.kernelName = failure[2];
      out.push(this.s.red(this.s.bold(line)));
      return out;
    }
    const d = DIAGNOSTIC.exec(line);
    if (d !== null && !d[1].includes(' ')) {
      this.pending = { file: d[1], line: Number(d[2]), col: d[3], severity: d[4], text: d[5] };
      return out;
    }
    if (excerpt !== null) out.push(this.excerpt(excerpt[1], Number(excerpt[2]), excerpt[3]));
    else if (/Kept the last good version/.test(line)) out.push(this.s.yellow(line));
    else out.push(line);
    return out;
  }

  /** Lines still held back (call at the end of the output). */
  flush(): string[] {
    const p = this.pending;
    this.pending = undefined;
    return p === undefined ? [] : this.finish(p);
  }

  /** A diagnostic whose excerpt did not follow: quote the line from the file, if it exists. */
  private finish(p: PendingDiagnostic): string[] {
    const out = [this.diagnostic(p)];
    const text = readLine(path.resolve(this.cwd, p.file), p.line);
    if (text !== undefined) out.push(this.excerpt('  ', p.line, text));
    return out;
  }

  /** Maps `source:N` / `header:N` to the one kernel file whose line N is `quoted`. */
  private resolve(p: PendingDiagnostic, quoted: string): PendingDiagnostic {
    if (p.file !== 'source' && p.file !== 'header') return p;
    const want = quoted.trim();
    const hits: string[] = [];
    for (const f of this.kernelFiles()) {
      if (readLine(f, p.line)?.trim() === want) hits.push(f);
    }
    let file: string | undefined = hits.length === 1 ? hits[0] : undefined;
    if (hits.length > 1 && this.kernelName !== undefined) {
      const named = hits.filter((f) => path.basename(f).replace(/\.[^.]*$/, '') === this.kernelName);
      if (named.length === 1) file = named[0];
    }
    if (file === undefined) return p;
    const rel = path.relative(this.cwd, file);
    return { ...p, file: rel !== '' && !rel.startsWith('..') ? rel : file };
  }

  private diagnostic(p: PendingDiagnostic): string {
    const loc = `${p.file}:${p.line}${p.col !== undefined ? `:${p.col}` : ''}:`;
    const sev =
      p.severity === 'warning' ? this.s.yellow(this.s.bold('warning:')) : p.severity === 'note' ? this.s.cyan(this.s.bold('note:')) : this.s.red(this.s.bold(`${p.severity}:`));
    return `${this.s.bold(loc)} ${sev} ${p.text}`;
  }

  private excerpt(indent: string, n: number, text: string): string {
    return `${this.s.dim(`${indent || '  '}${n} |`)} ${this.s.cyan(text)}`;
  }
}

const fileLines = new Map<string, { mtimeMs: number; lines: string[] }>();

function readLine(file: string, line: number): string | undefined {
  try {
    const st = statSync(file);
    let c = fileLines.get(file);
    if (c === undefined || c.mtimeMs !== st.mtimeMs) {
      c = { mtimeMs: st.mtimeMs, lines: readFileSync(file, 'utf8').split(/\r?\n/) };
      fileLines.set(file, c);
    }
    return c.lines[line - 1];
  } catch {
    return undefined;
  }
}

/**
 * Whether this CLI runs from the TypeScript sources (a checkout of mlx-ts):
 * then scripts resolve `mlx-ts` to its sources too (`--conditions=source`).
 * A published package has no sources, and that condition would break it.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** How to `--import` tsx: the script's project's own, else the one next to this CLI. */
function tsxImport(cwd: string): string {
  try {
    createRequire(path.join(cwd, 'package.json')).resolve('tsx/package.json');
    return 'tsx';
  } catch {
    try {
      return import.meta.resolve('tsx');
    } catch {
      return 'tsx'; // node will say it is missing
    }
  }
}

/** The command that runs a script: tsx for TypeScript, else plain node. */
export function scriptCommand(script: string, args: readonly string[], cwd = process.cwd()): string[] {
  const ts = /\.(ts|mts|cts|tsx)$/.test(script);
  if (!ts) return [process.execPath, script, ...args];
  return [process.execPath, '--import', tsxImport(cwd), ...(FROM_SOURCE ? ['--conditions=source'] : []), script, ...args];
}

/** Splits a stream into lines (the last partial line comes on end). */
function onLines(stream: NodeJS.ReadableStream, fn: (line: string) => void, end: () => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      fn(buf.slice(0, i).replace(/\r$/, ''));
      buf = buf.slice(i + 1);
    }
  });
  stream.on('end', () => {
    if (buf !== '') fn(buf);
    buf = '';
    end();
  });
}

/** The dev loop. Resolves (0) after Ctrl-C / SIGTERM once the watcher is closed and the script stopped. */
export async function dev(options: DevOptions): Promise<number> {
  const s = styles(options.color);
  const tag = s.magenta('[mlx-ts dev]');
  const log = (msg: string) => process.stdout.write(`${tag} ${msg}\n`);
  const cwd = process.cwd();
  const script = path.resolve(cwd, options.script);
  const explicit = new Set(options.paths.map((p) => path.resolve(cwd, p)));
  explicit.add(script);
  const kernelFiles = new Set<string>();

  const watcher: FSWatcher = chokidar.watch([...explicit], {
    ignoreInitial: false,
    // In directories: kernel files only. Files named on the command line always.
    ignored: (p, stats) => stats?.isFile() === true && !explicit.has(path.resolve(p)) && !KERNEL_FILE.test(p),
  });
  let ready = false;
  let timer: NodeJS.Timeout | undefined;
  let changed: string | undefined;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let runs = 0;
  let stopping = false;

  const rel = (f: string) => {
    const r = path.relative(cwd, f);
    return r !== '' && !r.startsWith('..') ? r : f;
  };

  const stopped = new WeakSet<ChildProcess>();
  /** Stops the running script: SIGTERM, then SIGKILL after 2 s. */
  const stopChild = async (): Promise<void> => {
    const c = child;
    if (c === undefined) return;
    if (c.exitCode === null && c.signalCode === null) {
      stopped.add(c);
      c.kill('SIGTERM');
      const hard = setTimeout(() => c.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(hard);
    }
    await exited;
  };

  // One start at a time: a change that comes while the previous script is
  // being stopped just replaces the reason of the next start.
  let wanted: string | undefined;
  let starting = false;
  const run = async (reason: string) => {
    wanted = reason;
    if (starting) return;
    starting = true;
    try {
      while (wanted !== undefined && !stopping) {
        const r = wanted;
        wanted = undefined;
        await stopChild();
        if (wanted === undefined && !stopping) start(r);
      }
    } finally {
      starting = false;
    }
  };

  const start = (reason: string) => {
    const id = ++runs;
    if (options.clear) process.stdout.write('\x1b[2J\x1b[H');
    const [cmd, ...args] = scriptCommand(options.script, options.scriptArgs, cwd);
    log(`${reason} ${s.dim('→')} ${s.bold(`${path.basename(cmd)} ${args.join(' ')}`)}`);
    const t0 = performance.now();
    const c = spawn(cmd, args, {
      cwd,
      env: { ...process.env, MLX_TS_DEV: '1', MLX_TS_DEV_CHANGED: changed ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    let open = 2;
    let resolveExit: () => void = () => {};
    exited = new Promise<void>((r) => (resolveExit = r));
    let status: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const done = () => {
      if (open > 0 || status === undefined) return;
      const ms = Math.round(performance.now() - t0);
      if (stopped.has(c)) log(s.dim(`run ${id} stopped (${stopping ? 'exiting' : 'a newer change'})`));
      else if (status.code === 0) log(s.green(`✓ ${rel(script)} exited 0 (${ms} ms)`) + s.dim(' — watching for changes'));
      else if (status.signal !== null) log(s.red(`✗ ${rel(script)} killed by ${status.signal} (${ms} ms)`));
      else log(s.red(`✗ ${rel(script)} exited with code ${status.code} (${ms} ms)`) + s.dim(' — watching for changes'));
      if (child === c) child = undefined;
      resolveExit();
    };
    for (const [stream, sink] of [
      [c.stdout!, process.stdout],
      [c.stderr!, process.stderr],
    ] as const) {
      const fmt = new DiagnosticFormatter(options.color, () => kernelFiles, cwd);
      const write = (lines: string[]) => {
        if (lines.length > 0) sink.write(lines.join('\n') + '\n');
      };
      onLines(stream, (line) => write(fmt.push(line)), () => {
        write(fmt.flush());
        --open;
        done();
      });
    }
    c.on('error', (e) => {
      log(s.red(`cannot run ${options.script}: ${e.message}`));
      status = { code: -1, signal: null };
      open = 0;
      done();
    });
    c.on('exit', (code, signal) => {
      status = { code, signal };
      done();
    });
  };

  const schedule = (file: string) => {
    changed = file;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void run(`${s.cyan(rel(file))} changed`);
    }, options.debounceMs);
  };

  watcher.on('all', (event, p) => {
    const file = path.resolve(cwd, p);
    if (event === 'add' || event === 'change') {
      if (file !== script) kernelFiles.add(file);
      if (ready) schedule(file);
    } else if (event === 'unlink') {
      kernelFiles.delete(file);
    }
  });
  watcher.on('error', (e) => log(s.red(`watch error: ${String(e)}`)));
  await new Promise<void>((r) => watcher.once('ready', () => r()));
  ready = true;
  const shown = [...kernelFiles].map(rel);
  log(
    `watching ${shown.length === 0 ? s.yellow('no kernel files yet') : shown.map((f) => s.cyan(f)).join(', ')}` +
      s.dim(` (+ ${rel(script)}; Ctrl-C to exit)`),
  );
  void run('start');

  return new Promise<number>((resolve) => {
    const shutdown = async (sig: string) => {
      if (stopping) return; // a second signal (the terminal and a wrapper both send one) changes nothing
      stopping = true;
      if (timer !== undefined) clearTimeout(timer);
      log(s.dim(`${sig}: stopping`));
      await watcher.close();
      await stopChild();
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(0);
    };
    const onInt = () => void shutdown('SIGINT');
    const onTerm = () => void shutdown('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`mlx-ts: ${e.message}\nRun 'mlx-ts --help' for usage.\n`);
    return 2;
  }
  if (cmd.command === 'help') {
    process.stdout.write(cmd.text);
    return 0;
  }
  if (cmd.command === 'version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (cmd.command === 'cmake-dir') {
    // sdk/cli.ts and dist/cli.js both sit one level below the package root.
    process.stdout.write(`${fileURLToPath(new URL('../cmake', import.meta.url))}\n`);
    return 0;
  }
  if (cmd.command === 'new') return newExtension(cmd.name, cmd.dir, cmd.cuda);
  return dev(cmd.options);
}

/** Writes the extension package and says what to do next. */
function newExtension(name: string, dir: string | undefined, cuda: boolean): number {
  let made;
  try {
    made = scaffoldExtension({ name, dir, cuda });
  } catch (e) {
    if (!(e instanceof ScaffoldError)) throw e;
    // A bad name is a usage mistake (2); a folder in the way is not.
    const usage = e.message.startsWith('Invalid extension name');
    process.stderr.write(`mlx-ts: ${e.message}\n${usage ? "Run 'mlx-ts --help' for usage.\n" : ''}`);
    return usage ? 2 : 1;
  }
  const rel = path.relative(process.cwd(), made.dir) || '.';
  process.stdout.write(
    `Created the extension ${made.names.name} in ${made.dir} (${made.files.length} files${cuda ? '' : ', no CUDA kernel'}):\n` +
      made.files.map((f) => `  ${f}\n`).join('') +
      `Primitive ${made.names.pascal}, op ${made.names.snake}() in C++, ${made.names.camel}() in TypeScript.\n` +
      `Next:\n  cd ${rel}\n  npm install   # links mlx-ts and builds the addon\n  npm test\n`,
  );
  return 0;
}

const invoked = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invoked) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`mlx-ts: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
