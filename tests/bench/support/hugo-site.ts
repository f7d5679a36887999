// The Hugo side of the build benchmark: a minimal site with layouts for the same kinds of output we
// build. Per article a page (Open Graph and Twitter tags, meta description, tag links, a subscribe
// form); the home page, the `articles` section (standing in for our one newsletter's collection, which
// carries every article) and every tag's page, each paginated 50 a page with RSS, Atom and JSON Feed
// of its newest 50; the tags' index; the sitemap; the stylesheet, favicon and subscribe page as files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const FORM = `<form class="subscribe-form" method="post" action="https://gazette.example.org/api/subscribe"><h2>Get {{ site.Title }} by email</h2><label for="email">Email address</label><input id="email" name="email" type="email" required><label for="name">Name</label><input id="name" name="name" type="text"><button type="submit">Subscribe</button></form>`;

const FEED_PAGES = `{{- $pages := cond .IsHome .Site.RegularPages .Pages -}}`;

const FILES: Record<string, string> = {
  'hugo.toml': `baseURL = "https://gazette.example.org/news/"
title = "The Test Gazette"
languageCode = "en-GB"
disableKinds = ["robotsTXT", "404"]
paginate = 50
[taxonomies]
  tag = "tags"
[outputs]
  home = ["HTML", "RSS", "Atom", "JSONFeed"]
  section = ["HTML", "RSS", "Atom", "JSONFeed"]
  term = ["HTML", "RSS", "Atom", "JSONFeed"]
  taxonomy = ["HTML"]
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
<meta name="description" content="{{ with .Summary }}{{ . | plainify | truncate 160 }}{{ else }}{{ .Site.Title }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ template "_internal/opengraph.html" . }}{{ template "_internal/twitter_cards.html" . }}
{{ with .Paginator }}{{ with .Prev }}<link rel="prev" href="{{ .URL | absURL }}">{{ end }}{{ with .Next }}<link rel="next" href="{{ .URL | absURL }}">{{ end }}{{ end }}
{{ range .AlternativeOutputFormats }}<link rel="alternate" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">{{ end }}
<link rel="icon" type="image/svg+xml" href="{{ "favicon.svg" | relURL }}"><link rel="stylesheet" href="{{ "style.css" | relURL }}"></head>
<body><header><a href="{{ "" | relURL }}">{{ .Site.Title }}</a> <a href="{{ "tags/" | relURL }}">Tags</a> <a href="{{ "subscribe.html" | relURL }}">Subscribe</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
`,
  'layouts/_default/single.html': `{{ define "main" }}<article><h1>{{ .Title }}</h1><p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time></p>{{ .Content }}<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></article>${FORM}{{ end }}
`,
  'layouts/_default/list.html': `{{ define "main" }}<h1>{{ .Title }}</h1>{{ $pager := .Paginate (cond .IsHome .Site.RegularPages .Pages) }}<ol>{{ range $pager.Pages }}<li><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Date.Format "2 January 2006" }}</p><p>{{ .Summary | plainify }}</p></li>{{ end }}</ol>{{ template "_internal/pagination.html" . }}${FORM}{{ end }}
`,
  'layouts/_default/terms.html': `{{ define "main" }}<h1>Tags</h1><ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>${FORM}{{ end }}
`,
  'layouts/_default/list.rss.xml': `${FEED_PAGES}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{{ .Title }}</title><link>{{ .Permalink }}</link><description>News</description>{{ range first 50 $pages }}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link><guid isPermaLink="false">{{ .Permalink }}</guid><pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate>{{ range .Params.tags }}<category>{{ . }}</category>{{ end }}<description>{{ .Summary | plainify }}</description><content:encoded>{{ printf "<![CDATA[%s]]>" .Content | safeHTML }}</content:encoded></item>{{ end }}</channel></rss>
`,
  'layouts/_default/list.atom.xml': `${FEED_PAGES}<feed xmlns="http://www.w3.org/2005/Atom"><title>{{ .Title }}</title><id>{{ .Permalink }}</id><updated>{{ now.Format "2006-01-02T15:04:05Z07:00" }}</updated>{{ range first 50 $pages }}<entry><title>{{ .Title }}</title><id>{{ .Permalink }}</id><link href="{{ .Permalink }}"/><updated>{{ .Lastmod.Format "2006-01-02T15:04:05Z07:00" }}</updated>{{ range .Params.tags }}<category term="{{ . }}"/>{{ end }}<summary>{{ .Summary | plainify }}</summary><content type="html">{{ .Content | html }}</content></entry>{{ end }}</feed>
`,
  'layouts/_default/list.jsonfeed.json': `${FEED_PAGES}{{- $items := slice -}}
{{- range first 50 $pages -}}
{{- $items = $items | append (dict "id" .Permalink "url" .Permalink "title" .Title "content_html" .Content "summary" (.Summary | plainify) "date_published" (.Date.Format "2006-01-02T15:04:05Z07:00") "tags" .Params.tags) -}}
{{- end -}}
{{- dict "version" "https://jsonfeed.org/version/1.1" "title" .Title "home_page_url" .Permalink "items" $items | jsonify -}}
`,
  'static/style.css': 'body { font: 18px/1.6 Georgia, serif; }\n',
  'static/favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="#0b5394"/></svg>\n',
  'static/subscribe.html': `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Subscribe</title></head><body>${FORM.replace(/\{\{ site\.Title \}\}/g, 'The Test Gazette')}</body></html>\n`,
};

/** Writes the Hugo site's configuration and layouts into `root` (articles go in root/content/articles). */
export function writeHugoSite(root: string): void {
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}
