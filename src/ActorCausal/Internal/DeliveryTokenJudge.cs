namespace ActorCausal.Internal;

/// <summary>Whether a member at one delivered position has passed a token, is not there yet, or cannot judge it.</summary>
internal static class DeliveryTokenJudge
{
    /// <summary>
    /// The outcome for <paramref name="token"/> at <paramref name="position"/> (a position of <paramref name="group"/>),
    /// with a detail for refusals; a null outcome while the member may still get there.
    /// </summary>
    public static (DeliveryWaitOutcome? Outcome, string? Detail) Judge(string group, DeliveryToken token, DeliveryToken position)
    {
        if (!string.Equals(token.Group, group, StringComparison.Ordinal))
            return (DeliveryWaitOutcome.WrongGroup, $"The token belongs to group '{token.Group}', not '{group}'.");
        if (token.ViewId == 0) return (DeliveryWaitOutcome.Reached, null);
        if (position.ViewId > token.ViewId) return (DeliveryWaitOutcome.ViewPassed, null);
        if (position.ViewId < token.ViewId) return (null, null);
        if (position.ViewFingerprint != token.ViewFingerprint || position.Delivered.Length != token.Delivered.Length)
            return (DeliveryWaitOutcome.ViewMismatch,
                $"The token's view {token.ViewId} ({token.Delivered.Length} members, fingerprint {token.ViewFingerprint:x8}) is not this member's view " +
                $"{position.ViewId} ({position.Delivered.Length} members, fingerprint {position.ViewFingerprint:x8}): it comes from another lineage of the group.");
        for (var i = 0; i < token.Delivered.Length; i++)
        {
            if (position.Delivered[i] < token.Delivered[i]) return (null, null);
        }
        return (DeliveryWaitOutcome.Reached, null);
    }
}
