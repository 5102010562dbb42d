using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Receiving and delivering data messages is DeliveryQueues' (Internal/DeliveryQueues.cs); the member answers what it
// asks through IDeliveryHost.
public sealed partial class GroupMember : IDeliveryHost
{
    private readonly DeliveryQueues _delivery;

    private void Pump() => _delivery.Pump();
    private void DeliverNow(DataMessage m) => _delivery.Deliver(m);

    /// <summary>The BSS condition for entries other than the sender's (FIFO covers the sender's own entry).</summary>
    internal bool CausalPastDelivered(DataMessage m) => _delivery.CausalPastDelivered(m);

    private void RecountReachability() =>
        _delivery.Reachability(View.Members.Count(m => m != Self && StateOf(m) != MemberState.Active));

    bool IDeliveryHost.CausallyReady(DataMessage m) => Settings.Rules.CausallyReady(this, m);
    bool IDeliveryHost.SafeWaitOver(DataMessage m) => SafeWaitOver(m);
    bool IDeliveryHost.DeliverAgreedTotal() => DeliverAgreedTotal();
    void IDeliveryHost.NoteSafe(DataMessage m) => _safe.Note(m);

    void IDeliveryHost.LearnFrom(DataMessage m)
    {
        _stability.LearnPeerDelivered(m.Sender, m.Acks.AsSpan());
        _repair.LearnExistence(m.Clock.AsSpan(), reporter: m.Sender);
        if (_viewState.Logs[m.Sender].HasGap) StartGapTimer(m.Sender);
    }
}
