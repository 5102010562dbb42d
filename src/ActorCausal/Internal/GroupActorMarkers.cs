namespace ActorCausal.Internal;

/// <summary>The messages a <see cref="GroupActor"/> sends itself: its timers and the markers it posts behind its mailbox.</summary>
internal static class GroupActorMarkers
{
    /// <summary>The periodic timer: time for the protocol, expired transfers, a stalled reader, metrics.</summary>
    internal sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>While joining: gives the protocol time to announce again or found, at the join-retry pace.</summary>
    internal sealed class JoinTimer
    {
        public static readonly JoinTimer Instance = new();
    }

    internal sealed class LeaveTimedOut
    {
        public static readonly LeaveTimedOut Instance = new();
    }

    /// <summary>The end of the linger after a stop.</summary>
    internal sealed class StopNow
    {
        public static readonly StopNow Instance = new();
    }

    /// <summary>Sends the ordered-broadcast answers collected since it was told: everything that was in the mailbox before it was handled first, so one message carries many answers.</summary>
    internal sealed class FlushOrderedReplies
    {
        public static readonly FlushOrderedReplies Instance = new();
    }
}
