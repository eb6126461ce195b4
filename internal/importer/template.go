package importer

import "strings"

// Template returns the CSV offered for download on the Import Users page:
// the header and one example row.
//
// It has CRLF line ends, as RFC 4180 and Excel write them, and no byte
// order mark: it is plain ASCII, so a BOM would change nothing for Excel
// and only trip scripts that read the header name "username". The example
// uses example.org, a domain reserved for examples, so a template uploaded
// unchanged mails nobody real.
func Template() []byte {
	return []byte(strings.Join(columns[:], ",") + "\r\n" +
		"jane.doe@example.org,Jane,Doe,User,true\r\n")
}
