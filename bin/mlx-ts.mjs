#!/usr/bin/env node
// The `mlx-ts` command. In a checkout (sdk/cli.ts and tsx present) it runs the
// TypeScript source through tsx, so it never runs a stale build; in a
// published package (no sdk/) it runs the compiled dist/cli.js.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const source = fileURLToPath(new URL('../sdk/cli.ts', import.meta.url));
const dist = new URL('../dist/cli.js', import.meta.url);

let tsx;
try {
  tsx = import.meta.resolve('tsx');
} catch {
  tsx = undefined;
}

if (existsSync(source) && tsx !== undefined) {
  const child = spawn(process.execPath, ['--import', tsx, '--conditions=source', source, ...args], { stdio: 'inherit' });
  // Ctrl-C reaches the child from the terminal too; a signal sent to this
  // process alone is passed on. The child decides when to exit.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    });
  }
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal !== null ? 128 + (constants.signals[signal] ?? 0) : 1);
  });
} else if (existsSync(fileURLToPath(dist))) {
  const { main } = await import(dist.href);
  process.exitCode = await main(args);
} else {
  process.stderr.write('mlx-ts: neither dist/cli.js (run `npm run build:ts`) nor tsx (for sdk/cli.ts) was found.\n');
  process.exitCode = 1;
}
