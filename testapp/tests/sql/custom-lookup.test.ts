/**
 * Lookups and transforms registered on field classes: a lookup added in one file (ne-lookup.ts) works in
 * filters, excludes, relation paths and through the worker pool; registrations follow the class hierarchy and
 * can be taken back; a lookup's `as<Vendor>` rendering wins over `asSql`.
 */
import {
  CharField,
  close,
  configure,
  createSchema,
  F,
  Field,
  FieldError,
  IntegerField,
  Lookup,
  OperatorLookup,
  QuerySet,
  TextField,
  Transform,
  type BaseOperations,
  type Compiled,
  type Compiler,
} from '../../../src';
import { Gadget, Shelf } from './lookup-models';
import { NotEqualLookup } from './ne-lookup';

beforeAll(() => {
  configure({ database: ':memory:', models: [require.resolve('./lookup-models')], workers: 1 });
  createSchema();
  const top = Shelf.objects.create({ label: 'top' });
  const bottom = Shelf.objects.create({ label: 'bottom' });
  Gadget.objects.create({ name: 'lamp', size: 3, price: '12.50', shelf: top });
  Gadget.objects.create({ name: 'clock', size: 5, price: '9.99', shelf: bottom });
  Gadget.objects.create({ name: 'vase', size: null, price: '100.00', shelf: top });
});

afterAll(async () => {
  await close();
});

const names = (gadgets: Gadget[]) => gadgets.map((gadget) => gadget.name);

/** Gadgets without compile-time key checks, for lookups that exist only while a test registers them. */
const unchecked = () => Gadget.objects.all() as unknown as QuerySet<any, Gadget>;

describe('a lookup defined in one file and registered on Field', () => {
  test('filters every field type', () => {
    expect(names(Gadget.objects.filter({ name__ne: 'lamp' }).eval())).toEqual(['clock', 'vase']);
    // SQL's <>: a NULL size matches neither `ne` nor its negation.
    expect(names(Gadget.objects.filter({ size__ne: 3 }).eval())).toEqual(['clock']);
    expect(names(Gadget.objects.filter({ price__ne: '12.5' }).eval())).toEqual(['clock', 'vase']);
  });

  test('renders through the compiler, with values bound as parameters', () => {
    const { sql, params } = Gadget.objects.filter({ name__ne: 'lamp' }).toSql();
    expect(sql).toMatch(/"name" <> \?/);
    expect(params).toEqual(['lamp']);
  });

  test('takes expressions, relation paths and exclude()', () => {
    expect(names(Gadget.objects.filter({ name__ne: F('shelf__label') }).eval())).toEqual(['lamp', 'clock', 'vase']);
    expect(names(Gadget.objects.filter({ shelf__label__ne: 'top' }).eval())).toEqual(['clock']);
    // Negated, a nullable column keeps its NULL rows (Django's exclude), as for the built-in lookups.
    expect(names(Gadget.objects.exclude({ size__ne: 3 }).eval())).toEqual(['lamp', 'vase']);
  });

  test('converts values through the field, and refuses what the field refuses', () => {
    expect(names(Gadget.objects.filter({ size__ne: '5' }).eval())).toEqual(['lamp']);
    expect(() => Gadget.objects.filter({ size__ne: 'many' })).toThrow(/size__ne/);
    expect(() => Gadget.objects.filter({ size__ne: null })).toThrow(/null is only allowed with exact lookups; use size__isnull/);
  });

  test('is found through the field and listed with the lookups that exist', () => {
    expect(Gadget._meta.getField('name').getLookup('ne')).toBe(NotEqualLookup);
    expect(Field.getLookups().get('ne')).toBe(NotEqualLookup);
    expect(() => unchecked().filter({ name__nope: 1 })).toThrow(FieldError);
    expect(() => unchecked().filter({ name__nope: 1 })).toThrow(/Choices are: .*\bne\b/);
  });

  test('runs in the pool workers, which import the models module that registers it', async () => {
    expect(await Gadget.aobjects.filter({ name__ne: 'lamp' }).count()).toBe(2);
    const found = await Gadget.aobjects.filter({ shelf__label__ne: 'bottom', size__ne: 100 }).eval();
    expect(names(found)).toEqual(['lamp']);
  });
});

/** `name__shout`: only for CharField and its subclasses. */
class ShoutLookup extends OperatorLookup {
  static override readonly lookupName = 'shout';
  protected operator(lhs: string, rhs: string): string {
    return `UPPER(${lhs}) = UPPER(${rhs})`;
  }
}

/** `name__chars__gt: 4`: the length of a text, an integer. */
class CharsTransform extends Transform {
  static override readonly lookupName = 'chars';
  asSql(compiler: Compiler, _ops: BaseOperations): Compiled {
    const [sql, params] = this.source.compile(compiler);
    return [`LENGTH(${sql})`, params];
  }
  override outputField(): Field {
    return new IntegerField();
  }
}

describe('registration on field classes', () => {
  test('is inherited by subclasses and taken back with unregisterLookup()', () => {
    CharField.registerLookup(ShoutLookup);
    try {
      expect(names(unchecked().filter({ name__shout: 'LAMP' }).eval())).toEqual(['lamp']);
      expect(new TextField().getLookup('shout')).toBe(ShoutLookup);
      expect(new IntegerField().getLookup('shout')).toBeUndefined();
      expect(() => unchecked().filter({ size__shout: 3 })).toThrow(/unsupported lookup 'shout'/);
    } finally {
      CharField.unregisterLookup(ShoutLookup);
    }
    expect(new TextField().getLookup('shout')).toBeUndefined();
    expect(() => unchecked().filter({ name__shout: 'LAMP' })).toThrow(/unsupported lookup 'shout'/);
  });

  test('a transform changes the left-hand side and the lookups that follow it', () => {
    CharField.registerLookup(CharsTransform);
    try {
      expect(new CharField().getTransform('chars')).toBe(CharsTransform);
      expect(new CharField().getLookup('chars')).toBeUndefined();
      expect(names(unchecked().filter({ name__chars__gt: 4 }).eval())).toEqual(['clock']);
      expect(names(unchecked().filter({ name__chars: 4 }).eval())).toEqual(['lamp', 'vase']);
    } finally {
      CharField.unregisterLookup(CharsTransform);
    }
  });

  test('a lookup on a subclass overrides the one it inherits, for that subclass only', () => {
    class LooseExact extends OperatorLookup {
      static override readonly lookupName = 'exact';
      protected operator(lhs: string, rhs: string): string {
        return `LOWER(${lhs}) = LOWER(${rhs})`;
      }
    }
    CharField.registerLookup(LooseExact);
    try {
      expect(names(Gadget.objects.filter({ name: 'LAMP' }).eval())).toEqual(['lamp']);
      expect(names(Gadget.objects.filter({ size: 3 }).eval())).toEqual(['lamp']);
    } finally {
      CharField.unregisterLookup(LooseExact);
    }
    expect(Gadget.objects.filter({ name: 'LAMP' }).eval()).toEqual([]);
  });

  test('refuses what is not a lookup class, and unregistering what was not registered there', () => {
    expect(() => Field.registerLookup({} as never)).toThrow(/takes a Lookup or Transform class/);
    expect(() => Field.registerLookup(NotEqualLookup, 'a__b')).toThrow(/without '__'/);
    expect(() => CharField.unregisterLookup(NotEqualLookup)).toThrow(/'ne' is not registered on CharField itself/);
  });
});

describe('per-backend rendering', () => {
  test('the compiler calls as<Vendor> before asSql', () => {
    class VendorLookup extends Lookup {
      static override readonly lookupName = 'vendored';
      asSql(): Compiled {
        throw new Error('asSql should not run when asSqlite exists');
      }
      asSqlite(compiler: Compiler, ops: BaseOperations): Compiled {
        const [lhs, params] = this.lhs.compile(compiler);
        return [`${lhs} = ${ops.placeholder()}`, [...params, this.rhs as string]];
      }
    }
    Field.registerLookup(VendorLookup);
    try {
      expect(names(unchecked().filter({ name__vendored: 'clock' }).eval())).toEqual(['clock']);
    } finally {
      Field.unregisterLookup(VendorLookup);
    }
  });
});
