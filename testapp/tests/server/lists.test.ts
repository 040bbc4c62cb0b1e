/** The example server over real HTTP: query-string lookups, ordering and pagination of lists. */
import { startClient, START_TIMEOUT, type Client } from './client';

jest.setTimeout(60_000);

interface PizzaRow {
  id: number;
  name: string;
  box: { id: number; name: string } | null;
  price: { amount: string; currency: string };
}

let api: Client;
/** Every seeded pizza, in the default order (Pizza.meta.ordering: name). */
let menu: PizzaRow[];

const names = (rows: Array<{ name: string }>) => rows.map((row) => row.name);
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

beforeAll(async () => {
  api = await startClient({ seed: { pizzas: 40 } });
  const { body } = await api.get('/pizzas?pageSize=100');
  menu = body.results;
}, START_TIMEOUT);

afterAll(async () => {
  await api?.server.close();
});

describe('pagination', () => {
  test('the first page by default, 20 rows, with counts', async () => {
    const { status, body } = await api.get('/pizzas');
    expect(status).toBe(200);
    expect(body).toMatchObject({ count: 40, page: 1, pageSize: 20, pages: 2 });
    expect(body.results).toEqual(menu.slice(0, 20));
    expect(names(menu)).toEqual([...names(menu)].sort(byName));
  });

  test('page and pageSize pick a slice of the same order', async () => {
    const { body } = await api.get('/pizzas?page=3&pageSize=7');
    expect(body).toMatchObject({ count: 40, page: 3, pageSize: 7, pages: 6 });
    expect(body.results).toEqual(menu.slice(14, 21));
    const last = await api.get('/pizzas?page=6&pageSize=7');
    expect(last.body.results).toEqual(menu.slice(35));
  });

  test('pageSize is capped at 100; bad values are 400; a page past the end is 404', async () => {
    expect((await api.get('/pizzas?pageSize=1000')).body.pageSize).toBe(100);
    const bad = await api.get('/pizzas?page=0&pageSize=abc');
    expect(bad).toMatchObject({
      status: 400,
      body: { errors: { page: ['Enter a positive whole number.'], pageSize: ['Enter a positive whole number.'] } },
    });
    const past = await api.get('/pizzas?page=3');
    expect(past).toMatchObject({ status: 404, body: { error: 'Page 3 does not exist; there are 2 pages.' } });
    // An empty result still has its one (empty) page.
    const none = await api.get('/pizzas?name=nothing');
    expect(none).toMatchObject({ status: 200, body: { count: 0, pages: 1, results: [] } });
  });
});

describe('filters', () => {
  test('name__startswith', async () => {
    const { body } = await api.get('/pizzas?name__startswith=M&pageSize=100');
    const expected = menu.filter((pizza) => pizza.name.startsWith('M'));
    expect(expected.length).toBeGreaterThan(2);
    expect(body.count).toBe(expected.length);
    expect(body.results).toEqual(expected);
  });

  test('icontains, exact and in', async () => {
    const contains = await api.get('/pizzas?name__icontains=NO.%202&pageSize=100');
    expect(names(contains.body.results)).toEqual(names(menu.filter((pizza) => pizza.name.includes('No. 2'))));
    const exact = await api.get('/pizzas?name=Margherita');
    expect(names(exact.body.results)).toEqual(['Margherita']);
    const some = await api.get('/pizzas?id__in=3,1,2');
    expect(some.body.results.map((pizza: PizzaRow) => pizza.id).sort()).toEqual([1, 2, 3]);
  });

  test('across relations: box__name, box__isnull, price__amount__lt (numeric), toppings__name', async () => {
    const large = await api.get('/pizzas?box__name=large&pageSize=100');
    expect(large.body.results).toEqual(menu.filter((pizza) => pizza.box?.name === 'large'));
    const boxless = await api.get('/pizzas?box__isnull=true&pageSize=100');
    expect(boxless.body.results).toEqual(menu.filter((pizza) => pizza.box === null));
    expect(boxless.body.count).toBe(4); // every tenth seeded pizza
    const cheap = await api.get('/pizzas?price__amount__lt=9.5&pageSize=100');
    expect(cheap.body.results).toEqual(menu.filter((pizza) => Number(pizza.price.amount) < 9.5));

    // Repeated parameters are successive filters: pizzas with both toppings (two of the Margherita's).
    const [first, second] = names((await api.get('/pizzas/1')).body.toppings) as [string, string];
    const both = await api.get(`/pizzas?toppings__name=${encodeURIComponent(first)}&toppings__name=${encodeURIComponent(second)}&pageSize=100`);
    expect(names(both.body.results)).toContain('Margherita');
    for (const row of both.body.results as PizzaRow[]) {
      const toppings = names((await api.get(`/pizzas/${row.id}`)).body.toppings);
      expect(toppings).toEqual(expect.arrayContaining([first, second]));
    }
    const onlyFirst = await api.get(`/pizzas?toppings__name=${encodeURIComponent(first)}&pageSize=100`);
    expect(both.body.count).toBeLessThan(onlyFirst.body.count);
  });

  test('booleans, dates and reverse relations on other lists', async () => {
    const meat = await api.get('/toppings?vegetarian=false&pageSize=100');
    expect(names(meat.body.results)).toEqual(['anchovies', 'chorizo', 'ham', 'nduja', 'pepperoni', 'prosciutto', 'salami', 'tuna']);
    const polls = await api.get('/questions?pubDate__year=2024&pubDate__day__gte=2');
    expect(polls.body.results.map((question: { questionText: string }) => question.questionText)).toEqual([
      'Thin or thick crust?',
      'Best pizza topping?',
    ]);
    const withChoice = await api.get('/questions?choice__choiceText__iexact=thin');
    expect(withChoice.body.count).toBe(1);
    const boxes = await api.get('/boxes?pizza__name=Margherita');
    expect(boxes.body.count).toBe(1);
  });

  test('unknown filters, lookups and values are 400 with a message per parameter', async () => {
    const { status, body } = await api.get('/pizzas?color=red&name__sounds=x&id=abc&box__isnull=maybe');
    expect(status).toBe(400);
    expect(body.errors).toEqual({
      color: ['Unknown filter; filters start with one of: id, name, box, price, toppings.'],
      name__sounds: [expect.stringContaining("unsupported lookup 'sounds'")],
      id: [expect.stringContaining("'abc' value must be an integer")],
      box__isnull: [expect.stringContaining('isnull lookup takes true or false')],
    });
    const deep = await api.get('/pizzas?box__colour=red');
    expect(deep.body.errors.box__colour).toEqual([expect.stringContaining("Box has no field 'colour'")]);
  });
});

describe('ordering', () => {
  test('?ordering=-name reverses the menu', async () => {
    const { body } = await api.get('/pizzas?ordering=-name&pageSize=100');
    expect(names(body.results)).toEqual(names(menu).reverse());
  });

  test('several keys, across a relation, combined with a filter and pages', async () => {
    const { body } = await api.get('/pizzas?ordering=-price__amount,name&name__startswith=C&pageSize=5&page=2');
    const expected = menu
      .filter((pizza) => pizza.name.startsWith('C'))
      .sort((a, b) => Number(b.price.amount) - Number(a.price.amount) || byName(a.name, b.name));
    expect(body.count).toBe(expected.length);
    expect(body.results).toEqual(expected.slice(5, 10));
  });

  test('ordering by an unknown field is 400', async () => {
    const unknown = await api.get('/pizzas?ordering=-colour');
    expect(unknown).toMatchObject({ status: 400, body: { errors: { ordering: [expect.stringContaining('Cannot order by -colour')] } } });
    const deep = await api.get('/pizzas?ordering=box__colour');
    expect(deep.body.errors.ordering).toEqual([expect.stringContaining("Box has no field 'colour'")]);
  });
});
