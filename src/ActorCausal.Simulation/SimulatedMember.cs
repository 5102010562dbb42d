using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Simulation;

/// <summary>
/// What the simulator drives. <see cref="GroupMemberAdapter"/> wraps the real protocol; tests may plug in toy protocols.
/// The membership inputs have do-nothing defaults so that toys without membership still plug in; the simulator calls
/// them only when the membership oracle runs.
/// </summary>
internal interface ISimulatedMember
{
    BroadcastResult Broadcast(object payload, DeliveryOrder order, IReadOnlyCollection<MessageId>? dependsOn);
    void Receive(MemberId from, ProtocolMessage message);
    void Tick(long nowMs);
    int DrainEffects(List<Effect> destination);
    int BufferedMessages { get; }

    MemberPhase Phase => MemberPhase.Normal;
    void Suspected(MemberId member) { }
    void Reachable(MemberId member) { }
    void Removed(MemberId member) { }
    /// <summary>Akka <c>MemberDowned</c>: the driver's translation of it is part of what the simulator checks.</summary>
    void Downed(MemberId member) { }
    void JoinRequested(MemberId member) { }
    void Leave() { }
    void DownedSelf() { }
    void ProvideSnapshot(long viewId, ReadOnlyMemory<byte> snapshot) { }

    // Founding and merging (schedules that start by founding): the driver's cluster inputs.
    bool IsMergeJoining => false;
    void NodeUp() { }
    void PeerNodeUp(string node, bool older) { }
    void PeerNodeUnreachable(string node) { }
    void PeerNodeReachable(string node) { }
    void PeerNodeGone(string node) { }
    void NoGroupOn(string node) { }
    void Announced(MemberId joiner, bool fromOlderNode) { }
    void JoinAcknowledged(MemberId member) { }
    /// <summary>The next incarnation of this member's node after its group closed to merge (<see cref="MergingInto"/>).</summary>
    ISimulatedMember MergeIncarnation(MemberId self, MergeHandover handover, GroupMemberSettings settings, long nowMs) =>
        throw new NotSupportedException($"{GetType().Name} does not merge.");
}

/// <summary>Creates the member <paramref name="self"/> of <paramref name="view"/> at virtual time 0.</summary>
internal delegate ISimulatedMember SimulatedMemberFactory(MemberId self, GroupView view, GroupMemberSettings settings);

/// <summary>Creates a member <paramref name="self"/> that starts outside the group at <paramref name="nowMs"/> and waits to be admitted.</summary>
internal delegate ISimulatedMember SimulatedJoinerFactory(MemberId self, GroupMemberSettings settings, long nowMs);

/// <remarks>Not sealed: tests inject a broken driver translation by overriding one input (a seam outside the protocol).</remarks>
internal class GroupMemberAdapter(GroupMember member) : ISimulatedMember
{
    public static readonly SimulatedMemberFactory Factory = (self, view, settings) => new GroupMemberAdapter(new GroupMember(self, view, settings, 0));
    public static readonly SimulatedJoinerFactory JoinerFactory = (self, settings, now) => new GroupMemberAdapter(GroupMember.Joining(self, settings, now));

    public GroupMember Member => member;

    public BroadcastResult Broadcast(object payload, DeliveryOrder order, IReadOnlyCollection<MessageId>? dependsOn) => member.Broadcast(payload, order, dependsOn);
    public void Receive(MemberId from, ProtocolMessage message) => member.Receive(from, message);
    public void Tick(long nowMs) => member.Tick(nowMs);
    public int DrainEffects(List<Effect> destination) => member.DrainEffects(destination);
    public int BufferedMessages => member.BufferedMessages;

    public MemberPhase Phase => member.Phase;
    public virtual void Suspected(MemberId m) => member.Suspected(m);
    public void Reachable(MemberId m) => member.Reachable(m);
    public void Removed(MemberId m) => member.Removed(m);
    public virtual void Downed(MemberId m) => member.Downed(m);
    public void JoinRequested(MemberId m) => member.JoinRequested(m);
    public void Leave() => member.Leave();
    public void DownedSelf() => member.DownedSelf();
    public void ProvideSnapshot(long viewId, ReadOnlyMemory<byte> snapshot) => member.ProvideSnapshot(viewId, snapshot);

    public bool IsMergeJoining => member.IsMergeJoining;
    public void NodeUp() => member.NodeUp();
    public void PeerNodeUp(string node, bool older) => member.PeerNodeUp(node, older);
    public void PeerNodeUnreachable(string node) => member.PeerNodeUnreachable(node);
    public void PeerNodeReachable(string node) => member.PeerNodeReachable(node);
    public void PeerNodeGone(string node) => member.PeerNodeGone(node);
    public void NoGroupOn(string node) => member.NoGroupOn(node);
    public void Announced(MemberId joiner, bool fromOlderNode) => member.Announced(joiner, fromOlderNode);
    public void JoinAcknowledged(MemberId m) => member.JoinAcknowledged(m);
    public ISimulatedMember MergeIncarnation(MemberId self, MergeHandover handover, GroupMemberSettings settings, long nowMs) =>
        new GroupMemberAdapter(GroupMember.Merging(self, handover, settings, nowMs));
}
