import type { Field } from './fields/base';
import type { Model } from './base';

/** Any concrete model class. */
export type ModelClass<T = Model> = (abstract new (...args: any[]) => T) & typeof Model;

/** A primary-key value. */
export type PkValue = number | string | bigint;

/** The fields of a model as declared in `static fields`. */
export type FieldMap = Record<string, Field<any, any>>;

/** The instance type of a class, read from `prototype` (not the constructor, whose parameters may still be unresolved). */
export type InstanceOf<M> = 0 extends 1 & M ? any : M extends { readonly prototype: infer I } ? I : never;
