import { BaseOperations } from '../base/operations';

export class SqliteOperations extends BaseOperations {
  placeholder(_index: number): string {
    return '?';
  }
}

export const sqliteOperations = new SqliteOperations();
