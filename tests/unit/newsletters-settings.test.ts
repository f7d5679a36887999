import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { carries, defaultIds, LEGACY_NEWSLETTER_ID, newslettersOf, settingsFor } from '../../functions/core/newsletters/list.ts';
import { choicesOf, receives } from '../../functions/core/newsletters/membership.ts';
import { scheduleInWords } from '../../functions/core/newsletters/schedule-text.ts';
import { issueIdFor, parseIssueId } from '../../functions/core/issue/id.ts';
import { parseSettings } from '../../functions/core/settings.ts';
import { settingsObject, settingsYaml, testSettings } from '../helpers/factories.ts';

const { listId: _legacyList, ...shared } = settingsObject().digest as Record<string, unknown>;

function newsletter(id: string, extra: Record<string, unknown> = {}) {
  return { id, name: `The ${id}`, schedule: { cron: '0 7 * * 1', timezone: 'UTC' }, listId: `${id}.gazette.example.org`, ...extra };
}

function twoNewsletters(...list: Record<string, unknown>[]): string {
  return settingsYaml({ digest: shared, newsletters: list.length > 0 ? list : [newsletter('digest'), newsletter('economy', { tags: ['economy'], default: false })] });
}

describe('newsletters in the settings', () => {
  it('reads a single digest: as one newsletter with the legacy id, its list id and schedule', () => {
    const settings = testSettings();
    const [only, ...rest] = newslettersOf(settings);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ id: LEGACY_NEWSLETTER_ID, listId: 'digest.gazette.example.org', schedule: { cron: '0 7 * * 1', timezone: 'UTC' }, default: true, tags: [], name: 'The Test Gazette' });
  });

  it('reads the sample publication: the weekly digest (id digest, its old list id) and a narrower one on a tag the sample article has', () => {
    const settings = parseSettings(readFileSync('content/publication.yaml', 'utf8'));
    const list = newslettersOf(settings);
    expect(list.map((n) => n.id)).toEqual(['digest', 'military']);
    expect(list[0]!.listId).toBe('digest.news.example.com');
    expect(list[1]!.schedule).not.toEqual(list[0]!.schedule);
    const article = readFileSync('content/articles/north-korean-troops-sent-without-a-choice.md', 'utf8');
    expect(article).toMatch(/^tags: \[.*military.*\]$/m);
    expect(defaultIds(list)).toEqual(['digest']);
    // Code that knows one digest sees the first newsletter.
    expect(settings.digest.listId).toBe('digest.news.example.com');
  });

  it('takes what a newsletter leaves out from digest:', () => {
    const settings = parseSettings(twoNewsletters(newsletter('digest'), newsletter('economy', { mode: 'full', from: 'Economy <economy@gazette.example.org>', maxArticles: 3 })));
    const [digest, economy] = newslettersOf(settings);
    expect(digest).toMatchObject({ mode: 'summary', from: shared.from, replyTo: shared.replyTo, maxArticles: 10, nameFallback: 'there', subject: '{{lead}}{{more}}' });
    expect(economy).toMatchObject({ mode: 'full', from: 'Economy <economy@gazette.example.org>', replyTo: undefined, maxArticles: 3 });
    const seen = settingsFor(settings, economy!);
    expect(seen.digest).toMatchObject({ listId: 'economy.gazette.example.org', mode: 'full', maxArticles: 3, from: 'Economy <economy@gazette.example.org>' });
  });

  it.each([
    ['a duplicate id', [newsletter('digest'), newsletter('digest', { listId: 'other.example.org' })], /publication\.yaml:\d+: newsletters\.1\.id: "digest" is already the id of newsletter 1/],
    ['a duplicate list id', [newsletter('digest'), newsletter('economy', { listId: 'DIGEST.gazette.example.org' })], /newsletters\.1\.listId: "DIGEST\.gazette\.example\.org" is already the listId of newsletter 1/],
    ['an id with capitals', [newsletter('Economy')], /newsletters\.0\.id: lower-case letters, digits and dashes/],
    ['a misspelt key', [{ ...newsletter('digest'), exclude_tags: ['x'] }], /newsletters\.0: Unrecognized key: "exclude_tags"/],
    ['a cron that is not one', [newsletter('digest', { schedule: { cron: '0 7 * * MOO', timezone: 'UTC' } })], /newsletters\.0\.schedule\.cron: must be a cron pattern/],
    ['no newsletter at all', [], /newsletters: name at least one newsletter/],
  ])('refuses %s, naming the line and field', (_, list, message) => {
    const yaml = settingsYaml({ digest: shared, newsletters: list });
    expect(() => parseSettings(yaml)).toThrowError(message);
  });

  it('names the line of the second newsletter when its id repeats the first', () => {
    const yaml = twoNewsletters(newsletter('digest'), newsletter('digest', { listId: 'x.example.org' }));
    const line = yaml.split('\n').findIndex((l, i, all) => l.includes('id: digest') && all.slice(0, i).some((p) => p.includes('id: digest'))) + 1;
    expect(() => parseSettings(yaml)).toThrowError(new RegExp(`publication\\.yaml:${line}: newsletters\\.1\\.id`));
  });

  it('refuses digest.listId or digest.schedule beside newsletters (each newsletter has its own), and a single digest without a list id', () => {
    expect(() => parseSettings(settingsYaml({ digest: { ...shared, listId: 'x.example.org' }, newsletters: [newsletter('digest')] }))).toThrowError(/digest\.listId: with newsletters:, each newsletter has its own listId/);
    expect(() => parseSettings(settingsYaml({ digest: { ...shared, schedule: { cron: '0 7 * * 1' } }, newsletters: [newsletter('digest')] }))).toThrowError(/digest\.schedule: with newsletters:/);
    expect(() => parseSettings(settingsYaml({ digest: shared }))).toThrowError(/digest\.listId: is required/);
  });

  it('carries by tag, exclusions first, case-insensitively', () => {
    expect(carries({ tags: [], excludeTags: [] }, { tags: [] })).toBe(true);
    expect(carries({ tags: ['Economy'], excludeTags: [] }, { tags: ['economy'] })).toBe(true);
    expect(carries({ tags: ['economy'], excludeTags: [] }, { tags: ['politics'] })).toBe(false);
    expect(carries({ tags: [], excludeTags: ['sponsored'] }, { tags: ['Sponsored', 'economy'] })).toBe(false);
  });
});

describe('membership', () => {
  it('reads a record without choices as the legacy newsletter only, never as every default one', () => {
    expect(choicesOf({ newsletters: undefined, optOuts: undefined })).toEqual([LEGACY_NEWSLETTER_ID]);
    expect(receives({ state: 'confirmed', newsletters: undefined, optOuts: undefined }, 'economy')).toBe(false);
    expect(receives({ state: 'confirmed', newsletters: undefined, optOuts: undefined }, 'digest')).toBe(true);
  });

  it('never counts a newsletter the address left, nor any newsletter of an address that is not confirmed', () => {
    const optOuts = { economy: { at: new Date(), source: 'one-click' as const } };
    expect(choicesOf({ newsletters: ['digest', 'economy'], optOuts })).toEqual(['digest']);
    expect(receives({ state: 'unsubscribed', newsletters: ['digest'], optOuts: undefined }, 'digest')).toBe(false);
  });
});

describe('issue ids', () => {
  it("keep the legacy newsletter's form and prefix every other newsletter's, so two due the same minute never collide", () => {
    const at = new Date('2026-03-02T07:00:00Z');
    expect(issueIdFor(at)).toBe('2026-03-02T0700Z');
    expect(issueIdFor(at, 'digest')).toBe('2026-03-02T0700Z');
    expect(issueIdFor(at, 'economy')).toBe('economy-2026-03-02T0700Z');
    expect(parseIssueId('economy-2026-03-02T0700Z')).toEqual({ time: at, newsletter: 'economy' });
    expect(parseIssueId('2026-03-02T0700Z')).toEqual({ time: at, newsletter: 'digest' });
    expect(parseIssueId('Economy-2026-03-02T0700Z')).toBeUndefined();
  });
});

describe('schedules in words', () => {
  it('says when a newsletter comes, in its time zone', () => {
    expect(scheduleInWords({ cron: '0 7 * * 1', timezone: 'Asia/Seoul' })).toBe('at 07:00, only on Monday (Asia/Seoul time)');
    expect(scheduleInWords({ cron: '30 6 * * 1-5', timezone: 'UTC' })).toBe('at 06:30, Monday through Friday (UTC time)');
  });
});
