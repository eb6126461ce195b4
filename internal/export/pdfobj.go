package export

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"os"
)

// spoolMemory is how much of a PDF stays in memory before the rest goes to
// a temporary file.
const spoolMemory = 4 << 20

// spool holds a document's pages until Close: in memory while small, then
// in a temporary file, so that memory stays flat however long the export
// and nothing reaches the destination before the caller decides to send it.
type spool struct {
	mem  bytes.Buffer
	file *os.File
	buf  *bufio.Writer
}

func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && s.mem.Len()+len(p) <= spoolMemory {
		return s.mem.Write(p)
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "export-pdf-*")
		if err != nil {
			return 0, err
		}
		s.file, s.buf = f, bufio.NewWriterSize(f, 64<<10)
	}
	return s.buf.Write(p)
}

// copyTo writes everything spooled to w.
func (s *spool) copyTo(w io.Writer) error {
	if _, err := w.Write(s.mem.Bytes()); err != nil {
		return err
	}
	if s.file == nil {
		return nil
	}
	if err := s.buf.Flush(); err != nil {
		return err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, s.file)
	return err
}

// release removes the temporary file, if any.
func (s *spool) release() {
	if s.file != nil {
		s.file.Close()
		os.Remove(s.file.Name())
		s.file = nil
	}
	s.mem = bytes.Buffer{}
}

// objWriter writes numbered PDF objects and remembers where each starts, for
// the cross-reference table at the end. An object's number can be reserved
// before the object is written, so a page can point at its parent and its
// fonts before they exist.
type objWriter struct {
	w    io.Writer
	n    int64   // bytes written so far: the next object's offset
	offs []int64 // offs[i] is object i's offset; offs[0] is unused
	zw   *zlib.Writer
	zbuf bytes.Buffer
	err  error
}

func newObjWriter(w io.Writer) *objWriter {
	o := &objWriter{w: w, offs: []int64{0}}
	o.zw, _ = zlib.NewWriterLevel(&o.zbuf, zlib.BestSpeed)
	return o
}

func (o *objWriter) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	o.n += int64(n)
	o.err = err
	return n, err
}

func (o *objWriter) printf(format string, args ...any) {
	fmt.Fprintf(o, format, args...)
}

// reserve returns a new object number to be written later.
func (o *objWriter) reserve() int {
	o.offs = append(o.offs, -1)
	return len(o.offs) - 1
}

// object writes object num whose value is body (a dictionary, array, …).
func (o *objWriter) object(num int, body string) {
	o.offs[num] = o.n
	o.printf("%d 0 obj\n%s\nendobj\n", num, body)
}

// stream writes object num as a stream; dict holds the entries besides
// Length and Filter. Large data is compressed.
func (o *objWriter) stream(num int, dict string, data []byte) {
	filter := ""
	if len(data) > 256 {
		o.zbuf.Reset()
		o.zw.Reset(&o.zbuf)
		o.zw.Write(data)
		o.zw.Close()
		data, filter = o.zbuf.Bytes(), " /Filter /FlateDecode"
	}
	o.offs[num] = o.n
	o.printf("%d 0 obj\n<< %s /Length %d%s >>\nstream\n", num, dict, len(data), filter)
	o.Write(data)
	o.printf("\nendstream\nendobj\n")
}

// finish writes the cross-reference table and the trailer.
func (o *objWriter) finish(root, info int) error {
	xref := o.n
	o.printf("xref\n0 %d\n0000000000 65535 f \n", len(o.offs))
	for _, off := range o.offs[1:] {
		o.printf("%010d 00000 n \n", off)
	}
	o.printf("trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(o.offs), root, info, xref)
	return o.err
}
