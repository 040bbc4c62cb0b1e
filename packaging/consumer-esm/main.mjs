// An ESM app whose models and units are ES modules too.
import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { aatomic, close, configure, createSchema } from 'threadorm';
import { Book, Shelf } from './models.mjs';
import { shelve } from './units.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
configure({ database: ':memory:', models: [here('./models.mjs'), here('./units.mjs')], workers: 1 });
let checks = 0;
const check = (name, actual, expected) => {
  assert.deepStrictEqual(actual, expected, name);
  checks += 1;
};
try {
  createSchema();
  const top = Shelf.objects.create({ name: 'top' });
  Book.objects.create({ title: 'Emma', shelf: top });
  Book.objects.create({ title: 'Dune' });
  check('sync filter', Book.objects.filter({ shelf__name: 'top' }).valuesList('title', { flat: true }).eval(), ['Emma']);
  check('aobjects', (await Book.aobjects.all().eval()).map((b) => b.title), ['Dune', 'Emma']);
  const emma = await Book.aobjects.get({ title: 'Emma' });
  check('a.shelf', (await emma.a.shelf)?.name, 'top');
  const book = new Book({ title: 'Ulysses' });
  await book.asave();
  check('asave', typeof book.pk, 'number');
  await assert.rejects(aatomic(async () => {
    await Book.aobjects.create({ title: 'Doomed' });
    throw new Error('roll back');
  }), /roll back/);
  check('aatomic', await Book.aobjects.filter({ title: 'Doomed' }).count(), 0);
  const { moved, shelf } = await shelve('Dune', 'bottom');
  check('syncToAsync', [moved, shelf instanceof Shelf, shelf.name], [1, true, 'bottom']);
} finally {
  await close();
}
console.log(`tour (ESM models): ${checks} checks passed`);
