/** Units of work for the async multiple-database tests (module level, so pool workers can import them). */
import { atomic, syncToAsync } from '../../../src';
import { Person } from './models';

/** Copies every person of `from` to `to` in one transaction there; returns how many `to` then holds. */
export const copyPeople = syncToAsync(function copyPeople(from: string, to: string): number {
  return atomic(() => {
    const people = Person.objects.using(from).eval();
    Person.objects.using(to).bulkCreate(people.map((person) => new Person({ name: person.name })));
    return Person.objects.using(to).count();
  }, { using: to });
});

/** The database a plain read in a unit goes to: the routers decide there as on the main thread. */
export const routedRead = syncToAsync(function routedRead(): string {
  return Person.objects.all().db;
}, { readOnly: true });
