namespace ActorCausal.Protocol;

// Names GroupMember.Total.cs still uses for state that moved into the small types; the Total.cs owner replaces them
// with the types' own members, then this file goes.
public sealed partial class GroupMember
{
    private ref long _duplicates => ref _counters.Duplicates;
    private ref long _retransmitted => ref _counters.Retransmitted;
}
