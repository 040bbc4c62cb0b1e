/**
 * Models of the tests that combine features: a multi-table child with a custom queryset as its manager, a
 * proxy whose default manager narrows its rows, keys on a parent table, a reverse relation to prefetch and
 * datetimes to truncate, used over two databases through the sync and the async API.
 */
import {
  BooleanField,
  CASCADE,
  CharField,
  DateTimeField,
  ForeignKey,
  IntegerField,
  Manager,
  Model,
  QuerySet,
  SET_NULL,
  type FieldsOf,
  type ModelMeta,
  type ReverseManyToOneManager,
} from '../../../src';
import { AsyncMixin, type AsyncManagerOf } from '../../../mixins';

export class City extends AsyncMixin<City>(Model) {
  static override fields = { name: new CharField({ maxLength: 50 }) };
  static override meta: ModelMeta = { ordering: ['name'] };
}
export interface City extends FieldsOf<typeof City.fields> {}

export class Venue extends AsyncMixin<Venue>(Model) {
  static override fields = {
    name: new CharField({ maxLength: 50 }),
    address: new CharField({ maxLength: 80, default: '' }),
    city: new ForeignKey(() => City, { onDelete: SET_NULL, null: true }),
    opened: new DateTimeField({ null: true }),
  };
  static override meta: ModelMeta = { ordering: ['name'] };
  declare diner: Diner;
}
export interface Venue extends FieldsOf<typeof Venue.fields> {}

export class DinerQuerySet extends QuerySet<Diner> {
  pizzerias(): this {
    return this.filter({ servesPizza: true }) as this;
  }
  ratedAtLeast(rating: number): this {
    return this.filter({ rating__gte: rating }) as this;
  }
}

/** A manager method of its own, beside the queryset class's (Django's BaseManager.from_queryset). */
export class DinerBaseManager extends Manager<Diner> {
  inCity(name: string) {
    return this.filter({ city__name: name });
  }
}

/** A multi-table child of Venue whose default manager is its own queryset class. */
export class Diner extends AsyncMixin<Diner, typeof Venue>(Venue) {
  static override fields = {
    servesPizza: new BooleanField({ default: false }),
    rating: new IntegerField({ default: 0 }),
  };
  static override meta: ModelMeta = { ordering: ['name'] };
  static objects = new (DinerBaseManager.fromQueryset(DinerQuerySet))();
  static pizzaPlaces = DinerQuerySet.asManager();
  declare static readonly aobjects: AsyncManagerOf<typeof Diner.objects>;
  declare dishSet: ReverseManyToOneManager<Dish>;
}
export interface Diner extends FieldsOf<typeof Venue.fields & typeof Diner.fields> {}

export class Dish extends AsyncMixin<Dish>(Model) {
  static override fields = {
    name: new CharField({ maxLength: 50 }),
    diner: new ForeignKey(() => Diner, { onDelete: CASCADE }),
  };
  static override meta: ModelMeta = { ordering: ['name'] };
}
export interface Dish extends FieldsOf<typeof Dish.fields> {}

/** Only the venues with an address: the default manager of the proxy narrows its rows. */
export class ListedManager extends Manager<ListedVenue> {
  override getQueryset() {
    return super.getQueryset().exclude({ address: '' });
  }
}

export class ListedVenue extends AsyncMixin<ListedVenue, typeof Venue>(Venue) {
  static override meta: ModelMeta = { proxy: true, ordering: ['name'] };
  static objects = new ListedManager();
  declare static readonly aobjects: AsyncManagerOf<typeof ListedVenue.objects>;
}
export interface ListedVenue extends FieldsOf<typeof Venue.fields> {}

/** A key to the proxy: following it goes through the base manager, which sees unlisted venues too. */
export class Review extends AsyncMixin<Review>(Model) {
  static override fields = {
    text: new CharField({ maxLength: 100 }),
    venue: new ForeignKey(() => ListedVenue, { onDelete: CASCADE }),
  };
}
export interface Review extends FieldsOf<typeof Review.fields> {}

export class Visit extends AsyncMixin<Visit>(Model) {
  static override fields = {
    at: new DateTimeField(),
    diner: new ForeignKey(() => Diner, { onDelete: CASCADE }),
  };
  static override meta: ModelMeta = { ordering: ['at'] };
}
export interface Visit extends FieldsOf<typeof Visit.fields> {}

export const INTEGRATION_MODELS = [require.resolve('./models')];
