import type { Model } from './base';
import { ForeignKey, ManyToManyField } from './fields/related';
import type { ModelClass } from './types';
import { FieldError } from '../errors';
import { Col } from '../sql/expressions';
import { InLookup } from '../sql/lookups/builtin';
import type { QuerySet } from './queryset';

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
  const model = instances[0]!.constructor as ModelClass;
  const meta = model._meta;
  const field = meta.findField(name);
  if (field instanceof ForeignKey && name === field.name) return prefetchForward(instances, field, queryset, toAttr);
  if (field instanceof ManyToManyField) return prefetchMany(instances, field, false, name, queryset, toAttr);
  const relation = meta.inheritedReverseRelations().find((candidate) => candidate.accessorName === name);
  if (relation?.field instanceof ManyToManyField) return prefetchMany(instances, relation.field, true, name, queryset, toAttr);
  if (relation?.field instanceof ForeignKey) return prefetchReverse(instances, relation.field, name, relation.multiple, queryset, toAttr);
  const choices = [
    ...meta.foreignKeys.map((fk) => fk.name),
    ...meta.manyToMany.map((m2m) => m2m.name),
    ...meta.inheritedReverseRelations().map((r) => r.accessorName).filter((n): n is string => Boolean(n)),
  ];
  throw new FieldError(`prefetchRelated(): '${name}' is not a relation of ${meta.label}. Choices are: ${choices.join(', ') || '(none)'}.`);
}

function baseQueryset(model: ModelClass, queryset: QuerySet<any, any> | undefined): QuerySet<any, any> {
  if (queryset && queryset.model !== model) {
    throw new TypeError(`Prefetch queryset is over ${queryset.model.name}; expected ${model.name}.`);
  }
  return queryset ?? model.objects.all();
}

function inBatches<V>(values: V[], load: (batch: V[]) => Model[]): Model[] {
  const unique = [...new Set(values)];
  const found: Model[] = [];
  for (let i = 0; i < unique.length; i += BATCH) found.push(...load(unique.slice(i, i + BATCH)));
  return found;
}

function prefetchForward(instances: Model[], field: ForeignKey, queryset: QuerySet<any, any> | undefined, toAttr: string | undefined): Model[] {
  const keys = instances.map((instance) => (instance as unknown as Record<string, unknown>)[field.attname]).filter((key) => key !== null && key !== undefined);
  const target = field.targetField;
  const base = baseQueryset(field.relatedModel, queryset);
  const related = inBatches(keys, (batch) => base.filter({ [`${target.name}__in`]: batch }).eval());
  const byKey = new Map(related.map((object) => [(object as unknown as Record<string, unknown>)[target.attname], object]));
  for (const instance of instances) {
    const key = (instance as unknown as Record<string, unknown>)[field.attname];
    const object = key === null || key === undefined ? null : (byKey.get(key) ?? null);
    if (toAttr) (instance as unknown as Record<string, unknown>)[toAttr] = object;
    else instance._state.related[field.name] = object;
  }
  return related;
}

function prefetchReverse(
  instances: Model[],
  field: ForeignKey,
  accessor: string,
  multiple: boolean,
  queryset: QuerySet<any, any> | undefined,
  toAttr: string | undefined,
): Model[] {
  const targetAttname = field.targetField.attname;
  const keys = instances.map((instance) => (instance as unknown as Record<string, unknown>)[targetAttname]);
  const base = baseQueryset(field.model, queryset);
  const related = inBatches(keys, (batch) => base.filter({ [`${field.attname}__in`]: batch }).eval());
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
  return related;
}

/** M2M: one query on the target joined to the intermediate table, which also tells each row's owner. */
function prefetchMany(
  instances: Model[],
  field: ManyToManyField,
  reverse: boolean,
  accessor: string,
  queryset: QuerySet<any, any> | undefined,
  toAttr: string | undefined,
): Model[] {
  const keys = field.model._meta.through(field);
  const sourceKey = reverse ? keys.target : keys.source;
  const targetKey = reverse ? keys.source : keys.target;
  const targetModel = targetKey.relatedModel;
  const sourceAttname = sourceKey.targetField.attname;
  const ownerKeys = instances.map((instance) => (instance as unknown as Record<string, unknown>)[sourceAttname]);
  const base = baseQueryset(targetModel, queryset);
  const owner = '__prefetchOwner';
  const related: Array<Model & Record<string, unknown>> = [];
  for (let i = 0; i < ownerKeys.length; i += BATCH) {
    const batch = [...new Set(ownerKeys.slice(i, i + BATCH))];
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
    related.push(...(base.withQuery(query).eval() as Array<Model & Record<string, unknown>>));
  }
  const groups = new Map<unknown, Model[]>();
  for (const object of related) {
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
  return related;
}
