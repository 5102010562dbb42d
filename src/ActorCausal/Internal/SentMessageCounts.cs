using System.Collections.Immutable;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Internal;

/// <summary>Protocol messages sent, by <see cref="ProtocolMessageKind"/>; each copy to each member counts once.</summary>
internal sealed class SentMessageCounts
{
    private readonly long[] _counts = new long[Enum.GetValues<ProtocolMessageKind>().Length];

    /// <summary>
    /// The kind of <paramref name="message"/>. The protocol sends a broadcast's first copies to every member at once and
    /// a data message to a single member only to repair (NAK answer or total-order resend), hence
    /// <paramref name="toEveryMember"/>.
    /// </summary>
    public static ProtocolMessageKind KindOf(ProtocolMessage message, bool toEveryMember) => message switch
    {
        DataMessage => toEveryMember ? ProtocolMessageKind.Data : ProtocolMessageKind.Retransmission,
        Proposal { ReplyRequested: true } => ProtocolMessageKind.ProposalRetry,
        Proposal or ProposalBatch => ProtocolMessageKind.Proposal,
        FinalPriority => ProtocolMessageKind.Final,
        ClockHeartbeat => ProtocolMessageKind.Heartbeat,
        Nak => ProtocolMessageKind.Nak,
        StabilityGossip { Held: not null } => ProtocolMessageKind.SafeAck,
        StabilityGossip => toEveryMember ? ProtocolMessageKind.Gossip : ProtocolMessageKind.StabilityReport,
        FlushRequest or FlushReport or FlushPrepare or FlushPrepareAck or FlushCommit => ProtocolMessageKind.Flush,
        _ => ProtocolMessageKind.Membership,
    };

    public void Add(ProtocolMessage message, bool toEveryMember, int copies) => _counts[(int)KindOf(message, toEveryMember)] += copies;

    /// <summary>Every kind, sent or not, so that a reader can subtract two snapshots without missing keys.</summary>
    public ImmutableDictionary<ProtocolMessageKind, long> Snapshot()
    {
        var builder = ImmutableDictionary.CreateBuilder<ProtocolMessageKind, long>();
        for (var k = 0; k < _counts.Length; k++) builder[(ProtocolMessageKind)k] = _counts[k];
        return builder.ToImmutable();
    }
}
