// ESM entry: an .mjs app importing the package (and the compiled tour) through CommonJS named exports.
import { fileURLToPath } from 'node:url';
import { configure, close, Model } from 'threadorm';
import { AsyncMixin } from 'threadorm/mixins';
import { tour } from './app.js';

if (typeof configure !== 'function' || typeof close !== 'function' || typeof AsyncMixin !== 'function' || !Model) {
  throw new Error('named ESM imports of threadorm are missing');
}
const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const checks = await tour(here('./models.js'), here('./units.js'));
console.log(`tour (ESM): ${checks} checks passed`);
