/**
 * Demo data for the example server: a pizzeria menu big enough for the toppings report to be slow on
 * purpose, and the polls of Django's tutorial. Plain sync ORM code; units.ts runs it in a pool worker.
 */
import { atomic } from '../src';
import { Box, Choice, Pizza, Price, Question, Topping } from './models';

export interface SeedOptions {
  /** Number of pizzas on the menu. The toppings report grows with its square: 600 take ~0.7 s. Default 600. */
  pizzas?: number;
  /**
   * Print what is being created, as it goes (`npm start` does on a first run). Printed from the
   * thread that seeds, a pool worker under the server, whose output Node forwards to the process's stdout.
   */
  progress?: boolean;
}

/** Pizzas per progress line. */
const PROGRESS_STEP = 100;

const TOPPINGS: Array<[name: string, vegetarian: boolean]> = [
  ['anchovies', false], ['artichoke', true], ['basil', true], ['black olives', true], ['capers', true],
  ['chili', true], ['chorizo', false], ['garlic', true], ['gorgonzola', true], ['ham', false],
  ['jalapeno', true], ['mozzarella', true], ['mushrooms', true], ['nduja', false], ['onion', true],
  ['oregano', true], ['parmesan', true], ['pepperoni', false], ['pineapple', true], ['prosciutto', false],
  ['ricotta', true], ['rocket', true], ['salami', false], ['spinach', true], ['sun-dried tomato', true],
  ['sweetcorn', true], ['tomato', true], ['tuna', false], ['zucchini', true], ['egg', true],
];

const CLASSICS = [
  'Margherita', 'Marinara', 'Diavola', 'Quattro Formaggi', 'Capricciosa', 'Hawaiian', 'Funghi',
  'Prosciutto e Funghi', 'Napoletana', 'Bianca', 'Vegetariana', 'Calzone', 'Quattro Stagioni', 'Tonno',
];

const BOXES = ['small', 'medium', 'large', 'family'];

const POLLS: Array<[question: string, choices: string[]]> = [
  ["What's new?", ['Not much', 'The sky', 'Just hacking again']],
  ['Best pizza topping?', ['Mozzarella', 'Pineapple', 'Nduja', 'Mushrooms']],
  ['Thin or thick crust?', ['Thin', 'Thick']],
];

/** A small deterministic generator, so every seeded database (and the report's cost) is the same. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Is there anything in the database yet? */
export function isEmpty(): boolean {
  return !Topping.objects.exists() && !Pizza.objects.exists() && !Question.objects.exists();
}

/** Fills an empty database in one transaction. */
export function seed(options: SeedOptions = {}): { toppings: number; pizzas: number; questions: number } {
  const pizzaCount = options.pizzas ?? 600;
  const next = random(42);
  const announce = options.progress ? (message: string) => console.log(`Seeding: ${message}`) : () => {};
  return atomic(() => {
    const toppings = Topping.objects.bulkCreate(TOPPINGS.map(([name, vegetarian]) => new Topping({ name, vegetarian })));
    const boxes = Box.objects.bulkCreate(BOXES.map((name) => new Box({ name })));
    const prices = Price.objects.bulkCreate(
      Array.from({ length: pizzaCount }, () => new Price({ amount: (6 + Math.floor(next() * 1400) / 100).toFixed(2) })),
    );
    announce(`${toppings.length} toppings, ${boxes.length} boxes, ${prices.length} prices`);
    const pizzas = Pizza.objects.bulkCreate(
      prices.map((price, i) => {
        const classic = CLASSICS[i % CLASSICS.length]!;
        const round = Math.floor(i / CLASSICS.length);
        const pizza = new Pizza({ name: round === 0 ? classic : `${classic} No. ${round + 1}`, price });
        if (i % 10 !== 9) pizza.box = boxes[Math.floor(next() * boxes.length)]!;
        return pizza;
      }),
    );
    for (const [index, pizza] of pizzas.entries()) {
      const count = 3 + Math.floor(next() * 4);
      const chosen = new Set<Topping>();
      while (chosen.size < count) chosen.add(toppings[Math.floor(next() * toppings.length)]!);
      pizza.toppings.add(...chosen);
      if ((index + 1) % PROGRESS_STEP === 0 || index + 1 === pizzas.length) announce(`pizzas with their toppings ${index + 1}/${pizzas.length}`);
    }
    for (const [index, [text, choices]] of POLLS.entries()) {
      const question = Question.objects.create({ questionText: text, pubDate: new Date(Date.UTC(2024, 0, 1 + index)) });
      for (const choiceText of choices) Choice.objects.create({ question, choiceText });
    }
    announce(`${POLLS.length} polls; committing`);
    return { toppings: toppings.length, pizzas: pizzas.length, questions: POLLS.length };
  });
}
