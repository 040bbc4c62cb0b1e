import { Transform, type TransformClass } from '../expressions';
import { isLookupClass, type LookupClass } from './lookup';

/**
 * Lookups and transforms registered on classes (Django's RegisterLookupMixin): `Field.registerLookup(...)`
 * puts a class under its `lookupName` on one owner class (a field class, or a transform such as KeyTransform);
 * an owner sees what it registered and what its base classes did, the nearest registration winning.
 */
export type Registered = LookupClass | TransformClass;

type Owner = Function;

const own = new WeakMap<Owner, Map<string, Registered>>();
/** The merged view along the class chain, dropped whenever a registration changes. */
let merged = new WeakMap<Owner, ReadonlyMap<string, Registered>>();

function check(owner: Owner, registered: Registered, name: string): void {
  if (!isLookupClass(registered) && !(typeof registered === 'function' && registered.prototype instanceof Transform)) {
    throw new TypeError(`${owner.name}.registerLookup() takes a Lookup or Transform class; got ${String(registered)}.`);
  }
  if (typeof name !== 'string' || !name || name.includes('__')) {
    throw new TypeError(`${owner.name}.registerLookup(${registered.name}): the lookup name must be a non-empty string without '__' (got ${JSON.stringify(name)}).`);
  }
}

export function registerLookup(owner: Owner, registered: Registered, name: string = registered.lookupName): void {
  check(owner, registered, name);
  let lookups = own.get(owner);
  if (!lookups) own.set(owner, (lookups = new Map()));
  lookups.set(name, registered);
  merged = new WeakMap();
}

/** Removes a registration made on `owner` itself (tests add lookups and take them away again). */
export function unregisterLookup(owner: Owner, registered: Registered, name: string = registered.lookupName): void {
  const lookups = own.get(owner);
  if (lookups?.get(name) !== registered) {
    throw new TypeError(`${owner.name}.unregisterLookup(${registered.name}): '${name}' is not registered on ${owner.name} itself.`);
  }
  lookups.delete(name);
  merged = new WeakMap();
}

/** Every lookup and transform `owner` sees, by name. */
export function classLookups(owner: Owner): ReadonlyMap<string, Registered> {
  let found = merged.get(owner);
  if (!found) {
    const chain: Owner[] = [];
    for (let cls: Owner | null = owner; cls && cls !== Function.prototype; cls = Object.getPrototypeOf(cls) as Owner | null) chain.push(cls);
    const all = new Map<string, Registered>();
    for (const cls of chain.reverse()) for (const [name, registered] of own.get(cls) ?? []) all.set(name, registered);
    merged.set(owner, (found = all));
  }
  return found;
}

export function findLookup(owner: Owner, name: string): LookupClass | undefined {
  const found = classLookups(owner).get(name);
  return found && isLookupClass(found) ? found : undefined;
}

export function findTransform(owner: Owner, name: string): TransformClass | undefined {
  const found = classLookups(owner).get(name);
  return found && !isLookupClass(found) ? found : undefined;
}
