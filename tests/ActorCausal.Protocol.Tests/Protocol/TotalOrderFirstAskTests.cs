using ActorCausal.Protocol.Messages;
using ActorCausal.Protocol.Tests.Support;

namespace ActorCausal.Protocol.Tests.Protocol;

/// <summary>
/// The first ask for a missing proposal: it waits the member's learned response time even above the 1 s first wait
/// (ResponseTimeEstimate), and while nothing is known to be lost it asks a member only about the first message of a
/// sender it has not proposed for (a member proposes for a sender's messages in order, so the later ones wait behind).
/// Nothing is lost in these tests: every ask is needless.
/// </summary>
public class TotalOrderFirstAskTests
{
    [Theory]
    [InlineData(TotalOrderMode.TwoStep)]
    [InlineData(TotalOrderMode.ThreeStep)]
    public void Once_responses_slower_than_one_second_have_been_seen_they_are_not_asked_for(TotalOrderMode mode)
    {
        // Every copy takes 800 ms, so the sender hears each proposal for its own message 1.6 s after sending it; it
        // sends one message every 2 s, so the other members go quiet between messages.
        var net = new SlowNetwork(3, mode, linkDelayMs: 800);
        for (var i = 0; i < 20; i++) net.Run(i, untilMs: (i + 1) * 2_000);
        net.Settle();

        // The first eight responses are learned with the 1 s first wait (asked once each); after that the sender waits
        // longer than 1.6 s and asks nothing.
        var late = net.Asks.Where(a => a.Message.Sequence > 9).ToList();
        Assert.True(net.Asks.Count > 0, "the first responses, slower than the 1 s first wait, should have been asked for");
        Assert.True(late.Count == 0, "asked after the response times were known: " + net.AskLog);
        net.AssertSameOrder(20);
    }

    [Theory]
    [InlineData(TotalOrderMode.TwoStep)]
    [InlineData(TotalOrderMode.ThreeStep)]
    public void A_burst_that_outlasts_the_first_wait_asks_each_member_only_about_the_first_message_it_has_not_proposed_for(TotalOrderMode mode)
    {
        // A new view, nothing learned yet: 30 messages at once over links of 1.5 s, so no proposal comes back within
        // the 1 s first wait.
        var net = new SlowNetwork(3, mode, linkDelayMs: 1_500);
        for (var i = 0; i < 30; i++) net.Net.Broadcast(0, i, DeliveryOrder.Total);
        net.Run(-1, untilMs: 10_000);
        net.Settle();

        Assert.True(net.Asks.Count > 0, "the first message should have been asked about");
        Assert.True(net.Asks.All(a => a.Message.Sequence == 1), "asked about later messages of the burst: " + net.AskLog);
        net.AssertSameOrder(30);
    }

    /// <summary>A <see cref="ManualNetwork"/> whose every copy arrives <c>linkDelayMs</c> after it was sent, in order.</summary>
    private sealed class SlowNetwork
    {
        private readonly List<(long ReleaseAt, ManualNetwork.Flight Flight)> _held = new();
        private readonly HashSet<(int To, MessageId Id)> _copies = new();

        public SlowNetwork(int members, TotalOrderMode mode, long linkDelayMs)
        {
            Net = new ManualNetwork(members, new GroupMemberSettings { TotalOrder = mode, TotalRetryDelayMs = 40, NakMaxDelayMs = 1_000 });
            Net.Blackhole = f =>
            {
                if (f.Message is Proposal { ReplyRequested: true } ask) Asks.Add((Net.Now, f.From, f.To, ask.Message));
                if (f.Message is DataMessage { Order: DeliveryOrder.Total } m && !_copies.Add((f.To, m.Id))) Asks.Add((Net.Now, f.From, f.To, m.Id));
                _held.Add((Net.Now + linkDelayMs, f));
                return true;
            };
        }

        public ManualNetwork Net { get; }
        public List<(long At, int From, int To, MessageId Message)> Asks { get; } = new();
        public string AskLog => string.Join(", ", Asks.Select(a => $"m{a.From}->m{a.To} {a.Message.Sequence}@{a.At}"));

        /// <summary>Broadcasts <paramref name="payload"/> from m0 (unless negative), then runs in 10 ms steps until <paramref name="untilMs"/>.</summary>
        public void Run(int payload, long untilMs)
        {
            if (payload >= 0) Net.Broadcast(0, payload, DeliveryOrder.Total);
            while (Net.Now < untilMs)
            {
                Net.InFlight.AddRange(_held.Where(h => h.ReleaseAt <= Net.Now).Select(h => h.Flight));
                _held.RemoveAll(h => h.ReleaseAt <= Net.Now);
                Net.Flush();
                Net.TickAll(10, flush: false);
            }
        }

        public void Settle() => Run(-1, Net.Now + 20_000);

        public void AssertSameOrder(int count)
        {
            var expected = Enumerable.Range(0, count).Cast<object>().ToList();
            for (var i = 0; i < Net.Members.Count; i++) Assert.Equal(expected, Net.Payloads(i));
        }
    }
}
