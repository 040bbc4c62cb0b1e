/**
 * Ports of Django's tests/model_fields/test_genericipaddressfield.py.
 *
 * Not ported:
 * - test_genericipaddressfield_formfield_protocol: no forms (the protocol check itself is in validation.test.ts).
 * - test_save_load_ipaddress, test_get_prep_value_ipaddress: Python's ipaddress objects; addresses are strings here.
 */
import { GenericIPAddressField } from '../../../src';
import { getConnection } from '../../../src/db/connections';
import { GenericIPAddress } from '../../parity';
import { emptyTables, useParityDatabase } from './setup';
import { sqliteOnlyTest } from '../test-database';

useParityDatabase();
beforeEach(() => emptyTables());

describe('model_fields.test_genericipaddressfield.GenericIPAddressFieldTests', () => {
  test('model_fields.test_genericipaddressfield.GenericIPAddressFieldTests.test_null_value', () => {
    GenericIPAddress.objects.create();
    expect(GenericIPAddress.objects.get().ip).toBeNull();
  });

  test('model_fields.test_genericipaddressfield.GenericIPAddressFieldTests.test_blank_string_saved_as_null', () => {
    const o = GenericIPAddress.objects.create({ ip: '' });
    o.refreshFromDb();
    expect(o.ip).toBeNull();
    GenericIPAddress.objects.update({ ip: '' });
    o.refreshFromDb();
    expect(o.ip).toBeNull();
    expect(GenericIPAddress.objects.filter({ ip__isnull: true }).count()).toBe(1);
  });

  test('model_fields.test_genericipaddressfield.GenericIPAddressFieldTests.test_save_load', () => {
    // The field's protocol is IPv4, which only fullClean() holds it to: saving takes any address.
    const instance = GenericIPAddress.objects.create({ ip: '::1' });
    expect(GenericIPAddress.objects.get().ip).toBe(instance.ip);
  });

  test('IPv6 addresses are stored normalised, and filters match any spelling of them', () => {
    const field = new GenericIPAddressField({ null: true });
    expect(field.toValue(' DEAD::0:BEEF ')).toBe('dead::beef');
    const instance = GenericIPAddress.objects.create({ ip: '0:0:0:0:0:0:0:1' });
    expect(instance.ip).toBe('::1');
    expect(GenericIPAddress.objects.filter({ ip: '::0001' }).count()).toBe(1);
    expect(GenericIPAddress.objects.filter({ ip__in: ['0::1', '1.2.3.4'] }).count()).toBe(1);
  });

  test('saving refuses what is no IP address at all, naming the model and field', () => {
    expect(() => GenericIPAddress.objects.create({ ip: '294.4.2.1' })).toThrow('GenericIPAddress: ip: Enter a valid IPv4 address.');
    expect(() => GenericIPAddress.objects.create({ ip: {} as never })).toThrow('GenericIPAddress: ip: a plain object is not an IP address; give it as a string.');
    expect(() => GenericIPAddress.objects.create({ ip: new Date(0) as never })).toThrow('ip: a Date instance is not an IP address');
    expect(GenericIPAddress.objects.count()).toBe(0);
  });

  sqliteOnlyTest('the column is char(39), as Django declares it on SQLite (PostgreSQL declares inet)', () => {
    const columns = getConnection('test').selectRows("SELECT name, type FROM pragma_table_info('generic_ip_address') WHERE name = 'ip'", []);
    expect(columns).toEqual([['ip', 'char(39)']]);
  });

  test("the field's options are checked as Django's system checks do", () => {
    expect(() => new GenericIPAddressField({ protocol: 'ipv5' as never })).toThrow("GenericIPAddressField: the protocol 'ipv5' is unknown; use 'both', 'IPv4' or 'IPv6'.");
    expect(() => new GenericIPAddressField({ protocol: 'IPv4', unpackIpv4: true })).toThrow("unpackIpv4 can only be used with protocol 'both'");
    expect(() => new GenericIPAddressField({ blank: true })).toThrow('GenericIPAddressField cannot have blank: true without null: true');
    expect(new GenericIPAddressField({ protocol: 'ipv6' as never }).protocol).toBe('ipv6');
  });
});
