/**
 * Models for the ports of Django's own tests (testapp/tests/django): signals, choices enums, error messages,
 * GenericIPAddressField, many-to-many relations to self, intermediate models with throughFields, and
 * limitChoicesTo. Names follow Django's test models where no other model of the test app already has them.
 *
 * The receivers at the end are connected when this module is imported, which every pool worker does: they
 * are the ones that see writes the async API runs in workers.
 */
import {
  CASCADE,
  CharField,
  DateField,
  DateTimeField,
  EmailField,
  ForeignKey,
  GenericIPAddressField,
  IntegerChoices,
  IntegerField,
  m2mChanged,
  ManyToManyField,
  Model,
  postDelete,
  postSave,
  preSave,
  Q,
  SET_NULL,
  SlugField,
  TextChoices,
  URLField,
  ValidationError,
  type FieldsOf,
  type ManyRelatedManager,
  type ReverseManyToOneManager,
} from '../src';
import { AsyncMixin } from '../mixins';

// ---------------------------------------------------------------- signals (tests/signals, tests/m2m_signals)

export class Human extends AsyncMixin<Human>(Model) {
  static fields = {
    firstName: new CharField({ maxLength: 20 }),
    lastName: new CharField({ maxLength: 20 }),
  };
  override toString(): string {
    return `${this.firstName} ${this.lastName}`;
  }
}
export interface Human extends FieldsOf<typeof Human.fields> {}

export class Part extends AsyncMixin<Part>(Model) {
  static fields = { name: new CharField({ maxLength: 20 }) };
  static meta = { ordering: ['name'] };
  declare carSet: ManyRelatedManager<Car>;
  declare carsOptional: ManyRelatedManager<Car>;
  declare invoices: ManyRelatedManager<Invoice>;
}
export interface Part extends FieldsOf<typeof Part.fields> {}

/** tests/signals' Car (make, model) and tests/m2m_signals' Car (name, two relations to Part) in one. */
export class Car extends AsyncMixin<Car>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20, blank: true }),
    make: new CharField({ maxLength: 20, blank: true }),
    model: new CharField({ maxLength: 20, blank: true }),
    defaultParts: new ManyToManyField(() => Part, { relatedName: 'carSet' }),
    optionalParts: new ManyToManyField(() => Part, { relatedName: 'carsOptional' }),
  };
  static meta = { ordering: ['name'] };
}
export interface Car extends FieldsOf<typeof Car.fields> {}

export class Writer extends AsyncMixin<Writer>(Model) {
  static fields = { name: new CharField({ maxLength: 20 }) };
  override toString(): string {
    return this.name;
  }
}
export interface Writer extends FieldsOf<typeof Writer.fields> {}

export class Book extends AsyncMixin<Book>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    authors: new ManyToManyField(() => Writer),
  };
  declare pageSet: ReverseManyToOneManager<Page>;
  override toString(): string {
    return this.name;
  }
}
export interface Book extends FieldsOf<typeof Book.fields> {}

export class Page extends AsyncMixin<Page>(Model) {
  static fields = {
    book: new ForeignKey(() => Book, { onDelete: CASCADE }),
    text: new CharField({ maxLength: 20 }),
  };
  static meta = { ordering: ['id'] };
}
export interface Page extends FieldsOf<typeof Page.fields> {}

/** Audited: the receivers below record its saves and deletes as AuditEntry rows. */
export class Invoice extends AsyncMixin<Invoice>(Model) {
  static fields = {
    number: new CharField({ maxLength: 20 }),
    total: new IntegerField({ default: 0 }),
    parts: new ManyToManyField(() => Part, { relatedName: 'invoices' }),
  };
}
export interface Invoice extends FieldsOf<typeof Invoice.fields> {}

export class AuditEntry extends AsyncMixin<AuditEntry>(Model) {
  static fields = {
    action: new CharField({ maxLength: 20 }),
    number: new CharField({ maxLength: 20 }),
  };
  static meta = { ordering: ['id'] };
}
export interface AuditEntry extends FieldsOf<typeof AuditEntry.fields> {}

// ---------------------------------------------------------------- relations to self (tests/m2m_recursive)

/** friends: symmetrical by default; idols: not symmetrical; colleagues: symmetrical through Colleague. */
export class Fellow extends AsyncMixin<Fellow>(Model) {
  static fields = {
    name: new CharField({ maxLength: 20 }),
    friends: new ManyToManyField('self'),
    idols: new ManyToManyField('self', { symmetrical: false, relatedName: 'stalkers' }),
    colleagues: new ManyToManyField('self', { through: () => Colleague, symmetrical: true }),
  };
  static meta = { ordering: ['name'] };
  declare stalkers: ManyRelatedManager<Fellow>;
  declare colleagueSet: ReverseManyToOneManager<Colleague>;
}
export interface Fellow extends FieldsOf<typeof Fellow.fields, Fellow> {}

export class Colleague extends AsyncMixin<Colleague>(Model) {
  static fields = {
    first: new ForeignKey(() => Fellow, { onDelete: CASCADE }),
    second: new ForeignKey(() => Fellow, { onDelete: CASCADE, relatedName: '+' }),
    firstMeet: new DateField(),
  };
}
export interface Colleague extends FieldsOf<typeof Colleague.fields> {}

// ---------------------------------------------------------------- intermediate models (tests/m2m_through)

export class Guest extends AsyncMixin<Guest>(Model) {
  static fields = { name: new CharField({ maxLength: 128 }) };
  static meta = { ordering: ['name'] };
  declare clubSet: ManyRelatedManager<Club>;
  declare clubMembershipSet: ReverseManyToOneManager<ClubMembership>;
  declare eventsInvited: ManyRelatedManager<Gala>;
}
export interface Guest extends FieldsOf<typeof Guest.fields> {}

export class Club extends AsyncMixin<Club>(Model) {
  static fields = {
    name: new CharField({ maxLength: 128 }),
    members: new ManyToManyField(() => Guest, { through: () => ClubMembership }),
    nodefaultsnonulls: new ManyToManyField(() => Guest, { through: () => NoDefaultsOrNulls, relatedName: 'testnodefaultsnonulls' }),
  };
  static meta = { ordering: ['name'] };
  declare clubMembershipSet: ReverseManyToOneManager<ClubMembership>;
  declare noDefaultsOrNullsSet: ReverseManyToOneManager<NoDefaultsOrNulls>;
}
export interface Club extends FieldsOf<typeof Club.fields> {}

export class ClubMembership extends AsyncMixin<ClubMembership>(Model) {
  static fields = {
    person: new ForeignKey(() => Guest, { onDelete: CASCADE }),
    group: new ForeignKey(() => Club, { onDelete: CASCADE }),
    dateJoined: new DateTimeField({ default: () => new Date() }),
    inviteReason: new CharField({ maxLength: 64, null: true }),
  };
  static meta = { ordering: ['id'] };
}
export interface ClubMembership extends FieldsOf<typeof ClubMembership.fields> {}

/** Django's TestNoDefaultsOrNulls: an intermediate row cannot be made without throughDefaults. */
export class NoDefaultsOrNulls extends AsyncMixin<NoDefaultsOrNulls>(Model) {
  static fields = {
    person: new ForeignKey(() => Guest, { onDelete: CASCADE }),
    group: new ForeignKey(() => Club, { onDelete: CASCADE }),
    nodefaultnonull: new IntegerField(),
  };
}
export interface NoDefaultsOrNulls extends FieldsOf<typeof NoDefaultsOrNulls.fields> {}

/** Django's PersonSelfRefM2M. */
export class SelfRefPerson extends AsyncMixin<SelfRefPerson>(Model) {
  static fields = {
    name: new CharField({ maxLength: 5 }),
    friends: new ManyToManyField('self', { through: () => Friendship, symmetrical: false }),
    symFriends: new ManyToManyField('self', { through: () => SymmetricalFriendship, symmetrical: true }),
  };
  static meta = { ordering: ['name'] };
  declare symmetricalFriendshipSet: ReverseManyToOneManager<SymmetricalFriendship>;
}
export interface SelfRefPerson extends FieldsOf<typeof SelfRefPerson.fields, SelfRefPerson> {}

export class Friendship extends AsyncMixin<Friendship>(Model) {
  static fields = {
    first: new ForeignKey(() => SelfRefPerson, { onDelete: CASCADE, relatedName: 'relFromSet' }),
    second: new ForeignKey(() => SelfRefPerson, { onDelete: CASCADE, relatedName: 'relToSet' }),
    dateFriended: new DateTimeField(),
  };
}
export interface Friendship extends FieldsOf<typeof Friendship.fields> {}

export class SymmetricalFriendship extends AsyncMixin<SymmetricalFriendship>(Model) {
  static fields = {
    first: new ForeignKey(() => SelfRefPerson, { onDelete: CASCADE }),
    second: new ForeignKey(() => SelfRefPerson, { onDelete: CASCADE, relatedName: '+' }),
    dateFriended: new DateField(),
  };
}
export interface SymmetricalFriendship extends FieldsOf<typeof SymmetricalFriendship.fields> {}

/** Django's Event: the intermediate model has two keys to Guest, so throughFields says which one is the target. */
export class Gala extends AsyncMixin<Gala>(Model) {
  static fields = {
    title: new CharField({ maxLength: 50 }),
    invitees: new ManyToManyField(() => Guest, { through: () => Invitation, throughFields: ['event', 'invitee'], relatedName: 'eventsInvited' }),
  };
}
export interface Gala extends FieldsOf<typeof Gala.fields> {}

export class Invitation extends AsyncMixin<Invitation>(Model) {
  static fields = {
    event: new ForeignKey(() => Gala, { onDelete: CASCADE, relatedName: 'invitations' }),
    // Field order deliberately inverted, as in Django's test: the target key is "invitee".
    inviter: new ForeignKey(() => Guest, { onDelete: CASCADE, relatedName: 'invitationsSent' }),
    invitee: new ForeignKey(() => Guest, { onDelete: CASCADE, relatedName: 'invitations' }),
  };
}
export interface Invitation extends FieldsOf<typeof Invitation.fields> {}

export class Employee extends AsyncMixin<Employee>(Model) {
  static fields = {
    name: new CharField({ maxLength: 5 }),
    subordinates: new ManyToManyField('self', { through: () => Relationship, throughFields: ['source', 'target'], symmetrical: false }),
  };
  static meta = { ordering: ['id'] };
}
export interface Employee extends FieldsOf<typeof Employee.fields, Employee> {}

export class Relationship extends AsyncMixin<Relationship>(Model) {
  static fields = {
    // Field order deliberately inverted, as in Django's test.
    another: new ForeignKey(() => Employee, { onDelete: CASCADE, null: true, relatedName: 'relAnotherSet' }),
    target: new ForeignKey(() => Employee, { onDelete: CASCADE, relatedName: 'relTargetSet' }),
    source: new ForeignKey(() => Employee, { onDelete: CASCADE, relatedName: 'relSourceSet' }),
  };
}
export interface Relationship extends FieldsOf<typeof Relationship.fields> {}

export class Ingredient extends AsyncMixin<Ingredient>(Model) {
  static fields = { iname: new CharField({ maxLength: 20, unique: true }) };
  static meta = { ordering: ['iname'] };
  declare recipes: ManyRelatedManager<Recipe>;
}
export interface Ingredient extends FieldsOf<typeof Ingredient.fields> {}

export class Recipe extends AsyncMixin<Recipe>(Model) {
  static fields = {
    rname: new CharField({ maxLength: 20, unique: true }),
    ingredients: new ManyToManyField(() => Ingredient, { through: () => RecipeIngredient, relatedName: 'recipes' }),
  };
  static meta = { ordering: ['rname'] };
}
export interface Recipe extends FieldsOf<typeof Recipe.fields> {}

export class RecipeIngredient extends AsyncMixin<RecipeIngredient>(Model) {
  static fields = {
    ingredient: new ForeignKey(() => Ingredient, { onDelete: CASCADE, toField: 'iname' }),
    recipe: new ForeignKey(() => Recipe, { onDelete: CASCADE, toField: 'rname' }),
  };
}
export interface RecipeIngredient extends FieldsOf<typeof RecipeIngredient.fields> {}

// ---------------------------------------------------------------- validation (tests/validation, tests/model_fields)

function validateAnswerToUniverse(value: number): void {
  if (value !== 42) throw new ValidationError('This is not the answer to life, universe and everything!', { code: 'not42' });
}

export class UniqueFieldsModel extends AsyncMixin<UniqueFieldsModel>(Model) {
  static fields = {
    uniqueCharfield: new CharField({ maxLength: 100, unique: true }),
    uniqueIntegerfield: new IntegerField({ unique: true }),
    nonUniqueField: new IntegerField(),
  };
}
export interface UniqueFieldsModel extends FieldsOf<typeof UniqueFieldsModel.fields> {}

export class ModelToValidate extends AsyncMixin<ModelToValidate>(Model) {
  static fields = {
    name: new CharField({ maxLength: 100 }),
    created: new DateTimeField({ default: () => new Date() }),
    number: new IntegerField({ dbColumn: 'number_val' }),
    parent: new ForeignKey('self', { onDelete: SET_NULL, blank: true, null: true, limitChoicesTo: { number: 10 } }),
    email: new EmailField({ blank: true }),
    ufm: new ForeignKey(() => UniqueFieldsModel, { onDelete: SET_NULL, toField: 'uniqueCharfield', blank: true, null: true }),
    url: new URLField({ blank: true }),
    fWithCustomValidator: new IntegerField({ blank: true, null: true, validators: [validateAnswerToUniverse] }),
    slug: new SlugField({ blank: true }),
  };

  override clean(): void {
    if (this.number === 11) throw new ValidationError('Invalid number supplied!');
  }
}
export interface ModelToValidate extends FieldsOf<typeof ModelToValidate.fields, ModelToValidate> {}

/** limitChoicesTo as a function (called at each check) returning lookups, and as a Q. */
export class Review extends AsyncMixin<Review>(Model) {
  static fields = {
    subject: new ForeignKey(() => ModelToValidate, { onDelete: CASCADE, limitChoicesTo: () => ({ number__gte: 10, name__startswith: 'ok' }) }),
    second: new ForeignKey(() => ModelToValidate, {
      onDelete: SET_NULL,
      null: true,
      blank: true,
      relatedName: '+',
      limitChoicesTo: Q({ number: 1 }).or(Q({ number: 2 })),
    }),
  };
}
export interface Review extends FieldsOf<typeof Review.fields> {}

export class CustomMessagesModel extends AsyncMixin<CustomMessagesModel>(Model) {
  static fields = {
    other: new IntegerField({ blank: true, null: true }),
    number: new IntegerField({
      dbColumn: 'number_val',
      errorMessages: { null: 'NULL', not42: 'AAARGH', not_equal: '%s != me' },
      validators: [validateAnswerToUniverse],
    }),
  };
}
export interface CustomMessagesModel extends FieldsOf<typeof CustomMessagesModel.fields> {}

export class UniqueErrorsModel extends AsyncMixin<UniqueErrorsModel>(Model) {
  static fields = {
    name: new CharField({ maxLength: 100, unique: true, errorMessages: { unique: 'Custom unique name message.' } }),
    no: new IntegerField({ unique: true, errorMessages: { unique: 'Custom unique number message.' } }),
  };
}
export interface UniqueErrorsModel extends FieldsOf<typeof UniqueErrorsModel.fields> {}

/** More of Django's error_messages keys, with placeholders. */
export class MessagesModel extends AsyncMixin<MessagesModel>(Model) {
  static fields = {
    code: new CharField({
      maxLength: 4,
      errorMessages: { max_length: 'At most %(limit_value)s, not %(show_value)s.', blank: 'Say something.', invalid_choice: '%(value)r? No.' },
      choices: ['ab', 'abc', 'abcde'],
    }),
    count: new IntegerField({ errorMessages: { invalid: '%(value)r is no count.' }, default: 0 }),
    small: new IntegerField({ errorMessages: { max_value: 'Keep it under %(limit_value)s.' }, default: 0 }),
  };
}
export interface MessagesModel extends FieldsOf<typeof MessagesModel.fields> {}

export class GenericIPAddressTestModel extends AsyncMixin<GenericIPAddressTestModel>(Model) {
  static fields = {
    genericIp: new GenericIPAddressField({ blank: true, null: true, unique: true }),
    v4Ip: new GenericIPAddressField({ blank: true, null: true, protocol: 'IPv4' }),
    v6Ip: new GenericIPAddressField({ blank: true, null: true, protocol: 'IPv6' }),
    ipVerboseName: new GenericIPAddressField({ verboseName: 'IP Address Verbose', blank: true, null: true }),
  };
}
export interface GenericIPAddressTestModel extends FieldsOf<typeof GenericIPAddressTestModel.fields> {}

export class GenericIPAddrUnpackUniqueTest extends AsyncMixin<GenericIPAddrUnpackUniqueTest>(Model) {
  static fields = {
    genericV4unpackIp: new GenericIPAddressField({ null: true, blank: true, unique: true, unpackIpv4: true }),
  };
}
export interface GenericIPAddrUnpackUniqueTest extends FieldsOf<typeof GenericIPAddrUnpackUniqueTest.fields> {}

/** tests/model_fields' GenericIPAddress. */
export class GenericIPAddress extends AsyncMixin<GenericIPAddress>(Model) {
  static fields = { ip: new GenericIPAddressField({ null: true, protocol: 'IPv4' }) };
}
export interface GenericIPAddress extends FieldsOf<typeof GenericIPAddress.fields> {}

// ---------------------------------------------------------------- choices enums (tests/model_enums)

export const Suit = IntegerChoices({ DIAMOND: [1, 'Diamond'], SPADE: [2, 'Spade'], HEART: [3, 'Heart'], CLUB: [4, 'Club'] }, { name: 'Suit' });
export const YearInSchool = TextChoices(
  { FRESHMAN: ['FR', 'Freshman'], SOPHOMORE: ['SO', 'Sophomore'], JUNIOR: ['JR', 'Junior'], SENIOR: ['SR', 'Senior'], GRADUATE: ['GR', 'Graduate'] },
  { name: 'YearInSchool' },
);
export const Vehicle = IntegerChoices({ CAR: [1, 'Carriage'], TRUCK: 2, JET_SKI: 3 }, { name: 'Vehicle', empty: '(Unknown)' });

export class Student extends AsyncMixin<Student>(Model) {
  static fields = {
    name: new CharField({ maxLength: 30 }),
    year: new CharField({ maxLength: 2, choices: YearInSchool, default: YearInSchool.FRESHMAN }),
    luckySuit: new IntegerField({ choices: Suit, null: true }),
    vehicle: new IntegerField({ choices: Vehicle, null: true, blank: true }),
  };
}
export interface Student extends FieldsOf<typeof Student.fields> {}

// ---------------------------------------------------------------- receivers, connected in every thread

/** 'REFUSED' invoices are refused before they are written; the error rolls the save back. */
preSave.connect(
  function refuseInvoice({ instance }) {
    if (instance.number === 'REFUSED') throw new ValidationError({ number: ['This invoice number is refused.'] });
  },
  { sender: Invoice, dispatchUid: 'parity.refuseInvoice' },
);

/** A receiver may change the instance before it is written; asave() copies that back to the caller. */
preSave.connect(
  function clampInvoiceTotal({ instance }) {
    if (instance.total < 0) instance.total = 0;
  },
  { sender: Invoice, dispatchUid: 'parity.clampInvoiceTotal' },
);

/** Every save of an invoice writes an audit row in the same transaction; 'BROKEN' fails after that row. */
postSave.connect(
  function auditInvoice({ instance, created }) {
    AuditEntry.objects.create({ action: created ? 'created' : 'updated', number: instance.number });
    if (instance.number === 'BROKEN') throw new Error('The audit of invoice BROKEN failed after writing.');
  },
  { sender: Invoice, dispatchUid: 'parity.auditInvoice' },
);

postDelete.connect(
  function auditInvoiceDeletion({ instance }) {
    AuditEntry.objects.create({ action: 'deleted', number: instance.number });
  },
  { sender: Invoice, dispatchUid: 'parity.auditInvoiceDeletion' },
);

/**
 * Parts added to an invoice, in whichever thread adds them. The sender, the auto-created Invoice_parts, is told
 * by its label: close() then configure() makes a new class for it.
 */
m2mChanged.connect(
  function auditInvoiceParts({ sender, action, pkSet, reverse }) {
    if (sender._meta.label !== 'Invoice_parts' || action !== 'postAdd') return;
    AuditEntry.objects.create({ action: reverse ? 'invoicesAdded' : 'partsAdded', number: [...pkSet!].sort().join(',') });
  },
  { dispatchUid: 'parity.auditInvoiceParts' },
);
