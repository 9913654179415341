package main

import (
	"os"
	"runtime/debug"
)

// poollint's live heap is small and flat (a few MB: the apps in flight),
// but each app allocates its files, trees and findings afresh. At Go's
// default GOGC=100 the heap goal sits at its 4 MB floor, and a 10,000-app
// tree ran about 850 collections, each with stop-the-world phases that
// park and wake threads; the GC took 10% of the CPU, more with two cores.
// A higher GOGC raises the floor (4 MB x GOGC/100) and the multiple of the
// live heap. At 400 a run made 122 collections, at 800 about 55, and the
// best of six GOMAXPROCS=2 runs was 3% faster again (peak RSS 33 -> 49 MB);
// a collection stops both cores, so they cost GOMAXPROCS=2 the most. The
// soft memory limit keeps a large live heap (a hostile 1 MB Ruby file)
// from growing to that multiple. Either is left alone when the user set
// it in the environment.
const (
	gcPercent   = 800
	memoryLimit = 512 << 20
)

func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}
}
