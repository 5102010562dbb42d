namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// A member that stopped (left, downed, excluded, or its group actor failed) sends, delivers, installs and loads nothing more; a crashed member's
/// history ends at its crash (the first event after it is reported).
/// </summary>
public sealed class AfterStopCheck : IInvariantCheck
{
    public string Name => "nothing after stop";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        for (var p = 0; p < index.Count; p++)
        {
            var self = index.MemberAt(p);
            var events = index.Histories[p].Events;
            var stopped = false;
            for (var k = 0; k < events.Count; k++)
            {
                var e = events[k];
                if (k > index.Members[p].CrashIndex && index.Members[p].CrashIndex >= 0)
                {
                    yield return new InvariantViolation(ViolationKind.AfterStop, self, e is MessageEvent me ? [me.Id] : [], $"event after its crash: {e}");
                    break;
                }
                switch (e)
                {
                    case StopEvent or FailedEvent:
                        stopped = true;
                        break;
                    case ViewEvent v when stopped:
                        yield return new InvariantViolation(ViolationKind.AfterStop, self, [], $"installed view {v.ViewId} after it stopped");
                        break;
                    case SnapshotLoadEvent load when stopped:
                        yield return new InvariantViolation(ViolationKind.AfterStop, self, [], $"loaded a snapshot for view {load.ViewId} after it stopped");
                        break;
                    case MergedStateEvent merged when stopped:
                        yield return new InvariantViolation(ViolationKind.AfterStop, self, [], $"merged another group's state for view {merged.ViewId} after it stopped");
                        break;
                    case SendEvent s when stopped:
                        yield return new InvariantViolation(ViolationKind.AfterStop, self, [s.Id], "sent after it stopped");
                        break;
                    case DeliverEvent d when stopped:
                        yield return new InvariantViolation(ViolationKind.AfterStop, self, [d.Id], "delivered after it stopped");
                        break;
                }
            }
        }
    }
}
