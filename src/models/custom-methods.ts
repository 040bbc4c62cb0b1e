import { QuerySet } from './queryset';

/**
 * The methods a user's QuerySet or Manager subclass adds (`vegetarian()`), seen as chaining steps. Each one is
 * wrapped once so that a queryset it returns records the call itself, by name, as one step of its chain: a
 * pool worker then rebuilds the chain by calling the same method on the same class, and replays nothing but
 * names that class defines (see `isCustomChainMethod`).
 */

const WRAPPED = Symbol('threadorm.recordedMethod');

/** The custom method names of each prototype that went through `recordCustomMethods`. */
const customNames = new WeakMap<object, ReadonlySet<string>>();

/** Manager methods that are no chaining steps although they return querysets. */
const NEVER_STEPS = new Set(['constructor', 'getQueryset']);

/**
 * Wraps the methods `cls` and its parents define below `builtIn` (QuerySet.prototype, Manager.prototype) so
 * that they record themselves, and remembers their names. Overrides of built-in methods (`filter`) are left
 * alone: the built-in call inside them records itself. Idempotent.
 */
export function recordCustomMethods(cls: Function, builtIn: object): ReadonlySet<string> {
  const prototype = cls.prototype as object;
  const known = customNames.get(prototype);
  if (known) return known;
  const names = new Set<string>();
  for (let level = prototype; level && level !== builtIn && level !== Object.prototype; level = Object.getPrototypeOf(level)) {
    for (const name of Object.getOwnPropertyNames(level)) {
      // As Django, a method whose name starts with '_' is private to the class: no manager copy, no step.
      if (NEVER_STEPS.has(name) || name.startsWith('_') || name in builtIn || names.has(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(level, name)!;
      if (typeof descriptor.value !== 'function') continue;
      names.add(name);
      if (!(descriptor.value as { [WRAPPED]?: true })[WRAPPED]) {
        Object.defineProperty(level, name, { ...descriptor, value: recording(name, descriptor.value as (...args: unknown[]) => unknown) });
      }
    }
  }
  customNames.set(prototype, names);
  return names;
}

function recording(name: string, method: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  const wrapper = function (this: QuerySet<any, any>, ...args: unknown[]): unknown {
    const result = method.apply(this, args);
    // A queryset of another model (or `this` itself) starts from its own root: nothing to record here.
    if (!(result instanceof QuerySet) || result === this || result.model !== this.model) return result;
    return result.recordedAs(this, name, args);
  };
  Object.defineProperty(wrapper, 'name', { value: name });
  Object.defineProperty(wrapper, WRAPPED, { value: true });
  return wrapper;
}

/** The custom method names recorded for `target`'s class (empty for the built-in classes). */
export function customMethodNames(target: object): ReadonlySet<string> {
  return customNames.get(Object.getPrototypeOf(target) as object) ?? EMPTY;
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Whether a worker may replay `name` as a step on `target`: a method the target's own class (a user's
 * QuerySet or Manager subclass) defines, never one of Object's or the ORM's own.
 */
export function isCustomChainMethod(target: object, name: string): boolean {
  return customMethodNames(target).has(name);
}

/** The queryset class of a model's default manager (`objects`): related managers and their chains use it. */
export function defaultQuerysetClass(model: { readonly objects: object }): Function {
  return (model.objects.constructor as { querysetClass?: Function }).querysetClass ?? QuerySet;
}

const relatedPrototypes = new WeakMap<object, WeakMap<Function, object>>();

/**
 * Gives a related manager (`pizza.toppings`) the custom methods of its model's queryset class, as Django
 * builds related managers on the default manager's class: `pizza.toppings.vegetarian()`.
 */
export function withCustomMethods<M extends QuerySet<any, any, any>>(manager: M): M {
  const querysetClass = defaultQuerysetClass(manager.model);
  if (querysetClass === QuerySet) return manager;
  const names = customNames.get(querysetClass.prototype as object);
  if (!names?.size) return manager;
  const base = Object.getPrototypeOf(manager) as object;
  let byClass = relatedPrototypes.get(base);
  if (!byClass) relatedPrototypes.set(base, (byClass = new WeakMap()));
  let prototype = byClass.get(querysetClass);
  if (!prototype) {
    prototype = Object.create(base) as object;
    for (const name of names) {
      if (name in base) continue;
      Object.defineProperty(prototype, name, { value: (querysetClass.prototype as Record<string, unknown>)[name], configurable: true, writable: true });
    }
    customNames.set(prototype, names);
    byClass.set(querysetClass, prototype);
  }
  Object.setPrototypeOf(manager, prototype);
  return manager;
}
