using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal;

/// <summary>Where the group actor is, beyond the protocol member's phase.</summary>
public enum GroupActorState
{
    /// <summary>The node is not Up in the cluster yet: nothing is announced or founded.</summary>
    WaitingForClusterUp,
    /// <summary>Announcing itself to the other Up nodes and waiting for a view (or founding one).</summary>
    Joining,
    /// <summary>A member of a view (the protocol may be flushing a view change).</summary>
    Member,
    /// <summary>Left, downed or excluded: delivers nothing more.</summary>
    Stopped,
}

/// <summary>A snapshot of one group on this node: the protocol's counters plus the runtime's.</summary>
public sealed record GroupStatus
{
    /// <summary>The group's name.</summary>
    public required string Group { get; init; }
    /// <summary>This node's member id in the group.</summary>
    public required MemberId Self { get; init; }
    /// <summary>The group actor's state (joining, member, leaving, stopped).</summary>
    public required GroupActorState State { get; init; }
    /// <summary>The protocol member's phase.</summary>
    public required MemberPhase Phase { get; init; }
    /// <summary>The installed view (a one-member placeholder of id 0 while joining).</summary>
    public required GroupView View { get; init; }
    /// <summary>The protocol member's counters: sent, delivered, delayed (held back), pending, rejected by reason, ...</summary>
    public required MemberStatus Protocol { get; init; }

    /// <summary>Inputs the protocol refused (each logged); also by reason in <see cref="MemberStatus.Rejected"/>.</summary>
    public long InputsRejected { get; init; }
    /// <summary>Envelopes dropped before the protocol saw them: no sender, or a sender whose address is not the member it claims to be.</summary>
    public long UnverifiedSenders { get; init; }
    /// <summary>Join requests ignored because the joiner's node is not an Up member of the cluster as seen here.</summary>
    public long JoinRequestsIgnored { get; init; }
    /// <summary>Delivered payloads this node could not deserialize (delivered as <see cref="UndeserializablePayload"/>).</summary>
    public long PayloadDeserializationFailures { get; init; }
    /// <summary>Snapshot requests the subscriber did not answer in time (an empty snapshot was used).</summary>
    public long SnapshotTimeouts { get; init; }
    /// <summary>Remote envelopes sent, and the protocol messages they carried (their ratio is the mean batch size).</summary>
    public long EnvelopesSent { get; init; }
    /// <summary>Protocol messages carried by the <see cref="EnvelopesSent"/>.</summary>
    public long ProtocolMessagesSent { get; init; }
    /// <summary>
    /// Protocol messages sent to other members by what they are for (every kind present, zero if none was sent), each
    /// copy to each member counted once, when the protocol hands it to the outbox (so their sum can run ahead of
    /// <see cref="ProtocolMessagesSent"/> by a batch not yet sent).
    /// </summary>
    public ImmutableDictionary<ProtocolMessageKind, long> ProtocolMessagesSentByKind { get; init; } = ImmutableDictionary<ProtocolMessageKind, long>.Empty;
    /// <summary>Views installed here.</summary>
    public long ViewChanges { get; init; }
    /// <summary>Pieces sent for protocol messages larger than <c>actorcausal.chunking.piece-size</c>, and those messages.</summary>
    public long ChunksSent { get; init; }
    /// <summary>Protocol messages sent as pieces (<see cref="ChunksSent"/>).</summary>
    public long ChunkedMessagesSent { get; init; }
    /// <summary>Protocol messages measured for chunking that fit in one piece and left as one, with the measured bytes (for tests).</summary>
    internal long SinglePiecesSent { get; init; }
    /// <summary>Messages reassembled from pieces and handed to the protocol.</summary>
    public long ChunkedMessagesReceived { get; init; }
    /// <summary>Transfers refused (logged): too large, a piece missing or out of order, inconsistent pieces, bytes that do not deserialize.</summary>
    public long ChunksRefused { get; init; }
    /// <summary>Transfers dropped because no piece arrived for <c>actorcausal.chunking.reassembly-timeout</c>.</summary>
    public long ChunkTransfersExpired { get; init; }
    /// <summary>
    /// With <see cref="JoinOptions.OnDemand"/>: deliveries waiting for the reader's credit (<see cref="RequestDeliveries"/>).
    /// They are not yet delivered here (nor in <see cref="CausalGroup.DeliveredToken"/>). Always 0 otherwise.
    /// </summary>
    public long ReaderBacklog { get; init; }
    /// <summary>With <see cref="JoinOptions.OnDemand"/>: credit the reader gave that no delivery used yet.</summary>
    public long ReaderCredits { get; init; }
    /// <summary>Members the failure detector currently suspects.</summary>
    public ImmutableArray<MemberId> Suspected { get; init; } = ImmutableArray<MemberId>.Empty;

    /// <summary>Messages that waited in the hold-back queue (arrived before they could be delivered).</summary>
    public long HeldBack => Protocol.Delayed;

    /// <summary>Protocol messages of <paramref name="kind"/> sent to other members (<see cref="ProtocolMessagesSentByKind"/>).</summary>
    public long ProtocolMessagesSentOf(ProtocolMessageKind kind) => ProtocolMessagesSentByKind.GetValueOrDefault(kind);

    /// <summary>Inputs the protocol refused for <paramref name="reason"/>.</summary>
    public long RejectedBy(RejectReason reason) => Protocol.Rejected.GetValueOrDefault(reason);

    /// <summary>
    /// A stopped member's status without counters: for a member that never joined (a placeholder view of id 0), or one
    /// whose protocol could not give its final status.
    /// </summary>
    internal static GroupStatus StoppedWithoutCounters(string group, MemberId self, GroupView view) => new()
    {
        Group = group,
        Self = self,
        State = GroupActorState.Stopped,
        Phase = MemberPhase.Stopped,
        View = view,
        Protocol = new MemberStatus { Self = self, ViewId = view.Id, ViewSize = view.Size, Phase = MemberPhase.Stopped },
    };
}
