using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking;

/// <summary>
/// Builds per-member histories by appending events; the order of calls for one member is that member's local order.
/// Members appear in the order they are first named (or added with <see cref="AddMember"/>).
/// </summary>
public sealed class HistoryBuilder
{
    private readonly List<MemberId> _members = new();
    private readonly Dictionary<MemberId, List<HistoryEvent>> _events = new();

    public HistoryBuilder AddMember(MemberId member)
    {
        Events(member);
        return this;
    }

    public HistoryBuilder Send(MemberId member, MessageId id, DeliveryOrder order, params MessageId[] dependsOn)
    {
        Events(member).Add(new SendEvent(id, order.BaseOrder(), dependsOn.ToImmutableArray()) { Safe = order.IsSafe() });
        return this;
    }

    public HistoryBuilder Deliver(MemberId member, MessageId id, MemberId sender, DeliveryOrder order)
    {
        Events(member).Add(new DeliverEvent(id, sender, order.BaseOrder()) { Safe = order.IsSafe() });
        return this;
    }

    public HistoryBuilder View(MemberId member, long viewId, params MemberId[] members)
    {
        Events(member).Add(new ViewEvent(viewId, members.ToImmutableArray()));
        return this;
    }

    /// <summary>Every one of <paramref name="members"/> installs view <paramref name="viewId"/> with exactly those members.</summary>
    public HistoryBuilder ViewAll(long viewId, params MemberId[] members)
    {
        foreach (var m in members) View(m, viewId, members);
        return this;
    }

    public HistoryBuilder LoadSnapshot(MemberId member, long viewId, params MessageId[] state)
    {
        Events(member).Add(new SnapshotLoadEvent(viewId, state.ToImmutableArray()));
        return this;
    }

    public HistoryBuilder Stop(MemberId member, StopReason reason, string detail = "")
    {
        Events(member).Add(new StopEvent(reason, detail));
        return this;
    }

    public HistoryBuilder Crash(MemberId member)
    {
        Events(member).Add(new CrashEvent());
        return this;
    }

    /// <summary>Records split <paramref name="number"/> in the history of every member named on either side.</summary>
    public HistoryBuilder Partition(int number, MemberId[] minority, MemberId[] majority)
    {
        var e = new PartitionEvent(number, minority.ToImmutableArray(), majority.ToImmutableArray());
        foreach (var m in minority.Concat(majority)) Events(m).Add(e);
        return this;
    }

    public HistoryBuilder Add(MemberId member, HistoryEvent historyEvent)
    {
        ArgumentNullException.ThrowIfNull(historyEvent);
        Events(member).Add(historyEvent);
        return this;
    }

    public IReadOnlyList<MemberHistory> Build() =>
        _members.Select(m => new MemberHistory(m, _events[m].ToArray())).ToArray();

    private List<HistoryEvent> Events(MemberId member)
    {
        if (!_events.TryGetValue(member, out var list))
        {
            list = new List<HistoryEvent>();
            _events.Add(member, list);
            _members.Add(member);
        }
        return list;
    }
}
