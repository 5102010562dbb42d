using System.Collections.Concurrent;
using ActorCausal.Protocol;
using ActorCausal.Streams.Tests.Support;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Supervision;

namespace ActorCausal.Streams.Tests.Group;

/// <summary>
/// CausalGroupFlow with many broadcasts in flight on a real cluster: the stream order is the broadcast order when the
/// member is back-pressured, elements are never lost or sent twice, and a stopped stream leaves nothing behind to go
/// out later. Judged by what the other members deliver, not by the flow's counters.
/// </summary>
public sealed class OrderedFlowTests : ThreeNodeStreamTests
{
    private static CausalGroupSourceSettings MaxUnstable(int bound) =>
        new() { JoinOptions = new JoinOptions { Stateless = true, Protocol = new GroupMemberSettings { MaxUnstable = bound } } };

    private static readonly CausalGroupFlowSettings Window64 = new() { MaxInFlight = 64 };

    [Fact]
    public async Task With_a_window_of_64_and_max_unstable_4_every_writers_elements_are_delivered_once_in_stream_order_with_the_emitted_ids()
    {
        const int n = 400;
        var (members, events, _, _) = await JoinAll("ordered-window", settings: MaxUnstable(4));

        var writers = Enumerable.Range(0, 2).Select(w =>
            Source.From(Enumerable.Range(1, n).Select(i => $"{(char)('a' + w)}{i}"))
                .Via(CausalGroupFlow.Broadcast<string>(members[w], DeliveryOrder.Causal, Window64))
                .RunWith(Sink.Seq<MessageId>(), Nodes.Materializer(w))).ToArray();
        var ids = await Task.WhenAll(writers).WaitAsync(Generous);
        await Eventually.Async(() => events.All(e => Deliveries(e).Count >= 2 * n), Generous,
            () => string.Join(", ", events.Select(e => Deliveries(e).Count)) + $" of {2 * n} delivered");

        foreach (var node in events)
        {
            var delivered = Deliveries(node);
            Assert.Equal(2 * n, delivered.Count);
            for (var w = 0; w < 2; w++)
            {
                var prefix = (char)('a' + w);
                var own = delivered.Where(d => ((string)d.Payload)[0] == prefix).ToList();
                Assert.Equal(Enumerable.Range(1, n).Select(i => $"{prefix}{i}"), own.Select(d => (string)d.Payload));
                Assert.Equal(ids[w], own.Select(d => d.MessageId));
            }
        }
        // The scenario the test is about happened: the writers' members refused broadcasts for back-pressure.
        var statuses = await Task.WhenAll(members.Take(2).Select(m => m.Group.Status()));
        Assert.All(statuses, s => Assert.True(s.Protocol.Refused > 0, "the member was never back-pressured"));
    }

    [Fact]
    public async Task An_upstream_failure_fails_the_flow_and_what_the_group_still_queued_never_goes_out()
    {
        var (members, events, _, _) = await JoinAll("upstream-failure", nodes: 2, settings: MaxUnstable(2));
        var boom = new InvalidOperationException("upstream failed");

        var failed = Source.From(Enumerable.Range(1, 300)).Concat(Source.Failed<int>(boom))
            .Via(CausalGroupFlow.Broadcast<int>(members[0], DeliveryOrder.Causal, Window64))
            .RunWith(Sink.Ignore<MessageId>(), Nodes.Materializer(0));
        Assert.Same(boom, await Assert.ThrowsAsync<InvalidOperationException>(() => failed.WaitAsync(Generous)));

        await AssertPrefixThenMarkers(members[0], events[1], atLeast: 0);
    }

    [Fact]
    public async Task Cancelling_downstream_stops_the_flow_with_the_taken_ids_delivered_and_nothing_queued_going_out_later()
    {
        var (members, events, _, _) = await JoinAll("cancelled", nodes: 2, settings: MaxUnstable(2));

        var taken = await Source.From(Enumerable.Range(1, 300))
            .Via(CausalGroupFlow.Broadcast<int>(members[0], DeliveryOrder.Causal, Window64))
            .Take(20).RunWith(Sink.Seq<MessageId>(), Nodes.Materializer(0)).WaitAsync(Generous);

        var delivered = await AssertPrefixThenMarkers(members[0], events[1], atLeast: 20);
        Assert.Equal(taken, delivered.Take(20).Select(d => d.MessageId));
    }

    [Fact]
    public async Task After_the_member_left_elements_fail_with_Stopped_or_are_skipped_under_Resume()
    {
        var (members, _, done, switches) = await JoinAll("left", nodes: 2);
        switches[0].Shutdown();
        await done[0].WaitAsync(Generous);
        await members[0].Stopped.WaitAsync(Generous);

        var failure = await Assert.ThrowsAsync<BroadcastRefusedException>(() => Source.From(Enumerable.Range(1, 5))
            .Via(CausalGroupFlow.Broadcast<int>(members[0])).RunWith(Sink.Seq<MessageId>(), Nodes.Materializer(0)).WaitAsync(Generous));
        Assert.Equal(RefusalReason.Stopped, failure.Reply.Reason);

        var resumed = await Source.From(Enumerable.Range(1, 5))
            .Via(CausalGroupFlow.Broadcast<int>(members[0]).WithAttributes(ActorAttributes.CreateSupervisionStrategy(Deciders.ResumingDecider)))
            .RunWith(Sink.Seq<MessageId>(), Nodes.Materializer(0)).WaitAsync(Generous);
        Assert.Empty(resumed);
    }

    /// <summary>
    /// Broadcasts markers through a new flow of the same member and waits until <paramref name="reader"/> delivered them:
    /// the first stream's elements delivered there must be 1..k in order (k at least <paramref name="atLeast"/>), each once,
    /// all before the markers (what the group had queued for the stopped stream was dropped, not sent late).
    /// </summary>
    private async Task<List<Delivered>> AssertPrefixThenMarkers(CausalGroupMember writer, ConcurrentQueue<IGroupEvent> reader, int atLeast)
    {
        var markers = Enumerable.Range(1, 10).Select(i => "marker " + i).ToList();
        await Source.From(markers).RunWith(CausalGroupSink.Broadcast<string>(writer), Nodes.Materializer(0)).WaitAsync(Generous);
        await Eventually.Async(() => Deliveries(reader).Count(d => d.Payload is string) >= markers.Count, Generous, () => "the markers were not delivered");

        var delivered = Deliveries(reader);
        var firstMarker = delivered.FindIndex(d => d.Payload is string);
        Assert.Equal(markers, delivered.Skip(firstMarker).Where(d => d.Payload is string).Select(d => (string)d.Payload));
        Assert.DoesNotContain(delivered.Skip(firstMarker), d => d.Payload is int);
        var first = delivered.Take(firstMarker).Where(d => d.Payload is int).ToList();
        Assert.Equal(Enumerable.Range(1, first.Count), first.Select(d => (int)d.Payload));
        Assert.InRange(first.Count, atLeast, 300);
        return first;
    }
}
