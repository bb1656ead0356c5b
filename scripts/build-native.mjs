// Builds the native runtime and addon with cmake-js (Ninja when present).
// MLX_TS_BUILD_DIR picks another build folder (parallel builds, experiments).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hasNinja = spawnSync('ninja', ['--version'], { stdio: 'ignore' }).status === 0;
const args = ['compile', '--out', process.env.MLX_TS_BUILD_DIR ?? 'build'];
if (hasNinja) args.push('--generator', 'Ninja');
if (process.env.MLX_TS_PORTABLE) args.push('--CDMLX_TS_PORTABLE=ON');
const cmakeJs = path.join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
const r = spawnSync(process.execPath, [cmakeJs, ...args], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
