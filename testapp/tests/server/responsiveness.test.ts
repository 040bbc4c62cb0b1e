/**
 * The point of the async layer: a slow query occupies one pool worker, not the event loop. While the
 * deliberately heavy toppings report runs, 200 pizza detail requests must all complete. Their latency is
 * printed (p50 / p99 / max), not asserted: timings depend on the machine.
 */
import { startClient, START_TIMEOUT, type Client } from './client';

jest.setTimeout(120_000);

let api: Client;

beforeAll(async () => {
  api = await startClient({ seed: true, workers: 2 });
}, START_TIMEOUT);

afterAll(async () => {
  await api?.server.close();
});

interface Timed {
  id: number;
  status: number;
  body: { id: number; toppings: unknown[] };
  ms: number;
  finishedAt: number;
}

/** Sends `count` detail requests at once, over pizzas spread across the seeded menu. */
function details(count: number): Promise<Timed[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const id = 1 + ((index * 37) % 600);
      const started = performance.now();
      const { status, body } = await api.get(`/pizzas/${id}`);
      const finishedAt = performance.now();
      return { id, status, body, ms: finishedAt - started, finishedAt };
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(timed: Timed[]): string {
  const sorted = timed.map((each) => each.ms).sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms`;
}

function expectAllComplete(timed: Timed[]): void {
  expect(timed).toHaveLength(200);
  for (const each of timed) {
    expect(each.status).toBe(200);
    expect(each.body.id).toBe(each.id);
    expect(each.body.toppings.length).toBeGreaterThanOrEqual(3);
  }
}

test('200 detail requests all complete while the slow report is in flight', async () => {
  // Warm up: workers prepare the statements, the client opens its 200 keep-alive connections.
  expectAllComplete(await details(200));
  const warm = await api.get('/reports/toppings');
  expect(warm.status).toBe(200);
  expect(warm.body.toppings).toHaveLength(30);

  const baseline = await details(200);
  expectAllComplete(baseline);

  const reportStarted = performance.now();
  const report = api.get('/reports/toppings').then((answer) => ({ ...answer, finishedAt: performance.now() }));
  await new Promise((resolve) => setTimeout(resolve, 50)); // let the report reach its worker
  const underLoad = await details(200);
  const reportAnswer = await report;

  expectAllComplete(underLoad);
  expect(reportAnswer.status).toBe(200);
  expect(reportAnswer.body.toppings).toHaveLength(30);
  expect(reportAnswer.body.toppings[0]).toEqual({
    id: expect.any(Number),
    name: expect.any(String),
    vegetarian: expect.any(Boolean),
    pizzas: expect.any(Number),
    companions: expect.any(Number),
    reach: expect.any(Number),
  });

  const beforeReport = underLoad.filter((each) => each.finishedAt < reportAnswer.finishedAt).length;
  console.log(
    [
      `toppings report: ${warm.body.elapsedMs} ms warm, ${(reportAnswer.finishedAt - reportStarted).toFixed(0)} ms under load`,
      `200 pizza details, idle server:    ${summary(baseline)}`,
      `200 pizza details, report running: ${summary(underLoad)}; ${beforeReport}/200 finished before the report`,
    ].join('\n'),
  );
});
