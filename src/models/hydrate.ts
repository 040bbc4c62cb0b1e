import { maySyncQuery } from '../db/connections';
import { UnprefetchedRelatedModelAccessError } from '../errors';
import { freshState, type Model } from './base';
import type { ModelPlan, RowPlan } from '../sql/compiler';
import type { Field } from './fields/base';
import { fetchBlocked, peersMissing } from './fetch-modes';
import { inBatches } from './prefetch';
import type { QuerySet } from './queryset';

/** Turns raw row arrays into what the queryset yields: instances, value objects, tuples or scalars. */
export function hydrateRows(plan: RowPlan, rows: unknown[][]): unknown[] {
  const build = rowBuilder(plan);
  const out = new Array<unknown>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = build(rows[i]!, 0);
  return out;
}

/** The same from rows sent across threads as one flat array, row width first (see codec.unpackRows). */
export function hydrateFlatRows(plan: RowPlan, flat: readonly unknown[]): unknown[] {
  const build = rowBuilder(plan);
  const width = flat[0] as number;
  const out = new Array<unknown>(width ? (flat.length - 1) / width : 0);
  for (let i = 0, offset = 1; i < out.length; i++, offset += width) out[i] = build(flat, offset);
  return out;
}

/** What the row starting at `offset` in `values` becomes under `plan` (streaming builds each row as it is consumed). */
export function rowBuilder(plan: RowPlan): (values: readonly unknown[], offset: number) => unknown {
  if (plan.kind === 'models') return (values, offset) => buildInstanceAt(plan.plan, values, offset);
  const { names, converters } = plan;
  if (plan.kind === 'valuesList' && plan.flat) return (values, offset) => convert(values[offset], converters[0]!);
  if (plan.kind === 'values' || plan.named) {
    return (values, offset) => {
      const value: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) value[names[c]!] = convert(values[offset + c], converters[c]!);
      return value;
    };
  }
  return (values, offset) => {
    const tuple = new Array<unknown>(names.length);
    for (let c = 0; c < names.length; c++) tuple[c] = convert(values[offset + c], converters[c]!);
    return tuple;
  };
}

function convert(raw: unknown, converter: ((raw: unknown) => unknown) | null): unknown {
  return raw === null || converter === null ? raw : converter(raw);
}

/** Builds one instance without running the constructor: values from the database are already clean. */
export function buildInstance(plan: ModelPlan, row: readonly unknown[]): Model {
  return buildInstanceAt(plan, row, 0);
}

/** The same, from a row that starts at `offset` in `values` (rows sent across threads as one flat array). */
export function buildInstanceAt(plan: ModelPlan, values: readonly unknown[], offset: number): Model {
  const instance = (plan.build ??= fieldSetter(plan))(values, offset, plan.converters);
  for (const name of plan.deferred) defineDeferred(instance, name);
  for (const related of plan.related) {
    const child = buildInstanceAt(related.plan, values, offset);
    instance._state.related[related.name] = child.pk === null || child.pk === undefined ? null : child;
  }
  for (const annotation of plan.annotations) {
    const raw = values[offset + annotation.index];
    instance[annotation.name] = raw === null || annotation.converter === null ? raw : annotation.converter(raw);
  }
  return instance;
}

/** Makes an instance of a plan's model with its field values set, from the row at `offset`. */
export type FieldSetter = (values: readonly unknown[], offset: number, converters: ModelPlan['converters']) => Model & Record<string, unknown>;

/** Generated setters by model (its Options, rebuilt by close() then configure()), then by row layout. */
const fieldSetters = new WeakMap<object, Map<string, FieldSetter>>();

/**
 * The code that sets a plan's fields, generated once per model and row layout: one straight-line function
 * with a store per field, instead of a loop whose every store sees every model's every field (four times
 * faster per row). Converters are passed in, so only the layout (names, positions, which values convert)
 * shapes the code. Field names are written as JSON string literals, never as code.
 */
function fieldSetter(plan: ModelPlan): FieldSetter {
  const meta = plan.model._meta;
  let byLayout = fieldSetters.get(meta);
  if (!byLayout) fieldSetters.set(meta, (byLayout = new Map()));
  const layout = `${plan.start}|${plan.converters.map((converter) => (converter ? 'c' : '-')).join('')}|${plan.fields.map((field) => field.attname).join(',')}`;
  let setter = byLayout.get(layout);
  if (!setter) {
    const stores = plan.fields.map((field, i) => {
      const read = `values[offset + ${plan.start + i}]`;
      const target = `instance[${JSON.stringify(field.attname)}]`;
      return plan.converters[i] ? `{ const raw = ${read}; ${target} = raw === null ? raw : converters[${i}](raw); }` : `${target} = ${read};`;
    });
    const make = new Function(
      'prototype',
      'freshState',
      `return function setFields(values, offset, converters) {
        const instance = Object.create(prototype);
        instance._state = freshState(false);
        ${stores.join('\n        ')}
        return instance;
      };`,
    ) as (prototype: object, state: typeof freshState) => FieldSetter;
    setter = make(plan.model.prototype, freshState);
    byLayout.set(layout, setter);
  }
  return setter;
}

/** A field left out by defer()/only() loads on first read (when the sync API may query here). */
export function defineDeferred(instance: Model & Record<string, unknown>, name: string): void {
  const model = instance.constructor as typeof Model;
  const field = model._meta.getField(name);
  instance._state.hasDeferred = true;
  Object.defineProperty(instance, field.attname, {
    configurable: true,
    enumerable: true,
    get() {
      const blocked = fetchBlocked(instance, name, 'deferred');
      if (blocked) throw blocked;
      if (!maySyncQuery()) {
        throw new UnprefetchedRelatedModelAccessError(
          `Deferred field ${model._meta.label}.${name} cannot be loaded synchronously here; leave it out of defer()/only() or use arefreshFromDb().`,
        );
      }
      const peers = peersMissing(instance, (peer) => isDeferred(peer, field.attname));
      if (peers) loadDeferred(peers, field);
      if (isDeferred(instance, field.attname)) instance.refreshFromDb({ fields: [name] });
      return instance[field.attname];
    },
    set(value: unknown) {
      Object.defineProperty(instance, field.attname, { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

function isDeferred(instance: Model, attname: string): boolean {
  return typeof Object.getOwnPropertyDescriptor(instance, attname)?.get === 'function';
}

/**
 * FETCH_PEERS: one deferred field of many instances, one query per batch of keys. As refreshFromDb(): through
 * the base manager (a narrowing default manager hides no peer), from the database the peers came from.
 */
function loadDeferred(peers: Model[], field: Field): void {
  const model = peers[0]!.constructor as typeof Model;
  const rowsOf = (model._baseManager as QuerySet<any, any>).withHints({ instance: peers[0]! });
  for (const batch of inBatches(peers.map((peer) => peer.pk))) {
    const rows = rowsOf.filter({ pk__in: batch }).valuesList('pk', field.name).eval() as Array<[unknown, unknown]>;
    const values = new Map(rows);
    for (const peer of peers) {
      if (values.has(peer.pk)) (peer as unknown as Record<string, unknown>)[field.attname] = values.get(peer.pk);
    }
  }
}
