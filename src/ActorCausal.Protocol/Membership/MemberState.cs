namespace ActorCausal.Protocol.Membership;

/// <summary>How this member sees another member of its view.</summary>
public enum MemberState
{
    /// <summary>Reachable as far as the failure detector knows: the state of every member until a suspicion, and again after <see cref="GroupMember.Reachable"/>.</summary>
    Active,
    /// <summary>The failure detector marked it unreachable; no view change yet. NAKs for its messages go to other holders.</summary>
    Suspected,
    /// <summary>Removed from the cluster (downed): the next view leaves it out.</summary>
    Failed,
}

/// <summary>Where this member is in its life.</summary>
public enum MemberPhase
{
    /// <summary>Waiting for its first view and the state snapshot.</summary>
    Joining,
    /// <summary>A member of an installed view: broadcasts go out at once and received messages are delivered as their order allows (nothing while a majority of the view is unreachable).</summary>
    Normal,
    /// <summary>A view change is under way: new broadcasts are held and sent in the next view.</summary>
    Flushing,
    /// <summary>Left, downed or removed: delivers nothing more.</summary>
    Stopped,
}

/// <summary>Why a member stopped, as the <see cref="ActorCausal.Protocol.Stopped"/> effect reports it.</summary>
public enum StopReason
{
    /// <summary>It asked to leave and the group installed a view without it.</summary>
    Left,
    /// <summary>The cluster downed this node (it is on the losing side of a partition, or was wrongly removed).</summary>
    Downed,
    /// <summary>The group installed a view without this member although it never asked to leave.</summary>
    ExcludedFromView,
    /// <summary>Its group closed its last view to merge into another group of the same name; a new incarnation joins that group.</summary>
    Merged,
}
