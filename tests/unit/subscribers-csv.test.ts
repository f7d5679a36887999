import { describe, expect, it } from 'vitest';
import { checkImportRow, exportRow, importColumns, stateSince } from '../../functions/core/subscribers/csv.ts';
import type { Subscriber } from '../../functions/core/subscribers/types.ts';

describe('CSV rows of subscribers', () => {
  it('finds the columns by name in any case, and none without email', () => {
    expect(importColumns(['Name', ' EMAIL ', 'State'])).toEqual({ count: 3, email: 1, state: 2, suppressedReason: undefined });
    expect(importColumns(['name', 'address'])).toBeUndefined();
  });

  it('reads what each state asks for, and refuses a state it does not know', () => {
    const columns = importColumns(['email', 'state', 'suppressed_reason'])!;
    const seen = new Map<string, number>();
    expect(checkImportRow(['a@Example.COM', '', ''], columns, 2, seen)).toEqual({ kind: 'add', email: 'a@example.com', state: 'confirmed' });
    expect(checkImportRow(['b@example.com', 'Unsubscribed', ''], columns, 3, seen)).toEqual({ kind: 'add', email: 'b@example.com', state: 'unsubscribed' });
    expect(checkImportRow(['c@example.com', 'suppressed', 'complaint'], columns, 4, seen)).toMatchObject({ state: 'suppressed', reason: 'complaint' });
    expect(checkImportRow(['d@example.com', 'suppressed', ''], columns, 5, seen)).toMatchObject({ state: 'suppressed', reason: 'imported as suppressed' });
    expect(checkImportRow(['e@example.com', 'pending', ''], columns, 6, seen)).toEqual({ kind: 'pending', email: 'e@example.com' });
    expect(checkImportRow(['f@example.com', 'active', ''], columns, 7, seen)).toEqual({
      kind: 'bad',
      reason: 'state "active" is not confirmed, pending, unsubscribed, suppressed or empty',
    });
    expect(checkImportRow(['A@example.com', '', ''], columns, 8, seen)).toEqual({ kind: 'bad', reason: 'A@example.com is a duplicate of line 2' });
    expect(checkImportRow(['g@example.com'], columns, 9, seen)).toEqual({ kind: 'bad', reason: '1 column where the header has 3' });
  });

  it('writes a row per subscriber with the times it has, and says since when it is in its state', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    const gone = new Date('2026-02-01T00:00:00Z');
    const s: Subscriber = { id: 'x', email: 'a@example.com', state: 'suppressed', version: 2, createdAt: created, updatedAt: gone, suppressedAt: gone, suppressedReason: 'bounce', softBounces: 0 };
    expect(exportRow(s)).toEqual(['a@example.com', 'suppressed', '2026-01-01T00:00:00.000Z', '', '', 'bounce']);
    expect(stateSince(s)).toEqual(gone);
    expect(stateSince({ ...s, state: 'pending', suppressedAt: undefined })).toEqual(created);
  });
});
