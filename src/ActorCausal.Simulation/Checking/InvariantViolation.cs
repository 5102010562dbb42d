using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking;

public enum ViolationKind
{
    /// <summary>Invariant 1: a delivered message was never sent, or not by the member it is attributed to, or a history contradicts causality.</summary>
    Creation,
    /// <summary>Invariant 1: a member delivered the same message twice.</summary>
    Duplication,
    /// <summary>Invariant 2: a sender's messages were delivered out of its send order (or with a gap).</summary>
    Fifo,
    /// <summary>Invariant 3: a causal or total message was delivered before something that happened-before it.</summary>
    Causal,
    /// <summary>Invariant 3b: an explicit message was delivered before one of its named dependencies.</summary>
    Explicit,
    /// <summary>Invariant 4: two members delivered two total-order messages in opposite orders.</summary>
    Total,
    /// <summary>Invariant 5: a member did not deliver a message that was broadcast (checked at the end of a run).</summary>
    Validity,
    /// <summary>Reported by the simulator: buffers of unstable messages were not empty when the run ended.</summary>
    UnstableBuffers,
    /// <summary>Reported by the simulator: the protocol threw.</summary>
    Crash,
}

/// <summary>One broken invariant: which, at which member, and the messages involved (the earlier one first where there is an order).</summary>
public sealed record InvariantViolation(ViolationKind Kind, MemberId Member, ImmutableArray<MessageId> Messages, string Detail)
{
    public override string ToString() =>
        $"{Kind} at {Member}: [{string.Join(", ", Messages)}] {Detail}";
}
