using ActorCausal.Protocol;

namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>Orders ids by view, sender rank, sequence: for stable reports.</summary>
internal sealed class MessageIdOrder : IComparer<MessageId>
{
    public static readonly MessageIdOrder Instance = new();

    public int Compare(MessageId x, MessageId y)
    {
        var c = x.ViewId.CompareTo(y.ViewId);
        if (c != 0) return c;
        c = x.Sender.CompareTo(y.Sender);
        return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
    }
}
