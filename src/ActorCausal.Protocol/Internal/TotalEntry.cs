using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>ISIS agreement state of one total-order message at one member, from the first thing heard about it until delivery.</summary>
internal sealed class TotalEntry(MessageId id, int members)
{
    private readonly Priority[] _proposals = new Priority[members];

    public MessageId Id { get; } = id;

    /// <summary>Set once the message is causally ready here and has joined the queue.</summary>
    public DataMessage? Message { get; set; }

    public bool InQueue { get; set; }

    public bool HasOwnProposal { get; set; }
    public Priority OwnProposal { get; set; }

    public int ProposalCount { get; private set; }
    public Priority MaxProposal { get; private set; }

    public bool IsFinal { get; set; }
    public Priority Final { get; set; }

    /// <summary>The priority the queue sorts by: the final one once known, else this member's proposal.</summary>
    public Priority QueueKey => IsFinal ? Final : OwnProposal;

    public long EnqueuedAtMs { get; set; }
    public long RetryAtMs { get; set; }
    public long RetryBackoffMs { get; set; }
    /// <summary>A retry was sent for it: its decision time is no sample of the network's.</summary>
    public bool Retried { get; set; }

    public bool HasProposalFrom(int rank) => _proposals[rank].Number != 0;

    /// <summary>When this member asked each member about the message, by ask number - 1 (null until the first ask).</summary>
    private List<long>?[]? _askTimes;

    public int AskCount(int rank) => _askTimes?[rank]?.Count ?? 0;

    public long LastAskAtMs(int rank) => _askTimes![rank]![^1];

    /// <summary>Records an ask to <paramref name="rank"/> sent at <paramref name="nowMs"/>; returns its number (from 1).</summary>
    public int RecordAsk(int rank, long nowMs)
    {
        var times = (_askTimes ??= new List<long>?[_proposals.Length])[rank] ??= new List<long>();
        times.Add(nowMs);
        return times.Count;
    }

    /// <summary>When ask <paramref name="number"/> to <paramref name="rank"/> was sent, if it was.</summary>
    public bool TryGetAskTime(int rank, int number, out long atMs)
    {
        var times = _askTimes?[rank];
        var found = times is not null && number >= 1 && number <= times.Count;
        atMs = found ? times![number - 1] : 0;
        return found;
    }

    /// <summary>Records a proposal; false when this rank had already proposed.</summary>
    public bool AddProposal(int rank, Priority priority)
    {
        if (HasProposalFrom(rank)) return false;
        _proposals[rank] = priority;
        ProposalCount++;
        if (priority > MaxProposal) MaxProposal = priority;
        return true;
    }
}

/// <summary>Orders the ISIS queue by current priority; priorities are unique per member (a rank never proposes a number twice).</summary>
internal sealed class TotalQueueOrder : IComparer<TotalEntry>
{
    public static readonly TotalQueueOrder Instance = new();

    public int Compare(TotalEntry? x, TotalEntry? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        var c = x!.QueueKey.CompareTo(y!.QueueKey);
        if (c != 0) return c;
        c = x.Id.ViewId.CompareTo(y.Id.ViewId);
        if (c != 0) return c;
        c = x.Id.Sender.CompareTo(y.Id.Sender);
        return c != 0 ? c : x.Id.Sequence.CompareTo(y.Id.Sequence);
    }
}
