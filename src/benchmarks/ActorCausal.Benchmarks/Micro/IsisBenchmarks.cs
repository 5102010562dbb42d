using System.Collections.Immutable;
using ActorCausal.Benchmarks.Workloads;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Messages;
using BenchmarkDotNet.Attributes;

namespace ActorCausal.Benchmarks.Micro;

/// <summary>
/// ISIS (three-step) handling at one member of 8, per total-order message:
/// the sender's side (broadcast, collect 7 proposals, decide and deliver) and a receiver's side
/// (data message, propose, final priority, deliver).
/// </summary>
[MemoryDiagnoser]
public class IsisBenchmarks
{
    private const int Messages = 2_000;

    private static readonly GroupMemberSettings Settings = new()
    {
        TotalOrder = TotalOrderMode.ThreeStep,
        MaxUnstable = 1 << 20,
        ReceiveWindow = 1 << 20,
    };

    private readonly List<Effect> _effects = new(64);
    private Proposal[][] _proposals = null!;
    private DataMessage[] _data = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Sender side: rank 0 broadcasts message i (sequence i); rank k proposes (i, k). The final is the maximum, (i, 7)
        // (or the sender's own proposal if that is higher), so agreed priorities grow with i and each message is
        // deliverable once decided.
        _proposals = new Proposal[Messages][];
        for (var i = 0; i < Messages; i++)
        {
            var id = new MessageId(BenchGroup.ViewId, 0, i + 1);
            _proposals[i] = new Proposal[BenchGroup.Size];
            for (var k = 1; k < BenchGroup.Size; k++)
                _proposals[i][k] = new Proposal(BenchGroup.ViewId, id, new Priority(i + 1, k), ReplyRequested: false);
        }

        // Receiver side: rank 1's total-order messages to rank 0; rank 1 has delivered nothing else.
        _data = new DataMessage[Messages];
        for (var i = 0; i < Messages; i++)
        {
            var clock = new long[BenchGroup.Size];
            clock[1] = i + 1;
            var vc = VectorClock.Of(clock);
            clock[1] = i; // acks: what the sender had delivered before sending (its own previous messages)
            var acks = VectorClock.Of(clock);
            _data[i] = new DataMessage(BenchGroup.ViewId, 1, i + 1, DeliveryOrder.Total, vc, acks,
                new HlcTimestamp(1, i), ImmutableArray<MessageId>.Empty, BenchGroup.Payload);
        }
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public long SenderBroadcastProposalsFinal()
    {
        var members = BenchGroup.Members;
        var member = new GroupMember(members[0], BenchGroup.View, Settings);
        long delivered = 0;
        for (var i = 0; i < Messages; i++)
        {
            member.Broadcast(BenchGroup.Payload, DeliveryOrder.Total);
            delivered += Drain(member);
            var proposals = _proposals[i];
            for (var k = 1; k < proposals.Length; k++)
            {
                member.Receive(members[k], proposals[k]);
                delivered += Drain(member);
            }
        }
        return delivered;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public long ReceiverDataProposalFinal()
    {
        var members = BenchGroup.Members;
        var member = new GroupMember(members[0], BenchGroup.View, Settings);
        long delivered = 0;
        foreach (var data in _data)
        {
            member.Receive(members[1], data);
            // Answer with a final no lower than this member's own proposal, as the real sender would.
            var final = new Priority(data.Sequence, 1);
            member.DrainEffects(_effects);
            foreach (var effect in _effects)
            {
                if (effect is Send { Message: Proposal p }) final = Priority.Max(final, p.Priority);
                else if (effect is Deliver) delivered++;
            }
            _effects.Clear();
            member.Receive(members[1], new FinalPriority(BenchGroup.ViewId, data.Id, final));
            delivered += Drain(member);
        }
        return delivered;
    }

    private long Drain(GroupMember member)
    {
        long delivered = 0;
        member.DrainEffects(_effects);
        foreach (var effect in _effects)
        {
            if (effect is Deliver) delivered++;
        }
        _effects.Clear();
        return delivered;
    }
}
