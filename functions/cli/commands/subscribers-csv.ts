import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify';
import pLimit from 'p-limit';
import { EXPORT_COLUMNS, exportRow, readImportRow, restoreCell, type ImportChoices, type ImportRow } from '../../core/subscribers/csv.ts';
import { rowReader, type ImportFormat, type RowReader } from '../../core/subscribers/formats.ts';
import { SUBSCRIBER_STATES, type SubscriberStore } from '../../core/subscribers/types.ts';
import { CliError } from '../errors.ts';

/** Rows checked against the store in one round trip (getMany reads a hundred per request). */
const CHUNK = 500;
/** Store writes in flight at once. */
const WRITES = 16;
/** Chunks read ahead of the writes. */
const CHUNKS_IN_FLIGHT = 2;

export interface ImportSummary {
  /** The format read (detected from the header row, or asked for). */
  format?: ImportFormat | undefined;
  rows: number;
  /** Rows added as confirmed subscribers. */
  imported: number;
  /** Unsubscribed and suppressed rows recorded in that state (never mailed). */
  recordedOptOuts: number;
  /** Pending rows recorded as pending (no mail is sent; they expire unconfirmed as any new address does). */
  pendingImported: number;
  alreadyPresent: number;
  badRows: string[];
  /** Rows imported with something dropped or cut (the state they asked for is kept). */
  warnings: string[];
}

type Row = Extract<ImportRow, { kind: 'record' }> & { line: number };

/** The field separator of a file, from its header line: the one of , ; and tab that occurs most outside quotes. */
export function sniffDelimiter(header: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0]]);
  let quoted = false;
  for (const char of header) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, counts.get(char)! + 1);
  }
  const [best, count] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  return count > 0 ? best : ',';
}

function csvFields(text: string, delimiter: string): string[] | { error: string } {
  try {
    const records = parse(text, { relax_column_count: true, delimiter }) as string[][];
    return records[0] ?? [];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') return { error: 'a quoted field is not closed (each record must be on one line)' };
    if (error.code === 'CSV_INVALID_CLOSING_QUOTE' || error.code === 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE') {
      return { error: 'a quote in the middle of a field (quote the whole field and double the quotes inside it)' };
    }
    return { error: error.message };
  }
}

/** Shows import progress on stderr: a counter updated in place on a terminal, a line every 10,000 rows otherwise. */
function progress(tty: boolean) {
  let lastLine = 0;
  let shown = false;
  const text = (s: ImportSummary) =>
    `rows ${s.rows} · imported ${s.imported + s.recordedOptOuts} · already present ${s.alreadyPresent} · bad ${s.badRows.length}`;
  return {
    update(s: ImportSummary) {
      if (tty) {
        process.stderr.write(`\r${text(s)}\x1b[K`);
        shown = true;
      } else if (s.rows - lastLine >= 10_000) {
        process.stderr.write(`${text(s)}\n`);
        lastLine = s.rows - (s.rows % 10_000);
      }
    },
    line(message: string) {
      process.stderr.write(tty && shown ? `\r\x1b[K${message}\n` : `${message}\n`);
    },
    done() {
      if (shown) process.stderr.write('\n');
    },
  };
}

/**
 * Imports a CSV file of addresses, streaming it line by line (records are single-line, so a broken
 * quote loses only its own line). Never changes an address already in the store, whatever its state.
 */
export async function importSubscribers(
  store: SubscriberStore,
  file: string,
  now: Date,
  pendingTtlMs: number,
  options: { format?: ImportFormat | undefined; choices: ImportChoices },
): Promise<ImportSummary> {
  const info = await stat(file).catch((cause: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read ${file}: ${cause.code === 'ENOENT' ? 'no such file' : cause.message}`, 1, { cause });
  });
  if (!info.isFile()) throw new CliError(`cannot read ${file}: not a file`);

  const summary: ImportSummary = { rows: 0, imported: 0, recordedOptOuts: 0, pendingImported: 0, alreadyPresent: 0, badRows: [], warnings: [] };
  const show = progress(Boolean(process.stderr.isTTY));
  const limit = pLimit(WRITES);
  const pendingExpiry = new Date(now.getTime() + pendingTtlMs);

  // One write per new address, the whole record at once: a row is stored as it asked, or not at all.
  const write = async (row: Row, exists: boolean): Promise<void> => {
    const { subscriber } = row;
    if (exists) {
      summary.alreadyPresent++;
      return;
    }
    try {
      if (!(await store.restore(subscriber, pendingExpiry))) {
        summary.alreadyPresent++;
        return;
      }
    } catch (error) {
      bad(row.line, `the store refused this row: ${(error as Error).message.split('\n')[0]}`);
      return;
    }
    if (subscriber.state === 'confirmed') summary.imported++;
    else if (subscriber.state === 'pending') summary.pendingImported++;
    else summary.recordedOptOuts++;
    for (const warning of row.warnings) warn(row.line, warning);
  };
  const flush = (rows: Row[]): Promise<void> => {
    const done = (async () => {
      const existing = await store.getMany(rows.map((r) => r.subscriber.id));
      await Promise.all(rows.map((row) => limit(() => write(row, existing.has(row.subscriber.id)))));
      show.update(summary);
    })();
    // Awaited later, in order; this keeps a failure from counting as unhandled meanwhile.
    done.catch(() => undefined);
    return done;
  };

  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  const inFlight: Promise<void>[] = [];
  const seen = new Map<string, number>();
  let columns: RowReader | undefined;
  let delimiter = ',';
  let chunk: Row[] = [];
  let lineNo = 0;
  const bad = (line: number, reason: string) => {
    const message = `${file}:${line}: ${reason}`;
    summary.badRows.push(message);
    show.line(message);
  };
  const warn = (line: number, reason: string) => {
    const message = `${file}:${line}: warning: ${reason}`;
    summary.warnings.push(message);
    show.line(message);
  };
  try {
    for await (const raw of lines) {
      lineNo++;
      const text = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() === '') continue;
      if (!columns) delimiter = sniffDelimiter(text);
      const fields = csvFields(text, delimiter);
      if (!columns) {
        if (!Array.isArray(fields)) throw new CliError(`${file}:${lineNo}: the header row cannot be read: ${fields.error}`);
        const reader = rowReader(fields.map(restoreCell), options.format);
        if ('error' in reader) throw new CliError(`${file}:${lineNo}: ${reader.error}`);
        columns = reader;
        summary.format = reader.format;
        continue;
      }
      summary.rows++;
      const row = Array.isArray(fields) ? readImportRow(fields, columns, lineNo, seen, now, options.choices) : { kind: 'bad' as const, reason: fields.error };
      if (row.kind === 'bad') {
        bad(lineNo, row.reason);
        continue;
      }
      chunk.push({ ...row, line: lineNo });
      if (chunk.length >= CHUNK) {
        inFlight.push(flush(chunk));
        chunk = [];
        if (inFlight.length >= CHUNKS_IN_FLIGHT) await inFlight.shift();
      }
    }
    if (!columns) throw new CliError(`${file}: no header row (the first line must name the columns, one of them "email")`);
    if (chunk.length > 0) inFlight.push(flush(chunk));
    await Promise.all(inFlight);
  } catch (error) {
    await Promise.allSettled(inFlight);
    if ((error as NodeJS.ErrnoException).code === 'EISDIR' || (error as NodeJS.ErrnoException).code === 'EACCES') {
      throw new CliError(`cannot read ${file}: ${(error as Error).message}`, 1, { cause: error });
    }
    throw error;
  } finally {
    lines.close();
    show.done();
  }
  return summary;
}

/** The summary an import prints on stdout (each bad row and warning was already listed on stderr, with its line). */
export function importReport(s: ImportSummary): string {
  const lines = [...(s.format && s.format !== 'native' ? [`read as a ${s.format} export`] : []),`imported ${s.imported + s.recordedOptOuts + s.pendingImported}${s.recordedOptOuts > 0 ? ` (${s.recordedOptOuts} of them as unsubscribed or suppressed, never mailed)` : ''}`];
  if (s.pendingImported > 0) lines.push(`pending, never confirmed, not mailed ${s.pendingImported}`);
  lines.push(`already present ${s.alreadyPresent}`);
  lines.push(`bad rows ${s.badRows.length}${s.badRows.length > 0 ? ' (listed on stderr)' : ''}`);
  if (s.warnings.length > 0) lines.push(`warnings ${s.warnings.length} (listed on stderr)`);
  return `${lines.join('\n')}\n`;
}

async function* exportRecords(store: SubscriberStore, counter: { rows: number }): AsyncGenerator<readonly string[]> {
  yield EXPORT_COLUMNS;
  for (const state of SUBSCRIBER_STATES) {
    let after: string | undefined;
    do {
      const page = await store.pageByState(state, after, CHUNK);
      for (const subscriber of page.items) {
        counter.rows++;
        yield exportRow(subscriber);
      }
      after = page.cursor;
    } while (after);
  }
}

/** Writes every subscriber, page by page, as CSV to `file` or to stdout; returns how many. */
export async function exportSubscribers(store: SubscriberStore, file: string | undefined): Promise<number> {
  const counter = { rows: 0 };
  const out: Writable = file === undefined ? process.stdout : createWriteStream(file);
  try {
    await pipeline(Readable.from(exportRecords(store, counter)), stringify(), out, { end: file !== undefined });
  } catch (error) {
    if (file !== undefined && (error as NodeJS.ErrnoException).code) throw new CliError(`cannot write ${file}: ${(error as Error).message}`, 1, { cause: error });
    throw error;
  }
  return counter.rows;
}
