using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Event;
using Xunit.Abstractions;

namespace ActorCausal.Tests;

/// <summary>
/// Leave then Join of the same group on one node of a three-node cluster, ten times in a row: each time the node is
/// admitted as a new incarnation of the group member, it delivers, the other two never stall, and no group traffic ends
/// in dead letters (a repeated join announcement that reaches a just-stopped incarnation is not group traffic).
/// </summary>
public sealed class RejoinTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private sealed class DeadLetterCounter : ReceiveActor
    {
        public sealed record Get;

        private readonly List<string> _seen = new();

        public DeadLetterCounter()
        {
            Receive<DeadLetter>(d =>
            {
                // A join announcement is repeated until answered, so one that reaches an incarnation that just stopped
                // loses nothing; group traffic (envelopes, chunks, snapshots) must never end here.
                if (d.Message is Serialization.JoinRequest) return;
                if (d.Recipient.Path.ToString().Contains("/system/actorcausal/", StringComparison.Ordinal)
                    || d.Message.GetType().Namespace?.StartsWith("ActorCausal", StringComparison.Ordinal) == true)
                    _seen.Add($"{d.Message.GetType().Name}{(d.Message is Serialization.GroupEnvelope e ? $" [{string.Join(", ", e.Messages.Select(m => $"{m.GetType().Name} of view {m.ViewId}"))}] from {e.From}" : "")} from {d.Sender.Path} to {d.Recipient.Path}");
            });
            Receive<Get>(_ => Sender.Tell(_seen.ToArray()));
        }
    }

    [Fact]
    public async Task Leave_then_join_ten_times_on_one_node_is_admitted_delivers_and_loses_nothing_to_dead_letters()
    {
        await using var nodes = await ClusterNodes.StartAsync(3, "rejoin", "akka.loglevel = INFO");
        var logs = nodes.Systems.Select(system =>
        {
            var events = new System.Collections.Concurrent.ConcurrentQueue<LogEvent>();
            var collector = system.ActorOf(Props.Create(() => new LogCollector(events)));
            system.EventStream.Subscribe(collector, typeof(Info));
            system.EventStream.Subscribe(collector, typeof(Warning));
            return events;
        }).ToList();
        var counters = nodes.Systems.Select(s =>
        {
            var c = s.ActorOf(Props.Create(() => new DeadLetterCounter()));
            s.EventStream.Subscribe(c, typeof(DeadLetter));
            return c;
        }).ToList();

        var group = await RecordedGroup.JoinAsync("rejoin", nodes.Systems);
        await group.WaitForFullViewAsync(Generous);
        var survivors = new[] { group.Handles[0], group.Handles[1] };
        var rejoinerNode = nodes[2];
        var handle = group.Handles[2];
        var seenIds = new HashSet<MemberId>();

        async Task<string> Describe()
        {
            for (var i = 0; i < 3; i++)
            {
                foreach (var e in logs[i].Where(e => e.Message?.ToString()?.Contains("refused input", StringComparison.Ordinal) != true).TakeLast(i == 2 ? 60 : 10))
                    output.WriteLine($"node {i} {e.Timestamp:HH:mm:ss.fff} {e.LogLevel()} {e.Message}");
            }
            return string.Join("\n", (await Task.WhenAll(survivors.Append(handle).Select(h => h.Status())))
                .Select(s => $"{s.Self}: {s.State} {s.Phase} {s.View} suspected [{string.Join(", ", s.Suspected)}] rejected {s.InputsRejected} ignored-joins {s.JoinRequestsIgnored} unverified {s.UnverifiedSenders}"));
        }

        for (var round = 1; round <= 10; round++)
        {
            var before = await handle.Status();
            seenIds.Add(before.Self);
            var stopped = await handle.Leave();
            Assert.Equal(GroupStopReason.Left, stopped.Reason);

            // The survivors go on without it.
            var survivorMessage = await survivors[0].Broadcast($"while away {round}", DeliveryOrder.Total);
            Assert.True(survivorMessage.Accepted, survivorMessage.ToString());

            var subscriber = rejoinerNode.ActorOf(RecordingSubscriber.Props(ClusterNodes.MemberIdOf(rejoinerNode), $"rejoin-{round}"));
            handle = CausalGroups.Get(rejoinerNode).Join("rejoin", subscriber);
            subscriber.Tell(new RecordingSubscriber.Attach(await handle.Ref));

            // Admitted: all three in one view with the new incarnation.
            var admitted = await RecordedGroup.EventuallyAsync(async () =>
            {
                var s = await Task.WhenAll(survivors.Append(handle).Select(h => h.Status()));
                return s.All(x => x.State == GroupActorState.Member && x.Phase == MemberPhase.Normal && x.View.Size == 3 && x.View.Contains(s[2].Self))
                       && s.Select(x => x.View.Id).Distinct().Count() == 1 ? s : null;
            }, Generous, async () => $"round {round}: admitted: {await Describe()}");
            var self = admitted[2].Self;
            Assert.True(seenIds.Add(self), $"round {round}: the rejoined member {self} reuses an earlier incarnation's id");

            // It delivers, and everybody delivers its total-order broadcast and each survivor's.
            var fromRejoiner = await handle.Broadcast($"back {round}", DeliveryOrder.Total);
            var fromSurvivors = await Task.WhenAll(survivors.Select(s => s.Broadcast($"welcome {round}", DeliveryOrder.Total)));
            Assert.True(fromRejoiner.Accepted && fromSurvivors.All(r => r.Accepted), $"round {round}: {fromRejoiner}; {string.Join("; ", fromSurvivors.Select(r => r.ToString()))}");
            var subscribers = new[] { group.Subscribers[0], group.Subscribers[1], subscriber };
            await RecordedGroup.EventuallyAsync(async () =>
            {
                var progress = await Task.WhenAll(subscribers.Select(s => s.Ask<RecordingSubscriber.Progress>(new RecordingSubscriber.GetProgress(), TimeSpan.FromSeconds(10))));
                return progress.All(p => p.Deliveries.Any(d => d.Payload is string text && text == $"back {round}")
                                         && p.Deliveries.Count(d => d.Payload is string text && text == $"welcome {round}") == 2) ? progress : null;
            }, Generous, async () => $"round {round}: everyone delivers the new broadcasts: {await Describe()}");
        }

        var dead = (await Task.WhenAll(counters.Select(c => c.Ask<string[]>(new DeadLetterCounter.Get(), TimeSpan.FromSeconds(10))))).SelectMany(x => x).ToList();
        foreach (var d in dead.Take(20)) output.WriteLine(d);
        Assert.Empty(dead);
    }
}
