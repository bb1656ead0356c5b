// Hot reload of custom kernels read from files (`sourceFile`, `headerFile`,
// `watch`): edits swap in, broken edits report `file:line` and keep the last
// good code, rapid saves end on the last one, calls in flight finish on the
// old code, and close() leaves nothing that keeps a process alive.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import * as mx from 'mlx-ts';
import type { KernelReloadError, KernelReloadInfo } from '../sdk/fast/hot_reload.js';

// A fresh compile cache: every build below really runs the compiler.
process.env.MLX_TS_CACHE_DIR = mkdtempSync(path.join(tmpdir(), 'mlx-ts-hot-cache-'));
const root = fileURLToPath(new URL('..', import.meta.url));
// A per-run nonce keeps kernel texts unique, so nothing comes from an older cache.
const NONCE = `${process.pid}_${Date.now() % 100000}`;

const dirs: string[] = [];
const kernels: mx.fast.CustomKernel[] = [];
afterEach(async () => {
  await Promise.all(kernels.splice(0).map((k) => k.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'mlx-ts-hot-'));
  dirs.push(d);
  return d;
}

function track<K extends mx.fast.CustomKernel>(k: K): K {
  kernels.push(k);
  return k;
}

type Event = ['reload', KernelReloadInfo] | ['error', KernelReloadError];

/** The kernel's next 'reload' or 'error'. */
function nextEvent(k: mx.fast.CustomKernel, timeoutMs = 20_000): Promise<Event> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      k.off('reload', onReload);
      k.off('error', onError);
    };
    const onReload = (info: KernelReloadInfo) => (done(), resolve(['reload', info]));
    const onError = (err: KernelReloadError) => (done(), resolve(['error', err]));
    const timer = setTimeout(() => (done(), reject(new Error('no reload or error event'))), timeoutMs);
    k.on('reload', onReload);
    k.on('error', onError);
  });
}

async function expectReload(k: mx.fast.CustomKernel): Promise<KernelReloadInfo> {
  const [kind, value] = await nextEvent(k);
  if (kind === 'error') throw new Error(`expected a reload, got an error:\n${value.message}`);
  return value;
}

async function expectError(k: mx.fast.CustomKernel): Promise<KernelReloadError> {
  const [kind, value] = await nextEvent(k);
  if (kind !== 'error') throw new Error('expected an error, got a reload');
  return value;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const x4 = () => mx.array([1, 2, 3, 4], mx.float32);
const vals = (a: mx.MxArray): number[] => Array.from(a.astype(mx.float32).toTypedArray() as Float32Array);

interface Dialect {
  readonly ext: string;
  readonly make: (o: mx.fast.CudaKernelOptions & mx.fast.MetalKernelOptions) => mx.fast.CustomKernel;
  readonly inputNames: string[];
  /** The body: `out = x * k` (line 2 holds the arithmetic). */
  readonly body: (k: number) => string;
  /** Line 2 refers to an undeclared name. */
  readonly broken: string;
  readonly inputs: (x: mx.MxArray) => (mx.MxArray | number)[];
}

const DIALECTS: Record<'metal' | 'cuda', Dialect> = {
  metal: {
    ext: 'metal',
    make: mx.fast.metalKernel,
    inputNames: ['x'],
    body: (k) => `uint i = thread_position_in_grid.x; // ${NONCE}\nout[i] = x[i] * T(${k});\n`,
    broken: `uint i = thread_position_in_grid.x; // ${NONCE}\nout[i] = x[i] * undeclared_factor;\n`,
    inputs: (x) => [x],
  },
  cuda: {
    ext: 'cu',
    make: mx.fast.cudaKernel,
    inputNames: ['x', 'n'],
    body: (k) =>
      `auto i = blockIdx.x * blockDim.x + threadIdx.x; // ${NONCE}\nif (i < n[0]) out[i] = x[i] * T(${k});\n`,
    broken: `auto i = blockIdx.x * blockDim.x + threadIdx.x; // ${NONCE}\nif (i < n[0]) out[i] = x[i] * undeclared_factor;\n`,
    inputs: (x) => [x, x.size],
  },
};

function runWith(d: Dialect, k: mx.fast.CustomKernel, x: mx.MxArray): mx.MxArray {
  return k({
    inputs: d.inputs(x),
    template: [['T', x.dtype]],
    grid: [x.size, 1, 1],
    threadgroup: [32, 1, 1],
    outputShapes: [x.shape],
    outputDtypes: [x.dtype],
  })[0];
}

describe.each(Object.entries(DIALECTS))('hot reload (%s)', (dialectName, d) => {
  const setup = async (k0: number, extra: Partial<mx.fast.MetalKernelOptions> = {}) => {
    const file = path.join(tempDir(), `scale.${d.ext}`);
    writeFileSync(file, d.body(k0));
    const kernel = track(
      d.make({ name: `hot_${dialectName}`, inputNames: d.inputNames, outputNames: ['out'], sourceFile: file, watch: true, ...extra }),
    );
    await kernel.ready();
    return { file, kernel };
  };

  it('edit → reload → new result; broken edit → error at file:line, last good keeps serving; fix → fixed', async () => {
    const { file, kernel } = await setup(2);
    expect(kernel.watching).toBe(true);
    expect(kernel.sourceFile).toBe(file);
    const x = x4();
    const xh = x.astype(mx.float16);
    // Two instantiations (T = float32 and float16): both are rebuilt.
    expect(vals(runWith(d, kernel, x))).toEqual([2, 4, 6, 8]);
    expect(vals(runWith(d, kernel, xh))).toEqual([2, 4, 6, 8]);

    let reloaded = expectReload(kernel);
    writeFileSync(file, d.body(3));
    let info = await reloaded;
    expect(info.instantiations).toBe(2);
    expect(info.compileMs).toBeGreaterThan(0);
    expect(info.totalMs).toBeGreaterThanOrEqual(info.compileMs);
    expect(info.file).toBe(file);
    expect(vals(runWith(d, kernel, x))).toEqual([3, 6, 9, 12]);
    expect(vals(runWith(d, kernel, xh))).toEqual([3, 6, 9, 12]);

    const failed = expectError(kernel);
    writeFileSync(file, d.broken);
    const e = await failed;
    expect(e.message).toContain(`${file}:2: error:`);
    expect(e.message).toContain('undeclared_factor');
    expect(e.message).toContain('Kept the last good version');
    expect(e.file).toBe(file);
    expect(e.line).toBe(2);
    // The last good kernel keeps serving, new instantiations included.
    expect(vals(runWith(d, kernel, x))).toEqual([3, 6, 9, 12]);
    expect(vals(runWith(d, kernel, x.astype(mx.float64)))).toEqual([3, 6, 9, 12]);

    reloaded = expectReload(kernel);
    writeFileSync(file, d.body(5));
    info = await reloaded;
    expect(info.instantiations).toBe(3);
    expect(vals(runWith(d, kernel, x))).toEqual([5, 10, 15, 20]);
    expect(vals(runWith(d, kernel, xh))).toEqual([5, 10, 15, 20]);
  });

  it('many rapid saves end on the last one', async () => {
    const { file, kernel } = await setup(1);
    const x = x4();
    expect(vals(runWith(d, kernel, x))).toEqual([1, 2, 3, 4]);
    const reloads: KernelReloadInfo[] = [];
    const errors: KernelReloadError[] = [];
    kernel.on('reload', (i) => reloads.push(i));
    kernel.on('error', (e) => errors.push(e));
    for (let k = 10; k < 20; k++) {
      writeFileSync(file, d.body(k));
      await sleep(5);
    }
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && vals(runWith(d, kernel, x))[0] !== 19) await sleep(20);
    expect(vals(runWith(d, kernel, x))).toEqual([19, 38, 57, 76]);
    // Nothing stale lands afterwards.
    await sleep(400);
    expect(vals(runWith(d, kernel, x))).toEqual([19, 38, 57, 76]);
    expect(errors).toEqual([]);
    expect(reloads.length).toBeGreaterThanOrEqual(1);
    expect(reloads.length).toBeLessThan(10);
  });

  it('a call already in the graph finishes on the old code', async () => {
    const { file, kernel } = await setup(2);
    const x = x4();
    mx.eval(runWith(d, kernel, x)); // compiled and used once
    const inFlight = runWith(d, kernel, x); // in the graph, not evaluated
    const ev = expectReload(kernel);
    writeFileSync(file, d.body(7));
    await ev;
    const after = runWith(d, kernel, x);
    expect(vals(inFlight)).toEqual([2, 4, 6, 8]);
    expect(vals(after)).toEqual([7, 14, 21, 28]);
  });
});

describe('hot reload: headers, manual reload, close, options', () => {
  it('headerFile: a broken header points at <headerFile>:<line>', async () => {
    const dir = tempDir();
    const header = path.join(dir, 'helpers.h');
    writeFileSync(header, `// helpers ${NONCE}\ninline float scale_by(float v) { return v * 2.0f; }\n`);
    const kernel = track(
      mx.fast.metalKernel({
        name: 'hot_header',
        inputNames: ['x'],
        outputNames: ['out'],
        source: 'uint i = thread_position_in_grid.x;\nout[i] = scale_by(x[i]);\n',
        headerFile: header,
        watch: true,
      }),
    );
    await kernel.ready();
    const call = (x: mx.MxArray) =>
      kernel({ inputs: [x], grid: [4, 1, 1], threadgroup: [4, 1, 1], outputShapes: [[4]], outputDtypes: [mx.float32] })[0];
    const x = x4();
    expect(vals(call(x))).toEqual([2, 4, 6, 8]);
    const ev = expectError(kernel);
    writeFileSync(header, `// helpers ${NONCE}\ninline float scale_by(float v) { return v * ; }\n`);
    const err = await ev;
    expect(err.message).toContain(`${header}:2: error:`);
    expect(err.line).toBe(2);
    expect(vals(call(x))).toEqual([2, 4, 6, 8]);
    const ok = expectReload(kernel);
    writeFileSync(header, `// helpers ${NONCE}\ninline float scale_by(float v) { return v * 10.0f; }\n`);
    await ok;
    expect(vals(call(x))).toEqual([10, 20, 30, 40]);
  });

  it('sourceFile without watch reads once; reload() rebuilds on demand and rejects with file:line', async () => {
    const file = path.join(tempDir(), 'scale.metal');
    const d = DIALECTS.metal;
    writeFileSync(file, d.body(2));
    const kernel = track(mx.fast.metalKernel({ name: 'hot_manual', inputNames: ['x'], outputNames: ['out'], sourceFile: file }));
    expect(kernel.watching).toBe(false);
    await kernel.ready();
    const x = x4();
    expect(vals(runWith(d, kernel, x))).toEqual([2, 4, 6, 8]);
    writeFileSync(file, d.body(4));
    await sleep(150);
    expect(vals(runWith(d, kernel, x))).toEqual([2, 4, 6, 8]); // not watching
    const info = await kernel.reload();
    expect(info?.instantiations).toBe(1);
    expect(vals(runWith(d, kernel, x))).toEqual([4, 8, 12, 16]);
    writeFileSync(file, d.broken);
    await expect(kernel.reload()).rejects.toThrow(`${file}:2: error:`);
    expect(vals(runWith(d, kernel, x))).toEqual([4, 8, 12, 16]);
  });

  it('a relative sourceFile resolves against process.cwd()', () => {
    const kernel = mx.fast.metalKernel({ name: 'rel', inputNames: ['inp'], outputNames: ['out'], sourceFile: 'kernels/exp.metal' });
    expect(kernel.sourceFile).toBe(path.join(process.cwd(), 'kernels/exp.metal'));
    const a = mx.array([0, 1], mx.float32);
    const [b] = kernel({ inputs: [a], template: [['T', mx.float32]], grid: [2, 1, 1], threadgroup: [2, 1, 1], outputShapes: [[2]], outputDtypes: [mx.float32] });
    expect(vals(b)[1]).toBeCloseTo(Math.E, 5);
  });

  it('close() stops watching: later saves change nothing', async () => {
    const file = path.join(tempDir(), 'scale.metal');
    const d = DIALECTS.metal;
    writeFileSync(file, d.body(2));
    const kernel = mx.fast.metalKernel({ name: 'hot_close', inputNames: ['x'], outputNames: ['out'], sourceFile: file, watch: true });
    await kernel.ready();
    const x = x4();
    expect(vals(runWith(d, kernel, x))).toEqual([2, 4, 6, 8]);
    // A save whose rebuild is still pending when close() runs is dropped too.
    const events: string[] = [];
    kernel.on('reload', () => events.push('reload'));
    kernel.on('error', () => events.push('error'));
    writeFileSync(file, d.body(3));
    await kernel.close();
    expect(kernel.watching).toBe(false);
    writeFileSync(file, d.body(4));
    await sleep(400);
    expect(events).toEqual([]);
    expect(vals(runWith(d, kernel, x))).toEqual([2, 4, 6, 8]);
    await kernel.close(); // idempotent
  });

  it('a process whose watching kernel is closed exits on its own (no handle left)', async () => {
    const dir = tempDir();
    const script = path.join(dir, 'child.mts');
    const sdk = pathToFileURL(path.join(root, 'sdk/index.ts')).href;
    writeFileSync(
      script,
      `import { writeFileSync } from 'node:fs';
import * as mx from ${JSON.stringify(sdk)};
const file = process.argv[2];
writeFileSync(file, ${JSON.stringify(DIALECTS.metal.body(2))});
const k = mx.fast.metalKernel({ name: 'hot_child', inputNames: ['x'], outputNames: ['out'], sourceFile: file, watch: true });
await k.ready();
const call = () => k({ inputs: [mx.array([1, 2], mx.float32)], template: [['T', mx.float32]], grid: [2, 1, 1],
  threadgroup: [2, 1, 1], outputShapes: [[2]], outputDtypes: [mx.float32] })[0].tolist();
const before = call();
const reloaded = new Promise((r) => k.once('reload', r));
writeFileSync(file, ${JSON.stringify(DIALECTS.metal.body(6))});
await reloaded;
const after = call();
await k.close();
console.log(JSON.stringify({ before, after }));
`,
    );
    const runChild = (mode: string) =>
      new Promise<{ code: number | null; out: string; ms: number }>((resolve, reject) => {
        const t0 = Date.now();
        const p = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', script, path.join(dir, `k_${mode}.metal`), mode], {
          cwd: root,
          env: process.env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        p.stdout.on('data', (c) => (out += c));
        p.stderr.on('data', (c) => (out += c));
        const kill = setTimeout(() => p.kill('SIGKILL'), 30_000);
        p.on('error', reject);
        p.on('close', (code) => {
          clearTimeout(kill);
          resolve({ code, out, ms: Date.now() - t0 });
        });
      });
    // The child is killed after 30 s: a handle left open would show as a signal, not exit code 0.
    const r = await runChild('close');
    expect(r.code, r.out).toBe(0);
    expect(JSON.parse(r.out.trim().split('\n').pop() ?? '')).toEqual({ before: [2, 4], after: [6, 12] });
  });

  it('options are checked', () => {
    const base = { name: 'opt', inputNames: ['x'], outputNames: ['out'] };
    expect(() => mx.fast.metalKernel({ ...base, source: 'out[0] = x[0];', sourceFile: 'kernels/exp.metal' })).toThrow(
      '[metal_kernel] Give either `source` or `sourceFile`, not both.',
    );
    expect(() => mx.fast.cudaKernel({ ...base, source: 'out[0] = x[0];', watch: true })).toThrow(
      '[cuda_kernel] `watch: true` needs `sourceFile` or `headerFile`.',
    );
    expect(() => mx.fast.metalKernel({ ...base, sourceFile: '/nonexistent/k.metal' })).toThrow(
      "[metal_kernel] Cannot read the kernel's source file /nonexistent/k.metal",
    );
    expect(() => mx.fast.metalKernel({ ...base, sourceFile: 'kernels/exp.metal', watch: true, debounceMs: -1 })).toThrow(
      'Expected `debounceMs` to be a non-negative number',
    );
    // Kernels with inline text have the same interface.
    const inline = mx.fast.metalKernel({ ...base, source: 'out[0] = x[0];' });
    expect(inline.watching).toBe(false);
    expect(inline.on('reload', () => {})).toBe(inline);
    return expect(inline.reload()).rejects.toThrow('has no sourceFile or headerFile');
  });
});
