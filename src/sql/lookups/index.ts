/** Lookups and transforms: the classes fields register (see models/fields), and the registry they go into. */
export { Lookup, isLookupClass, type LookupClass, type LookupContext } from './lookup';
export { classLookups, findLookup, findTransform, registerLookup, unregisterLookup, type Registered } from './registry';
export * from './builtin';
export * from './json';
export * from './transforms';
export { Transform, KeyTransform, type TransformClass } from '../expressions';
