/**
 * Type tests for several databases: compiled by `npm run typecheck`, never run. dbManager() keeps the
 * manager's model, using options are checked, and routers are typed by the router protocol.
 */
import { aatomic, atomic, configure, ReadReplicaRouter, type DatabaseRouter, type Manager, type QuerySet } from 'threadorm';
import type { AsyncManager } from '../../src/async/queryset';
import { Box, Pizza } from '../models';

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
declare function exact<Expected>(): <V>(value: V, ...proof: Equal<V, Expected> extends true ? [] : ['types differ', V]) => void;

export async function databases(pizza: Pizza): Promise<void> {
  exact<Manager<Pizza>>()(Pizza.objects.dbManager('other'));
  exact<QuerySet<Pizza, Pizza, {}>>()(Pizza.objects.using('other').filter({ name: 'x' }));
  exact<AsyncManager<Pizza>>()(Pizza.aobjects.dbManager('other'));
  exact<string>()(Pizza.objects.all().db);
  exact<string | null>()(pizza._state.db);
  pizza.save({ using: 'other' });
  pizza.delete({ using: 'other' });
  await pizza.asave({ using: 'other', timeoutMs: 100 });
  await pizza.adelete({ using: 'other' });
  exact<number>()(atomic(() => 1, { using: 'other' }));
  exact<number>()(await aatomic(async () => 1, { using: 'other' }));
  // @ts-expect-error an alias is a string
  Pizza.objects.using(1);
  // @ts-expect-error save() takes no unknown options
  pizza.save({ usnig: 'other' });
  // @ts-expect-error the Box manager does not hand out pizzas
  exact<Manager<Pizza>>()(Box.objects.dbManager('other'));
}

const router: DatabaseRouter = {
  dbForRead: (model, hints) => (model._meta.label === 'testapp.Pizza' ? 'replica' : hints.instance?._state.db ?? undefined),
  allowMigrate: (alias) => alias === 'default',
};

// @ts-expect-error a router method answers an alias, not a number
const wrong: DatabaseRouter = { dbForWrite: () => 1 };

export function configuration(): void {
  configure({ databases: { default: 'app.sqlite3', replica: 'replica.sqlite3' }, routers: [new ReadReplicaRouter({ replicas: ['replica'] }), router, wrong] });
  // @ts-expect-error replicas are aliases
  new ReadReplicaRouter({ replicas: [1] });
}
