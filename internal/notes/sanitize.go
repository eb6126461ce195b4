package notes

import (
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
)

// MaxBody is the most characters a stored (sanitised) body may hold,
// whatever a note type's own limit: about 40 printed pages.
const MaxBody = 100_000

// policy is the allow-list: the formatting Trix writes (and Word's pasted
// HTML reduces to) — paragraphs, line breaks, bold, italic, strike,
// headings, lists, quotes, code, links, tables. Nothing else survives: no
// script, style, event handler, form, iframe, svg, image or style
// attribute; links only to http(s), mailto and relative URLs, and every
// link gets rel="noopener noreferrer".
var policy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "div", "br", "b", "strong", "i", "em", "u", "s", "del", "strike", "sub", "sup",
		"h1", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "pre", "code",
		"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption")
	p.AllowAttrs("colspan", "rowspan").Matching(regexp.MustCompile(`^[1-9][0-9]?$`)).OnElements("td", "th")
	p.AllowAttrs("scope").Matching(regexp.MustCompile(`^(row|col|rowgroup|colgroup)$`)).OnElements("th")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(false)
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	p.AllowElements("a")
	// Word's and browsers' junk that carries text worth nothing.
	p.SkipElementsContent("script", "style", "title", "head", "xml", "template", "noscript", "iframe", "object", "embed", "svg", "math", "select", "textarea", "option")
	return p
}()

// Sanitize returns the stored form of a body: the allow-listed HTML,
// trimmed. A body that holds no tag-like text is plain text (what the
// textarea offered without JavaScript): it is escaped and its lines
// become paragraphs and line breaks.
func Sanitize(body string) string {
	body = strings.ToValidUTF8(strings.ReplaceAll(body, "\x00", ""), "\uFFFD")
	if !looksLikeHTML(body) {
		body = fromText(body)
	}
	out := policy.Sanitize(body)
	// Every link opens without telling the target where it came from.
	out = strings.ReplaceAll(out, `rel="noreferrer"`, `rel="noopener noreferrer"`)
	out = strings.ReplaceAll(out, `rel="nofollow noreferrer"`, `rel="noopener noreferrer"`)
	return strings.TrimSpace(out)
}

var tagLike = regexp.MustCompile(`<[A-Za-z/!]`)

func looksLikeHTML(s string) bool { return tagLike.MatchString(s) }

// fromText turns plain text into paragraphs: a blank line ends one, a
// line break inside one stays.
func fromText(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	var b strings.Builder
	for _, para := range regexp.MustCompile(`\n\s*\n`).Split(strings.TrimSpace(s), -1) {
		if strings.TrimSpace(para) == "" {
			continue
		}
		lines := strings.Split(para, "\n")
		for i := range lines {
			lines[i] = html.EscapeString(strings.TrimSpace(lines[i]))
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>") + "</p>")
	}
	return b.String()
}

var textPolicy = bluemonday.StrictPolicy()

var blockEnd = regexp.MustCompile(`(?i)</(p|div|h[1-4]|li|tr|blockquote|pre)>|<br\s*/?>`)

// Text is the plain text of a sanitised body, blocks on lines of their
// own: what a character limit counts and a diff compares.
func Text(body string) string {
	s := blockEnd.ReplaceAllString(body, "$0\n")
	s = html.UnescapeString(textPolicy.Sanitize(s))
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// Len counts the characters of a body's text.
func Len(body string) int { return utf8.RuneCountInString(Text(body)) }
