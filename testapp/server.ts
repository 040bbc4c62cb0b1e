/**
 * The example server: a JSON API over the pizzeria and the polls, on node:http and the async ORM.
 * It runs with mainThread: 'forbid', so the main thread never touches SQLite: every query is an `aobjects`
 * chain, `asave()` / `adelete()`, `obj.a.<relation>`, an `aatomic()` block or a syncToAsync unit (units.ts).
 * A slow query therefore occupies one pool worker, never the event loop.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  aatomic,
  amigrate,
  close as closeOrm,
  configure,
  Count,
  FieldError,
  IntegrityError,
  ObjectDoesNotExist,
  QueryCancelled,
  ValidationError,
  type ErrorDict,
  type Model,
  type ModelClass,
  type PkValue,
} from '../src';
import type { AsyncManager, AsyncModelInstance, AsyncQuerySet } from '../mixins';
import { HttpError, reply, Router, type Reply, type Request } from './http';
import { Box, Pizza, Price, Question, Topping, Choice } from './models';
import type { SeedOptions } from './seed';
import { castVote, cleaned, seedIfEmpty } from './units';

export interface ServerOptions {
  /** A SQLite file (created when missing) or ':memory:'. */
  database: string;
  /** 0 picks a free port. Default 8000. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Fill an empty database with the demo menu and polls (`true`, or seed options). */
  seed?: boolean | SeedOptions;
  /** Reader threads of the pool (default: one per core). */
  workers?: number;
  /** Told each step of the start-up (`npm start` prints them with the time each began). */
  onStep?: (message: string) => void;
}

export interface RunningServer {
  url: string;
  /** What seeding created, or null when the database already had data (or seeding was off). */
  seeded: { toppings: number; pizzas: number; questions: number } | null;
  /** Stops accepting connections, lets the requests in flight finish, then stops the pool. */
  close(): Promise<void>;
}

/** The example app's migrations, made by `node ../bin/threadorm makemigrations` in testapp/. */
const MIGRATIONS = join(__dirname, 'migrations');

/** Configures threadorm (one server per process), migrates the database and listens. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { database, port = 8000, host = '127.0.0.1', seed = false, workers, onStep } = options;
  configure({ database, models: [require.resolve('./models'), require.resolve('./units')], mainThread: 'forbid', workers });
  try {
    onStep?.('starting the worker pool (each worker imports the model modules) and applying the migrations');
    const migrated = await amigrate({ migrations: MIGRATIONS });
    if (migrated.applied.length) onStep?.(`applied ${migrated.applied.join(', ')}`);
    if (migrated.unmigratedChanges.length) {
      onStep?.(`warning: the models have changes that no migration has (${migrated.unmigratedChanges.join('; ')}); run \`node ../bin/threadorm makemigrations\` in testapp/`);
    }
    if (seed) onStep?.('checking for data (an empty database is seeded with the demo menu and polls)');
    const seeded = seed ? await seedIfEmpty({ progress: onStep !== undefined, ...(seed === true ? {} : seed) }) : null;
    const server = createServer(routes().listener(errorReply));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    const address = server.address() as AddressInfo;
    const hostname = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return {
      url: `http://${hostname}:${address.port}`,
      seeded,
      close: async () => {
        await stopListening(server);
        await closeOrm();
      },
    };
  } catch (error) {
    await closeOrm();
    throw error;
  }
}

function stopListening(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
  });
}

/** What the application's errors mean in HTTP. */
function errorReply(error: unknown): Reply {
  if (error instanceof ValidationError) return reply(400, { errors: error.errors });
  if (error instanceof FieldError) return reply(400, { error: error.message });
  if (error instanceof ObjectDoesNotExist) return reply(404, { error: error.message });
  if (error instanceof IntegrityError) return reply(409, { error: error.message });
  if (error instanceof QueryCancelled) return reply(503, { error: error.message });
  console.error(error);
  return reply(500, { error: 'Internal server error.' });
}

// ---------------------------------------------------------------- routes

function routes(): Router {
  const router = new Router();
  router.get('/', () => reply(200, { endpoints: router.describe() }));
  crud(router, {
    path: '/pizzas',
    model: Pizza,
    writable: ['name', 'box', 'price', 'toppings'],
    filterable: ['id', 'name', 'box', 'price', 'toppings'],
    listQuery: (pizzas) => pizzas.selectRelated('box', 'price'),
    detailQuery: (pizzas) => pizzas.selectRelated('box', 'price').prefetchRelated('toppings'),
    summary: pizzaSummary,
    // The toppings were prefetched with the pizza, so reading them runs no query.
    detail: (pizza) => ({ ...pizzaSummary(pizza), toppings: pizza.toppings.all().eval().map((topping) => topping.toJSON()) }),
    save: savePizza,
    // A pizza owns its price: deleting the price takes the pizza with it (CASCADE).
    remove: async (pizza) => {
      await (await pizza.a.price).adelete();
    },
  });
  crud(router, {
    path: '/toppings',
    model: Topping,
    writable: ['name', 'vegetarian'],
    filterable: ['id', 'name', 'vegetarian', 'pizza'],
    detail: async (topping) => ({ ...topping.toJSON(), pizzas: await topping.a.pizzaSet.count() }),
  });
  crud(router, {
    path: '/boxes',
    model: Box,
    writable: ['name'],
    filterable: ['id', 'name', 'pizza'],
    detail: async (box) => ({ ...box.toJSON(), pizzas: await box.a.pizzaSet.values('id', 'name').eval() }),
  });
  crud(router, {
    path: '/questions',
    model: Question,
    writable: ['questionText', 'pubDate', 'details'],
    filterable: ['id', 'questionText', 'pubDate', 'details', 'choice'],
    detail: questionDetail,
  });
  router.post('/questions/:id/choices', addChoice);
  router.post('/questions/:id/vote', vote);
  router.get('/reports/toppings', toppingsReport);
  return router;
}

type AsyncModel<T extends Model> = (new (values?: Record<string, unknown>) => T) & { readonly aobjects: AsyncManager<T> };

interface Resource<T extends Model & AsyncModelInstance> {
  path: string;
  model: AsyncModel<T>;
  /** Fields a client may send; a foreign key takes the related key (`{ "box": 3 }`). */
  writable: readonly string[];
  /** Fields and relations that query-string lookups (`?name__startswith=M`) and `?ordering=` may start from. */
  filterable: readonly string[];
  /** What each listed row loads with it. */
  listQuery?: (rows: AsyncQuerySet<T>) => AsyncQuerySet<T>;
  /** What one shown row loads with it. */
  detailQuery?: (rows: AsyncQuerySet<T>) => AsyncQuerySet<T>;
  summary?: (instance: T) => unknown;
  detail: (instance: T) => unknown;
  /** Validates and writes a new or changed instance (default: the writable fields, cleaned, then asave). */
  save?: (instance: T, body: Record<string, unknown>) => Promise<T>;
  /** Deletes an instance (default: adelete()). */
  remove?: (instance: T) => Promise<void>;
}

/** List, create, show, update (PATCH: the fields sent) and delete under `resource.path`. */
function crud<T extends Model & AsyncModelInstance>(router: Router, resource: Resource<T>): void {
  const { path, model } = resource;
  const listed = resource.listQuery?.(model.aobjects.all()) ?? model.aobjects.all();
  const shown = resource.detailQuery?.(model.aobjects.all()) ?? model.aobjects.all();
  const summary = resource.summary ?? ((instance: T) => instance.toJSON());
  const save = resource.save ?? ((instance: T, body: Record<string, unknown>) => saveFields(instance, body, resource.writable));
  const show = async (pk: unknown) => resource.detail(await shown.get({ pk: pk as PkValue }));

  router.get(path, async (request) => {
    const page = await paginate(request, filtered(listed, request.query, resource.filterable));
    return reply(200, { ...page, results: page.results.map(summary) });
  });
  router.post(path, async (request) => {
    const created = await save(new model(), await objectBody(request));
    return reply(201, await show(created.pk));
  });
  router.get(`${path}/:id`, async (request) => reply(200, await show(idParam(request))));
  router.patch(`${path}/:id`, async (request) => {
    const instance = await shown.get({ pk: idParam(request) });
    const saved = await save(instance, await objectBody(request));
    return reply(200, await show(saved.pk));
  });
  router.delete(`${path}/:id`, async (request) => {
    const instance = await model.aobjects.get({ pk: idParam(request) });
    await (resource.remove ? resource.remove(instance) : instance.adelete());
    return reply(204);
  });
}

// ---------------------------------------------------------------- lists: filters, ordering, pages

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

/**
 * Applies query-string lookups (`?name__startswith=M&box__name=large`) and `?ordering=-name,id`.
 * Each parameter is its own filter() call, so `?toppings__name=ham&toppings__name=basil` means both.
 * A bad parameter is answered 400 with the ORM's message under its name.
 */
function filtered<T extends Model>(rows: AsyncQuerySet<T>, query: URLSearchParams, filterable: readonly string[]): AsyncQuerySet<T> {
  const errors = new Errors();
  const allowed = (name: string) => filterable.includes(name.replace(/^-/, '').split('__')[0]!);
  for (const [key, value] of query) {
    if (key === 'page' || key === 'pageSize' || key === 'ordering') continue;
    if (!allowed(key)) {
      errors.add(key, `Unknown filter; filters start with one of: ${filterable.join(', ')}.`);
      continue;
    }
    errors.attempt(key, () => (rows = rows.filter({ [key]: lookupValue(key, value) })));
  }
  const ordering = query.get('ordering')?.split(',').filter(Boolean) ?? [];
  if (ordering.length) {
    const unknown = ordering.filter((name) => !allowed(name));
    if (unknown.length) errors.add('ordering', `Cannot order by ${unknown.join(', ')}; use one of: ${filterable.join(', ')}.`);
    else errors.attempt('ordering', () => (rows = rows.orderBy(...ordering)));
  }
  errors.throwIfAny();
  return rows;
}

/** Query strings carry text: lists for `__in` / `__range` are comma-separated, `__isnull` takes true/false. */
function lookupValue(key: string, value: string): unknown {
  if (key.endsWith('__in') || key.endsWith('__range')) return value.split(',');
  if (key.endsWith('__isnull')) return value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
  return value;
}

async function paginate<T extends Model>(request: Request, rows: AsyncQuerySet<T>) {
  const errors = new Errors();
  const page = positiveInteger(request.query.get('page'), 1, 'page', errors);
  const pageSize = Math.min(positiveInteger(request.query.get('pageSize'), DEFAULT_PAGE_SIZE, 'pageSize', errors), MAX_PAGE_SIZE);
  errors.throwIfAny();
  const start = (page - 1) * pageSize;
  // Both queries leave in the same event-loop turn, so they travel to the pool together.
  const [count, results] = await Promise.all([rows.count(), rows.slice(start, start + pageSize).eval()]);
  const pages = Math.max(1, Math.ceil(count / pageSize));
  if (page > pages) throw new HttpError(404, `Page ${page} does not exist; there ${pages === 1 ? 'is 1 page' : `are ${pages} pages`}.`);
  return { count, page, pageSize, pages, results };
}

function positiveInteger(text: string | null, fallback: number, name: string, errors: Errors): number {
  if (text === null) return fallback;
  if (!/^[1-9]\d{0,8}$/.test(text)) errors.add(name, 'Enter a positive whole number.');
  return Number(text);
}

// ---------------------------------------------------------------- validation

/** Per-field messages gathered from several checks, answered together as one 400. */
class Errors {
  readonly dict: ErrorDict = {};

  add(key: string, ...messages: string[]): void {
    (this.dict[key] ??= []).push(...messages);
  }

  /** Awaits a check; a ValidationError adds its messages here (keys prefixed) and yields undefined. */
  async collect<V>(check: Promise<V>, prefix = ''): Promise<V | undefined> {
    try {
      return await check;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const [key, messages] of Object.entries(error.errors)) this.add(prefix + key, ...messages);
      return undefined;
    }
  }

  /** Runs a chaining call that may reject its arguments (FieldError, ValidationError) and files the message under `key`. */
  attempt(key: string, chain: () => void): void {
    try {
      chain();
    } catch (error) {
      if (error instanceof ValidationError) this.add(key, ...Object.values(error.errors).flat());
      else if (error instanceof FieldError) this.add(key, error.message);
      else throw error;
    }
  }

  throwIfAny(): void {
    if (Object.keys(this.dict).length) throw new ValidationError(this.dict);
  }
}

async function objectBody(request: Request): Promise<Record<string, unknown>> {
  const body = await request.json();
  if (!isObject(body)) throw new HttpError(400, 'The request body must be a JSON object.');
  return body;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `/pizzas/12`: a malformed id is a missing object, as with Django's `<int:id>`. */
function idParam(request: Request): number {
  const id = request.params.id!;
  if (!/^\d{1,15}$/.test(id)) throw new HttpError(404, `Nothing at ${request.path}.`);
  return Number(id);
}

function unknownKeys(body: Record<string, unknown>, allowed: readonly string[], errors: Errors, prefix = ''): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) errors.add(prefix + key, `Unknown field; expected one of: ${allowed.join(', ')}.`);
  }
}

/** Copies the given fields from a request body; a foreign key's value is the related key (`box` → `boxId`). */
function assign(instance: Model, body: Record<string, unknown>, fields: readonly string[]): void {
  const meta = (instance.constructor as ModelClass)._meta;
  const record = instance as unknown as Record<string, unknown>;
  for (const name of fields) {
    if (!(name in body)) continue;
    const field = meta.getField(name);
    // `pizza.box = null` also drops a box loaded by selectRelated, which save() would otherwise put back.
    if (field.isRelation && body[name] === null) record[name] = null;
    else record[field.attname] = body[name];
  }
}

/** The default save: writable fields only, fullClean() in a worker (uniqueness needs queries), then asave(). */
async function saveFields<T extends Model & AsyncModelInstance>(instance: T, body: Record<string, unknown>, writable: readonly string[]): Promise<T> {
  const errors = new Errors();
  unknownKeys(body, writable, errors);
  assign(instance, body, writable);
  const clean = await errors.collect(cleaned(instance));
  errors.throwIfAny();
  await clean!.asave();
  return clean!;
}

// ---------------------------------------------------------------- pizzas

function pizzaSummary(pizza: Pizza) {
  const { amount, currency } = pizza.price;
  return { id: pizza.id, name: pizza.name, box: pizza.box?.toJSON() ?? null, price: { amount, currency } };
}

/**
 * `{ name, box, price: { amount, currency }, toppings: [ids] }`: the pizza, its price and its toppings are
 * validated side by side (errors of the price come back as `price.amount`), then written in one aatomic().
 */
async function savePizza(pizza: Pizza, body: Record<string, unknown>): Promise<Pizza> {
  const errors = new Errors();
  const creating = pizza.pk === null || pizza.pk === undefined;
  unknownKeys(body, ['name', 'box', 'price', 'toppings'], errors);
  assign(pizza, body, ['name', 'box']);
  const price = creating ? new Price() : await pizza.a.price;
  if (isObject(body.price)) {
    unknownKeys(body.price, ['amount', 'currency'], errors, 'price.');
    assign(price, body.price, ['amount', 'currency']);
  } else if (body.price !== undefined || creating) {
    errors.add('price', body.price === undefined ? 'This field is required.' : 'Expected an object: {"amount": "9.50", "currency": "eur"}.');
  }
  const [cleanPrice, cleanPizza, toppings] = await Promise.all([
    errors.dict.price ? undefined : errors.collect(cleaned(price), 'price.'),
    errors.collect(cleaned(pizza, { exclude: ['price'] })),
    body.toppings === undefined ? null : errors.collect(existingToppings(body.toppings)),
  ]);
  errors.throwIfAny();
  return aatomic(async () => {
    await cleanPrice!.asave();
    cleanPizza!.price = cleanPrice!;
    await cleanPizza!.asave();
    if (toppings) await cleanPizza!.a.toppings.set(toppings);
    return cleanPizza!;
  });
}

async function existingToppings(ids: unknown): Promise<number[]> {
  if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id))) {
    throw new ValidationError({ toppings: ['Expected a list of topping ids.'] });
  }
  const found = new Set(await Topping.aobjects.filter({ id__in: ids }).valuesList('id', { flat: true }).eval());
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) {
    throw new ValidationError({ toppings: missing.map((id) => `Select a valid choice. ${id} is not one of the available choices.`) });
  }
  return ids;
}

// ---------------------------------------------------------------- polls

async function questionDetail(question: Question) {
  const choices = await question.a.choiceSet.all();
  return { ...question.toJSON(), choices: choices.map((choice) => choice.toJSON()) };
}

async function addChoice(request: Request): Promise<Reply> {
  const question = await Question.aobjects.get({ pk: idParam(request) });
  const body = await objectBody(request);
  const choice = await saveFields(new Choice({ question }), body, ['choiceText']);
  return reply(201, choice.toJSON());
}

/** `{ "choice": 3 }`: one syncToAsync unit (one thread hop) reads, increments and returns the results. */
async function vote(request: Request): Promise<Reply> {
  const questionId = idParam(request);
  const { choice } = await objectBody(request);
  if (!Number.isInteger(choice)) throw new ValidationError({ choice: ['This field is required: the id of a choice.'] });
  const result = await castVote(questionId, choice as number);
  return reply(200, { ...result.question.toJSON(), choices: result.choices.map((each) => each.toJSON()) });
}

// ---------------------------------------------------------------- reports

/**
 * Deliberately heavy: for each topping, the pizzas that have it, the toppings they pair it with, and the
 * pizzas that share any topping with those (a join that grows with the square of the menu). It keeps one
 * pool worker busy for a while; the event loop and the other workers go on serving.
 */
async function toppingsReport(): Promise<Reply> {
  const started = performance.now();
  const toppings = await Topping.aobjects
    .annotate({
      pizzas: Count('pizza', { distinct: true }),
      companions: Count('pizza__toppings', { distinct: true }),
      reach: Count('pizza__toppings__pizza', { distinct: true }),
    })
    .orderBy('-pizzas', 'name')
    .values('id', 'name', 'vegetarian', 'pizzas', 'companions', 'reach')
    .eval();
  return reply(200, { toppings, elapsedMs: Math.round(performance.now() - started) });
}
