// The `mlx-ts` CLI: help, argument errors, the diagnostic formatter, and the
// dev loop end to end (rerun on save, a slow run stopped by the next save,
// `source:N` mapped to the kernel file, Ctrl-C exits cleanly).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DiagnosticFormatter, parseArgs, scriptCommand } from '../sdk/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(root, 'bin/mlx-ts.mjs');

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'mlx-ts-cli-'));
  dirs.push(d);
  return d;
}

/** Runs the CLI; `waitFor` resolves once the output matches (from `from` on). */
function cli(args: string[], env: Record<string, string> = {}) {
  const p = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(p);
  let out = '';
  const waiters: { re: RegExp; from: number; resolve: (s: string) => void }[] = [];
  const check = () => {
    for (const w of waiters.slice()) {
      if (w.re.test(out.slice(w.from))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(out);
      }
    }
  };
  p.stdout.on('data', (c) => ((out += c), check()));
  p.stderr.on('data', (c) => ((out += c), check()));
  const exit = new Promise<number | null>((r) => p.on('close', (code) => r(code)));
  return {
    p,
    exit,
    get out() {
      return out;
    },
    mark: () => out.length,
    waitFor(re: RegExp, from = 0, ms = 20_000): Promise<string> {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output:\n${out}`)), ms);
        waiters.push({ re, from, resolve: (s) => (clearTimeout(t), resolve(s)) });
        check();
      });
    },
  };
}

describe('mlx-ts CLI', () => {
  it('--help prints usage; mistakes exit 2', async () => {
    const help = cli(['--help']);
    expect(await help.exit).toBe(0);
    expect(help.out).toContain('mlx-ts dev [kernel files or dirs...] --run <script>');
    const bad = cli(['dev', 'kernels']);
    expect(await bad.exit).toBe(2);
    expect(bad.out).toContain('dev needs --run <script>.');
  });

  it('parses dev options and picks tsx for TypeScript', () => {
    const c = parseArgs(['dev', 'a.metal', 'dir', '--run', 'check.ts', '--debounce', '20', '--no-color', '--', '--x', 'y']);
    expect(c).toEqual({
      command: 'dev',
      options: { paths: ['a.metal', 'dir'], script: 'check.ts', scriptArgs: ['--x', 'y'], debounceMs: 20, color: false, clear: false },
    });
    expect(scriptCommand('check.ts', ['1']).slice(1)).toEqual(['--import', 'tsx', '--conditions=source', 'check.ts', '1']);
    expect(scriptCommand('check.mjs', []).slice(1)).toEqual(['check.mjs']);
  });

  it('formats diagnostics: colour, source line, source:N mapped to the kernel file that has that line', () => {
    const dir = tempDir();
    const a = path.join(dir, 'a.metal');
    const b = path.join(dir, 'b.metal');
    writeFileSync(a, '// a\nuint i = 0;\nout[i] = x[i] * oops;\n');
    writeFileSync(b, '// b\nuint i = 0;\nout[i] = x[i];\n');
    const fmt = new DiagnosticFormatter(false, () => [a, b], dir);
    const lines = [
      "Error: [metal_kernel] Failed to compile kernel 'a' for the CPU:",
      "source:3: error: 'oops' was not declared in this scope",
      '  3 | out[i] = x[i] * oops;',
      "source:9: error: 'z' was not declared",
      '  9 | z;',
      'a.metal:2: warning: unused',
      'done',
    ].flatMap((l) => fmt.push(l));
    lines.push(...fmt.flush());
    expect(lines).toEqual([
      "Error: [metal_kernel] Failed to compile kernel 'a' for the CPU:",
      "a.metal:3: error: 'oops' was not declared in this scope",
      '  3 | out[i] = x[i] * oops;',
      "source:9: error: 'z' was not declared", // no kernel file has `z;` at line 9
      '  9 | z;',
      'a.metal:2: warning: unused',
      '  2 | uint i = 0;', // quoted from the file
      'done',
    ]);
    const coloured = new DiagnosticFormatter(true, () => [a], dir).push('a.metal:3: error: boom');
    expect(coloured).toEqual([]); // waits for its excerpt
  });

  it('dev: reruns on save, stops a slow run, maps diagnostics, exits on Ctrl-C', async () => {
    const dir = tempDir();
    const kernel = path.join(dir, 'k.metal');
    const other = path.join(dir, 'notes.txt'); // not a kernel file: ignored in a watched dir
    const script = path.join(dir, 'check.mjs');
    writeFileSync(kernel, '// k\nout[0] = 1;\n');
    writeFileSync(other, 'x');
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs';
const line = readFileSync(${JSON.stringify(kernel)}, 'utf8').split('\\n')[1];
console.log('RUN ' + line + ' changed=' + process.env.MLX_TS_DEV_CHANGED);
if (line.includes('SLOW')) setTimeout(() => console.log('SLOW DONE'), 60000);
if (line.includes('oops')) {
  console.error("[metal_kernel] Failed to compile kernel 'k' for the CPU:");
  console.error("source:2: error: 'oops' was not declared in this scope");
  console.error('  2 | ' + line);
  process.exitCode = 1;
}
`,
    );
    const run = cli(['dev', dir, '--run', script, '--debounce', '30']);
    await run.waitFor(/RUN out\[0\] = 1;[\s\S]*exited 0/);
    expect(run.out).toContain(`watching ${kernel} (+ `);

    let m = run.mark();
    writeFileSync(kernel, '// k\nout[0] = 2; // SLOW\n');
    await run.waitFor(/RUN out\[0\] = 2; \/\/ SLOW/, m);
    m = run.mark();
    writeFileSync(kernel, '// k\nout[0] = 3 * oops;\n');
    const out = await run.waitFor(/exited with code 1/, m);
    const tail = out.slice(m);
    expect(tail).toContain('run 2 stopped');
    expect(tail).not.toContain('SLOW DONE');
    expect(tail).toContain(`RUN out[0] = 3 * oops; changed=${kernel}`);
    expect(tail).toContain(`${kernel}:2: error: 'oops' was not declared in this scope`);
    expect(tail).toContain('  2 | out[0] = 3 * oops;');

    m = run.mark();
    writeFileSync(other, 'y'); // ignored
    writeFileSync(kernel, '// k\nout[0] = 4;\n');
    await run.waitFor(/RUN out\[0\] = 4;[\s\S]*exited 0/, m);
    expect(run.out.slice(m)).not.toContain('notes.txt');

    run.p.kill('SIGINT');
    expect(await run.exit).toBe(0);
    expect(run.out).toContain('SIGINT: stopping');
  });
});
