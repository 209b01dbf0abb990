package grafana

import "bytes"

// indent appends compact JSON src to dst indented by two spaces, byte for
// byte as json.Indent(dst, src, "", "  ") writes it. encoding/json's own
// indentation runs its full validating scanner over every byte again, after
// the encoder has already validated what the SDK's MarshalJSON methods
// returned: on a thousand services that was most of the build's time. src
// comes from encoding/json and is valid.
func indent(dst, src []byte) []byte {
	depth := 0
	open := false // just after { or [: the next byte decides whether it is empty
	for i := 0; i < len(src); i++ {
		c := src[i]
		if open && c != '}' && c != ']' {
			open = false
			depth++
			dst = newline(dst, depth)
		}
		switch c {
		case '"':
			// Copy the string up to its closing quote, escapes included.
			j := i + 1
			for {
				k := bytes.IndexAny(src[j:], `"\`)
				j += k
				if src[j] == '"' {
					break
				}
				j += 2 // a backslash and the byte it escapes
			}
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			dst = append(dst, c)
			open = true
		case '}', ']':
			if open {
				open = false
			} else {
				depth--
				dst = newline(dst, depth)
			}
			dst = append(dst, c)
		case ',':
			dst = append(dst, ',')
			dst = newline(dst, depth)
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

const spaces = "                                                                " // 64

func newline(dst []byte, depth int) []byte {
	dst = append(dst, '\n')
	for n := 2 * depth; n > 0; {
		k := min(n, len(spaces))
		dst = append(dst, spaces[:k]...)
		n -= k
	}
	return dst
}
