import { getConnection, usingDatabase } from '../db/connections';
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
export function collectAndDelete(model: ModelClass, instances: readonly Model[], call: string, origin: Model | object, using: string): DeleteResult {
  if (!instances.length) return [0, {}];
  const connection = getConnection(call, using);
  // The collector's queries (what CASCADE reaches) read the same database the rows are deleted from.
  return usingDatabase(using, () =>
    connection.atomic(() => {
      const collector = new Collector();
      collector.collect(model, instances);
      collector.check();
      return collector.execute(connection, origin);
    }),
  );
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
  /** Keys collected per table (concrete model). */
  private readonly collectedRows = new Map<ModelClass, Set<unknown>>();
  private readonly updates: FieldUpdate[] = [];
  private readonly protectedBy: Array<{ object: Model; field: ForeignKey }> = [];
  private readonly restrictedBy: Array<{ object: Model; field: ForeignKey }> = [];

  collect(model: ModelClass, objects: readonly Model[]): void {
    const known = this.entry(model);
    // A row is collected once, whichever class reached it (a proxy and its concrete model share rows).
    const seen = this.rowsOf(model);
    const fresh = objects.filter((object) => !seen.has(object.pk));
    if (!fresh.length) return;
    for (const object of fresh) {
      known.set(object.pk, object);
      seen.add(object.pk);
    }
    // A multi-table child's rows take their parents' rows along (Django's collector, keep_parents=False);
    // what refers to a parent is collected from there.
    const parent = model._meta.parentModel;
    if (parent) this.collect(parent, fresh.map((object) => parent._meta.asInstance(object)));

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

  private rowsOf(model: ModelClass): Set<unknown> {
    const table = model._meta.concreteModel;
    let rows = this.collectedRows.get(table);
    if (!rows) this.collectedRows.set(table, (rows = new Set()));
    return rows;
  }

  /**
   * The objects to delete of `model`. A parent's entry is made before its child's: rows are deleted in the
   * reverse order of the entries, so a child's row goes before the parent row it links to.
   */
  private entry(model: ModelClass): Map<unknown, Model> {
    let known = this.toDelete.get(model);
    if (!known) {
      const parent = model._meta.parentModel;
      if (parent) this.entry(parent);
      this.toDelete.set(model, (known = new Map()));
    }
    return known;
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
    const restricted = this.restrictedBy.filter(({ object }) => !this.rowsOf(object.constructor as ModelClass).has(object.pk));
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
      const deleting = this.rowsOf(update.model);
      const pks = update.objects.map((object) => object.pk).filter((pk) => !deleting.has(pk));
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
