using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Total order is TotalOrdering's (Internal/TotalOrdering.cs); the member hands it causally ready messages and
// proposals, and answers what it asks through ITotalOrderHost.
public sealed partial class GroupMember : ITotalOrderHost
{
    private readonly TotalOrdering _total;
    private SymmetricOrdering? _symmetricState;

    /// <summary>The symmetric order's state when <see cref="GroupMemberSettings.TotalOrder"/> is <see cref="TotalOrderMode.Symmetric"/>, else null.</summary>
    private SymmetricOrdering? Symmetric => Settings.TotalOrder == TotalOrderMode.Symmetric ? _symmetricState ??= new SymmetricOrdering(this, Settings, _hlc, _total) : null;

    /// <summary>Delivers the head of the ISIS queue while its priority is final, or a flush's decided order while it commits.</summary>
    private bool DeliverAgreedTotal() =>
        _viewState.Flush is FlushDelivery.Committing commit ? DeliverFlushOrder(commit) : _total.DeliverAgreed();

    AcknowledgementMatrix ITotalOrderHost.Acks => _viewState.Acks;
    bool ITotalOrderHost.FlushDecidesNothing => _viewState.Flush.DecidesNothing;
    void ITotalOrderHost.StartGapTimer(int sender) => StartGapTimer(sender);
    void ITotalOrderHost.Pump() => Pump();
    bool ITotalOrderHost.SafeWaitOver(DataMessage m) => SafeWaitOver(m) && Symmetric?.Passed(m) != false;
    void ITotalOrderHost.Deliver(DataMessage m) => DeliverNow(m);
    void IDeliveryHost.ProcessedInOrder(DataMessage m) => Symmetric?.Processed(m);

    private ReceiveOutcome OnClockHeartbeat(MemberId from, int fromRank, ClockHeartbeat heartbeat) =>
        Symmetric is { } symmetric ? symmetric.OnHeartbeat(from, fromRank, heartbeat)
            : Reject(from, RejectReason.Malformed, $"A clock heartbeat, but this member orders total-order messages {Settings.TotalOrder}: every member of a group must use the same total-order mode.");
}
