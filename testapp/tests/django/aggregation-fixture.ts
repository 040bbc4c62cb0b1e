/** The authors, publishers and books of Django's tests/aggregation and tests/aggregation_regress set-ups. */
import { AggAuthor, AggBook, Publisher } from '../../semantics';

export interface AggregationFixture {
  authors: AggAuthor[];
  publishers: Publisher[];
  books: AggBook[];
}

export function createAggregationFixture(): AggregationFixture {
  const authors = (
    [
      ['Adrian Holovaty', 34],
      ['Jacob Kaplan-Moss', 35],
      ['Brad Dayley', 45],
      ['James Bennett', 29],
      ['Jeffrey Forcier', 37],
      ['Paul Bissex', 29],
      ['Wesley J. Chun', 25],
      ['Peter Norvig', 57],
      ['Stuart Russell', 46],
    ] as const
  ).map(([name, age]) => AggAuthor.objects.create({ name, age }));
  const [a1, a2, a3, a4, a5, a6, a7, a8, a9] = authors as [AggAuthor, AggAuthor, AggAuthor, AggAuthor, AggAuthor, AggAuthor, AggAuthor, AggAuthor, AggAuthor];
  a1.friends.add(a2, a4);
  a2.friends.add(a1, a7);
  a4.friends.add(a1);
  a5.friends.add(a6, a7);
  a6.friends.add(a5, a7);
  a7.friends.add(a2, a5, a6);
  a8.friends.add(a9);
  a9.friends.add(a8);

  const publishers = (
    [
      ['Apress', 3],
      ['Sams', 1],
      ['Prentice Hall', 7],
      ['Morgan Kaufmann', 9],
      ["Jonno's House of Books", 0],
    ] as const
  ).map(([name, numAwards]) => Publisher.objects.create({ name, numAwards }));
  const [p1, p2, p3, p4] = publishers as [Publisher, Publisher, Publisher, Publisher];

  const book = (isbn: string, name: string, pages: number, rating: number, price: string, contact: AggAuthor, publisher: Publisher, pubdate: string, bookAuthors: AggAuthor[]) => {
    const created = AggBook.objects.create({ isbn, name, pages, rating, price, contact, publisher, pubdate });
    created.authors.add(...bookAuthors);
    return created;
  };
  const books = [
    book('159059725', 'The Definitive Guide to Django: Web Development Done Right', 447, 4.5, '30.00', a1, p1, '2007-12-06', [a1, a2]),
    book('067232959', 'Sams Teach Yourself Django in 24 Hours', 528, 3.0, '23.09', a3, p2, '2008-03-03', [a3]),
    book('159059996', 'Practical Django Projects', 300, 4.0, '29.69', a4, p1, '2008-06-23', [a4]),
    book('013235613', 'Python Web Development with Django', 350, 4.0, '29.69', a5, p3, '2008-11-03', [a5, a6, a7]),
    book('013790395', 'Artificial Intelligence: A Modern Approach', 1132, 4.0, '82.80', a8, p3, '1995-01-15', [a8, a9]),
    book('155860191', 'Paradigms of Artificial Intelligence Programming: Case Studies in Common Lisp', 946, 5.0, '75.00', a8, p4, '1991-10-15', [a8]),
  ];
  return { authors, publishers, books };
}
