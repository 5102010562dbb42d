// The tests start real clusters on loopback; running them one at a time keeps the failure detectors of one test from
// being starved by another's load on a two-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
