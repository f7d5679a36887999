// The Hugo side of the build benchmark: a minimal site with layouts for the same outputs we build
// (a page per article, an index listing every article, RSS, Atom and JSON Feed with the newest 50).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const FILES: Record<string, string> = {
  'hugo.toml': `baseURL = "https://gazette.example.org/news/"
title = "The Test Gazette"
languageCode = "en-GB"
disableKinds = ["taxonomy", "term", "section", "sitemap", "robotsTXT", "404"]
[outputs]
  home = ["HTML", "RSS", "Atom", "JSONFeed"]
  page = ["HTML"]
[mediaTypes."application/atom+xml"]
  suffixes = ["xml"]
[mediaTypes."application/feed+json"]
  suffixes = ["json"]
[outputFormats.Atom]
  mediaType = "application/atom+xml"
  baseName = "atom"
[outputFormats.JSONFeed]
  mediaType = "application/feed+json"
  baseName = "feed"
  isPlainText = true
`,
  'layouts/_default/baseof.html': `<!doctype html>
<html lang="{{ .Site.LanguageCode }}">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ .Site.Title }}</title>
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | absURL }}">
<link rel="alternate" type="application/atom+xml" href="{{ "atom.xml" | absURL }}">
<link rel="alternate" type="application/feed+json" href="{{ "feed.json" | absURL }}"></head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
`,
  'layouts/_default/single.html': `{{ define "main" }}<article><h1>{{ .Title }}</h1><p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time></p>{{ .Content }}<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul></article>{{ end }}
`,
  'layouts/index.html': `{{ define "main" }}<h1>{{ .Site.Title }}</h1><ol>{{ range .Site.RegularPages.ByDate.Reverse }}<li><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Date.Format "2 January 2006" }}</p><p>{{ .Summary | plainify }}</p></li>{{ end }}</ol>{{ end }}
`,
  'layouts/index.rss.xml': `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{{ .Site.Title }}</title><link>{{ .Permalink }}</link><description>News</description>{{ range first 50 .Site.RegularPages.ByDate.Reverse }}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link><guid isPermaLink="false">{{ .Permalink }}</guid><pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate><description>{{ .Summary | plainify }}</description><content:encoded>{{ printf "<![CDATA[%s]]>" .Content | safeHTML }}</content:encoded></item>{{ end }}</channel></rss>
`,
  'layouts/index.atom.xml': `<feed xmlns="http://www.w3.org/2005/Atom"><title>{{ .Site.Title }}</title><id>{{ .Permalink }}</id><updated>{{ now.Format "2006-01-02T15:04:05Z07:00" }}</updated>{{ range first 50 .Site.RegularPages.ByDate.Reverse }}<entry><title>{{ .Title }}</title><id>{{ .Permalink }}</id><link href="{{ .Permalink }}"/><updated>{{ .Lastmod.Format "2006-01-02T15:04:05Z07:00" }}</updated><summary>{{ .Summary | plainify }}</summary><content type="html">{{ .Content | html }}</content></entry>{{ end }}</feed>
`,
  'layouts/index.jsonfeed.json': `{{- $items := slice -}}
{{- range first 50 .Site.RegularPages.ByDate.Reverse -}}
{{- $items = $items | append (dict "id" .Permalink "url" .Permalink "title" .Title "content_html" .Content "summary" (.Summary | plainify) "date_published" (.Date.Format "2006-01-02T15:04:05Z07:00")) -}}
{{- end -}}
{{- dict "version" "https://jsonfeed.org/version/1.1" "title" .Site.Title "home_page_url" .Permalink "items" $items | jsonify -}}
`,
};

/** Writes the Hugo site's configuration and layouts into `root` (articles go in root/content/articles). */
export function writeHugoSite(root: string): void {
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}
