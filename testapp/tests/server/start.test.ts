/**
 * `npm start` (testapp/main.ts) as a child process: the first start creates and seeds the SQLite file,
 * a second start serves the same data without seeding again, and SIGTERM shuts down cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(240_000);

const root = resolve(__dirname, '../../..');
const directory = mkdtempSync(join(tmpdir(), 'threadorm-start-'));
const database = join(directory, 'data', 'pizzeria.sqlite3');
const running = new Set<ChildProcess>();

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  rmSync(directory, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Runs what `npm start` runs, on an ephemeral port, and waits for the address it prints. */
function start(): Promise<Started> {
  const child = spawnMain('0');
  running.add(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve({ child, url: match[1]!, output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${output}`)));
  });
}

function spawnMain(port: string): ChildProcess {
  return spawn(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'testapp/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: port, PIZZERIA_DB: database },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function stop({ child }: Started): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.json();
}

test('the start script runs testapp/main.ts', () => {
  const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  expect(scripts.start).toBe('ts-node --transpile-only testapp/main.ts');
});

test('first start seeds a new file; a second start reuses it', async () => {
  const first = await start();
  expect(first.output()).toContain(`Creating ${database}: its tables, then the demo data.`);
  expect(first.output()).toMatch(/\[\d+\.\d s\] Starting the worker pool/);
  expect(first.output()).toContain('Seeding: 30 toppings, 4 boxes, 600 prices');
  expect(first.output()).toContain('Seeding: pizzas with their toppings 300/600');
  expect(first.output()).toContain('Seeding: pizzas with their toppings 600/600');
  expect(first.output()).toContain(`Created ${database}: 600 pizzas, 30 toppings, 3 questions.`);
  expect(existsSync(database)).toBe(true);
  expect((await getJson(`${first.url}/pizzas`)).count).toBe(600);
  const created = await fetch(`${first.url}/toppings`, { method: 'POST', body: JSON.stringify({ name: 'saffron' }) });
  expect(created.status).toBe(201);
  expect(await stop(first)).toBe(0);

  const second = await start();
  expect(second.output()).toContain(`Opening ${database}.`);
  expect(second.output()).not.toContain('Seeding:');
  expect(second.output()).toContain(`Using the data in ${database}.`);
  expect((await getJson(`${second.url}/pizzas`)).count).toBe(600);
  expect((await getJson(`${second.url}/toppings?name=saffron`)).count).toBe(1);
  expect((await getJson(`${second.url}/toppings`)).count).toBe(31);
  expect(await stop(second)).toBe(0);
});

test('a busy port is explained, with how to choose another, and no stack trace', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const busy = String((blocker.address() as AddressInfo).port);
  try {
    const child = spawnMain(busy);
    running.add(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    running.delete(child);
    expect(code).toBe(1);
    expect(output).toContain(`Port ${busy} on 127.0.0.1 is already in use`);
    expect(output).toContain(`PORT=${Number(busy) + 1} npm start`);
    expect(output).not.toMatch(/^\s+at /m);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
