using System.Collections.Concurrent;
using System.Diagnostics;
using ActorCausal.Protocol;
using ActorCausal.Streams.Tests.Support;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorCausal.Streams.Tests.Group;

/// <summary>
/// Flow control end to end on a real three-node cluster: every source takes deliveries on demand, so one slow stream
/// paces every writer of the group (through stability and the writers' max-unstable bound), and nothing is lost.
/// </summary>
public sealed class SlowReaderTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(120);
    private const int MaxUnstable = 20;
    private const int SourceBuffer = 10;
    private const int Writers = 2;
    private const int PerWriter = 400;
    private const int OfferedPerWriterPerSecond = 500; // 1,000/s offered in all
    private static readonly TimeSpan SlowReadInterval = TimeSpan.FromMilliseconds(100); // 10/s: 1% of the offered rate

    private StreamsCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await StreamsCluster.StartAsync(3);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private sealed class Reader
    {
        public readonly ConcurrentQueue<Delivered> Delivered = new();
        public int Count => Delivered.Count;
    }

    [Fact]
    public async Task A_reader_at_one_percent_of_the_offered_rate_paces_every_writer_within_the_bound_and_loses_nothing()
    {
        var settings = new CausalGroupSourceSettings
        {
            BufferSize = SourceBuffer,
            JoinOptions = new JoinOptions { Stateless = true, Protocol = new GroupMemberSettings { MaxUnstable = MaxUnstable } },
        };
        var throttled = 1; // node 2's reader is slow while this is 1
        var members = new CausalGroupMember[3];
        var readers = new Reader[3];
        for (var i = 0; i < 3; i++)
        {
            var reader = readers[i] = new Reader();
            var source = CausalGroupSource.Join("slow-reader", settings);
            if (i == 2)
            {
                source = source.SelectAsync(1, async e =>
                {
                    if (e is Delivered && Volatile.Read(ref throttled) == 1) await Task.Delay(SlowReadInterval);
                    return e;
                });
            }
            var member = source.ToMaterialized(Sink.ForEach<IGroupEvent>(e =>
            {
                if (e is Delivered d) reader.Delivered.Enqueue(d);
            }), Keep.Left).Run(_cluster.Materializer(i));
            members[i] = await member.WaitAsync(Generous);
            await members[i].Admitted.WaitAsync(Generous);
        }
        await Eventually.Async(() => members.All(m => m.Group.Status().Result.View.Size == 3), Generous, () => "not every member installed the full view");

        var writing = Enumerable.Range(0, Writers).Select(w =>
            Source.From(Enumerable.Range(1, PerWriter).Select(n => $"{(char)('a' + w)}{n}"))
                .Throttle(OfferedPerWriterPerSecond, TimeSpan.FromSeconds(1), OfferedPerWriterPerSecond / 10, Akka.Streams.ThrottleMode.Shaping)
                .RunWith(CausalGroupSink.Broadcast<string>(members[w], DeliveryOrder.Total), _cluster.Materializer(w))).ToArray();

        // What the slow reader has not read: at most each writer's max-unstable (a message is stable only once every
        // reader took it from its group actor), plus what its source holds or was granted (its buffer), plus the one
        // element its SelectAsync(1) holds while it waits.
        const int unreadBound = Writers * MaxUnstable + SourceBuffer + 1;
        // Each member's protocol buffers hold, per writer, the messages it has not seen become stable: the writer's own
        // count is at most max-unstable; a member learns of stability up to a gossip later, so allow one more window.
        const int bufferedBound = 2 * Writers * MaxUnstable;
        int maxGap = 0, maxUnread = 0, maxBuffered = 0;
        var clock = Stopwatch.StartNew();
        (double At, int Fast, int Slow)? settledFrom = null, settledTo = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(8))
        {
            await Task.Delay(250);
            var fast = Math.Max(readers[0].Count, readers[1].Count);
            var statuses = await Task.WhenAll(members.Select(m => m.Group.Status()));
            var slow = readers[2].Count; // read last: the differences below can only be underestimated by the time between reads
            maxGap = Math.Max(maxGap, fast - slow);
            maxUnread = Math.Max(maxUnread, (int)statuses[2].Protocol.Delivered - slow);
            maxBuffered = Math.Max(maxBuffered, statuses.Max(s => s.Protocol.UnstableBuffered + s.Protocol.PendingNow));
            if (settledFrom is null && clock.Elapsed > TimeSpan.FromSeconds(3)) settledFrom = (clock.Elapsed.TotalSeconds, fast, slow);
            settledTo = (clock.Elapsed.TotalSeconds, fast, slow);
        }
        var writerStatuses = await Task.WhenAll(members.Take(Writers).Select(m => m.Group.Status()));
        var (t0, fast0, slow0) = settledFrom!.Value;
        var (t1, fast1, slow1) = settledTo!.Value;
        var groupRate = (fast1 - fast0) / (t1 - t0);
        var slowRate = (slow1 - slow0) / (t1 - t0);

        Volatile.Write(ref throttled, 0);
        var released = Stopwatch.StartNew();
        await Task.WhenAll(writing).WaitAsync(Generous);
        await Eventually.Async(() => readers.All(r => r.Count >= Writers * PerWriter), Generous,
            () => string.Join(", ", readers.Select(r => r.Count)) + $" of {Writers * PerWriter} read");
        var recoverySeconds = released.Elapsed.TotalSeconds;

        output.WriteLine($"offered {Writers * OfferedPerWriterPerSecond}/s; slow reader {slowRate:F1}/s; the group's fastest reader settled at {groupRate:F1}/s");
        output.WriteLine($"largest gap fast-slow {maxGap} (bound {unreadBound}), unread at the slow node {maxUnread} (bound {unreadBound}), " +
            $"protocol-buffered {maxBuffered} (bound {bufferedBound}); writers refused for back-pressure {string.Join("/", writerStatuses.Select(s => s.Protocol.Refused))}");
        output.WriteLine($"released: the rest ({Writers * PerWriter - slow1} messages at the slow reader) read in {recoverySeconds:F1} s");

        Assert.InRange(maxGap, 0, unreadBound);
        Assert.InRange(maxUnread, 0, unreadBound);
        Assert.InRange(maxBuffered, 0, bufferedBound);
        Assert.All(writerStatuses, s => Assert.True(s.Protocol.Refused > 0, "a writer was never refused for back-pressure: the slow reader did not pace it"));

        var orders = readers.Select(r => r.Delivered.Select(d => (string)d.Payload).ToList()).ToList();
        foreach (var order in orders)
        {
            Assert.Equal(Writers * PerWriter, order.Count);
            for (var w = 0; w < Writers; w++)
            {
                var prefix = (char)('a' + w);
                Assert.Equal(Enumerable.Range(1, PerWriter).Select(n => $"{prefix}{n}"), order.Where(p => p[0] == prefix));
            }
            Assert.Equal(orders[0], order); // total order: one sequence everywhere
        }
    }

    [Fact]
    public async Task A_reader_that_takes_nothing_for_the_stall_timeout_leaves_and_the_writers_go_on()
    {
        var protocol = new GroupMemberSettings { MaxUnstable = 10 };
        var (writer, writerRead) = CausalGroupSource.Join("stuck-reader", new CausalGroupSourceSettings { JoinOptions = new JoinOptions { Stateless = true, Protocol = protocol } })
            .ToMaterialized(Sink.Seq<IGroupEvent>(), Keep.Both).Run(_cluster.Materializer(0));
        var member = await writer.WaitAsync(Generous);
        await member.Admitted.WaitAsync(Generous);

        var stuckSettings = new CausalGroupSourceSettings
        {
            BufferSize = 5,
            JoinOptions = new JoinOptions { Stateless = true, Protocol = protocol, ReaderStallTimeout = TimeSpan.FromSeconds(2) },
        };
        var stuck = await CausalGroupSource.Join("stuck-reader", stuckSettings)
            .SelectAsync(1, _ => new TaskCompletionSource<IGroupEvent>().Task) // takes one event, then never asks again
            .ToMaterialized(Sink.Ignore<IGroupEvent>(), Keep.Left)
            .Run(_cluster.Materializer(1)).WaitAsync(Generous);
        await stuck.Admitted.WaitAsync(Generous);
        await Eventually.Async(() => member.Group.Status().Result.View.Size == 2, Generous, () => "the stuck member was not admitted");

        const int n = 100; // far more than max-unstable: without the timeout the writer would wait for ever
        await Source.From(Enumerable.Range(1, n)).RunWith(CausalGroupSink.Broadcast<int>(member), _cluster.Materializer(0)).WaitAsync(Generous);

        var stopped = await stuck.Stopped.WaitAsync(Generous);
        Assert.Equal(GroupStopReason.Left, stopped.Reason);
        var status = await member.Group.Status();
        Assert.Equal(1, status.View.Size);
        Assert.Equal(n, status.Protocol.Delivered);
        await member.Group.Leave().WaitAsync(Generous);
        var read = await writerRead.WaitAsync(Generous);
        Assert.Equal(Enumerable.Range(1, n), read.OfType<Delivered>().Select(d => (int)d.Payload));
    }
}
