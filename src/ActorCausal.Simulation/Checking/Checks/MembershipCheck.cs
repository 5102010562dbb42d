namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// Membership (simulator runs with faults): a view leaves out a member only if the cluster removed it or it left (a
/// suspicion alone changes no view), and names only members that exist and are founders or asked to join. Judged from
/// the cluster facts the simulator recorded at each install (<see cref="RunFacts.Installs"/>).
/// </summary>
public sealed class MembershipCheck : IInvariantCheck
{
    public string Name => "membership";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        for (var p = 0; p < index.Count; p++)
        {
            if (index.Histories[p].Facts is not { } facts) continue;
            var self = index.MemberAt(p);
            foreach (var install in facts.Installs)
            {
                if (install.Previous is { } previous)
                {
                    foreach (var m in previous)
                    {
                        if (!install.Members.Contains(m) && !install.RemovedByCluster.Contains(m) && !install.LeaveCalled.Contains(m))
                            yield return new InvariantViolation(ViolationKind.Membership, self, [],
                                $"at {install.TimeMs} ms installed view {install.ViewId} without {m}, which the cluster never removed and which never left");
                    }
                }
                foreach (var m in install.Members)
                {
                    if (!install.Existing.Contains(m))
                        yield return new InvariantViolation(ViolationKind.Membership, self, [], $"at {install.TimeMs} ms installed view {install.ViewId} with {m}, a member that does not exist");
                    else if (!install.Founders.Contains(m) && !install.AskedToJoin.Contains(m))
                        yield return new InvariantViolation(ViolationKind.Membership, self, [], $"at {install.TimeMs} ms installed view {install.ViewId} with {m}, which never asked to join");
                }
            }
        }
    }
}
