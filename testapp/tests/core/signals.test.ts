/**
 * Model signals in the sync core, beyond the ports of Django's tests: which operations send them, that their
 * receivers run inside the operation's transaction, how Promises from receivers are refused, and typing.
 */
import { captureQueries, m2mChanged, postDelete, postMigrate, postSave, preDelete, preSave, type ModelClass, type PostMigrateSignalArgs } from '../../../src';
import { AuditEntry, Book, Car, Human, Invoice, Page, Part, Writer } from '../../parity';
import { emptyTables, useParityDatabase } from '../django/setup';

useParityDatabase();
beforeEach(() => emptyTables());

/** Connects a recorder of [signal, sender label, extra] for the duration of `fn`. */
function recording(fn: (events: string[]) => void): string[] {
  const events: string[] = [];
  const record = (name: string) => (args: { sender: ModelClass; created?: boolean }) =>
    void events.push(`${name} ${args.sender._meta.label}${args.created === undefined ? '' : args.created ? ' created' : ' updated'}`);
  const receivers = [
    [preSave, record('preSave')],
    [postSave, record('postSave')],
    [preDelete, record('preDelete')],
    [postDelete, record('postDelete')],
  ] as const;
  for (const [signal, receiver] of receivers) signal.connect(receiver);
  try {
    fn(events);
  } finally {
    for (const [signal, receiver] of receivers) signal.disconnect(receiver);
  }
  return events;
}

describe('which operations send model signals', () => {
  test('bulkCreate(), update() and bulkUpdate() send no save signals (as Django)', () => {
    const events = recording(() => {
      const [a, b] = Human.objects.bulkCreate([new Human({ firstName: 'A', lastName: 'X' }), new Human({ firstName: 'B', lastName: 'X' })]);
      Human.objects.filter({ lastName: 'X' }).update({ lastName: 'Y' });
      a!.firstName = 'C';
      Human.objects.bulkUpdate([a!, b!], ['firstName']);
    });
    expect(events).toEqual([]);
  });

  test('queryset delete() sends preDelete and postDelete per object, cascades included, through the collector', () => {
    const book = Book.objects.create({ name: 'B' });
    Page.objects.create({ book, text: '1' });
    Page.objects.create({ book, text: '2' });
    const other = Book.objects.create({ name: 'C' });
    const events = recording(() => {
      expect(Book.objects.all().delete()).toEqual([4, { Book: 2, Page: 2 }]);
    });
    expect(events).toEqual(['preDelete Page', 'preDelete Page', 'preDelete Book', 'preDelete Book', 'postDelete Page', 'postDelete Page', 'postDelete Book', 'postDelete Book']);
    expect(other.pk).not.toBeNull();
  });

  test('rows of auto-created many-to-many tables send nothing; the relation sends m2mChanged', () => {
    const book = Book.objects.create({ name: 'B' });
    const writer = Writer.objects.create({ name: 'W' });
    const changes: string[] = [];
    const onChange = ({ action, sender }: { action: string; sender: ModelClass }) => void changes.push(`${sender._meta.label} ${action}`);
    m2mChanged.connect(onChange);
    try {
      const events = recording(() => {
        book.authors.add(writer);
        book.delete();
      });
      // The Book_authors row went with the book, without signals of its own.
      expect(events).toEqual(['preDelete Book', 'postDelete Book']);
      expect(changes).toEqual(['Book_authors preAdd', 'Book_authors postAdd']);
    } finally {
      m2mChanged.disconnect(onChange);
    }
  });

  test('getOrCreate, updateOrCreate and create() on a related manager save through save(), with its signals', () => {
    const events = recording(() => {
      Human.objects.getOrCreate({ firstName: 'G', lastName: 'X' });
      Human.objects.getOrCreate({ firstName: 'G', lastName: 'X' });
      Human.objects.updateOrCreate({ firstName: 'G' }, { defaults: { lastName: 'Y' } });
      Car.objects.create({ name: 'vw' }).defaultParts.create({ name: 'door' });
    });
    expect(events).toEqual([
      'preSave Human',
      'postSave Human created',
      'preSave Human',
      'postSave Human updated',
      'preSave Car',
      'postSave Car created',
      'preSave Part',
      'postSave Part created',
    ]);
  });

  test('save({ updateFields }) passes them as a set; an empty list saves nothing and sends nothing (as Django)', () => {
    const human = Human.objects.create({ firstName: 'A', lastName: 'B' });
    const fields: Array<ReadonlySet<string> | null> = [];
    const receiver = ({ updateFields }: { updateFields: ReadonlySet<string> | null }) => void fields.push(updateFields);
    postSave.connect(receiver, { sender: Human });
    try {
      human.save({ updateFields: ['firstName'] });
      human.save({ updateFields: [] });
      human.save();
    } finally {
      postSave.disconnect(receiver, { sender: Human });
    }
    expect(fields).toEqual([new Set(['firstName']), null]);
  });
});

describe('receivers run inside the operation\'s transaction', () => {
  test('an error in postSave rolls the save back, receiver writes included', () => {
    expect(() => Invoice.objects.create({ number: 'BROKEN' })).toThrow('The audit of invoice BROKEN failed after writing.');
    expect(Invoice.objects.count()).toBe(0);
    expect(AuditEntry.objects.count()).toBe(0);
    Invoice.objects.create({ number: 'fine' });
    expect(AuditEntry.objects.valuesList('action', 'number').eval()).toEqual([['created', 'fine']]);
  });

  test('an error in preDelete keeps every row', () => {
    const book = Book.objects.create({ name: 'kept' });
    Page.objects.create({ book, text: 'p' });
    const refuse = () => {
      throw new Error('not today');
    };
    preDelete.connect(refuse, { sender: Book });
    try {
      expect(() => book.delete()).toThrow('not today');
    } finally {
      preDelete.disconnect(refuse, { sender: Book });
    }
    expect([Book.objects.count(), Page.objects.count()]).toEqual([1, 1]);
  });

  test('without receivers save() is one statement; with them it opens a transaction (or a savepoint)', () => {
    expect(captureQueries(() => Human.objects.create({ firstName: 'A', lastName: 'B' })).map((q) => q.sql.split(' ')[0])).toEqual(['INSERT']);
    const receiver = () => undefined;
    postSave.connect(receiver, { sender: Human });
    try {
      const statements = captureQueries(() => Human.objects.create({ firstName: 'C', lastName: 'D' })).map((q) => q.sql.split(' ')[0]);
      expect(statements).toContain('INSERT');
      expect(statements.length).toBeGreaterThan(1);
    } finally {
      postSave.disconnect(receiver, { sender: Human });
    }
    // A receiver for another model changes nothing for Human.
    postSave.connect(receiver, { sender: Car });
    try {
      expect(captureQueries(() => Human.objects.create({ firstName: 'E', lastName: 'F' }))).toHaveLength(1);
    } finally {
      postSave.disconnect(receiver, { sender: Car });
    }
  });
});

describe('Promises from receivers', () => {
  test('save() refuses an async receiver before writing anything, and says what to do instead', () => {
    async function notifyLater(): Promise<void> {}
    postSave.connect(notifyLater, { sender: Human });
    try {
      expect(() => Human.objects.create({ firstName: 'A', lastName: 'B' })).toThrow(
        /postSave receiver 'notifyLater' is an async function, but postSave.send\(\) calls receivers synchronously .*in the thread that runs the operation.*Make the receiver synchronous/,
      );
    } finally {
      postSave.disconnect(notifyLater, { sender: Human });
    }
    expect(Human.objects.count()).toBe(0);
  });

  test('a receiver that returns a Promise fails the save, which rolls back', () => {
    const later = () => Promise.resolve('done');
    preSave.connect(later, { sender: Human });
    try {
      expect(() => Human.objects.create({ firstName: 'A', lastName: 'B' })).toThrow(/preSave receiver 'later' returned a Promise/);
    } finally {
      preSave.disconnect(later, { sender: Human });
    }
    expect(Human.objects.count()).toBe(0);
  });
});

describe('typed receivers', () => {
  test('with a sender, the instance is typed as that model', () => {
    const numbers: string[] = [];
    postSave.connect(
      ({ instance, created, updateFields }) => {
        numbers.push(`${instance.number}:${created}:${updateFields === null}`);
        // @ts-expect-error an Invoice has no firstName
        void instance.firstName;
      },
      { sender: Invoice, dispatchUid: 'typed' },
    );
    try {
      Invoice.objects.create({ number: 'T-1' });
    } finally {
      expect(postSave.disconnect(null, { sender: Invoice, dispatchUid: 'typed' })).toBe(true);
    }
    expect(numbers).toEqual(['T-1:true:true']);
  });

  test('without a sender, any model', () => {
    const seen: string[] = [];
    const receiver = ({ instance, sender }: { instance: object; sender: ModelClass }) => void seen.push(`${sender._meta.label}:${instance.constructor.name}`);
    preSave.connect(receiver);
    try {
      Part.objects.create({ name: 'x' });
      Human.objects.create({ firstName: 'y', lastName: 'z' });
    } finally {
      preSave.disconnect(receiver);
    }
    expect(seen).toEqual(['Part:Part', 'Human:Human']);
  });
});

describe('postMigrate', () => {
  test('is the signal migrate sends once it has run: sender null, the alias, the plan and the historical models', () => {
    const received: Array<PostMigrateSignalArgs & { sender: null }> = [];
    const receiver = (args: PostMigrateSignalArgs & { sender: null }) => void received.push(args);
    postMigrate.connect(receiver);
    try {
      const plan = [[{ name: '0001_initial' }, false] as const];
      postMigrate.send(null, { using: 'default', plan, apps: null });
      expect(received).toEqual([{ using: 'default', plan, apps: null, sender: null, signal: postMigrate }]);
    } finally {
      postMigrate.disconnect(receiver);
    }
  });
});
