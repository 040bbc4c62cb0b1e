import { getConnection } from '../db/connections';
import type { DatabaseConnection as Connection } from '../db/backends/base/connection';
import { ProtectedError, RestrictedError } from '../errors';
import { deleteByKeysSql, updateColumnByKeysSql } from '../sql/writes';
import type { Model } from './base';
import { ForeignKey, describeInstance } from './fields/related';
import { prepareValue } from './persistence';
import { sendPostDelete, sendPreDelete } from './signals';
import type { ModelClass } from './types';

export * from './deletion-rules';

/** `[total rows deleted, { ModelLabel: rows }]`; models with no rows are left out. */
export type DeleteResult = [number, Record<string, number>];

const BATCH = 900;

/**
 * Deletes `instances` of `model` and everything their on-delete rules reach, in one transaction.
 * `origin` (the instance or queryset whose delete() ran) is passed on to the preDelete / postDelete signals.
 */
export function collectAndDelete(model: ModelClass, instances: readonly Model[], call: string, origin: Model | object): DeleteResult {
  if (!instances.length) return [0, {}];
  const connection = getConnection(call);
  return connection.atomic(() => {
    const collector = new Collector();
    collector.collect(model, instances);
    collector.check();
    return collector.execute(connection, origin);
  });
}

interface FieldUpdate {
  model: ModelClass;
  field: ForeignKey;
  value: unknown;
  objects: Model[];
}

/**
 * Django's deletion collector: walks reverse relations from the objects being deleted, applying each
 * foreign key's onDelete rule (CASCADE collects, PROTECT / RESTRICT refuse, SET_* update), then deletes.
 */
class Collector {
  /** Objects to delete per model, in the order models were reached. */
  private readonly toDelete = new Map<ModelClass, Map<unknown, Model>>();
  private readonly updates: FieldUpdate[] = [];
  private readonly protectedBy: Array<{ object: Model; field: ForeignKey }> = [];
  private readonly restrictedBy: Array<{ object: Model; field: ForeignKey }> = [];

  collect(model: ModelClass, objects: readonly Model[]): void {
    let known = this.toDelete.get(model);
    if (!known) this.toDelete.set(model, (known = new Map()));
    const fresh = objects.filter((object) => !known!.has(object.pk));
    if (!fresh.length) return;
    for (const object of fresh) known.set(object.pk, object);

    for (const relation of model._meta.reverseRelations()) {
      const field = relation.field;
      if (!(field instanceof ForeignKey) || field.onDelete.kind === 'DO_NOTHING') continue;
      const keys = fresh.map((object) => (object as unknown as Record<string, unknown>)[field.targetField.attname]);
      const related = fetchReferencing(relation.relatedModel, field, keys);
      if (!related.length) continue;
      switch (field.onDelete.kind) {
        case 'CASCADE':
          this.collect(relation.relatedModel, related);
          break;
        case 'PROTECT':
          for (const object of related) this.protectedBy.push({ object, field });
          break;
        case 'RESTRICT':
          for (const object of related) this.restrictedBy.push({ object, field });
          break;
        case 'SET_NULL':
          this.updates.push({ model: relation.relatedModel, field, value: null, objects: related });
          break;
        case 'SET_DEFAULT':
          this.updates.push({ model: relation.relatedModel, field, value: field.getDefault(), objects: related });
          break;
        case 'SET': {
          const value = field.onDelete.value;
          this.updates.push({ model: relation.relatedModel, field, value: typeof value === 'function' ? value() : value, objects: related });
          break;
        }
      }
    }
  }

  /** PROTECT always refuses; RESTRICT refuses unless the referencing object is itself being deleted. */
  check(): void {
    if (this.protectedBy.length) {
      const first = this.protectedBy[0]!.field;
      const target = first.relatedModel._meta.label;
      const fields = [...new Set(this.protectedBy.map(({ field }) => field.label))].join(', ');
      throw new ProtectedError(
        `Cannot delete some instances of model '${target}' because they are referenced through protected foreign keys: ${fields}. ` +
          `Protected objects: ${this.protectedBy.map(({ object }) => describeInstance(object)).join(', ')}.`,
        this.protectedBy.map(({ object }) => object),
      );
    }
    const restricted = this.restrictedBy.filter(({ object }) => !this.toDelete.get(object.constructor as ModelClass)?.has(object.pk));
    if (restricted.length) {
      const target = restricted[0]!.field.relatedModel._meta.label;
      const fields = [...new Set(restricted.map(({ field }) => field.label))].join(', ');
      throw new RestrictedError(
        `Cannot delete some instances of model '${target}' because they are referenced through restricted foreign keys: ${fields}. ` +
          `Restricted objects: ${restricted.map(({ object }) => describeInstance(object)).join(', ')}.`,
        restricted.map(({ object }) => object),
      );
    }
  }

  execute(connection: Connection, origin: Model | object): [number, Record<string, number>] {
    // As Django: preDelete for every object first, then the updates, then each model's rows and its postDelete.
    const deletionOrder = [...this.toDelete].reverse();
    for (const [model, objects] of deletionOrder) sendPreDelete(model, objects.values(), origin);
    for (const update of this.updates) {
      const meta = update.model._meta;
      const deleting = this.toDelete.get(update.model);
      const pks = update.objects.map((object) => object.pk).filter((pk) => !deleting?.has(pk));
      const value = prepareValue(update.field, update.value, meta.label);
      for (let i = 0; i < pks.length; i += BATCH) {
        const batch = pks.slice(i, i + BATCH);
        connection.run(
          updateColumnByKeysSql(connection.backend.operations, meta.dbTable, update.field.column, meta.pk.column, batch.length),
          [value, ...batch.map((pk) => prepareValue(meta.pk, pk, meta.label))],
        );
      }
      for (const object of update.objects) {
        (object as unknown as Record<string, unknown>)[update.field.attname] = update.value instanceof Object ? (update.value as Model).pk : update.value;
      }
    }
    const counts: Record<string, number> = {};
    let total = 0;
    for (const [model, objects] of deletionOrder) {
      const meta = model._meta;
      const pks = [...objects.keys()];
      let deleted = 0;
      for (let i = 0; i < pks.length; i += BATCH) {
        const batch = pks.slice(i, i + BATCH);
        deleted += connection.run(
          deleteByKeysSql(connection.backend.operations, meta.dbTable, meta.pk.column, batch.length),
          batch.map((pk) => prepareValue(meta.pk, pk, meta.label)),
        ).changes;
      }
      if (deleted) {
        counts[meta.label] = (counts[meta.label] ?? 0) + deleted;
        total += deleted;
      }
      sendPostDelete(model, objects.values(), origin);
    }
    return [total, counts];
  }
}

function fetchReferencing(model: ModelClass, field: ForeignKey, keys: unknown[]): Model[] {
  const found: Model[] = [];
  for (let i = 0; i < keys.length; i += BATCH) {
    found.push(...model._baseManager.filter({ [`${field.attname}__in`]: keys.slice(i, i + BATCH) }).orderBy().eval());
  }
  return found;
}
