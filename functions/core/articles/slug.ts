/** A URL slug from any title: ASCII letters and digits joined by single dashes, at most 80 characters. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’‘]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= 80) return slug;
  const cut = slug.slice(0, 80);
  const dash = cut.lastIndexOf('-');
  return (dash > 40 ? cut.slice(0, dash) : cut).replace(/-+$/, '');
}
