namespace ActorCausal.Protocol.Membership;

/// <summary>
/// A member of a group: a node address plus the incarnation of the process at that address.
/// A restarted process at the same address gets a new incarnation and is a different member.
/// </summary>
public readonly record struct MemberId(string Address, long Incarnation)
{
    /// <summary>The id in a short form, for logs.</summary>
    public override string ToString() => Incarnation == 0 ? Address : $"{Address}#{Incarnation}";
}
