import { defineGroup } from '../../lib/group';
import { seedPizzeria } from '../../lib/pizzeria';
import { createDatabase, withRaw } from '../../lib/session';
import { GROUP, type AsyncContext } from './context';
import { bulk } from './bulk';
import { eventLoop } from './event-loop';
import { fetch } from './fetch';
import { lookups } from './lookups';
import { scaling } from './scaling';
import { startup } from './startup';
import { streaming } from './streaming';

/** Group 3: the async layer (Model.aobjects over the worker pool). Each case configures the pool it needs. */
export const asyncLayer = defineGroup<AsyncContext>({
  name: GROUP,
  title: 'Async layer: Model.aobjects through the worker pool',
  async within(body) {
    const database = await createDatabase(GROUP, seedPizzeria);
    await withRaw(database, (raw) => body({ database, raw }));
  },
  cases: [lookups, fetch, bulk, eventLoop, scaling, streaming, startup],
});
