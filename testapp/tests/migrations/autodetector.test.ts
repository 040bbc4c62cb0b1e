/**
 * The autodetector on its own: two versions of some models, each in a registry of its own (`meta.apps`), and
 * the operations it finds between them, with the questions it asks.
 */
import {
  BooleanField,
  CASCADE,
  CharField,
  ForeignKey,
  IntegerField,
  ManyToManyField,
  MigrationError,
  Model,
  SET_NULL,
  TextField,
  type ModelMeta,
} from '../../../src';
import { detectChanges } from '../../../src/migrations/autodetector';
import type { Operation } from '../../../src/migrations/operations';
import { DetectingQuestioner, parseRenames, type Questioner } from '../../../src/migrations/questioner';
import { ProjectState } from '../../../src/migrations/state';
import { Apps } from '../../../src/models/registry';

/** Models declared for one version: `define(meta => class ...)` with `meta` carrying the version's registry. */
function version(define: (meta: (extra?: ModelMeta) => ModelMeta) => void): ProjectState {
  const apps = new Apps('a test version');
  define((extra = {}) => ({ ...extra, apps }));
  return ProjectState.fromApps(apps);
}

class ScriptedQuestioner implements Questioner {
  readonly asked: string[] = [];
  constructor(private readonly answers: { rename?: boolean; value?: unknown } = {}) {}
  askRenameModel(oldLabel: string, newLabel: string): boolean {
    this.asked.push(`rename model ${oldLabel} -> ${newLabel}`);
    return this.answers.rename ?? false;
  }
  askRenameField(model: string, oldName: string, newName: string, type: string): boolean {
    this.asked.push(`rename field ${model}.${oldName} -> ${newName} (${type})`);
    return this.answers.rename ?? false;
  }
  askNotNullAddition(model: string, field: string): unknown {
    this.asked.push(`default for new ${model}.${field}`);
    return this.answers.value;
  }
  askNotNullAlteration(model: string, field: string): unknown {
    this.asked.push(`default for altered ${model}.${field}`);
    return this.answers.value;
  }
}

const describeAll = (operations: Operation[]) => operations.map((operation) => operation.describe());

function pizzas(fields: (meta: (extra?: ModelMeta) => ModelMeta) => Record<string, unknown>, options: ModelMeta = {}): ProjectState {
  return version((meta) => {
    class Pizza extends Model {
      static override fields = fields(meta) as never;
      static override meta = meta(options);
    }
    void Pizza._meta;
  });
}

describe('renames', () => {
  const before = pizzas(() => ({ name: new CharField({ maxLength: 50 }) }));
  const after = pizzas(() => ({ title: new CharField({ maxLength: 50 }) }));

  test('a field gone and a new one of the same type is a question; yes is a RenameField', () => {
    const questioner = new ScriptedQuestioner({ rename: true });
    expect(describeAll(detectChanges(before, after, { questioner }))).toEqual(['Rename field name on Pizza to title']);
    expect(questioner.asked).toEqual(['rename field Pizza.name -> title (CharField)']);
  });

  test('no is a removal and an addition', () => {
    const questioner = new ScriptedQuestioner({ rename: false });
    expect(describeAll(detectChanges(before, after, { questioner }))).toEqual(['Remove field name from Pizza', 'Add field title to Pizza']);
  });

  test('fields of different types are no rename question; --rename makes one anyway, with an AlterField', () => {
    const text = pizzas(() => ({ title: new TextField() }));
    const questioner = new ScriptedQuestioner({ rename: true });
    expect(describeAll(detectChanges(before, text, { questioner }))).toEqual(['Remove field name from Pizza', 'Add field title to Pizza']);
    expect(questioner.asked).toEqual([]);
    const renames = parseRenames(['Pizza.name=title']);
    expect(describeAll(detectChanges(before, text, { questioner, renames }))).toEqual(['Rename field name on Pizza to title', 'Alter field title on Pizza']);
  });

  test('a --rename that matches no change says what is gone and what is new', () => {
    expect(() => detectChanges(before, after, { questioner: new DetectingQuestioner(), renames: parseRenames(['Pizza.nome=title']) })).toThrow(
      "--rename Pizza.nome=title: that needs a field Pizza.nome the model no longer has and a new field Pizza.title. Gone: name; new: title.",
    );
    expect(() => parseRenames(['Pizza.name'])).toThrow(MigrationError);
  });

  test('a model gone and a new one with the same fields is a question; the keys that point at it follow', () => {
    const define = (label: string) =>
      version((meta) => {
        const Target = { [label]: class extends Model { static override fields = { name: new CharField({ maxLength: 20 }) }; static override meta = meta(); } }[label]!;
        class Pizza extends Model {
          static override fields = { box: new ForeignKey(() => Target, { onDelete: CASCADE }) };
          static override meta = meta();
        }
        void Pizza._meta;
      });
    const questioner = new ScriptedQuestioner({ rename: true });
    expect(describeAll(detectChanges(define('Box'), define('Crate'), { questioner }))).toEqual(['Rename model Box to Crate']);
    expect(questioner.asked).toEqual(['rename model Box -> Crate']);
    const refused = new ScriptedQuestioner({ rename: false });
    expect(describeAll(detectChanges(define('Box'), define('Crate'), { questioner: refused }))).toEqual([
      'Create model Crate',
      'Alter field box on Pizza',
      'Delete model Box',
    ]);
  });
});

describe('defaults for existing rows', () => {
  const before = pizzas(() => ({ name: new CharField({ maxLength: 50 }), size: new IntegerField({ null: true }) }));

  test('a new non-null field without a default asks for a one-off value; strings, nullables and defaults do not', () => {
    const after = pizzas(() => ({
      name: new CharField({ maxLength: 50 }),
      size: new IntegerField({ null: true }),
      weight: new IntegerField(),
      label: new CharField({ maxLength: 10 }),
      rating: new IntegerField({ null: true }),
      spicy: new BooleanField({ default: false }),
    }));
    const questioner = new ScriptedQuestioner({ value: 250 });
    const operations = detectChanges(before, after, { questioner });
    expect(questioner.asked).toEqual(['default for new Pizza.weight']);
    expect(operations[0]!.deconstruct()).toEqual([
      { modelName: 'Pizza', name: 'weight', field: expect.objectContaining({ type: 'IntegerField', options: { default: 250 } }), preserveDefault: false },
    ]);
  });

  test('a nullable field made non-null without a default asks; with a default it does not', () => {
    const required = pizzas(() => ({ name: new CharField({ maxLength: 50 }), size: new IntegerField() }));
    const questioner = new ScriptedQuestioner({ value: 0 });
    expect(describeAll(detectChanges(before, required, { questioner }))).toEqual(['Alter field size on Pizza']);
    expect(questioner.asked).toEqual(['default for altered Pizza.size']);
    const withDefault = pizzas(() => ({ name: new CharField({ maxLength: 50 }), size: new IntegerField({ default: 1 }) }));
    const quiet = new ScriptedQuestioner();
    detectChanges(before, withDefault, { questioner: quiet });
    expect(quiet.asked).toEqual([]);
  });
});

describe('what is a change', () => {
  const base = () => ({ name: new CharField({ maxLength: 50 }) });

  test('validation-only options (blank, choices, validators, verboseName) make no migration', () => {
    const same = pizzas(() => ({ name: new CharField({ maxLength: 50, blank: true, choices: ['a', 'b'], verboseName: 'Name', validators: [() => undefined] }) }));
    expect(detectChanges(pizzas(base), same, { questioner: new DetectingQuestioner() })).toEqual([]);
  });

  test('an option given with the value the field assumes anyway is no change', () => {
    const explicit = pizzas(() => ({ name: new CharField({ maxLength: 50, null: false, unique: false, dbIndex: false }) }));
    expect(detectChanges(pizzas(base), explicit, { questioner: new DetectingQuestioner() })).toEqual([]);
  });

  test('table, ordering, indexes and unique sets each have their operation', () => {
    const after = pizzas(base, { dbTable: 'menu_pizza', ordering: ['name'], indexes: [{ fields: ['name'] }], uniqueTogether: [['id', 'name']] });
    expect(describeAll(detectChanges(pizzas(base), after, { questioner: new DetectingQuestioner() }))).toEqual([
      'Rename table for Pizza to menu_pizza',
      'Create index menu_pizza_name_idx on Pizza (name)',
      'Alter uniqueTogether for Pizza (1 constraint)',
      'Change options on Pizza',
    ]);
  });

  test('a unique set that names a removed field goes before the field does', () => {
    const before = pizzas(() => ({ name: new CharField({ maxLength: 50 }), size: new IntegerField() }), { uniqueTogether: [['name', 'size']] });
    expect(describeAll(detectChanges(before, pizzas(base), { questioner: new DetectingQuestioner() }))).toEqual([
      'Alter uniqueTogether for Pizza (0 constraints)',
      'Remove field size from Pizza',
    ]);
  });

  test('a field that changes between a many-to-many and a column is refused, with what to do instead', () => {
    const column = version((meta) => {
      class Topping extends Model { static override fields = base(); static override meta = meta(); }
      class Pizza extends Model { static override fields = { toppings: new ForeignKey(() => Topping, { onDelete: CASCADE }) }; static override meta = meta(); }
      void Pizza._meta;
    });
    const many = version((meta) => {
      class Topping extends Model { static override fields = base(); static override meta = meta(); }
      class Pizza extends Model { static override fields = { toppings: new ManyToManyField(() => Topping) }; static override meta = meta(); }
      void Pizza._meta;
    });
    expect(() => detectChanges(column, many, { questioner: new DetectingQuestioner() })).toThrow(
      /Pizza\.toppings changes between a many-to-many relation and a column, which no AlterField can do without losing rows/,
    );
  });

  test('relatedName and onDelete are changes of the state (for historical models) that run no SQL', () => {
    const define = (relatedName: string, null_: boolean) =>
      version((meta) => {
        class Box extends Model { static override fields = base(); static override meta = meta(); }
        class Pizza extends Model {
          static override fields = { box: new ForeignKey(() => Box, { onDelete: null_ ? SET_NULL : CASCADE, null: null_, relatedName }) };
          static override meta = meta();
        }
        void Pizza._meta;
      });
    expect(describeAll(detectChanges(define('pizzas', false), define('items', false), { questioner: new DetectingQuestioner() }))).toEqual(['Alter field box on Pizza']);
  });
});

describe('order of new and deleted models', () => {
  const shop = () =>
    version((meta) => {
      class Order extends Model {
        static override fields = { customer: new ForeignKey(() => Customer, { onDelete: CASCADE }) };
        static override meta = meta();
      }
      class Customer extends Model {
        static override fields = { name: new CharField({ maxLength: 20 }), lastOrder: new ForeignKey(() => Order, { onDelete: SET_NULL, null: true, relatedName: '+' }) };
        static override meta = meta();
      }
      class Address extends Model {
        static override fields = { customer: new ForeignKey(() => Customer, { onDelete: CASCADE }) };
        static override meta = meta();
      }
      void Address._meta;
      void Order._meta;
    });

  test('a model comes after the models it points at; a circle is closed by an AddField afterwards', () => {
    expect(describeAll(detectChanges(new ProjectState(), shop(), { questioner: new DetectingQuestioner() }))).toEqual([
      'Create model Customer',
      'Create model Address',
      'Create model Order',
      'Add field lastOrder to Customer',
    ]);
  });

  test('deleted models go referring ones first; a circle is opened by removing a key first', () => {
    expect(describeAll(detectChanges(shop(), new ProjectState(), { questioner: new DetectingQuestioner() }))).toEqual([
      'Delete model Address',
      'Remove field customer from Order',
      'Delete model Customer',
      'Delete model Order',
    ]);
  });
});
