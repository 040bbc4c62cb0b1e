import { readSync } from 'node:fs';
import { MigrationError } from './errors';

/**
 * What makemigrations cannot know from the models alone (Django's MigrationQuestioner): whether a field or
 * model that disappeared while a similar one appeared was renamed, and which value existing rows get for a
 * new non-null field that has no default.
 */
export interface Questioner {
  askRenameModel(oldLabel: string, newLabel: string): boolean;
  askRenameField(model: string, oldName: string, newName: string, fieldType: string): boolean;
  /** A one-off value for the rows that exist, filled into a new non-null field without a default. */
  askNotNullAddition(model: string, field: string): unknown;
  /** A one-off value for rows that hold NULL in a field becoming non-null. */
  askNotNullAlteration(model: string, field: string): unknown;
}

/** Answers given up front (flags or options): `--rename`, `--no-rename`, `--default`. */
export interface Answers {
  /** `['Pizza.name=title', 'Box=Crate']`: a field (or model) renamed. */
  renames?: readonly string[];
  /** Every possible rename is a removal and an addition. */
  noRename?: boolean;
  /** One-off values by field: `{ 'Pizza.size': 1 }`. */
  defaults?: Readonly<Record<string, unknown>>;
}

export interface ParsedRenames {
  models: Map<string, string>;
  /** By model label: old field name → new field name. */
  fields: Map<string, Map<string, string>>;
}

export function parseRenames(renames: readonly string[] = []): ParsedRenames {
  const parsed: ParsedRenames = { models: new Map(), fields: new Map() };
  for (const rename of renames) {
    const match = /^([^.=\s]+)(?:\.([^.=\s]+))?=([^.=\s]+)$/.exec(rename);
    if (!match) {
      throw new MigrationError(`--rename ${rename}: write Model.oldField=newField for a field, or OldModel=NewModel for a model.`);
    }
    const [, model, field, target] = match as unknown as [string, string, string | undefined, string];
    if (field === undefined) parsed.models.set(model, target);
    else {
      if (!parsed.fields.has(model)) parsed.fields.set(model, new Map());
      parsed.fields.get(model)!.set(field, target);
    }
  }
  return parsed;
}

/** Answers from the flags first; what they leave open goes to `fallback`. */
export class AnsweringQuestioner implements Questioner {
  constructor(
    private readonly answers: Answers,
    private readonly fallback: Questioner,
  ) {}

  askRenameModel(oldLabel: string, newLabel: string): boolean {
    return this.answers.noRename ? false : this.fallback.askRenameModel(oldLabel, newLabel);
  }

  askRenameField(model: string, oldName: string, newName: string, fieldType: string): boolean {
    return this.answers.noRename ? false : this.fallback.askRenameField(model, oldName, newName, fieldType);
  }

  askNotNullAddition(model: string, field: string): unknown {
    const key = `${model}.${field}`;
    return this.answers.defaults && key in this.answers.defaults ? this.answers.defaults[key] : this.fallback.askNotNullAddition(model, field);
  }

  askNotNullAlteration(model: string, field: string): unknown {
    const key = `${model}.${field}`;
    return this.answers.defaults && key in this.answers.defaults ? this.answers.defaults[key] : this.fallback.askNotNullAlteration(model, field);
  }
}

/**
 * Without a terminal (CI, a pipe) nobody can answer: each question is noted with the flag that answers it, and
 * makemigrations fails with all of them once the models are compared, writing nothing.
 */
export class NonInteractiveQuestioner implements Questioner {
  readonly unanswered: string[] = [];

  askRenameModel(oldLabel: string, newLabel: string): boolean {
    this.unanswered.push(
      `Model ${oldLabel} is gone and ${newLabel} has the same fields: was it renamed? --rename ${oldLabel}=${newLabel} renames it ` +
        `(its table and rows stay); --no-rename deletes ${oldLabel} and creates ${newLabel}.`,
    );
    return false;
  }

  askRenameField(model: string, oldName: string, newName: string, fieldType: string): boolean {
    this.unanswered.push(
      `${model}.${oldName} is gone and ${model}.${newName} is new, both ${fieldType}: was it renamed? --rename ${model}.${oldName}=${newName} ` +
        `renames the column (rows keep their values); --no-rename drops ${oldName} and its data and adds ${newName}.`,
    );
    return false;
  }

  askNotNullAddition(model: string, field: string): unknown {
    this.unanswered.push(
      `${model}.${field} is a new non-null field without a default, and existing rows need a value: --default ${model}.${field}=VALUE ` +
        '(a JSON value, or text) fills them once; or give the field a default or null: true in the model.',
    );
    return null;
  }

  askNotNullAlteration(model: string, field: string): unknown {
    this.unanswered.push(
      `${model}.${field} becomes non-null without a default, and rows may hold NULL: --default ${model}.${field}=VALUE ` +
        '(a JSON value, or text) fills them once; or give the field a default in the model.',
    );
    return null;
  }

  /** Throws with every question asked, if any. */
  check(): void {
    if (!this.unanswered.length) return;
    throw new MigrationError(
      `makemigrations has questions only you can answer, and no terminal to ask them on (answer with flags, or run it in a terminal):\n` +
        this.unanswered.map((question) => `  - ${question}`).join('\n'),
    );
  }
}

/** For detecting changes without writing them (`--check`, the warning after migrate): no rename, a placeholder default. */
export class DetectingQuestioner implements Questioner {
  askRenameModel(): boolean {
    return false;
  }
  askRenameField(): boolean {
    return false;
  }
  askNotNullAddition(): unknown {
    return null;
  }
  askNotNullAlteration(): unknown {
    return null;
  }
}

/** Where an interactive questioner talks: a terminal by default. */
export interface Terminal {
  write(text: string): void;
  /** The next line typed, without its newline; null at end of input. */
  readLine(): string | null;
}

export const processTerminal: Terminal = {
  write: (text) => process.stdout.write(text),
  readLine: () => readLineSync(0),
};

/** Asks on a terminal, Django's InteractiveMigrationQuestioner. */
export class InteractiveQuestioner implements Questioner {
  constructor(private readonly terminal: Terminal = processTerminal) {}

  askRenameModel(oldLabel: string, newLabel: string): boolean {
    return this.yesNo(`Was the model ${oldLabel} renamed to ${newLabel}? [y/N] `);
  }

  askRenameField(model: string, oldName: string, newName: string, fieldType: string): boolean {
    return this.yesNo(`Was ${model}.${oldName} renamed to ${model}.${newName} (a ${fieldType})? [y/N] `);
  }

  askNotNullAddition(model: string, field: string): unknown {
    return this.oneOffDefault(`It is impossible to add the non-null field ${model}.${field} without a default: the existing rows need a value.`);
  }

  askNotNullAlteration(model: string, field: string): unknown {
    return this.oneOffDefault(`${model}.${field} becomes non-null without a default: rows that hold NULL need a value.`);
  }

  private yesNo(question: string): boolean {
    for (;;) {
      this.terminal.write(question);
      const answer = this.terminal.readLine();
      if (answer === null) throw new MigrationError('makemigrations: the input ended before the question was answered; nothing was written.');
      const normalised = answer.trim().toLowerCase();
      if (normalised === '' || normalised === 'n' || normalised === 'no') return false;
      if (normalised === 'y' || normalised === 'yes') return true;
      this.terminal.write('Please answer y or n.\n');
    }
  }

  private oneOffDefault(problem: string): unknown {
    this.terminal.write(
      `${problem}\n  1) Provide a one-off default now (it fills the existing rows; the model keeps no default)\n` +
        '  2) Quit, and add a default (or null: true) to the field in the model\n',
    );
    for (;;) {
      this.terminal.write('Select an option: ');
      const choice = this.terminal.readLine();
      if (choice === null || choice.trim() === '2') throw new MigrationError('makemigrations stopped: nothing was written.');
      if (choice.trim() === '1') break;
      this.terminal.write('Please select 1 or 2.\n');
    }
    this.terminal.write('Enter the value as a JavaScript expression (42, \'text\', true, new Date()); an empty line quits.\n');
    for (;;) {
      this.terminal.write('>>> ');
      const text = this.terminal.readLine();
      if (text === null || !text.trim()) throw new MigrationError('makemigrations stopped: nothing was written.');
      try {
        return new Function(`return (${text});`)();
      } catch (error) {
        this.terminal.write(`That is not a value: ${(error as Error).message}\n`);
      }
    }
  }
}

/** A value given on the command line: JSON when it parses as JSON, else the text itself. */
export function parseDefaultValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Reads one line from a file descriptor, synchronously (makemigrations compares models synchronously). */
function readLineSync(fd: number): string | null {
  const bytes: number[] = [];
  const buffer = Buffer.alloc(1);
  for (;;) {
    let read: number;
    try {
      read = readSync(fd, buffer, 0, 1, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((error as NodeJS.ErrnoException).code === 'EOF') return bytes.length ? Buffer.from(bytes).toString('utf8') : null;
      throw error;
    }
    if (read === 0) return bytes.length ? Buffer.from(bytes).toString('utf8') : null;
    if (buffer[0] === 0x0a) return Buffer.from(bytes).toString('utf8').replace(/\r$/, '');
    bytes.push(buffer[0]!);
  }
}
