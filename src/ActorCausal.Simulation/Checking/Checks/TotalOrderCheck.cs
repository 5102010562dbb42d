using ActorCausal.Protocol;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// Invariant 4 (total order): two correct members deliver the total-order messages they both deliver in the same order.
/// With <see cref="CheckerOptions.UniformTotalOrder"/>, also through members that did not stay correct
/// (<see cref="ViolationKind.UniformTotal"/>). One violation per pair of members: the first inversion.
/// </summary>
public sealed class TotalOrderCheck : IInvariantCheck
{
    public string Name => "total order";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        var n = index.Count;
        var positions = new Dictionary<MessageId, int>[n];
        for (var p = 0; p < n; p++)
        {
            var sequence = index.Members[p].TotalSequence;
            positions[p] = new Dictionary<MessageId, int>(sequence.Count);
            for (var k = 0; k < sequence.Count; k++) positions[p][sequence[k]] = k;
        }

        for (var p = 0; p < n; p++)
        {
            for (var r = p + 1; r < n; r++)
            {
                var bothCorrect = index.Fates[p] == InvariantChecker.Fate.Correct && index.Fates[r] == InvariantChecker.Fate.Correct;
                if (!bothCorrect && !options.UniformTotalOrder) continue;
                // Walk p's order; r's positions of the common messages must increase.
                var maxPosition = -1;
                MessageId maxId = default;
                foreach (var id in index.Members[p].TotalSequence)
                {
                    if (!positions[r].TryGetValue(id, out var at)) continue;
                    if (at < maxPosition)
                    {
                        var detail = $"{index.MemberAt(p)} delivered {maxId} before {id}; {index.MemberAt(r)} delivered {id} before {maxId}";
                        yield return bothCorrect
                            ? new InvariantViolation(ViolationKind.Total, index.MemberAt(r), [maxId, id], detail)
                            : new InvariantViolation(ViolationKind.UniformTotal, index.MemberAt(r), [maxId, id],
                                $"{detail} ({index.MemberAt(p)} {index.Fates[p]}, {index.MemberAt(r)} {index.Fates[r]})");
                        break;
                    }
                    maxPosition = at;
                    maxId = id;
                }
            }
        }
    }
}
