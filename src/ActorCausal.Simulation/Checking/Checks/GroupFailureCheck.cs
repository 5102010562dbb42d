namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// A failure is a failure: a member whose group actor failed (or stopped for no protocol reason) is reported, unless the
/// test caused it (<see cref="CheckerOptions.CausedFailures"/>). Recorders must not pass such a stop off as an exclusion,
/// which would only relax the other checks for that member.
/// </summary>
public sealed class GroupFailureCheck : IInvariantCheck
{
    public string Name => "no group actor failure";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        for (var p = 0; p < index.Count; p++)
        {
            var member = index.MemberAt(p);
            if (options.CausedFailures.Contains(member)) continue;
            foreach (var e in index.Histories[p].Events)
            {
                if (e is FailedEvent failed)
                    yield return new InvariantViolation(ViolationKind.GroupFailed, member, [], $"its group actor failed ({failed.Reason}): {failed.Detail}");
            }
        }
    }
}
