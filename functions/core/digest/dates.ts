// Building an Intl formatter is costly (milliseconds): one per language and time zone, reused.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A long date ("25 November 2024") in the publication's language, in a time zone. */
export function formatLongDate(date: Date, language: string, timeZone: string): string {
  const key = `${language} ${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone });
    } catch {
      formatter = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone });
    }
    formatters.set(key, formatter);
  }
  return formatter.format(date);
}
