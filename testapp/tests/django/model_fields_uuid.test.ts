/** Port of cases of Django's tests/model_fields/test_uuid.py (TestSaveLoad). */
import { ValidationError } from '../../../src';
import { UUIDModel } from '../../semantics';
import { emptyTables } from './setup';
import { useSemanticsDatabase } from './semantics-setup';

useSemanticsDatabase();
beforeEach(() => emptyTables());

describe('model_fields.test_uuid.TestSaveLoad', () => {
  test('model_fields.test_uuid.TestSaveLoad.test_str_instance_hyphens', () => {
    UUIDModel.objects.create({ field: '550e8400-e29b-41d4-a716-446655440000' });
    expect(UUIDModel.objects.get().field).toBe('550e8400-e29b-41d4-a716-446655440000');
  });

  test('model_fields.test_uuid.TestSaveLoad.test_str_instance_bad_hyphens', () => {
    UUIDModel.objects.create({ field: '550e84-00-e29b-41d4-a716-4-466-55440000' });
    expect(UUIDModel.objects.get().field).toBe('550e8400-e29b-41d4-a716-446655440000');
    // As Python's uuid.UUID(), braces and a urn:uuid: prefix are accepted too.
    expect(UUIDModel.objects.filter({ field: '{550E8400-E29B-41D4-A716-446655440000}' }).count()).toBe(1);
    expect(UUIDModel.objects.filter({ field: 'urn:uuid:550e8400e29b41d4a716446655440000' }).count()).toBe(1);
  });

  test('model_fields.test_uuid.TestSaveLoad.test_wrong_value', () => {
    expect(() => UUIDModel.objects.get({ field: 'not-a-uuid' })).toThrow(ValidationError);
    expect(() => UUIDModel.objects.create({ field: '550e8400-e29b-41d4-a716-44665544000' })).toThrow(/is not a valid UUID/);
  });
});
