using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Total order is TotalOrdering's (Internal/TotalOrdering.cs); the member hands it causally ready messages and
// proposals, and answers what it asks through ITotalOrderHost.
public sealed partial class GroupMember : ITotalOrderHost
{
    private readonly TotalOrdering _total;

    /// <summary>Delivers the head of the ISIS queue while its priority is final, or a flush's decided order while it commits.</summary>
    private bool DeliverAgreedTotal() =>
        _viewState.Flush is FlushDelivery.Committing commit ? DeliverFlushOrder(commit) : _total.DeliverAgreed();

    AcknowledgementMatrix ITotalOrderHost.Acks => _viewState.Acks;
    bool ITotalOrderHost.FlushDecidesNothing => _viewState.Flush.DecidesNothing;
    void ITotalOrderHost.StartGapTimer(int sender) => StartGapTimer(sender);
    void ITotalOrderHost.Pump() => Pump();
    bool ITotalOrderHost.SafeWaitOver(DataMessage m) => SafeWaitOver(m);
    void ITotalOrderHost.Deliver(DataMessage m) => DeliverNow(m);
}
