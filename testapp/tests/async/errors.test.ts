/**
 * Errors cross the thread boundary: the async API rejects with the same classes (per-model ones
 * included) and the same messages as the sync API throws.
 */
import {
  FieldError,
  IntegrityError,
  MultipleObjectsReturned,
  ObjectDoesNotExist,
  ProtectedError,
  Sum,
  ThreadormError,
  ValidationError,
  close,
  configure,
  createSchema,
} from '../../../src';
import { Bottle, Checked, Crate } from '../../asyncmodels';
import { Box, Pizza, Price, Question, Topping } from '../../models';
import { MODELS, norm, rejection, resetAndSeed, sameCallName, thrown } from './helpers';
import { boxWithPizza, priceOf } from './units';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(60_000);

beforeAll(() => {
  configure({ database: testDatabase(), models: MODELS, workers: 2 });
  createSchema();
  resetAndSeed();
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

/** The error of a call that may throw at once (chaining) or reject later (evaluation). */
async function errorOf(fn: () => unknown): Promise<Error> {
  return rejection(async () => fn());
}

function expectSameError(asyncError: Error, syncError: Error): void {
  expect(asyncError.constructor).toBe(syncError.constructor);
  expect(sameCallName(asyncError.message)).toBe(syncError.message);
  expect(asyncError.name).toBe(syncError.name);
}

describe('per-model DoesNotExist', () => {
  test('aobjects.get() rejects with Pizza.DoesNotExist, an ObjectDoesNotExist', async () => {
    const error = await rejection(Pizza.aobjects.get({ name: 'Calzone' }));
    expect(error).toBeInstanceOf(Pizza.DoesNotExist);
    expect(error).toBeInstanceOf(ObjectDoesNotExist);
    expect(error).toBeInstanceOf(ThreadormError);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(Box.DoesNotExist);
    expect(error).not.toBeInstanceOf(MultipleObjectsReturned);
    expect(error.message).toContain('Pizza');
    expectSameError(error, thrown(() => Pizza.objects.get({ name: 'Calzone' })));
  });

  test('the error says it came from a pool worker and keeps the worker stack', async () => {
    const error = await rejection(Box.aobjects.get({ name: 'nope' }));
    expect(error).toBeInstanceOf(Box.DoesNotExist);
    expect(error.stack).toContain('in a pool worker');
  });

  test('from the twins, latest() on nothing, a related manager and arefreshFromDb()', async () => {
    expect(await rejection(Pizza.objects.filter({ name: 'Calzone' }).aget())).toBeInstanceOf(Pizza.DoesNotExist);
    expectSameError(await rejection(Question.aobjects.none().latest()), thrown(() => Question.objects.none().latest()));
    const box = Box.objects.get({ name: 'small' });
    expectSameError(await rejection(box.a.pizzaSet.get({ name: 'Hawaii' })), thrown(() => box.pizzaSet.get({ name: 'Hawaii' })));
    const gone = Topping.objects.create({ name: 'gone' });
    Topping.objects.filter({ pk: gone.pk }).delete();
    const refreshError = await rejection(gone.arefreshFromDb());
    expect(refreshError).toBeInstanceOf(Topping.DoesNotExist);
    expectSameError(refreshError, thrown(() => gone.refreshFromDb()));
  });

  test('await price.a.pizza rejects with Pizza.DoesNotExist when the price has no pizza', async () => {
    const lonely = Price.objects.get({ amount: '15.00' });
    const error = await rejection(lonely.a.pizza);
    expect(error).toBeInstanceOf(Pizza.DoesNotExist);
    expect(error).toBeInstanceOf(ObjectDoesNotExist);
    expectSameError(error, thrown(() => Price.objects.get({ amount: '15.00' }).pizza));
  });

  test('raised inside a syncToAsync unit of work', async () => {
    expect(await priceOf('Hawaii')).toBe('10.25');
    const error = await rejection(priceOf('Calzone'));
    expect(error).toBeInstanceOf(Pizza.DoesNotExist);
    expectSameError(error, thrown(() => Pizza.objects.get({ name: 'Calzone' })));
  });

  test('a failing unit of work rolls back its atomic block', async () => {
    const result = await boxWithPizza('unit box', 'Unit pizza', '3.00');
    expect(result.box).toBeInstanceOf(Box);
    expect(result.pizza).toBeInstanceOf(Pizza);
    expect(result.pizza.pk).toEqual(expect.any(Number));
    const boxes = await Box.aobjects.count();
    const error = await rejection(boxWithPizza('doomed box', 'x'.repeat(80), '3.00'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(await Box.aobjects.count()).toBe(boxes);
    expect(await Box.aobjects.filter({ name: 'doomed box' }).exists()).toBe(false);
  });
});

describe('MultipleObjectsReturned', () => {
  test('aget() with several matches', async () => {
    const error = await rejection(Pizza.aobjects.get({ name__contains: 'a' }));
    expect(error).toBeInstanceOf(Pizza.MultipleObjectsReturned);
    expect(error).toBeInstanceOf(MultipleObjectsReturned);
    expect(error).not.toBeInstanceOf(ObjectDoesNotExist);
    expect(error).not.toBeInstanceOf(Box.MultipleObjectsReturned);
    expectSameError(error, thrown(() => Pizza.objects.get({ name__contains: 'a' })));
  });

  test('getOrCreate() with several matches', async () => {
    const error = await rejection(Box.aobjects.getOrCreate({ name__contains: 'l' }));
    expect(error).toBeInstanceOf(Box.MultipleObjectsReturned);
    expectSameError(error, thrown(() => Box.objects.getOrCreate({ name__contains: 'l' })));
  });
});

describe('FieldError', () => {
  test('an unknown field is a FieldError naming it, at chaining or at evaluation', async () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    const error = await errorOf(() => Pizza.aobjects.filter({ colour: 'red' }).count());
    expect(error).toBeInstanceOf(FieldError);
    expect(error.message).toContain('colour');
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expectSameError(error, thrown(() => Pizza.objects.filter({ colour: 'red' })));
  });

  test('an unknown lookup and an unknown ordering', async () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expectSameError(await errorOf(() => Pizza.aobjects.filter({ name__sounds: 'x' }).eval()), thrown(() => Pizza.objects.filter({ name__sounds: 'x' })));
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expectSameError(await errorOf(() => Pizza.aobjects.orderBy('colour').eval()), thrown(() => Pizza.objects.orderBy('colour').eval()));
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expectSameError(await errorOf(() => Pizza.aobjects.values('colour').eval()), thrown(() => Pizza.objects.values('colour').eval()));
  });

  test('raised in the worker by evaluation arguments', async () => {
    // @ts-expect-error misuse on purpose: the run-time check is under test
    const syncError = thrown(() => Pizza.objects.aggregate({ total: Sum('colour') }));
    expect(syncError).toBeInstanceOf(FieldError);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expectSameError(await rejection(Pizza.aobjects.aggregate({ total: Sum('colour') })), syncError);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    const updateError = thrown(() => Pizza.objects.update({ colour: 'red' }));
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expectSameError(await rejection(Pizza.aobjects.update({ colour: 'red' })), updateError);
  });
});

describe('IntegrityError', () => {
  test('a unique constraint through acreate() and asave()', async () => {
    const syncError = thrown(() => Topping.objects.create({ name: 'ham' }));
    expect(syncError).toBeInstanceOf(IntegrityError);
    const error = await rejection(Topping.aobjects.create({ name: 'ham' }));
    expect(error).toBeInstanceOf(IntegrityError);
    expectSameError(error, syncError);
    const duplicate = new Topping({ name: 'ham' });
    expectSameError(await rejection(duplicate.asave()), syncError);
    expect(duplicate.pk).toBeNull();
    expect(duplicate._state.adding).toBe(true);
  });

  test('a foreign key that points nowhere', async () => {
    const syncError = thrown(() => Pizza.objects.create({ name: 'Ghost', priceId: 9999 }));
    expect(syncError).toBeInstanceOf(IntegrityError);
    expectSameError(await rejection(Pizza.aobjects.create({ name: 'Ghost', priceId: 9999 })), syncError);
    expect(await Pizza.aobjects.filter({ name: 'Ghost' }).exists()).toBe(false);
  });
});

describe('ValidationError', () => {
  test('per-field errors survive the trip (.errors, .messageDict)', async () => {
    const syncError = thrown(() => Checked.objects.create({ code: 'too long', qty: -1 })) as ValidationError;
    expect(syncError).toBeInstanceOf(ValidationError);
    const error = (await rejection(Checked.aobjects.create({ code: 'too long', qty: -1 }))) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expectSameError(error, syncError);
    expect(error.errors).toEqual(syncError.errors);
    expect(Object.keys(error.errors).sort()).toEqual(['code', 'qty']);
    expect(error.errors.qty).toEqual(['qty must not be negative.']);
    expect(error.messageDict).toEqual(syncError.errors);
    expect(await Checked.aobjects.count()).toBe(0);
  });

  test('from asave() of an instance, which stays unsaved', async () => {
    const checked = new Checked({ code: 'ok', qty: -5 });
    const error = (await rejection(checked.asave())) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.errors).toEqual({ qty: ['qty must not be negative.'] });
    expect(checked.pk).toBeNull();
    checked.qty = 5;
    await checked.asave();
    expect(checked.pk).toEqual(expect.any(Number));
  });

  test('a value the column cannot hold (maxLength) is checked on every write', async () => {
    const syncError = thrown(() => Box.objects.create({ name: 'x'.repeat(60) })) as ValidationError;
    const error = (await rejection(Box.aobjects.create({ name: 'x'.repeat(60) }))) as ValidationError;
    expectSameError(error, syncError);
    expect(error.errors).toEqual(syncError.errors);
    expect(error.errors.name).toBeDefined();
  });
});

describe('ProtectedError', () => {
  test('adelete() and aobjects.delete() of a protected row', async () => {
    const crate = await Crate.aobjects.create({ label: 'reds' });
    await Bottle.aobjects.create({ wine: 'Barolo', crate });
    await crate.a.bottleSet.create({ wine: 'Chianti' });
    const syncError = thrown(() => Crate.objects.get({ pk: crate.pk }).delete()) as ProtectedError;
    expect(syncError).toBeInstanceOf(ProtectedError);
    const error = (await rejection(crate.adelete())) as ProtectedError;
    expect(error).toBeInstanceOf(ProtectedError);
    expect(error).toBeInstanceOf(IntegrityError);
    expectSameError(error, syncError);
    expect(norm(error.protectedObjects)).toEqual(norm(syncError.protectedObjects));
    expect(error.protectedObjects).toHaveLength(2);
    expectSameError(await rejection(Crate.aobjects.filter({ label: 'reds' }).delete()), thrown(() => Crate.objects.filter({ label: 'reds' }).delete()));
    // nothing was deleted, and the instance keeps its key
    expect(crate.pk).not.toBeNull();
    expect(await Crate.aobjects.count()).toBe(1);
    expect(await Bottle.aobjects.count()).toBe(2);
  });
});

describe('ordinary errors', () => {
  test('TypeError from the core keeps its class and message', async () => {
    const syncError = thrown(() => Pizza.objects.create({ colour: 'red' } as never));
    expect(syncError).toBeInstanceOf(TypeError);
    expectSameError(await rejection(Pizza.aobjects.create({ colour: 'red' } as never)), syncError);
    const box = Box.objects.get({ name: 'small' });
    const m2m = Pizza.objects.get({ name: 'Margherita' });
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expectSameError(await rejection(m2m.a.toppings.add(box as never)), thrown(() => m2m.toppings.add(box)));
  });
});
