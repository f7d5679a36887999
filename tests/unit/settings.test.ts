import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../functions/core/errors.ts';
import { parseSettings } from '../../functions/core/settings.ts';
import { settingsYaml, testSettings } from '../helpers/factories.ts';

describe('publication settings', () => {
  it('applies defaults and normalises the site URL to end in /', () => {
    const s = testSettings({ siteUrl: 'https://example.com/blog' });
    expect(s.siteUrl).toBe('https://example.com/blog/');
    expect(s.feedItems).toBe(50);
    expect(s.digest.maxArticles).toBe(10);
    expect(s.digest.lookbackDays).toBe(7);
    expect(s.digest.mode).toBe('summary');
    expect(s.digest.schedule).toEqual({ cron: '0 7 * * 1', timezone: 'UTC' });
  });

  it.each([
    ['not-a-url', /publication\.yaml:3: siteUrl: must be an absolute http\(s\) URL/],
    ['ftp://example.com/', /siteUrl: must be an absolute http\(s\) URL/],
    ['/relative/path', /siteUrl: must be an absolute http\(s\) URL/],
  ])('rejects the site URL %s naming file, line and field', (siteUrl, message) => {
    expect(() => parseSettings(settingsYaml({ siteUrl }))).toThrowError(message);
  });

  it('reports invalid YAML with its line', () => {
    expect(() => parseSettings('title: ok\ndescription: [unclosed\n')).toThrow(SettingsError);
    expect(() => parseSettings('title: ok\ndescription: [unclosed\n')).toThrowError(/^publication\.yaml:\d+: invalid YAML/);
  });

  it('reports every missing field at once', () => {
    try {
      parseSettings('title: Only a title\n');
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      for (const field of ['description', 'siteUrl', 'language', 'author', 'copyright', 'digest']) expect(message).toContain(`${field}:`);
    }
  });

  it('rejects a bad time zone and a header-injecting sender', () => {
    expect(() => parseSettings(settingsYaml({ digest: { ...testSettingsDigest(), schedule: { cron: '0 7 * * 1', timezone: 'Mars/Base' } } }))).toThrowError(/digest\.schedule\.timezone: must be an IANA time zone/);
    expect(() => parseSettings(settingsYaml({ digest: { ...testSettingsDigest(), from: 'A <a@b.c>\nBcc: x@y.z' } }))).toThrowError(/digest\.from: must be on one line/);
  });

  it('tracks no opens or clicks unless the publisher turns each on', () => {
    expect(testSettings().digest.tracking).toEqual({ opens: false, clicks: false });
    expect(testSettings({ digest: { ...testSettingsDigest(), tracking: { opens: true } } }).digest.tracking).toEqual({ opens: true, clicks: false });
    expect(() => parseSettings(settingsYaml({ digest: { ...testSettingsDigest(), tracking: { clicks: 'yes' } } }))).toThrowError(/publication\.yaml:\d+: digest\.tracking\.clicks:/);
  });
});

function testSettingsDigest() {
  const { digest } = testSettings();
  return { from: digest.from, postalAddress: digest.postalAddress, apiUrl: digest.apiUrl, unsubscribeMailto: digest.unsubscribeMailto, listId: digest.listId };
}
