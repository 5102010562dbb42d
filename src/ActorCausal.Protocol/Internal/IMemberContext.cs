using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Internal;

/// <summary>What every part of a member that acts on its own (<see cref="TotalOrdering"/>, <see cref="FlushParticipant"/>, <see cref="GroupMerging"/>) reads and where its effects go.</summary>
internal interface IMemberContext
{
    MemberId Self { get; }
    GroupView View { get; }
    int Rank { get; }
    /// <summary>Members of the view (the clock dimension).</summary>
    int Size { get; }
    long Now { get; }
    /// <summary>Sequence number of this member's last broadcast in the view.</summary>
    long LastSequence { get; }
    SenderLog Log(int sender);
    /// <summary>The lowest rank not removed: the oldest member still in the group, which coordinates.</summary>
    int CoordinatorRank();
    bool IsRemoved(MemberId member);

    void Emit(Effect effect);
    /// <summary>Refuses an input: counted, reported as <see cref="InputRejected"/>, nothing changed.</summary>
    ReceiveOutcome Reject(MemberId from, RejectReason reason, string detail);
}
