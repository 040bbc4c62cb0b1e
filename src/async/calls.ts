import type { CapturedQuery } from '../testing';
import type { CallPayload, CallResult } from './protocol';
import type { Block } from './transaction-context';

/** What a lane does with its calls: queue them, and cancel one (a signal fired or its deadline passed). */
export interface Lane {
  enqueue(call: PendingCall): void;
  cancel(call: PendingCall, error: Error): void;
}

/**
 * Keeps the process running while any call is unsettled. Worker threads and their ports do not hold the
 * event loop open (an idle pool must let the process exit), so a call waiting for a reader that is still
 * starting would otherwise let the program end with its promise pending.
 */
export class KeepAlive {
  private count = 0;
  private timer: NodeJS.Timeout | null = null;

  hold(): void {
    if (this.count++ === 0) this.timer = setInterval(() => undefined, 2 ** 31 - 1);
  }

  release(): void {
    if (--this.count === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }
}

/** One caller's call, from the moment it is made until its promise settles. */
export class PendingCall {
  settled = false;
  /** Its deadline passed while it ran on the writer, which does not cut it off: not timed any longer. */
  expired = false;
  /** The task running it; null while it is queued. */
  task: RunningTask | null = null;
  onAbort: (() => void) | null = null;
  /** Settles the caller's promise: with the CallResult, or for a keyed get with the instance itself. */
  resolve!: (value: unknown) => void;
  reject!: (error: Error) => void;
  /**
   * Leaves when the code now running yields (a microtask), not with the rest of the turn's calls: for a page
   * aiterator() reads ahead, since the loop consuming the page before it runs in microtasks and the turn
   * ends only once that page is used up, while the reader would have nothing to do.
   */
  leavesAtOnce = false;

  constructor(
    readonly payload: CallPayload,
    readonly lane: Lane,
    /** Its limit once dispatched, in ms (0: none). */
    readonly timeoutMs: number,
    readonly signal: AbortSignal | undefined,
    /** The aatomic() block it belongs to, or null. */
    readonly block: Block | null,
    readonly capture: CapturedQuery[] | undefined,
    private readonly keepAlive: KeepAlive,
  ) {
    keepAlive.hold();
  }

  /** Marks it settled and drops its abort listener; false if it was settled already. */
  settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.keepAlive.release();
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
    return true;
  }
}

/** What one task message carries per call: a call of its own, or several keyed gets coalesced. */
export interface TaskEntry {
  payload: CallPayload;
  calls: PendingCall[];
}

/** A message on its way to a worker, or running there. */
export interface RunningTask {
  entries: TaskEntry[];
  calls: PendingCall[];
  /** When its worker started it (ms, performance.now()): when it was sent, or for a task sent behind another on a reader, when that one answered. Deadlines count from here. */
  startedAt: number;
  /** Readers: its reader is being stopped, so its unsettled calls go back in the queue rather than failing. */
  requeue: boolean;
  /** Writer: the number it commits under (see the writer's commit mark), 0 inside an async transaction. */
  seq: number;
  /** Writer: it holds an aatomic() control step (begin, commit, rollback): never cut off. */
  control: boolean;
}

export function resolveCall(call: PendingCall, value: unknown, result: CallResult): void {
  if (call.settle()) {
    if (call.capture && result.statements) call.capture.push(...result.statements);
    call.resolve(value);
  }
}

export function rejectCall(call: PendingCall, error: Error, result?: CallResult): void {
  if (call.settle()) {
    if (call.capture && result?.statements) call.capture.push(...result.statements);
    call.reject(error);
  }
}

/**
 * Time limits of running tasks behind one timer set for the earliest deadline: a timer per call would cost
 * more than the call itself for fast queries. A call's limit counts from when its task starts, so time spent
 * queued (behind a transaction, behind another task on a reader, or while workers start) never counts against it.
 */
export class Deadlines {
  private readonly tasks = new Set<RunningTask>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;

  constructor(private readonly onExpired: (call: PendingCall) => void) {}

  add(task: RunningTask): void {
    const at = earliestDeadline(task);
    if (at === Infinity) return;
    this.tasks.add(task);
    if (at < this.timerAt) this.schedule(at);
  }

  delete(task: RunningTask): void {
    if (!this.tasks.delete(task) || this.tasks.size || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  private schedule(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(at - performance.now(), 0));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const task of [...this.tasks]) {
      for (const call of task.calls) {
        if (!isTimed(call, task) || task.startedAt + call.timeoutMs > now) continue;
        this.onExpired(call);
        call.expired = true;
      }
      const at = earliestDeadline(task);
      if (at === Infinity) this.tasks.delete(task);
      else next = Math.min(next, at);
    }
    if (next < Infinity) this.schedule(next);
  }
}

function earliestDeadline(task: RunningTask): number {
  let at = Infinity;
  for (const call of task.calls) if (isTimed(call, task)) at = Math.min(at, task.startedAt + call.timeoutMs);
  return at;
}

/** Still running in this task (not settled, not moved to a later task) and limited in time. */
function isTimed(call: PendingCall, task: RunningTask): boolean {
  return !call.settled && !call.expired && call.task === task && call.timeoutMs > 0;
}

/** How a call names itself in errors. */
export function describeCall(payload: CallPayload): string {
  switch (payload.kind) {
    case 'query':
    case 'instance':
      return `${payload.method}()`;
    case 'select':
      return 'eval()';
    case 'function':
      return `syncToAsync(${payload.key})`;
    case 'schema':
      return 'acreateSchema()';
    case 'migrate':
      return 'amigrate()';
    case 'bulkCreate':
      return `${payload.label}.aobjects.bulkCreate()`;
    case 'keyedGet':
    case 'keyedGets':
      return `${payload.label}.aobjects.get()`;
    case 'transaction':
      return `aatomic() ${payload.op}`;
  }
}
