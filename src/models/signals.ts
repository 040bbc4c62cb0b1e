import { activeAlias } from '../db/connections';
import type { DatabaseConnection as Connection } from '../db/backends/base/connection';
import type { Model } from './base';
import type { InstanceOf, ModelClass, PkValue } from './types';

/**
 * Django's signal dispatcher (`django.dispatch.Signal`) and the model signals (`django.db.models.signals`).
 *
 * Receivers are called in the thread that runs the operation: the sync core sends model signals from
 * `save()`, `delete()` and the many-to-many managers wherever they run, which for the async API is a pool
 * worker. Every worker imports the models modules, so receivers connected at the top level of a models
 * module are connected in every thread; a receiver connected later, on the main thread only, never sees
 * the writes that workers run.
 */

/** What every receiver gets besides the signal's own arguments. */
export interface SignalEnvelope<S, Sender> {
  signal: S;
  sender: Sender;
}

export type Receiver<Args, Sender = unknown> = (args: Args & SignalEnvelope<Signal<Args, Sender>, Sender>) => unknown;

export interface ConnectOptions<Sender> {
  /** Only signals sent by this sender (for model signals: the model class); default any sender. */
  sender?: Sender;
  /** Identifies the connection instead of the receiver: a second connect with the same uid is ignored. */
  dispatchUid?: string;
}

export interface DisconnectOptions<Sender> {
  sender?: Sender;
  dispatchUid?: string;
}

interface Connected {
  receiver: Function;
  /** Identity of the connection: the dispatchUid when given, else the receiver function. */
  key: unknown;
  sender: unknown;
}

/** Sentinel sender meaning "any sender". */
const ANY = Symbol('any sender');

/**
 * A signal: receivers connect to it, senders send it. `Args` are the keyword arguments the signal carries
 * (beside `signal` and `sender`); `send()` returns each receiver with what it returned, in connection order.
 *
 * References are strong: a receiver stays connected until `disconnect()`. (Django holds weak references by
 * default; in JavaScript most receivers are closures that nothing else references, which a weak reference
 * would let the garbage collector disconnect at an arbitrary moment.)
 */
export class Signal<Args = Record<string, unknown>, Sender = unknown> {
  private connected: Connected[] = [];

  /** `name` is used in error messages (`postSave`). */
  constructor(readonly name = 'signal') {}

  connect(receiver: Receiver<Args, Sender>, options: ConnectOptions<Sender> = {}): void {
    if (typeof receiver !== 'function') throw new TypeError(`${this.name}.connect() takes a function; got ${describe(receiver)}.`);
    const key = options.dispatchUid ?? receiver;
    const sender = options.sender === undefined ? ANY : options.sender;
    if (this.connected.some((entry) => entry.key === key && entry.sender === sender)) return;
    this.connected = [...this.connected, { receiver, key, sender }];
  }

  /** Disconnects `receiver` (or the connection named by `dispatchUid`) for `sender`; true when one was connected. */
  disconnect(receiver?: Receiver<Args, Sender> | null, options: DisconnectOptions<Sender> = {}): boolean {
    const key = options.dispatchUid ?? receiver;
    if (key === undefined || key === null) throw new TypeError(`${this.name}.disconnect() needs the receiver or a dispatchUid.`);
    const sender = options.sender === undefined ? ANY : options.sender;
    const index = this.connected.findIndex((entry) => entry.key === key && entry.sender === sender);
    if (index < 0) return false;
    this.connected = this.connected.filter((_, i) => i !== index);
    return true;
  }

  /** Would send() from `sender` reach a receiver? Without a sender: are receivers connected for any sender? */
  hasListeners(sender?: Sender): boolean {
    return this.connected.some((entry) => entry.sender === ANY || (sender !== undefined && entry.sender === sender));
  }

  /** The receivers for `sender`, as connected when the send began (a receiver may disconnect itself meanwhile). */
  protected receiversFor(sender: unknown): Function[] {
    const receivers: Function[] = [];
    for (const entry of this.connected) if (entry.sender === ANY || entry.sender === sender) receivers.push(entry.receiver);
    return receivers;
  }

  /**
   * Calls every receiver in turn; an error thrown by one stops the send and propagates. Receivers must be
   * synchronous: an `async` receiver is refused before any receiver runs, and a receiver that returns a
   * Promise makes send() throw, since nothing would wait for it (use `asend()` from async code).
   */
  send(sender: Sender, args: Args): Array<[Receiver<Args, Sender>, unknown]> {
    const receivers = this.receiversFor(sender);
    if (!receivers.length) return [];
    const asynchronous = receivers.find(isAsyncFunction);
    if (asynchronous) throw this.promiseError(asynchronous, 'is an async function');
    const envelope = { ...args, signal: this, sender };
    return receivers.map((receiver) => [receiver as Receiver<Args, Sender>, this.settledResult(receiver, receiver(envelope))]);
  }

  /** Like send(), but an error thrown by a receiver becomes that receiver's result and the others still run. */
  sendRobust(sender: Sender, args: Args): Array<[Receiver<Args, Sender>, unknown]> {
    const envelope = { ...args, signal: this, sender };
    return this.receiversFor(sender).map((receiver) => {
      try {
        if (isAsyncFunction(receiver)) throw this.promiseError(receiver, 'is an async function');
        return [receiver as Receiver<Args, Sender>, this.settledResult(receiver, receiver(envelope))];
      } catch (error) {
        return [receiver as Receiver<Args, Sender>, error];
      }
    });
  }

  /** For async code: calls the receivers one after another in connection order, awaiting what each returns. */
  async asend(sender: Sender, args: Args): Promise<Array<[Receiver<Args, Sender>, unknown]>> {
    const envelope = { ...args, signal: this, sender };
    const results: Array<[Receiver<Args, Sender>, unknown]> = [];
    for (const receiver of this.receiversFor(sender)) results.push([receiver as Receiver<Args, Sender>, await receiver(envelope)]);
    return results;
  }

  /** asend(), with a receiver's error (thrown or rejected) as its result. */
  async asendRobust(sender: Sender, args: Args): Promise<Array<[Receiver<Args, Sender>, unknown]>> {
    const envelope = { ...args, signal: this, sender };
    const results: Array<[Receiver<Args, Sender>, unknown]> = [];
    for (const receiver of this.receiversFor(sender)) {
      try {
        results.push([receiver as Receiver<Args, Sender>, await receiver(envelope)]);
      } catch (error) {
        results.push([receiver as Receiver<Args, Sender>, error]);
      }
    }
    return results;
  }

  /** A receiver's result for send(): a Promise is refused (its eventual outcome is ignored, not left unhandled). */
  private settledResult(receiver: Function, result: unknown): unknown {
    if (!isThenable(result)) return result;
    result.then(undefined, () => undefined);
    throw this.promiseError(receiver, 'returned a Promise');
  }

  private promiseError(receiver: Function, what: string): TypeError {
    return new TypeError(
      `${this.name} receiver ${receiver.name ? `'${receiver.name}' ` : ''}${what}, but ${this.name}.send() calls receivers synchronously ` +
        '(model signals are sent by the sync core, in the thread that runs the operation), so nothing would wait for it. ' +
        `Make the receiver synchronous (the sync ORM is at hand where it runs), or send the signal with await ${this.name}.asend().`,
    );
  }
}

function isAsyncFunction(fn: Function): boolean {
  const name = fn.constructor?.name;
  return name === 'AsyncFunction' || name === 'AsyncGeneratorFunction';
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

// ---------------------------------------------------------------- model signals


export interface SaveSignalArgs<I> {
  instance: I;
  /** Django sets it when loading fixtures, which threadorm does not do: always false. */
  raw: boolean;
  using: string;
  /** The `updateFields` given to save(), or null. */
  updateFields: ReadonlySet<string> | null;
}

export interface PostSaveSignalArgs<I> extends SaveSignalArgs<I> {
  /** True when save() inserted the row. */
  created: boolean;
}

export interface DeleteSignalArgs<I> {
  instance: I;
  using: string;
  /** What the deletion started from: the instance whose delete() ran, or the queryset. */
  origin: Model | object;
}

/** `m2mChanged` actions, Django's `pre_add` … `post_clear` in camelCase. */
export type M2MAction = 'preAdd' | 'postAdd' | 'preRemove' | 'postRemove' | 'preClear' | 'postClear';

export interface M2MChangedSignalArgs {
  /** The instance whose relation changed (the one the manager belongs to). */
  instance: Model;
  action: M2MAction;
  /** True when the change went through the reverse side (`topping.pizzaSet` rather than `pizza.toppings`). */
  reverse: boolean;
  /** The class of the objects added, removed or cleared. */
  model: ModelClass;
  /** Their primary keys (for preAdd / postAdd only the ones not linked yet); null for preClear / postClear. */
  pkSet: Set<PkValue> | null;
  using: string;
}

export interface PostMigrateSignalArgs {
  using: string;
  /** The migrations applied (or unapplied), in order, each with whether it ran backwards. */
  plan: ReadonlyArray<readonly [migration: unknown, backwards: boolean]>;
  /** The historical models as they stand after migrating (`apps.getModel('Pizza')`). */
  apps: unknown;
}

/** Arguments of each model signal, for instances of type `I`. */
export interface ModelSignalArgs<I> {
  preSave: SaveSignalArgs<I>;
  postSave: PostSaveSignalArgs<I>;
  preDelete: DeleteSignalArgs<I>;
  postDelete: DeleteSignalArgs<I>;
}

/**
 * A signal sent by model classes: a receiver connected with `{ sender: Pizza }` gets `instance` typed as a
 * Pizza; without a sender, as any model.
 */
export class ModelSignal<K extends keyof ModelSignalArgs<Model>> extends Signal<ModelSignalArgs<Model>[K], ModelClass> {
  override connect<S extends ModelClass<any> = ModelClass>(
    receiver: (args: ModelSignalArgs<InstanceOf<S>>[K] & SignalEnvelope<ModelSignal<K>, S>) => unknown,
    options: ConnectOptions<S> = {},
  ): void {
    super.connect(receiver as unknown as Receiver<ModelSignalArgs<Model>[K], ModelClass>, options);
  }

  override disconnect<S extends ModelClass<any> = ModelClass>(
    receiver?: ((args: ModelSignalArgs<InstanceOf<S>>[K] & SignalEnvelope<ModelSignal<K>, S>) => unknown) | null,
    options: DisconnectOptions<S> = {},
  ): boolean {
    return super.disconnect(receiver as unknown as Receiver<ModelSignalArgs<Model>[K], ModelClass> | null | undefined, options);
  }
}

/** Sent by save() before it writes (before autoNow stamps), inside the save's transaction. */
export const preSave = new ModelSignal<'preSave'>('preSave');
/** Sent by save() after it wrote, inside the save's transaction. */
export const postSave = new ModelSignal<'postSave'>('postSave');
/** Sent for every object a deletion collected (queryset delete() too), before any row is deleted. */
export const preDelete = new ModelSignal<'preDelete'>('preDelete');
/** Sent for every object after its model's rows were deleted, inside the deletion's transaction. */
export const postDelete = new ModelSignal<'postDelete'>('postDelete');
/** Sent by the many-to-many managers (add, remove, clear, set, create); the sender is the intermediate model. */
export const m2mChanged = new Signal<M2MChangedSignalArgs, ModelClass>('m2mChanged');
/**
 * Sent by `migrate` once it has run (even when nothing was left to apply, as Django does), in the thread that
 * ran it: `await amigrate()` runs in a pool worker, so connect its receivers in a models module.
 */
export const postMigrate = new Signal<PostMigrateSignalArgs, null>('postMigrate');

// ---------------------------------------------------------------- hooks of the sync core

/**
 * Would a save of `model` reach a receiver? Without any, save() writes as it would without signals: a single
 * statement, no transaction of its own. Auto-created M2M tables send nothing.
 */
export function sendsSaveSignals(model: ModelClass): boolean {
  return (preSave.hasListeners(model) || postSave.hasListeners(model)) && !model._meta.autoCreated;
}

/**
 * Runs `write` (which returns whether it inserted) between preSave and postSave, all in one transaction, so
 * a receiver's error rolls the save back in sync and async code alike.
 */
export function saveWithSignals(instance: Model, updateFields: readonly string[] | undefined, connection: Connection, write: () => boolean): void {
  const sender = instance.constructor as ModelClass;
  const fields = updateFields ? new Set(updateFields) : null;
  connection.atomic(() => {
    preSave.send(sender, { instance, raw: false, using: activeAlias(), updateFields: fields });
    const created = write();
    postSave.send(sender, { instance, created, raw: false, using: activeAlias(), updateFields: fields });
  });
}

/** The deletion collector's hook: preDelete for every collected object of `model` (none for auto-created M2M rows). */
export function sendPreDelete(model: ModelClass, objects: Iterable<Model>, origin: Model | object): void {
  if (model._meta.autoCreated || !preDelete.hasListeners(model)) return;
  for (const instance of objects) preDelete.send(model, { instance, using: activeAlias(), origin });
}

export function sendPostDelete(model: ModelClass, objects: Iterable<Model>, origin: Model | object): void {
  if (model._meta.autoCreated || !postDelete.hasListeners(model)) return;
  for (const instance of objects) postDelete.send(model, { instance, using: activeAlias(), origin });
}

/** The many-to-many managers' hook; `through` is the sender. */
export function sendM2MChanged(through: ModelClass, args: Omit<M2MChangedSignalArgs, 'using'>): void {
  if (m2mChanged.hasListeners(through)) m2mChanged.send(through, { ...args, using: activeAlias() });
}
