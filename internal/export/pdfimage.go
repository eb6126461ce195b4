package export

import (
	"fmt"
	"image"
	"image/color"
)

// Logos on PDF exports (issue 18): an instance's logo, at the top right of
// the first page. The image is written once, as an RGB image XObject (the
// writer compresses it); transparency is flattened onto white, the page's
// colour.

// pdfLogoH is the logo's height on the page (mm); its width follows.
const (
	pdfLogoH    = 14.0
	pdfLogoMaxW = 60.0
)

// pdfImage is an image written to the document.
type pdfImage struct {
	obj  int
	w, h int
}

// writeImage adds img to the document as an XObject.
func (p *PDFWriter) writeImage(img image.Image) *pdfImage {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= 0 || h <= 0 {
		return nil
	}
	data := make([]byte, 0, w*h*3)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			a := uint32(c.A)
			// Over white: v·a + 255·(1−a).
			blend := func(v uint8) byte { return byte((uint32(v)*a + 255*(255-a) + 127) / 255) }
			data = append(data, blend(c.R), blend(c.G), blend(c.B))
		}
	}
	im := &pdfImage{obj: p.o.reserve(), w: w, h: h}
	p.o.stream(im.obj, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8", w, h), data)
	return im
}

// drawLogo places the logo with its top right corner at the page's top
// right margin, and returns its width (mm).
func (p *PDFWriter) drawLogo() float64 {
	if p.logo == nil {
		return 0
	}
	h := pdfLogoH
	w := h * float64(p.logo.w) / float64(p.logo.h)
	if w > pdfLogoMaxW {
		w, h = pdfLogoMaxW, pdfLogoMaxW*float64(p.logo.h)/float64(p.logo.w)
	}
	x, y := pageWmm-pdfMargin-w, pdfMargin
	c := &p.page
	c.b.WriteString("q ")
	c.nums(w*ptPerMM, 0, 0, h*ptPerMM, x*ptPerMM, (pageHmm-y-h)*ptPerMM)
	c.b.WriteString("cm /Logo Do Q\n")
	return w
}
