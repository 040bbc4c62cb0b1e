/** Units of work for the syncToAsync / asyncToSync tests; workers import this module on demand. */
import { threadId } from 'node:worker_threads';
import { asyncToSync, atomic, syncToAsync } from '../../../src';
import { Box, Pizza, Price } from '../../models';

/** Moves a pizza into another box and renames it, in one transaction: one thread hop. */
export const moveAndRename = syncToAsync((pizza: Pizza, box: Box, name: string) =>
  atomic(() => {
    pizza.box = box;
    pizza.name = name;
    pizza.save();
    return { pizza, threadId, boxes: Box.objects.count() };
  }),
);

/** Fails half-way: the transaction must leave nothing behind. */
export const createThenFail = syncToAsync((name: string) =>
  atomic(() => {
    Box.objects.create({ name });
    throw new Error(`no ${name} today`);
  }),
);

export const countBoxes = syncToAsync(() => Box.objects.count(), { readOnly: true });

export const priceOf = syncToAsync((pizza: Pizza): Price => pizza.price);

/** Async code called from sync code. */
export const slowDouble = asyncToSync(async (value: number) => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return value * 2;
});

export const boxNamesViaAsync = asyncToSync(async () => (await Box.aobjects.orderBy('name').valuesList('name', { flat: true })) as string[]);

export const failAsync = asyncToSync(async (message: string) => {
  throw new TypeError(message);
});
