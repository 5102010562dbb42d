using ActorCausal.Streams;

namespace ActorCausal.Streams.Tests.Support;

/// <summary>
/// Judges a merge's output against the workload's own record: no element twice, every element (when complete), each
/// after everything it must follow, and each element's commit point sound (every record of its partition below it was
/// emitted by then). By induction, following the direct predecessors means following everything that happened before.
/// </summary>
public static class CausalOrderChecker
{
    public static List<string> Violations(CausalWorkload workload, IReadOnlyList<CausalMerged<int>> output, bool complete,
        IReadOnlySet<CausalId>? emittedBefore = null)
    {
        var violations = new List<string>();
        var seen = new HashSet<CausalId>(emittedBefore ?? new HashSet<CausalId>());
        var emittedOffsets = Enumerable.Range(0, workload.Partitions).Select(_ => new HashSet<long>()).ToArray();
        var byPartition = workload.Records.Select(r => r.Where(x => x.Element is not null).ToDictionary(x => x.Offset, x => x.Element!.Id)).ToArray();
        foreach (var (partition, records) in byPartition.Select((r, i) => (i, r)))
            foreach (var (offset, id) in records)
                if (seen.Contains(id)) emittedOffsets[partition].Add(offset);

        foreach (var merged in output)
        {
            var id = merged.Element.Id;
            if (!workload.MustFollow.TryGetValue(id, out var follows)) { violations.Add($"{id} was never written"); continue; }
            if (!seen.Add(id)) violations.Add($"{id} emitted twice");
            foreach (var before in follows)
                if (!seen.Contains(before)) violations.Add($"{id} emitted before {before}");
            emittedOffsets[merged.Partition].Add(merged.Offset);
            foreach (var (offset, other) in byPartition[merged.Partition])
                if (offset < merged.SafeOffset && !emittedOffsets[merged.Partition].Contains(offset))
                    violations.Add($"{id}: commit point {merged.SafeOffset} of partition {merged.Partition} passes {other} at {offset}, not emitted");
        }
        if (complete)
            foreach (var id in workload.MustFollow.Keys)
                if (!seen.Contains(id)) violations.Add($"{id} never emitted");
        return violations;
    }
}
