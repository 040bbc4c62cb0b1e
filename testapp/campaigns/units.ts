/**
 * Fault injection for the campaigns, as units of work the pool workers import (this module is listed in
 * configure({ models })): units that kill the thread running them, on the writer lane or on a reader.
 * Each first appends its call id to a log file, so a campaign can count how often a call really ran
 * (a crashed call must never be run again).
 */
import { appendFileSync } from 'node:fs';
import { syncToAsync } from '../../src';
import { Box } from '../models';

function logRun(log: string, id: string): void {
  appendFileSync(log, `${id}\n`);
}

/** Ends the writer thread while it holds its batch: the batch's calls must reject WorkerCrashed, none committed. */
export const crashWriter = syncToAsync(function crashWriter(log: string, id: string): never {
  logRun(log, id);
  process.exit(1);
});

/** The same on a reader. */
export const crashReader = syncToAsync(
  function crashReader(log: string, id: string): never {
    logRun(log, id);
    process.exit(1);
  },
  { readOnly: true },
);

/** Inserts a box named `id`, then ends the thread: the row was written inside the open batch and must not survive. */
export const writeThenCrash = syncToAsync(function writeThenCrash(log: string, id: string): never {
  logRun(log, id);
  Box.objects.create({ name: id });
  process.exit(1);
});
