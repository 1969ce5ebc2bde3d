package coding

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/perdiem/perdiem/civil"
)

// sprintf is fmt.Sprintf for the messages of warnings and problems, which
// use %s of strings, dates and field references and %d of ints: it writes
// those straight into the text, without fmt's reflection, and hands
// anything else (another verb or type, a missing or extra argument) to
// fmt.Sprintf, so the text is always the one fmt writes.
func sprintf(format string, args ...any) string {
	var buf [256]byte
	b := buf[:0]
	n := 0
	for i := 0; i < len(format); i++ {
		j := strings.IndexByte(format[i:], '%')
		if j < 0 {
			b = append(b, format[i:]...)
			break
		}
		b = append(b, format[i:i+j]...)
		i += j
		if i+1 < len(format) && format[i+1] == '%' {
			b = append(b, '%')
			i++
			continue
		}
		if i+1 == len(format) || n == len(args) {
			return fmt.Sprintf(format, args...)
		}
		i++
		switch v := args[n].(type) {
		case string:
			if format[i] != 's' {
				return fmt.Sprintf(format, args...)
			}
			b = append(b, v...)
		case civil.Date:
			if format[i] != 's' {
				return fmt.Sprintf(format, args...)
			}
			b = v.AppendISO(b)
		case ref:
			if format[i] != 's' {
				return fmt.Sprintf(format, args...)
			}
			b = v.appendTo(b)
		case int:
			if format[i] != 'd' {
				return fmt.Sprintf(format, args...)
			}
			b = strconv.AppendInt(b, int64(v), 10)
		default:
			return fmt.Sprintf(format, args...)
		}
		n++
	}
	if n != len(args) {
		return fmt.Sprintf(format, args...)
	}
	return string(b)
}
