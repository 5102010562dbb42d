using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// One sender's messages at one member, indexed by sequence number in a ring that grows on demand:
/// messages waiting for delivery (above <see cref="Delivered"/>) and delivered ones kept until stable (above <see cref="Stable"/>).
/// The waiting queue is per sender, so only the slot after each cursor is ever examined for delivery.
/// </summary>
internal sealed class SenderLog
{
    private Slot[] _slots = new Slot[16];

    /// <summary>Every message at or below this is delivered everywhere and no longer kept.</summary>
    public long Stable { get; private set; }

    /// <summary>Messages 1..Delivered are delivered here (FIFO).</summary>
    public long Delivered;

    /// <summary>
    /// Messages Delivered+1..ReadyUpTo are total-order messages already in the ISIS queue, waiting for agreement.
    /// A non-total message may only be delivered while ReadyUpTo == Delivered.
    /// </summary>
    public long ReadyUpTo;

    /// <summary>Every message 1..ContiguousReceived has been received.</summary>
    public long ContiguousReceived { get; private set; }

    /// <summary>The highest sequence number known to exist (from the message itself, clocks, gossip or proposals).</summary>
    public long KnownMax;

    /// <summary>
    /// The highest sequence number the sender itself has shown here (its data, delivered vector, stored vector or
    /// proposal). Links are FIFO, so a gap below it is a loss; a gap shown only by other members' clocks may be a
    /// message still in flight on a slower link.
    /// </summary>
    public long ShownBySender;

    /// <summary>Messages stored in the log, delivered or not.</summary>
    public int Count { get; private set; }

    /// <summary>Messages received and not delivered yet.</summary>
    public int Pending => (int)Math.Max(0, CountAbove(Delivered));

    public bool HasGap => KnownMax > ContiguousReceived;

    public DataMessage? Get(long sequence)
    {
        if (sequence <= Stable || sequence > Stable + _slots.Length) return null;
        return _slots[sequence & (_slots.Length - 1)].Message;
    }

    public bool Contains(long sequence) => sequence <= ContiguousReceived || Get(sequence) is not null;

    public long ReceivedAt(long sequence) => _slots[sequence & (_slots.Length - 1)].ReceivedAt;

    /// <summary>The agreed priority of a delivered total-order message, kept until stable to answer repairs.</summary>
    public bool TryGetFinal(long sequence, out Priority final)
    {
        final = default;
        if (Get(sequence) is null) return false;
        ref var slot = ref _slots[sequence & (_slots.Length - 1)];
        if (!slot.HasFinal) return false;
        final = slot.Final;
        return true;
    }

    public void SetFinal(long sequence, Priority final)
    {
        ref var slot = ref _slots[sequence & (_slots.Length - 1)];
        slot.Final = final;
        slot.HasFinal = true;
    }

    /// <summary>Stores a message not stored yet; <paramref name="message"/>.Sequence must be above <see cref="Stable"/>.</summary>
    public void Put(DataMessage message, long nowMs)
    {
        var seq = message.Sequence;
        EnsureCapacity(seq);
        _slots[seq & (_slots.Length - 1)] = new Slot { Message = message, ReceivedAt = nowMs };
        Count++;
        if (seq > KnownMax) KnownMax = seq;
        if (seq > ShownBySender) ShownBySender = seq;
        if (seq == ContiguousReceived + 1)
        {
            var next = seq;
            while (Get(next + 1) is not null) next++;
            ContiguousReceived = next;
        }
    }

    /// <summary>Forgets messages up to <paramref name="stable"/> (all delivered here and everywhere).</summary>
    public void ReleaseUpTo(long stable)
    {
        if (stable <= Stable) return;
        if (stable > Delivered) throw new InvalidOperationException($"Cannot release {stable}: only {Delivered} delivered here.");
        for (var seq = Stable + 1; seq <= stable; seq++)
        {
            ref var slot = ref _slots[seq & (_slots.Length - 1)];
            if (slot.Message is not null) Count--;
            slot = default;
        }
        Stable = stable;
    }

    /// <summary>Sequence numbers in (Delivered, min(KnownMax, <paramref name="upTo"/>)] not received, as inclusive ranges, at most <paramref name="maxRanges"/>.</summary>
    public void MissingRanges(List<(long From, long To)> into, int maxRanges, long upTo = long.MaxValue)
    {
        var top = Math.Min(KnownMax, upTo);
        var seq = Math.Max(ContiguousReceived, Delivered) + 1;
        while (seq <= top && into.Count < maxRanges)
        {
            if (Get(seq) is not null) { seq++; continue; }
            var from = seq;
            while (seq + 1 <= top && Get(seq + 1) is null) seq++;
            into.Add((from, seq));
            seq++;
        }
    }

    private long CountAbove(long sequence)
    {
        long n = 0;
        var top = Math.Min(KnownMax, Stable + _slots.Length);
        for (var seq = Math.Max(sequence, Stable) + 1; seq <= top; seq++)
        {
            if (_slots[seq & (_slots.Length - 1)].Message is not null) n++;
        }
        return n;
    }

    private void EnsureCapacity(long sequence)
    {
        var needed = sequence - Stable;
        if (needed <= _slots.Length) return;
        var size = _slots.Length;
        while (size < needed) size *= 2;
        var grown = new Slot[size];
        for (var seq = Stable + 1; seq <= Stable + _slots.Length; seq++)
        {
            grown[seq & (size - 1)] = _slots[seq & (_slots.Length - 1)];
        }
        _slots = grown;
    }

    private struct Slot
    {
        public DataMessage? Message;
        public long ReceivedAt;
        public Priority Final;
        public bool HasFinal;
    }
}
