using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Flow control from the reader (GroupMemberSettings.PacedByReader). Such a member reports, wherever it would report
// its delivered vector for stability (the acks piggy-backed on its data, its gossip), what its reader has taken
// (Consumed) instead. Stability, and with it every sender's unstable bound and BackPressure, then waits for the
// slowest reader of the view. The delivered vector itself still drives this member's delivery conditions and the
// flush. Not opted in, the reported vector is the delivered vector, unchanged.
public sealed partial class GroupMember
{
    private long[] _consumed = [];
    private object? _consumedView;

    /// <summary>
    /// The reader of this member took <paramref name="id"/>, a message delivered here (only with
    /// <see cref="GroupMemberSettings.PacedByReader"/>). Deliveries are taken in delivery order, so each sender's
    /// taken messages are a prefix: this counts <paramref name="id"/> and every earlier message of its sender as
    /// consumed. Returns false, changing nothing, for a message of another view (its view is closed: consumption no
    /// longer decides anything there), a position already counted, or a member that is joining or stopped.
    /// </summary>
    /// <exception cref="InvalidOperationException">The member is not <see cref="GroupMemberSettings.PacedByReader"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> names a message of this view not delivered here.</exception>
    public bool Consumed(MessageId id)
    {
        if (!Settings.PacedByReader)
            throw new InvalidOperationException($"{Self} is not paced by its reader ({nameof(GroupMemberSettings.PacedByReader)} is off): its deliveries count as consumed.");
        if (Phase is MemberPhase.Joining or MemberPhase.Stopped || id.ViewId != View.Id) return false;
        if (id.Sender < 0 || id.Sender >= _viewState.Size || id.Sequence < 1 || id.Sequence > _viewState.Delivered[id.Sender])
            throw new ArgumentOutOfRangeException(nameof(id), id, $"{id} is not a message of {View} delivered here.");
        var consumed = ConsumedVector();
        if (id.Sequence <= consumed[id.Sender]) return false;
        consumed[id.Sender] = id.Sequence;
        _viewState.DeliveredChanged = true; // gossip at the active interval: the senders wait for this
        return true;
    }

    /// <summary>What this member reports as delivered for stability: what its reader took when paced by it, else what it delivered.</summary>
    private long[] ReportedDelivered() => Settings.PacedByReader ? ConsumedVector() : _viewState.Delivered;

    /// <summary>Per sender, how many of its messages of the current view the reader took; a new view starts from zero.</summary>
    private long[] ConsumedVector()
    {
        if (ReferenceEquals(_consumedView, _viewState)) return _consumed;
        _consumedView = _viewState;
        _consumed = new long[_viewState.Size];
        return _consumed;
    }
}
