/**
 * Ports of Django's tests/model_inheritance/tests.py and a selection of tests/model_inheritance_regress/tests.py:
 * abstract bases, multi-table inheritance (a child's own table linked to its parent's by a one-to-one that is
 * its primary key) and three-level chains. The models are in inheritance-models.ts.
 */
import { CASCADE, captureQueries, CharField, FieldError, ForeignKey, ImproperlyConfigured, Max, Model, NotSupportedError, type ModelMeta } from '../../../src';
import { Apps } from '../../../src/models/registry';
import { getConnection } from '../../../src/db/connections';
import {
  Chef,
  Child,
  CommonInfo,
  Comment,
  GrandParent,
  ItalianRestaurant,
  Link,
  Brochure,
  Parent,
  ParkingLot,
  Place,
  Post,
  Restaurant,
  Student,
  Supplier,
  Worker,
} from './inheritance-models';
import { emptyTables, useParityDatabase } from './setup';

useParityDatabase({ models: [require.resolve('./inheritance-models')] });

const names = (items: Iterable<{ name: string }>) => [...items].map((item) => item.name);
const sqlOf = (fn: () => unknown) => captureQueries(fn).map((query) => query.sql);

beforeEach(() => emptyTables());

describe('model_inheritance.tests.ModelInheritanceTests', () => {
  test('model_inheritance.tests.ModelInheritanceTests.test_abstract', () => {
    const w1 = Worker.objects.create({ name: 'Fred', age: 35, job: 'Quarry worker' });
    Worker.objects.create({ name: 'Barney', age: 34, job: 'Quarry worker' });
    const s = Student.objects.create({ name: 'Pebbles', age: 5, schoolClass: '1B' });
    expect(String(w1)).toBe('Worker Fred');
    expect(String(s)).toBe('Student Pebbles');
    // The children inherit the meta of their abstract parent (if they don't specify their own).
    expect(Worker.objects.values('name').eval()).toEqual([{ name: 'Barney' }, { name: 'Fred' }]);
    expect(Worker._meta.ordering).toEqual(['name']);
    // getLatestBy passes the same way, also to Student, whose own meta sets other keys.
    expect(Worker.objects.latest().name).toBe('Fred');
    expect(Student._meta.getLatestBy).toBe('age');
    // Student's own ordering ([]) overrides it.
    expect(Student._meta.ordering).toEqual([]);
    // The abstract CommonInfo cannot be used as a model: no manager, no instance, no table.
    expect(() => (CommonInfo as unknown as typeof Model).objects.all()).toThrow(/CommonInfo is abstract and has no table/);
    expect(() => new (CommonInfo as unknown as new (values: object) => Model)({ name: 'x' })).toThrow(/CommonInfo is abstract/);
  });

  test('model_inheritance.tests.ModelInheritanceTests.test_reverse_relation_for_different_hierarchy_tree', () => {
    // Even though p.supplier for a Place 'p' (a parent of a Supplier), a Restaurant object cannot access that
    // reverse relation, since it's not part of the Place-Supplier hierarchy.
    expect(Place.objects.filter({ supplier__name: 'foo' }).eval()).toEqual([]);
    expect(() => Restaurant.objects.filter({ supplier__name: 'foo' } as never)).toThrow(FieldError);
  });

  test('model_inheritance.tests.ModelInheritanceTests.test_model_with_distinct_accessors', () => {
    // The Post model has distinct accessors for the Comment and Link models.
    const post = Post.objects.create({ title: 'Lorem Ipsum' });
    post.attachedCommentSet.create({ content: 'Save $ on V1agr@', isSpam: true });
    post.attachedLinkSet.create({ content: 'The Web framework for perfections with deadlines.', url: 'http://www.djangoproject.com/' });
    // The Post model doesn't have an attribute called 'attached%(class)sSet'.
    expect('attached%(class)sSet' in post).toBe(false);
    expect(Comment.objects.get({ post }).isSpam).toBe(true);
    expect(Link.objects.get({ post }).url).toBe('http://www.djangoproject.com/');
    expect(Post.objects.filter({ attachedComment__isSpam: true } as never).count()).toBe(1);
  });

  test('model_inheritance.tests.ModelInheritanceTests.test_meta_fields_and_ordering', () => {
    // Make sure Restaurant and ItalianRestaurant have the right fields in the right order.
    expect(Restaurant._meta.fields.map((field) => field.name)).toEqual(['id', 'name', 'address', 'placePtr', 'rating', 'servesHotDogs', 'servesPizza', 'chef']);
    expect(ItalianRestaurant._meta.fields.map((field) => field.name)).toEqual([
      'id', 'name', 'address', 'placePtr', 'rating', 'servesHotDogs', 'servesPizza', 'chef', 'restaurantPtr', 'servesGnocchi',
    ]);
    expect(Restaurant._meta.ordering).toEqual(['-rating']);
    // ItalianRestaurant declares no ordering: it takes its parent's, as in Django.
    expect(ItalianRestaurant._meta.ordering).toEqual(['-rating']);
    expect(Restaurant._meta.pk.name).toBe('placePtr');
    expect(Restaurant._meta.pk.column).toBe('place_ptr_id');
    expect(Restaurant._meta.localConcreteFields.map((field) => field.column)).toEqual(['place_ptr_id', 'rating', 'serves_hot_dogs', 'serves_pizza', 'chef_id']);
  });

  test('model_inheritance.tests.ModelInheritanceTests.test_update_parent_filtering', () => {
    // Updating a field of a model subclass doesn't issue an UPDATE query constrained by an inner query.
    const supplier = Supplier.objects.create({ name: 'Central market', address: '610 some street' });
    const expected = sqlOf(() => Place.objects.filter({ pk: supplier.pk }).update({ name: supplier.name }));
    const updates = sqlOf(() => supplier.save({ updateFields: ['name'] })).filter((sql) => sql.includes('UPDATE'));
    expect(updates.length).toBe(1);
    expect(updates[0]).not.toMatch(/SELECT/);
    expect(expected[0]).toContain('UPDATE');
  });

  test('model_inheritance.tests.ModelInheritanceTests.test_eq', () => {
    // Equality doesn't transfer in multitable inheritance.
    expect(new Place({ id: 1 })).not.toBeInstanceOf(Restaurant);
    expect(new Restaurant({ id: 1 })).toBeInstanceOf(Place);
  });
});

describe('model_inheritance.tests.ModelInheritanceDataTests', () => {
  let restaurant: Restaurant;
  let italianRestaurant: ItalianRestaurant;
  let chef: Chef;

  beforeEach(() => {
    restaurant = Restaurant.objects.create({ name: 'Demon Dogs', address: '944 W. Fullerton', servesHotDogs: true, servesPizza: false, rating: 2 });
    chef = Chef.objects.create({ name: 'Albert' });
    italianRestaurant = ItalianRestaurant.objects.create({
      name: 'Ristorante Miron', address: '1234 W. Ash', servesHotDogs: false, servesPizza: false, servesGnocchi: true, rating: 4, chef,
    });
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_filter_inherited_model', () => {
    expect(names(ItalianRestaurant.objects.filter({ address: '1234 W. Ash' }))).toEqual(['Ristorante Miron']);
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_update_inherited_model', () => {
    italianRestaurant.address = '1234 W. Elm';
    italianRestaurant.save();
    expect(names(ItalianRestaurant.objects.filter({ address: '1234 W. Elm' }))).toEqual(['Ristorante Miron']);
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_parent_fields_available_for_filtering_in_child_model', () => {
    expect(names(Restaurant.objects.filter({ name: 'Demon Dogs' }))).toEqual(['Demon Dogs']);
    expect(names(ItalianRestaurant.objects.filter({ address: '1234 W. Ash' }))).toEqual(['Ristorante Miron']);
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_filter_on_parent_returns_object_of_parent_type', () => {
    const p = Place.objects.get({ name: 'Demon Dogs' });
    expect(p.constructor).toBe(Place);
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_parent_child_one_to_one_link', () => {
    // The parent reaches the child through the automatic one-to-one, named after the child.
    expect(Place.objects.get({ name: 'Demon Dogs' }).restaurant.pk).toBe(Restaurant.objects.get({ name: 'Demon Dogs' }).pk);
    const italian = Place.objects.get({ name: 'Ristorante Miron' }).restaurant.italianRestaurant;
    expect(italian).toBeInstanceOf(ItalianRestaurant);
    expect(italian.pk).toBe(ItalianRestaurant.objects.get({ name: 'Ristorante Miron' }).pk);
    expect(Restaurant.objects.get({ name: 'Ristorante Miron' }).italianRestaurant.servesGnocchi).toBe(true);
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_parent_child_one_to_one_link_on_nonrelated_objects', () => {
    // This won't work because the Demon Dogs restaurant is not an Italian restaurant.
    expect(() => Place.objects.get({ name: 'Demon Dogs' }).restaurant.italianRestaurant).toThrow(ItalianRestaurant.DoesNotExist);
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_inherited_does_not_exist_exception', () => {
    // An ItalianRestaurant which does not exist is also a Place which does not exist.
    expect(() => ItalianRestaurant.objects.get({ name: 'The Noodle Void' })).toThrow(Place.DoesNotExist);
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_inherited_multiple_objects_returned_exception', () => {
    // MultipleObjectsReturned is also inherited.
    expect(() => Restaurant.objects.get({ id__lt: 12321 })).toThrow(Place.MultipleObjectsReturned);
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_related_objects_for_inherited_models', () => {
    const s1 = Supplier.objects.create({ name: "Joe's Chickens", address: '123 Sesame St' });
    s1.customers.set([restaurant, italianRestaurant]);
    const s2 = Supplier.objects.create({ name: "Luigi's Pasta", address: '456 Sesame St' });
    s2.customers.set([italianRestaurant]);
    // This won't work because the Place we select is not a Restaurant (it's a Supplier).
    const p = Place.objects.get({ name: "Joe's Chickens" });
    expect(() => p.restaurant).toThrow(Restaurant.DoesNotExist);
    expect(p.supplier.pk).toBe(s1.pk);
    expect(names(italianRestaurant.provider.orderBy('-name'))).toEqual(["Luigi's Pasta", "Joe's Chickens"]);
    expect(names(Restaurant.objects.filter({ provider__name__contains: 'Chickens' }))).toEqual(['Ristorante Miron', 'Demon Dogs']);
    expect(names(ItalianRestaurant.objects.filter({ provider__name__contains: 'Chickens' }))).toEqual(['Ristorante Miron']);
    ParkingLot.objects.create({ name: 'Main St', address: '111 Main St', mainSite: s1 });
    ParkingLot.objects.create({ name: 'Well Lit', address: '124 Sesame St', mainSite: italianRestaurant });
    expect(Restaurant.objects.get({ lot__name: 'Well Lit' } as never).name).toBe('Ristorante Miron');
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_update_works_on_parent_and_child_models_at_once', () => {
    // update() can update fields in parent and child classes at once (with one UPDATE per table).
    const rows = Restaurant.objects.filter({ servesHotDogs: true, name__contains: 'D' }).update({ name: 'Demon Puppies', servesHotDogs: false });
    expect(rows).toBe(1);
    const r1 = Restaurant.objects.get({ pk: restaurant.pk });
    expect(r1.servesHotDogs).toBe(false);
    expect(r1.name).toBe('Demon Puppies');
    // The other restaurant's rows are untouched.
    expect(Place.objects.get({ pk: italianRestaurant.pk }).name).toBe('Ristorante Miron');
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_values_works_on_parent_model_fields', () => {
    expect(ItalianRestaurant.objects.values('name', 'rating').eval()).toEqual([{ rating: 4, name: 'Ristorante Miron' }]);
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_select_related_works_on_parent_model_fields', () => {
    // selectRelated works with fields from the parent object as if they were a normal part of the model.
    expect(captureQueries(() => ItalianRestaurant.objects.all().first()!.chef).length).toBe(2);
    expect(captureQueries(() => ItalianRestaurant.objects.selectRelated('chef').first()!.chef!.name).length).toBe(1);
    expect(ItalianRestaurant.objects.selectRelated('chef').first()!.chef!.name).toBe('Albert');
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_select_related_defer', () => {
    // Child fields can be deferred when using selectRelated() from parent to child.
    const qs = Restaurant.objects.selectRelated('italianRestaurant' as never).orderBy('rating');
    const objs = qs.eval();
    expect(objs.map((r) => r.name)).toEqual(['Demon Dogs', 'Ristorante Miron']);
    expect(captureQueries(() => objs[1]!.italianRestaurant.servesGnocchi).length).toBe(0);
    expect(objs[1]!.italianRestaurant.name).toBe('Ristorante Miron');
    expect(objs[1]!.italianRestaurant.rating).toBe(4);
    expect(() => objs[0]!.italianRestaurant).toThrow(ItalianRestaurant.DoesNotExist);
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_update_query_counts', () => {
    // Saving a child of two parents: one UPDATE per table, nothing else.
    const queries = sqlOf(() => italianRestaurant.save()).filter((sql) => !/SAVEPOINT|BEGIN|COMMIT|RELEASE/i.test(sql));
    expect(queries.length).toBe(3);
    expect(queries.every((sql) => sql.startsWith('UPDATE'))).toBe(true);
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_filter_inherited_on_null', () => {
    Supplier.objects.create({ name: 'Central market', address: '610 some street' });
    expect(names(Place.objects.filter({ supplier__isnull: false }))).toEqual(['Central market']);
    expect(names(Place.objects.filter({ supplier__isnull: true }).orderBy('name'))).toEqual(['Demon Dogs', 'Ristorante Miron']);
  });

  test('model_inheritance.tests.ModelInheritanceDataTests.test_exclude_inherited_on_null', () => {
    Supplier.objects.create({ name: 'Central market', address: '610 some street' });
    expect(names(Place.objects.exclude({ supplier__isnull: false }).orderBy('name'))).toEqual(['Demon Dogs', 'Ristorante Miron']);
    expect(names(Place.objects.exclude({ supplier__isnull: true }))).toEqual(['Central market']);
  });
});

describe('model_inheritance_regress.tests.ModelInheritanceTest', () => {
  test('model_inheritance_regress.tests.ModelInheritanceTest.test_model_inheritance', () => {
    // Regression for #7350, #7202: when you create a Parent object with a specific reference to an existent
    // child instance, saving the Parent doesn't duplicate the child.
    const place1 = Place.objects.create({ name: 'Guido', address: 'Guido' });
    const restaurant = new Restaurant({ name: "Guido's House of Pasta", address: '944 W. Fullerton', servesHotDogs: true, servesPizza: false });
    restaurant.save();
    const italian = new ItalianRestaurant({ name: "Ristorante Miron", address: '1234 W. Elm', servesHotDogs: false, servesPizza: false, servesGnocchi: true });
    italian.save();
    // Saving the child of two parents a second time updates all three rows, creating none.
    italian.servesGnocchi = false;
    italian.address = '1234 W. Ash';
    italian.save();
    expect(Place.objects.count()).toBe(3);
    expect(Restaurant.objects.count()).toBe(2);
    expect(ItalianRestaurant.objects.values('name', 'address', 'servesGnocchi').eval()).toEqual([{ name: 'Ristorante Miron', address: '1234 W. Ash', servesGnocchi: false }]);
    // The keys of every table of the chain agree.
    // The automatic links are attributes too (untyped: `pk` is the typed name of the key).
    const keys = italian as unknown as Record<string, unknown>;
    expect([italian.id, keys.placePtrId, keys.restaurantPtrId]).toEqual([italian.pk, italian.pk, italian.pk]);
    expect(place1.pk).not.toBe(italian.pk);
  });

  test('model_inheritance_regress.tests.ModelInheritanceTest.test_issue_7105', () => {
    // Regression test for #7105: dates() queries should be able to use fields from the parent model as easily
    // as the child model; here ordering and values() over a parent field.
    Restaurant.objects.create({ name: 'b', address: 'x', rating: 1 });
    Restaurant.objects.create({ name: 'a', address: 'y', rating: 2 });
    expect(Restaurant.objects.orderBy('name').valuesList('name', { flat: true }).eval()).toEqual(['a', 'b']);
    expect(Restaurant.objects.orderBy('-address').valuesList('address', { flat: true }).eval()).toEqual(['y', 'x']);
  });

  test('model_inheritance_regress.tests.ModelInheritanceTest.test_issue_7276', () => {
    // Regression test for #7276: calling delete() on a model with multi-table inheritance should delete the
    // associated rows from any ancestor tables, as well as any descendent objects.
    const place1 = Place.objects.create({ name: 'Guido', address: 'Guido' });
    const italian = ItalianRestaurant.objects.create({ name: 'a', address: 'xx', servesHotDogs: true, servesPizza: false, servesGnocchi: true });
    const ident = italian.pk;
    const [total, counts] = Place.objects.get({ pk: ident }).delete();
    expect(counts).toEqual({ Place: 1, Restaurant: 1, ItalianRestaurant: 1 });
    expect(total).toBe(3);
    expect(() => ItalianRestaurant.objects.get({ pk: ident })).toThrow(ItalianRestaurant.DoesNotExist);
    expect(() => Restaurant.objects.get({ pk: ident })).toThrow(Restaurant.DoesNotExist);
    expect(Place.objects.get({ pk: place1.pk }).name).toBe('Guido');
  });

  test('model_inheritance_regress.tests.ModelInheritanceTest.test_issue_6755', () => {
    // Regression test for #6755: a child deleted takes its parent rows with it.
    const italian = ItalianRestaurant.objects.create({ name: 'Ristorante Miron', address: '1234 W. Ash', servesGnocchi: true });
    const pk = italian.pk;
    const [total, counts] = italian.delete();
    expect(total).toBe(3);
    expect(counts).toEqual({ Place: 1, Restaurant: 1, ItalianRestaurant: 1 });
    expect(Place.objects.filter({ pk }).exists()).toBe(false);
    expect(italian.pk).toBeNull();
    expect(italian.id).toBeNull();
  });

  test('model_inheritance_regress.tests.ModelInheritanceTest.test_use_explicit_o2o_to_parent_as_pk', () => {
    // The connector from child to parent need not be the pk on the child... here it is, declared with parentLink.
    expect(ParkingLot._meta.pk.name).toBe('parent');
    expect(ParkingLot._meta.parentLink!.name).toBe('parent');
    const site = Place.objects.create({ name: 'Site', address: 'x' });
    const lot = ParkingLot.objects.create({ name: 'Lot', address: 'y', mainSite: site });
    expect(lot.parentId).toBe(lot.id);
    expect(ParkingLot.objects.get({ name: 'Lot' }).mainSite.name).toBe('Site');
    expect(site.lot.count()).toBe(1);
  });

  test('model_inheritance_regress.tests.ModelInheritanceTest.test_queryset_update_on_parent_model', () => {
    // Regression test for #10362: a queryset update on a child touching only parent fields.
    const restaurant = Restaurant.objects.create({ name: 'Demon Dogs', address: '944 W. Fullerton', servesHotDogs: true, servesPizza: false });
    Place.objects.create({ name: 'Other', address: 'elsewhere' });
    expect(Restaurant.objects.filter({ servesHotDogs: true }).update({ address: 'new address' })).toBe(1);
    expect(Restaurant.objects.get({ pk: restaurant.pk }).address).toBe('new address');
    expect(Place.objects.get({ name: 'Other' }).address).toBe('elsewhere');
  });

  test('model_inheritance_regress.tests.ModelInheritanceTest.test_inherited_nullable_exclude', () => {
    const chef = Chef.objects.create({ name: 'Albert' });
    Restaurant.objects.create({ name: 'with chef', address: 'a', chef });
    Restaurant.objects.create({ name: 'without', address: 'b' });
    expect(names(ItalianRestaurant.objects.exclude({ chef }))).toEqual([]);
    expect(names(Restaurant.objects.exclude({ chef }))).toEqual(['without']);
  });

  test('model_inheritance_regress.tests.ModelInheritanceTest.test_create_new_instance_with_pk_equals_none_multi_inheritance', () => {
    const c1 = Child.objects.create({ firstName: 'John', lastName: 'Doe', parentNote: 'p', toy: 'ball' });
    // Clearing every key of the chain and saving makes a new row in each table.
    const keys = c1 as unknown as Record<string, unknown>;
    keys.id = null;
    keys.grandParentPtrId = null;
    keys.parentPtrId = null;
    c1.save();
    expect(Child.objects.count()).toBe(2);
    expect(Parent.objects.count()).toBe(2);
    expect(GrandParent.objects.count()).toBe(2);
  });
});

describe('multi-table inheritance, threadorm', () => {
  test('a three-level chain joins every table and orders by the root default', () => {
    Child.objects.create({ firstName: 'Zoe', lastName: 'A', parentNote: 'n1', toy: 'car' });
    Child.objects.create({ firstName: 'Amy', lastName: 'B', parentNote: 'n2', toy: 'doll' });
    Parent.objects.create({ firstName: 'Bob', lastName: 'C' });
    expect(Child.objects.filter({ lastName: 'A' }).first()!.toy).toBe('car');
    expect(Child.objects.valuesList('firstName', 'parentNote', 'toy').eval()).toEqual([['Amy', 'n2', 'doll'], ['Zoe', 'n1', 'car']]);
    expect(Parent.objects.valuesList('firstName', { flat: true }).eval()).toEqual(['Amy', 'Bob', 'Zoe']);
    expect(GrandParent.objects.get({ firstName: 'Amy' }).parent.child.toy).toBe('doll');
    const sql = String(Child.objects.filter({ firstName: 'Amy' }).query);
    expect(sql).toMatch(/INNER JOIN "parent"/);
    expect(sql).toMatch(/INNER JOIN "grand_parent"/);
  });

  test('save() writes every table in one transaction: a failing child row leaves no parent row', () => {
    const connection = getConnection('test');
    // A value the child's table refuses (too long for SQLite's check? no: a NOT NULL status) rolls back the parent too.
    const restaurant = new Restaurant({ name: 'x', address: 'y' });
    (restaurant as unknown as Record<string, unknown>).servesPizza = null;
    expect(() => restaurant.save()).toThrow();
    expect(Place.objects.count()).toBe(0);
    expect(connection.inTransaction).toBeFalsy();
  });

  test('bulkCreate() of a multi-table child is refused, naming the model', () => {
    expect(() => Restaurant.objects.bulkCreate([new Restaurant({ name: 'x', address: 'y' })])).toThrow(NotSupportedError);
    expect(() => Restaurant.objects.bulkCreate([new Restaurant({ name: 'x', address: 'y' })])).toThrow(/can't bulk create a multi-table inherited model \(Restaurant extends Place\)/);
    expect(Place.objects.count()).toBe(0);
  });

  test('a child cannot redeclare a field of its concrete parent', () => {
    expect(() => {
      class Clash extends Place {
        static override fields = { name: new CharField({ maxLength: 5 }) } as never;
      }
      return Clash._meta;
    }).toThrow(ImproperlyConfigured);
  });

  test('aggregates, F() and annotations over inherited fields', () => {
    Restaurant.objects.create({ name: 'a', address: 'x', rating: 3 });
    Restaurant.objects.create({ name: 'b', address: 'y', rating: 5 });
    expect(Restaurant.objects.aggregate({ top: Max('name') })).toEqual({ top: 'b' });
    expect(Restaurant.objects.filter({ name__in: ['a'] }).count()).toBe(1);
  });

  test('abstract bases: a child overrides one inherited field and removes another', () => {
    expect(Brochure._meta.fields.map((field) => field.name)).toEqual(['id', 'title']);
    expect(Brochure._meta.getField('title').null).toBe(true);
    const brochure = Brochure.objects.create({ title: null });
    expect(Brochure.objects.get({ pk: brochure.pk }).title).toBeNull();
  });

  test('%(app_label)s in a relatedName is refused: there are no app labels', () => {
    class Labelled extends Model {
      static override fields = { post: new ForeignKey(() => Post, { onDelete: CASCADE, relatedName: '%(app_label)s_%(class)sSet' }) };
      static override meta: ModelMeta = { apps: new Apps('a test of its own') };
    }
    expect(() => Labelled._meta).toThrow(/relatedName '%\(app_label\)s_%\(class\)sSet' uses '%\(app_label\)s'; the only placeholder is '%\(class\)s'/);
  });
});

describe('multi-table inheritance, the rest of the queryset API', () => {
  test('prefetchRelated() follows a relation the child inherits from its parent', () => {
    const restaurant = Restaurant.objects.create({ name: 'R', address: 'a', rating: 1 });
    Restaurant.objects.create({ name: 'S', address: 'b', rating: 2 });
    ParkingLot.objects.create({ name: 'L', address: 'c', mainSite: restaurant });
    const restaurants = Restaurant.objects.prefetchRelated('lot' as never).eval();
    expect(captureQueries(() => restaurants.map((item) => [item.name, names(item.lot.all())])).length).toBe(0);
    expect(restaurants.map((item) => [item.name, names(item.lot.all())])).toEqual([['S', []], ['R', ['L']]]);
  });

  test('only() and defer() name parent fields; a deferred one loads on first read', () => {
    Restaurant.objects.create({ name: 'R', address: 'a', rating: 1 });
    const [deferred] = Restaurant.objects.defer('address', 'rating').eval();
    expect(captureQueries(() => deferred!.name).length).toBe(0);
    expect(deferred!.address).toBe('a');
    const [only] = Restaurant.objects.only('name').eval();
    expect([only!.name, only!.address, only!.rating]).toEqual(['R', 'a', 1]);
  });

  test('getOrCreate() and updateOrCreate() on a child write both tables', () => {
    const [made, created] = Restaurant.objects.getOrCreate({ name: 'N' }, { defaults: { address: 'z' } });
    expect([made.address, created, Place.objects.filter({ name: 'N' }).count()]).toEqual(['z', true, 1]);
    const [updated, again] = Restaurant.objects.updateOrCreate({ name: 'N' }, { defaults: { address: 'zz', rating: 9 } });
    expect([updated.rating, again, Place.objects.get({ name: 'N' }).address]).toEqual([9, false, 'zz']);
  });

  test('fullClean() of a new child passes its unset parent link, and checks an inherited unique field among the parents', () => {
    Parent.objects.create({ firstName: 'P', lastName: 'Q', email: 'taken@example.com' });
    new Child({ firstName: 'A', lastName: 'B', email: 'free@example.com', parentNote: 'n', toy: 't' }).fullClean();
    expect(() => new Child({ firstName: 'A', lastName: 'B', email: 'taken@example.com', parentNote: 'n', toy: 't' }).fullClean()).toThrow(/email: Child with this Email already exists/);
  });

  test('bulkUpdate() of a child naming fields of several tables updates each table', () => {
    const a = ItalianRestaurant.objects.create({ name: 'A', address: 'a', rating: 1 });
    const b = ItalianRestaurant.objects.create({ name: 'B', address: 'b', rating: 2 });
    a.name = 'A2';
    a.rating = 10;
    a.servesGnocchi = true;
    b.name = 'B2';
    expect(ItalianRestaurant.objects.bulkUpdate([a, b], ['name', 'rating', 'servesGnocchi'])).toBe(2);
    expect(ItalianRestaurant.objects.orderBy('name').valuesList('name', 'rating', 'servesGnocchi').eval()).toEqual([['A2', 10, true], ['B2', 2, false]]);
  });

  test('values() with no names lists the parents\' columns first', () => {
    ItalianRestaurant.objects.create({ name: 'I', address: 'b', rating: 2, servesGnocchi: true });
    expect(Object.keys(ItalianRestaurant.objects.values().first()!)).toEqual([
      'id', 'name', 'address', 'placePtrId', 'rating', 'servesHotDogs', 'servesPizza', 'chefId', 'restaurantPtrId', 'servesGnocchi',
    ]);
  });
});

describe('multi-table inheritance through the worker pool', () => {
  test('Child.aobjects reads, filters, orders and writes every table of the chain as the sync API does', async () => {
    const child = await Child.aobjects.create({ firstName: 'Ann', lastName: 'Lee', parentNote: 'note', toy: 'kite' });
    await Child.aobjects.create({ firstName: 'Bea', lastName: 'Lee', toy: 'ball' });
    expect(child.pk).toBe(child.id);
    const found = await Child.aobjects.get({ firstName: 'Ann' });
    expect(found).toBeInstanceOf(Child);
    expect([found.firstName, found.parentNote, found.toy]).toEqual(['Ann', 'note', 'kite']);
    expect(await Child.aobjects.filter({ lastName: 'Lee' }).orderBy('-firstName').valuesList('firstName', { flat: true }).eval()).toEqual(['Bea', 'Ann']);
    found.lastName = 'Lim';
    found.toy = 'yo-yo';
    await found.asave();
    expect(GrandParent.objects.get({ pk: child.pk }).lastName).toBe('Lim');
    expect(Child.objects.get({ pk: child.pk }).toy).toBe('yo-yo');
    await expect(Child.aobjects.bulkCreate([new Child({ firstName: 'x', lastName: 'y' })])).rejects.toThrow(/can't bulk create a multi-table inherited model/);
    const [total, counts] = await found.adelete();
    expect([total, counts]).toEqual([3, { GrandParent: 1, Parent: 1, Child: 1 }]);
    expect(await GrandParent.aobjects.count()).toBe(1);
    await expect(Child.aobjects.get({ firstName: 'Ann' })).rejects.toThrow(GrandParent.DoesNotExist);
  });
});
