using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

/// <summary>
/// One member of one group: a pure state machine. Inputs are <see cref="Broadcast"/>, <see cref="Receive"/> and
/// <see cref="Tick"/>; each appends effects (sends and deliveries) that the driver takes with <see cref="DrainEffects"/>.
/// Not thread-safe: a driver feeds one input at a time.
/// </summary>
public sealed partial class GroupMember
{
    public GroupMember(MemberId self, GroupView view, GroupMemberSettings? settings = null, long nowMs = 0)
    {
        throw new NotImplementedException();
    }

    public MemberId Self { get; }
    public GroupView View { get; }
    public int Rank { get; }
    public GroupMemberSettings Settings { get; }

    /// <summary>Broadcasts <paramref name="payload"/> to the group with <paramref name="order"/>. <paramref name="dependsOn"/> only with <see cref="DeliveryOrder.Explicit"/>.</summary>
    public BroadcastResult Broadcast(object payload, DeliveryOrder order, IReadOnlyCollection<MessageId>? dependsOn = null) => throw new NotImplementedException();

    /// <summary>Feeds a message that arrived from <paramref name="from"/>.</summary>
    public ReceiveOutcome Receive(MemberId from, ProtocolMessage message) => throw new NotImplementedException();

    /// <summary>Advances time to <paramref name="nowMs"/> (monotone): NAKs, retries, stability gossip and buffer cleanup happen here.</summary>
    public void Tick(long nowMs) => throw new NotImplementedException();

    /// <summary>Moves every pending effect, in order, into <paramref name="destination"/>; returns how many.</summary>
    public int DrainEffects(List<Effect> destination) => throw new NotImplementedException();

    public MemberStatus Status() => throw new NotImplementedException();

    /// <summary>Messages received or broadcast here and not yet delivered, plus delivered ones kept until stable.</summary>
    public int BufferedMessages => throw new NotImplementedException();

    /// <summary>The transitive dependencies of an explicit-order message, dependencies first. Throws <see cref="DependencyCycleException"/> on a cycle.</summary>
    public ImmutableArray<MessageId> DependencyChain(MessageId id) => throw new NotImplementedException();

    /// <summary>The explicit-order messages that name <paramref name="id"/> directly.</summary>
    public ImmutableArray<MessageId> Dependents(MessageId id) => throw new NotImplementedException();
}
