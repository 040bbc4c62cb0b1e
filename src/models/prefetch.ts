import type { Model } from './base';
import { ForeignKey, ManyToManyField } from './fields/related';
import type { ModelClass } from './types';
import { FieldError } from '../errors';
import { Col } from '../sql/expressions';
import { InLookup } from '../sql/lookups/builtin';
import type { QuerySet } from './queryset';
import { FETCH_ONE, peersMissing, type FetchMode } from './fetch-modes';

/** `Prefetch('pizzaSet', { queryset, toAttr })`: a prefetch with its own queryset or target attribute. */
export class PrefetchSpec {
  constructor(
    readonly lookup: string,
    readonly options: { queryset?: QuerySet<any, any>; toAttr?: string } = {},
  ) {
    if (typeof lookup !== 'string' || !lookup) throw new TypeError('Prefetch() needs a lookup path.');
  }
}

export function Prefetch(lookup: string, options: { queryset?: QuerySet<any, any>; toAttr?: string } = {}): PrefetchSpec {
  return new PrefetchSpec(lookup, options);
}

export function normalizePrefetch(lookup: string | PrefetchSpec): PrefetchSpec {
  return lookup instanceof PrefetchSpec ? lookup : new PrefetchSpec(lookup);
}

const BATCH = 900;

/**
 * Loads the related objects of `instances` for each lookup, one query per level of each path, and stores
 * them where the accessors look first (forward FK cache, related-manager prefetch cache, or `toAttr`).
 */
export function prefetchRelatedObjects(instances: readonly Model[], specs: readonly PrefetchSpec[]): void {
  const done = new Set<string>();
  for (const spec of specs) {
    const parts = spec.lookup.split('__');
    let level: Model[] = instances.filter(Boolean) as Model[];
    for (let depth = 0; depth < parts.length && level.length; depth++) {
      const path = parts.slice(0, depth + 1).join('__');
      const last = depth === parts.length - 1;
      const name = parts[depth]!;
      const queryset = last ? spec.options.queryset : undefined;
      const toAttr = last ? spec.options.toAttr : undefined;
      if (!done.has(path) || last) level = prefetchOne(level, name, queryset, toAttr);
      else level = collectCached(level, name);
      // A toAttr list is what later lookups continue through (`Prefetch('pizzaSet', { toAttr: 'pizzas' }), 'pizzas__toppings'`).
      done.add(toAttr ? [...parts.slice(0, depth), toAttr].join('__') : path);
    }
  }
}

/** Follows an already prefetched level to reach the next one. */
function collectCached(instances: Model[], name: string): Model[] {
  const next: Model[] = [];
  for (const instance of instances) {
    const state = instance._state;
    const cached: Model | Model[] | null | undefined =
      name in state.prefetched ? state.prefetched[name]
      : name in state.related ? state.related[name]
      : Object.prototype.hasOwnProperty.call(instance, name) ? (instance as unknown as Record<string, Model | Model[] | null>)[name] // a toAttr
      : undefined;
    if (Array.isArray(cached)) next.push(...cached);
    else if (cached) next.push(cached);
  }
  return next;
}

function prefetchOne(instances: Model[], name: string, queryset: QuerySet<any, any> | undefined, toAttr: string | undefined): Model[] {
  const load = relatedLoad(instances, name, queryset, toAttr);
  const related = load.querysets.flatMap((batch) => batch.eval() as Model[]);
  load.assign(related);
  return related;
}

/**
 * How the related objects of `instances` through `name` load: the querysets to run (one per batch of keys)
 * and where their results go. Prefetching runs them here; the async accessors of FETCH_PEERS run the same
 * querysets in a worker (forward and reverse one-to-one relations only: their querysets replay there).
 */
export interface RelatedLoad {
  readonly querysets: ReadonlyArray<QuerySet<any, any>>;
  assign(related: Model[]): void;
}

export function relatedLoad(instances: Model[], name: string, queryset?: QuerySet<any, any>, toAttr?: string): RelatedLoad {
  const model = instances[0]!.constructor as ModelClass;
  const meta = model._meta;
  const mode = instances[0]!._state.fetchMode;
  const field = meta.findField(name);
  if (field instanceof ForeignKey && name === field.name) return forwardLoad(instances, field, baseQueryset(field.relatedModel, 'base', instances, queryset, mode), toAttr);
  if (field instanceof ManyToManyField) return manyLoad(instances, field, false, name, baseQueryset(field.relatedModel, 'default', instances, queryset, mode), toAttr);
  const relation = meta.inheritedReverseRelations().find((candidate) => candidate.accessorName === name);
  if (relation?.field instanceof ManyToManyField) return manyLoad(instances, relation.field, true, name, baseQueryset(relation.relatedModel, 'default', instances, queryset, mode), toAttr);
  if (relation?.field instanceof ForeignKey) {
    // A reverse one-to-one reads through the base manager, as its descriptor does; a reverse FK through the related manager's.
    const manager = relation.multiple ? 'default' : 'base';
    return reverseLoad(instances, relation.field, name, relation.multiple, baseQueryset(relation.relatedModel, manager, instances, queryset, mode), toAttr);
  }
  const choices = [
    ...meta.foreignKeys.map((fk) => fk.name),
    ...meta.manyToMany.map((m2m) => m2m.name),
    ...meta.inheritedReverseRelations().map((r) => r.accessorName).filter((n): n is string => Boolean(n)),
  ];
  throw new FieldError(`prefetchRelated(): '${name}' is not a relation of ${meta.label}. Choices are: ${choices.join(', ') || '(none)'}.`);
}

/**
 * The queryset related objects load through; it gives them the fetch mode of the instances they load for, as
 * Django does. A forward key and a reverse one-to-one start from the base manager (as their descriptors do, so
 * a narrowing default manager hides no row); the first instance is the router hint (Django's `_add_hints`), so
 * without a router's answer the rows come from the database the instances came from.
 */
function baseQueryset(model: ModelClass, manager: 'base' | 'default', instances: Model[], queryset: QuerySet<any, any> | undefined, mode: FetchMode): QuerySet<any, any> {
  if (queryset && queryset.model !== model) {
    throw new TypeError(`Prefetch queryset is over ${queryset.model.name}; expected ${model.name}.`);
  }
  const base = (queryset ?? (manager === 'base' ? model._baseManager : model.objects).all()).withHints({ instance: instances[0]! });
  return mode !== FETCH_ONE && base.activeFetchMode === FETCH_ONE ? base.fetchMode(mode) : base;
}

/** Distinct values in batches of at most BATCH (one statement's worth of parameters each). */
export function inBatches<V>(values: readonly V[]): V[][] {
  const unique = [...new Set(values)];
  const batches: V[][] = [];
  for (let i = 0; i < unique.length; i += BATCH) batches.push(unique.slice(i, i + BATCH));
  return batches;
}

function forwardLoad(instances: Model[], field: ForeignKey, base: QuerySet<any, any>, toAttr: string | undefined): RelatedLoad {
  const keys = instances.map((instance) => (instance as unknown as Record<string, unknown>)[field.attname]).filter((key) => key !== null && key !== undefined);
  const target = field.targetField;
  return {
    querysets: inBatches(keys).map((batch) => base.filter({ [`${target.name}__in`]: batch })),
    assign(related) {
      const byKey = new Map(related.map((object) => [(object as unknown as Record<string, unknown>)[target.attname], object]));
      for (const instance of instances) {
        const key = (instance as unknown as Record<string, unknown>)[field.attname];
        const object = key === null || key === undefined ? null : (byKey.get(key) ?? null);
        if (toAttr) (instance as unknown as Record<string, unknown>)[toAttr] = object;
        else instance._state.related[field.name] = object;
      }
    },
  };
}

function reverseLoad(instances: Model[], field: ForeignKey, accessor: string, multiple: boolean, base: QuerySet<any, any>, toAttr: string | undefined): RelatedLoad {
  const targetAttname = field.targetField.attname;
  const keys = instances.map((instance) => (instance as unknown as Record<string, unknown>)[targetAttname]);
  return {
    querysets: inBatches(keys).map((batch) => base.filter({ [`${field.attname}__in`]: batch })),
    assign(related) {
      const groups = new Map<unknown, Model[]>();
      for (const object of related) {
        const key = (object as unknown as Record<string, unknown>)[field.attname];
        let group = groups.get(key);
        if (!group) groups.set(key, (group = []));
        group.push(object);
      }
      for (const instance of instances) {
        const group = groups.get((instance as unknown as Record<string, unknown>)[targetAttname]) ?? [];
        for (const object of group) object._state.related[field.name] = instance;
        if (toAttr) (instance as unknown as Record<string, unknown>)[toAttr] = multiple ? group : (group[0] ?? null);
        else if (multiple) instance._state.prefetched[accessor] = group;
        else instance._state.related[accessor] = group[0] ?? null;
      }
    },
  };
}

/** M2M: one query on the target joined to the intermediate table, which also tells each row's owner. */
function manyLoad(instances: Model[], field: ManyToManyField, reverse: boolean, accessor: string, base: QuerySet<any, any>, toAttr: string | undefined): RelatedLoad {
  const keys = field.model._meta.through(field);
  const sourceKey = reverse ? keys.target : keys.source;
  const targetKey = reverse ? keys.source : keys.target;
  const sourceAttname = sourceKey.targetField.attname;
  const ownerKeys = instances.map((instance) => (instance as unknown as Record<string, unknown>)[sourceAttname]);
  const owner = '__prefetchOwner';
  const querysets = inBatches(ownerKeys).map((batch) => {
    const query = base.query.clone();
    const through = query.join(
      {
        parentAlias: query.baseAlias, parentColumn: targetKey.targetField.column, model: keys.through, column: targetKey.column,
        type: 'INNER', multiValued: true, key: `prefetch:${query.baseAlias}.${field.label}`,
      },
      new Set(),
    );
    const ownerColumn = new Col(through, sourceKey);
    query.annotations.set(owner, { expression: ownerColumn, selected: true });
    query.where = {
      kind: 'node', connector: 'AND', negated: false,
      children: [query.where, new InLookup(ownerColumn, batch.map((key) => sourceKey.toDb(key)), false)],
    };
    return base.withQuery(query);
  });
  return {
    querysets,
    assign(related) {
      const groups = new Map<unknown, Model[]>();
      for (const object of related as Array<Model & Record<string, unknown>>) {
        const key = object[owner];
        delete object[owner];
        let group = groups.get(key);
        if (!group) groups.set(key, (group = []));
        group.push(object);
      }
      for (const instance of instances) {
        const group = groups.get((instance as unknown as Record<string, unknown>)[sourceAttname]) ?? [];
        if (toAttr) (instance as unknown as Record<string, unknown>)[toAttr] = group;
        else instance._state.prefetched[accessor] = group;
      }
    },
  };
}

/**
 * FETCH_PEERS through the async accessors (`await pizza.a.box`): the load of relation `name` for the peers
 * of `instance` for which `missing` holds, run in pool workers (one call per batch of keys, all sent in
 * one turn), or null when there is nothing to load for but the instance itself. Started once per group
 * and relation: every peer that awaits the relation meanwhile shares it.
 */
export function loadForPeersAsync(instance: Model, name: string, missing: (peer: Model) => boolean): Promise<void> | null {
  const group = instance._state.peers;
  if (!group || !instance._state.fetchMode.trackPeers) return null;
  const running = group.loading.get(name);
  if (running) return running;
  const peers = peersMissing(instance, missing);
  if (!peers) return null;
  const load = relatedLoad(peers, name);
  const loading = Promise.all(load.querysets.map((queryset) => queryset.aeval() as Promise<Model[]>)).then((batches) => load.assign(batches.flat()));
  const settled = () => {
    if (group.loading.get(name) === loading) group.loading.delete(name);
  };
  loading.then(settled, settled);
  group.loading.set(name, loading);
  return loading;
}
