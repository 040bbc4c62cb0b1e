import type BetterSqlite3 from 'better-sqlite3';

/**
 * Test data for the example app (testapp/models.ts), written with raw SQL because seeding is not what
 * is measured. threadorm creates the tables (createSchema); the column names here are its defaults.
 */

export interface PizzeriaSize {
  pizzas: number;
  /** Pizza i goes in box (i % boxes) + 1, except every 50th pizza, which has no box. */
  boxes: number;
  toppings: number;
  toppingsPerPizza: number;
}

/** 10,000 pizzas in 10 boxes: `filter({ box })` returns about 1,000 pizzas, as does `filter({ id__lte: 1000 })`. */
export const PIZZERIA: PizzeriaSize = { pizzas: 10_000, boxes: 10, toppings: 20, toppingsPerPizza: 3 };

export function seedPizzeria(db: BetterSqlite3.Database, size: PizzeriaSize = PIZZERIA): void {
  const box = db.prepare('INSERT INTO box (name) VALUES (?)');
  const topping = db.prepare('INSERT INTO topping (name, vegetarian) VALUES (?, ?)');
  const price = db.prepare("INSERT INTO price (amount, currency) VALUES (?, 'usd')");
  const pizza = db.prepare('INSERT INTO pizza (name, box_id, price_id) VALUES (?, ?, ?)');
  const pizzaTopping = db.prepare('INSERT INTO pizza_toppings (pizza_id, topping_id) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= size.boxes; i++) box.run(`box ${i}`);
    for (let i = 1; i <= size.toppings; i++) topping.run(`topping ${i}`, i % 3 ? 1 : 0);
    for (let i = 1; i <= size.pizzas; i++) {
      const priceId = price.run(`${(5 + (i % 20) / 2).toFixed(2)}`).lastInsertRowid;
      const pizzaId = pizza.run(pizzaName(i), i % 50 ? (i % size.boxes) + 1 : null, priceId).lastInsertRowid;
      // Toppings 7 apart: distinct for any toppingsPerPizza up to `toppings` when gcd(7, toppings) = 1.
      for (let k = 0; k < size.toppingsPerPizza; k++) pizzaTopping.run(pizzaId, ((i + 7 * k) % size.toppings) + 1);
    }
  })();
}

/** Names in an order unrelated to ids, so `ORDER BY name` (Pizza's default ordering) really sorts. */
function pizzaName(i: number): string {
  return `pizza ${String((i * 7919) % 100_003).padStart(6, '0')}`;
}

/** `count` boxes, for streaming a large table. */
export function seedBoxes(db: BetterSqlite3.Database, count: number): void {
  const insert = db.prepare('INSERT INTO box (name) VALUES (?)');
  db.transaction(() => {
    for (let i = 1; i <= count; i++) insert.run(`box ${i}`);
  })();
}
