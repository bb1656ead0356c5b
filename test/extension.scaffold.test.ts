// `mlx-ts new extension`: packages generated into a temp dir, built with
// cmake-js against this checkout and tested with their own vitest suites (with
// and without the CUDA kernel); the command's errors; `mlx-ts --cmake-dir`
// with find_package(MLXTS CONFIG) in a CMake project.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../sdk/cli.js';
import { builtinPrimitiveNames, extensionNames } from '../sdk/scaffold.js';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const bin = path.join(root, 'bin', 'mlx-ts.mjs');
const buildDir = process.env.MLX_TS_BUILD_DIR ?? 'build';
const tmp = mkdtempSync(path.join(tmpdir(), 'mlx-ts-scaffold-'));
// Building needs CMake (CI installs it; a GPU machine with only carried builds may lack it).
const HAS_CMAKE = spawnSync('cmake', ['--version'], { stdio: 'ignore' }).status === 0;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// The parent vitest's variables would confuse the child vitest.
const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
};

function cli(args: string[], cwd = tmp): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: childEnv() });
}

/** What `npm install` in the package would link: mlx-ts (this checkout) and vitest. */
function linkDependencies(pkg: string): void {
  mkdirSync(path.join(pkg, 'node_modules'), { recursive: true });
  symlinkSync(root, path.join(pkg, 'node_modules', 'mlx-ts'));
  symlinkSync(path.join(root, 'node_modules', 'vitest'), path.join(pkg, 'node_modules', 'vitest'));
}

function buildAndTest(pkg: string, addon: string): { build: SpawnSyncReturns<string>; test: SpawnSyncReturns<string> } {
  const env = childEnv({ MLX_TS_BUILD_DIR: buildDir });
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: pkg, encoding: 'utf8', env });
  expect(build.status, `build failed:\n${build.stdout}\n${build.stderr}`).toBe(0);
  expect(existsSync(path.join(pkg, path.basename(buildDir), 'Release', addon))).toBe(true);
  const test = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], {
    cwd: pkg,
    encoding: 'utf8',
    env,
  });
  expect(test.status, `tests failed:\n${test.stdout}\n${test.stderr}`).toBe(0);
  return { build, test };
}

/** RUNPATH of a shared object (readelf), or undefined without readelf. */
function runpath(file: string): string | undefined {
  const r = spawnSync('readelf', ['-d', file], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return /\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[(.*)\]/.exec(r.stdout)?.[1] ?? '';
}

describe.skipIf(!HAS_CMAKE)('mlx-ts new extension (generate, build, test)', () => {
  it('makes a package with a CUDA kernel that builds against this checkout and passes its tests', () => {
    const pkg = path.join(tmp, 'my-op');
    const r = cli(['new', 'extension', 'my-op', '--dir', pkg]);
    expect(r.status, r.stderr).toBe(0);
    const files = [
      '.gitignore',
      'CMakeLists.txt',
      'README.md',
      'bindings.cpp',
      'index.ts',
      'package.json',
      'scripts/build.mjs',
      'src/my_op.cpp',
      'src/my_op.cu',
      'src/my_op.h',
      'test/my_op.test.ts',
      'tsconfig.json',
      'vitest.config.ts',
    ];
    expect(r.stdout).toBe(
      `Created the extension my-op in ${pkg} (13 files):\n` +
        files.map((f) => `  ${f}\n`).join('') +
        'Primitive MyOp, op my_op() in C++, myOp() in TypeScript.\n' +
        `Next:\n  cd my-op\n  npm install   # links mlx-ts and builds the addon\n  npm test\n`,
    );
    for (const f of files) {
      const text = readFileSync(path.join(pkg, f), 'utf8');
      expect(text, f).not.toMatch(/\{\{\s*[#/]?[A-Za-z]+\s*\}\}|__snake__/); // every placeholder rendered
    }
    const json = JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as {
      name: string;
      devDependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(json.name).toBe('my-op');
    expect(json.devDependencies['mlx-ts']).toBe(`file:${root}`);
    expect(json.scripts.install).toBe('node scripts/build.mjs');
    const header = readFileSync(path.join(pkg, 'src/my_op.h'), 'utf8');
    expect(header).toContain('class MyOp : public mx::Primitive {');
    expect(header).toContain('const char* name() const override { return "MyOp"; }');
    expect(header).toContain('namespace my_op_ext {');
    expect(readFileSync(path.join(pkg, 'index.ts'), 'utf8')).toContain('export function myOp(x: mx.MxArray, alpha: number, stream?: mx.StreamOrDevice): mx.MxArray {');
    expect(readFileSync(path.join(pkg, 'CMakeLists.txt'), 'utf8')).toContain(
      'mlxts_add_cuda_kernels(my_op_lib my_op SOURCE ${CMAKE_CURRENT_LIST_DIR}/src/my_op.cu ARCHITECTURES 90)',
    );
    expect(readFileSync(path.join(pkg, 'src/my_op.cpp'), 'utf8')).toContain('mx::cu::get_kernel(my_op_cuda_kernels(), kname, "MyOp")');
    expect(readFileSync(path.join(pkg, 'src/my_op.cu'), 'utf8')).toContain('MY_OP_INSTANTIATE(bfloat16, bfloat_t)');

    linkDependencies(pkg);
    const { build, test } = buildAndTest(pkg, 'my_op_ext.node');
    // CUDA kernels: embedded either way (nvcc's fatbin when CMake found nvcc).
    expect(build.stdout).toMatch(
      /mlx-ts: my_op CUDA kernels: (nvcc fatbin: sm_90, compute_90 PTX .*, NVRTC fallback|(no CUDA compiler|nvcc not used \(MLXTS_USE_NVCC=OFF\)), compiled by NVRTC at run time)/,
    );
    const gpu = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', '-e', "import('mlx-ts').then((m) => console.log(m.isAvailable(m.gpu)))"], {
      cwd: root,
      encoding: 'utf8',
      env: childEnv(),
    }).stdout.trim();
    expect(test.stdout).toMatch(gpu === 'true' ? /Tests {2}8 passed \(8\)/ : /Tests {2}6 passed \| 2 skipped \(8\)/);
    // The addon finds libmlxts through a path relative to itself.
    const addon = path.join(pkg, path.basename(buildDir), 'Release', 'my_op_ext.node');
    const rp = runpath(addon);
    if (rp !== undefined) {
      const libDir = path.isAbsolute(buildDir) ? path.join(buildDir, 'Release') : path.join(root, buildDir, 'Release');
      expect(rp).toBe(`$ORIGIN/${path.relative(path.dirname(addon), libDir)}`);
    }
  }, 600_000);

  it('--no-cuda: no kernel file; eval_gpu hands the op to the CPU; builds and passes its tests', () => {
    const pkg = path.join(tmp, 'plain');
    const r = cli(['new', 'extension', '@acme/fast-op', '--no-cuda', '--dir', 'plain']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Created the extension @acme/fast-op in ${pkg} (12 files, no CUDA kernel):\n`);
    expect(existsSync(path.join(pkg, 'src', 'fast_op.cu'))).toBe(false);
    expect(readFileSync(path.join(pkg, 'CMakeLists.txt'), 'utf8')).not.toContain('mlxts_add_cuda_kernels');
    const cpp = readFileSync(path.join(pkg, 'src/fast_op.cpp'), 'utf8');
    expect(cpp).toContain('void FastOp::eval_gpu(const std::vector<mx::array>&, std::vector<mx::array>&) {\n  mx::no_gpu_backend(name());\n}');
    expect(cpp).not.toContain('mlx/backend/cuda/extension.h');
    expect(cpp).not.toContain('cu::get_kernel');
    expect((JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { name: string }).name).toBe('@acme/fast-op');
    linkDependencies(pkg);
    const { test } = buildAndTest(pkg, 'fast_op_ext.node');
    expect(test.stdout).toMatch(/Tests {2}\d passed/);
  }, 600_000);
});

describe('mlx-ts new: errors', () => {
  const usage = "Run 'mlx-ts --help' for usage.\n";
  const cases: [string[], number, string][] = [
    [['new', 'extension', 'My Op'], 2, "mlx-ts: Invalid extension name 'My Op': use lowercase letters, digits, '-' and '_', starting with a letter (e.g. my-op; at most 64 characters).\n" + usage],
    [['new', 'extension', '9lives'], 2, "mlx-ts: Invalid extension name '9lives': use lowercase letters, digits, '-' and '_', starting with a letter (e.g. my-op; at most 64 characters).\n" + usage],
    [['new', 'extension', 'my--op'], 2, "mlx-ts: Invalid extension name 'my--op': use lowercase letters, digits, '-' and '_', starting with a letter (e.g. my-op; at most 64 characters).\n" + usage],
    [['new', 'extension', 'class'], 2, "mlx-ts: Invalid extension name 'class': 'class' is a reserved word in C++ or TypeScript.\n" + usage],
    [['new', 'extension', 'delete'], 2, "mlx-ts: Invalid extension name 'delete': 'delete' is a reserved word in C++ or TypeScript.\n" + usage],
    [['new', 'extension', 'exp'], 2, "mlx-ts: Invalid extension name 'exp': its primitive would be named 'Exp', like a built-in mlx-ts primitive (the GPU evaluator finds primitives by name); choose another name.\n" + usage],
    [['new', 'extension'], 2, "mlx-ts: new extension needs a name (e.g. 'mlx-ts new extension my-op').\n" + usage],
    [['new'], 2, "mlx-ts: new needs a template: 'mlx-ts new extension <name>'.\n" + usage],
    [['new', 'kernel', 'x'], 2, "mlx-ts: Unknown template 'kernel' for new (available: extension).\n" + usage],
    [['new', 'extension', 'a', 'b'], 2, "mlx-ts: Unexpected argument 'b'.\n" + usage],
    [['new', 'extension', 'a', '--dir'], 2, 'mlx-ts: --dir needs a value.\n' + usage],
    [['new', 'extension', 'a', '--metal'], 2, "mlx-ts: Unknown option '--metal' for new.\n" + usage],
  ];
  for (const [args, code, message] of cases) {
    it(`${args.join(' ') || '(none)'} → exit ${code}`, () => {
      const r = cli(args);
      expect(r.stderr).toBe(message);
      expect(r.stdout).toBe('');
      expect(r.status).toBe(code);
    });
  }

  it('refuses a folder that exists and is not empty (and writes nothing into it)', () => {
    const dir = path.join(tmp, 'taken');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'keep.txt'), 'mine');
    const r = cli(['new', 'extension', 'taken']);
    expect(r.stderr).toBe(`mlx-ts: ${dir} already exists and is not empty; choose another name or --dir.\n`);
    expect(r.status).toBe(1);
    expect(readFileSync(path.join(dir, 'keep.txt'), 'utf8')).toBe('mine');
    const file = path.join(tmp, 'afile');
    writeFileSync(file, '');
    expect(cli(['new', 'extension', 'x-op', '--dir', 'afile']).stderr).toBe(`mlx-ts: ${file} already exists and is not a folder.\n`);
    // An empty folder is fine.
    mkdirSync(path.join(tmp, 'empty'));
    expect(cli(['new', 'extension', 'empty-op', '--dir=empty']).status).toBe(0);
    expect(existsSync(path.join(tmp, 'empty', 'src', 'empty_op.cpp'))).toBe(true);
  });

  it('parses the command line', () => {
    expect(parseArgs(['new', 'extension', 'my-op'])).toEqual({ command: 'new', template: 'extension', name: 'my-op', dir: undefined, cuda: true });
    expect(parseArgs(['new', 'extension', '--no-cuda', 'my-op', '--dir', 'x'])).toEqual({ command: 'new', template: 'extension', name: 'my-op', dir: 'x', cuda: false });
    expect(parseArgs(['new', '--help']).command).toBe('help');
  });

  it('derives the names, and knows the built-in primitives', () => {
    expect(extensionNames('my-fast_op2')).toEqual({ name: 'my-fast_op2', snake: 'my_fast_op2', camel: 'myFastOp2', pascal: 'MyFastOp2', upper: 'MY_FAST_OP2' });
    expect(extensionNames('@scope/swish').pascal).toBe('Swish');
    const builtins = builtinPrimitiveNames();
    for (const n of ['Add', 'Exp', 'Matmul', 'AsType', 'Reshape', 'Sigmoid']) expect(builtins.has(n), n).toBe(true);
    expect(builtins.has('Axpby')).toBe(false);
    expect(() => extensionNames('sigmoid')).toThrow(/its primitive would be named 'Sigmoid'/);
  });
});

describe('mlx-ts --cmake-dir', () => {
  it('prints the CMake package folder', () => {
    const r = cli(['--cmake-dir']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${path.join(root, 'cmake')}\n`);
    for (const f of ['MLXTSConfig.cmake', 'MLXTSCudaKernels.cmake', 'MLXTSEmbedKernels.cmake']) {
      expect(existsSync(path.join(root, 'cmake', f)), f).toBe(true);
    }
  });

  it.skipIf(!HAS_CMAKE)('find_package(MLXTS CONFIG) finds libmlxts, the headers and the helpers', () => {
    const cmakeDir = cli(['--cmake-dir']).stdout.trim();
    const proj = path.join(tmp, 'cmake-user');
    mkdirSync(proj);
    writeFileSync(
      path.join(proj, 'CMakeLists.txt'),
      [
        'cmake_minimum_required(VERSION 3.20)',
        'project(user LANGUAGES CXX)',
        'find_package(MLXTS CONFIG REQUIRED)',
        'get_target_property(inc mlxts::mlxts INTERFACE_INCLUDE_DIRECTORIES)',
        'message(STATUS "lib=${MLXTS_LIBRARY_DIR} inc=${inc}")',
        'if(COMMAND mlxts_add_extension AND COMMAND mlxts_add_cuda_kernels)',
        '  message(STATUS "helpers=yes")',
        'endif()',
      ].join('\n'),
    );
    const configure = (extra: string[]) =>
      spawnSync('cmake', ['-S', proj, '-B', path.join(proj, 'b'), `-DMLXTS_DIR=${cmakeDir}`, ...extra], { encoding: 'utf8', env: childEnv() });
    const ok = configure([`-DMLXTS_BUILD_DIR=${buildDir}`]);
    expect(ok.status, ok.stderr).toBe(0);
    const libDir = path.isAbsolute(buildDir) ? path.join(buildDir, 'Release') : path.join(root, buildDir, 'Release');
    expect(ok.stdout).toContain(`-- lib=${libDir} inc=${path.join(root, 'native', 'include')}\n`);
    expect(ok.stdout).toContain('-- helpers=yes\n');
    rmSync(path.join(proj, 'b'), { recursive: true, force: true });
    const missing = configure(['-DMLXTS_BUILD_DIR=no-such-build']);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.replace(/\s+/g, ' ')).toContain(
      `libmlxts not found in ${path.join(root, 'no-such-build', 'Release')}: build mlx-ts first (npm install / npm run build:native there).`,
    );
  }, 120_000);
});
