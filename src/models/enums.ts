/**
 * Django's `TextChoices` / `IntegerChoices`, spelled as plain frozen objects:
 *
 *   const Suit = IntegerChoices({ DIAMOND: [1, 'Diamond'], SPADE: 2, HEART: 3, CLUB: 4 }, { name: 'Suit' });
 *   Suit.DIAMOND === 1; Suit.label(2) === 'Spade'; Suit.choices; new IntegerField({ choices: Suit });
 *
 * A member is its value itself (a number or a string), not an enum object: values are what instances hold and
 * what queries compare, so nothing needs unwrapping. A label left out is derived from the member name as
 * Django does (`JET_SKI` → `'Jet Ski'`).
 */

/** A member as declared: its value, or `[value, label]`. */
type MemberSpec<V> = V | readonly [V, string];

type ValueOfSpec<S> = S extends readonly [infer V, string] ? V : S;

export interface ChoicesOptions {
  /** Names the enum in error messages (`Suit`). */
  name?: string;
  /** Django's `__empty__`: a label for "no value", listed first in `choices` with the value null. */
  empty?: string;
}

type EmptyValue<O> = O extends { empty: string } ? null : never;

/** What every choices enum has besides its members. */
export interface ChoicesEnum<V extends string | number = string | number, Empty = never> {
  /** `[value, label]` pairs in declaration order (the empty choice first, when declared). */
  readonly choices: ReadonlyArray<readonly [V | Empty, string]>;
  readonly labels: readonly string[];
  readonly values: ReadonlyArray<V | Empty>;
  /** Member names (`'__empty__'` first when there is an empty choice). */
  readonly names: readonly string[];
  /** The label of a member's value; a value that is not a member is a TypeError. */
  label(value: V): string;
  /** Django's `value in Suit`. */
  has(value: unknown): value is V;
}

/** The members of a declaration, as their values. */
type Members<M> = { readonly [K in keyof M]: ValueOfSpec<M[K]> };

/** `IntegerChoices(...)` / `TextChoices(...)` of the members `M` (declared as an object). */
export type ChoicesOf<M, V extends string | number, O = {}> = Members<M> & ChoicesEnum<V, EmptyValue<O>>;

/** The member names of a declaration given as a list, each with its value type. */
type ListedMembers<N extends readonly string[], V> = { readonly [K in N[number]]: V };

/** The value type of a choices enum: `type Suit = ChoiceValue<typeof Suit>` gives `1 | 2 | 3 | 4`. */
export type ChoiceValue<C> = C extends ChoicesEnum<infer V, any> ? V : never;

const RESERVED = new Set(['choices', 'labels', 'values', 'names', 'label', 'has', '__proto__', '__empty__']);
const MEMBER_NAME = /^[A-Za-z_$][\w$]*$/;

/**
 * Integer choices: `IntegerChoices({ CAR: [1, 'Carriage'], TRUCK: 2 })`, or a list of names numbered from 1
 * (`IntegerChoices(['FIRST', 'SECOND'])`, Django's functional API).
 */
export function IntegerChoices<const N extends readonly string[], const O extends ChoicesOptions = {}>(
  names: N,
  options?: O,
): ListedMembers<N, number> & ChoicesEnum<number, EmptyValue<O>>;
export function IntegerChoices<const M extends Record<string, MemberSpec<number>>, const O extends ChoicesOptions = {}>(
  members: M,
  options?: O,
): ChoicesOf<M, ValueOfSpec<M[keyof M]>, O>;
export function IntegerChoices(members: Record<string, MemberSpec<number>> | readonly string[], options: ChoicesOptions = {}): unknown {
  const declared = Array.isArray(members) ? Object.fromEntries(members.map((name, index) => [name, index + 1])) : members;
  return defineChoices('IntegerChoices', declared as Record<string, MemberSpec<number>>, options, (value) => Number.isSafeInteger(value), 'an integer');
}

/**
 * Text choices: `TextChoices({ FRESHMAN: ['FR', 'Freshman'], GRADUATE: 'GR' })`, or a list of names that are
 * their own values (`TextChoices(['GOLD', 'SILVER'])`, as Django's functional API).
 */
export function TextChoices<const N extends readonly string[], const O extends ChoicesOptions = {}>(
  names: N,
  options?: O,
): { readonly [K in N[number]]: K } & ChoicesEnum<N[number], EmptyValue<O>>;
export function TextChoices<const M extends Record<string, MemberSpec<string>>, const O extends ChoicesOptions = {}>(
  members: M,
  options?: O,
): ChoicesOf<M, ValueOfSpec<M[keyof M]>, O>;
export function TextChoices(members: Record<string, MemberSpec<string>> | readonly string[], options: ChoicesOptions = {}): unknown {
  const declared = Array.isArray(members) ? Object.fromEntries(members.map((name) => [name, name])) : members;
  return defineChoices('TextChoices', declared as Record<string, MemberSpec<string>>, options, (value) => typeof value === 'string', 'a string');
}

/** Marks choices enums, so a field can tell one from a list of choices. */
const CHOICES_ENUM = Symbol.for('threadorm.choicesEnum');

export function isChoicesEnum(value: unknown): value is ChoicesEnum {
  return typeof value === 'object' && value !== null && CHOICES_ENUM in value;
}

function defineChoices<V extends string | number>(
  kind: string,
  members: Record<string, MemberSpec<V>>,
  options: ChoicesOptions,
  isValue: (value: unknown) => boolean,
  expected: string,
): ChoicesEnum<V, null> {
  const title = options.name ?? kind;
  if (members === null || typeof members !== 'object') throw new TypeError(`${title}() takes an object of members or a list of names; got ${typeof members}.`);
  const names: string[] = [];
  const values: V[] = [];
  const labels: string[] = [];
  const nameByValue = new Map<V, string>();
  for (const [name, spec] of Object.entries(members)) {
    if (!MEMBER_NAME.test(name)) throw new TypeError(`${title}: '${name}' cannot be a member name (it must be an identifier).`);
    if (RESERVED.has(name)) throw new TypeError(`${title}: '${name}' cannot be a member name; it is reserved (${[...RESERVED].slice(0, 6).join(', ')}).`);
    const [value, label] = Array.isArray(spec) ? (spec as readonly [V, string]) : [spec as V, labelFromName(name)];
    if (!isValue(value)) throw new TypeError(`${title}.${name}: the value must be ${expected}; got ${JSON.stringify(value) ?? String(value)}.`);
    if (Array.isArray(spec) && (spec.length !== 2 || typeof label !== 'string')) {
      throw new TypeError(`${title}.${name}: a member is a value or a [value, label] pair with a string label.`);
    }
    const earlier = nameByValue.get(value);
    if (earlier !== undefined) throw new TypeError(`duplicate values found in ${title}: ${name} -> ${earlier}.`);
    nameByValue.set(value, name);
    names.push(name);
    values.push(value);
    labels.push(label);
  }
  const labelByValue = new Map(values.map((value, index) => [value, labels[index]!] as const));
  const hasEmpty = options.empty !== undefined;
  const choices: Array<readonly [V | null, string]> = values.map((value, index) => Object.freeze([value, labels[index]!] as const));
  if (hasEmpty) choices.unshift(Object.freeze([null, options.empty!] as const));
  const listed = <X>(items: X[]): readonly X[] => Object.freeze(items);
  const enumeration: Record<PropertyKey, unknown> = {
    choices: listed(choices),
    labels: listed(choices.map(([, label]) => label)),
    values: listed(choices.map(([value]) => value)),
    names: listed(hasEmpty ? ['__empty__', ...names] : names),
    label(value: V): string {
      const label = labelByValue.get(value);
      if (label === undefined) throw new TypeError(`${JSON.stringify(value)} is not a valid ${title}; choose one of ${values.map((v) => JSON.stringify(v)).join(', ')}.`);
      return label;
    },
    has(value: unknown): boolean {
      return labelByValue.has(value as V);
    },
  };
  for (const [index, name] of names.entries()) enumeration[name] = values[index];
  Object.defineProperty(enumeration, CHOICES_ENUM, { value: kind });
  Object.defineProperty(enumeration, Symbol.toStringTag, { value: title });
  return Object.freeze(enumeration) as unknown as ChoicesEnum<V, null>;
}

/** Django's `name.replace('_', ' ').title()`: each run of letters capitalised, the rest of it lower case. */
export function labelFromName(name: string): string {
  let label = '';
  let previousCased = false;
  for (const char of name.replace(/_/g, ' ')) {
    const cased = char.toLowerCase() !== char.toUpperCase();
    label += cased ? (previousCased ? char.toLowerCase() : char.toUpperCase()) : char;
    previousCased = cased;
  }
  return label;
}
