import type { Field } from './fields/base';
import type { ForeignKey, ManyToManyField } from './fields/related';
import type { FieldMap, InstanceOf, ModelClass } from './types';
import type { ModelMeta } from './options';
import type { ManyRelatedManager } from './related-managers';
import type { Manager } from './manager';
import type { Model } from './base';
import type { CreateValues, PkOf } from './typed';


/** The value an instance exposes for a field declaration. */
export type FieldValue<F> =
  F extends ManyToManyField<infer M>
    ? ManyRelatedManager<InstanceOf<M> & import('./base').Model>
    : F extends ForeignKey<infer M, infer N>
      ? N extends true
        ? InstanceOf<M> | null
        : InstanceOf<M>
      : F extends Field<infer T, infer N>
        ? N extends true
          ? T | null
          : T
        : never;

/** The field declared with `primaryKey: true` (or an AutoField), if any. */
type PrimaryKeyName<F> = { [K in keyof F]: F[K] extends { readonly '~primaryKey': true } ? K : never }[keyof F];

/** The primary-key value type: the declared key's, else the automatic `id`'s. */
export type PrimaryKeyValue<F> = [PrimaryKeyName<F>] extends [never] ? number : F[PrimaryKeyName<F>] extends Field<infer T, any, any> ? T : never;

/** The raw key attributes of foreign keys: `box` gives `boxId`, typed as the target's primary key. */
type KeyAttributes<F> = {
  [K in keyof F as F[K] extends ForeignKey<any, any> ? `${K & string}Id` : never]: F[K] extends ForeignKey<infer M, infer N>
    ? N extends true
      ? PkOf<InstanceOf<M>> | null
      : PkOf<InstanceOf<M>>
    : never;
};

/** The automatic `id`, unless a field is the primary key. */
type AutoPk<F> = [PrimaryKeyName<F>] extends [never] ? { id: number } : {};

/** What query types read from an instance type: its field map and its key type (phantoms, never set). */
export interface ModelTypeInfo<F> {
  readonly '~fields': F;
  readonly '~pk': PrimaryKeyValue<F>;
}

/**
 * Relation fields declared with `'self'` pointing at `Self` (the model being declared), or at any model when
 * `FieldsOf` is not told which model that is.
 */
type ResolveSelf<F, Self> = {
  [K in keyof F]: F[K] extends { readonly '~target': 'self' } ? F[K] & { readonly '~target': { readonly prototype: [Self] extends [never] ? Model : Self } } : F[K];
};

/**
 * Instance attributes typed from `static fields`, for a declaration merge:
 * `export interface Pizza extends FieldsOf<typeof Pizza.fields> {}`. A model whose relations say `'self'`
 * names itself as the second argument: `interface Person extends FieldsOf<typeof Person.fields, Person> {}`.
 */
export type FieldsOf<F extends Record<string, Field<any, any>>, Self = never> = ResolvedFieldsOf<ResolveSelf<F, Self>>;

type ResolvedFieldsOf<F> = {
  -readonly [K in keyof F as F[K] extends ManyToManyField<any> ? never : K]: FieldValue<F[K]>;
} & {
  readonly [K in keyof F as F[K] extends ManyToManyField<any> ? K : never]: FieldValue<F[K]>;
} & KeyAttributes<F> &
  AutoPk<F> &
  ModelTypeInfo<F>;

export type { ModelClass };

/**
 * The static side of a model class typed for its instances `Self`: `objects` is a `Manager<Self>` and the
 * constructor takes `Self`'s field values. TypeScript has no `this` type for static members, so a class
 * names itself once, in its heritage: `class Memo extends Model.typed<Memo>()`, or for async models
 * `class Pizza extends AsyncMixin<Pizza>(Model)`. `Extra` is what a mixin adds to instances, `Replaced` the
 * statics it types anew for `Self` (a child of a typed model would otherwise keep its parent's).
 */
export type TypedModelClass<Self, Base extends abstract new (...args: any[]) => any, Extra = {}, Replaced extends PropertyKey = never> = Omit<
  Base,
  'objects' | 'prototype' | 'fields' | 'meta' | Replaced
> & {
  // A subclass (multi-table inheritance, a proxy, a child of an abstract base) declares fields and meta of its own.
  fields: FieldMap;
  meta?: ModelMeta;
  readonly objects: Manager<Self>;
  readonly prototype: InheritedInstance<InstanceType<Base>> & Extra;
  new (values?: CreateValues<Self>): InheritedInstance<InstanceType<Base>> & Extra;
};

/**
 * A typed model's instance as the base of a child (multi-table or proxy): without its phantom field map and
 * key type, which the child's own `FieldsOf` declares (a declaration merge needs them identical).
 */
type InheritedInstance<I> = '~fields' extends keyof I ? Omit<I, '~fields' | '~pk'> : I;
