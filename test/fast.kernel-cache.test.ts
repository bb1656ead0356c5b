// The CPU kernel cache: content-addressed disk entries shared between
// processes (the second process never runs the compiler), concurrent writers,
// corrupt entries rebuilt, and a clear error without a compiler.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as mx from 'mlx-ts';

const child = fileURLToPath(new URL('./fixtures/kernels/cache_child.ts', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

interface ChildResult {
  out?: number[];
  error?: string;
  stats: mx.fast.KernelCacheStats;
}

function runChild(env: Record<string, string>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', child], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ChildResult);
      } catch {
        reject(new Error(`child exited ${code}: ${out}\n${err}`));
      }
    });
  });
}

const freshDir = () => mkdtempSync(path.join(tmpdir(), 'mlx-ts-kcache-'));

describe('kernel disk cache', () => {
  it('a second process loads the kernel from disk and never runs the compiler', async () => {
    const dir = freshDir();
    const nonce = String(Date.now() % 100000);
    const first = await runChild({ MLX_TS_CACHE_DIR: dir, KERNEL_NONCE: nonce });
    expect(first.error).toBeUndefined();
    expect(first.out).toEqual([0, 3, 6, 9].map((v) => v + Number(nonce)));
    expect(first.stats.compiles).toBe(1);
    expect(first.stats.diskHits).toBe(0);
    const second = await runChild({ MLX_TS_CACHE_DIR: dir, KERNEL_NONCE: nonce });
    expect(second.out).toEqual(first.out);
    expect(second.stats.compiles).toBe(0);
    expect(second.stats.diskHits).toBe(1);
    expect(second.stats.cacheDir).toBe(path.join(dir, 'cpu-kernels'));
  }, 60000);

  it('two processes building the same kernel at once both succeed and leave one entry', async () => {
    const dir = freshDir();
    const [a, b] = await Promise.all([
      runChild({ MLX_TS_CACHE_DIR: dir, KERNEL_NONCE: '11' }),
      runChild({ MLX_TS_CACHE_DIR: dir, KERNEL_NONCE: '11' }),
    ]);
    expect(a.out).toEqual([11, 14, 17, 20]);
    expect(b.out).toEqual([11, 14, 17, 20]);
    const files = readdirSync(path.join(dir, 'cpu-kernels')).sort();
    expect(files.filter((f) => f.endsWith('.so'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.meta'))).toHaveLength(1);
    expect(files.filter((f) => f.includes('.tmp'))).toHaveLength(0);
  }, 60000);

  it('without a compiler: a clear error saying how to provide one', async () => {
    const r = await runChild({ MLX_TS_CACHE_DIR: freshDir(), MLX_TS_CXX: '/nonexistent/c++', KERNEL_NONCE: '1' });
    expect(r.error).toBe(
      "[metal_kernel] Cannot build kernel 'cache_probe' for the CPU: no C++ compiler found (looked for " +
        "'/nonexistent/c++'). Install one (Debian/Ubuntu: apt-get install g++) or set MLX_TS_CXX to a C++20 compiler's path.",
    );
  }, 60000);

  it('a corrupt entry is rebuilt, not trusted', async () => {
    const dir = freshDir();
    const first = await runChild({ MLX_TS_CACHE_DIR: dir, KERNEL_NONCE: '5' });
    expect(first.stats.compiles).toBe(1);
    // Corrupt the object while no process has it loaded.
    const entryDir = path.join(dir, 'cpu-kernels');
    const so = readdirSync(entryDir).filter((f) => f.endsWith('.so'));
    expect(so).toHaveLength(1);
    writeFileSync(path.join(entryDir, so[0]), 'not an object file');
    const second = await runChild({ MLX_TS_CACHE_DIR: dir, KERNEL_NONCE: '5' });
    expect(second.out).toEqual([5, 8, 11, 14]);
    expect(second.stats.corruptEntries).toBe(1);
    expect(second.stats.compiles).toBe(1);
    const third = await runChild({ MLX_TS_CACHE_DIR: dir, KERNEL_NONCE: '5' });
    expect(third.stats.compiles).toBe(0);
    expect(third.stats.diskHits).toBe(1);
  }, 60000);
});
