package hclscan

import "unicode/utf8"

// Which names a file may refer to is found by a byte scan of its source,
// not by parsing it: every identifier followed by ".name" (and
// "data.type.name") is taken as a reference, in strings and comments too.
// That over-approximates — a description mentioning local.x is taken as
// a reference — which a caller grouping files by their references (the
// flat reading of source/terraform) pays in parallelism, never in
// correctness. What the scan cannot vouch for (a non-ASCII identifier
// next to a dot; invalid UTF-8, which HCL splits its own way) makes it
// return false.

// RefScan calls visit for each candidate traversal a.b or a.b.c in src
// (c nil when absent). It returns false when src holds a reference it
// cannot read reliably.
func RefScan(src []byte, visit func(a, b, c []byte)) bool {
	if !utf8.Valid(src) {
		// HCL groups the bytes of invalid UTF-8 its own way: a name of
		// it may end where this scan sees another byte.
		return false
	}
	return refScan(src, visit)
}

func refScan(src []byte, visit func(a, b, c []byte)) bool {
	for i := 0; i < len(src); {
		if !refIdentStart(src[i]) || (i > 0 && refIdentChar(src[i-1]) && src[i-1] != '-') {
			i++
			continue
		}
		// A '-' is part of an HCL identifier, but an expression may also
		// read -local.x (a negation): an identifier after a '-' is taken
		// as a root too, which over-approximates.
		aEnd := refIdentEnd(src, i)
		a := src[i:aEnd]
		k := skipSpace(src, aEnd, true)
		if At(src, k) != '.' {
			i = aEnd
			continue
		}
		k = skipSpace(src, k+1, true)
		if k >= len(src) || !refIdentStart(src[k]) {
			i = aEnd
			continue
		}
		bEnd := refIdentEnd(src, k)
		b := src[k:bEnd]
		var c []byte
		if k2 := skipSpace(src, bEnd, true); At(src, k2) == '.' {
			if k3 := skipSpace(src, k2+1, true); k3 < len(src) && refIdentStart(src[k3]) {
				c = src[k3:refIdentEnd(src, k3)]
			}
		}
		if !isASCII(a) || !isASCII(b) || !isASCII(c) {
			return false
		}
		visit(a, b, c)
		i = aEnd
	}
	return true
}

// refIdentStart and refIdentChar follow HCL's identifiers; any byte of a
// multi-byte character counts as a letter, so that a non-ASCII name is
// seen whole (and refused).
func refIdentStart(c byte) bool { return IsIdentStart(c) || c >= 0x80 }

func refIdentChar(c byte) bool {
	return refIdentStart(c) || c == '-' || (c >= '0' && c <= '9')
}

func refIdentEnd(src []byte, i int) int {
	for i < len(src) && refIdentChar(src[i]) {
		i++
	}
	return i
}
