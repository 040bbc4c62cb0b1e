/** Port of Django's tests/null_queries/tests.py (NullQueriesTests). */
import { FieldError } from '../../../src';
import { Inner, OuterA, OuterB, Poll, PollChoice } from '../../semantics';
import { emptyTables } from './setup';
import { useSemanticsDatabase } from './semantics-setup';

useSemanticsDatabase();
beforeEach(() => emptyTables());
const ids = (rows: Iterable<{ pk: unknown }>) => [...rows].map((row) => row.pk);

describe('null_queries.tests.NullQueriesTests', () => {
  test('null_queries.tests.NullQueriesTests.test_none_as_null', () => {
    const poll = Poll.objects.create({ question: 'Why?' });
    const c1 = PollChoice.objects.create({ poll, choice: 'First' });
    const c2 = PollChoice.objects.create({ poll, choice: 'Second' });
    // exact with null is IS NULL, and every choice has a value.
    expect(PollChoice.objects.filter({ choice__exact: null }).eval()).toEqual([]);
    // The typed API refuses iexact: null on a non-null field; at run time it is IS NULL too, as in Django.
    expect(PollChoice.objects.filter({ choice__iexact: null } as never).eval()).toEqual([]);
    expect(ids(PollChoice.objects.exclude({ choice: null }).orderBy('id'))).toEqual([c1.pk, c2.pk]);
    expect(() => PollChoice.objects.filter({ foo__exact: null } as never)).toThrow(FieldError);
    expect(() => PollChoice.objects.filter({ foo__exact: null } as never)).toThrow(/cannot resolve 'foo'.*Choices are: choice, id, poll/);
    // null is refused by any lookup but exact and iexact.
    expect(() => PollChoice.objects.filter({ id__gt: null } as never)).toThrow(/null is only allowed with exact lookups/);
  });

  test('null_queries.tests.NullQueriesTests.test_unsaved', () => {
    const poll = new Poll({ question: 'How?' });
    expect(() => poll.choiceSet.all()).toThrow(/primary key/);
  });

  test('null_queries.tests.NullQueriesTests.test_reverse_relations', () => {
    const obj = OuterA.objects.create({});
    expect(ids(OuterA.objects.filter({ inner__third: null }))).toEqual([obj.pk]);
    expect(ids(OuterA.objects.filter({ inner__third__data: null }))).toEqual([obj.pk]);
    const inner = Inner.objects.create({ first: obj });
    expect(ids(Inner.objects.filter({ first__inner__third: null }))).toEqual([inner.pk]);
    // A reverse relation's isnull: false does not wrongly match everything or nothing.
    OuterB.objects.create({ data: 'reverse' });
    expect(OuterB.objects.filter({ inner__isnull: false }).eval()).toEqual([]);
    Inner.objects.create({ first: obj });
    expect(ids(OuterB.objects.exclude({ inner__isnull: false }))).toEqual([OuterB.objects.get().pk]);
  });
});
