/**
 * Type tests for custom managers and querysets (testapp/custom-managers.ts): compiled by `npm run typecheck`,
 * never run. `aobjects` is typed from the model's manager and queryset classes.
 */
import { Person, Book } from '../custom-managers';

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
declare function exact<Expected>(): <V>(value: V, ...proof: Equal<V, Expected> extends true ? [] : ['types differ', V]) => void;

export async function customManagerTypes(person: Person): Promise<void> {
  // Sync: the queryset class's methods and the manager's own.
  exact<Person[]>()(Person.objects.funPeople().eval());
  exact<Person[]>()(Person.objects.getFunPeople().eval());
  exact<number>()(Person.objects.countFun());
  Person.customQuerysetManager.byFirstName('Bugs');
  exact<Person[]>()(Person.objects.byLastName('Bunny').funPeople().eval());
  // @ts-expect-error after a built-in call the sync chain is typed as a plain queryset
  Person.objects.byLastName('Bunny').filter({ firstName: 'Bugs' }).funPeople();
  // @ts-expect-error a manager-only method is not on the queryset-made manager
  Person.customQuerysetManager.getFunPeople();
  // @ts-expect-error private methods are not copied to managers
  Person.objects._privateMethod();

  // Async: custom methods that chain keep chaining, and keep the custom methods after built-in steps.
  exact<Person[]>()(await Person.aobjects.funPeople().eval());
  exact<number>()(await Person.aobjects.filter({ lastName: 'Bunny' }).funPeople().byFirstName('Bugs').count());
  exact<string[]>()(await Person.aobjects.funPeople().valuesList('firstName', { flat: true }));
  exact<Promise<number>>()(Person.aobjects.acountFun());
  // @ts-expect-error a custom method that returns no queryset is not on aobjects
  Person.aobjects.countFun();
  // @ts-expect-error a method the queryset class does not have
  Person.aobjects.funPeople().boringPeople();
  // @ts-expect-error custom methods still check their arguments
  Person.aobjects.byFirstName(3);
  // @ts-expect-error lookups are still checked after a custom step
  Person.aobjects.funPeople().filter({ firstNme: 'x' });
  // dbManager() keeps the custom methods, as on the sync side.
  exact<Person[]>()(await Person.aobjects.dbManager('other').funPeople().byFirstName('Bugs').eval());
  exact<Promise<number>>()(Person.aobjects.dbManager('other').acountFun());
  // @ts-expect-error a custom method that returns no queryset is not on aobjects.dbManager() either
  Person.aobjects.dbManager('other').countFun();

  // Related managers: the related model's queryset class.
  exact<Book[]>()(person.books.published().eval());
  exact<number>()(await person.a.books.published().count());
  // @ts-expect-error Book's queryset has no funPeople()
  person.a.books.funPeople();
  exact<number>()(await Book.aobjects.published().count());
}
