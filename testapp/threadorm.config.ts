/**
 * The example app's configuration for the threadorm command line, run in testapp/ (`node ../bin/threadorm
 * makemigrations`, `migrate`, ...): the models of models.ts, their migrations in testapp/migrations, the
 * server's database file.
 */
export default {
  database: process.env.PIZZERIA_DB ?? 'data/pizzeria.sqlite3',
  models: ['./models.ts'],
  migrations: 'migrations',
};
