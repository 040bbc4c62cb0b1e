/**
 * Instance-level async API: asave / adelete / arefreshFromDb, `obj.a.<relation>`, the async related
 * managers, the Django-style twins on sync querysets and related managers, and AsyncMixin applied to a
 * model class that already exists.
 */
import { captureQueries, close, configure, createSchema, Model } from '../../../src';
import { AsyncManager, AsyncMixin, AsyncRelatedManager } from '../../../mixins';
import { Article, Memo } from '../../asyncmodels';
import { Box, Choice, Pizza, Price, Question, Topping } from '../../models';
import { MODELS, rejection, resetAndSeed, sleep } from './helpers';
import { dropTestDatabase, testDatabase } from '../test-database';

jest.setTimeout(60_000);

beforeAll(() => {
  configure({ database: testDatabase(), models: MODELS, workers: 2 });
  createSchema();
});

afterAll(async () => {
  await close();
  dropTestDatabase();
});

beforeEach(() => resetAndSeed());

const names = (items: Array<{ name: string }>) => items.map((item) => item.name).sort();

describe('asave()', () => {
  test('a new instance gets its pk, defaults, autoNow stamps and what save() changed', async () => {
    const before = Date.now();
    const article = new Article({ title: 'Hello Async World' });
    expect(article.pk).toBeNull();
    await article.asave();
    expect(article.pk).toEqual(expect.any(Number));
    expect(article._state.adding).toBe(false);
    expect(article.status).toBe('draft');
    expect(article.rank).toBe(7);
    expect(article.slug).toBe('hello-async-world'); // set by the save() override, in the worker
    expect(article.saves).toBe(1);
    expect(article.created).toBeInstanceOf(Date);
    expect(article.updated).toBeInstanceOf(Date);
    expect(article.created.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(article.created.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    // and it is what the database holds
    const stored = Article.objects.get({ pk: article.pk });
    expect(stored.toJSON()).toEqual(article.toJSON());
  });

  test('an update restamps autoNow, keeps autoNowAdd and the pk', async () => {
    const article = await Article.aobjects.create({ title: 'First' });
    const { pk, created, updated } = article;
    expect(article.saves).toBe(1);
    await sleep(15);
    article.title = 'Second Title';
    await article.asave();
    expect(article.pk).toBe(pk);
    expect(article.created.getTime()).toBe(created.getTime());
    expect(article.updated.getTime()).toBeGreaterThan(updated.getTime());
    expect(article.slug).toBe('second-title');
    expect(article.saves).toBe(2);
    expect(await Article.aobjects.count()).toBe(1);
    expect(Article.objects.get({ pk }).toJSON()).toEqual(article.toJSON());
  });

  test('updateFields writes only those fields', async () => {
    const article = await Article.aobjects.create({ title: 'Kept' });
    article.title = 'Not written';
    article.rank = 99;
    await article.asave({ updateFields: ['rank'] });
    const stored = Article.objects.get({ pk: article.pk });
    expect(stored.rank).toBe(99);
    expect(stored.title).toBe('Kept');
  });

  test('a forward FK assigned as an instance is saved by key; the instance keeps its relation cache', async () => {
    const box = await Box.aobjects.create({ name: 'async box' });
    const price = new Price({ amount: '4.20' });
    await price.asave();
    expect(price.currency).toBe('usd');
    const pizza = new Pizza({ name: 'Async', box, price });
    await pizza.asave();
    expect(pizza.boxId).toBe(box.pk);
    expect(pizza.priceId).toBe(price.pk);
    expect(await pizza.a.box).toBe(box);
    const queries = await captureQueries(async () => {
      expect(await pizza.a.price).toBe(price);
    });
    expect(queries).toHaveLength(0);
  });

  test('the instance object stays the same one (asave merges into it)', async () => {
    const topping = new Topping({ name: 'basil' });
    const same = topping;
    await topping.asave();
    expect(topping).toBe(same);
    expect(topping).toBeInstanceOf(Topping);
    expect(topping.vegetarian).toBe(true);
  });
});

describe('adelete() and arefreshFromDb()', () => {
  test('adelete() returns the counts (with cascades) and clears the pk', async () => {
    const price = Price.objects.get({ amount: '9.00' });
    const result = await price.adelete();
    expect(result).toEqual([4, { Price: 1, Pizza: 1, Pizza_toppings: 2 }]);
    expect(price.pk).toBeNull();
    expect(await Pizza.aobjects.filter({ name: 'Funghi' }).exists()).toBe(false);
    // it can be saved again as a new row
    await price.asave();
    expect(price.pk).toEqual(expect.any(Number));
  });

  test('arefreshFromDb() reads what others wrote; { fields } limits it', async () => {
    const pizza = await Pizza.aobjects.get({ name: 'Hawaii' });
    Pizza.objects.filter({ pk: pizza.pk }).update({ name: 'Hawaiian', box: null });
    expect(pizza.name).toBe('Hawaii');
    await pizza.arefreshFromDb({ fields: ['name'] });
    expect(pizza.name).toBe('Hawaiian');
    expect(pizza.boxId).not.toBeNull();
    await pizza.arefreshFromDb();
    expect(pizza.boxId).toBeNull();
    expect(await pizza.a.box).toBeNull();
  });
});

describe('obj.a.<relation>', () => {
  test('forward FK: await pizza.a.box, null when unset, cached afterwards', async () => {
    const pizza = await Pizza.aobjects.get({ name: 'Funghi' });
    const box = await pizza.a.box;
    expect(box).toBeInstanceOf(Box);
    expect(box!.name).toBe('large');
    const again = await captureQueries(async () => {
      expect(await pizza.a.box).toBe(box);
    });
    expect(again).toHaveLength(0);
    expect(pizza.box).toBe(box); // the sync accessor reads the same cache
    const marinara = await Pizza.aobjects.get({ name: 'Marinara' });
    expect(await marinara.a.box).toBeNull();
  });

  test('forward one-to-one and selectRelated caches', async () => {
    const pizza = await Pizza.aobjects.selectRelated('price').get({ name: 'Diavola' });
    const queries = await captureQueries(async () => {
      expect((await pizza.a.price).amount).toBe('12.00');
    });
    expect(queries).toHaveLength(0);
  });

  test('reverse one-to-one: await price.a.pizza; missing rejects with Pizza.DoesNotExist', async () => {
    const price = await Price.aobjects.get({ amount: '10.25' });
    const pizza = await price.a.pizza;
    expect(pizza).toBeInstanceOf(Pizza);
    expect(pizza.name).toBe('Hawaii');
    const lonely = await Price.aobjects.get({ amount: '15.00' });
    await expect(lonely.a.pizza).rejects.toBeInstanceOf(Pizza.DoesNotExist);
  });

  test('reverse FK manager: an async related manager with the relation writes', async () => {
    const large = await Box.aobjects.get({ name: 'large' });
    const manager = large.a.pizzaSet;
    expect(manager).toBeInstanceOf(AsyncRelatedManager);
    expect(names(await manager)).toEqual(['Funghi', 'Hawaii']);
    expect(await manager.count()).toBe(2);
    expect(await manager.filter({ name: 'Hawaii' }).exists()).toBe(true);

    const margherita = await Pizza.aobjects.get({ name: 'Margherita' });
    await manager.add(margherita);
    expect(margherita.boxId).toBe(large.pk);
    expect(names(await large.a.pizzaSet.all())).toEqual(['Funghi', 'Hawaii', 'Margherita']);

    await manager.remove(margherita);
    expect(margherita.boxId).toBeNull();
    expect(await manager.count()).toBe(2);

    const price = await Price.aobjects.get({ amount: '15.00' });
    const created = await manager.create({ name: 'Calzone', price });
    expect(created).toBeInstanceOf(Pizza);
    expect(created.boxId).toBe(large.pk);
    expect(created.pk).toEqual(expect.any(Number));

    const [found, wasCreated] = await manager.getOrCreate({ name: 'Calzone' });
    expect(wasCreated).toBe(false);
    expect(found.pk).toBe(created.pk);
    const [updated, updateCreated] = await manager.updateOrCreate({ name: 'Calzone' }, { defaults: { name: 'Calzone Grande' } });
    expect(updateCreated).toBe(false);
    expect(updated.name).toBe('Calzone Grande');

    const funghi = await Pizza.aobjects.get({ name: 'Funghi' });
    await manager.set([funghi, margherita]);
    expect(names(await manager)).toEqual(['Funghi', 'Margherita']);
    await manager.clear();
    expect(await manager.count()).toBe(0);
    expect(await Pizza.aobjects.filter({ box: null }).count()).toBe(5); // Marinara, Hawaii, Calzone Grande (set), Funghi, Margherita (clear)
  });

  test('reverse FK of a non-nullable key: create / getOrCreate / updateOrCreate', async () => {
    const question = await Question.aobjects.get({ questionText: 'Best pizza?' });
    const choices = question.a.choiceSet;
    const choice = await choices.create({ choiceText: 'Funghi' });
    expect(choice.questionId).toBe(question.pk);
    expect(choice.votes).toBe(0);
    const [again, created] = await choices.getOrCreate({ choiceText: 'Funghi' }, { defaults: { votes: 9 } });
    expect([again.pk, created]).toEqual([choice.pk, false]);
    const [fresh, freshCreated] = await choices.getOrCreate({ choiceText: 'Calzone' }, { defaults: { votes: 9 } });
    expect([fresh.votes, freshCreated]).toEqual([9, true]);
    const [bumped, bumpedCreated] = await choices.updateOrCreate({ choiceText: 'Hawaii' }, { defaults: { votes: 50 } });
    expect([bumped.votes, bumpedCreated]).toEqual([50, false]);
    expect(await choices.count()).toBe(5);
    expect(await Choice.aobjects.filter({ question: question.pk, votes: 50 }).count()).toBe(1);
  });

  test('M2M manager (forward and reverse): add / remove / clear / set / create / getOrCreate / updateOrCreate', async () => {
    const margherita = await Pizza.aobjects.get({ name: 'Margherita' });
    const toppings = margherita.a.toppings;
    expect(toppings).toBeInstanceOf(AsyncRelatedManager);
    expect(names(await toppings)).toEqual(['cheese']);

    const [ham, olive] = await Promise.all([Topping.aobjects.get({ name: 'ham' }), Topping.aobjects.get({ name: 'olive' })]);
    await toppings.add(ham, olive.pk);
    expect(names(await toppings)).toEqual(['cheese', 'ham', 'olive']);
    await toppings.remove(olive);
    expect(names(await toppings)).toEqual(['cheese', 'ham']);

    const basil = await toppings.create({ name: 'basil' });
    expect(basil).toBeInstanceOf(Topping);
    expect(basil.pk).toEqual(expect.any(Number));
    expect(names(await toppings)).toEqual(['basil', 'cheese', 'ham']);

    const [rocket, rocketCreated] = await toppings.getOrCreate({ name: 'rocket' }, { defaults: { vegetarian: true } });
    expect(rocketCreated).toBe(true);
    const [sameHam, hamCreated] = await toppings.getOrCreate({ name: 'ham' });
    expect([sameHam.pk, hamCreated]).toEqual([ham.pk, false]);
    const [veggieHam, updatedCreated] = await toppings.updateOrCreate({ name: 'ham' }, { defaults: { vegetarian: true } });
    expect([veggieHam.vegetarian, updatedCreated]).toEqual([true, false]);
    expect((await Topping.aobjects.get({ name: 'ham' })).vegetarian).toBe(true);

    await toppings.set([rocket, basil]);
    expect(names(await toppings)).toEqual(['basil', 'rocket']);
    await toppings.set([ham], { clear: true });
    expect(names(await toppings)).toEqual(['ham']);

    // the reverse side sees the same links
    expect(names(await ham.a.pizzaSet)).toEqual(['Hawaii', 'Margherita']);
    await ham.a.pizzaSet.clear();
    expect(await toppings.count()).toBe(0);
    const funghi = await Pizza.aobjects.get({ name: 'Funghi' });
    await ham.a.pizzaSet.add(funghi, margherita);
    expect(names(await funghi.a.toppings)).toEqual(['cheese', 'ham', 'mushroom']);
    await toppings.clear();
    expect(await toppings.exists()).toBe(false);
  });

  test('an unknown relation name is a TypeError naming it', () => {
    const pizza = Pizza.objects.get({ name: 'Funghi' });
    expect(() => (pizza.a as unknown as Record<string, unknown>).nope).toThrow(/nope/);
  });
});

describe('Django-style twins', () => {
  test('on sync querysets: acount, aget, afirst, alast, aexists, acreate, aupdate, adelete, aeval, ainBulk', async () => {
    expect(await Pizza.objects.filter({ box__name: 'large' }).acount()).toBe(2);
    const hawaii = await Pizza.objects.aget({ name: 'Hawaii' });
    expect(hawaii).toBeInstanceOf(Pizza);
    expect((await Pizza.objects.filter({ box: null }).afirst())!.name).toBe('Marinara');
    expect((await Pizza.objects.alast())!.name).toBe('Marinara');
    expect(await Pizza.objects.filter({ name: 'x' }).aexists()).toBe(false);
    const box = await Box.objects.acreate({ name: 'twin' });
    expect(box.pk).toEqual(expect.any(Number));
    expect(await Box.objects.filter({ name: 'twin' }).aupdate({ name: 'twins' })).toBe(1);
    expect(names(await Box.objects.filter({ name__startswith: 'twin' }).aeval())).toEqual(['twins']);
    expect((await Box.objects.ainBulk([box.pk])).get(box.pk)!.name).toBe('twins');
    expect(await Box.objects.filter({ name: 'twins' }).adelete()).toEqual([1, { Box: 1 }]);
    const [topping, created] = await Topping.objects.agetOrCreate({ name: 'twin topping' });
    expect([topping.name, created]).toEqual(['twin topping', true]);
  });

  test('twins run in a worker: they work on the main thread without its connection being used', async () => {
    const queries = await captureQueries(() => Pizza.objects.filter({ box__name: 'large' }).acount());
    expect(queries).toHaveLength(1);
    expect(queries[0]!.connection).toMatch(/^reader-\d+$/);
  });

  test('on related managers: aadd, aremove, aset, aclear and the evaluation twins', async () => {
    const diavola = Pizza.objects.get({ name: 'Diavola' });
    const ham = Topping.objects.get({ name: 'ham' });
    await diavola.toppings.aadd(ham);
    expect(names(diavola.toppings.eval())).toEqual(['cheese', 'ham', 'olive', 'pepperoni']);
    await diavola.toppings.aremove(ham, Topping.objects.get({ name: 'olive' }).pk);
    expect(await diavola.toppings.acount()).toBe(2);
    await diavola.toppings.aset([ham]);
    expect(names(await diavola.toppings.aeval())).toEqual(['ham']);
    await diavola.toppings.aclear();
    expect(await diavola.toppings.aexists()).toBe(false);

    const large = Box.objects.get({ name: 'large' });
    const marinara = Pizza.objects.get({ name: 'Marinara' });
    await large.pizzaSet.aadd(marinara);
    expect(marinara.boxId).toBe(large.pk);
    expect(await large.pizzaSet.acount()).toBe(3);
    await large.pizzaSet.aremove(marinara);
    await large.pizzaSet.aclear();
    expect(await large.pizzaSet.acount()).toBe(0);
    const created = await large.pizzaSet.acreate({ name: 'Twin', price: Price.objects.get({ amount: '15.00' }) });
    expect(created.boxId).toBe(large.pk);
  });
});

describe('AsyncMixin applied to a model class that already exists', () => {
  const AsyncMemo = AsyncMixin(Memo);

  test('adds the async API to the class in place', () => {
    expect(AsyncMemo).toBe(Memo);
    expect((Memo as unknown as { aobjects: unknown }).aobjects).toBeInstanceOf(AsyncManager);
    expect(typeof (Memo.prototype as unknown as { asave: unknown }).asave).toBe('function');
    expect(AsyncMixin(Memo)).toBe(Memo); // applying it twice is harmless
  });

  test('aobjects, asave, adelete, arefreshFromDb work on it', async () => {
    const created = await AsyncMemo.aobjects.create({ text: 'first' });
    expect(created).toBeInstanceOf(Memo);
    expect(created.priority).toBe(3);
    const memo = new AsyncMemo({ text: 'second', priority: 1 });
    await memo.asave();
    expect(memo.pk).toEqual(expect.any(Number));
    expect(Memo.objects.get({ pk: memo.pk }).text).toBe('second');
    expect((await AsyncMemo.aobjects.valuesList('text', { flat: true }).eval())).toEqual(['first', 'second']);
    Memo.objects.filter({ pk: memo.pk }).update({ text: 'changed' });
    await memo.arefreshFromDb();
    expect((memo as unknown as Memo).text).toBe('changed');
    expect(await memo.adelete()).toEqual([1, { Memo: 1 }]);
    expect(await AsyncMemo.aobjects.count()).toBe(1);
  });

  test('instances of the original class get the methods too', async () => {
    const plain = new Memo({ text: 'plain' }) as Memo & Model & { asave(): Promise<void> };
    await plain.asave();
    expect(plain.pk).toEqual(expect.any(Number));
  });
});

describe('aobjects.bulkCreate()', () => {
  test('the same objects come back with their keys and pre-save stamps, as from the sync API', async () => {
    const articles = [new Article({ title: 'One' }), new Article({ title: 'Two', rank: 3 })];
    const returned = await Article.aobjects.bulkCreate(articles);
    expect(returned).toEqual(articles);
    expect(returned[0]).toBe(articles[0]);
    for (const article of articles) {
      expect(article.pk).toEqual(expect.any(Number));
      expect(article._state.adding).toBe(false);
      expect(article.created).toBeInstanceOf(Date);
      expect(article.updated).toBeInstanceOf(Date);
    }
    const stored = Article.objects.filter({ pk__in: articles.map((article) => article.pk) }).orderBy('pk').eval();
    expect(stored.map((article) => [article.pk, article.title, article.rank, article.created.getTime()])).toEqual(
      articles.map((article) => [article.pk, article.title, article.rank, article.created.getTime()]),
    );
  });

  test('objects it cannot send as columns take the general path and behave as in the sync API', async () => {
    const copyOfHam = () => {
      const deferred = Topping.objects.only('name').get({ name: 'ham' }); // `vegetarian` loads on first read
      deferred.pk = null;
      deferred.name = 'ham again';
      return deferred;
    };
    const [asyncOutcome, syncOutcome] = [
      await rejection(Topping.aobjects.bulkCreate([copyOfHam()])),
      await rejection(() => Topping.objects.bulkCreate([copyOfHam()])),
    ];
    expect(asyncOutcome.constructor).toBe(syncOutcome.constructor);
    expect(asyncOutcome.message).toBe(syncOutcome.message);
    const wrong = await rejection(Topping.aobjects.bulkCreate([new Box({ name: 'not a topping' }) as unknown as Topping]));
    const sync = await rejection(() => Topping.objects.bulkCreate([new Box({ name: 'not a topping' }) as unknown as Topping]));
    expect(wrong).toBeInstanceOf(TypeError);
    expect(wrong.message).toBe(sync.message);
  });
});
