using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Internal;

/// <summary>The protocol's <see cref="Send"/> and <see cref="SendToAll"/> as one copy per addressed member, each copy to another member counted by kind.</summary>
internal sealed class PeerFanout
{
    public SentMessageCounts SentByKind { get; } = new();

    /// <summary><paramref name="send"/> (a Send or SendToAll) from <paramref name="self"/> in <paramref name="view"/>: <paramref name="enqueue"/> hears each copy.</summary>
    public void Route(Effect send, MemberId self, ImmutableArray<MemberId> view, Action<MemberId, ProtocolMessage> enqueue)
    {
        switch (send)
        {
            case Send one:
                if (one.To != self) SentByKind.Add(one.Message, toEveryMember: false, copies: 1);
                enqueue(one.To, one.Message);
                break;
            case SendToAll all:
                var copies = 0;
                foreach (var m in view)
                {
                    if (m == self) continue;
                    enqueue(m, all.Message);
                    copies++;
                }
                SentByKind.Add(all.Message, toEveryMember: true, copies);
                break;
            default:
                throw new ArgumentException($"Not a send: {send.GetType().Name}.", nameof(send));
        }
    }
}
