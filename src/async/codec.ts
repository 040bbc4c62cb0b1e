import { types } from 'node:util';
import { driverErrorClasses, errorClasses, ThreadormError, ValidationError, ProtectedError, RestrictedError } from '../errors';
import { freshState, isConcreteModel, Model } from '../models/base';
import { Field } from '../models/fields/base';
import * as scalarFields from '../models/fields/scalar';
import { getModel } from '../models/registry';
import type { ModelClass } from '../models/types';
import * as expressions from '../sql/expressions';
import { Expression } from '../sql/expressions';
import { defineDeferred } from '../models/hydrate';
import { PrefetchSpec } from '../models/prefetch';
import { FETCH_ONE, FetchMode, fetchModeNamed, PeerGroup } from '../models/fetch-modes';
import { QuerySet, type ChainStep, type QuerySetRoot } from '../models/queryset';
import { QNode } from '../sql/where';
import { isChainMethod } from './methods';
import { isCustomChainMethod } from '../models/custom-methods';
import { boundManager } from '../models/manager';
import { chainingOnly } from '../db/connections';

/**
 * The one encoding for everything that crosses a thread: chain steps and their arguments (Q, F and other
 * expressions, querysets, model instances), results, and errors. Structured clone carries primitives, Dates,
 * bigints, typed arrays and plain containers; this codec tags what it cannot (class instances) and rebuilds
 * them on the other side, in either direction.
 */

type Tagged =
  | {
      $: 'model'; label: string; values: unknown[]; adding: boolean; db?: string; related?: Record<string, unknown>; prefetched?: Record<string, unknown>;
      extra?: Record<string, unknown>; fetchMode?: string; peers?: object;
    }
  | { $: 'fetchMode'; name: string }
  | { $: 'ref'; id: number }
  | { $: 'buffer'; bytes: Uint8Array }
  | { $: 'map'; entries: unknown[] }
  | { $: 'queryset'; root: unknown; steps: unknown; db?: string }
  | { $: 'q'; children: unknown[]; connector: 'AND' | 'OR'; negated: boolean }
  | { $: 'expression'; cls: string; props: Record<string, unknown> }
  | { $: 'field'; model?: string; name?: string; cls?: string; options?: unknown }
  | { $: 'prefetch'; lookup: string; options: unknown }
  | { $: 'error'; kind: string; name: string; message: string; model?: string; stack?: string; code?: string; errors?: unknown; objects?: unknown }
  | { $: 'undefined' }
  | { $: 'symbol'; description: string | null }
  | { $: 'function'; name: string; source: string }
  | { $: 'cycle'; up: number }
  | { $: 'opaque'; cls: string; text: string; json: string | undefined; props: Record<string, unknown> }
  | { $: 'set'; values: unknown[] }
  | { $: 'object'; value: Record<string, unknown> };

/** Expression classes by constructor name, to rebuild them. */
const expressionClasses = new Map<string, Function>();
for (const value of Object.values(expressions)) {
  if (typeof value === 'function' && value.prototype instanceof Expression) expressionClasses.set(value.name, value);
}
const fieldClasses = new Map<string, new (options: any) => Field>();
for (const value of Object.values(scalarFields)) {
  if (typeof value === 'function' && value.prototype instanceof Field) fieldClasses.set(value.name, value as new (options: any) => Field);
}

/**
 * Plain containers on the path from the value being encoded down to the current one. A value met again on
 * that path closes a cycle: it is sent as `{ $: 'cycle', up }` and decoding links it back, so a cyclic JSON
 * value reaches the sync core (and fails there exactly as it does in sync code) instead of overflowing here.
 */
const encodingPath: object[] = [];
const decodingPath: object[] = [];

export function encode(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return encodeScalar(value);
  if (types.isDate(value)) return value;
  if (Buffer.isBuffer(value)) return { $: 'buffer', bytes: new Uint8Array(value.buffer, value.byteOffset, value.byteLength) };
  if (Array.isArray(value)) return primitivesOnly(value) ? value : encodeContainer(value, () => value.map(encode));
  if (value instanceof Model) return encodeInstance(value);
  if (value instanceof QuerySet) {
    const tagged: Tagged & { $: 'queryset' } = { $: 'queryset', root: encodeRoot(value.root), steps: encode(value.steps) };
    // A database chosen without a step (dbManager(), or the one an async call was routed to) travels along.
    if (value.dbAlias !== null) tagged.db = value.dbAlias;
    return tagged;
  }
  if ((value as { sync?: unknown }).sync instanceof QuerySet) return encode((value as { sync: unknown }).sync);
  if (value instanceof QNode) return { $: 'q', children: value.children.map(encode), connector: value.connector, negated: value.negated };
  if (value instanceof Expression) return encodeExpression(value);
  if (value instanceof Field) return encodeField(value);
  if (value instanceof PrefetchSpec) return { $: 'prefetch', lookup: value.lookup, options: encode(value.options) };
  if (value instanceof FetchMode) return { $: 'fetchMode', name: value.name };
  if (value instanceof Map) return { $: 'map', entries: [...value].map(encode) };
  if (value instanceof Set) return { $: 'set', values: [...value].map(encode) };
  if (value instanceof Error) return encodeError(value);
  if (ArrayBuffer.isView(value)) return value;
  const prototype = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || hasOwnConversion(value)) return encodeOpaque(value);
  return encodeContainer(value, () => {
    const encoded = encodeProperties(value);
    return '$' in encoded ? { $: 'object', value: encoded } : encoded;
  });
}

/** An object's own enumerable properties, encoded (`skip` names left out); call it inside encodeContainer. */
function encodeProperties(value: object, skip?: readonly string[]): Record<string, unknown> {
  const encoded: Record<string, unknown> = {};
  for (const key of Object.keys(value)) if (!skip?.includes(key)) encoded[key] = encode((value as Record<string, unknown>)[key]);
  return encoded;
}

/** An array structured clone carries as it is (a column of values, a row): no copy needed either way. */
function primitivesOnly(values: readonly unknown[], unset = false): boolean {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || (unset && value === undefined)) continue;
    const type = typeof value;
    if (type !== 'number' && type !== 'string' && type !== 'boolean' && type !== 'bigint') return false;
  }
  return true;
}

/**
 * One field's values for many rows (bulkCreate's columns out, keys back), where `undefined` means "not set":
 * numbers only cross as one Float64Array, primitives and unset values as they are (structured clone keeps
 * `undefined` in an array), anything else encoded. Far cheaper than encode() for a column that is all unset.
 */
export function encodeColumn(values: readonly unknown[]): unknown {
  let numbers = true;
  for (let i = 0; i < values.length && numbers; i++) numbers = typeof values[i] === 'number';
  if (numbers) return Float64Array.from(values as number[]);
  return primitivesOnly(values, true) ? values : encode(values);
}

/** A column from encodeColumn, indexable by row. */
export function decodeColumn(encoded: unknown): ArrayLike<unknown> {
  // isView rather than instanceof: a typed array that came through a MessagePort may be another realm's (jest's sandbox).
  if (ArrayBuffer.isView(encoded)) return encoded as Float64Array;
  return Array.isArray(encoded) && primitivesOnly(encoded, true) ? encoded : (decode(encoded) as unknown[]);
}

/**
 * Values structured clone refuses become tagged stand-ins, so that a call carrying one fails in the worker
 * with the error the sync API gives for it (and alone, never as a clone failure of its whole batch).
 */
function encodeScalar(value: unknown): unknown {
  switch (typeof value) {
    case 'undefined':
      return { $: 'undefined' };
    case 'symbol':
      return { $: 'symbol', description: value.description ?? null };
    case 'function':
      return { $: 'function', name: value.name, source: Function.prototype.toString.call(value) };
    default:
      return value;
  }
}

function encodeContainer(value: object, encodeItems: () => unknown): unknown {
  const up = encodingPath.lastIndexOf(value);
  if (up >= 0) return { $: 'cycle', up: encodingPath.length - up };
  encodingPath.push(value);
  try {
    return encodeItems();
  } finally {
    encodingPath.pop();
  }
}

/**
 * An instance of some other class: what the sync core could observe of it travels (its own properties,
 * its string form, its JSON form), so validation reports it the same way on both sides.
 */
/** Methods through which the sync core may turn an object into a primitive or JSON. */
const CONVERSIONS = ['toString', 'valueOf', 'toJSON'];

function hasOwnConversion(value: object): boolean {
  for (const name of CONVERSIONS) if (typeof (value as Record<string, unknown>)[name] === 'function' && Object.prototype.hasOwnProperty.call(value, name)) return true;
  return false;
}

function encodeOpaque(value: object): Tagged {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  const props = encodeContainer(value, () => encodeProperties(value, CONVERSIONS)) as Record<string, unknown>;
  return { $: 'opaque', cls: value.constructor?.name ?? 'Object', text: String(value), json, props };
}

export function decode(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  // A Date that arrived through a MessagePort can belong to another realm (jest's sandbox): rebuild it here.
  if (types.isDate(value)) return value instanceof Date ? value : new Date(Date.prototype.getTime.call(value));
  if (Array.isArray(value)) {
    if (primitivesOnly(value)) return value;
    return decodeContainer(new Array<unknown>(value.length), (array) => {
      for (let i = 0; i < value.length; i++) array[i] = decode(value[i]);
    });
  }
  if (ArrayBuffer.isView(value)) return value;
  const tagged = value as Tagged;
  switch (tagged.$) {
    case 'undefined':
      return undefined;
    case 'symbol':
      return tagged.description === null ? Symbol() : Symbol(tagged.description);
    case 'function':
      return functionStandIn(tagged.name, tagged.source);
    case 'cycle':
      return decodingPath[decodingPath.length - tagged.up];
    case 'opaque':
      return opaqueStandIn(tagged);
    case 'buffer':
      return Buffer.from(tagged.bytes.buffer, tagged.bytes.byteOffset, tagged.bytes.byteLength);
    case 'map':
      return new Map(tagged.entries.map(decode) as Array<[unknown, unknown]>);
    case 'set':
      return new Set(tagged.values.map(decode));
    case 'model':
      return decodeInstance(tagged);
    case 'ref':
      return decodingInstances![tagged.id]!;
    case 'queryset':
    {
      const root = decodeRoot(tagged.root);
      return replay(tagged.db === undefined ? root : root.pinned(tagged.db), decode(tagged.steps) as ChainStep[]);
    }
    case 'q': {
      const node = Object.create(QNode.prototype) as QNode;
      Object.assign(node, { children: tagged.children.map(decode), connector: tagged.connector, negated: tagged.negated });
      return node;
    }
    case 'expression':
      return decodeExpression(tagged);
    case 'field':
      return decodeField(tagged);
    case 'prefetch':
      return new PrefetchSpec(tagged.lookup, decode(tagged.options) as PrefetchSpec['options']);
    case 'fetchMode':
      return fetchModeNamed(tagged.name) ?? opaqueStandIn({ $: 'opaque', cls: 'FetchMode', text: String(tagged.name), json: undefined, props: {} });
    case 'error':
      return decodeError(tagged);
    case 'object':
      return decodePlain(tagged.value);
    default:
      return decodePlain(value as Record<string, unknown>);
  }
}

function decodePlain(value: Record<string, unknown>): Record<string, unknown> {
  return decodeContainer({} as Record<string, unknown>, (decoded) => {
    for (const key of Object.keys(value)) decoded[key] = decode(value[key]);
  });
}

function decodeContainer<C extends object>(container: C, fill: (container: C) => void): C {
  decodingPath.push(container);
  try {
    fill(container);
  } finally {
    decodingPath.pop();
  }
  return container;
}

/** A function cannot cross threads: its stand-in has the same name and source text, and refuses to run. */
function functionStandIn(name: string, source: string): Function {
  const standIn = function () {
    throw new TypeError(`The function ${name || '(anonymous)'} was passed to a worker as a value and cannot run there; use syncToAsync for work that needs code.`);
  };
  Object.defineProperty(standIn, 'name', { value: name });
  Object.defineProperty(standIn, 'toString', { value: () => source });
  return standIn;
}

function opaqueStandIn(tagged: Tagged & { $: 'opaque' }): object {
  const { text, json } = tagged;
  const prototype = {
    constructor: { name: tagged.cls },
    toString: () => text,
    ...(json === undefined ? {} : { toJSON: () => JSON.parse(json) }),
  };
  Object.defineProperty(prototype, Symbol.toPrimitive, { value: () => text });
  return Object.assign(Object.create(prototype), decode(tagged.props) as object);
}

// ---------------------------------------------------------------- instances

/**
 * Instances already sent in the current instance graph, numbered in the order they are met. Relation
 * caches can form cycles (a prefetched `box.pizzaSet` whose pizzas cache `box`); a repeat is sent as a
 * `ref` and decoding, which meets the instances in the same order, resolves it to the same object.
 */
let encodingInstances: Map<Model, number> | null = null;
let decodingInstances: Model[] | null = null;

/** An instance as its field values in column order, plus relation caches and extra attributes (annotations). */
function encodeInstance(instance: Model): Tagged {
  const outermost = encodingInstances === null;
  encodingInstances ??= new Map();
  const seen = encodingInstances.get(instance);
  if (seen !== undefined) return { $: 'ref', id: seen };
  encodingInstances.set(instance, encodingInstances.size);
  try {
    return encodeInstanceFields(instance);
  } finally {
    if (outermost) encodingInstances = null;
  }
}

function encodeInstanceFields(instance: Model): Tagged {
  const model = instance.constructor as ModelClass;
  const meta = model._meta;
  const record = instance as unknown as Record<string, unknown>;
  const fields = meta.concreteFields;
  const values = new Array<unknown>(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const descriptor = Object.getOwnPropertyDescriptor(record, fields[i]!.attname);
    values[i] = descriptor && 'value' in descriptor ? encode(descriptor.value) : { $: 'undefined' };
  }
  const tagged: Tagged & { $: 'model' } = { $: 'model', label: meta.label, values, adding: instance._state.adding };
  if (instance._state.db !== null) tagged.db = instance._state.db;
  const related = instance._state.cachedRelated;
  if (related) tagged.related = encode(related) as Record<string, unknown>;
  const prefetched = instance._state.cachedPrefetched;
  if (prefetched) tagged.prefetched = encode(prefetched) as Record<string, unknown>;
  const { fetchMode, peers } = instance._state;
  if (fetchMode !== FETCH_ONE) tagged.fetchMode = fetchMode.name;
  // One token per group: structured clone keeps it one object across the message, so the peers stay peers.
  if (peers) tagged.peers = peers.token ??= {};
  let extra: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    if (key === '_state' || meta.findField(key)) continue;
    (extra ??= {})[key] = encode(record[key]);
  }
  if (extra) tagged.extra = extra;
  return tagged;
}

function decodeInstance(tagged: Tagged & { $: 'model' }): Model {
  const outermost = decodingInstances === null;
  decodingInstances ??= [];
  try {
    return decodeInstanceFields(tagged, decodingInstances);
  } finally {
    if (outermost) decodingInstances = null;
  }
}

function decodeInstanceFields(tagged: Tagged & { $: 'model' }, decoded: Model[]): Model {
  const model = getModel(tagged.label);
  const instance = Object.create(model.prototype) as Model & Record<string, unknown>;
  instance._state = freshState(tagged.adding);
  instance._state.db = tagged.db ?? null;
  decoded.push(instance);
  const fields = model._meta.concreteFields;
  for (let i = 0; i < fields.length; i++) {
    const value = tagged.values[i];
    if (value !== null && typeof value === 'object' && (value as Tagged).$ === 'undefined') {
      defineDeferred(instance, fields[i]!.name); // left out by defer()/only(): loads on first read, as in sync
      continue;
    }
    instance[fields[i]!.attname] = value !== null && typeof value === 'object' ? decode(value) : value;
  }
  if (tagged.related) instance._state.related = decode(tagged.related) as Record<string, Model | null>;
  if (tagged.prefetched) instance._state.prefetched = decode(tagged.prefetched) as Record<string, Model[]>;
  if (tagged.fetchMode) instance._state.fetchMode = fetchModeNamed(tagged.fetchMode) ?? instance._state.fetchMode;
  if (tagged.peers) peerGroupOf(tagged.peers).add(instance);
  if (tagged.extra) for (const [key, value] of Object.entries(tagged.extra)) instance[key] = decode(value);
  return instance;
}

/** The peer groups rebuilt on this side, by the token their members arrived with (gone with the message). */
const decodedPeerGroups = new WeakMap<object, PeerGroup>();

function peerGroupOf(token: object): PeerGroup {
  let group = decodedPeerGroups.get(token);
  if (!group) decodedPeerGroups.set(token, (group = new PeerGroup()));
  return group;
}

/**
 * Copies what the other side wrote into an instance (new pk, defaults, autoNow stamps, values a save()
 * override changed) onto the caller's own object, so `await obj.asave()` leaves `obj` current.
 */
export function mergeInstance(target: Model, source: Model): void {
  const meta = (target.constructor as ModelClass)._meta;
  const from = source as unknown as Record<string, unknown>;
  const to = target as unknown as Record<string, unknown>;
  for (const field of meta.concreteFields) {
    const descriptor = Object.getOwnPropertyDescriptor(from, field.attname);
    if (descriptor && 'value' in descriptor) to[field.attname] = descriptor.value;
  }
  for (const [name, related] of Object.entries(source._state.related)) {
    const mine = target._state.related[name];
    if (!(mine && related && mine.pk === related.pk)) target._state.related[name] = related;
  }
  target._state.adding = source._state.adding;
  target._state.db = source._state.db;
}

/** Walks sent arguments and returned ones side by side, merging instances back into the originals. */
export function mergeArguments(originals: unknown, returned: unknown): void {
  if (originals instanceof Model && returned instanceof Model) {
    mergeInstance(originals, returned);
    return;
  }
  if (Array.isArray(originals) && Array.isArray(returned)) {
    for (let i = 0; i < originals.length; i++) mergeArguments(originals[i], returned[i]);
  }
}

// ---------------------------------------------------------------- querysets

function encodeRoot(root: QuerySetRoot): unknown {
  if (root.kind === 'manager') return { kind: 'manager', label: root.model._meta.label, manager: root.manager };
  return { kind: 'related', instance: encodeInstance(root.instance), accessor: root.accessor };
}

function decodeRoot(encoded: unknown): QuerySet<any, any> {
  const root = encoded as { kind: 'manager'; label: string; manager: string | null } | { kind: 'related'; instance: Tagged & { $: 'model' }; accessor: string };
  if (root.kind === 'manager') return boundManager(getModel(root.label), root.manager);
  const instance = decodeInstance(root.instance) as unknown as Record<string, unknown>;
  const manager = instance[root.accessor];
  if (!(manager instanceof QuerySet)) throw new TypeError(`${root.instance.label}.${root.accessor} is not a related manager.`);
  return manager;
}

/**
 * Rebuilds a queryset by replaying its chain on the root. Each step is checked before it runs: a built-in
 * chaining call, or a custom method that the class of the queryset it is called on defines; anything else
 * is refused. Custom methods run with queries refused (they only chain), and must return a queryset.
 */
export function replay(root: QuerySet<any, any>, steps: readonly ChainStep[]): QuerySet<any, any> {
  let queryset = root;
  for (const [method, args] of steps) {
    const builtIn = isChainMethod(method);
    if (!builtIn && !isCustomChainMethod(queryset, method)) {
      throw new TypeError(`Refused to replay '${String(method)}' in a queryset chain: it is not a chaining method.`);
    }
    const step = (queryset as unknown as Record<string, (...args: unknown[]) => unknown>)[method]!;
    const next = builtIn ? step.apply(queryset, args as unknown[]) : chainingOnly(queryset.call(method), () => step.apply(queryset, args as unknown[]));
    if (!(next instanceof QuerySet)) throw new TypeError(`${queryset.call(method)} did not return a queryset, so it cannot be a step of a chain.`);
    queryset = next;
  }
  return queryset;
}

/** What an encoded queryset is called on (see AsyncTarget), read without decoding it. */
export function querysetTarget(encoded: unknown): 'manager' | 'queryset' | 'related' {
  const { root, steps } = encoded as Tagged & { $: 'queryset' };
  if (!Array.isArray(steps) || steps.length) return 'queryset';
  return (root as { kind: string }).kind === 'related' ? 'related' : 'manager';
}

// ---------------------------------------------------------------- expressions and fields

function encodeExpression(expression: Expression): Tagged {
  const cls = expression.constructor.name;
  if (!expressionClasses.has(cls)) throw new TypeError(`The expression ${cls} cannot be sent to a worker.`);
  if (expression instanceof expressions.SubqueryExpression) {
    return { $: 'expression', cls, props: { source: encode(expression.source) } };
  }
  const props: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(expression)) props[key] = encode(item);
  return { $: 'expression', cls, props };
}

function decodeExpression(tagged: Tagged & { $: 'expression' }): Expression {
  const cls = expressionClasses.get(tagged.cls);
  if (!cls) throw new TypeError(`Unknown expression ${tagged.cls}.`);
  if (cls.prototype instanceof expressions.SubqueryExpression || cls === expressions.SubqueryExpression) {
    return new (cls as new (source: unknown) => Expression)(decode(tagged.props.source));
  }
  const expression = Object.create(cls.prototype) as Record<string, unknown>;
  for (const [key, item] of Object.entries(tagged.props)) expression[key] = decode(item);
  return expression as unknown as Expression;
}

function encodeField(field: Field): Tagged {
  if (field.model && isConcreteModel(field.model)) return { $: 'field', model: field.model._meta.label, name: field.name };
  return { $: 'field', cls: field.constructor.name, options: encode(field.options) };
}

function decodeField(tagged: Tagged & { $: 'field' }): Field {
  if (tagged.model) return getModel(tagged.model)._meta.getField(tagged.name!);
  const cls = fieldClasses.get(tagged.cls!);
  if (!cls) throw new TypeError(`Unknown field class ${tagged.cls}.`);
  return new cls(decode(tagged.options));
}

// ---------------------------------------------------------------- errors

function encodeError(error: Error): Tagged {
  const tagged: Tagged & { $: 'error' } = { $: 'error', kind: '', name: error.name, message: error.message, stack: error.stack };
  if (error instanceof ThreadormError) {
    for (let cls: any = error.constructor; cls && !tagged.kind; cls = Object.getPrototypeOf(cls)) {
      if (Object.prototype.hasOwnProperty.call(cls, 'kind')) tagged.kind = cls.kind;
    }
    const model = (error.constructor as { modelLabel?: string }).modelLabel;
    if (model) tagged.model = model;
  }
  if (error instanceof ValidationError) tagged.errors = error.errors;
  if (error instanceof ProtectedError) tagged.objects = encode(error.protectedObjects);
  if (error instanceof RestrictedError) tagged.objects = encode(error.restrictedObjects);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') tagged.code = code;
  return tagged;
}

const BUILTIN_ERRORS: Record<string, ErrorConstructor> = { TypeError, RangeError, SyntaxError, ReferenceError, Error };

function decodeError(tagged: Tagged & { $: 'error' }): Error {
  let error: Error;
  if (tagged.model) {
    const model = getModel(tagged.model);
    const cls = tagged.kind === 'MultipleObjectsReturned' ? model.MultipleObjectsReturned : model.DoesNotExist;
    error = new cls(tagged.message);
  } else if (tagged.kind === 'ValidationError') {
    error = new ValidationError(tagged.errors as Record<string, string[]>);
    error.message = tagged.message;
  } else if (tagged.kind === 'ProtectedError' || tagged.kind === 'RestrictedError') {
    const cls = tagged.kind === 'ProtectedError' ? ProtectedError : RestrictedError;
    error = new cls(tagged.message, decode(tagged.objects) as unknown[]);
  } else if (tagged.kind && errorClasses[tagged.kind]) {
    error = new errorClasses[tagged.kind]!(tagged.message);
  } else if (driverErrorClasses[tagged.name]) {
    error = new driverErrorClasses[tagged.name]!(tagged.message, tagged.code ?? '');
  } else {
    error = new (BUILTIN_ERRORS[tagged.name] ?? Error)(tagged.message);
    if (!BUILTIN_ERRORS[tagged.name]) error.name = tagged.name;
  }
  if (tagged.code) (error as { code?: string }).code = tagged.code;
  if (tagged.stack) error.stack = `${error.name}: ${tagged.message}\n    (in a pool worker)\n${tagged.stack.split('\n').slice(1).join('\n')}`;
  return error;
}

// ---------------------------------------------------------------- rows

/**
 * Query rows as they cross a thread: numbers in one Float64Array, text joined into one string, a kind per
 * cell. Structured clone of a million small values costs more than the query that made them; two typed
 * arrays and a string clone as a few block copies, and unpacking them on the receiving thread is one pass.
 */
export interface PackedRows {
  width: number;
  count: number;
  /** Per cell: 0 null, 1 number, 2 text, 3 anything else (bigints, blobs), taken from `others` in order. */
  kinds: Uint8Array;
  numbers: Float64Array;
  text: string;
  /** Length of each text cell, in order. */
  textLengths: Uint32Array;
  others: unknown[];
}

const NULL = 0;
const NUMBER = 1;
const TEXT = 2;
const OTHER = 3;

export function packRows(rows: readonly unknown[][]): PackedRows {
  const count = rows.length;
  const width = rows[0]?.length ?? 0;
  const cells = count * width;
  const kinds = new Uint8Array(cells);
  // One pass, into arrays with room for every cell, cut to what was used: cheaper than a pass to count first.
  let numbers = new Float64Array(cells);
  let textLengths = new Uint32Array(cells);
  const texts: string[] = [];
  const others: unknown[] = [];
  let n = 0;
  for (let r = 0, cell = 0; r < count; r++) {
    const row = rows[r]!;
    for (let c = 0; c < width; c++, cell++) {
      const value = row[c];
      if (typeof value === 'number') {
        kinds[cell] = NUMBER;
        numbers[n++] = value;
      } else if (typeof value === 'string') {
        kinds[cell] = TEXT;
        textLengths[texts.length] = value.length;
        texts.push(value);
      } else if (value !== null) {
        kinds[cell] = OTHER;
        others.push(value);
      }
    }
  }
  if (n < cells) numbers = numbers.slice(0, n);
  if (texts.length < cells) textLengths = textLengths.slice(0, texts.length);
  return { width, count, kinds, numbers, text: texts.join(''), textLengths, others };
}

/** The rows of a PackedRows as one flat array, row width first (what the row builders read). */
export function unpackRows(packed: PackedRows): unknown[] {
  const { width, count, kinds, numbers, text, textLengths, others } = packed;
  const flat = new Array<unknown>(count * width + 1);
  flat[0] = width;
  let n = 0;
  let t = 0;
  let o = 0;
  let position = 0;
  for (let cell = 0; cell < kinds.length; cell++) {
    switch (kinds[cell]) {
      case NUMBER:
        flat[cell + 1] = numbers[n++];
        break;
      case TEXT: {
        const end = position + textLengths[t++]!;
        flat[cell + 1] = text.slice(position, end);
        position = end;
        break;
      }
      case OTHER:
        flat[cell + 1] = decode(others[o++]);
        break;
      default:
        flat[cell + 1] = null;
    }
  }
  return flat;
}
