/**
 * Type tests of inherited models (compiled by `npm run typecheck`, never run): a multi-table child's
 * `FieldsOf` includes its parents' fields, so they type-check in instances, lookups, values and writes, and
 * a wrong name on a child is an error. Each `@ts-expect-error` marks a misuse that must not compile.
 */
import type { AsyncQuerySet } from '../../mixins';
import type { QuerySet } from '../../src';
import { Child, ItalianRestaurant, MyPerson, Place, Restaurant, Worker } from '../tests/django/inheritance-models';

declare function expectType<T>(value: T): void;

export function childInstances(restaurant: Restaurant, italian: ItalianRestaurant, child: Child, worker: Worker): void {
  expectType<string>(restaurant.name);
  expectType<string>(restaurant.address);
  expectType<boolean>(restaurant.servesHotDogs);
  expectType<number | null>(restaurant.rating);
  expectType<string>(italian.name);
  expectType<boolean>(italian.servesGnocchi);
  expectType<string>(child.firstName);
  expectType<string>(child.toy);
  expectType<string>(worker.name);
  expectType<number>(worker.age);
  // A child is its parent: it can stand where a parent is expected.
  expectType<Place>(restaurant);
  // @ts-expect-error no such field on the child or its parent
  void restaurant.colour;
  // @ts-expect-error a parent's field keeps its type on the child
  restaurant.name = 42;
  // @ts-expect-error the parent has no field of its child
  void ({} as Place).servesHotDogs;
}

export function childQueries(): void {
  expectType<QuerySet<Restaurant, Restaurant>>(Restaurant.objects.filter({ name__startswith: 'D', servesPizza: true }));
  expectType<{ name: string; rating: number | null }[]>(ItalianRestaurant.objects.values('name', 'rating').eval());
  expectType<AsyncQuerySet<Child, Child>>(Child.aobjects.filter({ lastName: 'Lee', toy: 'kite' }));
  Restaurant.objects.orderBy('-address', 'rating');
  new Restaurant({ name: 'Demon Dogs', address: 'x', servesHotDogs: true });
  // @ts-expect-error a wrong field name on a child, in a lookup
  Restaurant.objects.filter({ nmae: 'x' });
  // @ts-expect-error a wrong field name on a grandchild, in values()
  ItalianRestaurant.objects.values('adress');
  // @ts-expect-error a wrong field name on a child, in its constructor
  new Restaurant({ servesHotdogs: true });
  // @ts-expect-error a parent's field keeps its value type in a child's lookups
  Child.objects.filter({ firstName: 1 });
}

export function proxies(person: MyPerson): void {
  expectType<boolean>(person.hasSpecialName());
  expectType<string>(person.name);
  expectType<MyPerson>(MyPerson.objects.get({ name: 'x' }));
  // @ts-expect-error a proxy has its concrete model's fields only
  MyPerson.objects.filter({ status: 'x' });
}
