namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// Views: a message of view v is sent and delivered only while in view v, and its sender rank is the sender's rank in v
/// (checked at the sender).
/// </summary>
public sealed class InViewCheck : IInvariantCheck
{
    public string Name => "in view";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        for (var p = 0; p < index.Count; p++)
        {
            var self = index.MemberAt(p);
            var member = index.Members[p];
            var events = index.Histories[p].Events;
            var end = member.CrashIndex < 0 ? events.Count : member.CrashIndex;
            var deliveries = 0;
            long? current = null;
            for (var k = 0; k < end; k++)
            {
                switch (events[k])
                {
                    case ViewEvent v:
                        current = v.ViewId;
                        break;
                    case SendEvent s when current is { } view:
                        if (s.Id.ViewId != view)
                            yield return new InvariantViolation(ViolationKind.View, self, [s.Id], $"sent a message of view {s.Id.ViewId} while in view {view}");
                        else if (index.Views.TryGetValue(s.Id.ViewId, out var members) && members.IndexOf(self) is var rank && rank != s.Id.Sender)
                            yield return new InvariantViolation(ViolationKind.View, self, [s.Id], $"sent {s.Id} with sender rank {s.Id.Sender}; its rank in view {s.Id.ViewId} is {rank}");
                        break;
                    case DeliverEvent:
                    {
                        var d = member.Deliveries[deliveries++];
                        if (d.Accepted && d.View is { } at && d.Id.ViewId != at)
                            yield return new InvariantViolation(ViolationKind.View, self, [d.Id], $"delivered a message of view {d.Id.ViewId} while in view {at}");
                        break;
                    }
                }
            }
        }
    }
}
