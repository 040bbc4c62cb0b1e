// CommonJS entry (plain node, --enable-source-maps, ts-node): models next to this file, .js or .ts alike.
import { tour } from './app';

tour(require.resolve('./models'), require.resolve('./units')).then(
  (checks) => console.log(`tour: ${checks} checks passed`),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
