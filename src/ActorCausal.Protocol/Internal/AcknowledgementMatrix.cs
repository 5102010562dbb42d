using ActorCausal.Protocol.Clocks;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// What each member of one view is known to have acknowledged, by sender rank: the delivered matrix (row k: the prefix
/// of each sender's messages member k delivered; a message is stable once every row covers it) and, for safe delivery,
/// the stored matrix (row k: H_k, the prefix of each sender's messages member k stores, each total-order one with its
/// final priority; a safe message may be delivered once every row, or a majority of rows, covers it: <see cref="SafeQuorum"/>). This member's own rows are its delivered
/// vector and its H. Rows only grow: learning an older vector never lowers them.
/// </summary>
internal sealed class AcknowledgementMatrix
{
    /// <summary>Before the first view (a joining member): no members.</summary>
    public static readonly AcknowledgementMatrix None = new();

    private readonly int _rank;
    private readonly long[][] _delivered;
    private readonly long[][] _stored;
    private readonly long[] _storedSent;
    private readonly long[] _lastSafe;

    private AcknowledgementMatrix()
    {
        _delivered = [];
        _stored = [];
        _storedSent = [];
        _lastSafe = [];
        Delivered = [];
        Stored = [];
    }

    public AcknowledgementMatrix(int size, int rank)
    {
        if (rank < 0 || rank >= size) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"Rank outside a view of {size}.");
        Size = size;
        _rank = rank;
        _delivered = new long[size][];
        _stored = new long[size][];
        for (var k = 0; k < size; k++)
        {
            _delivered[k] = new long[size];
            _stored[k] = new long[size];
        }
        _storedSent = new long[size];
        _lastSafe = new long[size];
        Delivered = _delivered[rank];
        Stored = _stored[rank];
    }

    public int Size { get; }

    /// <summary>This member's delivered vector (its own row); written only through <see cref="MarkDelivered"/>.</summary>
    public long[] Delivered { get; }

    /// <summary>This member's H (its own row of the stored matrix); written only through <see cref="AdvanceOwnStored"/>.</summary>
    public long[] Stored { get; }

    /// <summary>Whether a safe message may be unstable in this view (cleared by <see cref="SafeUnstable"/> once none is).</summary>
    public bool AnySafe { get; private set; }

    public void MarkDelivered(int sender, long sequence) => Delivered[sender] = sequence;

    /// <summary>Merges what <paramref name="member"/> reports delivered.</summary>
    public void LearnDelivered(int member, ReadOnlySpan<long> delivered) => VectorClock.MergeInto(_delivered[member], delivered);

    /// <summary>How many of <paramref name="sender"/>'s messages <paramref name="member"/> reported delivered.</summary>
    public long DeliveredBy(int member, int sender) => _delivered[member][sender];

    /// <summary>How many of <paramref name="sender"/>'s messages every other member delivered, at most <paramref name="ownBound"/> (this member's own report).</summary>
    public long StableUpTo(int sender, long ownBound)
    {
        var stable = ownBound;
        for (var k = 0; k < Size; k++)
        {
            if (k != _rank) stable = Math.Min(stable, _delivered[k][sender]);
        }
        return stable;
    }

    /// <summary>
    /// Merges what <paramref name="member"/> stores; true when an entry advanced for a sender with a safe message not yet
    /// delivered here (only then may the acknowledgement release a delivery).
    /// </summary>
    public bool LearnStored(int member, ReadOnlySpan<long> stored)
    {
        var row = _stored[member];
        var recheck = false;
        for (var s = 0; s < Size; s++)
        {
            if (stored[s] <= row[s]) continue;
            row[s] = stored[s];
            if (_lastSafe[s] > Delivered[s]) recheck = true;
        }
        return recheck;
    }

    /// <summary>How many of <paramref name="sender"/>'s messages <paramref name="member"/> is known to store.</summary>
    public long StoredBy(int member, int sender) => _stored[member][sender];

    /// <summary>Every member's H covers message <paramref name="sequence"/> of <paramref name="sender"/>.</summary>
    public bool AllStore(int sender, long sequence) => StoredByAtLeast(sender, sequence, Size);

    /// <summary>How many members must store a safe message under <paramref name="quorum"/>: every one, or more than half.</summary>
    public int Needed(SafeQuorum quorum) => quorum == SafeQuorum.Majority ? Size / 2 + 1 : Size;

    /// <summary>The H of at least <paramref name="members"/> members (this member's included) covers message <paramref name="sequence"/> of <paramref name="sender"/>.</summary>
    public bool StoredByAtLeast(int sender, long sequence, int members)
    {
        var storing = 0;
        for (var k = 0; k < Size && storing < members; k++)
        {
            if (_stored[k][sender] >= sequence) storing++;
        }
        return storing >= members;
    }

    /// <summary>Sets this member's H for <paramref name="sender"/> (the caller knows which prefix it stores).</summary>
    public void AdvanceOwnStored(int sender, long stored) => Stored[sender] = stored;

    /// <summary>A safe message <paramref name="sequence"/> of <paramref name="sender"/> was sent or received here.</summary>
    public void NoteSafe(int sender, long sequence)
    {
        if (sequence > _lastSafe[sender]) _lastSafe[sender] = sequence;
        AnySafe = true;
    }

    /// <summary>The sender's last safe message is above <paramref name="sequence"/>.</summary>
    public bool SafeAbove(int sender, long sequence) => _lastSafe[sender] > sequence;

    /// <summary>Some sender's last safe message is above its stable prefix (in <paramref name="logs"/>, by rank); clears <see cref="AnySafe"/> when none is.</summary>
    public bool SafeUnstable(SenderLog[] logs)
    {
        if (!AnySafe) return false;
        for (var s = 0; s < Size; s++)
        {
            if (_lastSafe[s] > logs[s].Stable) return true;
        }
        AnySafe = false;
        return false;
    }

    /// <summary>The H this member last acknowledged, for <paramref name="sender"/>.</summary>
    public long AcknowledgedStored(int sender) => _storedSent[sender];

    /// <summary>This member acknowledges its H now: a copy of it, remembered as the last one sent.</summary>
    public VectorClock AcknowledgeStored()
    {
        Array.Copy(Stored, _storedSent, Size);
        return VectorClock.Wrap((long[])Stored.Clone());
    }
}
