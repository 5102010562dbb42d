using System.Diagnostics;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorCausal.Streams.Benchmarks.Group;

/// <summary>How a stream mode's nodes write: the Sink, or (experiments, to tell the Source's cost from the Sink's) other writers.</summary>
public enum StreamWriter
{
    /// <summary><see cref="CausalGroupSink.Broadcast{T}"/> (with the mode's <see cref="CausalGroupFlowSettings"/>).</summary>
    Sink,
    /// <summary>A <see cref="FanOutNode"/> telling the group actor, windowed as the subscriber mode (only the reader is a stream).</summary>
    Actor,
    /// <summary><c>SelectAsync(64)</c> over <see cref="CausalGroup.Broadcast"/>, a back-pressure refusal retried after 10 ms (not order-preserving then: an experiment, not a Sink).</summary>
    Parallel64,
}

/// <summary>
/// On every node a <see cref="CausalGroupSource"/> (with <paramref name="settings"/>) read by <c>Sink.ForEach</c>, and
/// a writer (<paramref name="writer"/>, by default a <see cref="CausalGroupSink"/>) fed the node's messages. Recorded, each node's history is what its Source emitted:
/// views and deliveries in the Source's order, and each own message's send just before its own delivery (a causal
/// broadcast is delivered locally when it is sent, so that is its place in the member's order).
/// </summary>
public sealed class StreamMode(string name, CausalGroupSourceSettings settings, StreamWriter writer = StreamWriter.Sink, CausalGroupFlowSettings? sinkSettings = null) : GroupMode(name)
{
    public override async Task<RunOutcome> RunAsync(BenchCluster cluster, RunSpec spec)
    {
        var systems = cluster.Systems;
        var n = systems.Count;
        var count = new DeliveryCount(n, spec.Messages);
        var histories = new List<HistoryEvent>[n];
        var members = new CausalGroupMember[n];
        var switches = new UniqueKillSwitch[n];
        var readers = new Task[n];
        var selves = new MemberId[n];
        try
        {
            for (var i = 0; i < n; i++)
            {
                var (index, events, self) = (i, histories[i] = new List<HistoryEvent>(), selves[i] = MemberIdOf(systems[i]));
                var ((member, killSwitch), reader) = CausalGroupSource.Join(spec.Tag, settings)
                    .ViaMaterialized(KillSwitches.Single<IGroupEvent>(), Keep.Both)
                    .ToMaterialized(Sink.ForEach<IGroupEvent>(e => OnEvent(e, index, self, events, count, spec.Record)), Keep.Both)
                    .Run(systems[i].Materializer());
                (members[i], switches[i], readers[i]) = (await member, killSwitch, reader);
            }
            foreach (var m in members) await m.Admitted.WaitAsync(TimeSpan.FromSeconds(60));
            await AwaitOneView(members.Select(m => m.Group).ToList());

            var watch = Stopwatch.StartNew();
            var writers = await Task.WhenAll(members.Select((m, i) => Write(systems[i], i, m, count, spec)));
            var elapsed = await AwaitDeliveries(count, spec, watch);
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
            var recorded = spec.Record ? histories.Select((events, i) => new MemberHistory(selves[i], events.ToArray())).ToList() : null;
            return new RunOutcome(elapsed, count.Delivered, count.Expected, Interlocked.Read(ref count.BackPressureRetries), recorded);
        }
        finally
        {
            // Cancelling a Source leaves the group.
            foreach (var s in switches) s?.Shutdown();
            await Task.WhenAll(readers.Where(r => r is not null)).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
            await Task.WhenAll(members.Where(m => m is not null).Select(m => m.Stopped)).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<Task> Write(ActorSystem system, int index, CausalGroupMember member, DeliveryCount count, RunSpec spec)
    {
        var payloads = Source.From(Enumerable.Range(0, count.Sends(index))).Select(seq => DeliveryCount.Payload(index, seq));
        switch (writer)
        {
            case StreamWriter.Sink:
                return payloads.RunWith(CausalGroupSink.Broadcast<byte[]>(member, settings: sinkSettings), system.Materializer());
            case StreamWriter.Parallel64:
                return payloads.SelectAsync(64, p => BroadcastRetrying(member.Group, p, count)).RunWith(Sink.Ignore<BroadcastReply>(), system.Materializer());
            default:
                var node = system.ActorOf(FanOutNode.Props(index, count, spec.Window, spec.Tag, ActorRefs.Nobody));
                node.Tell(new FanOutNode.Start(await member.Group.Ref));
                return Task.WhenAny(count.Done.Task, Task.Delay(spec.Timeout)).ContinueWith(_ => node.Tell(PoisonPill.Instance), TaskScheduler.Default);
        }
    }

    private static async Task<BroadcastReply> BroadcastRetrying(CausalGroup group, byte[] payload, DeliveryCount count)
    {
        while (true)
        {
            var reply = await group.Broadcast(payload);
            if (reply is not { Outcome: BroadcastOutcome.Refused, Reason: RefusalReason.BackPressure }) return reply;
            Interlocked.Increment(ref count.BackPressureRetries);
            await Task.Delay(10);
        }
    }

    private static void OnEvent(IGroupEvent e, int index, MemberId self, List<HistoryEvent> events, DeliveryCount count, bool record)
    {
        switch (e)
        {
            case Delivered { Payload: byte[] payload } d:
                if (record)
                {
                    if (d.Sender == self) events.Add(new SendEvent(d.MessageId, d.Order));
                    events.Add(new DeliverEvent(d.MessageId, d.Sender, d.Order));
                }
                count.OnDelivery(index, payload);
                break;
            case ViewChanged v when record:
                events.Add(new ViewEvent(v.View.Id, v.View.Members));
                break;
        }
    }
}
