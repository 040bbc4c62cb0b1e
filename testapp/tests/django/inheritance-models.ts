/**
 * The models of Django's tests/model_inheritance, tests/model_inheritance_regress and tests/proxy_models, as
 * threadorm declares them: abstract bases (`meta.abstract`), multi-table children (a concrete model extending
 * a concrete model) and proxies (`meta.proxy`). JavaScript has single inheritance, so Django's
 * `Restaurant(Place, Rating)` declares Rating's field and ordering itself.
 */
import {
  BooleanField,
  CASCADE,
  CharField,
  EmailField,
  ForeignKey,
  IntegerField,
  ManyToManyField,
  Model,
  OneToOneField,
  PositiveIntegerField,
  SET_NULL,
  TextField,
  URLField,
  type FieldsOf,
  type ModelMeta,
  type ReverseManyToOneManager,
  type ManyRelatedManager,
} from '../../../src';
import { AsyncMixin } from '../../../mixins';

// ------------------------------------------------------------------ abstract bases (model_inheritance)

export class CommonInfo extends Model {
  static override fields = {
    name: new CharField({ maxLength: 50 }),
    age: new PositiveIntegerField(),
  };
  static override meta: ModelMeta = { abstract: true, ordering: ['name'], getLatestBy: 'age' };

  override toString(): string {
    return `${this.constructor.name} ${(this as unknown as { name: string }).name}`;
  }
}

export class Worker extends CommonInfo.typed<Worker, typeof CommonInfo>() {
  static override fields = { job: new CharField({ maxLength: 50 }) };
}
export interface Worker extends FieldsOf<typeof CommonInfo.fields & typeof Worker.fields> {}

export class Student extends CommonInfo.typed<Student, typeof CommonInfo>() {
  static override fields = { schoolClass: new CharField({ maxLength: 10 }) };
  /** Django's Student declares a Meta of its own that does not extend CommonInfo.Meta: no ordering. */
  static override meta: ModelMeta = { ordering: [], verboseName: 'pupil' };
}
export interface Student extends FieldsOf<typeof CommonInfo.fields & typeof Student.fields> {}

export class Post extends Model.typed<Post>() {
  static override fields = { title: new CharField({ maxLength: 50 }) };
  declare attachedCommentSet: ReverseManyToOneManager<Comment>;
  declare attachedLinkSet: ReverseManyToOneManager<Link>;
}
export interface Post extends FieldsOf<typeof Post.fields> {}

/** A foreign key on an abstract base: `%(class)s` gives each child its own reverse accessor on Post. */
export class Attachment extends Model {
  static override fields = {
    post: new ForeignKey(() => Post, { onDelete: CASCADE, relatedName: 'attached%(class)sSet', relatedQueryName: 'attached%(class)s' }),
    content: new TextField(),
  };
  static override meta: ModelMeta = { abstract: true };
}

export class Comment extends Attachment.typed<Comment, typeof Attachment>() {
  static override fields = { isSpam: new BooleanField({ default: false }) };
}
export interface Comment extends FieldsOf<typeof Attachment.fields & typeof Comment.fields> {}

export class Link extends Attachment.typed<Link, typeof Attachment>() {
  static override fields = { url: new URLField() };
}
export interface Link extends FieldsOf<typeof Attachment.fields & typeof Link.fields> {}

/** An abstract base whose child overrides one field and removes another (Django 1.10+: `field = None`). */
export class Describable extends Model {
  static override fields = {
    title: new CharField({ maxLength: 20 }),
    summary: new CharField({ maxLength: 30 }),
  };
  static override meta: ModelMeta = { abstract: true };
}

export class Brochure extends Describable.typed<Brochure, typeof Describable>() {
  static override fields = { title: new CharField({ maxLength: 200, null: true }), summary: null as never };
}
export interface Brochure extends FieldsOf<{ title: CharField<true> }> {}

// ------------------------------------------------------------------ multi-table inheritance (model_inheritance)

export class Chef extends Model.typed<Chef>() {
  static override fields = { name: new CharField({ maxLength: 50 }) };
}
export interface Chef extends FieldsOf<typeof Chef.fields> {}

export class Place extends AsyncMixin<Place>(Model) {
  static override fields = {
    name: new CharField({ maxLength: 50 }),
    address: new CharField({ maxLength: 80 }),
  };
  declare restaurant: Restaurant;
  declare supplier: Supplier;
  declare lot: ReverseManyToOneManager<ParkingLot>;
}
export interface Place extends FieldsOf<typeof Place.fields> {}

export class Restaurant extends AsyncMixin<Restaurant, typeof Place>(Place) {
  static override fields = {
    rating: new IntegerField({ null: true, blank: true }),
    servesHotDogs: new BooleanField({ default: false }),
    servesPizza: new BooleanField({ default: false }),
    chef: new ForeignKey(() => Chef, { null: true, blank: true, onDelete: SET_NULL }),
  };
  static override meta: ModelMeta = { ordering: ['-rating'], dbTable: 'my_restaurant' };
  declare italianRestaurant: ItalianRestaurant;
  declare provider: ManyRelatedManager<Supplier>;
}
export interface Restaurant extends FieldsOf<typeof Place.fields & typeof Restaurant.fields> {}

export class ItalianRestaurant extends AsyncMixin<ItalianRestaurant, typeof Restaurant>(Restaurant) {
  static override fields = { servesGnocchi: new BooleanField({ default: false }) };
}
export interface ItalianRestaurant extends FieldsOf<typeof Place.fields & typeof Restaurant.fields & typeof ItalianRestaurant.fields> {}

export class Supplier extends AsyncMixin<Supplier, typeof Place>(Place) {
  static override fields = { customers: new ManyToManyField(() => Restaurant, { relatedName: 'provider' }) };
}
export interface Supplier extends FieldsOf<typeof Place.fields & typeof Supplier.fields> {}

/** A declared parent link (Django's `parent_link=True`) instead of the automatic `placePtr`. */
export class ParkingLot extends AsyncMixin<ParkingLot, typeof Place>(Place) {
  static override fields = {
    parent: new OneToOneField(() => Place, { primaryKey: true, parentLink: true, onDelete: CASCADE }),
    mainSite: new ForeignKey(() => Place, { onDelete: CASCADE, relatedName: 'lot' }),
  };
}
export interface ParkingLot extends FieldsOf<typeof Place.fields & typeof ParkingLot.fields> {}

// ------------------------------------------------------------------ proxies (proxy_models)

export class Person extends Model.typed<Person>() {
  static override fields = { name: new CharField({ maxLength: 50 }) };
  override toString(): string {
    return this.name;
  }
}
export interface Person extends FieldsOf<typeof Person.fields> {}

export class MyPerson extends Person.typed<MyPerson, typeof Person>() {
  static override meta: ModelMeta = { proxy: true, ordering: ['name'] };
  hasSpecialName(): boolean {
    return this.name.toLowerCase() === 'special';
  }
}
export interface MyPerson extends FieldsOf<typeof Person.fields> {}

export class MyPersonProxy extends MyPerson.typed<MyPersonProxy, typeof MyPerson>() {
  static override meta: ModelMeta = { proxy: true };
}
export interface MyPersonProxy extends FieldsOf<typeof Person.fields> {}

/** A multi-table child of a proxy: its own table, linked to Person's rows. */
export class StatusPerson extends MyPerson.typed<StatusPerson, typeof MyPerson>() {
  static override fields = { status: new CharField({ maxLength: 80, default: '' }) };
}
export interface StatusPerson extends FieldsOf<typeof Person.fields & typeof StatusPerson.fields> {}

export class LowerStatusPerson extends MyPersonProxy.typed<LowerStatusPerson, typeof MyPersonProxy>() {
  static override fields = { status: new CharField({ maxLength: 80 }) };
}
export interface LowerStatusPerson extends FieldsOf<typeof Person.fields & typeof LowerStatusPerson.fields> {}

export class User extends Model.typed<User>() {
  static override fields = { name: new CharField({ maxLength: 255 }) };
}
export interface User extends FieldsOf<typeof User.fields> {}

export class UserProxy extends User.typed<UserProxy, typeof User>() {
  static override meta: ModelMeta = { proxy: true };
}
export interface UserProxy extends FieldsOf<typeof User.fields> {}

export class UserProxyProxy extends UserProxy.typed<UserProxyProxy, typeof UserProxy>() {
  static override meta: ModelMeta = { proxy: true };
}
export interface UserProxyProxy extends FieldsOf<typeof User.fields> {}

export class Country extends Model.typed<Country>() {
  static override fields = { name: new CharField({ maxLength: 50 }) };
}
export interface Country extends FieldsOf<typeof Country.fields> {}

export class State extends Model.typed<State>() {
  static override fields = {
    name: new CharField({ maxLength: 50 }),
    country: new ForeignKey(() => Country, { onDelete: CASCADE }),
  };
}
export interface State extends FieldsOf<typeof State.fields> {}

export class StateProxy extends State.typed<StateProxy, typeof State>() {
  static override meta: ModelMeta = { proxy: true };
}
export interface StateProxy extends FieldsOf<typeof State.fields> {}

/** Django's bug tracker models: keys to proxies, and proxies of models with keys. */
export class BaseUser extends Model.typed<BaseUser>() {
  static override fields = { name: new CharField({ maxLength: 255 }) };
  override toString(): string {
    return `${this.constructor.name}:${this.name}`;
  }
}
export interface BaseUser extends FieldsOf<typeof BaseUser.fields> {}

export class TrackerUser extends BaseUser.typed<TrackerUser, typeof BaseUser>() {
  static override fields = { status: new CharField({ maxLength: 50 }) };
}
export interface TrackerUser extends FieldsOf<typeof BaseUser.fields & typeof TrackerUser.fields> {}

export class ProxyTrackerUser extends TrackerUser.typed<ProxyTrackerUser, typeof TrackerUser>() {
  static override meta: ModelMeta = { proxy: true };
}
export interface ProxyTrackerUser extends FieldsOf<typeof BaseUser.fields & typeof TrackerUser.fields> {}

export class Issue extends Model.typed<Issue>() {
  static override fields = {
    summary: new CharField({ maxLength: 255 }),
    assignee: new ForeignKey(() => ProxyTrackerUser, { onDelete: CASCADE, relatedName: 'issues' }),
  };
  override toString(): string {
    return `${this.constructor.name}:${this.summary}`;
  }
}
export interface Issue extends FieldsOf<typeof Issue.fields> {}

export class Bug extends Issue.typed<Bug, typeof Issue>() {
  static override fields = {
    version: new CharField({ maxLength: 50 }),
    reporter: new ForeignKey(() => BaseUser, { onDelete: CASCADE }),
  };
}
export interface Bug extends FieldsOf<typeof Issue.fields & typeof Bug.fields> {}

export class ProxyBug extends Bug.typed<ProxyBug, typeof Bug>() {
  static override meta: ModelMeta = { proxy: true };
}
export interface ProxyBug extends FieldsOf<typeof Issue.fields & typeof Bug.fields> {}

export class ProxyProxyBug extends ProxyBug.typed<ProxyProxyBug, typeof ProxyBug>() {
  static override meta: ModelMeta = { proxy: true };
}
export interface ProxyProxyBug extends FieldsOf<typeof Issue.fields & typeof Bug.fields> {}

export class Improvement extends Issue.typed<Improvement, typeof Issue>() {
  static override fields = {
    version: new CharField({ maxLength: 50 }),
    reporter: new ForeignKey(() => ProxyTrackerUser, { onDelete: CASCADE }),
    associatedBug: new ForeignKey(() => ProxyProxyBug, { onDelete: CASCADE }),
  };
}
export interface Improvement extends FieldsOf<typeof Issue.fields & typeof Improvement.fields> {}

export class ProxyImprovement extends Improvement.typed<ProxyImprovement, typeof Improvement>() {
  static override meta: ModelMeta = { proxy: true };
}
export interface ProxyImprovement extends FieldsOf<typeof Issue.fields & typeof Improvement.fields> {}

// ------------------------------------------------------------------ a three-level chain (model_inheritance_regress)

export class GrandParent extends AsyncMixin<GrandParent>(Model) {
  static override fields = {
    firstName: new CharField({ maxLength: 80 }),
    lastName: new CharField({ maxLength: 80 }),
    email: new EmailField({ unique: true, null: true }),
  };
  static override meta: ModelMeta = { ordering: ['firstName'] };
  declare parent: Parent;
}
export interface GrandParent extends FieldsOf<typeof GrandParent.fields> {}

export class Parent extends AsyncMixin<Parent, typeof GrandParent>(GrandParent) {
  static override fields = { parentNote: new CharField({ maxLength: 80, default: '' }) };
  declare child: Child;
}
export interface Parent extends FieldsOf<typeof GrandParent.fields & typeof Parent.fields> {}

export class Child extends AsyncMixin<Child, typeof Parent>(Parent) {
  static override fields = { toy: new CharField({ maxLength: 80, default: '' }) };
}
export interface Child extends FieldsOf<typeof GrandParent.fields & typeof Parent.fields & typeof Child.fields> {}
