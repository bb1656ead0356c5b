// Hot reload of custom kernels whose body (and header) live in files.
//
// A `KernelReloader` watches the files (chokidar), debounces saves, asks its
// kernel to rebuild every instantiation already used in the background
// (`native.buildKernel` compiles off the JS thread), and commits the new code
// in one synchronous step: the next call runs it, a call already in the graph
// keeps the spec it captured. A generation counter makes the last save win;
// a save that does not compile is reported (`'error'`, pointing at
// `file:line`) and the last good kernel keeps serving calls.

import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FSWatcher } from 'chokidar';

/** What a `'reload'` event reports: the swap that just happened. */
export interface KernelReloadInfo {
  /** The kernel's name. */
  readonly kernel: string;
  /** The file whose save started this reload (the source file for a manual `reload()`). */
  readonly file: string;
  /** Every file the kernel reads (source, then header). */
  readonly files: readonly string[];
  /** Instantiations (template arguments, dtypes) rebuilt and swapped in. */
  readonly instantiations: number;
  /** Wall time of the background compiles (all instantiations, in parallel), in ms. */
  readonly compileMs: number;
  /** From the save (the file event) to the swap, in ms (debounce included). */
  readonly totalMs: number;
  /** Counts reload attempts of this kernel (1, 2, …). */
  readonly generation: number;
}

/** A reload that did not happen: the save does not compile, or a file cannot be read. */
export class KernelReloadError extends Error {
  /** The kernel's name. */
  readonly kernel: string;
  /** The file the first diagnostic points at (else the file that changed). */
  readonly file: string | undefined;
  /** The 1-based line of the first diagnostic, when the compiler gave one. */
  readonly line: number | undefined;
  /** The reload attempt that failed. */
  readonly generation: number;

  constructor(message: string, info: { kernel: string; file?: string; line?: number; generation: number; cause?: unknown }) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = 'KernelReloadError';
    this.kernel = info.kernel;
    this.file = info.file;
    this.line = info.line;
    this.generation = info.generation;
  }
}

/** The texts a kernel reads from its files. */
export interface KernelTexts {
  readonly source?: string;
  readonly header?: string;
}

/** The files of a kernel (absolute paths). */
export interface KernelFiles {
  readonly sourceFile?: string;
  readonly headerFile?: string;
}

/** A rebuild ready to commit: the compiles are done, nothing is swapped yet. */
export interface PreparedReload {
  readonly instantiations: number;
  readonly compileMs: number;
  /** Swaps the new code in (synchronous, so no call sees half of it). */
  commit(): void;
}

/** What the reloader needs from its kernel. */
export interface ReloadTarget {
  readonly name: string;
  readonly op: string;
  /** Builds every instantiation already used with these texts; rejects with the compiler's message. */
  prepare(texts: KernelTexts): Promise<PreparedReload>;
}

/** Resolves a kernel file against `process.cwd()`. */
export function resolveKernelFile(file: string): string {
  return path.resolve(process.cwd(), file);
}

/** A path for messages: relative to the working directory when inside it, else absolute. */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Reads a kernel's files now (construction, and kernels that do not watch). */
export function readKernelFilesSync(op: string, files: KernelFiles): KernelTexts {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`${op} Cannot read the kernel's ${what} file ${displayPath(file)}: ${(e as Error).message}`);
    }
  };
  return {
    source: files.sourceFile === undefined ? undefined : read(files.sourceFile, 'source'),
    header: files.headerFile === undefined ? undefined : read(files.headerFile, 'header'),
  };
}

async function readKernelFiles(files: KernelFiles): Promise<KernelTexts> {
  const [source, header] = await Promise.all([
    files.sourceFile === undefined ? undefined : readFile(files.sourceFile, 'utf8'),
    files.headerFile === undefined ? undefined : readFile(files.headerFile, 'utf8'),
  ]);
  return { source, header };
}

const sameTexts = (a: KernelTexts | undefined, b: KernelTexts): boolean =>
  a !== undefined && a.source === b.source && a.header === b.header;

/**
 * Rewrites the runtime's `source:N` / `header:N` locations (the generated unit
 * marks the user's text with `#line 1 "source"` and `#line 1 "header"`) as
 * `<sourceFile>:N` / `<headerFile>:N`, and returns the first location found.
 */
export function mapKernelDiagnostics(
  message: string,
  files: KernelFiles,
): { message: string; file?: string; line?: number } {
  let first: { file: string; line: number } | undefined;
  const mapped = message.replace(/(^|\n)(source|header):(\d+)(?=[:\s])/g, (all, pre: string, which: string, n: string) => {
    const file = which === 'source' ? files.sourceFile : files.headerFile;
    if (file === undefined) return all;
    const shown = displayPath(file);
    first ??= { file: shown, line: Number(n) };
    return `${pre}${shown}:${n}`;
  });
  return { message: mapped, ...first };
}

/** Events of a kernel that reads its files. */
export interface KernelEvents {
  reload: [info: KernelReloadInfo];
  error: [err: KernelReloadError];
  ready: [];
}

/** Options of a watching reloader. */
export interface ReloaderOptions {
  /** Watch the files and reload on save. */
  readonly watch: boolean;
  /** Quiet time after a save before rebuilding (ms, default 50). */
  readonly debounceMs?: number;
}

/** Default quiet time after a save before rebuilding (chokidar itself coalesces changes within 50 ms). */
export const DEFAULT_DEBOUNCE_MS = 50;

/** Watches a kernel's files and swaps rebuilt code in. One per kernel. */
export class KernelReloader {
  readonly emitter = new EventEmitter();
  readonly files: KernelFiles;
  private readonly target: ReloadTarget;
  private readonly debounceMs: number;
  private watcher: FSWatcher | undefined;
  private readyPromise: Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  /** The latest save not yet built: when it happened and which file. */
  private pending: { at: number; file: string } | undefined;
  /** Bumped by every reload attempt (and by close): a build whose number is stale is dropped. */
  private generation = 0;
  /** The texts of the latest attempt that finished (swapped or failed): saves that change nothing are skipped. */
  private attempted: KernelTexts | undefined;
  private closed = false;

  constructor(target: ReloadTarget, files: KernelFiles, initial: KernelTexts, options: ReloaderOptions) {
    this.target = target;
    this.files = files;
    this.attempted = initial;
    const debounce = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    if (typeof debounce !== 'number' || !Number.isFinite(debounce) || debounce < 0) {
      throw new Error(`${target.op} Expected \`debounceMs\` to be a non-negative number but got ${String(debounce)}.`);
    }
    this.debounceMs = debounce;
    this.readyPromise = options.watch ? this.startWatching() : Promise.resolve();
    // A rejected ready() nobody awaits must not become an unhandled rejection.
    this.readyPromise.catch(() => {});
  }

  /** Whether the files are being watched. */
  get watching(): boolean {
    return this.watcher !== undefined && !this.closed;
  }

  /** Resolves once the watcher sees changes (at once without `watch`). */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  private async startWatching(): Promise<void> {
    let chokidar: typeof import('chokidar').default;
    try {
      chokidar = (await import('chokidar')).default;
    } catch (e) {
      throw this.fail(
        new KernelReloadError(
          `${this.target.op} \`watch: true\` needs the chokidar package (npm install chokidar): ${(e as Error).message}`,
          { kernel: this.target.name, generation: this.generation, cause: e },
        ),
      );
    }
    if (this.closed) return;
    const paths = [this.files.sourceFile, this.files.headerFile].filter((f): f is string => f !== undefined);
    // Persistent, like any Node watcher: a watching kernel keeps the process alive until close().
    const watcher = chokidar.watch(paths, { persistent: true, ignoreInitial: true });
    this.watcher = watcher;
    watcher.on('all', (event, file) => {
      if (event === 'change' || event === 'add') this.saved(path.resolve(file));
    });
    watcher.on('error', (err) => {
      this.fail(
        new KernelReloadError(`${this.target.op} Watching the files of kernel '${this.target.name}' failed: ${String(err)}`, {
          kernel: this.target.name,
          generation: this.generation,
          cause: err,
        }),
      );
    });
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    if (!this.closed) this.emitter.emit('ready');
  }

  /** A file event: (re)start the quiet period. */
  private saved(file: string): void {
    if (this.closed) return;
    this.pending = { at: performance.now(), file };
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const p = this.pending;
      this.pending = undefined;
      if (p !== undefined) void this.run(p.at, p.file, false).catch(() => {});
    }, this.debounceMs);
  }

  /** Rebuilds now from the files (skips nothing), resolving after the swap. */
  reload(): Promise<KernelReloadInfo | undefined> {
    if (this.closed) return Promise.reject(new Error(`${this.target.op} Kernel '${this.target.name}' is closed.`));
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const file = this.pending?.file ?? this.files.sourceFile ?? this.files.headerFile ?? '';
    this.pending = undefined;
    return this.run(performance.now(), file, true);
  }

  /**
   * One reload attempt. Resolves with the swap's info, or `undefined` when a
   * newer save superseded it (or nothing changed); rejects when it failed.
   */
  private async run(savedAt: number, file: string, manual: boolean): Promise<KernelReloadInfo | undefined> {
    const gen = ++this.generation;
    const stale = () => gen !== this.generation || this.closed;
    let texts: KernelTexts;
    try {
      texts = await readKernelFiles(this.files);
    } catch (e) {
      if (stale()) return undefined;
      // An editor's atomic save can leave the file missing for a moment: its 'add' follows.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !manual) return undefined;
      throw this.fail(
        new KernelReloadError(`${this.target.op} Cannot read the files of kernel '${this.target.name}': ${(e as Error).message}`, {
          kernel: this.target.name,
          file: displayPath(file),
          generation: gen,
          cause: e,
        }),
        manual,
      );
    }
    if (stale()) return undefined;
    // (Compared with the last attempt that finished: one still building may yet be superseded.)
    if (!manual && sameTexts(this.attempted, texts)) return undefined;

    let prepared: PreparedReload | undefined;
    let failure: unknown;
    try {
      prepared = await this.target.prepare(texts);
    } catch (e) {
      failure = e;
    }
    if (stale()) return undefined;
    // A save that landed while compiling (and that chokidar coalesced away)
    // must not be lost: build again from what is on disk now.
    let now: KernelTexts | undefined;
    try {
      now = await readKernelFiles(this.files);
    } catch {
      now = undefined;
    }
    if (stale()) return undefined;
    if (now !== undefined && !sameTexts(texts, now)) return this.run(savedAt, file, manual);

    this.attempted = texts;
    if (prepared === undefined) {
      const raw = failure instanceof Error ? failure.message : String(failure);
      const mapped = mapKernelDiagnostics(raw, this.files);
      throw this.fail(
        new KernelReloadError(
          `${mapped.message.trimEnd()}\n${this.target.op} Kept the last good version of kernel '${this.target.name}'.`,
          {
            kernel: this.target.name,
            file: mapped.file ?? displayPath(file),
            line: mapped.line,
            generation: gen,
            cause: failure,
          },
        ),
        manual,
      );
    }
    try {
      prepared.commit();
    } catch (e) {
      throw this.fail(
        new KernelReloadError(`${this.target.op} Cannot swap in the new code of kernel '${this.target.name}': ${(e as Error).message}`, {
          kernel: this.target.name,
          file: displayPath(file),
          generation: gen,
          cause: e,
        }),
        manual,
      );
    }
    const info: KernelReloadInfo = {
      kernel: this.target.name,
      file: displayPath(file),
      files: [this.files.sourceFile, this.files.headerFile].filter((f): f is string => f !== undefined).map(displayPath),
      instantiations: prepared.instantiations,
      compileMs: prepared.compileMs,
      totalMs: performance.now() - savedAt,
      generation: gen,
    };
    this.emitter.emit('reload', info);
    return info;
  }

  /** Reports a failure: to 'error' listeners, else (saves) on stderr; never throws from a watcher callback. */
  private fail(err: KernelReloadError, manual = false): KernelReloadError {
    if (this.emitter.listenerCount('error') > 0) this.emitter.emit('error', err);
    else if (!manual) console.error(err.message);
    return err;
  }

  /** Stops watching; builds still running are dropped. No timer or watcher is left behind. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    ++this.generation;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    await this.readyPromise.catch(() => {});
    const w = this.watcher;
    this.watcher = undefined;
    if (w !== undefined) await w.close();
  }
}
