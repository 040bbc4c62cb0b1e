import type { Field } from './fields/base';
import type { ForeignKey, ManyToManyField } from './fields/related';
import type { ModelClass } from './types';
import type { ManyRelatedManager } from '../query/related-managers';

type InstanceOf<M> = M extends abstract new (...args: any[]) => infer I ? I : never;

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

/** The raw key attributes of foreign keys: `box` gives `boxId`. */
type KeyAttributes<F> = {
  [K in keyof F as F[K] extends ForeignKey<any, any> ? `${K & string}Id` : never]: F[K] extends ForeignKey<any, infer N>
    ? N extends true
      ? number | string | null
      : number | string
    : never;
};

type AutoPk<F> = 'id' extends keyof F ? {} : { id: number };

/**
 * Instance attributes typed from `static fields`, for a declaration merge:
 * `export interface Pizza extends FieldsOf<typeof Pizza.fields> {}`.
 */
export type FieldsOf<F extends Record<string, Field<any, any>>> = {
  -readonly [K in keyof F as F[K] extends ManyToManyField<any> ? never : K]: FieldValue<F[K]>;
} & {
  readonly [K in keyof F as F[K] extends ManyToManyField<any> ? K : never]: FieldValue<F[K]>;
} & KeyAttributes<F> &
  AutoPk<F>;

export type { ModelClass };
