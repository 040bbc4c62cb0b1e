import { Piscina } from 'piscina';
import type { Settings } from '../conf';
import { ImproperlyConfigured } from '../errors';
import { decode } from './codec';
import type { CallResult, Role, Task } from './protocol';

/**
 * The threads of one lane: a piscina pool that keeps `threads` workers, each running one task at a time.
 * A worker is ready once it imported the model modules; a worker that cannot start fails the lane (its
 * calls reject with the reason) instead of being restarted over and over or taking the process down.
 */
export class WorkerGroup {
  private readonly piscina: Piscina;
  /** Set once a worker is ready: until then tasks wait in piscina and their deadlines do not run. */
  ready = false;
  private readyWaiters: Array<() => void> = [];
  /** Why the lane cannot run anything (a worker failed to start); null while healthy. */
  failure: Error | null = null;

  constructor(
    readonly role: Role,
    readonly threads: number,
    settings: Settings,
    worker: { filename: string; entry: string },
    extraData: Record<string, unknown>,
    private readonly onFailure: (error: Error) => void,
  ) {
    this.piscina = new Piscina({
      filename: worker.filename,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: 1,
      // Readers serve their own channel between tasks, so they must not block in Atomics.wait when idle.
      atomics: extraData.channel ? 'disabled' : 'sync',
      workerData: { settings, role, entry: worker.entry, ...extraData },
    });
    this.piscina.on('workerCreate', () => {
      if (this.ready) return;
      this.ready = true;
      for (const resolve of this.readyWaiters.splice(0)) resolve();
    });
    // A worker that cannot start says so (see worker.ts); an error outside any task means the same.
    this.piscina.on('message', (message: { workerFailed?: unknown }) => {
      if (message?.workerFailed) this.fail(decode(message.workerFailed) as Error);
    });
    this.piscina.on('error', (error: Error) => this.fail(error));
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = new ImproperlyConfigured(`The ${this.role} workers cannot start: ${error.message}`);
    for (const resolve of this.readyWaiters.splice(0)) resolve();
    this.onFailure(this.failure);
  }

  /** Messages a worker posts to its parent outside a task (a reader handing over its channel). */
  onMessage(listener: (message: unknown) => void): void {
    this.piscina.on('message', listener);
  }

  /** Resolves once a worker is ready (or the group failed). */
  whenReady(): Promise<void> {
    if (this.ready || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  run(task: Task): Promise<CallResult[]> {
    return this.piscina.run(task) as Promise<CallResult[]>;
  }

  /** The worker threads now in the pool (a thread aborted mid-task leaves it at once). */
  get workerThreads(): ReadonlyArray<import('node:worker_threads').Worker> {
    return this.piscina.threads;
  }

  async destroy(): Promise<void> {
    await this.piscina.destroy();
    this.piscina.emitDestroy(); // the pool's async resource ends here, not whenever it is garbage-collected (jest --detectOpenHandles)
  }
}
