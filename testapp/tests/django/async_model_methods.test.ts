/** Ports of Django's tests/async/test_async_model_methods.py (AsyncModelOperationTest). */
import { Book } from '../../async-ports';
import { useAsyncPortsDatabase } from './async-ports-setup';
import { emptyTables } from './setup';

useAsyncPortsDatabase();

beforeEach(() => {
  emptyTables();
  Book.objects.create({ title: 'David Copperfield' });
  Book.objects.create({ title: 'The Great Gatsby' });
});

// async.test_async_model_methods.AsyncModelOperationTest.test_asave
test('asave', async () => {
  const book = await Book.objects.aget({ title: 'David Copperfield' });
  book.pages = 10;
  await book.asave();
  const getBook = await Book.aobjects.get({ title: 'David Copperfield' });
  expect(getBook.pages).toBe(book.pages);
});

// async.test_async_model_methods.AsyncModelOperationTest.test_adelete
test('adelete', async () => {
  const book = await Book.objects.aget({ title: 'The Great Gatsby' });
  expect(await book.adelete()).toEqual([1, { Book: 1 }]);
  expect(await Book.objects.acount()).toBe(1);
  expect(book.pk).toBeNull();
});

// async.test_async_model_methods.AsyncModelOperationTest.test_arefresh_from_db
test('arefreshFromDb', async () => {
  const book = await Book.objects.aget({ title: 'The Great Gatsby' });
  await Book.objects.filter({ pk: book.pk }).aupdate({ pages: 20 });
  await book.arefreshFromDb();
  expect(book.pages).toBe(20);
});
