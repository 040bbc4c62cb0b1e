import { maySyncQuery } from '../db/connections';
import { allowRelation, dbForWrite } from '../db/routers';
import { UnprefetchedRelatedModelAccessError, ValueError } from '../errors';
import { ManyRelatedManager, ReverseManyToOneManager } from './related-managers';
import { withCustomMethods } from './custom-methods';
import type { QuerySet } from './queryset';
import type { Model } from './base';
import { lowerFirst } from './fields/base';
import { ForeignKey, ManyToManyField, describeInstance } from './fields/related';
import type { ReverseRelation } from './options';
import type { ModelClass } from './types';
import { fetchBlocked, inheritFetchMode, peersMissing } from './fetch-modes';
import { prefetchRelatedObjects, PrefetchSpec } from './prefetch';

/**
 * Relation attributes live on model prototypes: `pizza.box` (forward FK), `price.pizza` (reverse one-to-one),
 * `box.pizzaSet` and `pizza.toppings` (related managers). Installed when a model's meta is first built,
 * on the model and on the targets of its relations.
 */
export function installAccessors(model: ModelClass): void {
  const meta = model._meta;
  for (const field of meta.foreignKeys) {
    define(model, field.name, forwardDescriptor(field));
    installReverse(field.relatedModel, reverseOf(field));
  }
  for (const field of meta.manyToMany) {
    meta.through(field);
    define(model, field.name, managerDescriptor(field.name, (instance) => new ManyRelatedManager(instance, field, false)));
    const reverse = reverseOf(field);
    if (reverse.accessorName) installReverse(field.relatedModel, reverse);
  }
  for (const relation of meta.reverseRelations()) installReverse(model, relation);
}

function reverseOf(field: ForeignKey | ManyToManyField): ReverseRelation {
  return {
    field,
    relatedModel: field.model,
    accessorName: field.model._meta.autoCreated ? null : field.accessorName,
    queryName: field.relatedQueryName,
    multiple: !(field instanceof ForeignKey && field.oneToOne),
  };
}

function installReverse(target: ModelClass, relation: ReverseRelation): void {
  const name = relation.accessorName;
  if (!name) return;
  const field = relation.field;
  if (field instanceof ManyToManyField) {
    define(target, name, managerDescriptor(name, (instance) => new ManyRelatedManager(instance, field, true)));
  } else if (field.oneToOne) {
    define(target, name, reverseOneToOneDescriptor(field, name));
  } else {
    define(target, name, managerDescriptor(name, (instance) => new ReverseManyToOneManager(instance, field, name)));
  }
}

function define(model: ModelClass, name: string, descriptor: PropertyDescriptor): void {
  if (Object.prototype.hasOwnProperty.call(model.prototype, name)) return;
  Object.defineProperty(model.prototype, name, { configurable: true, enumerable: false, ...descriptor });
}

function unprefetched(model: ModelClass, name: string): UnprefetchedRelatedModelAccessError {
  const label = model._meta.label;
  return new UnprefetchedRelatedModelAccessError(
    `Related model ${label}.${name} cannot be fetched synchronously here: use selectRelated('${name}') / prefetchRelated('${name}') ` +
      `or \`await ${lowerFirst(label)}.a.${name}\`.`,
  );
}

function forwardDescriptor(field: ForeignKey): PropertyDescriptor {
  const { name, attname } = field;
  return {
    get(this: Model & Record<string, unknown>) {
      const cached = this._state.related[name];
      const key = this[attname];
      if (key === null || key === undefined) return cached ?? null;
      if (cached && forwardCacheHolds(this, field)) return cached;
      const blocked = fetchBlocked(this, name, 'relation');
      if (blocked) throw blocked;
      if (!maySyncQuery()) throw unprefetched(field.model, name);
      const peers = peersMissing(this, (peer) => forwardMissing(peer, field));
      if (peers) {
        prefetchRelatedObjects(peers, [new PrefetchSpec(name)]);
        if (forwardCacheHolds(this, field)) return this._state.related[name]!;
      }
      const related = field.relatedModel._baseManager.withHints({ instance: this }).get({ [field.targetField.name]: key });
      inheritFetchMode(related, this);
      this._state.related[name] = related;
      return related;
    },
    set(this: Model & Record<string, unknown>, value: unknown) {
      this._state.awaitingKey?.delete(name);
      if (value === null || value === undefined) {
        this._state.related[name] = null;
        this[attname] = null;
        return;
      }
      const target = field.relatedModel;
      if (value instanceof target) {
        checkRelation(this, value as Model, field.label);
        const key = (value as unknown as Record<string, unknown>)[field.targetField.attname] ?? null;
        this._state.related[name] = value;
        this[attname] = key;
        if (key === null) (this._state.awaitingKey ??= new Set()).add(name);
        else this._state.awaitingKey?.delete(name);
        return;
      }
      if (typeof value === 'object' && !(value instanceof Date)) {
        throw new TypeError(`Cannot assign ${describeInstance(value)} to ${field.label}: it must be a ${target.name} instance.`);
      }
      delete this._state.related[name];
      this[attname] = field.toValue(value);
    },
  };
}

/**
 * Django's check on assigning a related object: an instance without a database takes the one the routers
 * would write it to (next to the other), then the routers must allow the relation.
 */
function checkRelation(instance: Model, value: Model, label: string): void {
  if (instance._state.db === null) instance._state.db = dbForWrite(instance.constructor as ModelClass, { instance: value });
  if (value._state.db === null) value._state.db = dbForWrite(value.constructor as ModelClass, { instance });
  if (!allowRelation(value, instance)) {
    throw new ValueError(
      `Cannot assign ${describeInstance(value)} to ${label}: it is on database '${value._state.db}' and ${describeInstance(instance)} on '${instance._state.db}', ` +
        'and the database routers do not allow relations between them.',
    );
  }
}

function reverseOneToOneDescriptor(field: ForeignKey, accessor: string): PropertyDescriptor {
  const related = () => field.model;
  return {
    get(this: Model & Record<string, unknown>) {
      const cached = this._state.related[accessor];
      const model = related();
      if (cached !== undefined) {
        if (cached === null) throw new model.DoesNotExist(`${this.constructor.name} has no ${accessor}.`);
        return cached;
      }
      const key = this[field.targetField.attname];
      if (key === null || key === undefined) throw new model.DoesNotExist(`${this.constructor.name} has no ${accessor} (it is unsaved).`);
      const blocked = fetchBlocked(this, accessor, 'reverse');
      if (blocked) throw blocked;
      if (!maySyncQuery()) throw unprefetched(this.constructor as ModelClass, accessor);
      const peers = peersMissing(this, (peer) => reverseMissing(peer, field, accessor));
      if (peers) {
        prefetchRelatedObjects(peers, [new PrefetchSpec(accessor)]);
        const loaded = this._state.related[accessor];
        if (loaded === null) throw new model.DoesNotExist(`${this.constructor.name} has no ${accessor}.`);
        if (loaded) return loaded;
      }
      const found = model._baseManager.withHints({ instance: this }).get({ [field.name]: key });
      inheritFetchMode(found, this);
      this._state.related[accessor] = found;
      return found;
    },
    set(this: Model, value: unknown) {
      if (value !== null && !(value instanceof related())) {
        throw new TypeError(`Cannot assign ${describeInstance(value)} to ${this.constructor.name}.${accessor}: it must be a ${related().name} instance.`);
      }
      if (value) checkRelation(this, value as Model, `${this.constructor.name}.${accessor}`);
      this._state.related[accessor] = value as Model | null;
      if (value) (value as unknown as Record<string, unknown>)[field.name] = this;
    },
  };
}

/** The forward cache of `instance` holds the instance its key points at (a key assigned since makes it stale). */
export function forwardCacheHolds(instance: Model, field: ForeignKey): boolean {
  const cached = instance._state.related[field.name];
  const key = (instance as unknown as Record<string, unknown>)[field.attname];
  return Boolean(cached) && (cached as unknown as Record<string, unknown>)[field.targetField.attname] === key;
}

/** A peer whose forward relation a FETCH_PEERS load should fetch: it has a key and nothing cached for it. */
export function forwardMissing(peer: Model, field: ForeignKey): boolean {
  const key = (peer as unknown as Record<string, unknown>)[field.attname];
  return key !== null && key !== undefined && !forwardCacheHolds(peer, field);
}

/** A peer whose reverse one-to-one a FETCH_PEERS load should fetch: saved, and not loaded yet. */
export function reverseMissing(peer: Model, field: ForeignKey, accessor: string): boolean {
  const key = (peer as unknown as Record<string, unknown>)[field.targetField.attname];
  return key !== null && key !== undefined && peer._state.related[accessor] === undefined;
}

function managerDescriptor(name: string, create: (instance: Model) => unknown): PropertyDescriptor {
  return {
    get(this: Model) {
      return (this._state.managers[name] ??= withCustomMethods(create(this) as QuerySet<any, any, any>));
    },
    set() {
      throw new TypeError(`Direct assignment to '${name}' is prohibited; use ${name}.set() instead.`);
    },
  };
}
