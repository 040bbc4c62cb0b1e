import { atomic, syncToAsync } from 'threadorm';
import { Book, Shelf } from './models.mjs';

export const shelve = syncToAsync((title, shelfName) =>
  atomic(() => {
    const [shelf] = Shelf.objects.getOrCreate({ name: shelfName });
    return { shelf, moved: Book.objects.filter({ title }).update({ shelf }) };
  }));
