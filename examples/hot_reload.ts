// Hot reload: a loop keeps calling a kernel while its source file is edited.
// Each save is rebuilt in the background (every instantiation used so far:
// here float32 and float16) and swapped in at the next call; a save that does
// not compile prints its error (file:line) and the loop keeps running on the
// last good kernel.
//
//   npx tsx --conditions=source examples/hot_reload.ts           # edit the file it prints; Ctrl-C stops
//   npx tsx --conditions=source examples/hot_reload.ts --demo    # edits the file itself, then exits
//   npx tsx --conditions=source examples/hot_reload.ts my.metal  # watch your own kernel file
//   npx mlx-ts dev kernels/scale.metal --run examples/hot_reload.ts -- --once   # one run per save
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as mx from 'mlx-ts';

const args = process.argv.slice(2);
const demo = args.includes('--demo');
const once = args.includes('--once');
const given = args.find((a) => !a.startsWith('--'));
const shipped = fileURLToPath(new URL('../kernels/scale.metal', import.meta.url));

const x = mx.arange(0, 4, 1, mx.float32);
const xh = x.astype(mx.float16);
const scale = (kernel: mx.fast.CustomKernel, a: mx.MxArray): mx.MxArray =>
  kernel({
    inputs: [a],
    template: [['T', a.dtype]],
    grid: [a.size, 1, 1],
    threadgroup: [256, 1, 1],
    outputShapes: [a.shape],
    outputDtypes: [a.dtype],
  })[0];
const show = (a: mx.MxArray) => JSON.stringify(a.tolist());

if (once) {
  // One evaluation (for `mlx-ts dev ... --run`): the file is read once.
  try {
    const kernel = mx.fast.metalKernel({ name: 'scale', inputNames: ['x'], outputNames: ['out'], sourceFile: given ?? shipped });
    console.log(`scale(${show(x)}) = ${show(scale(kernel, x))}`);
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 1;
  }
} else {
  // Work on a copy, so the demo never edits the shipped kernel.
  const dir = given === undefined ? mkdtempSync(path.join(tmpdir(), 'mlx-ts-hot-reload-')) : undefined;
  const file = given ?? path.join(dir!, 'scale.metal');
  if (dir !== undefined) copyFileSync(shipped, file);

  const kernel = mx.fast.metalKernel({ name: 'scale', inputNames: ['x'], outputNames: ['out'], sourceFile: file, watch: true });
  kernel.on('reload', (info) => {
    console.log(
      `  ↻ reloaded ${info.file}: ${info.instantiations} instantiations, compile ${info.compileMs.toFixed(0)} ms, ` +
        `save-to-swap ${info.totalMs.toFixed(0)} ms`,
    );
  });
  kernel.on('error', (err) => console.log(`  ✗ ${err.message.split('\n').join('\n    ')}`));
  await kernel.ready();
  console.log(`watching ${file}${demo ? '' : ' — edit it (e.g. change T(2) to T(3)); Ctrl-C to stop'}`);

  let tick = 0;
  const loop = setInterval(() => {
    tick += 1;
    console.log(`tick ${String(tick).padStart(3)}: float32 ${show(scale(kernel, x))}  float16 ${show(scale(kernel, xh))}`);
  }, 200);

  const stop = async () => {
    clearInterval(loop);
    await kernel.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stop());

  if (demo) {
    const original = readFileSync(file, 'utf8');
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const edits: [string, string][] = [
      ['factor 3', original.replace('T(2)', 'T(3)')],
      ['a typo (does not compile)', original.replace('T(2)', 'T(3) + typo')],
      ['fixed: factor 10', original.replace('T(2)', 'T(10)')],
    ];
    await sleep(500);
    for (const [what, text] of edits) {
      const event = new Promise<void>((resolve) => {
        const done = () => (kernel.off('reload', done), kernel.off('error', done), resolve());
        kernel.on('reload', done);
        kernel.on('error', done);
      });
      console.log(`— saving: ${what}`);
      writeFileSync(file, text);
      await event;
      await sleep(500);
    }
    await stop();
    console.log('demo done');
  }
}
