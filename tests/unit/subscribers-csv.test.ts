import { describe, expect, it } from 'vitest';
import { checkImportRow, EXPORT_COLUMNS, exportRow, importColumns, MAX_REASON_CHARS, neutraliseCell, restoreCell, stateSince } from '../../functions/core/subscribers/csv.ts';
import type { Subscriber } from '../../functions/core/subscribers/types.ts';

const NOW = new Date('2026-03-01T00:00:00Z');

describe('CSV rows of subscribers', () => {
  it('finds the columns by name in any case, and none without email', () => {
    expect(importColumns(['Name', ' EMAIL ', 'State'])).toMatchObject({ count: 3, email: 1, state: 2, suppressedReason: undefined });
    expect(importColumns([...EXPORT_COLUMNS])).toMatchObject({ email: 0, state: 1, suppressedAt: 5, suppressedReason: 6, requestedAt: 7, history: 8 });
    expect(importColumns(['name', 'address'])).toBeUndefined();
  });

  it('reads what each state asks for as a whole record, and refuses what it cannot read', () => {
    const columns = importColumns(['email', 'state', 'suppressed_reason'])!;
    const seen = new Map<string, number>();
    const row = (fields: string[], line: number) => checkImportRow(fields, columns, line, seen, NOW);
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
    const columns = importColumns([...EXPORT_COLUMNS])!;
    const fields = (state: string, reason: string, history: string) => ['h@example.com', state, '', '', '', '', reason, '', history];
    const huge = checkImportRow(fields('suppressed', 'x'.repeat(1_000_000), ''), columns, 2, new Map(), NOW);
    expect(huge).toMatchObject({ kind: 'record', subscriber: { state: 'suppressed' }, warnings: [`suppressed_reason cut to ${MAX_REASON_CHARS} characters`] });
    if (huge.kind === 'record') expect(huge.subscriber.suppressedReason).toHaveLength(MAX_REASON_CHARS);
    const broken = checkImportRow(fields('unsubscribed', '', '[{"at":'), columns, 2, new Map(), NOW);
    expect(broken).toMatchObject({ kind: 'record', subscriber: { state: 'unsubscribed' }, warnings: [expect.stringMatching(/^history cannot be read/)] });
  });

  it('exports every state with its open request and ledger, and reads the export back to the same record', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    const gone = new Date('2026-02-01T00:00:00Z');
    const s: Subscriber = {
      id: 'x', email: 'a@example.com', state: 'unsubscribed', version: 4, createdAt: created, updatedAt: gone, confirmedAt: created, unsubscribedAt: gone, softBounces: 0,
      request: { version: 4, at: new Date('2026-02-10T00:00:00Z') },
      history: [{ at: created, type: 'confirmed', source: 'confirmation-link' }, { at: gone, type: 'unsubscribed', source: 'one-click' }],
    };
    const row = exportRow(s);
    expect(row.slice(0, 8)).toEqual(['a@example.com', 'unsubscribed', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '', '', '2026-02-10T00:00:00.000Z']);
    const back = checkImportRow(row, importColumns([...EXPORT_COLUMNS])!, 2, new Map(), NOW);
    expect(back).toMatchObject({ kind: 'record', warnings: [], subscriber: { email: 'a@example.com', state: 'unsubscribed', unsubscribedAt: gone, request: { at: new Date('2026-02-10T00:00:00Z') } } });
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
    expect(row[6]).toBe("'+bounce");
    expect(row.every((cell) => !/^[=+\-@\t\r]/.test(cell))).toBe(true);
  });
});
