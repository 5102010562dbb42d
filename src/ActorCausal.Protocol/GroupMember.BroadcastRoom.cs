using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol;

// Whether a broadcast now would be refused for back-pressure, without trying one.
public sealed partial class GroupMember
{
    /// <summary>
    /// False exactly when <see cref="Broadcast"/> would now refuse <see cref="BroadcastRefusal.BackPressure"/> (this
    /// member's unstable messages, plus those held for the next view, at <see cref="GroupMemberSettings.MaxUnstable"/>,
    /// counting what the others have reported delivered so far). Changes no state and counts nothing, so a driver that
    /// queues broadcasts can ask it before each retry instead of collecting refusals. True while joining or stopped:
    /// a broadcast then is refused for another reason.
    /// </summary>
    public bool HasRoom
    {
        get
        {
            if (IsMergeJoining) return _held.Count < Settings.MaxUnstable;
            if (Phase is MemberPhase.Joining or MemberPhase.Stopped) return true;
            return _own.HasRoom;
        }
    }
}
