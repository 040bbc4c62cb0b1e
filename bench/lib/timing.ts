import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The measuring instruments every group shares: throughput (optionally with concurrent callers),
 * an interleaved comparison of a subject against its raw reference, event-loop delay and peak RSS.
 * The machine may be shared and noisy, so comparisons alternate subject and reference rounds and
 * report medians: a burst of outside load then hits both sides instead of skewing one.
 */

/** One unit of work. Sync when it returns nothing; awaited when it returns a promise. */
export type Operation = () => unknown;

export interface ThroughputOptions {
  /** How long one measurement runs (the last operation may overrun it). */
  durationMs: number;
  /** Callers running the operation at once; each awaits its previous call before the next. Default 1. */
  concurrency?: number;
  /** Units one operation counts for (e.g. rows inserted by one bulk call). Default 1. */
  unitsPerOp?: number;
  /** Untimed preparation before every operation (e.g. emptying a table); implies a single caller. */
  beforeEach?: () => unknown;
}

/** Units per second of `operation`. */
export async function throughput(operation: Operation, options: ThroughputOptions): Promise<number> {
  const { durationMs, concurrency = 1, unitsPerOp = 1, beforeEach } = options;
  const deadline = performance.now() + durationMs;
  const { ops, ms } = beforeEach ? await runPrepared(operation, beforeEach, deadline) : await runCallers(operation, concurrency, deadline);
  return (ops * unitsPerOp * 1000) / ms;
}

/** One caller that prepares before every call; only the calls are timed. */
async function runPrepared(operation: Operation, beforeEach: () => unknown, deadline: number) {
  let ops = 0;
  let ms = 0;
  while (performance.now() < deadline) {
    await beforeEach();
    ms += await elapsedMs(operation);
    ops++;
  }
  return { ops, ms };
}

/** `concurrency` callers until the deadline, timed by the wall clock. */
async function runCallers(operation: Operation, concurrency: number, deadline: number) {
  const start = performance.now();
  let ops = 0;
  const first = operation();
  const sync = !(first instanceof Promise);
  await first;
  ops++;
  if (sync && concurrency === 1) {
    // No await per call: for a fast sync query it would cost as much as the query.
    while (performance.now() < deadline) {
      operation();
      ops++;
    }
  } else {
    const caller = async () => {
      while (performance.now() < deadline) {
        await operation();
        ops++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, caller));
  }
  return { ops, ms: performance.now() - start };
}

export interface Comparison {
  /** Median units per second of the subject (threadorm, or a baseline). */
  subject: number;
  /** Median units per second of the raw better-sqlite3 reference. */
  reference: number;
  ratio: number;
}

export interface CompareOptions extends ThroughputOptions {
  /** Measured rounds per side (after one untimed warm-up round each). Default 5. */
  rounds?: number;
  /** Options that differ for the reference (e.g. concurrency 1 for a sync reference). */
  referenceOptions?: Partial<ThroughputOptions>;
}

/** Subject and reference in alternating rounds; medians of each side and their ratio. */
export async function compare(subject: Operation, reference: Operation, options: CompareOptions): Promise<Comparison> {
  const { rounds = 5, referenceOptions = {}, ...subjectOptions } = options;
  const referenceRun = { ...subjectOptions, ...referenceOptions };
  const warmUp = (runOptions: ThroughputOptions) => ({ ...runOptions, durationMs: Math.min(runOptions.durationMs, 200) });
  await throughput(subject, warmUp(subjectOptions));
  await throughput(reference, warmUp(referenceRun));
  const subjectRates: number[] = [];
  const referenceRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate who goes first, so neither side always runs right after the other's garbage.
    if (round % 2) subjectRates.push(await throughput(subject, subjectOptions));
    referenceRates.push(await throughput(reference, referenceRun));
    if (!(round % 2)) subjectRates.push(await throughput(subject, subjectOptions));
  }
  const result = { subject: median(subjectRates), reference: median(referenceRates) };
  return { ...result, ratio: result.subject / result.reference };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Milliseconds `fn` takes (awaited). */
export async function elapsedMs(fn: Operation): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Milliseconds a sync `fn` takes. */
export function elapsedSyncMs(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
  /** How long the measured work took. */
  durationMs: number;
}

/**
 * The main thread's event-loop delay while `fn` runs (a 1 ms timer that reports how late it fired).
 * The window opens a little before `fn` and closes a little after it, so a sync call that blocks
 * the loop is recorded as the one late tick it causes.
 */
export async function eventLoopDelayDuring(fn: Operation): Promise<LoopDelay> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await sleep(20);
  const durationMs = await elapsedMs(fn);
  await sleep(20);
  histogram.disable();
  return { p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6, durationMs };
}

export interface MemoryPeak {
  /** Highest RSS seen while `fn` ran, minus RSS just before it, in MB. */
  peakGrowthMb: number;
  /** The same for this thread's JS heap (heapUsed): how much of the RSS growth is main-thread objects. */
  heapGrowthMb: number;
  durationMs: number;
}

/**
 * Peak resident-set growth while `fn` runs. Memory is sampled by a timer and whenever `fn` calls the
 * probe it is given (a sync loop never lets the timer run, so it should probe every few thousand rows).
 */
export async function peakRssDuring(fn: (probe: () => void) => unknown): Promise<MemoryPeak> {
  collectGarbage();
  const baseline = process.memoryUsage();
  const peak = { rss: baseline.rss, heapUsed: baseline.heapUsed };
  const probe = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peak.rss = Math.max(peak.rss, rss);
    peak.heapUsed = Math.max(peak.heapUsed, heapUsed);
  };
  const timer = setInterval(probe, 5);
  try {
    const durationMs = await elapsedMs(() => fn(probe));
    probe();
    return { peakGrowthMb: (peak.rss - baseline.rss) / 2 ** 20, heapGrowthMb: (peak.heapUsed - baseline.heapUsed) / 2 ** 20, durationMs };
  } finally {
    clearInterval(timer);
  }
}

let gc: (() => void) | undefined;

/** A full collection before a memory measurement, without needing `node --expose-gc`. */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
