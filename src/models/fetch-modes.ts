import { FieldFetchBlocked } from '../errors';
import type { Model } from './base';
import type { ModelClass } from './types';
import type { ModelPlan } from '../sql/compiler';

/**
 * What happens when code reads something an instance was fetched without (Django 6.1's fetch modes): a
 * foreign key or one-to-one (either side) that is not cached, or a field left out by defer()/only().
 * `qs.fetchMode(FETCH_PEERS)` sets it for the instances a queryset yields, and it carries to the related
 * instances loaded from them.
 */
export class FetchMode {
  /** Makes the type nominal: only the three modes are FetchModes, not objects that look like them. */
  private declare readonly nominal: never;

  private constructor(
    /** The exported name, which is also how a mode crosses a thread. */
    readonly name: 'FETCH_ONE' | 'FETCH_PEERS' | 'RAISE',
    /** The instances of one result set know each other (their peer group). */
    readonly trackPeers: boolean,
  ) {
    Object.freeze(this);
  }

  /** @internal The three modes; nothing else makes one, so a mode is always one of them. */
  static readonly modes = {
    FETCH_ONE: new FetchMode('FETCH_ONE', false),
    FETCH_PEERS: new FetchMode('FETCH_PEERS', true),
    RAISE: new FetchMode('RAISE', false),
  } as const;

  toString(): string {
    return this.name;
  }
}

/** Loads what is missing for the instance read only (one query per instance): the default. */
export const FETCH_ONE: FetchMode = FetchMode.modes.FETCH_ONE;
/** Loads what is missing for every instance of the same result set at once: N+1 queries become 2. */
export const FETCH_PEERS: FetchMode = FetchMode.modes.FETCH_PEERS;
/** Refuses to load anything lazily: the read throws FieldFetchBlocked. */
export const RAISE: FetchMode = FetchMode.modes.RAISE;

/** The mode of the exported `name` (a mode that crossed a thread), or undefined. */
export function fetchModeNamed(name: string): FetchMode | undefined {
  return Object.prototype.hasOwnProperty.call(FetchMode.modes, name) ? FetchMode.modes[name as FetchMode['name']] : undefined;
}

/**
 * The instances of one result set under FETCH_PEERS. Held by its members only, and holding them weakly,
 * so neither keeps the other alive: a peer dropped by the program is simply no longer loaded for.
 */
export class PeerGroup {
  private readonly members: Array<WeakRef<Model>> = [];
  /** Async loads in flight, by attribute name: every peer awaiting the same relation shares one. */
  readonly loading = new Map<string, Promise<void>>();
  /** @internal What stands for this group when its members cross a thread together (see codec). */
  token?: object;

  add(instance: Model): void {
    this.members.push(new WeakRef(instance));
    instance._state.peers = this;
  }

  /** The members still alive. */
  live(): Model[] {
    const alive: Model[] = [];
    for (const member of this.members) {
      const instance = member.deref();
      if (instance) alive.push(instance);
    }
    return alive;
  }
}

/**
 * Gives the instances of one result set their mode (and, under FETCH_PEERS, one peer group), and the
 * same to the instances selectRelated() built inside them: one group per relation path.
 */
export function applyFetchMode(instances: readonly unknown[], mode: FetchMode, plan?: ModelPlan): void {
  if (mode === FETCH_ONE || !instances.length) return;
  const group = mode.trackPeers ? new PeerGroup() : null;
  for (const instance of instances) {
    const state = (instance as Model)._state;
    state.fetchMode = mode;
    group?.add(instance as Model);
  }
  for (const related of plan?.related ?? []) {
    const children: Model[] = [];
    for (const instance of instances) {
      const child = (instance as Model)._state.related[related.name];
      if (child) children.push(child);
    }
    applyFetchMode(children, mode, related.plan);
  }
}

/** A related instance loaded from `source` on its own takes its mode (Django copies it down the tree). */
export function inheritFetchMode(related: Model | null | undefined, source: Model): void {
  const mode = source._state.fetchMode;
  if (related && mode !== FETCH_ONE) applyFetchMode([related], mode);
}

/**
 * The peers of `instance` (itself included) for which `missing` holds, when its mode loads for peers and
 * there is more than the instance itself to load for; otherwise null (load for the instance alone).
 */
export function peersMissing(instance: Model, missing: (peer: Model) => boolean): Model[] | null {
  const state = instance._state;
  if (!state.fetchMode.trackPeers || !state.peers) return null;
  const model = instance.constructor;
  const peers = state.peers.live().filter((peer) => peer.constructor === model && missing(peer));
  return peers.length > 1 ? peers : null;
}

/** Under RAISE, the error for reading `name` of `instance`; null otherwise. */
export function fetchBlocked(instance: Model, name: string, kind: 'relation' | 'reverse' | 'deferred'): FieldFetchBlocked | null {
  if (instance._state.fetchMode !== RAISE) return null;
  const label = `${(instance.constructor as ModelClass)._meta.label}.${name}`;
  const remedy =
    kind === 'deferred'
      ? `it was left out by defer()/only(): keep it in the query`
      : kind === 'reverse'
        ? `load it with prefetchRelated('${name}')`
        : `load it with selectRelated('${name}') or prefetchRelated('${name}')`;
  return new FieldFetchBlocked(`Fetching of ${label} blocked (fetch mode RAISE): ${remedy}, or use fetchMode(FETCH_PEERS).`);
}
