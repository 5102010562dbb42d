namespace ActorCausal.Streams;

/// <summary>The group member behind a stream stopped other than by leaving: it was downed, excluded or failed.</summary>
public sealed class GroupStoppedException : Exception
{
    /// <summary>A failure for <paramref name="stopped"/>.</summary>
    public GroupStoppedException(GroupStopped stopped)
        : base($"The member of group '{stopped?.Group}' stopped ({stopped?.Reason}): {stopped?.Detail}")
    {
        Stopped = stopped ?? throw new ArgumentNullException(nameof(stopped));
    }

    /// <summary>What the group said when the member stopped.</summary>
    public GroupStopped Stopped { get; }
}
