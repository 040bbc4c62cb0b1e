// Made by `threadorm makemigrations`. Review it like code; `threadorm migrate` applies it.
import {
  AutoField,
  BooleanField,
  CASCADE,
  CharField,
  DateTimeField,
  DecimalField,
  ForeignKey,
  IntegerField,
  ManyToManyField,
  OneToOneField,
  SET_NULL,
  TextField,
} from 'threadorm';
import { byLabel, CreateModel, Migration } from 'threadorm/migrations';

export default new Migration({
  initial: true,
  dependencies: [],
  operations: [
    new CreateModel({
      name: 'Box',
      fields: {
        id: new AutoField(),
        name: new CharField({ maxLength: 50 }),
      },
    }),
    new CreateModel({
      name: 'Price',
      fields: {
        id: new AutoField(),
        amount: new DecimalField({ maxDigits: 10, decimalPlaces: 2 }),
        currency: new CharField({ maxLength: 16, default: 'usd' }),
      },
    }),
    new CreateModel({
      name: 'Question',
      fields: {
        id: new AutoField(),
        questionText: new CharField({ maxLength: 200 }),
        pubDate: new DateTimeField(),
        details: new TextField(),
      },
      options: { ordering: ['-pubDate'], getLatestBy: 'pubDate' },
    }),
    new CreateModel({
      name: 'Choice',
      fields: {
        id: new AutoField(),
        question: new ForeignKey(byLabel('Question'), { onDelete: CASCADE }),
        choiceText: new CharField({ maxLength: 200 }),
        votes: new IntegerField({ default: 0 }),
      },
      options: { ordering: ['id'] },
    }),
    new CreateModel({
      name: 'Topping',
      fields: {
        id: new AutoField(),
        name: new CharField({ maxLength: 30, unique: true }),
        vegetarian: new BooleanField({ default: true }),
      },
      options: { ordering: ['name'] },
    }),
    new CreateModel({
      name: 'Pizza',
      fields: {
        id: new AutoField(),
        name: new CharField({ maxLength: 50 }),
        toppings: new ManyToManyField(byLabel('Topping')),
        box: new ForeignKey(byLabel('Box'), { onDelete: SET_NULL, null: true }),
        price: new OneToOneField(byLabel('Price'), { onDelete: CASCADE }),
      },
      options: { ordering: ['name'] },
    }),
  ],
});
