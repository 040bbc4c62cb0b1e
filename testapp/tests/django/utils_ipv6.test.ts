/**
 * Ports of Django's tests/utils_tests/test_ipv6.py: the IPv6 rules GenericIPAddressField normalises with.
 *
 * Not ported: test_validates_correct_with_ipv6_instance, test_validates_incorrect_with_non_string (Python
 * objects; the helpers take strings, and the field turns other values away before calling them).
 */
import { cleanIPv6Address, isValidIPv4Address, isValidIPv6Address, MAX_IPV6_ADDRESS_LENGTH } from '../../../src/models/fields/ip-address';

describe('utils_tests.test_ipv6.TestUtilsIPv6', () => {
  test('utils_tests.test_ipv6.TestUtilsIPv6.test_validates_correct_plain_address', () => {
    for (const address of ['fe80::223:6cff:fe8a:2e8a', '2a02::223:6cff:fe8a:2e8a', '1::2:3:4:5:6:7', '::', '::a', '2::']) {
      expect([address, isValidIPv6Address(address)]).toEqual([address, true]);
    }
  });

  test('utils_tests.test_ipv6.TestUtilsIPv6.test_validates_correct_with_v4mapping', () => {
    expect(isValidIPv6Address('::ffff:254.42.16.14')).toBe(true);
    expect(isValidIPv6Address('::ffff:0a0a:0a0a')).toBe(true);
  });

  test('utils_tests.test_ipv6.TestUtilsIPv6.test_validates_incorrect_plain_address', () => {
    for (const address of [
      'foo',
      '127.0.0.1',
      '12345::',
      '1::2:3::4',
      '1::zzz',
      '1::2:3:4:5:6:7:8',
      '1:2',
      '1:::2',
      'fe80::223: 6cff:fe8a:2e8a',
      '2a02::223:6cff :fe8a:2e8a',
    ]) {
      expect([address, isValidIPv6Address(address)]).toEqual([address, false]);
    }
  });

  test('utils_tests.test_ipv6.TestUtilsIPv6.test_validates_incorrect_with_v4mapping', () => {
    expect(isValidIPv6Address('::ffff:999.42.16.14')).toBe(false);
    expect(isValidIPv6Address('::ffff:zzzz:0a0a')).toBe(false);
    // The ::1.2.3.4 format used to be valid but was deprecated in RFC 4291 section 2.5.5.1.
    expect(isValidIPv6Address('::254.42.16.14')).toBe(true);
    expect(isValidIPv6Address('::0a0a:0a0a')).toBe(true);
    expect(isValidIPv6Address('::999.42.16.14')).toBe(false);
    expect(isValidIPv6Address('::zzzz:0a0a')).toBe(false);
  });

  test('utils_tests.test_ipv6.TestUtilsIPv6.test_cleans_plain_address', () => {
    expect(cleanIPv6Address('DEAD::0:BEEF')).toBe('dead::beef');
    expect(cleanIPv6Address('2001:000:a:0000:0:fe:fe:beef')).toBe('2001:0:a::fe:fe:beef');
    expect(cleanIPv6Address('2001::a:0000:0:fe:fe:beef')).toBe('2001:0:a::fe:fe:beef');
  });

  test('utils_tests.test_ipv6.TestUtilsIPv6.test_cleans_with_v4_mapping', () => {
    expect(cleanIPv6Address('::ffff:0a0a:0a0a')).toBe('::ffff:10.10.10.10');
    expect(cleanIPv6Address('::ffff:1234:1234')).toBe('::ffff:18.52.18.52');
    expect(cleanIPv6Address('::ffff:18.52.18.52')).toBe('::ffff:18.52.18.52');
    expect(cleanIPv6Address('::ffff:0.52.18.52')).toBe('::ffff:0.52.18.52');
    expect(cleanIPv6Address('::ffff:0.0.0.0')).toBe('::ffff:0.0.0.0');
  });

  test('utils_tests.test_ipv6.TestUtilsIPv6.test_unpacks_ipv4', () => {
    expect(cleanIPv6Address('::ffff:0a0a:0a0a', true)).toBe('10.10.10.10');
    expect(cleanIPv6Address('::ffff:1234:1234', true)).toBe('18.52.18.52');
    expect(cleanIPv6Address('::ffff:18.52.18.52', true)).toBe('18.52.18.52');
  });

  test('utils_tests.test_ipv6.TestUtilsIPv6.test_address_too_long', () => {
    for (const address of [
      '0000:0000:0000:0000:0000:ffff:192.168.100.228', // IPv4-mapped IPv6 address
      '0000:0000:0000:0000:0000:ffff:192.168.100.228%123456', // % scope/zone
      'fe80::223:6cff:fe8a:2e8a:1234:5678:00000', // MAX_IPV6_ADDRESS_LENGTH + 1
    ]) {
      expect(address.length).toBeGreaterThan(MAX_IPV6_ADDRESS_LENGTH);
      expect(isValidIPv6Address(address)).toBe(false);
      expect(cleanIPv6Address(address)).toBeNull();
    }
  });

  test('RFC 5952: the longest run of two or more zero groups becomes ::, the leftmost of equal runs', () => {
    expect(cleanIPv6Address('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(cleanIPv6Address('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(cleanIPv6Address('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(cleanIPv6Address('1:0:0:0:0:0:0:0')).toBe('1::');
    expect(cleanIPv6Address('0:0:0:0:0:0:0:0')).toBe('::');
    expect(cleanIPv6Address('fe80::1%eth0')).toBe('fe80::1%eth0');
  });

  test('IPv4: four decimal octets of at most 255, no leading zeros (Python 3.9.5+ and Django)', () => {
    expect(isValidIPv4Address('1.2.3.4')).toBe(true);
    expect(isValidIPv4Address('255.255.255.255')).toBe(true);
    for (const address of ['294.4.2.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.-4', '1.2.3.4 ', 'a.b.c.d', '']) {
      expect([address, isValidIPv4Address(address)]).toEqual([address, false]);
    }
  });
});
