/**
 * Ports of Django's tests/proxy_models/tests.py: a proxy model (`meta.proxy: true`) reads and writes its
 * concrete parent's table, with its own class (methods, ordering, signals' sender, DoesNotExist). The models
 * are in inheritance-models.ts.
 *
 * Not ported: the custom-manager cases (test_myperson_manager, test_otherperson_manager, and MyPerson.other in
 * test_same_manager_queries), since threadorm models have the one `objects` manager; test_permissions_created,
 * test_content_type, test_proxy_load_from_fixture and the admin tests (no auth, content types, fixtures or
 * admin); test_swappable (no swappable models); test_abc, test_no_cbc: JavaScript classes have one base, so
 * "a proxy of an abstract model" is test_no_base_classes here.
 */
import { ImproperlyConfigured, Max, Model, postSave, preSave, CharField, type ModelMeta } from '../../../src';
import { Apps } from '../../../src/models/registry';
import { schemaStatements } from '../../../src/db/schema';
import {
  BaseUser,
  Bug,
  Country,
  Improvement,
  LowerStatusPerson,
  MyPerson,
  MyPersonProxy,
  Person,
  ProxyBug,
  ProxyImprovement,
  ProxyProxyBug,
  ProxyTrackerUser,
  State,
  StateProxy,
  StatusPerson,
  TrackerUser,
  User,
  UserProxy,
  UserProxyProxy,
  CommonInfo,
} from './inheritance-models';
import { emptyTables, useParityDatabase } from './setup';

useParityDatabase({ models: [require.resolve('./inheritance-models')] });

const names = (items: Iterable<{ name: string }>) => [...items].map((item) => item.name);

beforeEach(() => emptyTables());

describe('proxy_models.tests.ProxyModelTests', () => {
  test('proxy_models.tests.ProxyModelTests.test_same_manager_queries', () => {
    // The MyPerson model generates the same database queries as the Person model (MyPerson orders by name).
    expect(String(MyPerson.objects.all().query)).toBe(String(Person.objects.orderBy('name').query));
  });

  test('proxy_models.tests.ProxyModelTests.test_inheritance_new_table', () => {
    // The StatusPerson model has its own table (it's using ORM-level inheritance).
    expect(String(StatusPerson.objects.all().query)).not.toBe(String(Person.objects.all().query));
    expect(String(StatusPerson.objects.all().query)).toMatch(/FROM "status_person"/);
  });

  test('proxy_models.tests.ProxyModelTests.test_basic_proxy', () => {
    // Creating a Person makes them accessible through the MyPerson proxy.
    const person = Person.objects.create({ name: 'Foo McBar' });
    expect(Person.objects.all().eval().length).toBe(1);
    expect(MyPerson.objects.all().eval().length).toBe(1);
    expect(MyPerson.objects.get({ name: 'Foo McBar' }).id).toBe(person.id);
    expect(MyPerson.objects.get({ id: person.id }).hasSpecialName()).toBe(false);
    expect(MyPerson.objects.get({ id: person.id })).toBeInstanceOf(MyPerson);
  });

  test('proxy_models.tests.ProxyModelTests.test_no_proxy', () => {
    // Person is not proxied by StatusPerson subclass.
    Person.objects.create({ name: 'Foo McBar' });
    expect(StatusPerson.objects.all().eval()).toEqual([]);
  });

  test('proxy_models.tests.ProxyModelTests.test_basic_proxy_reverse', () => {
    // A new MyPerson also shows up as a standard Person.
    MyPerson.objects.create({ name: 'Bazza del Frob' });
    expect(MyPerson.objects.all().eval().length).toBe(1);
    expect(Person.objects.all().eval().length).toBe(1);
    LowerStatusPerson.objects.create({ status: 'low', name: 'homer' });
    expect(names(LowerStatusPerson.objects.all())).toEqual(['homer']);
  });

  test('proxy_models.tests.ProxyModelTests.test_correct_type_proxy_of_proxy', () => {
    // Correct type when querying a proxy of proxy.
    Person.objects.create({ name: 'Foo McBar' });
    MyPerson.objects.create({ name: 'Bazza del Frob' });
    LowerStatusPerson.objects.create({ status: 'low', name: 'homer' });
    const pp = MyPersonProxy.objects.all().eval();
    expect(pp.map((person) => person.name).sort()).toEqual(['Bazza del Frob', 'Foo McBar', 'homer']);
    expect(pp.every((person) => person.constructor === MyPersonProxy)).toBe(true);
  });

  test('proxy_models.tests.ProxyModelTests.test_proxy_included_in_ancestors', () => {
    // Proxy models are included in the ancestors for a model's DoesNotExist and MultipleObjectsReturned.
    Person.objects.create({ name: 'Foo McBar' });
    MyPerson.objects.create({ name: 'Bazza del Frob' });
    LowerStatusPerson.objects.create({ status: 'low', name: 'homer' });
    let maxId = Person.objects.aggregate({ maxId: Max('id') }).maxId!;
    expect(() => MyPersonProxy.objects.get({ name: 'Zathras' })).toThrow(Person.DoesNotExist);
    expect(() => MyPersonProxy.objects.get({ id__lt: maxId + 1 })).toThrow(Person.MultipleObjectsReturned);
    expect(() => StatusPerson.objects.get({ name: 'Zathras' })).toThrow(Person.DoesNotExist);
    StatusPerson.objects.create({ name: 'Bazza Jr.' });
    StatusPerson.objects.create({ name: 'Foo Jr.' });
    maxId = Person.objects.aggregate({ maxId: Max('id') }).maxId!;
    expect(() => StatusPerson.objects.get({ id__lt: maxId + 1 })).toThrow(Person.MultipleObjectsReturned);
  });

  test('proxy_models.tests.ProxyModelTests.test_no_base_classes', () => {
    // A proxy needs a concrete model to stand for (Django's test_abc: not an abstract one either).
    class NoBaseClasses extends Model {
      static override meta: ModelMeta = { proxy: true, apps: new Apps('a test of its own') };
    }
    expect(() => NoBaseClasses._meta).toThrow(ImproperlyConfigured);
    expect(() => NoBaseClasses._meta).toThrow(/Proxy model 'NoBaseClasses' has no concrete model base class/);
    class NoAbstract extends CommonInfo {
      static override meta: ModelMeta = { proxy: true, apps: new Apps('a test of its own') };
    }
    expect(() => NoAbstract._meta).toThrow(/Proxy model 'NoAbstract' has no concrete model base class/);
  });

  test('proxy_models.tests.ProxyModelTests.test_new_fields', () => {
    class NoNewFields extends Person {
      static override fields = { newfield: new CharField({ maxLength: 5 }) } as never;
      static override meta: ModelMeta = { proxy: true, apps: new Apps('a test of its own') };
    }
    expect(() => NoNewFields._meta).toThrow(/Proxy model 'NoNewFields' declares fields \(newfield\)/);
  });

  test('proxy_models.tests.ProxyModelTests.test_proxy_model_signals', () => {
    // Save signals of a proxy are sent with the proxy as the sender.
    let output: string[] = [];
    const handler = (model: string, event: string) => () => void output.push(`${model} ${event} save`);
    const receivers = [
      [preSave, handler('MyPerson', 'pre'), MyPerson],
      [postSave, handler('MyPerson', 'post'), MyPerson],
      [preSave, handler('Person', 'pre'), Person],
      [postSave, handler('Person', 'post'), Person],
      [preSave, handler('MyPersonProxy', 'pre'), MyPersonProxy],
      [postSave, handler('MyPersonProxy', 'post'), MyPersonProxy],
    ] as const;
    for (const [signal, receiver, sender] of receivers.slice(0, 4)) signal.connect(receiver, { sender });
    try {
      MyPerson.objects.create({ name: 'dino' });
      expect(output).toEqual(['MyPerson pre save', 'MyPerson post save']);
      output = [];
      for (const [signal, receiver, sender] of receivers.slice(4)) signal.connect(receiver, { sender });
      MyPersonProxy.objects.create({ name: 'pebbles' });
      expect(output).toEqual(['MyPersonProxy pre save', 'MyPersonProxy post save']);
    } finally {
      for (const [signal, receiver, sender] of receivers) signal.disconnect(receiver, { sender });
    }
  });

  test('proxy_models.tests.ProxyModelTests.test_user_userproxy_userproxyproxy', () => {
    User.objects.create({ name: 'Bruce' });
    expect(names(User.objects.all())).toEqual(['Bruce']);
    expect(names(UserProxy.objects.all())).toEqual(['Bruce']);
    expect(names(UserProxyProxy.objects.all())).toEqual(['Bruce']);
  });

  test('proxy_models.tests.ProxyModelTests.test_concrete_model', () => {
    expect(UserProxyProxy._meta.concreteModel).toBe(User);
    expect(UserProxyProxy._meta.dbTable).toBe('user');
    expect(UserProxyProxy._meta.proxy).toBe(true);
  });

  test('proxy_models.tests.ProxyModelTests.test_proxy_delete', () => {
    // Proxy objects can be deleted.
    User.objects.create({ name: 'Bruce' });
    const u2 = UserProxy.objects.create({ name: 'George' });
    expect(names(UserProxy.objects.orderBy('name'))).toEqual(['Bruce', 'George']);
    u2.delete();
    expect(names(UserProxy.objects.all())).toEqual(['Bruce']);
  });

  test('proxy_models.tests.ProxyModelTests.test_proxy_update', () => {
    const user = User.objects.create({ name: 'Bruce' });
    UserProxy.objects.filter({ id: user.id }).update({ name: 'George' });
    user.refreshFromDb();
    expect(user.name).toBe('George');
  });

  test('proxy_models.tests.ProxyModelTests.test_select_related', () => {
    // selectRelated() includes related models in proxy querysets too.
    const country = Country.objects.create({ name: 'Australia' });
    State.objects.create({ name: 'New South Wales', country });
    expect(names(State.objects.selectRelated())).toEqual(['New South Wales']);
    expect(names(StateProxy.objects.selectRelated())).toEqual(['New South Wales']);
    expect(StateProxy.objects.get({ name: 'New South Wales' }).name).toBe('New South Wales');
    const resp = StateProxy.objects.selectRelated().get({ name: 'New South Wales' });
    expect(resp.name).toBe('New South Wales');
    expect(resp.country.name).toBe('Australia');
  });

  test('proxy_models.tests.ProxyModelTests.test_filter_proxy_relation_reverse', () => {
    const tu = TrackerUser.objects.create({ name: 'Contributor', status: 'contrib' });
    const ptu = ProxyTrackerUser.objects.get({ pk: tu.pk });
    const issue = Improvement.objects.create({
      summary: 'x', version: '1', assignee: ptu, reporter: ptu,
      associatedBug: ProxyProxyBug.objects.get({ pk: Bug.objects.create({ summary: 'b', version: '1', assignee: ptu, reporter: BaseUser.objects.create({ name: 'r' }) }).pk }),
    });
    expect(ProxyTrackerUser.objects.filter({ issues: issue } as never).eval().map((user) => user.pk)).toEqual([tu.pk]);
    expect(TrackerUser.objects.filter({ issues: issue } as never).count()).toBe(1);
  });

  test('proxy_models.tests.ProxyModelTests.test_proxy_bug', () => {
    const contributor = TrackerUser.objects.create({ name: 'Contributor', status: 'contrib' });
    const someone = BaseUser.objects.create({ name: 'Someone' });
    Bug.objects.create({ summary: 'fix this', version: '1.1beta', assignee: ProxyTrackerUser.objects.get({ pk: contributor.pk }), reporter: someone });
    const pcontributor = ProxyTrackerUser.objects.create({ name: 'OtherContributor', status: 'proxy' });
    Improvement.objects.create({
      summary: 'improve that', version: '1.1beta', assignee: ProxyTrackerUser.objects.get({ pk: contributor.pk }), reporter: pcontributor,
      associatedBug: ProxyProxyBug.objects.all().first()!,
    });
    // Related field filter on proxy.
    let resp: Model = ProxyBug.objects.get({ version__icontains: 'beta' });
    expect(`${resp.constructor.name}:${String(resp)}`).toBe('ProxyBug:ProxyBug:fix this');
    // Select related + filter on proxy.
    resp = ProxyBug.objects.selectRelated().get({ version__icontains: 'beta' });
    expect(String(resp)).toBe('ProxyBug:fix this');
    // Proxy of proxy, select related + filter.
    resp = ProxyProxyBug.objects.selectRelated().get({ version__icontains: 'beta' });
    expect(String(resp)).toBe('ProxyProxyBug:fix this');
    // Select related + filter on a related proxy field.
    resp = ProxyImprovement.objects.selectRelated().get({ reporter__name__icontains: 'butor' });
    expect(String(resp)).toBe('ProxyImprovement:improve that');
    // Select related + filter on a related proxy of proxy field.
    resp = ProxyImprovement.objects.selectRelated().get({ associatedBug__summary__icontains: 'fix' });
    expect(String(resp)).toBe('ProxyImprovement:improve that');
  });

  test('proxy_models.tests.ProxyModelTests.test_eq', () => {
    // The same row through the proxy and through the concrete model.
    const person = Person.objects.create({ name: 'Elvis Presley' });
    expect(MyPerson.objects.get({ pk: person.pk }).pk).toBe(Person.objects.get({ pk: person.pk }).pk);
  });
});

describe('proxy models, threadorm', () => {
  test('a proxy has no table of its own: createSchema() makes none', () => {
    const statements = schemaStatements().join('\n');
    expect(statements).toMatch(/CREATE TABLE IF NOT EXISTS "person"/);
    expect(statements).not.toMatch(/"my_person"/);
    expect(statements).not.toMatch(/"user_proxy"/);
  });

  test('deleting a Person through a proxy cascades to the multi-table children of another proxy', () => {
    const status = StatusPerson.objects.create({ name: 'Bazza', status: 'high' });
    const [total, counts] = MyPersonProxy.objects.get({ pk: status.pk }).delete();
    expect(total).toBe(2);
    expect(counts).toEqual({ MyPersonProxy: 1, StatusPerson: 1 });
    expect(Person.objects.count()).toBe(0);
    expect(StatusPerson.objects.count()).toBe(0);
  });
});
