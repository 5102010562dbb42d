using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol;

// Flow control from the reader is ReaderPacing's (Internal/ReaderPacing.cs); here the reader's input is checked.
public sealed partial class GroupMember
{
    private readonly ReaderPacing _pacing;

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
        return _pacing.Take(_viewState, id.Sender, id.Sequence);
    }

    /// <summary>What this member reports as delivered for stability: what its reader took when paced by it, else what it delivered.</summary>
    private long[] ReportedDelivered() => _pacing.Reported(_viewState);
}
