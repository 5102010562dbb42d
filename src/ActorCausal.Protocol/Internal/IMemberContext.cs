using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Internal;

/// <summary>What every part of a member that acts on its own (<see cref="TotalOrdering"/>, <see cref="FlushParticipant"/>) reads and where its effects go.</summary>
internal interface IMemberContext
{
    GroupView View { get; }
    int Rank { get; }
    long Now { get; }
    /// <summary>Sequence number of this member's last broadcast in the view.</summary>
    long LastSequence { get; }
    SenderLog Log(int sender);

    void Emit(Effect effect);
    /// <summary>Refuses an input: counted, reported as <see cref="InputRejected"/>, nothing changed.</summary>
    ReceiveOutcome Reject(MemberId from, RejectReason reason, string detail);
}
