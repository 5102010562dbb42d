using ActorCausal.Protocol;
using Akka;
using Akka.Actor;
using Akka.Event;

namespace ActorCausal.Internal;

/// <summary>
/// The extension's guardian (/system/actorcausal): parent of one group actor per group, named by the group. A failing
/// group actor is stopped, never restarted: a restart would lose the protocol state of a member the others still count.
/// </summary>
internal sealed class CausalGuardian : UntypedActor
{
    private readonly CausalGroupsSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<string> _stopping = new();
    private readonly Dictionary<string, List<(StartGroup Request, IActorRef ReplyTo)>> _waiting = new();

    public CausalGuardian(CausalGroupsSettings settings) => _settings = settings;

    /// <summary>Start the group actor for <see cref="Group"/>; answered with its IActorRef or a Status.Failure.</summary>
    public sealed record StartGroup(string Group, string ActorName, IActorRef Subscriber, GroupMemberSettings Protocol, JoinOptions Options, GroupHandleState Handle);

    /// <summary>A group actor about to stop itself (after leaving): a Join of the same group waits until it is gone.</summary>
    public sealed record GroupActorStopping(string ActorName);

    /// <summary>
    /// This node shuts down because the cluster downed it (sent by the extension's coordinated-shutdown task): every group
    /// actor stops with Downed, and the guardian answers Done once each did or the bound passed. Sent first thing in the
    /// shutdown, so the subscribers hear GroupStopped long before the user actors are stopped.
    /// </summary>
    public sealed class NodeDowned
    {
        public static readonly NodeDowned Instance = new();
        private NodeDowned() { }
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
    {
        _log.Error(e, "A group actor failed; it is stopped (its subscriber receives GroupStopped with reason Failed).");
        return Directive.Stop;
    });

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case StartGroup start:
                Start(start, Sender);
                break;
            case NodeDowned:
                var bound = _settings.AskTimeout;
                Task.WhenAll(Context.GetChildren().Select(c => c.Ask<Done>(NodeDowned.Instance, bound)))
                    .ContinueWith(_ => Done.Instance, TaskScheduler.Default)
                    .PipeTo(Sender);
                break;
            case GroupActorStopping stopping:
                _stopping.Add(stopping.ActorName);
                break;
            case Terminated terminated:
                var name = terminated.ActorRef.Path.Name;
                _stopping.Remove(name);
                if (_waiting.Remove(name, out var waiting))
                {
                    foreach (var (request, replyTo) in waiting) Start(request, replyTo);
                }
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Start(StartGroup start, IActorRef replyTo)
    {
        var existing = Context.Child(start.ActorName);
        if (!existing.IsNobody())
        {
            if (_stopping.Contains(start.ActorName))
            {
                if (!_waiting.TryGetValue(start.ActorName, out var list)) _waiting[start.ActorName] = list = new();
                list.Add((start, replyTo));
                return;
            }
            replyTo.Tell(new Status.Failure(new InvalidOperationException(
                $"Group '{start.Group}' is already joined on this node; Leave() it before joining again.")));
            return;
        }
        var child = Context.ActorOf(
            Props.Create(() => new GroupActor(start.Group, start.Subscriber, _settings, start.Protocol, start.Options, start.Handle)).WithDeploy(Deploy.Local),
            start.ActorName);
        Context.Watch(child);
        replyTo.Tell(child);
    }
}
