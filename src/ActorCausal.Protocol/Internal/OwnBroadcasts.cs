using System.Collections.Immutable;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// This member's own broadcasts in its view: which dependencies one may name, the unstable bound (broadcasts held for
/// the next view count against it), and stamping a broadcast with the view's sequence number, clock and acknowledgements.
/// </summary>
internal sealed class OwnBroadcasts(IOwnBroadcastsHost host, GroupMemberSettings settings, MemberCounters counters,
    HybridLogicalClock hlc, HeldBroadcasts held, DeliveryQueues delivery, Stability stability)
{
    /// <summary>The dependencies of a broadcast, without those of earlier views or merged sides (in every member's state); or why they cannot be named.</summary>
    public string? ValidateDependencies(IReadOnlyCollection<MessageId> dependsOn, out ImmutableArray<MessageId> deps)
    {
        var v = host.ViewState;
        var view = host.View;
        var builder = ImmutableArray.CreateBuilder<MessageId>(dependsOn.Count);
        deps = ImmutableArray<MessageId>.Empty;
        foreach (var dep in dependsOn)
        {
            // Already in the state of every member of this view, so not sent: a closed view of this group (the view
            // change delivered it everywhere, joiners loaded it) or a side merged into it (docs/protocol.md, Explicit dependencies).
            if (dep.ViewId < view.Id && MergeRules.SameGroup(dep.ViewId, view.Id)) continue;
            if (host.HoldsMergedState(dep)) continue;
            if (!MergeRules.SameGroup(dep.ViewId, view.Id))
                return $"Dependency {dep} is of another group's view, whose state this member was not handed in a merge: nothing can make it precede this message.";
            if (dep.ViewId > view.Id || dep.Sender < 0 || dep.Sender >= v.Size || dep.Sequence < 1)
                return $"Dependency {dep} is not a message of {view}.";
            var known = dep.Sender == host.Rank ? dep.Sequence <= v.Seq : dep.Sequence <= v.Delivered[dep.Sender];
            if (!known) return $"Dependency {dep} has not been delivered here, so it might never arrive.";
            if (!builder.Contains(dep)) builder.Add(dep);
        }
        deps = builder.ToImmutable();
        return null;
    }

    /// <summary>In an installed view: sends now, holds for the next view while one is being agreed, or refuses at the unstable bound.</summary>
    public BroadcastResult SendOrHold(object payload, DeliveryOrder order, ImmutableArray<MessageId> deps)
    {
        var v = host.ViewState;
        var own = v.Logs[host.Rank];
        // Held broadcasts count against the same bound as unstable ones.
        if (host.Phase == MemberPhase.Flushing || held.Count > 0)
        {
            if (v.Seq - own.Stable + held.Count < settings.MaxUnstable) return BroadcastResult.Held(held.Hold(payload, order, deps));
            counters.Refused++;
            return BroadcastResult.Refused(BroadcastRefusal.BackPressure,
                $"{held.Count} broadcasts are held for the next view and {v.Seq - own.Stable} are not yet delivered everywhere (limit {settings.MaxUnstable}).");
        }
        if (v.Seq - own.Stable >= settings.MaxUnstable)
        {
            stability.Recompute();
            if (v.Seq - own.Stable >= settings.MaxUnstable)
            {
                counters.Refused++;
                return BroadcastResult.Refused(BroadcastRefusal.BackPressure,
                    $"{v.Seq - own.Stable} of this member's messages are not yet delivered everywhere (limit {settings.MaxUnstable}).");
            }
        }
        return Send(payload, order, deps);
    }

    /// <summary>False exactly when <see cref="SendOrHold"/> would now refuse for back-pressure (counting what the others reported so far).</summary>
    public bool HasRoom
    {
        get
        {
            var v = host.ViewState;
            var own = v.Logs[host.Rank];
            if (host.Phase == MemberPhase.Flushing || held.Count > 0) return v.Seq - own.Stable + held.Count < settings.MaxUnstable;
            var stable = Math.Max(own.Stable, v.Acks.StableUpTo(host.Rank, host.ReportedDelivered()[host.Rank]));
            return v.Seq - stable < settings.MaxUnstable;
        }
    }

    /// <summary>Sends a broadcast to the view now and delivers it here when its conditions allow.</summary>
    public BroadcastResult Send(object payload, DeliveryOrder order, ImmutableArray<MessageId> deps)
    {
        var v = host.ViewState;
        var own = v.Logs[host.Rank];
        var seq = ++v.Seq;
        counters.Sent++;
        v.Knowledge[host.Rank] = seq;
        var message = new DataMessage(host.View.Id, host.Rank, seq, order.BaseOrder(),
            VectorClock.Wrap((long[])v.Knowledge.Clone()), VectorClock.Wrap((long[])host.ReportedDelivered().Clone()),
            hlc.Send(host.Now), deps, payload) { Safe = order.IsSafe() };
        own.Put(message, host.Now);
        host.NoteSafe(message);
        host.Emit(new SendToAll(message));
        delivery.Pump();
        if (own.Delivered < seq) counters.Delayed++;
        return BroadcastResult.Sent(message.Id);
    }
}
