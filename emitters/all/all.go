// Package all lists svcgen's emitters in the fixed order builds run and
// report them.
package all

import (
	"github.com/svcgen/svcgen/emitters/catalogjson"
	"github.com/svcgen/svcgen/emitters/emit"
	"github.com/svcgen/svcgen/emitters/prometheus"
)

// Emitters returns a fresh list of every emitter, in report order.
func Emitters() []emit.Emitter {
	return []emit.Emitter{
		catalogjson.Emitter{},
		prometheus.Emitter{},
	}
}
