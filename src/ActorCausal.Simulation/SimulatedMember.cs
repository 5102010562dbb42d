using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Simulation;

/// <summary>What the simulator drives. <see cref="GroupMemberAdapter"/> wraps the real protocol; tests may plug in toy protocols.</summary>
internal interface ISimulatedMember
{
    BroadcastResult Broadcast(object payload, DeliveryOrder order, IReadOnlyCollection<MessageId>? dependsOn);
    void Receive(MemberId from, ProtocolMessage message);
    void Tick(long nowMs);
    int DrainEffects(List<Effect> destination);
    int BufferedMessages { get; }
}

/// <summary>Creates the member <paramref name="self"/> of <paramref name="view"/> at virtual time 0.</summary>
internal delegate ISimulatedMember SimulatedMemberFactory(MemberId self, GroupView view, GroupMemberSettings settings);

internal sealed class GroupMemberAdapter(GroupMember member) : ISimulatedMember
{
    public static readonly SimulatedMemberFactory Factory = (self, view, settings) => new GroupMemberAdapter(new GroupMember(self, view, settings, 0));

    public BroadcastResult Broadcast(object payload, DeliveryOrder order, IReadOnlyCollection<MessageId>? dependsOn) => member.Broadcast(payload, order, dependsOn);
    public void Receive(MemberId from, ProtocolMessage message) => member.Receive(from, message);
    public void Tick(long nowMs) => member.Tick(nowMs);
    public int DrainEffects(List<Effect> destination) => member.DrainEffects(destination);
    public int BufferedMessages => member.BufferedMessages;
}
