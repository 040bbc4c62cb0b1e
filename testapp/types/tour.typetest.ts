// Generated from the tour in README.md by testapp/types/tour.ts: edit the README, then rerun it.
import { Model, CharField, DecimalField, ForeignKey, OneToOneField, ManyToManyField, CASCADE, SET_NULL,
         type FieldsOf, type ManyRelatedManager, type ReverseManyToOneManager } from 'threadorm';
import { AsyncMixin } from 'threadorm/mixins';
import { configure, createSchema, close } from 'threadorm';
import { Q, F, Count, Sum } from 'threadorm';
import { FETCH_PEERS, RAISE } from 'threadorm';
import { atomic, onCommit, aatomic } from 'threadorm';
import { syncToAsync } from 'threadorm';
import { captureQueries } from 'threadorm';

export class Topping extends AsyncMixin<Topping>(Model) {
  static fields = { name: new CharField({ maxLength: 30 }) };
  declare pizzaSet: ManyRelatedManager<Pizza>;        // reverse accessor (declared: see Static typing)
}
export interface Topping extends FieldsOf<typeof Topping.fields> {}

export class Box extends AsyncMixin<Box>(Model) {
  static fields = { name: new CharField({ maxLength: 50 }) };
  declare pizzaSet: ReverseManyToOneManager<Pizza>;
}
export interface Box extends FieldsOf<typeof Box.fields> {}

export class Price extends AsyncMixin<Price>(Model) {
  static fields = {
    amount: new DecimalField({ maxDigits: 10, decimalPlaces: 2 }),
    currency: new CharField({ maxLength: 16, default: 'usd' }),
  };
  declare pizza: Pizza;                               // reverse one-to-one
}
export interface Price extends FieldsOf<typeof Price.fields> {}

export class Pizza extends AsyncMixin<Pizza>(Model) {
  static fields = {
    name: new CharField({ maxLength: 50 }),
    toppings: new ManyToManyField(() => Topping),
    box: new ForeignKey(() => Box, { null: true, onDelete: SET_NULL }),
    price: new OneToOneField(() => Price, { onDelete: CASCADE }),
  };
  static meta = { ordering: ['name'] };
}
export interface Pizza extends FieldsOf<typeof Pizza.fields> {}  // instance types, from the field declarations

// in a module the workers can import (listed in configure({ models })), at module level
export const renameBox = syncToAsync((target: Box, name: string) =>
  atomic(() => { target.name = name; target.save(); return target; }));

export async function tour(): Promise<void> {
configure({
  database: 'app.sqlite3',                 // or ':memory:' (a private temporary file the pool shares, removed at exit)
  models: [require.resolve('./models')],   // every worker imports these modules
  workers: 2,                              // reader threads (default: cores)
  writers: 1,                              // writer threads: 1 on SQLite (more is refused), default 2 on PostgreSQL
  mainThread: 'allow',                     // 'forbid': sync database calls on the main thread throw
  queryTimeoutMs: 30_000,                  // default limit for async queries (0 = none)
  timeZone: 'UTC',                         // IANA zone that __year, __date, dates(), datetimes()… read datetimes in
});
createSchema();                            // or `await acreateSchema()` under mainThread: 'forbid'

const box = Box.objects.create({ name: 'large' });
const pizza = Pizza.objects.create({ name: 'Margherita', box, price: Price.objects.create({ amount: '9.50' }) });
pizza.toppings.add(Topping.objects.create({ name: 'basil' }));

Pizza.objects.filter({ name__startswith: 'M', box__name__icontains: 'large' }).orderBy('-name').eval();
Pizza.objects.filter(Q({ name: 'a' }).or(Q({ name: 'b' })).and(Q({ box: null }).not()));
Price.objects.filter({ amount__gt: F('amount').sub(1) }).update({ amount: F('amount').mul(2) });
Box.objects.annotate({ pizzas: Count('pizza') }).values('name', 'pizzas').eval();   // { name: string; pizzas: number }[]
Pizza.objects.aggregate({ total: Sum('price__amount') });   // { total: '19.00' }: decimals stay exact strings
const [topping, created] = Topping.objects.getOrCreate({ name: 'ham' });

Pizza.objects.distinct('box').orderBy('box', 'name');   // the first pizza of each box, by name

Pizza.objects.selectRelated('box', 'price').get({ name: 'Margherita' }).box;   // one query
Pizza.objects.prefetchRelated('toppings').eval();                              // two queries

for (const pizza of Pizza.objects.fetchMode(FETCH_PEERS)) pizza.box?.name;   // 2 queries, not 1 + N
const peers = await Pizza.aobjects.fetchMode(FETCH_PEERS);
await Promise.all(peers.map((pizza) => pizza.a.box));                       // one query, in one worker call
Pizza.objects.fetchMode(RAISE).get({ name: 'Funghi' }).box;                  // throws FieldFetchBlocked

const pizzas = await Pizza.aobjects.filter({ name__startswith: 'M' }).orderBy('-name').eval();
const first  = await Pizza.aobjects.get({ id: 1 });
const n      = await Pizza.aobjects.filter({ box: null }).count();
const same   = await Pizza.aobjects.filter({ name: 'x' });               // a queryset is thenable
for await (const p of Pizza.aobjects.filter({ box__name: 'large' })) {}   // streamed in chunks
for await (const p of Pizza.objects.prefetchRelated('toppings').aiterator({ chunkSize: 500 })) {}
const count  = await Pizza.objects.filter({ box: null }).acount();        // Django 4.1-style twins
await Pizza.aobjects.count({ signal: AbortSignal.timeout(100) });         // cancellation → QueryCancelled

const price = new Price({ amount: '12.00' });
await price.asave();                         // price.pk, defaults, autoNow stamps are filled in from the worker
const itsBox = await pizza.a.box;            // Box | null
const basil = await Topping.aobjects.get({ name: 'basil' });
await pizza.a.toppings.add(basil);           // async related managers: add remove clear set create getOrCreate updateOrCreate
if (itsBox) await itsBox.a.pizzaSet.valuesList('name', { flat: true });   // string[]
await pizza.adelete();                       // [total, { Pizza: 1, Pizza_toppings: 1 }]

atomic(() => { box.save(); });                // commit on return, rollback on throw, savepoints when nested
onCommit(() => console.log('committed'));     // after the outermost commit
await aatomic(async () => {                   // every ORM call awaited inside runs in one transaction
  const large = await Box.aobjects.get({ name: 'large' });
  await large.a.pizzaSet.create({ name: 'Marinara', price: await Price.aobjects.create({ amount: '8.00' }) });
});

expect(captureQueries(() => Pizza.objects.selectRelated('box').eval())).toHaveLength(1);
expect(await captureQueries(() => Pizza.aobjects.count())).toHaveLength(1);   // statements run in workers too
}
