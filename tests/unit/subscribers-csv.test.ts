import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, exportRow, MAX_REASON_CHARS, neutraliseCell, readImportRow, restoreCell, stateSince } from '../../functions/core/subscribers/csv.ts';
import { rowReader, type RowReader } from '../../functions/core/subscribers/formats.ts';
import type { Subscriber } from '../../functions/core/subscribers/types.ts';

const NOW = new Date('2026-03-01T00:00:00Z');
const GIVEN = { known: ['digest', 'economy'], legacy: true };
const reader = (header: string[]) => rowReader(header) as RowReader;

describe('CSV rows of subscribers', () => {
  it('finds the columns by name in any case, and none without email', () => {
    expect(reader(['Name', ' EMAIL ', 'State']).read(['Ana', 'a@example.com', 'pending'])).toMatchObject({ email: 'a@example.com', state: 'pending', name: 'Ana', suppressedReason: undefined });
    expect(rowReader(['name', 'address'])).toEqual({ error: 'the header row has no "email" column (it has: name, address)' });
  });

  it('reads what each state asks for as a whole record, and refuses what it cannot read', () => {
    const columns = reader(['email', 'state', 'suppressed_reason']);
    const seen = new Map<string, number>();
    const row = (fields: string[], line: number) => readImportRow(fields, columns, line, seen, NOW, GIVEN);
    expect(row(['a@Example.COM', '', ''], 2)).toMatchObject({ kind: 'record', subscriber: { email: 'a@example.com', state: 'confirmed', confirmedAt: NOW } });
    expect(row(['b@example.com', 'Unsubscribed', ''], 3)).toMatchObject({ kind: 'record', subscriber: { state: 'unsubscribed', unsubscribedAt: NOW } });
    expect(row(['c@example.com', 'suppressed', 'complaint'], 4)).toMatchObject({ subscriber: { state: 'suppressed', suppressedReason: 'complaint' } });
    expect(row(['d@example.com', 'suppressed', ''], 5)).toMatchObject({ subscriber: { state: 'suppressed', suppressedReason: 'imported as suppressed' } });
    expect(row(['e@example.com', 'pending', ''], 6)).toMatchObject({ subscriber: { state: 'pending', request: { version: 1 } } });
    expect(row(['f@example.com', 'active', ''], 7)).toEqual({ kind: 'bad', reason: 'state "active" is not confirmed, pending, unsubscribed, suppressed or empty' });
    expect(row(['A@example.com', '', ''], 8)).toEqual({ kind: 'bad', reason: 'A@example.com is a duplicate of line 2' });
    expect(row(['g@example.com'], 9)).toEqual({ kind: 'bad', reason: '1 column where the header has 3' });
  });

  it('keeps the state a row asks for when a cell is too big or broken, saying what it cut or left out', () => {
    const columns = reader([...EXPORT_COLUMNS]);
    const fields = (state: string, reason: string, history: string) => ['h@example.com', '', state, '', '', '', '', '', '', reason, '', history];
    const huge = readImportRow(fields('suppressed', 'x'.repeat(1_000_000), ''), columns, 2, new Map(), NOW, GIVEN);
    expect(huge).toMatchObject({ kind: 'record', subscriber: { state: 'suppressed' }, warnings: [`suppressed_reason cut to ${MAX_REASON_CHARS} characters`] });
    if (huge.kind === 'record') expect(huge.subscriber.suppressedReason).toHaveLength(MAX_REASON_CHARS);
    const broken = readImportRow(fields('unsubscribed', '', '[{"at":'), columns, 2, new Map(), NOW, GIVEN);
    expect(broken).toMatchObject({ kind: 'record', subscriber: { state: 'unsubscribed' }, warnings: [expect.stringMatching(/^history cannot be read/)] });
  });

  it('exports every state with its open request and ledger, and reads the export back to the same record', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    const gone = new Date('2026-02-01T00:00:00Z');
    const s: Subscriber = {
      id: 'x', email: 'a@example.com', name: 'Ana Example', state: 'unsubscribed', version: 4, createdAt: created, updatedAt: gone, confirmedAt: created, unsubscribedAt: gone, softBounces: 0,
      newsletters: ['digest'], optOuts: { economy: { at: gone, source: 'one-click' } },
      request: { version: 4, at: new Date('2026-02-10T00:00:00Z') },
      history: [{ at: created, type: 'confirmed', source: 'confirmation-link' }, { at: gone, type: 'unsubscribed', source: 'one-click' }],
    };
    const row = exportRow(s);
    expect(row.slice(0, 11)).toEqual([
      'a@example.com', 'Ana Example', 'unsubscribed', 'digest', '{"economy":{"at":"2026-02-01T00:00:00.000Z","source":"one-click"}}',
      '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '', '', '2026-02-10T00:00:00.000Z',
    ]);
    const back = readImportRow(row, reader([...EXPORT_COLUMNS]), 2, new Map(), NOW, GIVEN);
    expect(back).toMatchObject({
      kind: 'record',
      warnings: [],
      subscriber: { email: 'a@example.com', name: 'Ana Example', state: 'unsubscribed', unsubscribedAt: gone, newsletters: ['digest'], optOuts: { economy: { at: gone, source: 'one-click' } }, request: { at: new Date('2026-02-10T00:00:00Z') } },
    });
    if (back.kind === 'record') expect(back.subscriber.history.map((e) => e.type)).toEqual(['confirmed', 'unsubscribed', 'imported']);
    expect(stateSince(s)).toEqual(gone);
    expect(stateSince({ ...s, state: 'pending', request: undefined })).toEqual(created);
  });

  it('never writes a cell a spreadsheet would run, and reads such a cell back as it was', () => {
    for (const value of ['=HYPERLINK("http://evil.example","x")@example.com', '+1', '-2', '@SUM(A1)', '\tx', '\rx']) {
      expect(neutraliseCell(value)).toBe(`'${value}`);
      expect(restoreCell(neutraliseCell(value))).toBe(value);
    }
    expect(neutraliseCell("'quoted")).toBe("'quoted");
    expect(restoreCell("'quoted")).toBe("'quoted");
    const s: Subscriber = { id: 'y', email: '=cmd@example.com', state: 'suppressed', version: 1, createdAt: NOW, updatedAt: NOW, suppressedAt: NOW, suppressedReason: '+bounce', softBounces: 0, history: [] };
    const row = exportRow(s);
    expect(row[0]).toBe("'=cmd@example.com");
    expect(row[EXPORT_COLUMNS.indexOf('suppressed_reason')]).toBe("'+bounce");
    expect(row.every((cell) => !/^[=+\-@\t\r]/.test(cell))).toBe(true);
  });

  it('refuses a row naming a newsletter the publication does not have, and drops from its choices one it left', () => {
    const columns = reader(['email', 'newsletters', 'newsletter_opt_outs']);
    expect(readImportRow(['a@example.com', 'digest culture', ''], columns, 2, new Map(), NOW, GIVEN)).toEqual({ kind: 'bad', reason: 'newsletters: no such newsletter "culture"' });
    const left = readImportRow(['b@example.com', 'digest economy', '{"economy":{"at":"2026-01-01T00:00:00Z","source":"preferences"}}'], columns, 3, new Map(), NOW, GIVEN);
    expect(left).toMatchObject({ kind: 'record', subscriber: { newsletters: ['digest'], optOuts: { economy: { source: 'preferences' } } } });
    expect(readImportRow(['c@example.com', '', '{"economy":'], columns, 4, new Map(), NOW, GIVEN)).toMatchObject({ kind: 'bad', reason: expect.stringMatching(/^newsletter_opt_outs cannot be read/) });
  });

  it('gives rows without choices --newsletters, or else nothing (the legacy newsletter); without a legacy newsletter such a row is refused', () => {
    const columns = reader(['email']);
    expect(readImportRow(['a@example.com'], columns, 2, new Map(), NOW, { ...GIVEN, fallback: ['economy'] })).toMatchObject({ subscriber: { newsletters: ['economy'] } });
    expect(readImportRow(['a@example.com'], columns, 2, new Map(), NOW, GIVEN)).toMatchObject({ subscriber: { newsletters: undefined } });
    expect(readImportRow(['a@example.com'], columns, 2, new Map(), NOW, { known: ['economy'], legacy: false })).toMatchObject({ kind: 'bad', reason: expect.stringMatching(/--newsletters/) });
  });

  it('keeps a name that is too long or holds a line break out, with a warning, and imports the row', () => {
    const columns = reader(['email', 'name']);
    for (const name of ['x'.repeat(10_000), 'Ana\r\nBcc: x@example.com', 'Ana\u202eevil']) {
      const row = readImportRow(['a@example.com', name], columns, 2, new Map(), NOW, GIVEN);
      expect(row).toMatchObject({ kind: 'record', subscriber: { email: 'a@example.com', name: undefined }, warnings: [expect.stringMatching(/^name left out/)] });
    }
  });
});
