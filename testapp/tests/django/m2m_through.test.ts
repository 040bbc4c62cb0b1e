/**
 * Ports of Django's tests/m2m_through/tests.py: many-to-many relations through an explicit intermediate model,
 * throughDefaults (values and functions), throughFields, relations to self through a model, and toField keys.
 * Django's Person / Group / Membership / Event are Guest / Club / ClubMembership / Gala in testapp/parity.ts.
 *
 * Not ported:
 * - test_get_on_intermediate_model: it checks a __str__.
 * - The custom_members / CustomMembership cases and
 *   test_custom_related_name_doesnt_conflict_with_fky_related_name: the db_column / related_name variants they
 *   cover are tested with testapp/relations.ts.
 * - test_reverse_inherited_m2m_with_through_fields_list_hashable: no model inheritance of that kind.
 * - M2mThroughToFieldsTests.test_choices: get_choices() is for forms.
 */
import { IntegrityError, ImproperlyConfigured, ForeignKey, ManyToManyField, Model, CASCADE } from '../../../src';
import {
  Club,
  ClubMembership,
  Employee,
  Friendship,
  Gala,
  Guest,
  Ingredient,
  Invitation,
  NoDefaultsOrNulls,
  Recipe,
  RecipeIngredient,
  Relationship,
  SelfRefPerson,
  SymmetricalFriendship,
} from '../../parity';
import { emptyTables, useParityDatabase } from './setup';

useParityDatabase();

const names = (objects: Iterable<{ name: string }>) => [...objects].map((object) => object.name);

describe('m2m_through.tests.M2mThroughTests', () => {
  let bob: Guest, jim: Guest, jane: Guest, rock: Club, roll: Club;
  beforeEach(() => {
    emptyTables();
    [bob, jim, jane] = ['Bob', 'Jim', 'Jane'].map((name) => Guest.objects.create({ name })) as [Guest, Guest, Guest];
    [rock, roll] = ['Rock', 'Roll'].map((name) => Club.objects.create({ name })) as [Club, Club];
  });

  test('m2m_through.tests.M2mThroughTests.test_retrieve_intermediate_items', () => {
    ClubMembership.objects.create({ person: jim, group: rock });
    ClubMembership.objects.create({ person: jane, group: rock });
    expect(names(rock.members.all())).toEqual(['Jane', 'Jim']);
  });

  test('m2m_through.tests.M2mThroughTests.test_filter_on_intermediate_model', () => {
    const m1 = ClubMembership.objects.create({ person: jim, group: rock });
    const m2 = ClubMembership.objects.create({ person: jane, group: rock });
    expect(ClubMembership.objects.filter({ group: rock }).eval().map((m) => m.pk)).toEqual([m1.pk, m2.pk]);
  });

  test('m2m_through.tests.M2mThroughTests.test_add_on_m2m_with_intermediate_model', () => {
    rock.members.add(bob, { throughDefaults: { inviteReason: 'He is good.' } });
    expect(names(rock.members.all())).toEqual(['Bob']);
    expect(rock.clubMembershipSet.get().inviteReason).toBe('He is good.');
  });

  test('m2m_through.tests.M2mThroughTests.test_add_on_m2m_with_intermediate_model_callable_through_default', () => {
    let calls = 0;
    const inviteReasonCallable = () => `They were good at ${++calls}`;
    rock.members.add(bob, jane, { throughDefaults: { inviteReason: inviteReasonCallable } });
    expect(names(rock.members.all())).toEqual(['Bob', 'Jane']);
    expect(rock.clubMembershipSet.filter({ inviteReason__startswith: 'They were good at ' }).count()).toBe(2);
    // inviteReasonCallable() is called once.
    expect(bob.clubMembershipSet.get().inviteReason).toBe(jane.clubMembershipSet.get().inviteReason);
    expect(calls).toBe(1);
  });

  test('m2m_through.tests.M2mThroughTests.test_set_on_m2m_with_intermediate_model_callable_through_default', () => {
    rock.members.set([bob, jane], { throughDefaults: { inviteReason: () => 'Why not?' } });
    expect(names(rock.members.all())).toEqual(['Bob', 'Jane']);
    expect(rock.clubMembershipSet.filter({ inviteReason__startswith: 'Why not?' }).count()).toBe(2);
  });

  test('m2m_through.tests.M2mThroughTests.test_add_on_m2m_with_intermediate_model_value_required', () => {
    rock.nodefaultsnonulls.add(jim, { throughDefaults: { nodefaultnonull: 1 } });
    expect(rock.noDefaultsOrNullsSet.get().nodefaultnonull).toBe(1);
  });

  test('m2m_through.tests.M2mThroughTests.test_add_on_m2m_with_intermediate_model_value_required_fails', () => {
    expect(() => rock.nodefaultsnonulls.add(jim)).toThrow(IntegrityError);
  });

  test('m2m_through.tests.M2mThroughTests.test_create_on_m2m_with_intermediate_model', () => {
    const annie = rock.members.create({ name: 'Annie' }, { throughDefaults: { inviteReason: 'She was just awesome.' } });
    expect(rock.members.all().eval().map((m) => m.pk)).toEqual([annie.pk]);
    expect(rock.clubMembershipSet.get().inviteReason).toBe('She was just awesome.');
  });

  test('m2m_through.tests.M2mThroughTests.test_create_on_m2m_with_intermediate_model_callable_through_default', () => {
    const annie = rock.members.create({ name: 'Annie' }, { throughDefaults: { inviteReason: () => 'She was just awesome.' } });
    expect(rock.members.all().eval().map((m) => m.pk)).toEqual([annie.pk]);
    expect(rock.clubMembershipSet.get().inviteReason).toBe('She was just awesome.');
  });

  test('m2m_through.tests.M2mThroughTests.test_create_on_m2m_with_intermediate_model_value_required', () => {
    rock.nodefaultsnonulls.create({ name: 'Test' }, { throughDefaults: { nodefaultnonull: 1 } });
    expect(rock.noDefaultsOrNullsSet.get().nodefaultnonull).toBe(1);
  });

  test('m2m_through.tests.M2mThroughTests.test_create_on_m2m_with_intermediate_model_value_required_fails', () => {
    expect(() => rock.nodefaultsnonulls.create({ name: 'Test' })).toThrow(IntegrityError);
    // create() is one transaction: the new guest is not left behind.
    expect(Guest.objects.filter({ name: 'Test' }).exists()).toBe(false);
  });

  test('m2m_through.tests.M2mThroughTests.test_get_or_create_on_m2m_with_intermediate_model_value_required', () => {
    rock.nodefaultsnonulls.getOrCreate({ name: 'Test' }, { throughDefaults: { nodefaultnonull: 1 } });
    expect(rock.noDefaultsOrNullsSet.get().nodefaultnonull).toBe(1);
  });

  test('m2m_through.tests.M2mThroughTests.test_get_or_create_on_m2m_with_intermediate_model_value_required_fails', () => {
    expect(() => rock.nodefaultsnonulls.getOrCreate({ name: 'Test' })).toThrow(IntegrityError);
  });

  test('m2m_through.tests.M2mThroughTests.test_update_or_create_on_m2m_with_intermediate_model_value_required', () => {
    rock.nodefaultsnonulls.updateOrCreate({ name: 'Test' }, { throughDefaults: { nodefaultnonull: 1 } });
    expect(rock.noDefaultsOrNullsSet.get().nodefaultnonull).toBe(1);
  });

  test('m2m_through.tests.M2mThroughTests.test_update_or_create_on_m2m_with_intermediate_model_value_required_fails', () => {
    expect(() => rock.nodefaultsnonulls.updateOrCreate({ name: 'Test' })).toThrow(IntegrityError);
  });

  test('m2m_through.tests.M2mThroughTests.test_remove_on_m2m_with_intermediate_model', () => {
    ClubMembership.objects.create({ person: jim, group: rock });
    rock.members.remove(jim);
    expect(rock.members.count()).toBe(0);
  });

  test('m2m_through.tests.M2mThroughTests.test_remove_on_m2m_with_intermediate_model_multiple', () => {
    ClubMembership.objects.create({ person: jim, group: rock, inviteReason: '1' });
    ClubMembership.objects.create({ person: jim, group: rock, inviteReason: '2' });
    expect(rock.clubMembershipSet.count()).toBe(2);
    rock.members.remove(jim);
    expect(rock.members.count()).toBe(0);
    expect(rock.clubMembershipSet.count()).toBe(0);
  });

  test('m2m_through.tests.M2mThroughTests.test_set_on_m2m_with_intermediate_model', () => {
    rock.members.set(Guest.objects.filter({ name__in: ['Bob', 'Jim'] }).eval());
    expect(names(rock.members.all())).toEqual(['Bob', 'Jim']);
  });

  test('m2m_through.tests.M2mThroughTests.test_set_on_m2m_with_intermediate_model_value_required', () => {
    rock.nodefaultsnonulls.set([jim], { throughDefaults: { nodefaultnonull: 1 } });
    expect(rock.noDefaultsOrNullsSet.get().nodefaultnonull).toBe(1);
    rock.nodefaultsnonulls.set([jim], { throughDefaults: { nodefaultnonull: 2 } });
    expect(rock.noDefaultsOrNullsSet.get().nodefaultnonull).toBe(1);
    rock.nodefaultsnonulls.set([jim], { throughDefaults: { nodefaultnonull: 2 }, clear: true });
    expect(rock.noDefaultsOrNullsSet.get().nodefaultnonull).toBe(2);
  });

  test('m2m_through.tests.M2mThroughTests.test_set_on_m2m_with_intermediate_model_value_required_fails', () => {
    expect(() => rock.nodefaultsnonulls.set([jim])).toThrow(IntegrityError);
  });

  test('m2m_through.tests.M2mThroughTests.test_clear_removes_all_the_m2m_relationships', () => {
    ClubMembership.objects.create({ person: jim, group: rock });
    ClubMembership.objects.create({ person: jane, group: rock });
    rock.members.clear();
    expect(names(rock.members.all())).toEqual([]);
  });

  test('m2m_through.tests.M2mThroughTests.test_retrieve_reverse_intermediate_items', () => {
    ClubMembership.objects.create({ person: jim, group: rock });
    ClubMembership.objects.create({ person: jim, group: roll });
    expect(names(jim.clubSet.all())).toEqual(['Rock', 'Roll']);
  });

  test('m2m_through.tests.M2mThroughTests.test_add_on_reverse_m2m_with_intermediate_model', () => {
    bob.clubSet.add(rock);
    expect(names(bob.clubSet.all())).toEqual(['Rock']);
  });

  test('m2m_through.tests.M2mThroughTests.test_create_on_reverse_m2m_with_intermediate_model', () => {
    const funk = bob.clubSet.create({ name: 'Funk' });
    expect(bob.clubSet.all().eval().map((club) => club.pk)).toEqual([funk.pk]);
  });

  test('m2m_through.tests.M2mThroughTests.test_remove_on_reverse_m2m_with_intermediate_model', () => {
    ClubMembership.objects.create({ person: bob, group: rock });
    bob.clubSet.remove(rock);
    expect(names(bob.clubSet.all())).toEqual([]);
  });

  test('m2m_through.tests.M2mThroughTests.test_set_on_reverse_m2m_with_intermediate_model', () => {
    bob.clubSet.set(Club.objects.filter({ name__in: ['Rock', 'Roll'] }).eval());
    expect(names(bob.clubSet.all())).toEqual(['Rock', 'Roll']);
  });

  test('m2m_through.tests.M2mThroughTests.test_clear_on_reverse_removes_all_the_m2m_relationships', () => {
    ClubMembership.objects.create({ person: jim, group: rock });
    ClubMembership.objects.create({ person: jim, group: roll });
    jim.clubSet.clear();
    expect(names(jim.clubSet.all())).toEqual([]);
  });

  function fiveMemberships(): void {
    ClubMembership.objects.create({ person: jim, group: rock });
    ClubMembership.objects.create({ person: jane, group: rock });
    ClubMembership.objects.create({ person: bob, group: roll });
    ClubMembership.objects.create({ person: jim, group: roll });
    ClubMembership.objects.create({ person: jane, group: roll });
  }

  test('m2m_through.tests.M2mThroughTests.test_query_model_by_attribute_name_of_related_model', () => {
    fiveMemberships();
    expect(names(Club.objects.filter({ members__name: 'Bob' }))).toEqual(['Roll']);
  });

  test('m2m_through.tests.M2mThroughTests.test_query_first_model_by_intermediate_model_attribute', () => {
    ClubMembership.objects.create({ person: jane, group: roll, inviteReason: 'She was just awesome.' });
    ClubMembership.objects.create({ person: jim, group: roll, inviteReason: 'He is good.' });
    ClubMembership.objects.create({ person: bob, group: roll });
    expect(names(Club.objects.filter({ clubMembership__inviteReason: 'She was just awesome.' }))).toEqual(['Roll']);
  });

  test('m2m_through.tests.M2mThroughTests.test_query_second_model_by_intermediate_model_attribute', () => {
    ClubMembership.objects.create({ person: jane, group: roll, inviteReason: 'She was just awesome.' });
    ClubMembership.objects.create({ person: jim, group: roll, inviteReason: 'He is good.' });
    ClubMembership.objects.create({ person: bob, group: roll });
    expect(names(Guest.objects.filter({ clubMembership__inviteReason: 'She was just awesome.' }))).toEqual(['Jane']);
  });

  test('m2m_through.tests.M2mThroughTests.test_query_model_by_related_model_name', () => {
    fiveMemberships();
    expect(names(Guest.objects.filter({ club__name: 'Rock' }))).toEqual(['Jane', 'Jim']);
  });

  test('m2m_through.tests.M2mThroughTests.test_query_model_by_intermediate_can_return_non_unique_queryset', () => {
    ClubMembership.objects.create({ person: jim, group: rock });
    ClubMembership.objects.create({ person: jane, group: rock, dateJoined: new Date('2006-01-01T00:00:00Z') });
    ClubMembership.objects.create({ person: bob, group: roll, dateJoined: new Date('2004-01-01T00:00:00Z') });
    ClubMembership.objects.create({ person: jim, group: roll });
    ClubMembership.objects.create({ person: jane, group: roll, dateJoined: new Date('2004-01-01T00:00:00Z') });
    expect(names(Guest.objects.filter({ clubMembership__dateJoined__gt: new Date('2004-01-01T00:00:00Z') }))).toEqual(['Jane', 'Jim', 'Jim']);
  });

  test('m2m_through.tests.M2mThroughTests.test_custom_related_name_forward_empty_qs', () => {
    expect(names(rock.members.all())).toEqual([]);
    expect(names(bob.clubSet.all())).toEqual([]);
  });

  test('m2m_through.tests.M2mThroughTests.test_through_fields', () => {
    // Relations with intermediary tables with multiple FKs to the M2M's target model are possible.
    const event = Gala.objects.create({ title: 'Rockwhale 2014' });
    Invitation.objects.create({ event, inviter: bob, invitee: jim });
    Invitation.objects.create({ event, inviter: bob, invitee: jane });
    expect(names(event.invitees.all())).toEqual(['Jane', 'Jim']);
    // And from the other side, and in lookups.
    expect(jim.eventsInvited.all().eval().map((gala) => gala.title)).toEqual(['Rockwhale 2014']);
    expect(bob.eventsInvited.count()).toBe(0);
    expect(Gala.objects.filter({ invitees__name: 'Jim' }).count()).toBe(1);
    expect(Gala.objects.filter({ invitees__name: 'Bob' }).count()).toBe(0);
    // add() fills the two named keys; the third is the caller's to give.
    event.invitees.add(bob, { throughDefaults: { inviter: jane } });
    expect(Invitation.objects.get({ invitee: bob }).inviterId).toBe(jane.pk);
  });
});

describe('m2m_through.tests.M2mThroughReferentialTests', () => {
  beforeEach(() => emptyTables());
  const now = () => new Date();

  test('m2m_through.tests.M2mThroughReferentialTests.test_self_referential_empty_qs', () => {
    const tony = SelfRefPerson.objects.create({ name: 'Tony' });
    expect(names(tony.friends.all())).toEqual([]);
  });

  test('m2m_through.tests.M2mThroughReferentialTests.test_self_referential_non_symmetrical_first_side', () => {
    const tony = SelfRefPerson.objects.create({ name: 'Tony' });
    const chris = SelfRefPerson.objects.create({ name: 'Chris' });
    Friendship.objects.create({ first: tony, second: chris, dateFriended: now() });
    expect(names(tony.friends.all())).toEqual(['Chris']);
  });

  test('m2m_through.tests.M2mThroughReferentialTests.test_self_referential_non_symmetrical_second_side', () => {
    const tony = SelfRefPerson.objects.create({ name: 'Tony' });
    const chris = SelfRefPerson.objects.create({ name: 'Chris' });
    Friendship.objects.create({ first: tony, second: chris, dateFriended: now() });
    expect(names(chris.friends.all())).toEqual([]);
  });

  test('m2m_through.tests.M2mThroughReferentialTests.test_self_referential_non_symmetrical_clear_first_side', () => {
    const tony = SelfRefPerson.objects.create({ name: 'Tony' });
    const chris = SelfRefPerson.objects.create({ name: 'Chris' });
    Friendship.objects.create({ first: tony, second: chris, dateFriended: now() });
    chris.friends.clear();
    expect(names(chris.friends.all())).toEqual([]);
    // Since this isn't a symmetrical relation, Tony's friend link still exists.
    expect(names(tony.friends.all())).toEqual(['Chris']);
  });

  test('m2m_through.tests.M2mThroughReferentialTests.test_self_referential_non_symmetrical_both', () => {
    const tony = SelfRefPerson.objects.create({ name: 'Tony' });
    const chris = SelfRefPerson.objects.create({ name: 'Chris' });
    Friendship.objects.create({ first: tony, second: chris, dateFriended: now() });
    Friendship.objects.create({ first: chris, second: tony, dateFriended: now() });
    expect(names(tony.friends.all())).toEqual(['Chris']);
    expect(names(chris.friends.all())).toEqual(['Tony']);
  });

  test('m2m_through.tests.M2mThroughReferentialTests.test_through_fields_self_referential', () => {
    const [john, peter, mary, harry] = ['john', 'peter', 'mary', 'harry'].map((name) => Employee.objects.create({ name })) as [Employee, Employee, Employee, Employee];
    Relationship.objects.create({ source: john, target: peter, another: null });
    Relationship.objects.create({ source: john, target: mary, another: null });
    Relationship.objects.create({ source: john, target: harry, another: peter });
    expect(names(john.subordinates.all())).toEqual(['peter', 'mary', 'harry']);
  });

  test('m2m_through.tests.M2mThroughReferentialTests.test_self_referential_symmetrical', () => {
    const tony = SelfRefPerson.objects.create({ name: 'Tony' });
    const chris = SelfRefPerson.objects.create({ name: 'Chris' });
    SymmetricalFriendship.objects.create({ first: tony, second: chris, dateFriended: '2024-01-01' });
    expect(names(tony.symFriends.all())).toEqual(['Chris']);
    // Manually created symmetrical m2m relation doesn't add mirror entry automatically.
    expect(names(chris.symFriends.all())).toEqual([]);
    SymmetricalFriendship.objects.create({ first: chris, second: tony, dateFriended: '2024-01-01' });
    expect(names(chris.symFriends.all())).toEqual(['Tony']);
  });

  test('m2m_through.tests.M2mThroughReferentialTests.test_add_on_symmetrical_m2m_with_intermediate_model', () => {
    const tony = SelfRefPerson.objects.create({ name: 'Tony' });
    const chris = SelfRefPerson.objects.create({ name: 'Chris' });
    tony.symFriends.add(chris, { throughDefaults: { dateFriended: '2017-01-03' } });
    expect(names(tony.symFriends.all())).toEqual(['Chris']);
    expect(names(chris.symFriends.all())).toEqual(['Tony']);
    expect(tony.symmetricalFriendshipSet.get().dateFriended).toBe('2017-01-03');
  });

  test('m2m_through.tests.M2mThroughReferentialTests.test_set_on_symmetrical_m2m_with_intermediate_model', () => {
    const [tony, chris, anne, kate] = ['Tony', 'Chris', 'Anne', 'Kate'].map((name) => SelfRefPerson.objects.create({ name })) as [
      SelfRefPerson,
      SelfRefPerson,
      SelfRefPerson,
      SelfRefPerson,
    ];
    const dateFriendedAdd = '2013-01-05';
    const dateFriendedSet = '2024-06-01';
    tony.symFriends.add(anne, chris, { throughDefaults: { dateFriended: dateFriendedAdd } });
    tony.symFriends.set([anne, kate], { throughDefaults: { dateFriended: dateFriendedSet } });
    expect(names(tony.symFriends.all())).toEqual(['Anne', 'Kate']);
    expect(names(anne.symFriends.all())).toEqual(['Tony']);
    expect(names(kate.symFriends.all())).toEqual(['Tony']);
    expect(kate.symmetricalFriendshipSet.get().dateFriended).toBe(dateFriendedSet);
    // Date is preserved.
    expect(anne.symmetricalFriendshipSet.get().dateFriended).toBe(dateFriendedAdd);
    // Recreate relationship.
    tony.symFriends.set([anne], { clear: true, throughDefaults: { dateFriended: dateFriendedSet } });
    expect(names(tony.symFriends.all())).toEqual(['Anne']);
    expect(names(anne.symFriends.all())).toEqual(['Tony']);
    expect(anne.symmetricalFriendshipSet.get().dateFriended).toBe(dateFriendedSet);
  });
});

describe('m2m_through.tests.M2mThroughToFieldsTests', () => {
  let pea: Ingredient, potato: Ingredient, tomato: Ingredient, curry: Recipe;
  beforeEach(() => {
    emptyTables();
    [pea, potato, tomato] = ['pea', 'potato', 'tomato'].map((iname) => Ingredient.objects.create({ iname })) as [Ingredient, Ingredient, Ingredient];
    curry = Recipe.objects.create({ rname: 'curry' });
    RecipeIngredient.objects.create({ recipe: curry, ingredient: potato });
    RecipeIngredient.objects.create({ recipe: curry, ingredient: pea });
    RecipeIngredient.objects.create({ recipe: curry, ingredient: tomato });
  });

  test('m2m_through.tests.M2mThroughToFieldsTests.test_retrieval', () => {
    // Forward retrieval.
    expect(curry.ingredients.all().eval().map((i) => i.iname)).toEqual(['pea', 'potato', 'tomato']);
    // Backward retrieval.
    expect(tomato.recipes.get().pk).toBe(curry.pk);
    // The intermediate rows hold the toField values.
    expect(RecipeIngredient.objects.valuesList('ingredientId', { flat: true }).orderBy('ingredient').eval()).toEqual(['pea', 'potato', 'tomato']);
  });
});

describe('intermediate models checked as Django checks them', () => {
  function metaError(model: typeof Model): ImproperlyConfigured {
    try {
      void model._meta;
    } catch (error) {
      if (error instanceof ImproperlyConfigured) return error;
      throw error;
    }
    throw new Error('expected ImproperlyConfigured');
  }

  test('two keys to the target and no throughFields is ambiguous (fields.E335)', () => {
    class Party extends Model {
      static fields = { guests: new ManyToManyField(() => Guest, { through: () => PartyInvite }) };
    }
    class PartyInvite extends Model {
      static fields = {
        party: new ForeignKey(() => Party, { onDelete: CASCADE }),
        host: new ForeignKey(() => Guest, { onDelete: CASCADE, relatedName: '+' }),
        guest: new ForeignKey(() => Guest, { onDelete: CASCADE, relatedName: '+' }),
      };
    }
    expect(metaError(Party).message).toBe(
      'Party.guests: the intermediate model PartyInvite has more than one foreign key to Guest (host, guest), which is ambiguous; ' +
        'name the keys to use with throughFields: [key to Party, key to Guest].',
    );
  });

  test('throughFields must name foreign keys to the right sides (fields.E338, E339)', () => {
    class Dinner extends Model {
      static fields = { guests: new ManyToManyField(() => Guest, { through: () => Seat, throughFields: ['dinner', 'chair'] }) };
    }
    class Seat extends Model {
      static fields = {
        dinner: new ForeignKey(() => Dinner, { onDelete: CASCADE }),
        guest: new ForeignKey(() => Guest, { onDelete: CASCADE, relatedName: '+' }),
      };
    }
    expect(metaError(Dinner).message).toBe("Dinner.guests: throughFields names 'chair', but Seat has no such field. Fields: id, dinner, guest.");
    class Lunch extends Model {
      static fields = { guests: new ManyToManyField(() => Guest, { through: () => Place, throughFields: ['guest', 'lunch'] }) };
    }
    class Place extends Model {
      static fields = {
        lunch: new ForeignKey(() => Lunch, { onDelete: CASCADE }),
        guest: new ForeignKey(() => Guest, { onDelete: CASCADE, relatedName: '+' }),
      };
    }
    expect(metaError(Lunch).message).toBe("Lunch.guests: throughFields 'guest' must be a foreign key from Place to Lunch.");
  });

  test('a relation to self through a model with three keys to it needs throughFields (fields.E333)', () => {
    class Boss extends Model {
      static fields = { reports: new ManyToManyField('self', { through: () => Line, symmetrical: false }) };
    }
    class Line extends Model {
      static fields = {
        a: new ForeignKey(() => Boss, { onDelete: CASCADE, relatedName: '+' }),
        b: new ForeignKey(() => Boss, { onDelete: CASCADE, relatedName: '+' }),
        c: new ForeignKey(() => Boss, { onDelete: CASCADE, relatedName: '+' }),
      };
    }
    expect(metaError(Boss).message).toMatch(/^Boss.reports: the intermediate model Line has more than two foreign keys to Boss \(a, b, c\), which is ambiguous/);
  });
});

describe('m2m_through.tests: the related manager joins the intermediate rows', () => {
  let bob: Guest, jim: Guest, jane: Guest, rock: Club, roll: Club;
  beforeEach(() => {
    emptyTables();
    [bob, jim, jane] = ['Bob', 'Jim', 'Jane'].map((name) => Guest.objects.create({ name })) as [Guest, Guest, Guest];
    [rock, roll] = ['Rock', 'Roll'].map((name) => Club.objects.create({ name })) as [Club, Club];
  });
  const day = (n: number) => new Date(Date.UTC(2020, 0, n));

  test('m2m_through.tests.M2mThroughTests.test_remove_on_m2m_with_intermediate_model_multiple (a pair linked twice lists twice)', () => {
    ClubMembership.objects.create({ person: jim, group: rock, inviteReason: '1' });
    ClubMembership.objects.create({ person: jim, group: rock, inviteReason: '2' });
    expect(names(rock.members.all())).toEqual(['Jim', 'Jim']);
    expect(names(jim.clubSet.all())).toEqual(['Rock', 'Rock']);
    expect(rock.members.count()).toBe(2);
    // Prefetching gives the same list.
    const [prefetched] = Club.objects.filter({ pk: rock.pk }).prefetchRelated('members').eval();
    expect(names(prefetched!.members.all())).toEqual(['Jim', 'Jim']);
    rock.members.remove(jim);
    expect(names(rock.members.all())).toEqual([]);
  });

  test('m2m_through.tests.M2mThroughTests.test_order_by_relational_field_through_model', () => {
    ClubMembership.objects.create({ person: jim, group: rock, dateJoined: day(1) });
    ClubMembership.objects.create({ person: bob, group: rock, dateJoined: day(2) });
    ClubMembership.objects.create({ person: jane, group: roll, dateJoined: day(1) });
    ClubMembership.objects.create({ person: jim, group: roll, dateJoined: day(2) });
    // Ordering through the intermediate model reuses the manager's join: each member once, by this club's date.
    expect(names(rock.members.orderBy('clubMembership__dateJoined'))).toEqual(['Jim', 'Bob']);
    expect(names(roll.members.orderBy('clubMembership__dateJoined'))).toEqual(['Jane', 'Jim']);
    expect(names(roll.members.orderBy('-clubMembership__dateJoined'))).toEqual(['Jim', 'Jane']);
    expect(names(jim.clubSet.orderBy('-clubMembership__dateJoined'))).toEqual(['Roll', 'Rock']);
    const sql = roll.members.orderBy('clubMembership__dateJoined').query.toString();
    expect(sql.split('JOIN').length - 1).toBe(1);
  });

  test("the filter() chained on the manager speaks of the manager's own intermediate rows (Django's sticky filter)", () => {
    ClubMembership.objects.create({ person: jim, group: rock, inviteReason: 'drums' });
    ClubMembership.objects.create({ person: jim, group: roll, inviteReason: 'bass' });
    ClubMembership.objects.create({ person: bob, group: rock, inviteReason: 'bass' });
    // Jim plays bass in Roll, not in Rock: only Bob joined Rock for bass.
    expect(names(rock.members.filter({ clubMembership__inviteReason: 'bass' }))).toEqual(['Bob']);
    expect(names(roll.members.filter({ clubMembership__inviteReason: 'bass' }))).toEqual(['Jim']);
    expect(names(rock.members.all().filter({ clubMembership__inviteReason: 'bass' }))).toEqual(['Bob']);
    // A later filter() call is free to look at any of the member's intermediate rows, as in Django.
    expect(names(rock.members.filter({ name__in: ['Bob', 'Jim'] }).filter({ clubMembership__inviteReason: 'bass' }))).toEqual(['Bob', 'Jim']);
  });
});
