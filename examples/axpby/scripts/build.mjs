// Builds build/Release/axpby_ext.node with cmake-js against the mlx-ts this
// package depends on (node_modules/mlx-ts, else the checkout two folders up).
// MLX_TS_BUILD_DIR=<dir> picks mlx-ts' build folder, as for the SDK, and this
// package's: <dir>/Release/axpby_ext.node here (what index.ts loads then).
// The kernels of axpby.cu are compiled by nvcc when CMake finds it
// (MLXTS_USE_NVCC=OFF in the environment turns that off: NVRTC at run time).
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const candidates = [path.join(root, 'node_modules', 'mlx-ts'), path.resolve(root, '..', '..')];
const mlxts = candidates.find((p) => existsSync(path.join(p, 'cmake', 'MLXTSConfig.cmake')));
if (mlxts === undefined) {
  console.error('axpby: mlx-ts (with cmake/MLXTSConfig.cmake) not found; run npm install.');
  process.exit(1);
}
const mlxtsRoot = realpathSync(mlxts);
// `mlx-ts --cmake-dir` prints the package's CMake folder.
const cli = spawnSync(process.execPath, [path.join(mlxtsRoot, 'bin', 'mlx-ts.mjs'), '--cmake-dir'], { encoding: 'utf8' });
const cmakeDir = cli.status === 0 ? cli.stdout.trim() : path.join(mlxtsRoot, 'cmake');

const cmakeJs = [path.join(root, 'node_modules', 'cmake-js'), path.join(mlxtsRoot, 'node_modules', 'cmake-js')]
  .map((p) => path.join(p, 'bin', 'cmake-js'))
  .find((p) => existsSync(p));
if (cmakeJs === undefined) {
  console.error('axpby: cmake-js not found (it comes with mlx-ts).');
  process.exit(1);
}
const hasNinja = spawnSync('ninja', ['--version'], { stdio: 'ignore' }).status === 0;
const outDir = path.basename(process.env.MLX_TS_BUILD_DIR || 'build');
const args = ['--out', outDir, `--CDMLXTS_DIR=${cmakeDir}`];
if (process.env.MLX_TS_BUILD_DIR) args.push(`--CDMLXTS_BUILD_DIR=${process.env.MLX_TS_BUILD_DIR}`);
if (process.env.MLXTS_USE_NVCC) args.push(`--CDMLXTS_USE_NVCC=${process.env.MLXTS_USE_NVCC}`);
if (hasNinja) args.push('--generator', 'Ninja');
// Configure every time (quick once cached), so that changed -D options apply; then build.
for (const step of ['configure', 'build']) {
  const r = spawnSync(process.execPath, [cmakeJs, step, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
