import { getConnection } from '../db/connections';
import { FieldError } from '../errors';
import type { Model } from './base';
import type { ModelClass } from './types';
import { buildInstance } from './hydrate';
import type { ModelPlan } from '../sql/compiler';
import { QuerySet, routeMethods } from './queryset';

/** `Model.objects`: the queryset of all rows, plus `raw()`. */
export class Manager<T = Model> extends QuerySet<T, T> {
  /** This manager on the database `alias` (Django's `db_manager()`): its querysets and creates go there. */
  dbManager(alias: string, hints: Record<string, unknown> = {}): this {
    return this.pinned(alias).withHints(hints);
  }

  /** Instances from hand-written SQL with `?` placeholders; columns map to fields by column name. */
  raw(sql: string, params: readonly unknown[] = []): T[] {
    const meta = this.model._meta;
    const connection = getConnection(this.call('raw'));
    const statement = connection.prepareRaw(sql);
    const columns = statement.columns;
    if (!columns) throw new TypeError(`${this.call('raw')} takes a query that returns rows.`);
    const byColumn = new Map(meta.concreteFields.map((field) => [field.column, field] as const));
    const byName = new Map(meta.concreteFields.map((field) => [field.attname, field] as const));
    const fields = columns.map((column) => byColumn.get(column) ?? byName.get(column) ?? null);
    if (!fields.includes(meta.pk)) throw new FieldError(`${this.call('raw')}: the query must select the primary key column '${meta.pk.column}'.`);
    const plan: ModelPlan = {
      model: this.model,
      fields: fields.filter((field) => field !== null),
      converters: [],
      start: 0,
      deferred: meta.concreteFields.filter((field) => !fields.includes(field)).map((field) => field.name),
      related: [],
      annotations: [],
    };
    plan.converters = plan.fields.map((field) => field.converter());
    const rows = statement.selectRows(params);
    return rows.map((row) => {
      const known = row.filter((_, index) => fields[index] !== null);
      const instance = buildInstance(plan, known) as Model & Record<string, unknown>;
      columns.forEach((column, index) => {
        if (fields[index] === null) instance[column] = row[index];
      });
      return instance as unknown as T;
    });
  }
}

routeMethods(Manager.prototype, ['raw'], false);

const managers = new WeakMap<Function, Manager<any>>();

/** The (immutable, so shared) manager of a model class. */
export function managerFor<T extends Model>(model: ModelClass<T>): Manager<T> {
  let manager = managers.get(model);
  if (!manager) {
    void model._meta;
    manager = new Manager<T>(model);
    managers.set(model, manager);
  }
  return manager;
}
