import { readFileSync } from 'node:fs';
import { README, TOUR_TYPETEST, tourBlocks, tourSource } from './tour';

describe('the README tour', () => {
  test('tour.typetest.ts is made from the current README (so `npm run typecheck` compiles the tour as written)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(tourBlocks(readme).length).toBeGreaterThan(5);
    expect(readFileSync(TOUR_TYPETEST, 'utf8')).toBe(tourSource(readme));
  });
});
