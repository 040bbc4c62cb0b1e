/**
 * Compile-time checking of Django-style query keys. Nothing here exists at run time.
 *
 * A key such as `box__pizza__toppings__name__icontains` is checked by walking it one `__` segment at a time
 * over the model's `static fields` (which `FieldsOf` records on the instance type) and its declared reverse
 * accessors. Only the keys a call actually uses are walked, so the cost grows with the query, not with the
 * size of the schema, and a bad key turns into a string literal type that names it:
 * `Type 'string' is not assignable to type '"✗ unknown field 'nmae'"'`.
 *
 * Untyped models (no `FieldsOf` merge, or `Model` itself) accept any key, as before.
 */
import type { Model } from './base';
import type { InstanceOf, PkValue } from './types';
import type { Expression, QueryProvider } from '../sql/expressions';

// ------------------------------------------------------------------ reading a model's declaration

/** The field map `FieldsOf` records on instances. */
export type FieldMapOf<T> = T extends { readonly '~fields': infer F } ? F : never;

type IsAny<T> = 0 extends 1 & T ? true : false;

/** Models without a `FieldsOf` merge (and `Model` itself) are not checked. */
export type IsUnchecked<T> = IsAny<T> extends true ? true : [FieldMapOf<T>] extends [never] ? true : false;


/** The instance type a relation field points at. */
export type TargetOf<F> = F extends { readonly '~target': infer M } ? InstanceOf<M> : never;

/** The primary-key value type of an instance (as `FieldsOf` records it). */
export type PkOf<T> = T extends { readonly '~pk': infer P } ? P : PkValue;

/** An error marker: no value has this type, and the compiler prints the message where the key is. */
export type KeyError<Message extends string> = `✗ ${Message}`;

/** Stands for a related manager in type computations (see related-managers.ts), without importing it. */
export interface ManagerOf<T, QueryName extends string> {
  readonly '~model': T;
  readonly '~queryName': QueryName;
}

/** A model instance, told by one property only (a full structural check against Model costs far more). */
export interface ModelInstance {
  readonly _state: unknown;
}

type DefaultQueryName<Accessor extends string> = Accessor extends `${infer Base}Set` ? Base : Accessor;

/**
 * Reverse relations of `T`, by the name lookups use: declared reverse managers (`declare pizzaSet:
 * ReverseManyToOneManager<Pizza>` gives `pizza`; a second type argument overrides it) and reverse one-to-one
 * instances (`declare pizza: Pizza`).
 */
export type ReverseRelations<T> = {
  [K in keyof T as K extends keyof FieldMapOf<T> | keyof Model | `~${string}` | 'a'
    ? never
    : T[K] extends ManagerOf<any, infer Q>
      ? [Q] extends [never]
        ? DefaultQueryName<K & string>
        : Q
      : T[K] extends ModelInstance
        ? K
        : never]: T[K] extends ManagerOf<infer M, any> ? M : T[K];
};

/** Foreign keys' raw key attributes: `box` gives `boxId`. */
export type KeyAttributeNames<F> = {
  [K in keyof F]: IsRelation<F[K]> extends true ? (IsToMany<F[K]> extends true ? never : `${K & string}Id`) : never;
}[keyof F];

type IsToMany<F> = F extends { readonly manyToMany: true } ? true : false;

/** `'id'` when the model has the automatic key (no field is the primary key), else never. */
type AutoIdName<T> = 'id' extends keyof FieldMapOf<T> ? never : T extends { readonly id: any } ? 'id' : never;
type IsRelation<F> = F extends { readonly '~target': any } ? true : false;
type InternalType<F> = F extends { readonly internalType: infer I } ? I : string;

/** What a filter accepts for a field of value type `V` (inputs are more lenient than stored values). */
export type InputValue<F> =
  InternalType<F> extends 'DecimalField'
    ? string | number
    : InternalType<F> extends 'DateField'
      ? string | Date
      : InternalType<F> extends 'BigIntegerField' | 'BigAutoField'
        ? bigint | number
        : F extends { readonly '~value': infer V }
          ? V
          : unknown;

/** The value a stored field reads as, nullable when the field is. */
export type StoredValue<F> = F extends { readonly '~value': infer V; readonly '~null': infer N }
  ? N extends true
    ? V | null
    : V
  : unknown;

// ------------------------------------------------------------------ lookups

type PatternLookup = 'iexact' | 'contains' | 'icontains' | 'startswith' | 'istartswith' | 'endswith' | 'iendswith' | 'regex' | 'iregex';
type OrderingLookup = 'gt' | 'gte' | 'lt' | 'lte';

type DateTransform = 'year' | 'month' | 'day' | 'quarter' | 'week' | 'iso_year' | 'week_day' | 'iso_week_day';
type TimeTransform = 'hour' | 'minute' | 'second';
/** What a transform's value is compared with: a date, a time of day (`'HH:MM[:SS]'`), or a number (a part). */
type TransformValue<Transform> = Transform extends 'date' ? string | Date : Transform extends 'time' ? string : number;
type TransformsOf<F> =
  InternalType<F> extends 'DateTimeField'
    ? 'date' | 'time' | DateTransform | TimeTransform
    : InternalType<F> extends 'DateField'
      ? DateTransform
      : InternalType<F> extends 'TimeField'
        ? TimeTransform
        : never;

/**
 * Lookups an application registers (`Field.registerLookup(NotEqualLookup)`), by name, with the type of value
 * they take, so that filters using them type-check. Declared next to the registration:
 * `declare module 'threadorm' { interface RegisteredLookups { ne: unknown } }`.
 */
export interface RegisteredLookups {}

/** A value, or an expression computing one (`F('discount').add(1)`). */
export type OrExpression<V> = V | Expression;

/** The right-hand side of `field__<lookup>` for a scalar of input type `V`. */
type ScalarLookup<V, Lookup extends string, Name extends string, Transforms extends string = never> = Lookup extends '' | 'exact'
  ? OrExpression<V> | null
  : Lookup extends 'in'
    ? ReadonlyArray<OrExpression<V>> | QueryProvider
    : Lookup extends 'isnull'
      ? boolean
      : Lookup extends 'range'
        ? readonly [OrExpression<V>, OrExpression<V>]
        : Lookup extends OrderingLookup
          ? OrExpression<V>
          : Lookup extends PatternLookup
            ? V extends string
              ? OrExpression<string>
              : KeyError<`'${Lookup}' needs a text field; '${Name}' is not one`>
            : Lookup extends `${infer Transform extends Transforms}__${infer Rest}`
              ? ScalarLookup<TransformValue<Transform>, Rest, `${Name}__${Transform}`>
              : Lookup extends Transforms
                ? OrExpression<TransformValue<Lookup>>
                : Lookup extends keyof RegisteredLookups
                  ? RegisteredLookups[Lookup]
                  : KeyError<`'${Lookup}' is not a lookup of '${Name}'`>;

/** The right-hand side of a lookup through a relation to instances of `X`. */
/** Keys are any key value: a foreign key may point at a unique field other than the primary key (`toField`). */
type RelationLookup<X, Rest extends string, Name extends string> = Rest extends '' | 'exact'
  ? X | PkValue | null | Expression
  : Rest extends 'in'
    ? ReadonlyArray<X | PkValue> | QueryProvider
    : Rest extends 'isnull'
      ? boolean
      : Rest extends OrderingLookup
        ? PkValue | Expression
        : LookupValue<X, Rest, Name>;

type JsonLookup<Rest extends string> = Rest extends '' | 'exact' ? unknown : Rest extends 'isnull' ? boolean : Rest extends 'has_key' ? string : unknown;

type FieldLookup<F, Rest extends string, Name extends string> =
  IsRelation<F> extends true
    ? RelationLookup<TargetOf<F>, Rest, Name>
    : InternalType<F> extends 'JSONField'
      ? JsonLookup<Rest>
      : ScalarLookup<InputValue<F>, Rest, Name, TransformsOf<F>>;

type Joined<Walked extends string, Head extends string> = Walked extends '' ? Head : `${Walked}__${Head}`;

type Step<T, Head extends string, Rest extends string, Walked extends string, Annotations> = Head extends keyof Annotations
  ? ScalarLookup<Annotations[Head], Rest, Head>
  : Head extends 'pk' | AutoIdName<T>
    ? ScalarLookup<PkOf<T>, Rest, Joined<Walked, Head>>
    : Head extends keyof FieldMapOf<T>
      ? FieldLookup<FieldMapOf<T>[Head], Rest, Joined<Walked, Head>>
      : Head extends KeyAttributeNames<FieldMapOf<T>>
        ? ScalarLookup<number | string | bigint, Rest, Joined<Walked, Head>>
        : Head extends keyof ReverseRelations<T>
          ? RelationLookup<ReverseRelations<T>[Head], Rest, Joined<Walked, Head>>
          : KeyError<`unknown field '${Head}'${Walked extends '' ? '' : ` after '${Walked}'`}`>;

/**
 * The value type a lookup key takes on model `T` (or a `KeyError`): `LookupValue<Pizza, 'box__name__icontains'>`
 * is `string | Expression`.
 */
export type LookupValue<T, Key extends string, Walked extends string = '', Annotations = {}> = string extends Key
  ? unknown
  : Key extends 'pk' | `pk__${string}`
    ? ScalarLookup<PkValue, Key extends `pk__${infer Rest}` ? Rest : '', 'pk'>
    : IsUnchecked<T> extends true
      ? unknown
      : Key extends `${infer Head}__${infer Rest}`
        ? Step<T, Head, Rest, Walked, Annotations>
        : Step<T, Key, '', Walked, Annotations>;

/**
 * A checked lookups object for model `T`, given the object `L` the caller wrote: each key's value must have
 * the type its lookup takes. `Lookups<any>` (or a model without `FieldsOf`) takes any key: the escape hatch
 * for keys built at run time.
 */
export type CheckedLookups<T, L, Annotations = {}> = {
  [K in keyof L]: K extends string ? LookupValue<T, K, '', Annotations> : never;
};

// ------------------------------------------------------------------ field paths (orderBy, values, selectRelated ...)

type FieldPathStep<T, Head extends string, Rest extends string, Annotations> = Head extends keyof Annotations
  ? Rest extends ''
    ? Annotations[Head]
    : KeyError<`'${Head}' is an annotation; it has no '${Rest}'`>
  : Head extends 'pk' | AutoIdName<T>
    ? Rest extends ''
      ? PkOf<T>
      : KeyError<`'${Head}' has no '${Rest}'`>
    : Head extends keyof FieldMapOf<T>
      ? IsRelation<FieldMapOf<T>[Head]> extends true
        ? Rest extends ''
          ? RelationValue<FieldMapOf<T>[Head]>
          : NullableThrough<FieldMapOf<T>[Head], FieldPath<TargetOf<FieldMapOf<T>[Head]>, Rest>>
        : Rest extends ''
          ? StoredValue<FieldMapOf<T>[Head]>
          : InternalType<FieldMapOf<T>[Head]> extends 'JSONField'
            ? unknown
            : KeyError<`'${Head}' is not a relation; it has no '${Rest}'`>
      : Head extends KeyAttributeNames<FieldMapOf<T>>
        ? Rest extends ''
          ? T[Head & keyof T]
          : KeyError<`'${Head}' has no '${Rest}'`>
        : Head extends keyof ReverseRelations<T>
          ? Rest extends ''
            ? PkOf<ReverseRelations<T>[Head]> | null
            : FieldPath<ReverseRelations<T>[Head], Rest> extends infer V
              ? V extends KeyError<string>
                ? V
                : V | null
              : never
          : KeyError<`unknown field '${Head}'`>;

/** A relation read as a value (`values('box')`) is the raw key. */
type RelationValue<F> = IsToMany<F> extends true ? PkOf<TargetOf<F>> | null : F extends { readonly '~null': true } ? PkOf<TargetOf<F>> | null : PkOf<TargetOf<F>>;

/** A value read through a nullable or to-many relation may be null (an outer join). */
type NullableThrough<F, V> = V extends KeyError<string> ? V : IsToMany<F> extends true ? V | null : F extends { readonly '~null': true } ? V | null : V;

/** The value type of a field path (`'box__name'` on Pizza is `string | null`), or a `KeyError`. */
export type FieldPath<T, Path extends string, Annotations = {}> =
  IsUnchecked<T> extends true
    ? unknown
    : Path extends `${infer Head}__${infer Rest}`
      ? FieldPathStep<T, Head, Rest, Annotations>
      : FieldPathStep<T, Path, '', Annotations>;

/** `Name` itself when it is a valid path on `T`, else the error naming it. */
export type CheckedPath<T, Name extends string, Annotations = {}> = string extends Name
  ? Name
  : Name extends 'pk'
    ? Name
    : Name extends unknown
  ? FieldPath<T, Name, Annotations> extends infer V
    ? V extends KeyError<string>
      ? V
      : Name
    : never
  : never;

/** An orderBy name: a path, `-path` or `'?'`. */
export type CheckedOrdering<T, Name extends string, Annotations = {}> = string extends Name
  ? Name
  : Name extends '?' | 'pk' | '-pk'
  ? Name
  : Name extends `-${infer Path}`
    ? CheckedPath<T, Path, Annotations> extends Path
      ? Name
      : CheckedPath<T, Path, Annotations>
    : CheckedPath<T, Name, Annotations>;

/** Reverse relations by accessor name (`pizzaSet`), as prefetchRelated names them. */
type ReverseAccessors<T> = {
  [K in keyof T as K extends keyof FieldMapOf<T> | keyof Model | `~${string}` | 'a' ? never : T[K] extends ManagerOf<any, any> | ModelInstance ? K : never]: T[K] extends ManagerOf<
    infer M,
    any
  >
    ? M
    : T[K];
};

type ForwardRelationNames<T> = { [K in keyof FieldMapOf<T>]: IsRelation<FieldMapOf<T>[K]> extends true ? K : never }[keyof FieldMapOf<T>];

type Reverse<T, ByAccessor extends boolean> = ByAccessor extends true ? ReverseAccessors<T> : ReverseRelations<T>;

type RelationTarget<T, Name, ByAccessor extends boolean> = Name extends keyof FieldMapOf<T>
  ? TargetOf<FieldMapOf<T>[Name]>
  : Name extends keyof Reverse<T, ByAccessor>
    ? Reverse<T, ByAccessor>[Name]
    : never;

/**
 * `Path` when it is made only of relations, else the error naming the first bad segment. selectRelated names
 * reverse one-to-ones by query name; prefetchRelated names reverse relations by accessor (`pizzaSet`).
 */
export type CheckedRelationPath<T, Path extends string, ByAccessor extends boolean = false, Walked extends string = ''> =
  IsUnchecked<T> extends true
    ? Path
    : Path extends `${infer Head}__${infer Rest}`
      ? Head extends ForwardRelationNames<T> | keyof Reverse<T, ByAccessor>
        ? CheckedRelationPath<RelationTarget<T, Head, ByAccessor>, Rest, ByAccessor, `${Walked}${Head}__`> extends KeyError<infer Message>
          ? KeyError<Message>
          : Path
        : KeyError<`'${Walked}${Head}' is not a relation`>
      : Path extends ForwardRelationNames<T> | keyof Reverse<T, ByAccessor>
        ? Path
        : KeyError<`'${Walked}${Path}' is not a relation`>;

/** Names of a model's own fields (and raw key attributes), for only/defer/bulkUpdate/updateFields. */
export type FieldName<T> = IsUnchecked<T> extends true ? string : (keyof FieldMapOf<T> & string) | KeyAttributeNames<FieldMapOf<T>> | 'pk' | AutoIdName<T>;

/** Names of fields `bulkUpdate` and `update` can write (no many-to-many). */
export type ConcreteFieldName<T> = IsUnchecked<T> extends true
  ? string
  : { [K in keyof FieldMapOf<T>]: IsToMany<FieldMapOf<T>[K]> extends true ? never : K }[keyof FieldMapOf<T>] & string;

// ------------------------------------------------------------------ results

type Simplify<O> = { [K in keyof O]: O[K] } & {};

/** The row type of `values(...names)`. */
export type ValuesRow<T, Names extends string, Annotations = {}> = Simplify<{ [K in Names]: FieldPath<T, K, Annotations> }>;

/** The row type of `values()` with no names: every concrete field, keyed by attribute (`boxId`), plus annotations. */
export type AllValuesRow<T, Annotations = {}> =
  IsUnchecked<T> extends true
    ? Record<string, unknown>
    : Simplify<
        {
          [K in keyof FieldMapOf<T> as IsToMany<FieldMapOf<T>[K]> extends true
            ? never
            : IsRelation<FieldMapOf<T>[K]> extends true
              ? `${K & string}Id`
              : K]: IsRelation<FieldMapOf<T>[K]> extends true ? RelationValue<FieldMapOf<T>[K]> : StoredValue<FieldMapOf<T>[K]>;
        } & { [K in AutoIdName<T>]: PkOf<T> } & Annotations
      >;


/** The tuple of `valuesList(...names)`. */
export type ValuesTuple<T, Names extends readonly string[], Annotations = {}> = { -readonly [I in keyof Names]: FieldPath<T, Names[I], Annotations> };

/** The value an expression yields (Count: number, Sum over a decimal: string | null ...). */
export type ExpressionValue<T, E> = E extends { readonly '~aggregate': infer Kind; readonly '~source': infer Source }
  ? AggregateValue<Kind, Source extends string ? FieldPath<T, Source> : unknown>
  : E extends { readonly '~output': infer V }
    ? V
    : unknown;

type AggregateValue<Kind, Source> = Kind extends 'count'
  ? number
  : Kind extends 'avg'
    ? NonNullable<Source> extends string
      ? string | null
      : number | null
    : Kind extends 'sum'
      ? NonNullable<Source> extends string
        ? string | null
        : NonNullable<Source> extends bigint
          ? bigint | number | null
          : number | null
      : NonNullable<Source> | null;

/** Annotation values typed from their expressions. */
export type AnnotationValues<T, A> = { [K in keyof A]: ExpressionValue<T, A[K]> };

// ------------------------------------------------------------------ writes

/** What a field accepts in a constructor, `create` or `update`. */
type FieldInput<F> = IsRelation<F> extends true ? TargetOf<F> | null : OrExpression<InputValue<F>> | null;

/** What a model's constructor and `create()` accept: its field names (and raw keys, `pk`) with their value types. */
export type CreateValues<T> =
  IsUnchecked<T> extends true
    ? Record<string, any>
    : {
        [K in keyof FieldMapOf<T> as IsToMany<FieldMapOf<T>[K]> extends true ? never : K]?: FieldInput<FieldMapOf<T>[K]>;
      } & { [K in KeyAttributeNames<FieldMapOf<T>>]?: PkOf<TargetOfKey<T, K>> | null } & { pk?: PkOf<T> | null } & AutoIdInput<T>;

type TargetOfKey<T, K> = K extends `${infer Name}Id` ? (Name extends keyof FieldMapOf<T> ? TargetOf<FieldMapOf<T>[Name]> : never) : never;

type AutoIdInput<T> = 'id' extends keyof FieldMapOf<T> ? {} : T extends { id: infer V } ? { id?: V | null } : {};

/** What `update()` accepts: field names with values or expressions (`F('votes').add(1)`). */
export type UpdateValues<T> = CreateValues<T>;

/** `defaults` of getOrCreate / updateOrCreate: values, or functions called when they are needed. */
export type Defaults<T> = IsUnchecked<T> extends true ? Record<string, any> : { [K in keyof CreateValues<T>]?: CreateValues<T>[K] | (() => CreateValues<T>[K]) };

/**
 * Annotations or aggregates as written (`E`), with each aggregate's source path checked against `T`:
 * `Sum('amont')` becomes an error naming 'amont'. `'*'` and expression sources pass as they are.
 */
export type CheckedAggregates<T, E, A = {}> = {
  [K in keyof E]: E[K] extends { readonly '~aggregate': infer Kind extends string; readonly '~source': infer Source }
    ? Source extends string
      ? Source extends '*'
        ? E[K]
        : CheckedPath<T, Source, A> extends Source
          ? E[K]
          : { readonly '~aggregate': Kind; readonly '~source': CheckedPath<T, Source, A> }
      : E[K]
    : E[K];
};
