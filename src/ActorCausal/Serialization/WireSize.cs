using ActorCausal.Protocol.Messages;

namespace ActorCausal.Serialization;

/// <summary>
/// Rough wire sizes (on the high side), for batching's max-bytes bound and to pick the messages worth measuring for
/// chunked transfer (the real size is known only once serialized). Anything that grows with the backlog, the view or
/// the payload must grow here too.
/// </summary>
internal static class WireSize
{
    /// <summary>A message of a few fixed fields.</summary>
    public const long Small = 48;

    public static long Data(DataMessage d) =>
        64 + d.Clock.Dimension * 20L + (d.DependsOn.IsDefault ? 0 : d.DependsOn.Length * 16L)
        + (d.Payload is SerializedPayload p ? p.Bytes.Length + p.Manifest.Length : 64);

    public static long Gossip(StabilityGossip g) => 32 + (g.Delivered.Dimension + (g.Held?.Dimension ?? 0)) * 10L;

    public static long ProposalBatch(ProposalBatch b) => 32 + b.Items.Length * 32L;

    public static long FlushRequest(FlushRequest q) => 48 + q.NewMembers.Length * 64L;

    public static long FlushReport(FlushReport r) =>
        64 + r.Delivered.Dimension * 10 + r.Messages.Sum(Data) + (r.Prepared is null ? 0 : Decision(r.Prepared));

    /// <summary>A flush prepare or commit: a few fields and the decision it carries.</summary>
    public static long Carrying(FlushDecision decision) => 32 + Decision(decision);

    public static long Welcome(Welcome w) => 64 + w.Members.Length * 64 + w.Snapshot.Length;

    private static long Decision(FlushDecision d) => 64 + d.NewMembers.Length * 64 + d.Messages.Sum(Data) + d.TotalOrder.Length * 24;
}
