/**
 * How long `migrate` takes to rebuild a 100 000-row table (an AlterField SQLite cannot ALTER), with another
 * 100 000-row table pointing at it. Not a test (timings depend on the machine); run it by hand:
 *
 *   npx ts-node --transpile-only testapp/tests/migrations/rebuild-timing.ts
 */
import { close, configure, migrate } from '../../../src';
import { ScratchProject } from './helpers';

const ROWS = 100_000;

function main(): void {
  const project = new ScratchProject('threadorm-rebuild-timing-');
  try {
    configure({ database: project.database, models: [] });
    project.write(
      '0001_initial',
      `operations: [
        new CreateModel({ name: 'Pizza', fields: { id: new AutoField(), name: new CharField({ maxLength: 50 }), size: new IntegerField({ null: true }) } }),
        new CreateModel({ name: 'Slice', fields: { id: new AutoField(), pizza: new ForeignKey(byLabel('Pizza'), { onDelete: CASCADE }) } }),
      ]`,
    );
    migrate({ migrations: project.migrations });
    project.run(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
      INSERT INTO pizza (id, name, size) SELECT i, 'pizza number ' || i, i % 7 FROM n;
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
      INSERT INTO slice (id, pizza_id) SELECT i, i FROM n;
    `);
    project.close();
    const steps: Array<[string, string]> = [
      ['null to non-null (rebuild, every row copied)', `new AlterField({ modelName: 'Pizza', name: 'size', field: new IntegerField({ default: 0 }) })`],
      ['maxLength 50 to 40 (rebuild, every value checked)', `new AlterField({ modelName: 'Pizza', name: 'name', field: new CharField({ maxLength: 40 }) })`],
      ['integer to text (rebuild, every value converted)', `new AlterField({ modelName: 'Pizza', name: 'size', field: new CharField({ maxLength: 3, default: '0' }) })`],
      ['RenameField (ALTER TABLE RENAME COLUMN)', `new RenameField({ modelName: 'Pizza', oldName: 'name', newName: 'title' })`],
    ];
    let previous = '0001_initial';
    steps.forEach(([label, operation], index) => {
      const name = `000${index + 2}_step`;
      project.write(name, `dependencies: ['${previous}'], operations: [${operation}]`);
      previous = name;
      const started = performance.now();
      migrate({ migrations: project.migrations });
      const elapsed = performance.now() - started;
      const counts = project.all('SELECT (SELECT count(*) FROM pizza) AS pizzas, (SELECT count(*) FROM slice) AS slices')[0];
      project.close();
      console.log(`${label}: ${Math.round(elapsed)} ms (${JSON.stringify(counts)})`);
    });
  } finally {
    void close().then(() => project.remove());
  }
}

main();
