/**
 * Type tests: compiled by `npm run typecheck` (part of `npm test`), never run. Each `@ts-expect-error`
 * marks a misuse that must not compile; an unused one fails the build.
 */
import { F, Q, type QuerySet } from '../../src';
import type { AsyncQuerySet } from '../../mixins';
import { Box, Choice, Pizza, Price, Question, Topping } from '../models';

declare function expectType<T>(value: T): void;

export function instanceFields(pizza: Pizza, question: Question, price: Price): void {
  expectType<string>(pizza.name);
  expectType<number>(pizza.id);
  expectType<Box | null>(pizza.box);
  expectType<number | null>(pizza.boxId);
  expectType<Price>(pizza.price);
  expectType<Date>(question.pubDate);
  expectType<string>(price.amount);
  expectType<string>(price.currency);
  // @ts-expect-error name is a string
  pizza.name = 42;
  // @ts-expect-error no such field
  void pizza.colour;
  // @ts-expect-error a nullable FK may be null
  expectType<Box>(pizza.box);
  // @ts-expect-error many-to-many managers cannot be assigned
  pizza.toppings = [];
}

export function managers(): void {
  expectType<QuerySet<Pizza, Pizza>>(Pizza.objects.filter({ name__startswith: 'M' }));
  expectType<Pizza>(Pizza.objects.get({ id: 1 }));
  expectType<Pizza[]>(Pizza.objects.filter(Q({ name: 'a' }).or(Q({ name: 'b' }))).eval());
  expectType<Pizza | null>(Pizza.objects.first());
  expectType<number>(Pizza.objects.count());
  expectType<[Pizza, boolean]>(Pizza.objects.getOrCreate({ name: 'x' }));
  expectType<Map<any, Pizza>>(Pizza.objects.inBulk([1, 2]));
  expectType<{ name: string }[]>(Pizza.objects.values('name').eval());
  expectType<[string, number][]>(Pizza.objects.valuesList('name', 'id').eval());
  expectType<string[]>(Pizza.objects.valuesList('name', { flat: true }).eval());
  expectType<Choice>(Choice.objects.create({ choiceText: 'yes', votes: 0 }));
  expectType<number>(Choice.objects.update({ votes: F('votes').add(1) }));
  // @ts-expect-error votes is a number
  Choice.objects.create({ votes: 'many' });
  // @ts-expect-error get() yields a Pizza, not a Box
  expectType<Box>(Pizza.objects.get({ id: 1 }));
  // @ts-expect-error count() is a number
  expectType<string>(Topping.objects.count());
}

export async function asyncManagers(pizza: Pizza, box: Box, price: Price): Promise<void> {
  expectType<AsyncQuerySet<Pizza, Pizza>>(Pizza.aobjects.filter({ name: 'x' }).orderBy('-name'));
  expectType<Pizza[]>(await Pizza.aobjects.filter({ name__startswith: 'M' }).eval());
  expectType<Pizza[]>(await Pizza.aobjects.filter({ name: 'x' }));
  expectType<Pizza>(await Pizza.aobjects.get({ id: 1 }));
  expectType<Pizza | undefined>(await Pizza.aobjects.all().slice(0, 5).at(0));
  expectType<number>(await Pizza.objects.filter({ box: null }).acount());
  for await (const each of Pizza.aobjects.filter({ box__name: 'large' })) expectType<Pizza>(each);
  expectType<Box | null>(await pizza.a.box);
  expectType<Pizza>(await price.a.pizza);
  expectType<Pizza[]>(await box.a.pizzaSet.filter({ name: 'x' }).eval());
  expectType<Topping[]>(await pizza.a.toppings.all());
  await pizza.asave({ updateFields: ['name'] });
  await pizza.arefreshFromDb();
  expectType<[number, Record<string, number>]>(await pizza.adelete());
  // @ts-expect-error evaluation is asynchronous
  expectType<Pizza[]>(Pizza.aobjects.filter({ name: 'x' }).eval());
  // @ts-expect-error name is not a relation
  void pizza.a.name;
}
