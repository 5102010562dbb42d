namespace ActorCausal.Protocol.Internal;

/// <summary>How a member delivers right now (<see cref="DeliveryQueues.Mode"/>).</summary>
internal enum DeliveryMode
{
    /// <summary>By the delivery conditions, as messages arrive.</summary>
    Normal,
    /// <summary>
    /// A majority of the view is unreachable (suspected, downed or removed) from here: this member may be on the side
    /// the resolver downs, or paused until the majority moved on, so it delivers nothing (its broadcasts wait) until
    /// reachability returns or a view change decides. This bounds what a member on the losing side delivers that the
    /// others never will.
    /// </summary>
    CutOff,
    /// <summary>It reported to a flush: only the flush's decision delivers now.</summary>
    Frozen,
    /// <summary>Applying a flush commit: exactly the decided messages, up to the cut.</summary>
    ApplyingCommit,
}
