// A unit of work that runs in a pool worker: several sync queries in one transaction, one thread hop.
import { atomic, syncToAsync } from 'threadorm';
import { Box, Pizza } from './models';

export const moveToBox = syncToAsync((pizzaName: string, boxName: string) =>
  atomic(() => {
    const [box] = Box.objects.getOrCreate({ name: boxName });
    const moved = Pizza.objects.filter({ name: pizzaName }).update({ box });
    return { box, moved };
  }));
