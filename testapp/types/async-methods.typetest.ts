/**
 * Type tests for the async method table (src/models/async-methods.ts): compiled by `npm run typecheck`, never
 * run. The methods are installed from the table at run time and typed by the signature interfaces; these
 * checks keep the two in step, and show that the installed methods keep the checked lookups, orderings and
 * aggregates of the hand-written signatures they replaced (generic signatures survive the `a` renaming).
 */
import { Count, Sum, type DeleteResult } from 'threadorm';
import type {
  AsyncInstanceMethods,
  AsyncManagerMethods,
  AsyncMethodNameOn,
  AsyncQuerySetMethods,
  AsyncRelatedManagerMethods,
} from '../../src/models/async-methods';
import { Box, Pizza, Price, Question, Topping } from '../models';

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
declare function exact<Expected>(): <V>(value: V, ...proof: Equal<V, Expected> extends true ? [] : ['types differ', V]) => void;
declare function holds<Condition extends true>(): void;

/** Each signature interface declares exactly the table's methods for its kind of object. */
holds<Equal<keyof AsyncQuerySetMethods<any, any, any>, AsyncMethodNameOn<'queryset'>>>();
holds<Equal<keyof AsyncManagerMethods<any>, Exclude<AsyncMethodNameOn<'manager'>, AsyncMethodNameOn<'queryset'>>>>();
holds<Equal<keyof AsyncRelatedManagerMethods<any, any>, Exclude<AsyncMethodNameOn<'related'>, AsyncMethodNameOn<'queryset'>>>>();
holds<Equal<keyof AsyncInstanceMethods, AsyncMethodNameOn<'instance'>>>();

export async function twins(pizza: Pizza, box: Box, topping: Topping): Promise<void> {
  exact<number>()(await Pizza.objects.filter({ box: null }).acount({ timeoutMs: 100 }));
  exact<Pizza>()(await Pizza.objects.aget({ box__name: 'large' }, { timeoutMs: 100 }));
  exact<[Pizza, boolean]>()(await Pizza.objects.agetOrCreate({ name: 'x' }, { defaults: { box }, timeoutMs: 100 }));
  exact<{ name: string }[]>()(await Pizza.objects.values('name').aeval());
  exact<{ n: number; total: string | null }>()(await Price.objects.aaggregate({ n: Count(), total: Sum('amount') }));
  exact<Question>()(await Question.objects.alatest('pubDate'));
  exact<DeleteResult>()(await Pizza.objects.filter({ name: 'x' }).adelete());
  exact<void>()(await box.pizzaSet.aadd(pizza));
  exact<void>()(await pizza.toppings.aadd(topping, 3, { timeoutMs: 100 }));
  // @ts-expect-error unknown field in a twin's lookups
  await Pizza.objects.agetOrCreate({ nmae: 'x' });
  // @ts-expect-error unknown field in a twin's defaults
  await Pizza.objects.aupdateOrCreate({ name: 'x' }, { defaults: { nmae: 'y' } });
  // @ts-expect-error unknown field in a twin's ordering
  await Question.objects.alatest('pubDat');
  // @ts-expect-error an aggregate's source is checked in the twin too
  await Price.objects.aaggregate({ total: Sum('amont') });
  // @ts-expect-error bulkUpdate names concrete fields
  await Pizza.objects.abulkUpdate([pizza], ['toppings']);
  // @ts-expect-error a reverse foreign key manager takes instances, not keys
  await box.pizzaSet.aadd(3);
  // @ts-expect-error a Box is not a Topping
  await pizza.toppings.aadd(box);
  // @ts-expect-error Django has no twin of raw()
  Box.objects.araw('SELECT 1');
  // @ts-expect-error relation writes are on related managers only
  Pizza.objects.aadd(pizza);
}

export async function asyncApi(pizza: Pizza, box: Box): Promise<void> {
  exact<Box[]>()(await Box.aobjects.raw('SELECT * FROM "box"', [], { timeoutMs: 100 }));
  exact<Pizza | undefined>()(await Pizza.aobjects.filter({ name: 'x' }).at(0));
  exact<Map<any, Pizza>>()(await Pizza.aobjects.inBulk([1], { fieldName: 'id', timeoutMs: 100 }));
  exact<Topping>()(await pizza.a.toppings.create({ name: 'x' }, { throughDefaults: {}, timeoutMs: 100 }));
  exact<void>()(await box.a.pizzaSet.set([pizza], { clear: true }));
  exact<void>()(await pizza.asave({ updateFields: ['name'], timeoutMs: 100 }));
  exact<DeleteResult>()(await pizza.adelete());
  exact<void>()(await pizza.arefreshFromDb({ fields: ['name'] }));
  // @ts-expect-error raw() is on the manager, not on a chain
  Box.aobjects.filter({ name: 'x' }).raw('SELECT 1');
  // @ts-expect-error unknown field
  await Pizza.aobjects.inBulk([1], { fieldName: 'nmae' });
  // @ts-expect-error unknown field
  await Pizza.aobjects.earliest('nmae');
  // @ts-expect-error save options are checked
  await pizza.asave({ forceInsret: true });
  // @ts-expect-error a Box is not a Topping
  await pizza.a.toppings.remove(box);
}
