namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Flow control from the reader (<see cref="GroupMemberSettings.PacedByReader"/>). Such a member reports, wherever it
/// would report its delivered vector for stability (the acks piggy-backed on its data, its gossip), what its reader has
/// taken instead. Stability, and with it every sender's unstable bound and BackPressure, then waits for the slowest
/// reader of the view. The delivered vector itself still drives this member's delivery conditions and the flush. Not
/// paced, the reported vector is the delivered vector, unchanged.
/// </summary>
internal sealed class ReaderPacing(bool pacedByReader)
{
    private long[] _consumed = [];
    private ViewState? _view;

    /// <summary>What this member reports as delivered for stability in <paramref name="view"/>.</summary>
    public long[] Reported(ViewState view) => pacedByReader ? ConsumedIn(view) : view.Delivered;

    /// <summary>
    /// The reader took message <paramref name="sequence"/> of <paramref name="sender"/> (delivered here): it and every
    /// earlier message of its sender count as taken. False, changing nothing, if they already did.
    /// </summary>
    public bool Take(ViewState view, int sender, long sequence)
    {
        var consumed = ConsumedIn(view);
        if (sequence <= consumed[sender]) return false;
        consumed[sender] = sequence;
        view.DeliveredChanged = true; // gossip at the active interval: the senders wait for this
        return true;
    }

    /// <summary>Per sender, how many of its messages of <paramref name="view"/> the reader took; a new view starts from zero.</summary>
    private long[] ConsumedIn(ViewState view)
    {
        if (ReferenceEquals(_view, view)) return _consumed;
        _view = view;
        _consumed = new long[view.Size];
        return _consumed;
    }
}
