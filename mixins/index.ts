import { AsyncManager, AsyncQuerySet, AsyncRelatedManager, asyncManagerFor, asyncRelatedManagerFor, type AsyncCustomMethods, type AsyncManagerOf } from '../src/async/queryset';
import { evaluateOnInstance } from '../src/async/executor';
import { asyncMethodsOn, installAsyncMethods, type AsyncInstanceMethods, type AsyncTwins } from '../src/models/async-methods';
import { Model, NOT_A_MODEL, isConcreteModel } from '../src/models/base';
import { ForeignKey } from '../src/models/fields/related';
import type { ModelClass } from '../src/models/types';
import type { TypedModelClass } from '../src/models/typing';
import type { ManagerOf, ModelInstance } from '../src/models/typed';
import { RelatedManager } from '../src/models/related-managers';
import { forwardCacheHolds, forwardMissing, reverseMissing } from '../src/models/descriptors';
import { fetchBlocked, inheritFetchMode } from '../src/models/fetch-modes';
import { loadForPeersAsync } from '../src/models/prefetch';

/** Related managers, told by their phantom members (cheaper to test than the whole class). */
type RelatedManagerMark = ManagerOf<any, any>;

export { AsyncManager, AsyncQuerySet, AsyncRelatedManager, type AsyncManagerOf };

/** `obj.a.<relation>`: forward relations as promises of instances, to-many relations as async managers. */
export type AsyncRelations<T> = {
  readonly [K in keyof T as K extends `~${string}` | 'a' | keyof Model ? never : T[K] extends RelatedManagerMark | ModelInstance | null ? K : never]: T[K] extends RelatedManager<
    infer M,
    any,
    infer Keys
  >
    ? AsyncRelatedManager<M, Keys> & AsyncCustomMethods<Omit<T[K], keyof RelatedManager<any, any, any>>>
    : Promise<T[K]>;
};

/** What AsyncMixin adds to instances: `asave()`, `adelete()`, `arefreshFromDb()` (from the async method table) and `a`. */
export interface AsyncModelInstance extends AsyncTwins<AsyncInstanceMethods> {
  readonly a: AsyncRelations<this>;
  // Declared as methods (the table's twins are properties), so a model may override them:
  // `override async asave(options) { ...; await super.asave(options); }`.
  asave(...args: Parameters<AsyncInstanceMethods['save']>): ReturnType<AsyncInstanceMethods['save']>;
  adelete(...args: Parameters<AsyncInstanceMethods['delete']>): ReturnType<AsyncInstanceMethods['delete']>;
  arefreshFromDb(...args: Parameters<AsyncInstanceMethods['refreshFromDb']>): ReturnType<AsyncInstanceMethods['refreshFromDb']>;
}

/** What AsyncMixin adds to the class: `aobjects`. */
export interface AsyncModelStatics<T = any> {
  readonly aobjects: AsyncManager<T>;
}

type AnyModelClass = abstract new (...args: any[]) => Model;

/** An async model class typed for its instances `Self` (see `TypedModelClass`). */
export type AsyncModelClass<Self, Base extends AnyModelClass> = TypedModelClass<Self, Base, AsyncModelInstance, 'aobjects'> & AsyncModelStatics<Self>;

/**
 * Without a type argument: `AsyncMixin(Memo)` over a typed model class keeps its instance type; a plain
 * `AsyncMixin(Model)` base is typed loosely (`any`), as a model that does not name itself cannot be checked.
 */
type SelfOr<Self, Base> = [Self] extends [never]
  ? Base extends { readonly prototype: infer I }
    ? I extends { readonly '~fields': unknown }
      ? I
      : any
    : any
  : Self;

/**
 * Gives a model class the async API: `Model.aobjects`, `asave()`, `adelete()`, `arefreshFromDb()` and
 * `obj.a.<relation>`. Use it as a base, naming the model once so that its managers and constructor are typed
 * (`class Pizza extends AsyncMixin<Pizza>(Model)`), or apply it to a model class that already exists
 * (`AsyncMixin(Pizza)`), which adds the API to that class in place.
 */
export function AsyncMixin<Self = never, Base extends AnyModelClass = typeof Model>(Base: Base): AsyncModelClass<SelfOr<Self, Base>, Base>;
export function AsyncMixin<C extends AnyModelClass>(Base: C): C & AsyncModelStatics & (abstract new (...args: any[]) => AsyncModelInstance) {
  if (isConcreteModel(Base)) {
    install(Base);
    return Base as unknown as C & AsyncModelStatics & (abstract new (...args: any[]) => AsyncModelInstance);
  }
  abstract class AsyncModel extends (Base as unknown as typeof Model) {}
  Object.defineProperty(AsyncModel, NOT_A_MODEL, { value: true });
  install(AsyncModel as unknown as AnyModelClass);
  return AsyncModel as unknown as C & AsyncModelStatics & (abstract new (...args: any[]) => AsyncModelInstance);
}

const managers = new WeakMap<Function, AsyncManager<any>>();

function install(target: AnyModelClass): void {
  if (Object.prototype.hasOwnProperty.call(target.prototype, 'asave')) return;
  Object.defineProperty(target, 'aobjects', {
    configurable: true,
    get(this: ModelClass) {
      let manager = managers.get(this);
      // Chaining runs on the sync manager here: its errors should name the call written, Pizza.aobjects.filter().
      // Reading _meta first binds a manager the model declares (`static objects = PizzaQuerySet.asManager()`).
      if (!manager) {
        const label = this._meta.label;
        managers.set(this, (manager = asyncManagerFor(this.objects.named(`${label}.aobjects`))));
      }
      return manager;
    },
  });
  installAsyncMethods(target.prototype, asyncMethodsOn('instance'), (method) => method.twinName, (instance: Model, method, args) =>
    evaluateOnInstance(instance, method, args),
  );
  Object.defineProperty(target.prototype, 'a', {
    configurable: true,
    get(this: Model) {
      return relationsOf(this);
    },
  });
}

const relationCache = new WeakMap<Model, object>();

/** The `a` object of an instance: reads each relation attribute the async way. */
function relationsOf(instance: Model): object {
  let relations = relationCache.get(instance);
  if (relations) return relations;
  relations = new Proxy(
    {},
    {
      get(_target, name) {
        if (typeof name !== 'string' || name === 'then') return undefined;
        return asyncRelation(instance, name);
      },
    },
  );
  relationCache.set(instance, relations);
  return relations;
}

function asyncRelation(instance: Model, name: string): unknown {
  const model = instance.constructor as ModelClass;
  const meta = model._meta;
  const record = instance as unknown as Record<string, unknown>;
  const field = meta.findField(name);
  if (field instanceof ForeignKey && field.name === name) {
    const key = record[field.attname];
    const cached = instance._state.related[name];
    if (key === null || key === undefined) return Promise.resolve(cached ?? null);
    if (cached && forwardCacheHolds(instance, field)) return Promise.resolve(cached);
    const blocked = fetchBlocked(instance, name, 'relation');
    if (blocked) return Promise.reject(blocked);
    const fetchOne = () => {
      const target = field.relatedModel;
      // As the sync descriptor: through the base manager, which a narrowed default manager cannot hide rows from.
      // The instance is the router hint: without a router's answer, the related row is read where the instance lives.
      return new AsyncManager(target._baseManager.withHints({ instance })).get({ [field.targetField.name]: key }).then((related: Model) => {
        inheritFetchMode(related, instance);
        instance._state.related[name] = related;
        return related;
      });
    };
    const peers = loadForPeersAsync(instance, name, (peer) => forwardMissing(peer, field));
    if (!peers) return fetchOne();
    return peers.then(() => (forwardCacheHolds(instance, field) ? instance._state.related[name] : fetchOne()));
  }
  const relation = meta.reverseRelations().find((candidate) => candidate.accessorName === name);
  if (relation && !relation.multiple && relation.field instanceof ForeignKey) {
    const reverseField = relation.field;
    const relatedModel = relation.relatedModel;
    const missing = () => new relatedModel.DoesNotExist(`${meta.label} has no ${name}.`);
    const cached = instance._state.related[name];
    if (cached === null) return Promise.reject(missing());
    if (cached) return Promise.resolve(cached);
    const blocked = fetchBlocked(instance, name, 'reverse');
    if (blocked) return Promise.reject(blocked);
    const key = record[reverseField.targetField.attname];
    const fetchOne = () =>
      new AsyncManager(relatedModel._baseManager.withHints({ instance })).get({ [reverseField.name]: key }).then((related: Model) => {
        inheritFetchMode(related, instance);
        instance._state.related[name] = related;
        return related;
      });
    const peers = key === null || key === undefined ? null : loadForPeersAsync(instance, name, (peer) => reverseMissing(peer, reverseField, name));
    if (!peers) return fetchOne();
    return peers.then(() => {
      const loaded = instance._state.related[name];
      if (loaded === null) throw missing();
      return loaded ?? fetchOne();
    });
  }
  const manager = record[name];
  if (manager instanceof RelatedManager) return asyncRelatedManagerFor(manager);
  throw new TypeError(`${meta.label} has no relation '${name}' (obj.a.<relation> works for foreign keys, one-to-one and many-to-many relations and their reverse accessors).`);
}
