/**
 * Relation fields (sync API): ForeignKey / OneToOneField / ManyToManyField declarations, reverse names,
 * toField, the raw key attribute, assignment, the schema they produce, and the errors for bad input.
 */
import { FieldError, ForeignKey, IntegrityError, ManyToManyField, OneToOneField, schemaStatements } from '../../../src';
import { Box, Pizza, Price, Topping } from '../../models';
import { Article, Author, AuthorProfile, Band, Membership, Musician, Person, Review, Tag } from '../../relations';
import { clearPizzeria, useRelationsDatabase } from './setup';
import { sqliteOnlyTest } from '../test-database';

useRelationsDatabase();

beforeEach(() => clearPizzeria(Article, Review, AuthorProfile, Author, Tag));

let priceCounter = 0;
function newPrice(amount = '10.00'): Price {
  priceCounter++;
  return Price.objects.create({ amount, currency: `c${priceCounter}` });
}

/** Rows of sqlite_master for a table (through the public raw() API). */
function sqliteMaster(table: string): Array<{ type: string; name: string; sql: string | null }> {
  const rows = Box.objects.raw('SELECT rowid AS id, type, name, sql FROM sqlite_master WHERE tbl_name = ? ORDER BY name', [table]);
  return rows.map((row) => {
    const record = row as unknown as Record<string, unknown>;
    return { type: String(record.type), name: String(record.name), sql: (record.sql as string | null) ?? null };
  });
}

describe('field declarations', () => {
  test('a ForeignKey has a raw key attribute <name>Id stored in the column <name>_id', () => {
    const box = Pizza._meta.getField('box');
    expect(box).toBeInstanceOf(ForeignKey);
    expect(box.attname).toBe('boxId');
    expect(box.column).toBe('box_id');
    expect((box as ForeignKey).relatedModel).toBe(Box);
    // the attname finds the same field
    expect(Pizza._meta.getField('boxId')).toBe(box);
  });

  test('a OneToOneField is a unique ForeignKey', () => {
    const price = Pizza._meta.getField('price');
    expect(price).toBeInstanceOf(OneToOneField);
    expect(price).toBeInstanceOf(ForeignKey);
    expect(price.unique).toBe(true);
    expect(price.attname).toBe('priceId');
  });

  test('a ManyToManyField has no column and an auto-created through model Pizza_toppings', () => {
    const toppings = Pizza._meta.getField('toppings') as ManyToManyField;
    expect(toppings).toBeInstanceOf(ManyToManyField);
    expect(Pizza._meta.concreteFields).not.toContain(toppings);
    const { through, source, target } = Pizza._meta.through(toppings);
    expect(through._meta.label).toBe('Pizza_toppings');
    expect(through._meta.dbTable).toBe('pizza_toppings');
    expect(source.relatedModel).toBe(Pizza);
    expect(target.relatedModel).toBe(Topping);
  });

  test('an explicit through model is used as the intermediate table', () => {
    const members = Band._meta.getField('members') as ManyToManyField;
    const { through, source, target } = Band._meta.through(members);
    expect(through).toBe(Membership);
    expect(source.name).toBe('band');
    expect(target.name).toBe('musician');
  });

  test('default reverse accessors: <model>Set for a FK and M2M, <model> for a one-to-one', () => {
    const box = Box.objects.create({ name: 'b' });
    expect(Object.getOwnPropertyNames(Box.prototype)).toContain('pizzaSet');
    expect(Object.getOwnPropertyNames(Topping.prototype)).toContain('pizzaSet');
    expect(Object.getOwnPropertyNames(Price.prototype)).toContain('pizza');
    expect(box.pizzaSet.model).toBe(Pizza);
  });

  test('relatedName names the reverse accessor; relatedQueryName the reverse lookup', () => {
    const ann = Author.objects.create({ name: 'Ann', handle: 'ann' });
    const bob = Author.objects.create({ name: 'Bob', handle: 'bob' });
    Article.objects.create({ title: 'Hello', author: ann });
    expect(ann.articles.count()).toBe(1);
    expect(bob.articles.count()).toBe(0);
    expect(Author.objects.filter({ article__title: 'Hello' }).eval().map((a) => a.name)).toEqual(['Ann']);
    // with relatedQueryName set, the accessor name is not a lookup name (as Django)
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Author.objects.filter({ articles__title: 'Hello' })).toThrow(FieldError);
  });

  test("relatedName '+' hides the reverse accessor and the reverse lookup", () => {
    const ann = Author.objects.create({ name: 'Ann', handle: 'ann' });
    const article = Article.objects.create({ title: 'T', author: ann, editor: ann });
    expect(article.editor?.pk).toBe(ann.pk);
    // only the author FK gives Author an accessor: `articles` counts the authored article once
    expect(ann.articles.count()).toBe(1);
    // the M2M with relatedName '+' gives Tag no accessor
    const tag = Tag.objects.create({ label: 'x' });
    article.tags.add(tag);
    const tagAccessors = Object.getOwnPropertyNames(Tag.prototype);
    expect(tagAccessors.some((name) => /article/i.test(name))).toBe(false);
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Tag.objects.filter({ article__title: 'T' })).toThrow(FieldError);
    // the forward side works
    expect(article.tags.eval().map((t) => t.label)).toEqual(['x']);
    expect(Article.objects.filter({ tags__label: 'x' }).count()).toBe(1);
  });

  test('the FieldError for an unknown reverse name lists real choices (no empty names)', () => {
    let error: unknown;
    try {
      // @ts-expect-error misuse on purpose: the run-time check is under test
      Tag.objects.filter({ nothing: 1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FieldError);
    const message = (error as Error).message;
    expect(message).toContain("'nothing'");
    const choices = message.slice(message.indexOf('Choices are:') + 'Choices are:'.length).replace(/\.$/, '');
    const names = choices.split(',').map((name) => name.trim());
    expect(names).toContain('label');
    expect(names).not.toContain('');
  });
});

describe('toField', () => {
  test('the key holds the target field value, and both directions work', () => {
    const ann = Author.objects.create({ name: 'Ann', handle: 'ann' });
    const review = Review.objects.create({ author: ann, stars: 5 });
    expect(review.authorId).toBe('ann');
    const fresh = Review.objects.get({ pk: review.pk });
    expect(fresh.authorId).toBe('ann');
    expect(fresh.author.name).toBe('Ann');
    expect(ann.reviews.eval().map((r) => r.pk)).toEqual([review.pk]);
    expect(Review.objects.filter({ author: ann }).count()).toBe(1);
    expect(Review.objects.filter({ author: 'ann' }).count()).toBe(1);
    expect(Review.objects.filter({ author__name: 'Ann' }).count()).toBe(1);
    expect(Author.objects.filter({ reviews__stars: 5 }).eval().map((a) => a.handle)).toEqual(['ann']);
    expect(Review.objects.values('author').eval()).toEqual([{ author: 'ann' }]);
  });

  test('managers, selectRelated, prefetchRelated and CASCADE follow the target column', () => {
    const ann = Author.objects.create({ name: 'Ann', handle: 'ann' });
    const bob = Author.objects.create({ name: 'Bob', handle: 'bob' });
    const review = Review.objects.create({ author: bob, stars: 1 });
    ann.reviews.add(review);
    expect(Review.objects.get({ pk: review.pk }).authorId).toBe('ann');
    ann.reviews.create({ stars: 2 });
    const [, created] = bob.reviews.getOrCreate({ stars: 5 });
    expect(created).toBe(true);

    const joined = Review.objects.selectRelated('author').orderBy('stars').eval();
    expect(joined.map((r) => r.author.handle)).toEqual(['ann', 'ann', 'bob']);
    const authors = Author.objects.prefetchRelated('reviews').orderBy('name').eval();
    expect(authors.map((a) => a.reviews.all().eval().map((r) => r.stars))).toEqual([[1, 2], [5]]);

    expect(ann.delete()).toEqual([3, { Author: 1, Review: 2 }]);
    expect(Review.objects.valuesList('authorId', { flat: true }).eval()).toEqual(['bob']);
  });

  test('a key that does not exist in the target column is refused by the FOREIGN KEY constraint', () => {
    expect(() => Review.objects.create({ authorId: 'nobody' } as never)).toThrow(IntegrityError);
    expect(Review.objects.count()).toBe(0);
  });

  sqliteOnlyTest('the schema references the target column (reads the SQLite catalogue)', () => {
    const statement = schemaStatements().find((sql) => sql.includes('TABLE IF NOT EXISTS "review"'))!;
    expect(statement).toMatch(/"author_id" varchar\(30\) NOT NULL REFERENCES "author" \("handle"\)/);
  });
});

describe('raw key attribute', () => {
  test('boxId works as a constructor key', () => {
    const box = Box.objects.create({ name: 'square' });
    const price = newPrice();
    const pizza = new Pizza({ name: 'Margherita', boxId: box.pk, priceId: price.pk });
    pizza.save();
    const fresh = Pizza.objects.get({ pk: pizza.pk });
    expect(fresh.boxId).toBe(box.pk);
    expect(fresh.box?.name).toBe('square');
    expect(fresh.price.pk).toBe(price.pk);
  });

  test('boxId works as a filter key, with lookups', () => {
    const a = Box.objects.create({ name: 'a' });
    const b = Box.objects.create({ name: 'b' });
    Pizza.objects.create({ name: 'p1', box: a, price: newPrice() });
    Pizza.objects.create({ name: 'p2', box: b, price: newPrice() });
    Pizza.objects.create({ name: 'p3', price: newPrice() });
    expect(Pizza.objects.filter({ boxId: a.pk }).eval().map((p) => p.name)).toEqual(['p1']);
    expect(Pizza.objects.filter({ boxId__in: [a.pk, b.pk] }).eval().map((p) => p.name)).toEqual(['p1', 'p2']);
    expect(Pizza.objects.filter({ boxId__isnull: true }).eval().map((p) => p.name)).toEqual(['p3']);
    expect(Pizza.objects.filter({ boxId: null }).eval().map((p) => p.name)).toEqual(['p3']);
  });

  test('values() with no names gives the key under boxId; values("box") gives it under box', () => {
    const box = Box.objects.create({ name: 'a' });
    const price = newPrice();
    const pizza = Pizza.objects.create({ name: 'p', box, price });
    expect(Pizza.objects.values().eval()).toEqual([{ id: pizza.pk, name: 'p', boxId: box.pk, priceId: price.pk }]);
    expect(Pizza.objects.values('box').eval()).toEqual([{ box: box.pk }]);
    expect(Pizza.objects.values('boxId').eval()).toEqual([{ boxId: box.pk }]);
    expect(Pizza.objects.values('box__name').eval()).toEqual([{ box__name: 'a' }]);
    expect(Pizza.objects.valuesList('box', { flat: true }).eval()).toEqual([box.pk]);
  });

  test('toJSON() uses the raw key attribute', () => {
    const box = Box.objects.create({ name: 'a' });
    const pizza = Pizza.objects.create({ name: 'p', box, price: newPrice() });
    expect(pizza.toJSON()).toMatchObject({ name: 'p', boxId: box.pk });
    expect(pizza.toJSON()).not.toHaveProperty('box');
  });
});

describe('assignment', () => {
  test('assigning an instance sets the key; assigning the key resets the instance', () => {
    const a = Box.objects.create({ name: 'a' });
    const b = Box.objects.create({ name: 'b' });
    const pizza = Pizza.objects.create({ name: 'p', box: a, price: newPrice() });
    pizza.box = b;
    expect(pizza.boxId).toBe(b.pk);
    expect(pizza.box).toBe(b);
    pizza.save();
    expect(Pizza.objects.get({ pk: pizza.pk }).boxId).toBe(b.pk);

    pizza.boxId = a.pk;
    expect(pizza.box?.name).toBe('a');
    pizza.save();
    expect(Pizza.objects.get({ pk: pizza.pk }).box?.name).toBe('a');
  });

  test('assigning a key to the relation attribute stores it as the raw key', () => {
    const a = Box.objects.create({ name: 'a' });
    const pizza = Pizza.objects.create({ name: 'p', price: newPrice() });
    (pizza as unknown as { box: unknown }).box = a.pk;
    expect(pizza.boxId).toBe(a.pk);
    expect(pizza.box?.name).toBe('a');
  });

  test('assigning null clears both', () => {
    const a = Box.objects.create({ name: 'a' });
    const pizza = Pizza.objects.create({ name: 'p', box: a, price: newPrice() });
    pizza.box = null;
    expect(pizza.boxId).toBeNull();
    expect(pizza.box).toBeNull();
    pizza.save();
    expect(Pizza.objects.get({ pk: pizza.pk }).boxId).toBeNull();
  });

  test('the constructor accepts an instance or a key', () => {
    const a = Box.objects.create({ name: 'a' });
    const byInstance = new Pizza({ name: 'x', box: a });
    const byKey = new Pizza({ name: 'y', boxId: a.pk });
    expect(byInstance.boxId).toBe(a.pk);
    expect(byKey.boxId).toBe(a.pk);
    expect(byKey.box?.pk).toBe(a.pk);
  });

  test('a related instance saved after the assignment is picked up by save()', () => {
    const box = new Box({ name: 'late' });
    const pizza = new Pizza({ name: 'p', box, price: newPrice() });
    expect(pizza.boxId).toBeNull();
    box.save();
    pizza.save();
    expect(Pizza.objects.get({ pk: pizza.pk }).boxId).toBe(box.pk);
  });

  test('a one-to-one can be read from both sides after assignment', () => {
    const price = newPrice('5.00');
    const pizza = Pizza.objects.create({ name: 'p', price });
    expect(pizza.price).toBe(price);
    expect(Price.objects.get({ pk: price.pk }).pizza.pk).toBe(pizza.pk);
  });
});

describe('writing relations through querysets', () => {
  test('update() takes an instance, a key or null for a FK, and the raw key attribute', () => {
    const a = Box.objects.create({ name: 'a' });
    const b = Box.objects.create({ name: 'b' });
    const pizza = Pizza.objects.create({ name: 'p', price: newPrice() });
    expect(Pizza.objects.filter({ pk: pizza.pk }).update({ box: a })).toBe(1);
    expect(Pizza.objects.get({ pk: pizza.pk }).boxId).toBe(a.pk);
    Pizza.objects.filter({ pk: pizza.pk }).update({ box: b.pk });
    expect(Pizza.objects.get({ pk: pizza.pk }).boxId).toBe(b.pk);
    Pizza.objects.filter({ pk: pizza.pk }).update({ boxId: a.pk });
    expect(Pizza.objects.get({ pk: pizza.pk }).boxId).toBe(a.pk);
    Pizza.objects.filter({ pk: pizza.pk }).update({ box: null });
    expect(Pizza.objects.get({ pk: pizza.pk }).boxId).toBeNull();
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.update({ box: Topping.objects.create({ name: 'x' }) })).toThrow(TypeError);
  });

  test('update() filtered across a relation updates each matching row once', () => {
    const a = Box.objects.create({ name: 'a' });
    Pizza.objects.create({ name: 'p', box: a, price: newPrice() }).toppings.add(
      Topping.objects.create({ name: 't1' }),
      Topping.objects.create({ name: 't2' }),
    );
    Pizza.objects.create({ name: 'q', price: newPrice() });
    expect(Pizza.objects.filter({ toppings__name__startswith: 't' }).update({ name: 'renamed' })).toBe(1);
    expect(Pizza.objects.filter({ box__name: 'a' }).get().name).toBe('renamed');
  });

  test('bulkCreate() with related instances and keys', () => {
    const a = Box.objects.create({ name: 'a' });
    Pizza.objects.bulkCreate([
      new Pizza({ name: 'x', box: a, price: newPrice() }),
      new Pizza({ name: 'y', boxId: a.pk, price: newPrice() }),
    ]);
    expect(a.pizzaSet.count()).toBe(2);
  });

  test('getOrCreate() with relation lookups', () => {
    const a = Box.objects.create({ name: 'a' });
    const [made, created] = Pizza.objects.getOrCreate({ name: 'x', box: a }, { defaults: { price: newPrice() } });
    expect(created).toBe(true);
    expect(made.boxId).toBe(a.pk);
    const [found, again] = Pizza.objects.getOrCreate({ name: 'x', box__name: 'a' }, { defaults: { price: newPrice() } });
    expect(again).toBe(false);
    expect(found.pk).toBe(made.pk);
  });

  test('refreshFromDb() drops a related instance the database no longer points at', () => {
    const a = Box.objects.create({ name: 'a' });
    const b = Box.objects.create({ name: 'b' });
    const pizza = Pizza.objects.create({ name: 'p', box: a, price: newPrice() });
    expect(pizza.box?.name).toBe('a');
    Pizza.objects.filter({ pk: pizza.pk }).update({ box: b });
    pizza.refreshFromDb();
    expect(pizza.boxId).toBe(b.pk);
    expect(pizza.box?.name).toBe('b');
  });
});

describe('bad input', () => {
  test('assigning an instance of the wrong model is a TypeError and changes nothing', () => {
    const box = Box.objects.create({ name: 'a' });
    const pizza = Pizza.objects.create({ name: 'p', box, price: newPrice() });
    const topping = Topping.objects.create({ name: 'ham' });
    expect(() => {
      (pizza as unknown as { box: unknown }).box = topping;
    }).toThrow(TypeError);
    expect(pizza.boxId).toBe(box.pk);
    expect(() => {
      (pizza as unknown as { box: unknown }).box = topping;
    }).toThrow(/Box/);
  });

  test('the constructor refuses an instance of the wrong model', () => {
    const topping = Topping.objects.create({ name: 'ham' });
    expect(() => new Pizza({ name: 'p', box: topping as never })).toThrow(TypeError);
    expect(() => Pizza.objects.create({ name: 'p', box: topping as never, price: newPrice() })).toThrow(TypeError);
    expect(Pizza.objects.count()).toBe(0);
  });

  test('an unknown constructor key is a TypeError', () => {
    expect(() => new Pizza({ name: 'p', crust: 'thin' } as never)).toThrow(TypeError);
    expect(() => new Pizza({ name: 'p', crust: 'thin' } as never)).toThrow(/crust/);
  });

  test('a many-to-many cannot be assigned directly', () => {
    const pizza = Pizza.objects.create({ name: 'p', price: newPrice() });
    const topping = Topping.objects.create({ name: 'ham' });
    expect(() => new Pizza({ name: 'q', toppings: [topping] } as never)).toThrow(TypeError);
    expect(() => {
      (pizza as unknown as { toppings: unknown }).toppings = [topping];
    }).toThrow(/set\(\)/);
    expect(pizza.toppings.count()).toBe(0);
  });

  test('save() refuses an unsaved related instance with a clear error, writing nothing', () => {
    const box = new Box({ name: 'unsaved' });
    const pizza = new Pizza({ name: 'p', box, price: newPrice() });
    expect(() => pizza.save()).toThrow(/unsaved related object 'box'/);
    expect(Pizza.objects.count()).toBe(0);
    expect(Box.objects.count()).toBe(0);
    expect(pizza.pk).toBeNull();
  });

  test('create() refuses an unsaved related instance too', () => {
    const price = new Price({ amount: '1.00' });
    expect(() => Pizza.objects.create({ name: 'p', price })).toThrow(/price/);
    expect(Pizza.objects.count()).toBe(0);
  });

  test('filtering by an instance of the wrong model is a TypeError', () => {
    const topping = Topping.objects.create({ name: 'ham' });
    // @ts-expect-error misuse on purpose: the run-time check is under test
    expect(() => Pizza.objects.filter({ box: topping })).toThrow(TypeError);
  });

  test('filtering by an unsaved instance is an error', () => {
    expect(() => Pizza.objects.filter({ box: new Box({ name: 'x' }) }).eval()).toThrow(/unsaved/);
  });

  test('a key that points nowhere is refused by the FOREIGN KEY constraint', () => {
    expect(() => Pizza.objects.create({ name: 'p', boxId: 999_999, price: newPrice() } as never)).toThrow(IntegrityError);
    expect(Pizza.objects.filter({ name: 'p' }).count()).toBe(0);
  });

  test('a second row on the same one-to-one target is an IntegrityError', () => {
    const price = newPrice();
    Pizza.objects.create({ name: 'p', price });
    expect(() => Pizza.objects.create({ name: 'q', price })).toThrow(IntegrityError);
    expect(Pizza.objects.count()).toBe(1);
  });
});

describe('schema', () => {
  sqliteOnlyTest('foreign keys become REFERENCES clauses, deferred (reads the SQLite catalogue)', () => {
    const pizza = schemaStatements().find((sql) => sql.includes('TABLE IF NOT EXISTS "pizza" '))!;
    expect(pizza).toMatch(/"box_id" integer NULL REFERENCES "box" \("id"\) DEFERRABLE INITIALLY DEFERRED/);
    expect(pizza).toMatch(/"price_id" integer NOT NULL UNIQUE REFERENCES "price" \("id"\)/);
    const person = schemaStatements().find((sql) => sql.includes('TABLE IF NOT EXISTS "person" '))!;
    expect(person).toMatch(/"mentor_id" integer NULL REFERENCES "person" \("id"\)/);
  });

  sqliteOnlyTest('key columns are indexed (reads the SQLite catalogue)', () => {
    const statements = schemaStatements();
    expect(statements).toContainEqual(expect.stringMatching(/CREATE INDEX .* ON "pizza" \("box_id"\)/));
    expect(statements).toContainEqual(expect.stringMatching(/CREATE INDEX .* ON "membership" \("band_id"\)/));
    const master = sqliteMaster('pizza');
    const indexSql = master.filter((row) => row.type === 'index').map((row) => row.sql ?? row.name).join('\n');
    expect(indexSql).toContain('box_id');
    // the unique one-to-one column gets SQLite's automatic unique index
    expect(master.some((row) => row.type === 'index' && row.name.startsWith('sqlite_autoindex_pizza'))).toBe(true);
  });

  sqliteOnlyTest('the auto M2M table has both keys, each indexed, and a unique pair (reads the SQLite catalogue)', () => {
    const master = sqliteMaster('pizza_toppings');
    const table = master.find((row) => row.type === 'table')!;
    expect(table.sql).toMatch(/"pizza_id" integer NOT NULL REFERENCES "pizza" \("id"\)/);
    expect(table.sql).toMatch(/"topping_id" integer NOT NULL REFERENCES "topping" \("id"\)/);
    expect(table.sql).toMatch(/UNIQUE \("pizza_id", "topping_id"\)/);
    const indexes = master.filter((row) => row.type === 'index').map((row) => row.sql ?? '').join('\n');
    expect(indexes).toContain('("pizza_id")');
    expect(indexes).toContain('("topping_id")');
  });

  test('the unique pair is enforced', () => {
    const pizza = Pizza.objects.create({ name: 'p', price: newPrice() });
    const topping = Topping.objects.create({ name: 'ham' });
    pizza.toppings.add(topping);
    const through = Pizza._meta.through(Pizza._meta.getField('toppings') as ManyToManyField).through;
    expect(() => through.objects.create({ pizza, topping })).toThrow(IntegrityError);
    expect(through.objects.filter({ pizza }).count()).toBe(1);
  });

  sqliteOnlyTest('a self-referential M2M table names its keys from_<model>_id / to_<model>_id (reads the SQLite catalogue)', () => {
    const master = sqliteMaster('person_friends');
    const table = master.find((row) => row.type === 'table')!;
    expect(table.sql).toMatch(/"from_person_id" integer NOT NULL REFERENCES "person"/);
    expect(table.sql).toMatch(/"to_person_id" integer NOT NULL REFERENCES "person"/);
    expect(table.sql).toMatch(/UNIQUE \("from_person_id", "to_person_id"\)/);
  });

  test('dbConstraint: false leaves the REFERENCES clause out', () => {
    const loose = schemaStatements().find((sql) => sql.includes('TABLE IF NOT EXISTS "loose_ref"'))!;
    expect(loose).not.toContain('REFERENCES');
    expect(loose).toContain('"target_id" integer NOT NULL');
  });

  sqliteOnlyTest('every model of both modules has its table (reads the SQLite catalogue)', () => {
    const tables = Box.objects
      .raw("SELECT rowid AS id, name FROM sqlite_master WHERE type = 'table'")
      .map((row) => (row as unknown as { name: string }).name);
    for (const model of [Pizza, Topping, Box, Price, Person, Band, Musician, Membership, Author, Article, Review, Tag, AuthorProfile]) {
      expect(tables).toContain(model._meta.dbTable);
    }
    expect(tables).toEqual(expect.arrayContaining(['pizza_toppings', 'person_friends', 'person_following', 'article_tags']));
  });
});

describe('the raw key attribute and the related-instance cache', () => {
  it('clearing boxId after the box was loaded is what save() writes', () => {
    const box = Box.objects.create({ name: 'cached' });
    const pizza = Pizza.objects.create({ name: 'P', box, price: Price.objects.create({ amount: '1.00' }) });
    const loaded = Pizza.objects.selectRelated('box').get({ pk: pizza.pk });
    expect(loaded.box?.name).toBe('cached');
    loaded.boxId = null;
    loaded.save();
    expect(Pizza.objects.get({ pk: pizza.pk }).boxId).toBeNull();
    expect(loaded.box).toBeNull();
  });

  it('an instance assigned while unsaved gives its key once saved', () => {
    const box = new Box({ name: 'later' });
    const pizza = new Pizza({ name: 'Q', price: Price.objects.create({ amount: '2.00' }) });
    pizza.box = box;
    expect(() => pizza.save()).toThrow(/unsaved related object 'box'/);
    box.save();
    pizza.save();
    expect(Pizza.objects.get({ pk: pizza.pk }).boxId).toBe(box.pk);
  });
});
