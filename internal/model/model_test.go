package model

import "testing"

func TestOutboxMessageWhole(t *testing.T) {
	p := []MailPart{{Key: "a", Text: "A\n", HTML: "<a>"}, {Key: "b", Text: "B\n", HTML: "<b>"}}
	for _, c := range []struct {
		name             string
		m                OutboxMessage
		wantBody, wantHT string
	}{
		{"no parts", OutboxMessage{Body: "x", HTML: "y"}, "x", "y"},
		{"in the middle", OutboxMessage{Body: "head\ntail", HTML: "<h><t>", Parts: p, PartsTextAt: 5, PartsHTMLAt: 3}, "head\nA\nB\ntail", "<h><a><b><t>"},
		{"at the start", OutboxMessage{Body: "tail", HTML: "<t>", Parts: p}, "A\nB\ntail", "<a><b><t>"},
		{"at the end", OutboxMessage{Body: "head", HTML: "<h>", Parts: p[:1], PartsTextAt: 4, PartsHTMLAt: 3}, "headA\n", "<h><a>"},
		// A damaged row (offsets past the text) puts the parts last.
		{"past the end", OutboxMessage{Body: "head", HTML: "<h>", Parts: p[:1], PartsTextAt: 40, PartsHTMLAt: 3}, "headA\n", "<h><a>"},
		{"negative", OutboxMessage{Body: "head", HTML: "<h>", Parts: p[:1], PartsTextAt: -1, PartsHTMLAt: 0}, "headA\n", "<h><a>"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := c.m.Whole()
			if w.Body != c.wantBody || w.HTML != c.wantHT || w.Parts != nil {
				t.Errorf("Whole() = %q, %q, %v; want %q, %q", w.Body, w.HTML, w.Parts, c.wantBody, c.wantHT)
			}
		})
	}
}
