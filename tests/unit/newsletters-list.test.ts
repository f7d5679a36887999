import { describe, expect, it } from 'vitest';
import { carries, newslettersOf, LEGACY_NEWSLETTER_ID } from '../../functions/core/newsletters/list.ts';
import { parseSettings } from '../../functions/core/settings.ts';
import { readFileSync } from 'node:fs';

describe('newsletters', () => {
  it('a publication with one digest has one default newsletter under the legacy id', () => {
    const settings = parseSettings(readFileSync('content/publication.yaml', 'utf8'));
    const list = newslettersOf(settings);
    expect(list.map((n) => n.id)).toContain(LEGACY_NEWSLETTER_ID);
    expect(list.some((n) => n.default)).toBe(true);
  });

  it('carries by tag, exclusions first, case-insensitively', () => {
    expect(carries({ tags: [], excludeTags: [] }, { tags: [] })).toBe(true);
    expect(carries({ tags: ['Economy'], excludeTags: [] }, { tags: ['economy'] })).toBe(true);
    expect(carries({ tags: ['economy'], excludeTags: [] }, { tags: ['politics'] })).toBe(false);
    expect(carries({ tags: [], excludeTags: ['sponsored'] }, { tags: ['Sponsored', 'economy'] })).toBe(false);
  });
});
