package app

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"strconv"

	"golang.org/x/image/draw"

	"yardstick/internal/access"
	"yardstick/internal/model"
	"yardstick/internal/store"
)

// The logo (issue 18): a PNG or JPEG of at most MaxLogoBytes, decoded and
// encoded again here (so no metadata, second image or trailing payload of
// the upload survives) and scaled down to fit LogoWidth × LogoHeight.
const (
	MaxLogoBytes = 1 << 20
	LogoWidth    = 600
	LogoHeight   = 200
	// maxLogoPixels bounds what is decoded at all: the header says the
	// size before any pixel is, so a decompression bomb (a small file of
	// 20,000 × 20,000 pixels) is refused before it takes the memory.
	maxLogoPixels = 25_000_000
	maxLogoSide   = 10_000
)

var (
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
)

// Logo is an instance's stored logo.
type Logo struct {
	ContentType string
	Body        []byte
}

func logoRefused(msg string) error { return invalid(msg, map[string]string{"logo": msg}) }

// cleanLogo checks an upload and returns the logo to store.
func cleanLogo(data []byte) (Logo, error) {
	if len(data) == 0 {
		return Logo{}, logoRefused("Choose a PNG or JPEG file for the logo.")
	}
	if len(data) > MaxLogoBytes {
		return Logo{}, logoRefused("The logo file is larger than 1 MB; choose a smaller one.")
	}
	var kind string
	switch {
	case bytes.HasPrefix(data, pngMagic):
		kind = "png"
		if !pngEndsAtIEND(data) {
			return Logo{}, logoRefused("The logo file holds more than a PNG image (data after its end); save it again as a plain PNG.")
		}
	case bytes.HasPrefix(data, jpegMagic):
		kind = "jpeg"
		if !bytes.HasSuffix(bytes.TrimRight(data, "\x00"), []byte{0xFF, 0xD9}) {
			return Logo{}, logoRefused("The logo file holds more than a JPEG image (data after its end); save it again as a plain JPEG.")
		}
	default:
		return Logo{}, logoRefused("The logo must be a PNG or JPEG image (other formats, SVG among them, are not accepted).")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != kind {
		return Logo{}, logoRefused("The logo file could not be read as a " + upperKind(kind) + " image.")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxLogoSide || cfg.Height > maxLogoSide || cfg.Width*cfg.Height > maxLogoPixels {
		return Logo{}, logoRefused("The logo is " + strconv.Itoa(cfg.Width) + " × " + strconv.Itoa(cfg.Height) +
			" pixels; it may be at most " + strconv.Itoa(maxLogoSide) + " pixels on a side (it is shown at most " +
			strconv.Itoa(LogoWidth) + " × " + strconv.Itoa(LogoHeight) + ").")
	}
	var img image.Image
	if kind == "png" {
		img, err = png.Decode(bytes.NewReader(data))
	} else {
		img, err = jpeg.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return Logo{}, logoRefused("The logo file could not be read as a " + upperKind(kind) + " image.")
	}
	img = fitLogo(img)
	var out bytes.Buffer
	if kind == "png" {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img)
		return Logo{ContentType: "image/png", Body: out.Bytes()}, err
	}
	err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 90})
	return Logo{ContentType: "image/jpeg", Body: out.Bytes()}, err
}

func upperKind(kind string) string {
	if kind == "png" {
		return "PNG"
	}
	return "JPEG"
}

// pngEndsAtIEND walks a PNG's chunks: the file must end with its IEND
// chunk (a payload appended after it is what a polyglot file carries).
func pngEndsAtIEND(data []byte) bool {
	p := len(pngMagic)
	for p+12 <= len(data) {
		n := int(binary.BigEndian.Uint32(data[p:]))
		if n < 0 || n > len(data) {
			return false
		}
		typ := string(data[p+4 : p+8])
		end := p + 12 + n
		if end > len(data) {
			return false
		}
		if typ == "IEND" {
			return end == len(data)
		}
		p = end
	}
	return false
}

// fitLogo scales an image down (never up) to fit LogoWidth × LogoHeight,
// keeping its proportions; it always returns a fresh image.
func fitLogo(src image.Image) image.Image {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > LogoWidth {
		h, w = max(1, h*LogoWidth/w), LogoWidth
	}
	if h > LogoHeight {
		w, h = max(1, w*LogoHeight/h), LogoHeight
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(dst, dst.Bounds(), src, b.Min, draw.Src)
	} else {
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	}
	return dst
}

// SetLogo replaces the instance's logo (settings).
func (a *App) SetLogo(ctx context.Context, actor *Actor, data []byte) error {
	if err := actor.Require(access.Settings); err != nil {
		return err
	}
	logo, err := cleanLogo(data)
	if err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		had := actor.Instance.LogoVersion > 0
		if err := q.PutInstanceFile(ctx, actor.Instance.ID, store.FileLogo, logo.ContentType, logo.Body); err != nil {
			return err
		}
		if _, err := q.SetLogoVersion(ctx, actor.Instance.ID, true); err != nil {
			return err
		}
		before := "none"
		if had {
			before = "a logo"
		}
		return record(ctx, q, entry(actor, ActUpdate, "settings", 0, "General Settings",
			model.Change{Field: "logo", Before: before, After: "new logo (" + strconv.Itoa(len(logo.Body)) + " bytes)"}))
	})
}

// RemoveLogo removes the instance's logo (settings).
func (a *App) RemoveLogo(ctx context.Context, actor *Actor) error {
	if err := actor.Require(access.Settings); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(q *store.Q) error {
		if err := q.DeleteInstanceFile(ctx, actor.Instance.ID, store.FileLogo); err != nil {
			return err
		}
		if _, err := q.SetLogoVersion(ctx, actor.Instance.ID, false); err != nil {
			return err
		}
		return record(ctx, q, entry(actor, ActUpdate, "settings", 0, "General Settings",
			model.Change{Field: "logo", Before: "a logo", After: "none"}))
	})
}

// InstanceLogo is the instance's logo, for any member (the header shows
// it to all); ErrNotFound-kind when there is none.
func (a *App) InstanceLogo(ctx context.Context, actor *Actor) (Logo, error) {
	return a.logoOf(ctx, actor.Instance.ID)
}

func (a *App) logoOf(ctx context.Context, instanceID int64) (Logo, error) {
	f, err := a.store.Q().InstanceFile(ctx, instanceID, store.FileLogo)
	if errors.Is(err, store.ErrNotFound) {
		return Logo{}, errNotFound()
	}
	return Logo{ContentType: f.ContentType, Body: f.Body}, err
}

// LogoImage is the instance's logo decoded, for exports (PDF); nil when
// the instance has none or it cannot be read (an export goes on without).
func (a *App) LogoImage(ctx context.Context, actor *Actor) image.Image {
	if actor.Instance.LogoVersion <= 0 {
		return nil
	}
	l, err := a.logoOf(ctx, actor.Instance.ID)
	if err != nil {
		return nil
	}
	img, _, err := image.Decode(bytes.NewReader(l.Body))
	if err != nil {
		return nil
	}
	return img
}
