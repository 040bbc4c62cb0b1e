/** The ':memory:' database of the query-semantics ports: the models of testapp/semantics.ts. */
import { useParityDatabase } from './setup';

export const SEMANTICS_MODELS = [require.resolve('../../semantics')];

export function useSemanticsDatabase(): void {
  useParityDatabase({ models: SEMANTICS_MODELS });
}
