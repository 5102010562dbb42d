using System.Collections.Immutable;
using ActorCausal;
using ActorCausal.Protocol.Clocks;
using ActorCausal.Protocol.Membership;
using Akka.Actor;

namespace GroupChat.Actors;

/// <summary>
/// The bench's ceiling (<see cref="NodeOptions.ReplicationOff"/>): stands in for a chat actor's ActorCausal group with a
/// group of one. It installs a one-member view, answers every <see cref="Broadcast"/> as sent and delivers it to the
/// subscriber at once, in order; nothing leaves this node. It speaks the group actor's messages (<see cref="ViewChanged"/>,
/// <see cref="BroadcastReply"/>, <see cref="Delivered"/>), so the room and lobby actors, the store and the HTTP API run
/// unchanged.
/// </summary>
public sealed class LocalGroup : ReceiveActor
{
    private const long ViewId = 1;

    private readonly string _group;
    private readonly IActorRef _subscriber;
    private readonly MemberId _self;
    private readonly Address _address;
    private long _seq;
    private HlcTimestamp _last;

    public LocalGroup(string group, IActorRef subscriber, Address self)
    {
        _group = group;
        _subscriber = subscriber;
        _address = self;
        _self = new MemberId(self.ToString(), 0);
        Receive<Broadcast>(OnBroadcast);
    }

    public static Props Props(string group, IActorRef subscriber, Address self) => Akka.Actor.Props.Create(() => new LocalGroup(group, subscriber, self));

    protected override void PreStart() =>
        _subscriber.Tell(new ViewChanged(_group, new GroupView(ViewId, [_self]), [_self], ImmutableArray<MemberId>.Empty));

    private void OnBroadcast(Broadcast b)
    {
        var id = new ActorCausal.Protocol.MessageId(ViewId, 0, ++_seq);
        Sender.Tell(new BroadcastReply(_group, BroadcastOutcome.Sent, id, 0, RefusalReason.None, null));
        _subscriber.Tell(new Delivered(_group, b.Payload, _self, _address, id, VectorClock.Of(_seq), Tick(), ViewId, b.Order, b.DependsOn));
    }

    private HlcTimestamp Tick()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _last = now > _last.WallMs ? new HlcTimestamp(now, 0) : _last with { Logical = _last.Logical + 1 };
        return _last;
    }
}
