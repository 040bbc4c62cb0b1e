import type { BaseOperations } from '../db/backends/base/operations';
import { configuredBackend } from '../db/connections';

/**
 * The operations statements are compiled for: those of the backend that sync calls made on this thread use
 * (the configured database's; the default backend's before configure()).
 */
export function currentOperations(): BaseOperations {
  return configuredBackend().operations;
}

/** The time zone statements compiled here take datetimes' parts in (configure({ timeZone })). */
export { currentTimeZone } from '../db/connections';
