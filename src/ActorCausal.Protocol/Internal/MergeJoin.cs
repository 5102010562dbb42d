namespace ActorCausal.Protocol.Internal;

/// <summary>
/// The next incarnation of a merging member (GroupMember.Merging): the handover from its predecessor, the losing side's
/// state once the application provides it, when it offers itself to the winner next, and whether it gave up on the
/// winner and follows the founding rule as any joiner.
/// </summary>
internal sealed class MergeJoin(MergeHandover handover, long startedAt)
{
    public MergeHandover Handover { get; } = handover;
    public long StartedAt { get; } = startedAt;
    public ReadOnlyMemory<byte>? Snapshot { get; set; }
    public long NextOfferAt { get; set; } = startedAt;
    /// <summary>No member of the target answered for long: announce to every node and follow the founding rule, as any joiner.</summary>
    public bool Fallback { get; set; }
}
