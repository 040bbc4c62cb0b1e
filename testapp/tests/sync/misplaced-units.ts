/** A unit defined at module level but inside a class initializer: importing this module must throw. */
import { syncToAsync } from '../../../src';

export class Units {
  static readonly count: () => Promise<number> = syncToAsync(() => 1);
}
