/**
 * Type tests for checked queries (API.md section 11): compiled by `npm run typecheck`, never run. Each
 * `@ts-expect-error` marks a misuse that must not compile (an unused one fails the build); `exact` checks
 * that a result type is exactly the one stated, not merely assignable.
 */
import { AsyncMixin } from 'threadorm/mixins';
import { CharField, Count, F, Max, Model, Prefetch, Q, Sum, Avg, type Lookups } from 'threadorm';
import { Coupon, Item, Shelf } from '../inventory';
import { Box, Choice, Pizza, Price, Question, Topping } from '../models';
import { Article, Author, Band, Category, Membership, Musician, Person, Review } from '../relations';
import { Memo } from '../asyncmodels';

type IsAny<T> = 0 extends 1 & T ? true : false;
/** Identity, not mere assignability: `{ a: string }` and `{ a: string | null }` differ, and `any` equals nothing. */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
/** Compiles only when the value's type is exactly `Expected`. */
declare function exact<Expected>(): <V>(value: V, ...proof: Equal<V, Expected> extends true ? [] : ['types differ', V]) => void;

export function lookupKeys(box: Box, topping: Topping): void {
  // direct fields and every lookup of their type
  Pizza.objects.filter({ name: 'x', name__startswith: 'M', name__icontains: 'a', name__in: ['a', 'b'], name__isnull: false });
  Question.objects.filter({ pubDate__year: 2024, pubDate__month__gte: 3, pubDate__date: '2024-01-01', pubDate__range: [new Date(), new Date()] });
  Item.objects.filter({ quantity__gt: 3, quantity__range: [1, 5], price__lte: '9.99', releaseDate__year__in: [2020], opensAt__hour: 9 });
  Item.objects.filter({ quantity__gt: F('small').add(1) });
  // relations: an instance, a key, null; forward three deep and more; reverse by query name
  Pizza.objects.filter({ box, price: 3, box__in: [box, 4], toppings: topping });
  Pizza.objects.filter({ box: null, box__isnull: true, boxId: 2, boxId__in: [1, 2] });
  Pizza.objects.filter({ box__pizza__toppings__name__icontains: 'x', toppings__pizza__box__name: 'large', price__pizza__name: 'm' });
  Box.objects.filter({ pizza__toppings__pizza__price__amount__gt: '1.00' });
  Topping.objects.filter({ pizza__box__name: 'large' });
  Price.objects.filter({ pizza__name: 'x' });
  // self-references, through models, relatedName / relatedQueryName, reverse one-to-one
  Person.objects.filter({ mentor__mentor__name: 'x', mentees__friends__name__startswith: 'a', followers__following__name: 'b' });
  Category.objects.filter({ parent__parent__children__name: 'leaf' });
  Band.objects.filter({ members__membership__role: 'drums', membership__since__gte: 1990 });
  Musician.objects.filter({ bands__name: 'x' });
  Author.objects.filter({ article__title: 'Hello', reviews__stars__gte: 3, profile__bio__icontains: 'x' });
  Review.objects.filter({ author: 'ann-handle' });
  // JSON key paths go on as far as they like
  Item.objects.filter({ data__owner__name: 'x', data__tags__0: 'a', data__has_key: 'owner', data__isnull: true });
  // the pk alias, Q trees, several arguments
  Pizza.objects.filter({ pk: 1, pk__in: [1, 2] }).exclude(Q({ name: 'a' }).or(Q({ name: 'b' })).and(Q({ box: null }).not()));
  Pizza.objects.filter(Q({ name: 'a' }), { box__name: 'large' });
  Pizza.objects.get({ id: 1 });
  Pizza.objects.getOrCreate({ name: 'x' }, { defaults: { box } });
  Pizza.objects.updateOrCreate({ name: 'x' }, { defaults: { name: () => 'y' } });
  // a queryset (sync or async) as the right-hand side of __in
  Pizza.objects.filter({ box__in: Box.objects.filter({ name: 'x' }), name__in: Pizza.aobjects.values('name') });

  // @ts-expect-error unknown field
  Pizza.objects.filter({ nmae: 'x' });
  // @ts-expect-error unknown lookup
  Pizza.objects.filter({ name__startwith: 'x' });
  // @ts-expect-error a name is a string
  Pizza.objects.filter({ name: 123 });
  // @ts-expect-error unknown field three relations deep
  Pizza.objects.filter({ box__pizza__toppings__nmae: 'x' });
  // @ts-expect-error the accessor is not the reverse query name
  Box.objects.filter({ pizzaSet__name: 'x' });
  // @ts-expect-error relatedQueryName replaces the default
  Author.objects.filter({ articles__title: 'x' });
  // @ts-expect-error __in takes an array
  Pizza.objects.filter({ name__in: 'x' });
  // @ts-expect-error __isnull takes a boolean
  Pizza.objects.filter({ box__isnull: 'yes' });
  // @ts-expect-error __year takes a number
  Question.objects.filter({ pubDate__year: '2024' });
  // @ts-expect-error __range takes a pair
  Item.objects.filter({ quantity__range: [1] });
  // @ts-expect-error text lookups need a text field
  Item.objects.filter({ quantity__icontains: 'x' });
  // @ts-expect-error no transform on a number
  Item.objects.filter({ quantity__year: 2020 });
  // @ts-expect-error a Topping is not a Box
  Pizza.objects.filter({ box: topping });
  // @ts-expect-error a Q is checked where it is used
  Pizza.objects.filter(Q({ nmae: 'x' }));
  // @ts-expect-error the second argument is checked too
  Pizza.objects.filter({ name: 'x' }, { nmae: 'y' });
  // @ts-expect-error get() checks its lookups
  Pizza.objects.get({ nmae: 'x' });
  // @ts-expect-error getOrCreate() checks its lookups
  Pizza.objects.getOrCreate({ nmae: 'x' });
  // @ts-expect-error defaults are field values
  Pizza.objects.getOrCreate({ name: 'x' }, { defaults: { nmae: 'y' } });
}

export function escapeHatch(field: string, ids: number[]): void {
  // keys built at run time: an object typed `Lookups` (or with a `string` index) is not checked
  Pizza.objects.filter({ [`${field}__in`]: ids } as Lookups);
  const lookups: Record<string, unknown> = { [field]: 1 };
  Pizza.objects.filter(lookups).orderBy(field as string).values(field as string);
}

export function names(): void {
  Pizza.objects.orderBy('-name', 'box__name', '?', 'pk', '-id', F('name').desc());
  Pizza.objects.values('name', 'box__name', 'boxId', 'toppings__name');
  Pizza.objects.only('name', 'box').defer('price');
  Pizza.objects.selectRelated('box', 'price');
  Price.objects.selectRelated('pizza__box');
  Pizza.objects.prefetchRelated('toppings', 'box__pizzaSet', Prefetch('toppings', { queryset: Topping.objects.filter({ vegetarian: true }) }));
  Author.objects.prefetchRelated('articles__tags', 'reviews');
  Pizza.objects.annotate({ n: Count('toppings') }).filter({ n__gt: 1 }).orderBy('-n').values('name', 'n');

  // @ts-expect-error unknown field
  Pizza.objects.orderBy('nmae');
  // @ts-expect-error unknown field after '-'
  Pizza.objects.orderBy('-nmae');
  // @ts-expect-error unknown field
  Pizza.objects.values('nmae');
  // @ts-expect-error unknown field after a relation
  Pizza.objects.values('box__nmae');
  // @ts-expect-error unknown field
  Pizza.objects.valuesList('name', 'nmae');
  // @ts-expect-error unknown field
  Pizza.objects.only('nmae');
  // @ts-expect-error unknown field
  Pizza.objects.defer('nmae');
  // @ts-expect-error not a relation
  Pizza.objects.selectRelated('bxo');
  // @ts-expect-error not a relation
  Pizza.objects.selectRelated('name');
  // @ts-expect-error not a relation
  Pizza.objects.prefetchRelated('toppingz');
  // @ts-expect-error not a relation two levels down
  Pizza.objects.prefetchRelated('box__pizzas');
  Question.objects.latest('pubDate');
  Coupon.objects.inBulk(['A'], { fieldName: 'code' });
  // @ts-expect-error unknown field
  Question.objects.latest('pubDat');
  // @ts-expect-error unknown field
  Coupon.objects.inBulk(['A'], { fieldName: 'cod' });
  // @ts-expect-error an aggregate's source is checked where it is used
  Price.objects.aggregate({ total: Sum('amont') });
  // @ts-expect-error reverse relations are named by query name in paths
  Box.objects.annotate({ n: Count('pizzaSet') });
  Box.objects.annotate({ n: Count('pizza') });
  // @ts-expect-error an annotation has no fields
  Pizza.objects.annotate({ n: Count('toppings') }).values('n__x');
}

export async function results(): Promise<void> {
  exact<{ name: string; box__name: string | null }[]>()(Pizza.objects.values('name', 'box__name').eval());
  exact<{ name: string; toppings__name: string | null; boxId: number | null }[]>()(Pizza.objects.values('name', 'toppings__name', 'boxId').eval());
  exact<{ id: number; name: string; boxId: number | null; priceId: number }[]>()(Pizza.objects.values().eval());
  exact<[string, number][]>()(Pizza.objects.valuesList('name', 'id').eval());
  exact<string[]>()(Pizza.objects.valuesList('name', { flat: true }).eval());
  exact<number[]>()(Pizza.objects.valuesList({ flat: true }).eval());
  exact<{ name: string; box__name: string | null }[]>()(Pizza.objects.valuesList('name', 'box__name', { named: true }).eval());
  exact<number>()(Pizza.objects.annotate({ n: Count('toppings') }).get({ n: 1 }).n);
  const counted = Pizza.objects.annotate({ n: Count('toppings') }).values('name', 'n').eval();
  exact<{ name: string; n: number }[]>()(counted);
  exact<{ total: string | null; top: string | null; mean: string | null; n: number }>()(
    Price.objects.aggregate({ total: Sum('amount'), top: Max('amount'), mean: Avg('amount'), n: Count() }),
  );
  exact<{ votes: number | null; average: number | null }>()(Choice.objects.aggregate({ votes: Sum('votes'), average: Avg('votes') }));
  exact<{ total: string | null }>()(await Price.aobjects.aggregate({ total: Sum('amount') }));
  exact<{ name: string }[]>()(await Pizza.aobjects.values('name'));
  exact<string[]>()(await Pizza.aobjects.valuesList('name', { flat: true }));
  // keys typed by the real primary key
  exact<number | null>()(new Pizza().boxId);
  exact<number>()(new Shelf().number);
  exact<string>()(new Coupon().code);
  exact<number>()(new Item().id);
  exact<{ code: string; percent: number }[]>()(Coupon.objects.values().eval());
  // @ts-expect-error Coupon's key is `code`: there is no automatic id
  void new Coupon().id;
  // @ts-expect-error Shelf's key is `number`
  void new Shelf().id;
}

export async function writes(box: Box, topping: Topping, pizza: Pizza, person: Person): Promise<void> {
  new Pizza({ name: 'x', box, price: new Price({ amount: '1.00' }) });
  new Pizza({ name: 'x', boxId: 3, priceId: 1 });
  Pizza.objects.create({ name: 'x', box: null });
  await Pizza.aobjects.create({ name: 'x' });
  Choice.objects.filter({ votes__lt: 0 }).update({ votes: F('votes').add(1) });
  Pizza.objects.bulkUpdate([pizza], ['name', 'box']);
  new Person({ name: 'p', mentor: person });
  new Memo({ text: 'x', priority: 1 });
  pizza.toppings.add(topping, 2, { throughDefaults: {} });
  box.pizzaSet.add(pizza);
  await pizza.a.toppings.add(topping, 3);
  await box.a.pizzaSet.set([pizza]);
  Membership.objects.create({ band: new Band({ name: 'b' }), musician: new Musician({ name: 'm' }), role: 'x' });

  // @ts-expect-error unknown constructor key
  new Pizza({ nmae: 'x' });
  // @ts-expect-error a name is a string
  new Pizza({ name: 5 });
  // @ts-expect-error a Topping is not a Box
  new Pizza({ box: topping });
  // @ts-expect-error many-to-many values are set through the manager
  new Pizza({ toppings: [topping] });
  // @ts-expect-error unknown field
  Pizza.objects.create({ nmae: 'x' });
  // @ts-expect-error unknown field
  await Pizza.aobjects.create({ nmae: 'x' });
  // @ts-expect-error votes is a number
  Choice.objects.update({ votes: 'many' });
  // @ts-expect-error unknown field
  Pizza.objects.bulkUpdate([pizza], ['nmae']);
  // @ts-expect-error many-to-many fields cannot be bulk-updated
  Pizza.objects.bulkUpdate([pizza], ['toppings']);
  // @ts-expect-error a Box is not a Topping
  pizza.toppings.add(box);
  // @ts-expect-error a reverse foreign key manager takes instances, not keys
  box.pizzaSet.add(3);
  // @ts-expect-error a Topping is not a Pizza
  box.pizzaSet.add(topping);
  // @ts-expect-error the async manager checks the model too
  await pizza.a.toppings.add(box);
  // @ts-expect-error unknown field
  new Memo({ txt: 'x' });
}

export async function asyncSide(pizza: Pizza, box: Box): Promise<void> {
  exact<Pizza[]>()(await Pizza.aobjects.filter({ box__name__icontains: 'large' }).orderBy('-name'));
  exact<Pizza>()(await Pizza.aobjects.get({ name: 'x' }, { timeoutMs: 100 }));
  exact<Pizza | null>()(await Pizza.objects.filter({ name: 'x' }).afirst());
  exact<Pizza>()(await Pizza.objects.aget({ box__name: 'x' }));
  exact<Box | null>()(await pizza.a.box);
  exact<Pizza[]>()(await box.a.pizzaSet.filter({ toppings__name: 'x' }));
  exact<Memo>()(await Memo.objects.get({ text: 'x' }));
  // @ts-expect-error unknown field
  Pizza.aobjects.filter({ nmae: 'x' });
  // @ts-expect-error unknown field
  Pizza.aobjects.orderBy('nmae');
  // @ts-expect-error unknown field
  await Pizza.aobjects.get({ nmae: 'x' });
  // @ts-expect-error unknown field
  await Pizza.objects.aget({ nmae: 'x' });
  // @ts-expect-error unknown field through a related manager
  box.a.pizzaSet.filter({ nmae: 'x' });
  // @ts-expect-error unknown relation
  Pizza.aobjects.selectRelated('bxo');
}

/** A model that does not name itself in its heritage is typed loosely, as before: nothing is checked. */
class Loose extends AsyncMixin(Model) {
  static fields = { name: new CharField() };
}

export async function untyped(): Promise<void> {
  const loose = Loose.objects.filter({ anything__goes: 1 }).orderBy('whatever').get();
  const isAny: IsAny<typeof loose> = true;
  void isAny;
  new Loose({ anything: 1 });
  // AsyncMixin applied to an existing typed class keeps its types
  const AsyncMemo = AsyncMixin(Memo);
  exact<Memo>()(await AsyncMemo.aobjects.get({ text: 'x' }));
  // @ts-expect-error still checked
  await AsyncMemo.aobjects.get({ txt: 'x' });
}
