/**
 * Model signals with the async API: asave(), adelete(), aobjects writes and async related managers run the sync
 * core in a pool worker, so the receivers that run are the worker's, those connected when it imported the models
 * module (testapp/parity.ts: the Invoice audit). They run inside the write's transaction there; the main thread
 * sees their effects once the call resolves, and receivers connected on the main thread only see nothing.
 */
import { aatomic, postSave, ValidationError } from '../../../src';
import { AuditEntry, Invoice, Part } from '../../parity';
import { emptyTables, useParityDatabase } from '../django/setup';
import { rejection } from './helpers';

jest.setTimeout(60_000);

useParityDatabase();
beforeEach(() => emptyTables());

const audit = () => AuditEntry.objects.orderBy('id').valuesList('action', 'number').eval();

describe('receivers run in the thread that runs the operation', () => {
  test('asave(): the receiver connected in the models module writes its audit row in the worker', async () => {
    const invoice = new Invoice({ number: 'A-1', total: 10 });
    await invoice.asave();
    expect(typeof invoice.pk).toBe('number');
    expect(audit()).toEqual([['created', 'A-1']]);
    invoice.total = 12;
    await invoice.asave();
    expect(await AuditEntry.aobjects.orderBy('id').valuesList('action', { flat: true })).toEqual(['created', 'updated']);
  });

  test('the audit row is written in the same transaction: a receiver error after it rolls both back', async () => {
    const broken = new Invoice({ number: 'BROKEN' });
    const error = await rejection(broken.asave());
    expect(error.message).toBe('The audit of invoice BROKEN failed after writing.');
    expect(broken.pk).toBeNull();
    expect(Invoice.objects.count()).toBe(0);
    expect(audit()).toEqual([]);
  });

  test('a preSave receiver refusing the save rejects asave() with its error class, and nothing is written', async () => {
    const error = await rejection(Invoice.aobjects.create({ number: 'REFUSED' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors).toEqual({ number: ['This invoice number is refused.'] });
    expect(await Invoice.aobjects.count()).toBe(0);
    expect(audit()).toEqual([]);
  });

  test('what a preSave receiver changes in the worker comes back with the instance', async () => {
    const invoice = new Invoice({ number: 'A-2', total: -5 });
    await invoice.asave();
    expect(invoice.total).toBe(0);
    expect(Invoice.objects.get({ pk: invoice.pk }).total).toBe(0);
  });

  test('a receiver connected on the main thread only sees the saves that run on the main thread', async () => {
    const seen: string[] = [];
    const onMainThread = ({ instance }: { instance: Invoice }) => void seen.push(instance.number);
    postSave.connect(onMainThread, { sender: Invoice });
    try {
      await new Invoice({ number: 'async' }).asave();
      await Invoice.aobjects.create({ number: 'aobjects' });
      Invoice.objects.create({ number: 'sync' });
      expect(seen).toEqual(['sync']);
      // The module-level receiver is connected in both threads: all three were audited.
      expect(audit().map(([, number]) => number)).toEqual(['async', 'aobjects', 'sync']);
    } finally {
      postSave.disconnect(onMainThread, { sender: Invoice });
    }
  });

  test('adelete() and aobjects delete() send postDelete per object in the worker', async () => {
    const [first, second, third] = await Promise.all(['D-1', 'D-2', 'D-3'].map((number) => Invoice.aobjects.create({ number })));
    await first!.adelete();
    await Invoice.aobjects.filter({ pk__in: [second!.pk, third!.pk] }).delete();
    expect(audit().filter(([action]) => action === 'deleted').map(([, number]) => number).sort()).toEqual(['D-1', 'D-2', 'D-3']);
  });

  test('inside aatomic(), receiver writes belong to the block and roll back with it', async () => {
    const failure = await rejection(
      aatomic(async () => {
        await Invoice.aobjects.create({ number: 'in-block' });
        throw new Error('abandon the block');
      }),
    );
    expect(failure.message).toBe('abandon the block');
    expect(await Invoice.aobjects.count()).toBe(0);
    expect(audit()).toEqual([]);
  });

  test('m2mChanged from async related managers runs in the worker, on both sides', async () => {
    const invoice = await Invoice.aobjects.create({ number: 'M-1' });
    const [wheel, door] = await Promise.all(['wheel', 'door'].map((name) => Part.aobjects.create({ name })));
    await invoice.a.parts.add(wheel!, door!);
    const other = await Invoice.aobjects.create({ number: 'M-2' });
    await wheel!.a.invoices.add(other);
    const links = audit().filter(([action]) => action !== 'created');
    expect(links).toEqual([
      ['partsAdded', [wheel!.pk, door!.pk].sort().join(',')],
      ['invoicesAdded', String(other.pk)],
    ]);
  });

  test('bulkCreate() and update() send no save signals, sync or async (as Django)', async () => {
    await Invoice.aobjects.bulkCreate([new Invoice({ number: 'B-1' }), new Invoice({ number: 'B-2' })]);
    Invoice.objects.bulkCreate([new Invoice({ number: 'B-3' })]);
    await Invoice.aobjects.filter({ number: 'B-1' }).update({ total: 3 });
    Invoice.objects.filter({ number: 'B-2' }).update({ total: 4 });
    expect(await Invoice.aobjects.count()).toBe(3);
    expect(audit()).toEqual([]);
  });
});
