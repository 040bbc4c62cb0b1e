/**
 * Cancellations at random points of a call's life, and the verdicts the campaigns keep per call.
 * Timers here only pick the moment a fault strikes; nothing waits on them for ordering.
 */
import { QueryCancelled, WorkerCrashed } from '../../src';
import { Box } from '../models';
import type { Random, Settled } from './harness';

export type FaultKind = 'none' | 'timeout' | 'abort-at-once' | 'abort-microtask' | 'abort-immediate' | 'abort-timer';

export interface Fault {
  kind: FaultKind;
  /** The options to give the call ({ timeoutMs } or { signal }), undefined for no fault. */
  options: { timeoutMs?: number; signal?: AbortSignal } | undefined;
  /** Called right after the call started: arms the abort at the chosen moment. */
  arm(): void;
}

export const NO_FAULT: Fault = { kind: 'none', options: undefined, arm: () => {} };

/** A fault for one call: none in about half the calls, else a tiny timeout or an abort at a random moment. */
export function randomFault(random: Random, { maxDelayMs = 4 }: { maxDelayMs?: number } = {}): Fault {
  const roll = random.next();
  if (roll < 0.5) return NO_FAULT;
  if (roll < 0.65) return { kind: 'timeout', options: { timeoutMs: random.int(1, maxDelayMs) }, arm: () => {} };
  const controller = new AbortController();
  const options = { signal: controller.signal };
  const abort = () => controller.abort();
  if (roll < 0.7) return { kind: 'abort-at-once', options, arm: abort };
  if (roll < 0.78) return { kind: 'abort-microtask', options, arm: () => queueMicrotask(abort) };
  if (roll < 0.88) return { kind: 'abort-immediate', options, arm: () => setImmediate(abort) };
  const delay = random.int(0, maxDelayMs);
  return { kind: 'abort-timer', options, arm: () => setTimeout(abort, delay) };
}

/** The name of an error's class, for reports ('QueryCancelled', 'WorkerCrashed', ...). */
export function errorName(reason: unknown): string {
  return (reason as Error | undefined)?.constructor?.name ?? typeof reason;
}

export const isCancelled = (outcome: Settled<unknown>): boolean => outcome.status === 'rejected' && outcome.reason instanceof QueryCancelled;
export const isCrashed = (outcome: Settled<unknown>): boolean => outcome.status === 'rejected' && outcome.reason instanceof WorkerCrashed;

/**
 * The exactly-once verdict over writes that each leave rows named after them: a write that resolved is
 * there exactly once, one that rejected is not there at all, and nothing is there twice.
 */
export class WriteLedger {
  calls = 0;
  resolved = 0;
  cancelled = 0;
  crashed = 0;
  otherRejected = 0;
  /** Rows beyond the first of any name. */
  duplicates = 0;
  cancelledYetCommitted = 0;
  /** Rejected with anything else (WorkerCrashed, ...) and yet committed. */
  rejectedYetCommitted = 0;
  resolvedButMissing = 0;
  /** A write given no fault that still rejected (with a class other than WorkerCrashed where crashes are injected). */
  faultFreeRejected = 0;
  /** Rows that are neither 0 nor all of a multi-row write (bulkCreate): half a call. */
  partial = 0;
  readonly otherErrors = new Map<string, number>();

  /**
   * Records one write: `rows` how many rows of its names reached the disk out of `expected`, `faulty`
   * whether it was given a fault on purpose (a crash companion counts as faulty).
   */
  record(outcome: Settled<unknown>, rows: number, { expected = 1, faulty }: { expected?: number; faulty: boolean }): void {
    this.calls++;
    if (rows > expected) this.duplicates += rows - expected;
    if (rows !== 0 && rows < expected) this.partial++;
    if (outcome.status === 'fulfilled') {
      this.resolved++;
      if (rows === 0) this.resolvedButMissing++;
      return;
    }
    if (!faulty) this.faultFreeRejected++;
    if (outcome.reason instanceof QueryCancelled) {
      this.cancelled++;
      if (rows > 0) this.cancelledYetCommitted++;
      return;
    }
    if (outcome.reason instanceof WorkerCrashed) this.crashed++;
    else {
      this.otherRejected++;
      const name = errorName(outcome.reason);
      this.otherErrors.set(name, (this.otherErrors.get(name) ?? 0) + 1);
    }
    if (rows > 0) this.rejectedYetCommitted++;
  }

  counts(): Record<string, number | string> {
    return {
      calls: this.calls,
      resolved: this.resolved,
      cancelled: this.cancelled,
      crashed: this.crashed,
      otherRejected: this.otherRejected,
      duplicates: this.duplicates,
      cancelledYetCommitted: this.cancelledYetCommitted,
      rejectedYetCommitted: this.rejectedYetCommitted,
      resolvedButMissing: this.resolvedButMissing,
      faultFreeRejected: this.faultFreeRejected,
      partial: this.partial,
      ...(this.otherErrors.size ? { otherErrors: [...this.otherErrors].map(([name, n]) => `${name}:${n}`).join(',') } : {}),
    };
  }

  /** The counts that must be zero. */
  violations(): Record<string, number> {
    return {
      duplicates: this.duplicates,
      cancelledYetCommitted: this.cancelledYetCommitted,
      rejectedYetCommitted: this.rejectedYetCommitted,
      resolvedButMissing: this.resolvedButMissing,
      faultFreeRejected: this.faultFreeRejected,
      partial: this.partial,
      otherRejected: this.otherRejected,
    };
  }
}

/** A read whose cost grows with `n` and that SQLite cannot be interrupted in: the largest of 1..n. */
export const SLOW_SQL = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT max(x) AS id FROM c';

/** The `n` that makes SLOW_SQL take about `targetMs` here and now (its cost is linear in n), timed on the main thread. */
export function calibrateSlowRead(targetMs: number): number {
  const probe = 50_000;
  Box.objects.raw(SLOW_SQL, [probe]);
  const times = Array.from({ length: 3 }, () => {
    const start = performance.now();
    Box.objects.raw(SLOW_SQL, [probe]);
    return performance.now() - start;
  }).sort((a, b) => a - b);
  return Math.max(10_000, Math.round((probe * targetMs) / Math.max(times[1]!, 0.1)));
}
