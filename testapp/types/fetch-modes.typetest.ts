/**
 * Type tests for fetch modes and aiterator(): compiled by `npm run typecheck`, never run. Each
 * `@ts-expect-error` marks a misuse that must not compile (an unused one fails the build).
 */
import { FETCH_ONE, FETCH_PEERS, RAISE, FieldFetchBlocked, FieldError, type FetchMode } from 'threadorm';
import { Box, Pizza } from '../models';

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
declare function exact<Expected>(): <V>(value: V, ...proof: Equal<V, Expected> extends true ? [] : ['types differ', V]) => void;

export async function fetchModes(box: Box): Promise<void> {
  // the three modes, on managers, chains, related managers and the async API; the chain keeps its types
  exact<Pizza[]>()(Pizza.objects.fetchMode(FETCH_PEERS).eval());
  exact<Array<{ name: string }>>()(Pizza.objects.values('name').fetchMode(RAISE).eval());
  exact<Pizza[]>()(box.pizzaSet.fetchMode(FETCH_ONE).eval());
  exact<Pizza[]>()(await Pizza.aobjects.filter({ name: 'x' }).fetchMode(FETCH_PEERS).eval());
  exact<Pizza[]>()(await box.a.pizzaSet.fetchMode(RAISE));
  const mode: FetchMode = FETCH_PEERS;
  Pizza.objects.fetchMode(mode);

  // @ts-expect-error a mode is one of the exported constants, not its name
  Pizza.objects.fetchMode('FETCH_PEERS');
  // @ts-expect-error nor a look-alike object
  Pizza.aobjects.fetchMode({ name: 'FETCH_PEERS', trackPeers: true });
  // @ts-expect-error fetchMode() needs a mode
  Pizza.objects.fetchMode();
  // @ts-expect-error one mode at a time
  Pizza.objects.fetchMode(FETCH_PEERS, RAISE);

  const blocked: FieldError = new FieldFetchBlocked('Fetching of Pizza.box blocked.');
  void blocked;
}

export async function aiterators(box: Box): Promise<void> {
  exact<AsyncIterable<Pizza>>()(Pizza.aobjects.aiterator());
  exact<AsyncIterable<Pizza>>()(Pizza.objects.filter({ name: 'x' }).aiterator({ chunkSize: 10 }));
  exact<AsyncIterable<string>>()(Pizza.aobjects.valuesList('name', { flat: true }).aiterator({ chunkSize: 10, signal: AbortSignal.timeout(10) }));
  exact<AsyncIterable<Pizza>>()(box.a.pizzaSet.aiterator());
  for await (const pizza of Pizza.objects.aiterator()) exact<Pizza>()(pizza);
  // @ts-expect-error chunkSize is a number
  Pizza.aobjects.aiterator({ chunkSize: '10' });
  // @ts-expect-error the sync aiterator() is no sync iterable
  for (const pizza of Pizza.objects.aiterator()) void pizza;
}
