import { describe, expect, it } from 'vitest';
import { SettingsError } from '../../functions/core/errors.ts';
import { parseSettings } from '../../functions/core/settings.ts';
import { settingsYaml } from '../helpers/factories.ts';

// The publication settings are parsed with the same YAML limits as front matter.
describe('hostile publication settings', () => {
  const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]', ...'bcdefgh'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)];

  it.each([
    ['an alias bomb', `${settingsYaml()}${laughs.join('\n')}\n`, /^publication\.yaml:\d+: YAML has aliases that expand to too many values \(at most 16\)/],
    ['flow collections 50,000 deep', `${settingsYaml()}x: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`, /^publication\.yaml:\d+: YAML nests deeper than 32 levels$/],
  ])('%s is one clear error, not a crash or a hang', (_name, text, message) => {
    expect(() => parseSettings(text)).toThrowError(SettingsError);
    expect(() => parseSettings(text)).toThrowError(message);
  });
});
