/** Runs the threadorm command line as a user does: `node bin/threadorm ...` in a project folder, no terminal. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const BIN = resolve(__dirname, '../../../bin/threadorm');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `threadorm ...args` in `cwd` with stdin a pipe (so not a terminal); `input` is written to it. */
export interface StartedCli {
  child: ChildProcess;
  result: Promise<CliResult>;
  /** What it printed so far, stdout then stderr. */
  output: () => string;
}

export function startCli(cwd: string, args: string[], input = ''): StartedCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin!.end(input);
  const result = new Promise<CliResult>((done, fail) => {
    child.once('error', fail);
    child.once('close', (status) => done({ status, stdout, stderr }));
  });
  return { child, result, output: () => stdout + stderr };
}

export function cli(cwd: string, args: string[], input = ''): Promise<CliResult> {
  return startCli(cwd, args, input).result;
}

/**
 * Resolves once `condition()` holds, checking whenever the event loop is free (no fixed delay decides the
 * order); rejects with the process's output if `process` ends first.
 */
export async function until(condition: () => boolean, process: StartedCli, what: string): Promise<void> {
  let ended: CliResult | null = null;
  void process.result.then((result) => (ended = result));
  while (!condition()) {
    if (ended) throw new Error(`the process ended before ${what}: ${JSON.stringify(ended)}`);
    await new Promise((resolveTurn) => setTimeout(resolveTurn, 10));
  }
}
