import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { Settings } from '../conf';
import { backendByVendor } from '../db/backends';
import type { DatabaseBackend } from '../db/backends/base/backend';
import { QueryCancelled, ThreadormError, TransactionManagementError, WorkerCrashed } from '../errors';
import type { QueryOptions } from '../models/async-bridge';
import type { CapturedQuery } from '../testing';
import type { Model } from '../models/base';
import { getModel } from '../models/registry';
import { Deadlines, describeCall, KeepAlive, PendingCall, rejectCall, resolveCall, type Lane, type RunningTask, type TaskEntry } from './calls';
import { decode, type PackedRows } from './codec';
import { instancesByKey, type KeyedGet } from './keyed-get';
import type { CallPayload, CallResult, Task } from './protocol';
import { isFinalRollback, type Block, type Transaction } from './transaction-context';
import { WorkerGroup } from './workers';

/**
 * A reader batch is cut into several tasks only when each keeps at least this much work. A keyed get counts
 * 1 and any other call a whole task: a message each way costs a reader and this thread as much as a dozen
 * lookups, but less than almost any other query.
 */
const MIN_WORK_PER_TASK = 16;

/**
 * What both lanes share: the calls made in one event-loop turn are sent together (flush() runs once, after
 * the turn; sooner for a call that leaves at once), and close() waits until the lane is idle.
 */
abstract class BatchingLane implements Lane {
  private flushScheduled = false;
  private idleWaiters: Array<() => void> = [];

  abstract enqueue(call: PendingCall): void;
  abstract cancel(call: PendingCall, error: Error): void;
  protected abstract flush(): void;
  /** Nothing queued, running or waiting. */
  protected abstract get idle(): boolean;

  protected scheduleFlush(call?: PendingCall): void {
    if (call?.leavesAtOnce) queueMicrotask(this.flushSoon);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** flush() as a callback, for a microtask. */
  protected readonly flushSoon = () => this.flush();

  protected notifyIdle(): void {
    if (this.idle) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Resolves when nothing is queued or running. */
  drained(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

/** A reader's own channel: piscina starts and replaces the thread, batches travel on this port. */
interface ReaderChannel {
  readonly port: MessagePort;
  readonly thread: Worker;
  /** What backend.interruptStatement() takes to stop the thread's statement; null where that cannot be done. */
  readonly interruptToken: number | null;
  /** Tasks sent and not answered yet, oldest first: the first is the one running (the reader answers in order). */
  readonly tasks: RunningTask[];
  /** Set while a statement of its task is being interrupted: ends the thread if the task does not answer in time. */
  graceTimer: NodeJS.Timeout | null;
}

/**
 * How long a reader whose statement was interrupted may take to answer before its thread is ended instead.
 * An interrupted statement returns within milliseconds; a thread that does not answer is busy elsewhere
 * (in code of its own between statements), where only ending it stops it.
 */
const INTERRUPT_GRACE_MS = 2_000;

/**
 * Tasks a reader may hold at once, for keyed gets. The ones behind the first wait in the reader's port, so the
 * reader starts the next the moment it answers one, while this thread settles that one's callers: the two
 * threads work at the same time instead of taking turns, and neither waits for the other to wake up. Only
 * keyed gets (microseconds each) go behind others, so no read waits behind a slow one.
 */
const PIPELINE_DEPTH = 3;

/**
 * How many readers keyed gets are spread over: every get is built and settled on this thread, which needs a
 * core of its own to keep up with one reader; a reader beyond the cores left costs a thread switch per task
 * and gains nothing. The other readers stay free for the other reads.
 */
const GET_READERS = Math.max(1, availableParallelism() - 1);

/** What a reader answers on its channel. */
interface ChannelReply {
  results: CallResult[];
}

/**
 * Readers: `workers` threads with read-only connections. The calls of one event-loop turn travel together,
 * spread over the free readers; calls made while every reader is busy wait and leave together as soon as one
 * is free. Keyed gets queue behind each other on a reader (PIPELINE_DEPTH, GET_READERS).
 *
 * Batches go straight to a reader over a MessagePort the reader hands over when it is ready, rather than as
 * piscina tasks: that skips piscina's per-task bookkeeping and wake-up, which cost more on this thread than
 * the lookups they carried. Piscina still starts, keeps and replaces the threads.
 *
 * Reads may be cut off. Where the database can interrupt a statement from another thread (PostgreSQL), a
 * cancelled or timed-out read has its statement stopped and the thread stays: the task answers, its other
 * reads are delivered (or queued again, if the interruption hit one of them) and the reader serves the next
 * task. Otherwise, or if the task does not answer within INTERRUPT_GRACE_MS, the thread is ended (piscina
 * starts another) and the reads it held are queued again, which is safe because a read has no effect.
 * A cancelled keyed get is not cut off: its task takes microseconds, and the answer for it is dropped.
 * A task's time limit counts from when the reader starts it: for a task sent behind another, from the
 * answer to that one.
 */
class ReaderLane extends BatchingLane {
  private queue: PendingCall[] = [];
  private readonly channels: ReaderChannel[] = [];
  private running = 0;
  /** Threads ended on purpose, with a promise of their exit (a thread ends only when its statement does). */
  private readonly endedThreads = new Set<Promise<unknown>>();
  readonly workers: WorkerGroup;

  constructor(
    settings: Settings,
    private readonly deadlines: Deadlines,
    private readonly backend: DatabaseBackend,
  ) {
    super();
    this.workers = new WorkerGroup('reader', settings.workers, settings, workerFile(), { channel: true }, (error) => this.fail(error));
    this.workers.onMessage((message) => {
      const { readerPort, threadId, interruptToken } = message as { readerPort?: MessagePort; threadId?: number; interruptToken?: number | null };
      if (readerPort) this.attach(readerPort, threadId!, interruptToken ?? null);
    });
  }

  private attach(port: MessagePort, threadId: number, interruptToken: number | null): void {
    const thread = this.workers.workerThreads.find((candidate) => candidate.threadId === threadId);
    if (!thread) return port.close();
    const channel: ReaderChannel = { port, thread, interruptToken, tasks: [], graceTimer: null };
    port.on('message', (reply: ChannelReply) => this.answered(channel, reply.results));
    port.unref();
    thread.once('exit', (code) => this.detach(channel, code));
    this.channels.push(channel);
    this.flush();
  }

  private detach(channel: ReaderChannel, code: number): void {
    const index = this.channels.indexOf(channel);
    if (index >= 0) this.channels.splice(index, 1);
    channel.port.close();
    const error = new Error(`the thread exited with code ${code}`);
    for (const task of channel.tasks.splice(0)) this.finish(channel, task, null, error);
    this.afterFinish();
  }

  enqueue(call: PendingCall): void {
    if (this.workers.failure) return rejectCall(call, this.workers.failure);
    this.queue.push(call);
    this.scheduleFlush(call);
  }

  protected get idle(): boolean {
    return !this.running && !this.queue.length;
  }

  protected flush(): void {
    if (!this.queue.length) return;
    const slots = this.openSlots(this.queue.every(isLight));
    if (!slots.length) return;
    const entries = coalesce(this.queue);
    this.queue = [];
    let calls = 0;
    let work = 0;
    for (const entry of entries) {
      calls += entry.calls.length;
      work += entry.payload.kind === 'keyedGets' ? entry.calls.length : MIN_WORK_PER_TASK;
    }
    const parts = Math.max(1, Math.min(slots.length, calls, Math.floor(work / MIN_WORK_PER_TASK)));
    if (parts === 1) return this.send(entries, slots[0]!);
    splitEntries(entries, calls, parts).forEach((part, index) => this.send(part, slots[index]!));
  }

  /**
   * Where tasks can go now, one entry per task. Any batch may go to an idle reader. A batch of keyed gets goes
   * behind the keyed gets readers hold, then to idle readers, on at most GET_READERS readers.
   */
  private openSlots(light: boolean): ReaderChannel[] {
    const idle = this.channels.filter((channel) => !channel.tasks.length);
    if (!light) return idle;
    const slots: ReaderChannel[] = [];
    let readers = 0;
    for (const channel of this.channels) {
      if (!channel.tasks.length || !channel.tasks.every(isLightTask)) continue;
      readers++;
      for (let depth = channel.tasks.length; depth < PIPELINE_DEPTH; depth++) slots.push(channel);
    }
    for (const channel of idle) {
      if (readers++ >= GET_READERS) break;
      for (let depth = 0; depth < PIPELINE_DEPTH; depth++) slots.push(channel);
    }
    return slots;
  }

  private send(entries: TaskEntry[], channel: ReaderChannel): void {
    const task = newTask(entries, 0);
    channel.tasks.push(task);
    this.running++;
    if (channel.tasks.length === 1) this.start(task);
    const message: Task = { calls: entries.map((entry) => entry.payload), groupCommit: false, seq: 0 };
    try {
      channel.port.postMessage(message);
    } catch (error) {
      channel.tasks.splice(channel.tasks.indexOf(task), 1);
      this.finish(channel, task, null, error as Error);
      return this.afterFinish();
    }
  }

  /** The reader has begun `task`: its time limits run from here. */
  private start(task: RunningTask): void {
    task.startedAt = performance.now();
    this.deadlines.add(task);
  }

  /** The reader answered its oldest task; the next one it holds starts now. */
  private answered(channel: ReaderChannel, results: CallResult[]): void {
    const task = channel.tasks.shift();
    if (!task) return;
    if (channel.graceTimer) clearTimeout(channel.graceTimer);
    channel.graceTimer = null;
    this.finish(channel, task, results, null);
    const next = channel.tasks[0];
    if (next) this.start(next);
    this.afterFinish();
    // The callers just settled make their next calls as their promises resolve: send those once they have,
    // before this thread handles the reader's next answer, so the reader has work while this thread has too.
    queueMicrotask(this.flushSoon);
  }

  /** Settles a task that left its reader: answered (`results`), or its thread ended (`error`, or null when ended on purpose). */
  private finish(channel: ReaderChannel, task: RunningTask, results: CallResult[] | null, error: Error | null): void {
    this.running--;
    this.deadlines.delete(task);
    for (const call of task.calls) call.task = null;
    if (results) {
      task.entries.forEach((entry, index) => {
        const result = results[index]!;
        // An interruption meant for a read cancelled meanwhile may stop the next read of the reader instead:
        // that one stays unsettled and is queued again below.
        if (task.requeue && !result.ok && this.backend.isInterruption(decode(result.error))) return;
        deliver(entry, result);
      });
    }
    const requeued: PendingCall[] = [];
    for (const call of task.calls) {
      if (call.settled) continue;
      if (task.requeue) requeued.push(call);
      else rejectCall(call, this.workers.failure ?? new WorkerCrashed(`The reader worker stopped while running ${describeCall(call.payload)}: ${error?.message ?? 'unknown error'}.`));
    }
    if (requeued.length) this.queue.unshift(...requeued);
  }

  private afterFinish(): void {
    if (this.queue.length) this.flush();
    this.notifyIdle();
  }

  cancel(call: PendingCall, error: Error): void {
    if (call.settled) return;
    const task = call.task;
    if (!task) {
      const index = this.queue.indexOf(call);
      if (index >= 0) this.queue.splice(index, 1);
      return rejectCall(call, error);
    }
    rejectCall(call, error);
    // A task of keyed gets takes microseconds: it runs on, and the answer for this call is dropped. Any other
    // task is the first its reader holds (only keyed gets wait behind others), so it is the one running.
    if (task.requeue || isLightTask(task)) return;
    const channel = this.channels.find((candidate) => candidate.tasks[0] === task);
    if (channel) this.cutOff(channel);
  }

  /**
   * Stops what the reader is running: its statement where the database can interrupt it, else its thread.
   * Either may hit the task after the one meant (the reader may have moved on), so every task it holds
   * queues its reads again rather than failing them.
   */
  private cutOff(channel: ReaderChannel): void {
    for (const task of channel.tasks) task.requeue = true;
    if (channel.graceTimer) return;
    if (channel.interruptToken !== null && this.backend.interruptStatement(channel.interruptToken)) {
      channel.graceTimer = setTimeout(() => this.endThread(channel), INTERRUPT_GRACE_MS);
      channel.graceTimer.unref();
      return;
    }
    this.endThread(channel);
  }

  /** The thread leaves now; its reads go back in the queue for the other readers or its replacement. */
  private endThread(channel: ReaderChannel): void {
    if (!this.channels.includes(channel)) return;
    this.channels.splice(this.channels.indexOf(channel), 1);
    if (channel.graceTimer) clearTimeout(channel.graceTimer);
    channel.graceTimer = null;
    const ended = channel.thread.terminate().catch(() => undefined);
    this.endedThreads.add(ended);
    void ended.then(() => this.endedThreads.delete(ended));
    for (const task of channel.tasks.splice(0)) {
      task.requeue = true;
      this.finish(channel, task, null, null);
    }
    this.afterFinish();
  }

  private fail(error: Error): void {
    for (const call of this.queue.splice(0)) rejectCall(call, error);
    for (const channel of this.channels) for (const task of channel.tasks) for (const call of task.calls) rejectCall(call, error);
  }

  async close(): Promise<void> {
    await this.drained();
    // A thread ended earlier that exits after destroy() would make piscina start new threads for a pool
    // that is gone (against a removed database): let such threads end first.
    await Promise.all(this.endedThreads);
    for (const channel of this.channels.splice(0)) channel.port.close();
    await this.workers.destroy();
  }
}

/** A keyed get: what a task may wait behind in a reader's port (see PIPELINE_DEPTH). */
function isLight(call: PendingCall): boolean {
  return call.payload.kind === 'keyedGet' && !call.payload.capture;
}

function isLightTask(task: RunningTask): boolean {
  return task.entries.every((entry) => entry.payload.kind === 'keyedGets');
}

/** One writer thread of the lane: its own connection, its own commit mark, one task or one transaction at a time. */
class Writer {
  running: RunningTask | null = null;
  /** The async transaction this writer runs, from its begin to its end. */
  owner: Transaction | null = null;
  /** The sequence number of this writer's last COMMIT, written by the writer thread. */
  readonly commitMark = new Int32Array(new SharedArrayBuffer(4));
  private seq = 0;
  /** What backend.interruptStatement() takes to stop this thread's statement; null where that cannot be done. */
  interruptToken: number | null = null;
  readonly workers: WorkerGroup;

  constructor(settings: Settings, onFailure: (error: Error) => void) {
    this.workers = new WorkerGroup('writer', 1, settings, workerFile(), { commitMark: this.commitMark }, onFailure);
    this.workers.onMessage((message) => {
      const { interruptToken } = message as { interruptToken?: number | null };
      if (interruptToken !== undefined) this.interruptToken = interruptToken;
    });
  }

  /** Neither running a task nor held by a transaction. */
  get free(): boolean {
    return !this.running && !this.owner;
  }

  /** The number a batch commits under: within an Int32 (the mark's type), never 0 (no batch), so a mark that wrapped cannot misreport a crash. */
  nextSeq(): number {
    return (this.seq = (this.seq % 0x7fffffff) + 1);
  }
}

/**
 * The writers: `writers` threads, each with a connection of its own (always one on SQLite, which has one
 * write lock per database, so SQLite never answers BUSY).
 *
 * Outside an async transaction, the writes of one event-loop turn are spread over the free writers; each
 * writer commits its share as one transaction, each call in a savepoint of its own (one failing call leaves
 * the others intact). Writes from different writers commit in no particular order: a caller that needs one
 * write to follow another awaits the first.
 *
 * An async transaction holds one writer from its begin to its end (its savepoints too); writes made outside
 * it go to the other writers meanwhile, or wait for a free one. Writes queued before a transaction asked for
 * a writer are sent before it is given one.
 *
 * Exactly once, per writer: a task sent to a writer is never cut off. A cancel or timeout removes a write
 * that is still queued; one already sent settles with its true outcome. If the thread dies mid-task, its
 * commit mark (set after each COMMIT) tells whether the batch took effect, and `WorkerCrashed.committed`
 * says so; nothing is retried.
 */
class WriterLane extends BatchingLane {
  private queue: PendingCall[] = [];
  private readonly waitingOwners: Array<{ transaction: Transaction; grant: () => void }> = [];
  private readonly writers: Writer[];
  /** Why the lane cannot run anything (a writer failed to start); null while healthy. */
  private failure: Error | null = null;

  constructor(
    settings: Settings,
    private readonly deadlines: Deadlines,
    private readonly backend: DatabaseBackend,
  ) {
    super();
    this.writers = Array.from({ length: settings.writers }, () => new Writer(settings, (error) => this.fail(error)));
  }

  enqueue(call: PendingCall): void {
    if (this.failure) return rejectCall(call, this.failure);
    const transaction = call.block?.transaction;
    if (transaction) {
      if (transaction.broken && !isFinalRollback(call)) return rejectCall(call, transaction.broken);
      transaction.queue.push(call);
    } else {
      this.queue.push(call);
    }
    this.scheduleFlush(call);
  }

  protected get idle(): boolean {
    return !this.queue.length && !this.waitingOwners.length && this.writers.every((writer) => writer.free);
  }

  /** Sends what can go now: each transaction's next calls, the queued writes to the free writers, then hands free writers on. */
  protected flush(): void {
    if (this.failure) return this.notifyIdle();
    for (const writer of this.writers) {
      if (writer.running || !writer.owner) continue;
      const calls = writer.owner.takeSendable();
      if (calls.length) this.send(writer, calls, writer.owner);
    }
    if (this.queue.length) {
      const free = this.writers.filter((writer) => writer.free);
      const parts = Math.min(free.length, this.queue.length);
      if (parts) {
        const calls = this.queue;
        this.queue = [];
        const size = Math.ceil(calls.length / parts);
        for (let part = 0; part < parts; part++) this.send(free[part]!, calls.slice(part * size, (part + 1) * size), null);
      }
    }
    while (!this.queue.length && this.waitingOwners.length) {
      const writer = this.writers.find((candidate) => candidate.free);
      if (!writer) break;
      const next = this.waitingOwners.shift()!;
      writer.owner = next.transaction;
      next.grant();
    }
    this.notifyIdle();
  }

  private send(writer: Writer, calls: PendingCall[], transaction: Transaction | null): void {
    if (!calls.length) return;
    const seq = transaction ? 0 : writer.nextSeq();
    const task = newTask(calls.map((call) => ({ payload: call.payload, calls: [call] })), seq);
    task.control = calls.some((call) => call.payload.kind === 'transaction');
    writer.running = task;
    const start = () => {
      task.startedAt = performance.now();
      if (transaction) this.deadlines.add(task); // outside a transaction, nothing on the writer is ever cut off
    };
    if (writer.workers.ready) start();
    else void writer.workers.whenReady().then(start);
    writer.workers.run({ calls: task.entries.map((entry) => entry.payload), groupCommit: !transaction, seq }).then(
      (results) => this.finish(writer, task, transaction, results, null),
      (error: Error) => this.finish(writer, task, transaction, null, error),
    );
  }

  private finish(writer: Writer, task: RunningTask, transaction: Transaction | null, results: CallResult[] | null, error: Error | null): void {
    writer.running = null;
    this.deadlines.delete(task);
    for (const call of task.calls) call.task = null;
    if (results) {
      task.entries.forEach((entry, index) => deliver(entry, results[index]!));
    } else {
      const committed = !transaction && Atomics.load(writer.commitMark, 0) === task.seq;
      const outcome = transaction
        ? 'its aatomic() transaction was rolled back'
        : committed
          ? 'its batch had committed, so the call took effect, but its result was lost'
          : 'its batch was rolled back, so the call took no effect';
      for (const call of task.calls) {
        rejectCall(call, this.failure ?? new WorkerCrashed(`The writer worker stopped while running ${describeCall(call.payload)} (${error?.message ?? 'unknown error'}); ${outcome}.`, committed));
      }
      if (transaction) {
        transaction.break(new TransactionManagementError(`The writer worker stopped during this aatomic() block (${error?.message ?? 'unknown error'}); its transaction was rolled back and the block's later calls are refused.`), rejectCall);
      }
    }
    this.flush();
  }

  cancel(call: PendingCall, error: Error): void {
    if (call.settled) return;
    const task = call.task;
    if (!task) {
      const queue = call.block ? call.block.transaction.queue : this.queue;
      const index = queue.indexOf(call);
      if (index >= 0) queue.splice(index, 1);
      return rejectCall(call, error);
    }
    // Running. Outside a transaction (or for a step that commits) the write is not cut off: it settles with
    // its true outcome. Inside one, the call is given up and the transaction with it: nothing of it commits.
    if (!call.block || task.control) return;
    rejectCall(call, error);
    const broken = new TransactionManagementError(`${describeCall(call.payload)} was cancelled while it ran inside this aatomic() block; the block's transaction is rolled back and its later calls are refused.`);
    call.block.transaction.break(broken, rejectCall);
    // The calls sent with it are later calls of a lost transaction too; where the database can, its statement
    // stops now rather than holding the writer (and its locks) until it ends. The block's rollback follows.
    for (const other of task.calls) rejectCall(other, broken);
    const writer = this.writers.find((candidate) => candidate.running === task);
    if (writer?.interruptToken != null) this.backend.interruptStatement(writer.interruptToken);
  }

  /** Gives `transaction` a writer of its own once one is free and the writes queued before it were sent. */
  acquire(transaction: Transaction): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const writer = this.queue.length || this.waitingOwners.length ? undefined : this.writers.find((candidate) => candidate.free);
    if (writer) {
      writer.owner = transaction;
      return Promise.resolve();
    }
    return new Promise((grant) => {
      this.waitingOwners.push({ transaction, grant });
      this.scheduleFlush();
    });
  }

  release(transaction: Transaction): void {
    transaction.finished = true;
    for (const call of transaction.queue.splice(0)) {
      rejectCall(call, new TransactionManagementError(`${describeCall(call.payload)} was made inside an aatomic() block that ended before it could run.`));
    }
    const writer = this.writers.find((candidate) => candidate.owner === transaction);
    if (!writer) return;
    writer.owner = null;
    this.flush();
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const call of this.queue.splice(0)) rejectCall(call, error);
    // A transaction waiting for a writer is let go at once: its first step then rejects with the reason.
    for (const { transaction, grant } of this.waitingOwners.splice(0)) {
      transaction.break(error, rejectCall);
      grant();
    }
    for (const writer of this.writers) {
      writer.owner?.break(error, rejectCall);
      for (const call of writer.running?.calls ?? []) rejectCall(call, error);
    }
  }

  async close(): Promise<void> {
    await this.drained();
    await Promise.all(this.writers.map((writer) => writer.workers.destroy()));
  }
}

function newTask(entries: TaskEntry[], seq: number): RunningTask {
  const calls: PendingCall[] = [];
  for (const entry of entries) for (const call of entry.calls) calls.push(call);
  const task: RunningTask = { entries, calls, startedAt: 0, requeue: false, seq, control: false };
  for (const call of calls) call.task = task;
  return task;
}

/** Groups the keyed gets of a batch per model and field; every other call keeps an entry of its own. */
function coalesce(calls: PendingCall[]): TaskEntry[] {
  const entries: TaskEntry[] = [];
  const groups: Array<TaskEntry & { payload: CallPayload & { kind: 'keyedGets' } }> = [];
  for (const call of calls) {
    const payload = call.payload;
    if (payload.kind !== 'keyedGet' || payload.capture) {
      entries.push({ payload, calls: [call] });
      continue;
    }
    let group = groups.find((candidate) => candidate.payload.label === payload.label && candidate.payload.field === payload.field);
    if (!group) {
      group = { payload: { kind: 'keyedGets', label: payload.label, field: payload.field, params: [] }, calls: [] };
      groups.push(group);
      entries.push(group);
    }
    group.payload.params.push(payload.param);
    group.calls.push(call);
  }
  return entries;
}

/** Cuts a batch of `total` calls into `parts` tasks of about equal size; coalesced gets are cut too. */
function splitEntries(entries: TaskEntry[], total: number, parts: number): TaskEntry[][] {
  const size = Math.ceil(total / parts);
  const tasks: TaskEntry[][] = [];
  let current: TaskEntry[] = [];
  let room = size;
  for (let entry of entries) {
    while (entry.payload.kind === 'keyedGets' && entry.calls.length > room) {
      const { label, field, params } = entry.payload;
      current.push({ payload: { kind: 'keyedGets', label, field, params: params.slice(0, room) }, calls: entry.calls.slice(0, room) });
      entry = { payload: { kind: 'keyedGets', label, field, params: params.slice(room) }, calls: entry.calls.slice(room) };
      tasks.push(current);
      current = [];
      room = size;
    }
    current.push(entry);
    room -= entry.calls.length;
    if (room <= 0) {
      tasks.push(current);
      current = [];
      room = size;
    }
  }
  if (current.length) tasks.push(current);
  return tasks;
}

/** Settles the calls of one entry from its result (a coalesced entry hands each caller its own instance). */
function deliver(entry: TaskEntry, result: CallResult): void {
  if (!result.ok) {
    const error = decode(result.error) as Error;
    for (const call of entry.calls) rejectCall(call, error, result);
    return;
  }
  const payload = entry.payload;
  if (payload.kind !== 'keyedGets' && payload.kind !== 'keyedGet') return resolveCall(entry.calls[0]!, result, result);
  const instances = instancesByKey(payload.label, payload.field, entry.calls.length, result.value as PackedRows);
  for (let i = 0; i < entry.calls.length; i++) {
    const instance = instances[i];
    if (instance) resolveCall(entry.calls[i]!, instance, result);
    else rejectCall(entry.calls[i]!, new (getModel(payload.label).DoesNotExist)(`${payload.label} matching query does not exist.`), result);
  }
}

/**
 * The worker pool of one database: readers for reads, the writer for writes and async transactions. Each
 * database alias has its own, started on its first async call; stopped by close().
 */
export class Pool {
  private readonly readers: ReaderLane;
  private readonly writer: WriterLane;
  private readonly deadlines = new Deadlines((call) => call.lane.cancel(call, new QueryCancelled(`${describeCall(call.payload)} timed out after ${call.timeoutMs} ms.`)));
  private readonly keepAlive = new KeepAlive();
  private closing = false;

  /** The pool of the database `alias`: its workers' own connections go there (see worker.ts). */
  constructor(
    private readonly settings: Settings,
    readonly alias: string = 'default',
  ) {
    const database = settings.databases[alias]!;
    const laneSettings: Settings = { ...settings, writers: database.writers, poolAlias: alias };
    const backend = backendByVendor(database.backend);
    this.writer = new WriterLane(laneSettings, this.deadlines, backend);
    this.readers = new ReaderLane(laneSettings, this.deadlines, backend);
  }

  /**
   * Sends one call: writes and every call inside an async transaction go to the writer, reads to readers.
   * `leavesAtOnce`: see PendingCall.leavesAtOnce.
   */
  call(payload: CallPayload, write: boolean, options: QueryOptions, block: Block | null, capture?: CapturedQuery[], leavesAtOnce = false): Promise<CallResult & { ok: true }> {
    return this.enqueue(payload, write, options, block, capture, leavesAtOnce) as Promise<CallResult & { ok: true }>;
  }

  /** A keyed get (see keyed-get.ts): resolves with the instance itself. */
  get(payload: KeyedGet, options: QueryOptions, block: Block | null, capture?: CapturedQuery[]): Promise<Model> {
    return this.enqueue(payload, false, options, block, capture) as Promise<Model>;
  }

  private enqueue(payload: CallPayload, write: boolean, options: QueryOptions, block: Block | null, capture: CapturedQuery[] | undefined, leavesAtOnce = false): Promise<unknown> {
    if (this.closing) return Promise.reject(new ThreadormError('The worker pool is closing; no new calls are accepted.'));
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new QueryCancelled(`${describeCall(payload)} was cancelled before it started.`));
    const lane = write || block ? this.writer : this.readers;
    const call = new PendingCall(capture ? { ...payload, capture: true } : payload, lane, options.timeoutMs ?? this.settings.queryTimeoutMs, signal, block, capture, this.keepAlive);
    call.leavesAtOnce = leavesAtOnce;
    const promise = new Promise<unknown>((resolve, reject) => {
      call.resolve = resolve;
      call.reject = reject;
    });
    if (signal) {
      call.onAbort = () => lane.cancel(call, new QueryCancelled(`${describeCall(payload)} was cancelled.`));
      signal.addEventListener('abort', call.onAbort, { once: true });
    }
    lane.enqueue(call);
    return promise;
  }

  acquireWriter(transaction: Transaction): Promise<void> {
    return this.writer.acquire(transaction);
  }

  releaseWriter(transaction: Transaction): void {
    this.writer.release(transaction);
  }

  /** Finishes queued and running work, then stops every worker. */
  async close(): Promise<void> {
    await Promise.all([this.readers.drained(), this.writer.drained()]);
    this.closing = true;
    await Promise.all([this.readers.close(), this.writer.close()]);
  }
}

/** From source (ts-node / ts-jest) workers start through a small loader that registers ts-node. */
function workerFile(): { filename: string; entry: string } {
  const compiled = join(__dirname, 'worker.js');
  if (existsSync(compiled) && !__filename.endsWith('.ts')) return { filename: compiled, entry: compiled };
  return { filename: join(__dirname, 'ts-worker.js'), entry: join(__dirname, 'worker.ts') };
}


