using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// Liveness at the end of a fault schedule that did not reach quiescence (and did not end in a protocol error): no
/// membership event was still pending; every member that left or was downed stopped; every correct member settled in
/// normal phase in one common view that holds exactly the correct members, with no held broadcast unsent.
/// </summary>
public sealed class LivenessAtEndCheck : IInvariantCheck
{
    public string Name => "liveness at the end";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        if (EndOfRun.Outcome(index) is not { FaultsOn: true, Quiescent: false, ProtocolError: null } run) yield break;
        InvariantViolation At(MemberId member, string detail) => new(ViolationKind.Quiescence, member, [], $"at {run.EndTimeMs} ms: {detail}");

        if (run.PendingMembershipEvents > 0) yield return At(default, $"{run.PendingMembershipEvents} membership events still pending");
        var correct = new List<(int Member, MemberEndState State)>();
        foreach (var (p, end) in EndOfRun.States(index))
        {
            if (end.Gone) continue;
            if ((end.Leaving || end.Downed) && !end.Stopped) yield return At(index.MemberAt(p), end.Leaving ? "left but never stopped" : "downed but never stopped");
            if (end.Correct) correct.Add((p, end));
        }
        MemberEndState? common = null;
        foreach (var (p, end) in correct)
        {
            if (end.Joining || end.Phase != MemberPhase.Normal || end.ViewId is null)
            {
                yield return At(index.MemberAt(p), end.Joining ? "still joining" : $"in phase {end.Phase}");
                continue;
            }
            if (common is null) common = end;
            else if (common.ViewId != end.ViewId)
                yield return At(index.MemberAt(p), $"in view {end.ViewId}, {index.MemberAt(correct[0].Member)} in view {common.ViewId}");
            if (end.HeldUnsent > 0) yield return At(index.MemberAt(p), $"{end.HeldUnsent} held broadcasts never sent");
        }
        if (common is not null)
        {
            var expected = correct.Select(c => index.MemberAt(c.Member)).ToHashSet();
            if (!expected.SetEquals(common.ViewMembers))
                yield return At(default,
                    $"view {common.ViewId} is [{string.Join(", ", common.ViewMembers)}] but the correct members are [{string.Join(", ", correct.Select(c => index.MemberAt(c.Member)))}]");
        }
    }
}
