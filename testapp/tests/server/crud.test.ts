/** The example server over real HTTP: create, read, update, delete, validation (400) and missing objects (404). */
import { startClient, START_TIMEOUT, type Client } from './client';

jest.setTimeout(60_000);

let api: Client;

beforeAll(async () => {
  api = await startClient({ seed: { pizzas: 40 } });
}, START_TIMEOUT);

afterAll(async () => {
  await api?.server.close();
});

describe('server basics', () => {
  test('listens on loopback and lists its endpoints at /', async () => {
    expect(api.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(api.server.seeded).toEqual({ toppings: 30, pizzas: 40, questions: 3 });
    const { status, body, headers } = await api.get('/');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(body.endpoints).toEqual(expect.arrayContaining(['GET /pizzas/:id', 'POST /questions/:id/vote', 'GET /reports/toppings']));
  });

  test('unknown paths are 404, known paths with another method 405', async () => {
    expect((await api.get('/nowhere')).status).toBe(404);
    const wrong = await api.send('PUT', '/pizzas/1', { name: 'x' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, PATCH, DELETE');
  });

  test('a body that is not a JSON object is a 400', async () => {
    const malformed = await api.post('/toppings', '{"name": ');
    expect(malformed).toMatchObject({ status: 400, body: { error: 'The request body is not valid JSON.' } });
    expect((await api.post('/toppings', [1, 2])).status).toBe(400);
    expect((await api.post('/toppings')).status).toBe(400);
  });
});

describe('toppings', () => {
  test('create, show, update, delete', async () => {
    const created = await api.post('/toppings', { name: 'truffle', vegetarian: true });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(Number), name: 'truffle', vegetarian: true, pizzas: 0 });
    const id = created.body.id;

    expect(await api.get(`/toppings/${id}`)).toMatchObject({ status: 200, body: { name: 'truffle' } });
    const updated = await api.patch(`/toppings/${id}`, { name: 'black truffle', vegetarian: 'false' });
    expect(updated).toMatchObject({ status: 200, body: { id, name: 'black truffle', vegetarian: false } });
    expect((await api.get(`/toppings/${id}`)).body.name).toBe('black truffle');

    const deleted = await api.delete(`/toppings/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await api.get(`/toppings/${id}`)).status).toBe(404);
  });

  test('a seeded topping shows how many pizzas have it', async () => {
    const { body } = await api.get('/toppings/1');
    expect(body).toMatchObject({ id: 1, name: 'anchovies', vegetarian: false });
    expect(body.pizzas).toBeGreaterThan(0);
  });

  test('validation errors are per field', async () => {
    const invalid = await api.post('/toppings', { name: 'x'.repeat(31), vegetarian: 'maybe', spicy: true });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual({
      name: ['Ensure this value has at most 30 characters (it has 31).'],
      vegetarian: [expect.stringContaining('must be either true or false')],
      spicy: ['Unknown field; expected one of: name, vegetarian.'],
    });
    const blank = await api.post('/toppings', {});
    expect(blank).toMatchObject({ status: 400, body: { errors: { name: ['This field cannot be blank.'] } } });
  });

  test('a duplicate name fails the uniqueness check (run in a worker)', async () => {
    const duplicate = await api.post('/toppings', { name: 'ham' });
    expect(duplicate).toMatchObject({ status: 400, body: { errors: { name: ['Topping with this Name already exists.'] } } });
    const renamed = await api.patch('/toppings/2', { name: 'ham' });
    expect(renamed).toMatchObject({ status: 400, body: { errors: { name: ['Topping with this Name already exists.'] } } });
    // Saving a topping under its own name is not a conflict.
    expect((await api.patch('/toppings/2', { name: 'artichoke' })).status).toBe(200);
  });
});

describe('pizzas', () => {
  test('create with a box, a nested price and toppings; show; update; delete', async () => {
    const created = await api.post('/pizzas', { name: 'Tartufo', box: 3, price: { amount: '14.5', currency: 'eur' }, toppings: [12, 13] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      name: 'Tartufo',
      box: { id: 3, name: 'large' },
      price: { amount: '14.50', currency: 'eur' },
      toppings: [
        { id: 12, name: 'mozzarella', vegetarian: true },
        { id: 13, name: 'mushrooms', vegetarian: true },
      ],
    });
    const id = created.body.id;
    expect((await api.get(`/pizzas/${id}`)).body).toEqual(created.body);

    const updated = await api.patch(`/pizzas/${id}`, { name: 'Tartufo Nero', box: null, price: { amount: '16' }, toppings: [3] });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({
      id,
      name: 'Tartufo Nero',
      box: null,
      price: { amount: '16.00', currency: 'eur' },
      toppings: [{ id: 3, name: 'basil', vegetarian: true }],
    });
    // A partial update leaves the rest alone.
    const renamed = await api.patch(`/pizzas/${id}`, { name: 'Nero' });
    expect(renamed.body).toEqual({ ...updated.body, name: 'Nero' });

    expect((await api.delete(`/pizzas/${id}`)).status).toBe(204);
    expect((await api.get(`/pizzas/${id}`)).status).toBe(404);
    expect((await api.delete(`/pizzas/${id}`)).status).toBe(404);
  });

  test('a seeded pizza comes with its box, price and toppings', async () => {
    const { status, body } = await api.get('/pizzas/1');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 1, name: 'Margherita', price: { currency: 'usd' } });
    expect(body.price.amount).toMatch(/^\d+\.\d\d$/);
    expect(body.toppings.length).toBeGreaterThanOrEqual(3);
    expect(body.toppings.map((topping: { name: string }) => topping.name)).toEqual(
      [...body.toppings.map((topping: { name: string }) => topping.name)].sort(),
    );
  });

  test('every invalid part of a pizza is reported under its own key', async () => {
    const invalid = await api.post('/pizzas', {
      name: '',
      box: 99,
      price: { amount: 'abc', currency: 'x'.repeat(17), tax: 1 },
      toppings: [1, 999],
      crust: 'thin',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors).toEqual({
      name: ['This field cannot be blank.'],
      box: ['box instance with id 99 is not a valid choice.'],
      'price.amount': ["'abc' value must be a decimal number."],
      'price.currency': ['Ensure this value has at most 16 characters (it has 17).'],
      'price.tax': ['Unknown field; expected one of: amount, currency.'],
      toppings: ['Select a valid choice. 999 is not one of the available choices.'],
      crust: ['Unknown field; expected one of: name, box, price, toppings.'],
    });
    const empty = await api.post('/pizzas', {});
    expect(empty).toMatchObject({ status: 400, body: { errors: { name: ['This field cannot be blank.'], price: ['This field is required.'] } } });
    const badToppings = await api.post('/pizzas', { name: 'x', price: { amount: '1' }, toppings: 'ham' });
    expect(badToppings.body.errors).toEqual({ toppings: ['Expected a list of topping ids.'] });
  });

  test('an invalid update changes nothing', async () => {
    const before = (await api.get('/pizzas/2')).body;
    const invalid = await api.patch('/pizzas/2', { name: 'Renamed', price: { amount: '123456789.5' } });
    expect(invalid).toMatchObject({ status: 400, body: { errors: { 'price.amount': [expect.stringContaining('no more than 8 digits before the decimal point')] } } });
    expect((await api.get('/pizzas/2')).body).toEqual(before);
  });

  test('missing pizzas are 404 for every method; a malformed id too', async () => {
    for (const answer of [await api.get('/pizzas/9999'), await api.patch('/pizzas/9999', { name: 'x' }), await api.delete('/pizzas/9999')]) {
      expect(answer).toMatchObject({ status: 404, body: { error: 'Pizza matching query does not exist.' } });
    }
    expect((await api.get('/pizzas/abc')).status).toBe(404);
  });
});

describe('boxes', () => {
  test('a box lists its pizzas; deleting it leaves them without a box (SET_NULL)', async () => {
    const box = (await api.post('/boxes', { name: 'party' })).body;
    const pizza = (await api.post('/pizzas', { name: 'Party pizza', box: box.id, price: { amount: '30' } })).body;
    expect((await api.get(`/boxes/${box.id}`)).body).toEqual({ id: box.id, name: 'party', pizzas: [{ id: pizza.id, name: 'Party pizza' }] });
    expect((await api.patch(`/boxes/${box.id}`, { name: 'x'.repeat(51) })).body.errors.name).toHaveLength(1);
    expect((await api.delete(`/boxes/${box.id}`)).status).toBe(204);
    expect((await api.get(`/pizzas/${pizza.id}`)).body.box).toBeNull();
  });
});

describe('polls', () => {
  test('create a question, add choices, vote, delete', async () => {
    const created = await api.post('/questions', { questionText: 'Favourite box?', pubDate: '2025-05-01T12:00:00Z' });
    expect(created).toMatchObject({ status: 201, body: { questionText: 'Favourite box?', pubDate: '2025-05-01T12:00:00.000Z', details: '', choices: [] } });
    const id = created.body.id;
    const small = await api.post(`/questions/${id}/choices`, { choiceText: 'small' });
    expect(small).toMatchObject({ status: 201, body: { questionId: id, choiceText: 'small', votes: 0 } });
    const large = (await api.post(`/questions/${id}/choices`, { choiceText: 'large' })).body;

    const voted = await api.post(`/questions/${id}/vote`, { choice: large.id });
    expect(voted.status).toBe(200);
    expect(voted.body.choices.map((choice: { choiceText: string; votes: number }) => [choice.choiceText, choice.votes])).toEqual([
      ['small', 0],
      ['large', 1],
    ]);

    // Concurrent votes are F() increments inside one unit of work each: none is lost.
    await Promise.all(Array.from({ length: 20 }, () => api.post(`/questions/${id}/vote`, { choice: small.body.id })));
    const detail = (await api.get(`/questions/${id}`)).body;
    expect(detail.choices.map((choice: { votes: number }) => choice.votes)).toEqual([20, 1]);

    expect((await api.patch(`/questions/${id}`, { details: 'Asked at the counter.' })).body.details).toBe('Asked at the counter.');
    expect((await api.delete(`/questions/${id}`)).status).toBe(204);
    expect((await api.get(`/questions/${id}`)).status).toBe(404);
    expect((await api.post(`/questions/${id}/choices`, { choiceText: 'x' })).status).toBe(404);
  });

  test('a question needs a text and a publication date', async () => {
    const invalid = await api.post('/questions', {});
    expect(invalid).toMatchObject({
      status: 400,
      body: { errors: { questionText: ['This field cannot be blank.'], pubDate: ['This field cannot be null.'] } },
    });
    const badDate = await api.post('/questions', { questionText: 'When?', pubDate: 'tomorrow' });
    expect(badDate.body.errors).toEqual({ pubDate: [expect.stringContaining('invalid format')] });
    const badChoice = await api.post('/questions/1/choices', { choiceText: '' });
    expect(badChoice).toMatchObject({ status: 400, body: { errors: { choiceText: ['This field cannot be blank.'] } } });
  });

  test('voting validates the choice and 404s for a missing question', async () => {
    const otherQuestionsChoice = 4; // seeded: choices 1-3 belong to question 1
    const wrong = await api.post('/questions/1/vote', { choice: otherQuestionsChoice });
    expect(wrong).toMatchObject({
      status: 400,
      body: { errors: { choice: ['Select a valid choice. 4 is not one of the available choices.'] } },
    });
    expect((await api.post('/questions/1/vote', {})).body.errors.choice).toHaveLength(1);
    const missing = await api.post('/questions/9999/vote', { choice: 1 });
    expect(missing).toMatchObject({ status: 404, body: { error: 'Question matching query does not exist.' } });
  });
});
