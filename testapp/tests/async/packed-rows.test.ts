/**
 * Rows cross threads packed (codec.packRows): numbers in a Float64Array, text joined into one string, other
 * values on their own. After a real structured clone, unpacking gives back every cell as the driver returned
 * it, in order, for every kind of cell and for empty results.
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { packRows, unpackRows, type PackedRows } from '../../../src/async/codec';

/** What the receiving thread gets: the packed rows after a structured clone, as a MessagePort delivers them. */
function acrossThreads(rows: unknown[][]): unknown[] {
  const { port1, port2 } = new MessageChannel();
  try {
    port1.postMessage(packRows(rows));
    return unpackRows(receiveMessageOnPort(port2)!.message as PackedRows);
  } finally {
    port1.close();
  }
}

function flat(rows: unknown[][]): unknown[] {
  return [rows[0]?.length ?? 0, ...rows.flat()];
}

test('every kind of cell comes back as it was, in order', () => {
  const rows = [
    [1, 'Margherita', null, 2.5, 9007199254740993n],
    [-0.25, '', 'zürich ☃ 🍕', null, Buffer.from([0, 1, 255])],
    [Number.MAX_SAFE_INTEGER, 'a'.repeat(5000), 0, -7, null],
  ];
  const unpacked = acrossThreads(rows);
  expect(unpacked).toHaveLength(1 + 15);
  expect(unpacked.slice(0, 5)).toEqual([5, 1, 'Margherita', null, 2.5]);
  expect(unpacked[5]).toBe(9007199254740993n);
  expect(unpacked.slice(6, 10)).toEqual([-0.25, '', 'zürich ☃ 🍕', null]);
  expect(Buffer.from(unpacked[10] as Uint8Array)).toEqual(Buffer.from([0, 1, 255]));
  expect(unpacked.slice(11)).toEqual([Number.MAX_SAFE_INTEGER, 'a'.repeat(5000), 0, -7, null]);
});

test('rows of only numbers, only text or only nulls', () => {
  for (const rows of [
    [[1, 2], [3, 4]],
    [['x', 'y'], ['', 'z']],
    [[null, null], [null, null]],
  ]) {
    expect(acrossThreads(rows)).toEqual(flat(rows));
  }
});

test('no rows, and rows of one column', () => {
  expect(acrossThreads([])).toEqual([0]);
  const column = Array.from({ length: 1000 }, (_, index) => [index % 3 ? `name ${index}` : index]);
  expect(acrossThreads(column)).toEqual(flat(column));
});
