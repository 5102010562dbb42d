using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>What <see cref="ViewInstaller"/> needs from its member beyond the <see cref="IViewContext"/>.</summary>
internal interface IViewInstallHost : IViewContext
{
    MemberPhase Phase { get; }
    /// <summary>What this member sends to ask for a commit it missed (its last flush reply, or an ack of its highest round).</summary>
    ProtocolMessage MissedCommitAsk { get; }

    /// <summary>Replaces every per-view state with <paramref name="view"/>'s: the member is normal in it, every member ACTIVE.</summary>
    void StartView(GroupView view);
    void Stop(StopReason reason, string detail);
    /// <summary>Broadcasts in the installed view (a broadcast held while the view changed).</summary>
    void Send(object payload, DeliveryOrder order, ImmutableArray<MessageId> dependsOn);
    /// <summary><see cref="GroupMember.Receive"/>: a message kept for the view just installed.</summary>
    ReceiveOutcome Receive(MemberId from, ProtocolMessage message);
    /// <summary>The coordinator starts a flush if the membership it wants differs from the view.</summary>
    void CoordinateViewChange();
    /// <summary>The commit closed the view to merge into another group: stop for the merge.</summary>
    void StopForMerge(GroupView target);
    /// <summary>A merge commit: deliver the other sides' state before the merged view.</summary>
    void DeliverMergedSides(FlushDecision decision, long nextViewId);
    /// <summary>A welcome's snapshots of the other sides of a merge.</summary>
    void AddWelcomeSnapshots(Welcome welcome);
}
