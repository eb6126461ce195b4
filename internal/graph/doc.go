// Package graph draws a measure's graph as a standalone SVG document, on
// the server, so it reads without JavaScript: actuals as a line or bars,
// targets, the baseline period and the colour bands. Draw puts the same
// picture on any Surface (the PDF export's figures), and Describe gives the
// words that go with it.
//
// Rules it keeps:
//
//   - Pure and deterministic: the same Chart gives the same bytes (fixed
//     float formatting, no maps, no clock), so output can be cached and
//     compared against golden files.
//   - Safe to inline in a page under a strict CSP: no <script>, no style=
//     attributes and no <style> element. Looks come from presentation
//     attributes (fill=, stroke=), which the site's CSS may override through
//     the classes every element carries.
//   - All text is XML-escaped, and anything that is not a valid XML
//     character is replaced, so any user input gives a well-formed document.
//   - Accessible: role="img" with a <title> and a <desc> summarising the
//     data, and every period carries a <title> (label, actual, target,
//     comment) that browsers show on hover.
//   - One drawing code for every target: each shape is written as SVG and
//     handed to the surface side by side (pen), so the SVG's bytes stay as
//     the golden files fix them and a test holds the two to the same count.
//   - Numbers go through calc, so the graph, the scorecard and the exports
//     agree on colours and formatting.
package graph
