using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Benchmarks.Workloads;

/// <summary>
/// The fixed group every benchmark uses: view 1 with members m0#1..m7#1. Rank 0 is the receiver of the causal
/// workloads; ranks 1..7 are the senders.
/// </summary>
public static class BenchGroup
{
    public const int Size = 8;
    public const long ViewId = 1;

    public static readonly ImmutableArray<MemberId> Members =
        Enumerable.Range(0, Size).Select(i => new MemberId($"m{i}", 1)).ToImmutableArray();

    public static readonly GroupView View = new(ViewId, Members);

    /// <summary>Any payload will do; the protocol never looks inside it.</summary>
    public static readonly object Payload = "payload";
}

/// <summary>
/// Pre-generated causal broadcasts from ranks 1..7 to rank 0, built outside any timed region.
/// <para>
/// Senders take turns (round-robin over the global generation order). Each sender is modelled as having delivered every
/// message generated before its own, so a message's clock is the count of earlier messages per rank, with its own entry
/// being its sequence number. Every message therefore causally follows all earlier ones: fed in generation order each
/// is deliverable on arrival, and generation order is the only correct delivery order, which makes checking trivial.
/// </para>
/// </summary>
public sealed class CausalWorkload
{
    private CausalWorkload(DataMessage[] inOrder, DataMessage[] reversed)
    {
        InOrder = inOrder;
        Reversed = reversed;
    }

    /// <summary>Generation order: every message is deliverable when it arrives.</summary>
    public DataMessage[] InOrder { get; }

    /// <summary>
    /// Sender 1's messages last to first, then sender 2's last to first, ... then sender 7's. Almost everything waits
    /// in the hold-back queue until the last arrival (sender 7's first message) releases one cascade.
    /// </summary>
    public DataMessage[] Reversed { get; }

    public int Count => InOrder.Length;

    public static CausalWorkload Generate(int total, DeliveryOrder order = DeliveryOrder.Causal)
    {
        if (total <= 0) throw new ArgumentOutOfRangeException(nameof(total), total, "At least one message.");
        const int senders = BenchGroup.Size - 1;
        var counts = new long[BenchGroup.Size];
        var inOrder = new DataMessage[total];
        var perSender = new List<DataMessage>[BenchGroup.Size];
        for (var s = 1; s < BenchGroup.Size; s++) perSender[s] = new List<DataMessage>(total / senders + 1);

        for (var i = 0; i < total; i++)
        {
            var sender = 1 + i % senders;
            counts[sender]++;
            // The sender's knowledge: everything generated so far (own entry = this message's sequence number).
            var clock = VectorClock.Of(counts);
            // What the sender had delivered when it sent: the same, except its own entry (it delivers its own
            // broadcast after sending it, so acks[s] = sequence - 1).
            counts[sender]--;
            var acks = VectorClock.Of(counts);
            counts[sender]++;
            var message = new DataMessage(
                ViewId: BenchGroup.ViewId,
                Sender: sender,
                Sequence: counts[sender],
                Order: order,
                Clock: clock,
                Acks: acks,
                Time: new HlcTimestamp(1, i),
                DependsOn: ImmutableArray<MessageId>.Empty,
                Payload: BenchGroup.Payload);
            inOrder[i] = message;
            perSender[sender].Add(message);
        }

        var reversed = new DataMessage[total];
        var n = 0;
        for (var s = 1; s < BenchGroup.Size; s++)
        {
            for (var j = perSender[s].Count - 1; j >= 0; j--) reversed[n++] = perSender[s][j];
        }
        return new CausalWorkload(inOrder, reversed);
    }

    /// <summary>A fresh receiving member (rank 0).</summary>
    public static GroupMember NewReceiver(GroupMemberSettings settings) =>
        new(BenchGroup.Members[0], BenchGroup.View, settings, nowMs: 0);

    /// <summary>Settings for the causal runs: a receive window wide enough for a fully reversed sender.</summary>
    public static GroupMemberSettings ReceiverSettings { get; } = new()
    {
        ReceiveWindow = 1 << 20,
        MaxUnstable = 1 << 20,
    };
}
