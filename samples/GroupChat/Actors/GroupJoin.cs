using ActorCausal;
using Akka.Actor;
using Akka.Cluster;

namespace GroupChat.Actors;

/// <summary>Tells a chat actor its group's handle once the group runs (or a <see cref="Status.Failure"/>).</summary>
public sealed record GroupStarted(IActorRef Ref);

/// <summary>How the room and lobby actors join their groups: the ActorCausal group, or the bench's <see cref="LocalGroup"/> when replication is off.</summary>
public static class GroupJoin
{
    /// <summary>Joins <paramref name="group"/> for the calling actor, which receives <see cref="GroupStarted"/>; the ActorCausal handle, or null for a local group.</summary>
    public static CausalGroup? Start(IUntypedActorContext context, NodeContext node, string group)
    {
        var self = context.Self;
        if (node.ReplicationOff)
        {
            self.Tell(new GroupStarted(context.ActorOf(LocalGroup.Props(group, self, Cluster.Get(context.System).SelfAddress), "local-group")));
            return null;
        }
        var joined = CausalGroups.Get(context.System).Join(group, self);
        joined.Ref.ContinueWith(t => t.IsCompletedSuccessfully ? new GroupStarted(t.Result) : (object)new Status.Failure(t.Exception!.GetBaseException()),
            TaskScheduler.Default).PipeTo(self);
        return joined;
    }
}
