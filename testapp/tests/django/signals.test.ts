/**
 * Ports of Django's tests/signals/tests.py (SignalTests) for the model signals sent by the sync core.
 *
 * Not ported:
 * - test_model_pre_init_and_post_init: threadorm has no preInit / postInit. Instances loaded from the database
 *   are built without running the constructor (generated field setters, for speed), so a postInit sent only
 *   from `new Model()` would miss most instances; half a signal would mislead more than none.
 * - The raw save of test_save_signals (`save_base(raw=True)`): Django uses it to load fixtures, which threadorm
 *   does not do; `raw` is always false.
 * - test_lazy_model_signal and LazyModelRefTests: senders are model classes (no 'app.Model' strings, no weak
 *   references).
 * - AsyncReceiversTests: in dispatch.test.ts, with the dispatcher's own tests.
 */
import { postDelete, postSave, preDelete, preSave, type Model, type DeleteSignalArgs, type PostSaveSignalArgs, type SaveSignalArgs } from '../../../src';
import { Book, Car, Human, Page, Writer } from '../../parity';
import { emptyTables, useParityDatabase } from './setup';

useParityDatabase();
beforeEach(() => emptyTables());

/** Django's BaseSignalSetup: every test disconnects what it connected. */
afterEach(() => {
  for (const signal of [preSave, postSave, preDelete, postDelete]) {
    for (const sender of [Human, Car, Writer, Book, Page]) expect(signal.hasListeners(sender)).toBe(false);
  }
});

describe('signals.tests.SignalTests', () => {
  test('signals.tests.SignalTests.test_save_signals', () => {
    const data: unknown[][] = [];
    const preSaveHandler = ({ instance, sender, raw }: SaveSignalArgs<unknown> & { sender: unknown }) => void data.push([instance, sender, raw]);
    const postSaveHandler = ({ instance, sender, created, raw }: PostSaveSignalArgs<unknown> & { sender: unknown }) =>
      void data.push([instance, sender, created, raw]);
    preSave.connect(preSaveHandler);
    postSave.connect(postSaveHandler);
    try {
      const p1 = Human.objects.create({ firstName: 'John', lastName: 'Smith' });
      expect(data).toEqual([
        [p1, Human, false],
        [p1, Human, true, false],
      ]);
      expect(data[0]![0]).toBe(p1);
      data.length = 0;

      p1.firstName = 'Tom';
      p1.save();
      expect(data).toEqual([
        [p1, Human, false],
        [p1, Human, false, false],
      ]);
      data.length = 0;

      const p2 = new Human({ firstName: 'James', lastName: 'Jones' });
      p2.id = 99999;
      p2.save();
      expect(data).toEqual([
        [p2, Human, false],
        [p2, Human, true, false],
      ]);
      data.length = 0;
      p2.id = 99998;
      p2.save();
      expect(data).toEqual([
        [p2, Human, false],
        [p2, Human, true, false],
      ]);

      // The sender stays the same when using defer().
      data.length = 0;
      const p3 = Human.objects.defer('firstName').get({ pk: p1.pk });
      p3.lastName = 'Reese';
      p3.save();
      expect(data).toEqual([
        [p3, Human, false],
        [p3, Human, false, false],
      ]);
      expect(data[0]![1]).toBe(Human);
    } finally {
      preSave.disconnect(preSaveHandler);
      postSave.disconnect(postSaveHandler);
    }
  });

  test('signals.tests.SignalTests.test_delete_signals', () => {
    const data: unknown[][] = [];
    const preDeleteHandler = ({ instance, sender, origin }: DeleteSignalArgs<Human> & { sender: unknown }) =>
      void data.push([instance, sender, instance.id === null, origin]);
    // Django's #8285 (any callable): a bound method here.
    const recorder = {
      data,
      record({ instance, sender, origin }: DeleteSignalArgs<Human> & { sender: unknown }) {
        this.data.push([instance, sender, instance.id === null, origin]);
      },
    };
    const postDeleteHandler = recorder.record.bind(recorder);
    preDelete.connect(preDeleteHandler, { sender: Human });
    postDelete.connect(postDeleteHandler, { sender: Human });
    try {
      const p1 = Human.objects.create({ firstName: 'John', lastName: 'Smith' });
      p1.delete();
      expect(data).toEqual([
        [p1, Human, false, p1],
        [p1, Human, false, p1],
      ]);
      expect(data[0]![0]).toBe(p1);
      data.length = 0;

      const p2 = new Human({ firstName: 'James', lastName: 'Jones' });
      p2.id = 99999;
      p2.save();
      p2.id = 99998;
      p2.save();
      p2.delete();
      expect(data).toEqual([
        [p2, Human, false, p2],
        [p2, Human, false, p2],
      ]);
      data.length = 0;

      expect(Human.objects.all().eval().map(String)).toEqual(['James Jones']);
    } finally {
      preDelete.disconnect(preDeleteHandler, { sender: Human });
      postDelete.disconnect(postDeleteHandler, { sender: Human });
    }
  });

  test('signals.tests.SignalTests.test_delete_signals_origin_model', () => {
    const data: unknown[][] = [];
    const handler = ({ sender, origin }: { sender: unknown; origin: unknown }) => void data.push([sender, origin]);
    const person = Human.objects.create({ firstName: 'John', lastName: 'Smith' });
    const book = Book.objects.create({ name: 'Rayuela' });
    Page.objects.create({ text: 'Page 1', book });
    Page.objects.create({ text: 'Page 2', book });
    preDelete.connect(handler, { dispatchUid: 'pre' });
    postDelete.connect(handler, { dispatchUid: 'post' });
    try {
      // Instance deletion.
      person.delete();
      expect(data).toEqual([
        [Human, person],
        [Human, person],
      ]);
      data.length = 0;
      // Cascade deletion: every preDelete first, then each model's rows and their postDelete.
      book.delete();
      expect(data).toEqual([
        [Page, book],
        [Page, book],
        [Book, book],
        [Page, book],
        [Page, book],
        [Book, book],
      ]);
    } finally {
      preDelete.disconnect(null, { dispatchUid: 'pre' });
      postDelete.disconnect(null, { dispatchUid: 'post' });
    }
  });

  test('signals.tests.SignalTests.test_delete_signals_origin_queryset', () => {
    const data: unknown[][] = [];
    const handler = ({ sender, origin }: { sender: unknown; origin: unknown }) => void data.push([sender, origin]);
    Human.objects.create({ firstName: 'John', lastName: 'Smith' });
    const book = Book.objects.create({ name: 'Rayuela' });
    Page.objects.create({ text: 'Page 1', book });
    Page.objects.create({ text: 'Page 2', book });
    preDelete.connect(handler, { dispatchUid: 'pre' });
    postDelete.connect(handler, { dispatchUid: 'post' });
    try {
      // Queryset deletion.
      let qs: unknown = Human.objects.all();
      (qs as ReturnType<typeof Human.objects.all>).delete();
      expect(data).toEqual([
        [Human, qs],
        [Human, qs],
      ]);
      expect(data[0]![1]).toBe(qs);
      data.length = 0;
      // Cascade deletion.
      qs = Book.objects.all();
      (qs as ReturnType<typeof Book.objects.all>).delete();
      expect(data).toEqual([
        [Page, qs],
        [Page, qs],
        [Book, qs],
        [Page, qs],
        [Page, qs],
        [Book, qs],
      ]);
    } finally {
      preDelete.disconnect(null, { dispatchUid: 'pre' });
      postDelete.disconnect(null, { dispatchUid: 'post' });
    }
  });

  // Django's @receiver decorator is connect() here: one receiver for any sender, one for Car only.
  test('signals.tests.SignalTests.test_decorators', () => {
    const data: unknown[] = [];
    const decoratedHandler = ({ instance }: { instance: unknown }) => void data.push(instance);
    const decoratedHandlerWithSenderArg = ({ instance }: { instance: Car }) => void data.push(instance);
    preSave.connect(decoratedHandler);
    preSave.connect(decoratedHandlerWithSenderArg, { sender: Car });
    try {
      const c1 = Car.objects.create({ make: 'Volkswagen', model: 'Passat' });
      expect(data).toEqual([c1, c1]);
      // A Human reaches only the receiver for any sender.
      data.length = 0;
      const human = Human.objects.create({ firstName: 'A', lastName: 'B' });
      expect(data).toEqual([human]);
    } finally {
      preSave.disconnect(decoratedHandler);
      preSave.disconnect(decoratedHandlerWithSenderArg, { sender: Car });
    }
  });

  test('signals.tests.SignalTests.test_save_and_delete_signals_with_m2m', () => {
    const data: string[] = [];
    const preSaveHandler = ({ instance, raw }: { instance: unknown; raw: boolean }) => {
      data.push(`pre_save signal, ${String(instance)}`);
      if (raw) data.push('Is raw');
    };
    const postSaveHandler = ({ instance, created, raw }: { instance: unknown; created: boolean; raw: boolean }) => {
      data.push(`post_save signal, ${String(instance)}`);
      data.push(created ? 'Is created' : 'Is updated');
      if (raw) data.push('Is raw');
    };
    const preDeleteHandler = ({ instance }: { instance: Model }) => {
      data.push(`pre_delete signal, ${String(instance)}`);
      data.push(`instance.id is not None: ${instance.pk !== null ? 'True' : 'False'}`);
    };
    const postDeleteHandler = ({ instance }: { instance: Model }) => {
      data.push(`post_delete signal, ${String(instance)}`);
      data.push(`instance.id is not None: ${instance.pk !== null ? 'True' : 'False'}`);
    };
    preSave.connect(preSaveHandler);
    postSave.connect(postSaveHandler);
    preDelete.connect(preDeleteHandler);
    postDelete.connect(postDeleteHandler);
    try {
      const a1 = Writer.objects.create({ name: 'Neal Stephenson' });
      expect(data).toEqual(['pre_save signal, Neal Stephenson', 'post_save signal, Neal Stephenson', 'Is created']);
      data.length = 0;

      const b1 = Book.objects.create({ name: 'Snow Crash' });
      expect(data).toEqual(['pre_save signal, Snow Crash', 'post_save signal, Snow Crash', 'Is created']);
      data.length = 0;

      // Assigning and removing to/from m2m shouldn't generate an m2m signal.
      b1.authors.set([a1]);
      expect(data).toEqual([]);
      b1.authors.set([]);
      expect(data).toEqual([]);
    } finally {
      preSave.disconnect(preSaveHandler);
      postSave.disconnect(postSaveHandler);
      preDelete.disconnect(preDeleteHandler);
      postDelete.disconnect(postDeleteHandler);
    }
  });

  test('signals.tests.SignalTests.test_disconnect_in_dispatch', () => {
    // Django's Handler objects, which disconnect themselves when called.
    const handler = () => {
      const state = { run: false };
      const receive = ({ signal, sender }: { signal: typeof postSave; sender: typeof Human }) => {
        state.run = true;
        signal.disconnect(receive, { sender });
      };
      return { state, receive };
    };
    const a = handler();
    const b = handler();
    postSave.connect(a.receive, { sender: Human });
    postSave.connect(b.receive, { sender: Human });
    Human.objects.create({ firstName: 'John', lastName: 'Smith' });
    expect(a.state.run).toBe(true);
    expect(b.state.run).toBe(true);
    expect(postSave.hasListeners(Human)).toBe(false);
  });

  test('signals.tests.SignalTests.test_disconnect_model', () => {
    const received: unknown[] = [];
    const receiver = (args: unknown) => void received.push(args);
    postSave.connect(receiver, { sender: Human });
    expect(postSave.disconnect(receiver, { sender: Human })).toBe(true);
    expect(postSave.disconnect(receiver, { sender: Human })).toBe(false);
    Human.objects.create({ firstName: 'A', lastName: 'B' });
    expect(received).toEqual([]);
  });
});
