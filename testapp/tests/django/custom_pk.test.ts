/**
 * Ports of Django's tests/custom_pk/tests.py (BasicCustomPKTests, CustomPKTests), each also through the
 * async API: a declared integer key with its own column, a text key, and a key the field makes up itself.
 */
import { atomic, close, configure, createSchema, IntegrityError } from '../../../src';
import { Bar, Business, Employee, Foo } from '../../custom-pk';
import { dropTestDatabase, onPostgresql, testDatabase } from '../test-database';
import { emptyTables } from './setup';

beforeAll(() => {
  configure({ database: testDatabase(), models: [require.resolve('../../custom-pk')], workers: 1 });
  createSchema();
});
afterAll(async () => {
  await close();
  dropTestDatabase();
});

const strings = (objects: Array<{ toString(): string }>) => objects.map(String);

describe('custom_pk.tests.BasicCustomPKTests', () => {
  let dan: Employee;
  let fran: Employee;
  let business: Business;
  beforeEach(() => {
    emptyTables();
    dan = Employee.objects.create({ employeeCode: 123, firstName: 'Dan', lastName: 'Jones' });
    fran = Employee.objects.create({ employeeCode: 456, firstName: 'Fran', lastName: 'Bones' });
    business = Business.objects.create({ name: 'Sears' });
    business.employees.add(dan, fran);
  });

  // custom_pk.tests.BasicCustomPKTests.test_querysets
  test('pk and the key field name both filter', async () => {
    expect(strings(Employee.objects.filter({ pk: 123 }).eval())).toEqual(['Dan Jones']);
    expect(strings(Employee.objects.filter({ employeeCode: 123 }).eval())).toEqual(['Dan Jones']);
    expect(strings(Employee.objects.filter({ pk__in: [123, 456] }).eval())).toEqual(['Fran Bones', 'Dan Jones']);
    expect(strings(Employee.objects.all().eval())).toEqual(['Fran Bones', 'Dan Jones']);
    expect(strings(Business.objects.filter({ name: 'Sears' }).eval())).toEqual(['Sears']);
    expect(strings(Business.objects.filter({ pk: 'Sears' }).eval())).toEqual(['Sears']);
    expect(strings(await Employee.aobjects.filter({ pk__in: [123, 456] }))).toEqual(['Fran Bones', 'Dan Jones']);
    expect(strings(await Business.aobjects.filter({ pk: 'Sears' }))).toEqual(['Sears']);
  });

  // custom_pk.tests.BasicCustomPKTests.test_querysets_related_name
  test('related managers', async () => {
    expect(strings(business.employees.all().eval())).toEqual(['Fran Bones', 'Dan Jones']);
    expect(strings(fran.businessSet.all().eval())).toEqual(['Sears']);
    expect(strings(await business.a.employees.all())).toEqual(['Fran Bones', 'Dan Jones']);
    expect(strings(await fran.a.businessSet.all())).toEqual(['Sears']);
  });

  // custom_pk.tests.BasicCustomPKTests.test_querysets_relational
  test('queries across tables, involving the primary key', async () => {
    expect(strings(Employee.objects.filter({ business__name: 'Sears' }).eval())).toEqual(['Fran Bones', 'Dan Jones']);
    expect(strings(Employee.objects.filter({ business__pk: 'Sears' }).eval())).toEqual(['Fran Bones', 'Dan Jones']);
    expect(strings(Business.objects.filter({ employees__employeeCode: 123 }).eval())).toEqual(['Sears']);
    expect(strings(Business.objects.filter({ employees__pk: 123 }).eval())).toEqual(['Sears']);
    expect(strings(Business.objects.filter({ employees__firstName__startswith: 'Fran' }).eval())).toEqual(['Sears']);
    expect(strings(await Business.aobjects.filter({ employees__pk: 123 }))).toEqual(['Sears']);
  });

  // custom_pk.tests.BasicCustomPKTests.test_get
  test('get takes pk or the key field name', async () => {
    expect(Employee.objects.get({ pk: 123 }).pk).toBe(dan.pk);
    expect(Employee.objects.get({ pk: 456 }).pk).toBe(fran.pk);
    expect(() => Employee.objects.get({ pk: 42 })).toThrow(Employee.DoesNotExist);
    expect(Employee.objects.get({ employeeCode: 123 }).pk).toBe(dan.pk);
    // Through the pool: single gets (coalesced per turn), and several in one turn.
    expect((await Employee.aobjects.get({ pk: 123 })).firstName).toBe('Dan');
    const [one, two, three] = await Promise.all([
      Employee.aobjects.get({ employeeCode: 456 }),
      Employee.aobjects.get({ pk: 123 }),
      Business.aobjects.get({ pk: 'Sears' }),
    ]);
    expect([one.firstName, two.firstName, three.name]).toEqual(['Fran', 'Dan', 'Sears']);
    await expect(Employee.aobjects.get({ pk: 42 })).rejects.toBeInstanceOf(Employee.DoesNotExist);
  });

  // custom_pk.tests.BasicCustomPKTests.test_pk_attributes
  test('pk and the key attribute; no id', async () => {
    const e = Employee.objects.get({ pk: 123 });
    expect(e.pk).toBe(123);
    expect(e.employeeCode).toBe(123);
    expect((e as unknown as Record<string, unknown>).id).toBeUndefined();
    expect(Employee.objects.values().eval()[0]).not.toHaveProperty('id');
    expect((await Employee.aobjects.get({ pk: 123 })).employeeCode).toBe(123);
  });

  // custom_pk.tests.BasicCustomPKTests.test_in_bulk
  test('inBulk for integer and text keys', async () => {
    const emps = Employee.objects.inBulk([123, 456]);
    expect(emps.get(123)!.pk).toBe(dan.pk);
    expect([...Business.objects.inBulk(['Sears']).keys()]).toEqual(['Sears']);
    expect([...(await Business.aobjects.inBulk(['Sears'])).keys()]).toEqual(['Sears']);
    expect((await Employee.aobjects.inBulk([456])).get(456)!.firstName).toBe('Fran');
  });

  // custom_pk.tests.BasicCustomPKTests.test_save
  test('custom keys do not affect save', async () => {
    const found = Employee.objects.get({ pk: 456 });
    found.lastName = 'Jones';
    found.save();
    expect(strings(Employee.objects.filter({ lastName: 'Jones' }).eval())).toEqual(['Dan Jones', 'Fran Jones']);
    const again = await Employee.aobjects.get({ pk: 123 });
    again.lastName = 'Smith';
    await again.asave();
    expect(await Employee.aobjects.count()).toBe(2);
    expect(strings(await Employee.aobjects.filter({ lastName: 'Smith' }))).toEqual(['Dan Smith']);
  });
});

describe('custom_pk.tests.CustomPKTests', () => {
  beforeEach(() => emptyTables());

  // custom_pk.tests.CustomPKTests.test_custom_pk_create
  test('objects are created with pk or with the key field name', async () => {
    Employee.objects.create({ employeeCode: 1234, firstName: 'Foo', lastName: 'Bar' });
    Employee.objects.create({ pk: 1235, firstName: 'Foo', lastName: 'Baz' });
    Business.objects.create({ name: 'Bears' });
    Business.objects.create({ pk: 'Tears' });
    await Employee.aobjects.create({ pk: 1236, firstName: 'Foo', lastName: 'Qux' });
    const viaSave = new Business({ pk: 'Pears' });
    await viaSave.asave();
    expect(viaSave.name).toBe('Pears');
    expect(Employee.objects.valuesList('pk', { flat: true }).orderBy('pk').eval()).toEqual([1234, 1235, 1236]);
    expect(Business.objects.valuesList('name', { flat: true }).orderBy('name').eval()).toEqual(['Bears', 'Pears', 'Tears']);
  });

  // custom_pk.tests.CustomPKTests.test_unicode_pk
  test('a key may be any unicode text', async () => {
    Business.objects.create({ name: 'jaźń' });
    expect((await Business.aobjects.get({ pk: 'jaźń' })).name).toBe('jaźń');
  });

  // custom_pk.tests.CustomPKTests.test_unique_pk
  test('the key is unique', async () => {
    Employee.objects.create({ employeeCode: 123, firstName: 'Frank', lastName: 'Jones' });
    expect(() => atomic(() => Employee.objects.create({ employeeCode: 123, firstName: 'Fred', lastName: 'Jones' }))).toThrow(IntegrityError);
    await expect(Employee.aobjects.create({ employeeCode: 123, firstName: 'Fred', lastName: 'Jones' })).rejects.toBeInstanceOf(IntegrityError);
    expect(Employee.objects.count()).toBe(1);
  });

  // custom_pk.tests.CustomPKTests.test_zero_non_autoincrement_pk
  test('zero is a key like any other', async () => {
    Employee.objects.create({ employeeCode: 0, firstName: 'Frank', lastName: 'Jones' });
    expect(Employee.objects.get({ pk: 0 }).employeeCode).toBe(0);
    expect((await Employee.aobjects.get({ pk: 0 })).employeeCode).toBe(0);
    const zero = Employee.objects.get({ pk: 0 });
    zero.firstName = 'Zed';
    await zero.asave();
    expect(Employee.objects.count()).toBe(1);
    expect(Employee.objects.get({ pk: 0 }).firstName).toBe('Zed');
  });

  // custom_pk.tests.CustomPKTests.test_custom_field_pk
  test('a custom field as the key', async () => {
    const newBar = Bar.objects.create();
    expect(newBar.pk).toMatch(/^[a-z]{10}$/);
    const newFoo = Foo.objects.create({ bar: newBar });
    let f = Foo.objects.get({ bar: newBar.pk });
    expect(f.pk).toBe(newFoo.pk);
    expect(f.bar.pk).toBe(newBar.pk);
    f = Foo.objects.get({ bar: newBar });
    expect(f.pk).toBe(newFoo.pk);
    expect(f.bar.pk).toBe(newBar.pk);
    // The key the field made up in a worker comes back to this thread.
    const asyncBar = await Bar.aobjects.create();
    expect(asyncBar.pk).toMatch(/^[a-z]{10}$/);
    const savedBar = new Bar();
    await savedBar.asave();
    expect(savedBar.pk).toMatch(/^[a-z]{10}$/);
    const asyncFoo = await Foo.aobjects.create({ bar: asyncBar });
    expect((await Foo.aobjects.get({ bar: asyncBar })).pk).toBe(asyncFoo.pk);
    expect((await asyncFoo.a.bar).pk).toBe(asyncBar.pk);
    expect(await savedBar.a.fooSet.count()).toBe(0);
    expect(Bar.objects.count()).toBe(3);
  });

  // custom_pk.tests.CustomPKTests.test_required_pk (skipIfDBFeature('supports_unspecified_pk'): not on SQLite)
  (onPostgresql ? test : test.skip)('the key must be given', async () => {
    expect(() => atomic(() => Employee.objects.create({ firstName: 'Tom', lastName: 'Smith' }))).toThrow(IntegrityError);
    await expect(Employee.aobjects.create({ firstName: 'Tom', lastName: 'Smith' })).rejects.toBeInstanceOf(IntegrityError);
  });
});

describe('declared keys through every write path', () => {
  beforeEach(() => emptyTables());

  test('save() of a new object whose key exists updates that row, as Django (UPDATE, then INSERT)', async () => {
    Employee.objects.create({ employeeCode: 7, firstName: 'Ann', lastName: 'Lee' });
    new Employee({ employeeCode: 7, firstName: 'Anna', lastName: 'Lee' }).save();
    expect(Employee.objects.count()).toBe(1);
    expect(Employee.objects.get({ pk: 7 }).firstName).toBe('Anna');
    await new Employee({ employeeCode: 7, firstName: 'Annie', lastName: 'Lee' }).asave();
    await new Employee({ employeeCode: 8, firstName: 'Bo', lastName: 'Lee' }).asave();
    expect(Employee.objects.orderBy('pk').valuesList('firstName', { flat: true }).eval()).toEqual(['Annie', 'Bo']);
  });

  test('bulk writes with declared keys', async () => {
    const made = Employee.objects.bulkCreate([1, 2].map((code) => new Employee({ employeeCode: code, firstName: `E${code}`, lastName: 'X' })));
    expect(made.map((e) => e.pk)).toEqual([1, 2]);
    const sent = await Employee.aobjects.bulkCreate([3, 4].map((code) => new Employee({ employeeCode: code, firstName: `E${code}`, lastName: 'X' })));
    expect(sent.map((e) => e.pk)).toEqual([3, 4]);
    const businesses = await Business.aobjects.bulkCreate([new Business({ name: 'A' }), new Business({ name: 'B' })]);
    expect(businesses.map((b) => b.pk)).toEqual(['A', 'B']);
    for (const e of sent) e.lastName = 'Y';
    expect(await Employee.aobjects.bulkUpdate(sent, ['lastName'])).toBe(2);
    expect(await Employee.aobjects.filter({ lastName: 'Y' }).valuesList('pk', { flat: true }).orderBy('pk')).toEqual([3, 4]);
    expect(await Bar.aobjects.bulkCreate([new Bar(), new Bar()]).then((bars) => bars.every((bar) => /^[a-z]{10}$/.test(bar.pk)))).toBe(true);
  });

  test('refresh, delete and many-to-many writes with text keys', async () => {
    const sears = await Business.aobjects.create({ name: 'Sears' });
    const dan = await Employee.aobjects.create({ employeeCode: 123, firstName: 'Dan', lastName: 'Jones' });
    const fran = await Employee.aobjects.create({ employeeCode: 456, firstName: 'Fran', lastName: 'Bones' });
    await sears.a.employees.add(dan, 456);
    expect(await sears.a.employees.valuesList('pk', { flat: true })).toEqual([456, 123]);
    await expect(sears.a.employees.add(999)).rejects.toBeInstanceOf(IntegrityError);
    await fran.a.businessSet.remove(sears);
    expect(await sears.a.employees.count()).toBe(1);
    Business.objects.filter({ pk: 'Sears' }).update({ name: 'Sears' });
    await sears.arefreshFromDb();
    expect(sears.name).toBe('Sears');
    expect(await sears.adelete()).toEqual([2, { Business: 1, Business_employees: 1 }]);
    expect(await dan.adelete()).toEqual([1, { Employee: 1 }]);
    expect(await Employee.aobjects.count()).toBe(1);
  });
});
