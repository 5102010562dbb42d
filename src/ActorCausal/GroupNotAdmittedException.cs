namespace ActorCausal;

/// <summary>
/// <see cref="CausalGroup.Admitted"/> faults with this when the member will never be admitted: the join was refused, or
/// the member stopped (left, downed, its actor system terminated) before the group installed a view with it.
/// </summary>
public sealed class GroupNotAdmittedException : Exception
{
    /// <summary>Creates the exception for <paramref name="group"/>.</summary>
    public GroupNotAdmittedException(string group, GroupStopped? stopped, string detail)
        : base($"This node was never admitted to group '{group}': {detail}")
    {
        Group = group;
        Stopped = stopped;
    }

    /// <summary>The group's name.</summary>
    public string Group { get; }

    /// <summary>How the member stopped, or null when the join itself was refused (no member was started).</summary>
    public GroupStopped? Stopped { get; }
}
