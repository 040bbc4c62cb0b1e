/**
 * Ports of Django's tests/m2m_signals/tests.py: m2mChanged from add, remove, clear, set and create, on both
 * sides of a relation and on relations to self. Django's `pre_add` … `post_clear` are `preAdd` … `postClear`.
 * Django's Person.fans / idols pair is Fellow.idols / stalkers here (the same shape: not symmetrical).
 *
 * Not ported: test_m2m_relations_signals_when_inheritance (threadorm has no multi-table inheritance).
 */
import { m2mChanged, type M2MChangedSignalArgs, type ModelClass } from '../../../src';
import { Car, Fellow, Part } from '../../parity';
import { emptyTables, useParityDatabase } from './setup';

useParityDatabase();

interface Message {
  instance: unknown;
  action: string;
  reverse: boolean;
  model: ModelClass;
  objects?: unknown[];
}

let messages: Message[];
let vw: Car, bmw: Car, toyota: Car;
let wheelset: Part, doors: Part, engine: Part, airbag: Part, sunroof: Part;
let alice: Fellow, bob: Fellow, chuck: Fellow, daisy: Fellow;

const through = (model: ModelClass, name: string) => model._meta.through(model._meta.getField(name) as never).through;

/** Instances by name: comparing the instances themselves would walk into their relation accessors. */
const named = (instance: unknown) => (instance as { name: string }).name;

/** Django's m2m_changed_signal_receiver: the objects named by pkSet, looked up through `model`. */
function receiver({ instance, action, reverse, model, pkSet }: M2MChangedSignalArgs): void {
  const message: Message = { instance: named(instance), action, reverse, model };
  if (pkSet?.size) message.objects = model.objects.filter({ pk__in: [...pkSet] }).orderBy('pk').eval().map(named);
  messages.push(message);
}

function initializeSignalCar(addDefaultPartsBeforeSetSignal = false): void {
  m2mChanged.connect(receiver, { sender: through(Car, 'optionalParts') });
  // Adding a default part to the car: no receiver connected yet.
  if (addDefaultPartsBeforeSetSignal) vw.defaultParts.add(sunroof);
  m2mChanged.connect(receiver, { sender: through(Car, 'defaultParts') });
}

function initializeSignalPerson(): void {
  m2mChanged.connect(receiver, { sender: through(Fellow, 'idols') });
  m2mChanged.connect(receiver, { sender: through(Fellow, 'friends') });
}

beforeEach(() => {
  emptyTables();
  messages = [];
  [vw, bmw, toyota] = ['VW', 'BMW', 'Toyota'].map((name) => Car.objects.create({ name })) as [Car, Car, Car];
  [wheelset, doors, engine, airbag, sunroof] = ['Wheelset', 'Doors', 'Engine', 'Airbag', 'Sunroof'].map((name) => Part.objects.create({ name })) as [
    Part,
    Part,
    Part,
    Part,
    Part,
  ];
  [alice, bob, chuck, daisy] = ['Alice', 'Bob', 'Chuck', 'Daisy'].map((name) => Fellow.objects.create({ name })) as [Fellow, Fellow, Fellow, Fellow];
});

afterEach(() => {
  for (const [model, name] of [
    [Car, 'defaultParts'],
    [Car, 'optionalParts'],
    [Fellow, 'idols'],
    [Fellow, 'friends'],
  ] as const) {
    m2mChanged.disconnect(receiver, { sender: through(model, name) });
  }
});

const byPk = <T extends { pk: unknown; name: string }>(...objects: T[]) => [...objects].sort((a, b) => Number(a.pk) - Number(b.pk)).map(named);

describe('m2m_signals.tests.ManyToManySignalsTest', () => {
  test('m2m_signals.tests.ManyToManySignalsTest.test_pk_set_on_repeated_add_remove', () => {
    // pkSet holds the keys not linked yet on add, every key given on remove.
    const pkSets: Array<[string, unknown[] | null]> = [];
    const collect = ({ action, pkSet }: M2MChangedSignalArgs) => void pkSets.push([action, pkSet && [...pkSet]]);
    m2mChanged.connect(collect, { sender: through(Car, 'defaultParts') });
    try {
      vw.defaultParts.add(wheelset);
      vw.defaultParts.add(wheelset);
      vw.defaultParts.remove(wheelset);
      vw.defaultParts.remove(wheelset);
      expect(pkSets).toEqual([
        ['preAdd', [wheelset.pk]],
        ['postAdd', [wheelset.pk]],
        ['preAdd', []],
        ['postAdd', []],
        ['preRemove', [wheelset.pk]],
        ['postRemove', [wheelset.pk]],
        ['preRemove', [wheelset.pk]],
        ['postRemove', [wheelset.pk]],
      ]);
    } finally {
      m2mChanged.disconnect(collect, { sender: through(Car, 'defaultParts') });
    }
  });

  test('m2m_signals.tests.ManyToManySignalsTest.test_m2m_relations_add_remove_clear', () => {
    const expected: Message[] = [];
    initializeSignalCar(true);

    vw.defaultParts.add(wheelset, doors, engine);
    expected.push({ instance: vw.name, action: 'preAdd', reverse: false, model: Part, objects: byPk(wheelset, doors, engine) });
    expected.push({ instance: vw.name, action: 'postAdd', reverse: false, model: Part, objects: byPk(wheelset, doors, engine) });
    expect(messages).toEqual(expected);

    // Give the BMW and Toyota some doors as well.
    doors.carSet.add(bmw, toyota);
    expected.push({ instance: doors.name, action: 'preAdd', reverse: true, model: Car, objects: [bmw, toyota].map(named) });
    expected.push({ instance: doors.name, action: 'postAdd', reverse: true, model: Car, objects: [bmw, toyota].map(named) });
    expect(messages).toEqual(expected);
  });

  test('m2m_signals.tests.ManyToManySignalsTest.test_m2m_relations_signals_remove_relation', () => {
    initializeSignalCar();
    // Remove the engine from the VW and the airbag (which is not set but is returned).
    vw.defaultParts.remove(engine, airbag);
    expect(messages).toEqual([
      { instance: vw.name, action: 'preRemove', reverse: false, model: Part, objects: byPk(engine, airbag) },
      { instance: vw.name, action: 'postRemove', reverse: false, model: Part, objects: byPk(engine, airbag) },
    ]);
  });

  test('m2m_signals.tests.ManyToManySignalsTest.test_m2m_relations_signals_give_the_self_vw_some_optional_parts', () => {
    const expected: Message[] = [];
    initializeSignalCar();

    // Give the VW some optional parts (second relation to the same model).
    vw.optionalParts.add(airbag, sunroof);
    expected.push({ instance: vw.name, action: 'preAdd', reverse: false, model: Part, objects: [airbag, sunroof].map(named) });
    expected.push({ instance: vw.name, action: 'postAdd', reverse: false, model: Part, objects: [airbag, sunroof].map(named) });
    expect(messages).toEqual(expected);

    // Add the airbag to all the cars (even though the VW already has one).
    airbag.carsOptional.add(vw, bmw, toyota);
    expected.push({ instance: airbag.name, action: 'preAdd', reverse: true, model: Car, objects: [bmw, toyota].map(named) });
    expected.push({ instance: airbag.name, action: 'postAdd', reverse: true, model: Car, objects: [bmw, toyota].map(named) });
    expect(messages).toEqual(expected);
  });

  test('m2m_signals.tests.ManyToManySignalsTest.test_m2m_relations_signals_reverse_relation_with_custom_related_name', () => {
    initializeSignalCar();
    // Remove the airbag from the VW (reverse relation with a custom relatedName).
    airbag.carsOptional.remove(vw);
    expect(messages).toEqual([
      { instance: airbag.name, action: 'preRemove', reverse: true, model: Car, objects: [vw].map(named) },
      { instance: airbag.name, action: 'postRemove', reverse: true, model: Car, objects: [vw].map(named) },
    ]);
  });

  test('m2m_signals.tests.ManyToManySignalsTest.test_m2m_relations_signals_clear_all_parts_of_the_self_vw', () => {
    initializeSignalCar();
    vw.defaultParts.clear();
    expect(messages).toEqual([
      { instance: vw.name, action: 'preClear', reverse: false, model: Part },
      { instance: vw.name, action: 'postClear', reverse: false, model: Part },
    ]);
  });

  test('m2m_signals.tests.ManyToManySignalsTest.test_m2m_relations_signals_all_the_doors_off_of_cars', () => {
    initializeSignalCar();
    doors.carSet.clear();
    expect(messages).toEqual([
      { instance: doors.name, action: 'preClear', reverse: true, model: Car },
      { instance: doors.name, action: 'postClear', reverse: true, model: Car },
    ]);
  });

  test('m2m_signals.tests.ManyToManySignalsTest.test_m2m_relations_signals_reverse_relation', () => {
    initializeSignalCar();
    airbag.carsOptional.clear();
    expect(messages).toEqual([
      { instance: airbag.name, action: 'preClear', reverse: true, model: Car },
      { instance: airbag.name, action: 'postClear', reverse: true, model: Car },
    ]);
  });

  test('m2m_signals.tests.ManyToManySignalsTest.test_m2m_relations_signals_alternative_ways', () => {
    const expected: Message[] = [];
    initializeSignalCar();

    // Alternative ways of setting the relation.
    vw.defaultParts.create({ name: 'Windows' });
    const p6 = Part.objects.get({ name: 'Windows' });
    expected.push({ instance: vw.name, action: 'preAdd', reverse: false, model: Part, objects: [p6].map(named) });
    expected.push({ instance: vw.name, action: 'postAdd', reverse: false, model: Part, objects: [p6].map(named) });
    expect(messages).toEqual(expected);

    // set() removes what is no longer wanted, then adds what is new.
    vw.defaultParts.set([wheelset, doors, engine]);
    expected.push({ instance: vw.name, action: 'preRemove', reverse: false, model: Part, objects: [p6].map(named) });
    expected.push({ instance: vw.name, action: 'postRemove', reverse: false, model: Part, objects: [p6].map(named) });
    expected.push({ instance: vw.name, action: 'preAdd', reverse: false, model: Part, objects: byPk(doors, engine, wheelset) });
    expected.push({ instance: vw.name, action: 'postAdd', reverse: false, model: Part, objects: byPk(doors, engine, wheelset) });
    expect(messages).toEqual(expected);
  });

  test('m2m_signals.tests.ManyToManySignalsTest.test_m2m_relations_signals_clearing_removing', () => {
    const expected: Message[] = [];
    initializeSignalCar(true);

    // set by clearing.
    vw.defaultParts.set([wheelset, doors, engine], { clear: true });
    expected.push({ instance: vw.name, action: 'preClear', reverse: false, model: Part });
    expected.push({ instance: vw.name, action: 'postClear', reverse: false, model: Part });
    expected.push({ instance: vw.name, action: 'preAdd', reverse: false, model: Part, objects: byPk(doors, engine, wheelset) });
    expected.push({ instance: vw.name, action: 'postAdd', reverse: false, model: Part, objects: byPk(doors, engine, wheelset) });
    expect(messages).toEqual(expected);

    // set by only removing what's necessary.
    vw.defaultParts.set([wheelset, doors], { clear: false });
    expected.push({ instance: vw.name, action: 'preRemove', reverse: false, model: Part, objects: [engine].map(named) });
    expected.push({ instance: vw.name, action: 'postRemove', reverse: false, model: Part, objects: [engine].map(named) });
    expect(messages).toEqual(expected);
  });

  test('m2m_signals.tests.ManyToManySignalsTest.test_m2m_relations_with_self_add_friends', () => {
    initializeSignalPerson();
    alice.friends.set([bob, chuck]);
    // One pair of signals: the mirror rows of a symmetrical relation send none of their own.
    expect(messages).toEqual([
      { instance: alice.name, action: 'preAdd', reverse: false, model: Fellow, objects: [bob, chuck].map(named) },
      { instance: alice.name, action: 'postAdd', reverse: false, model: Fellow, objects: [bob, chuck].map(named) },
    ]);
  });

  test('m2m_signals.tests.ManyToManySignalsTest.test_m2m_relations_with_self_add_fan', () => {
    initializeSignalPerson();
    alice.idols.set([daisy]);
    expect(messages).toEqual([
      { instance: alice.name, action: 'preAdd', reverse: false, model: Fellow, objects: [daisy].map(named) },
      { instance: alice.name, action: 'postAdd', reverse: false, model: Fellow, objects: [daisy].map(named) },
    ]);
  });

  test('m2m_signals.tests.ManyToManySignalsTest.test_m2m_relations_with_self_add_idols', () => {
    initializeSignalPerson();
    chuck.stalkers.set([alice, bob]);
    expect(messages).toEqual([
      { instance: chuck.name, action: 'preAdd', reverse: true, model: Fellow, objects: [alice, bob].map(named) },
      { instance: chuck.name, action: 'postAdd', reverse: true, model: Fellow, objects: [alice, bob].map(named) },
    ]);
  });

});

describe('m2mChanged in threadorm', () => {
  test('a receiver error rolls the change back (receivers run inside the change\'s transaction)', () => {
    const refuse = ({ action }: M2MChangedSignalArgs) => {
      if (action === 'postAdd') throw new Error('no more parts');
    };
    m2mChanged.connect(refuse, { sender: through(Car, 'defaultParts') });
    try {
      expect(() => vw.defaultParts.add(doors)).toThrow('no more parts');
      expect(vw.defaultParts.count()).toBe(0);
    } finally {
      m2mChanged.disconnect(refuse, { sender: through(Car, 'defaultParts') });
    }
  });
});
