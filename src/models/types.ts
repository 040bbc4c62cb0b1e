import type { Field } from './fields/base';
import type { Model } from './base';

/** Any concrete model class. */
export type ModelClass<T extends Model = Model> = (abstract new (...args: any[]) => T) & typeof Model;

/** A primary-key value. */
export type PkValue = number | string | bigint;

/** The fields of a model as declared in `static fields`. */
export type FieldMap = Record<string, Field<any, any>>;
