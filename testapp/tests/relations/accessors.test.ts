/**
 * Relation accessors (sync API): forward FK / one-to-one, reverse one-to-one, reverse FK managers,
 * many-to-many managers on both sides, and self-references.
 */
import { captureQueries, ManyRelatedManager, ObjectDoesNotExist, ReverseManyToOneManager } from '../../../src';
import { Box, Choice, Pizza, Price, Question, Topping } from '../../models';
import { Author, AuthorProfile, Category, Person } from '../../relations';
import { clearPizzeria, makePizza, useRelationsDatabase } from './setup';

useRelationsDatabase();

beforeEach(() => clearPizzeria(Question, Person, Category, Author));


describe('forward foreign key', () => {
  test('pizza.box returns the related instance, loaded once', () => {
    const box = Box.objects.create({ name: 'large' });
    const pizza = Pizza.objects.get({ pk: makePizza('p', box).pk });
    const first = captureQueries(() => {
      expect(pizza.box).toBeInstanceOf(Box);
      expect(pizza.box?.name).toBe('large');
    });
    expect(first).toHaveLength(1);
    const again = captureQueries(() => pizza.box);
    expect(again).toHaveLength(0);
  });

  test('a null key gives null without a query', () => {
    const pizza = Pizza.objects.get({ pk: makePizza('p').pk });
    const queries = captureQueries(() => {
      expect(pizza.box).toBeNull();
    });
    expect(queries).toHaveLength(0);
  });

  test('changing the key makes the accessor follow it', () => {
    const a = Box.objects.create({ name: 'a' });
    const b = Box.objects.create({ name: 'b' });
    const pizza = Pizza.objects.get({ pk: makePizza('p', a).pk });
    expect(pizza.box?.name).toBe('a');
    pizza.boxId = b.pk;
    expect(pizza.box?.name).toBe('b');
  });

  test('a key whose row is gone raises the target DoesNotExist', () => {
    const box = Box.objects.create({ name: 'gone' });
    const pizza = makePizza('p', box);
    const loaded = Pizza.objects.get({ pk: pizza.pk });
    Box.objects.filter({ pk: box.pk }).delete(); // SET_NULL updates the row, not `loaded`
    expect(loaded.boxId).toBe(box.pk);
    expect(() => loaded.box).toThrow(Box.DoesNotExist);
  });

  test('forward one-to-one: pizza.price', () => {
    const pizza = Pizza.objects.get({ pk: makePizza('p', null, '7.25').pk });
    expect(pizza.price).toBeInstanceOf(Price);
    expect(pizza.price.amount).toBe('7.25');
  });

  test('a non-null FK: choice.question', () => {
    const question = Question.objects.create({ questionText: 'Why?', pubDate: new Date() });
    const choice = Choice.objects.create({ question, choiceText: 'Because' });
    const fresh = Choice.objects.get({ pk: choice.pk });
    expect(fresh.questionId).toBe(question.pk);
    expect(fresh.question.questionText).toBe('Why?');
  });
});

describe('reverse one-to-one', () => {
  test('price.pizza returns the pizza, loaded once', () => {
    const pizza = makePizza('p');
    const price = Price.objects.get({ pk: pizza.priceId });
    const first = captureQueries(() => {
      expect(price.pizza).toBeInstanceOf(Pizza);
      expect(price.pizza.name).toBe('p');
    });
    expect(first).toHaveLength(1);
    expect(captureQueries(() => price.pizza)).toHaveLength(0);
  });

  test('a missing reverse one-to-one throws Pizza.DoesNotExist', () => {
    const price = Price.objects.create({ amount: '1.00' });
    let error: unknown;
    try {
      void price.pizza;
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(Pizza.DoesNotExist);
    expect(error).toBeInstanceOf(ObjectDoesNotExist);
    expect(error).not.toBeInstanceOf(Price.DoesNotExist);
  });

  test('an unsaved instance has no reverse one-to-one', () => {
    const price = new Price({ amount: '1.00' });
    expect(() => price.pizza).toThrow(Pizza.DoesNotExist);
  });

  test('a custom relatedName on a one-to-one: author.profile', () => {
    const ann = Author.objects.create({ name: 'Ann', handle: 'ann' });
    const bob = Author.objects.create({ name: 'Bob', handle: 'bob' });
    AuthorProfile.objects.create({ author: ann, bio: 'writes' });
    expect(Author.objects.get({ pk: ann.pk }).profile.bio).toBe('writes');
    expect(() => Author.objects.get({ pk: bob.pk }).profile).toThrow(AuthorProfile.DoesNotExist);
  });
});

describe('reverse foreign key manager', () => {
  test('box.pizzaSet holds the pizzas of that box only, in the default ordering', () => {
    const a = Box.objects.create({ name: 'a' });
    const b = Box.objects.create({ name: 'b' });
    makePizza('zucchini', a);
    makePizza('anchovy', a);
    makePizza('other', b);
    makePizza('loose');
    expect(a.pizzaSet).toBeInstanceOf(ReverseManyToOneManager);
    expect(a.pizzaSet.eval().map((p) => p.name)).toEqual(['anchovy', 'zucchini']);
    expect(b.pizzaSet.eval().map((p) => p.name)).toEqual(['other']);
    expect(a.pizzaSet.count()).toBe(2);
  });

  test('the manager is live: it sees rows added later', () => {
    const a = Box.objects.create({ name: 'a' });
    expect(a.pizzaSet.count()).toBe(0);
    makePizza('p', a);
    expect(a.pizzaSet.count()).toBe(1);
  });

  test('question.choiceSet on a non-null FK', () => {
    const question = Question.objects.create({ questionText: 'Q', pubDate: new Date() });
    const other = Question.objects.create({ questionText: 'R', pubDate: new Date() });
    Choice.objects.create({ question, choiceText: 'a' });
    Choice.objects.create({ question, choiceText: 'b' });
    Choice.objects.create({ question: other, choiceText: 'c' });
    expect(question.choiceSet.eval().map((c) => c.choiceText)).toEqual(['a', 'b']);
  });

  test('related managers of an unsaved instance refuse to query', () => {
    const box = new Box({ name: 'unsaved' });
    expect(() => box.pizzaSet.eval()).toThrow(/primary key|unsaved/);
    const pizza = new Pizza({ name: 'unsaved' });
    expect(() => pizza.toppings.eval()).toThrow(/primary key|unsaved/);
  });
});

describe('many-to-many managers', () => {
  test('pizza.toppings and topping.pizzaSet see the same links', () => {
    const margherita = makePizza('margherita');
    const hawaii = makePizza('hawaii');
    const cheese = Topping.objects.create({ name: 'cheese' });
    const ham = Topping.objects.create({ name: 'ham', vegetarian: false });
    const pineapple = Topping.objects.create({ name: 'pineapple' });
    margherita.toppings.add(cheese);
    hawaii.toppings.add(cheese, ham, pineapple);

    expect(margherita.toppings).toBeInstanceOf(ManyRelatedManager);
    expect(cheese.pizzaSet).toBeInstanceOf(ManyRelatedManager);
    expect(margherita.toppings.eval().map((t) => t.name)).toEqual(['cheese']);
    expect(hawaii.toppings.eval().map((t) => t.name)).toEqual(['cheese', 'ham', 'pineapple']);
    expect(cheese.pizzaSet.eval().map((p) => p.name)).toEqual(['hawaii', 'margherita']);
    expect(ham.pizzaSet.eval().map((p) => p.name)).toEqual(['hawaii']);
  });

  test('the same manager object is handed out for an instance', () => {
    const pizza = makePizza('p');
    expect(pizza.toppings).toBe(pizza.toppings);
  });
});

describe('self-references', () => {
  test('a ForeignKey to self: person.mentor and person.mentees', () => {
    const yoda = Person.objects.create({ name: 'Yoda' });
    const luke = Person.objects.create({ name: 'Luke', mentor: yoda });
    const leia = Person.objects.create({ name: 'Leia', mentor: yoda });
    Person.objects.create({ name: 'Han' });
    expect(Person.objects.get({ pk: luke.pk }).mentor?.name).toBe('Yoda');
    expect(Person.objects.get({ pk: yoda.pk }).mentor).toBeNull();
    expect(yoda.mentees.eval().map((p) => p.name)).toEqual(['Leia', 'Luke']);
    expect(leia.mentees.count()).toBe(0);
  });

  test('a symmetrical M2M to self links both ways', () => {
    const a = Person.objects.create({ name: 'a' });
    const b = Person.objects.create({ name: 'b' });
    const c = Person.objects.create({ name: 'c' });
    a.friends.add(b, c);
    expect(a.friends.eval().map((p) => p.name)).toEqual(['b', 'c']);
    expect(b.friends.eval().map((p) => p.name)).toEqual(['a']);
    expect(c.friends.eval().map((p) => p.name)).toEqual(['a']);
    // a symmetrical relation has no separate reverse accessor
    expect(Object.getOwnPropertyNames(Person.prototype)).not.toContain('personSet');
  });

  test('an asymmetrical M2M to self: following / followers', () => {
    const a = Person.objects.create({ name: 'a' });
    const b = Person.objects.create({ name: 'b' });
    a.following.add(b);
    expect(a.following.eval().map((p) => p.name)).toEqual(['b']);
    expect(b.following.count()).toBe(0);
    expect(b.followers.eval().map((p) => p.name)).toEqual(['a']);
    expect(a.followers.count()).toBe(0);
  });

  test('a tree through a FK to self', () => {
    const root = Category.objects.create({ name: 'root' });
    const child = Category.objects.create({ name: 'child', parent: root });
    Category.objects.create({ name: 'leaf', parent: child });
    expect(root.children.eval().map((c) => c.name)).toEqual(['child']);
    expect(Category.objects.get({ name: 'leaf' }).parent?.parent?.name).toBe('root');
  });
});
