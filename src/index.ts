/** threadorm: a Django-style ORM for TypeScript on better-sqlite3, with an async layer over a worker pool. */

export { configure, close, type ConfigureOptions } from './conf';
export { createSchema, schemaStatements } from './db/schema';
export { atomic, onCommit, type AtomicOptions } from './db/transaction';
export { ReadReplicaRouter, type DatabaseRouter, type RouterHints, type RoutedModel, type RoutedInstance } from './db/routers';
export { captureQueries, type CapturedQuery } from './testing';
export { acreateSchema, amigrate } from './async/executor';
export { migrate, showMigrations, sqlMigrate } from './migrations/executor';
export type { CommandOptions, MigrateOptions, MigrateResult, PlannedStep, ShownMigration, SqlMigrateOptions } from './migrations/executor';
export { makeMigrations, type MakeMigrationsOptions, type MakeMigrationsResult, type WrittenMigration } from './migrations/makemigrations';
export { MigrationError, IrreversibleError, InconsistentMigrationHistory } from './migrations/errors';
export { aatomic } from './async/transaction';
export { syncToAsync, asyncToSync } from './sync';

export * from './errors';

export { Model, type SaveOptions, type DeleteOptions, type FullCleanOptions } from './models/base';
export type { ModelMeta, IndexSpec } from './models/options';
export type { FieldsOf, FieldValue, TypedModelClass } from './models/typing';
export type { ModelClass, PkValue } from './models/types';
export { Field, type ChoicesSource, type ErrorMessages, type FieldOptions, type Validator } from './models/fields/base';
export { IntegerChoices, TextChoices, type ChoicesEnum, type ChoicesOptions, type ChoiceValue } from './models/enums';
export {
  AutoField,
  BigAutoField,
  BigIntegerField,
  BinaryField,
  BooleanField,
  CharField,
  DateField,
  DateTimeField,
  DecimalField,
  DurationField,
  EmailField,
  FloatField,
  GenericIPAddressField,
  IntegerField,
  JSONField,
  PositiveIntegerField,
  SlugField,
  SmallIntegerField,
  TextField,
  TimeField,
  URLField,
  UUIDField,
  type GenericIPAddressFieldOptions,
  type IPProtocol,
  type JsonValue,
} from './models/fields/scalar';
export { ForeignKey, ManyToManyField, OneToOneField, type LimitChoicesTo } from './models/fields/related';
export { CASCADE, DO_NOTHING, PROTECT, RESTRICT, SET, SET_DEFAULT, SET_NULL, type OnDelete } from './models/deletion-rules';
export type { DeleteResult } from './models/deletion';
export {
  Signal,
  ModelSignal,
  preSave,
  postSave,
  preDelete,
  postDelete,
  m2mChanged,
  postMigrate,
  type ConnectOptions,
  type DisconnectOptions,
  type Receiver,
  type SignalEnvelope,
  type SaveSignalArgs,
  type PostSaveSignalArgs,
  type DeleteSignalArgs,
  type M2MAction,
  type M2MChangedSignalArgs,
  type PostMigrateSignalArgs,
  type ModelSignalArgs,
} from './models/signals';

export { QuerySet, type CreateValues, type FilterArg, type Lookups, type ManagerOf, type SelectForUpdateOptions } from './models/queryset';
export { Manager, type CustomMethods, type QuerySetClass } from './models/manager';
export { RelatedManager, ReverseManyToOneManager, ManyRelatedManager } from './models/related-managers';
export { Prefetch, PrefetchSpec } from './models/prefetch';
export { FETCH_ONE, FETCH_PEERS, RAISE, FetchMode } from './models/fetch-modes';
export { Q, QNode } from './sql/where';
export {
  Avg,
  Case,
  Coalesce,
  Concat,
  Count,
  Exists,
  Expression,
  ExpressionWrapper,
  F,
  Func,
  Length,
  Lower,
  Max,
  Min,
  OuterRef,
  Subquery,
  Sum,
  Upper,
  Value,
  When,
} from './sql/expressions';
export type { AggregateFactory, CaseOptions, Compiled, TypedAggregate } from './sql/expressions';
export { Transform } from './sql/expressions';
export { Lookup, type LookupContext } from './sql/lookups/lookup';
export { OperatorLookup } from './sql/lookups/builtin';
export type { Compiler } from './sql/compiler';
export type { BaseOperations } from './db/backends/base/operations';
export type { QueryOptions } from './models/async-bridge';
export type {
  CheckedLookups,
  FieldPath,
  LookupValue,
  RegisteredLookups,
  UpdateValues,
  ValuesRow,
} from './models/typed';
