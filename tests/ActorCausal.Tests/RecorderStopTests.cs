using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using ActorCausal.Tests.Support;
using Akka.Actor;
using Akka.Configuration;

namespace ActorCausal.Tests;

/// <summary>
/// A failure is a failure (issue 13, item 6): the recorders turn a failed group actor, or a stop reason they do not know,
/// into a <see cref="FailedEvent"/>, which the checker reports unless the test caused it; the protocol's stops stay stops.
/// </summary>
public sealed class RecorderStopTests : IDisposable
{
    private static readonly MemberId Self = new("akka.tcp://rec@127.0.0.1:1", 1);
    private readonly ActorSystem _system = ActorSystem.Create("recorder", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    [Theory]
    [InlineData(GroupStopReason.Failed)]
    [InlineData((GroupStopReason)42)]
    public async Task The_recording_subscriber_records_a_failed_group_actor_and_the_checker_reports_it(GroupStopReason reason)
    {
        var history = await Record(new GroupStopped("g", reason, "boom"));
        var failed = Assert.IsType<FailedEvent>(Assert.Single(history.Events));
        Assert.Equal(("boom", reason.ToString()), (failed.Detail, failed.Reason));
        Assert.Equal(InvariantChecker.Fate.Failed, InvariantChecker.FateOf(history));
        var v = Assert.Single(InvariantChecker.Check([history]));
        Assert.Equal((ViolationKind.GroupFailed, Self), (v.Kind, v.Member));
        Assert.Empty(InvariantChecker.Check([history], new CheckerOptions { CausedFailures = new HashSet<MemberId> { Self } }));
    }

    [Theory]
    [InlineData(GroupStopReason.Left, StopReason.Left)]
    [InlineData(GroupStopReason.Downed, StopReason.Downed)]
    [InlineData(GroupStopReason.ExcludedFromView, StopReason.ExcludedFromView)]
    public async Task The_protocols_stops_stay_stops(GroupStopReason reason, StopReason expected)
    {
        var history = await Record(new GroupStopped("g", reason, "why"));
        Assert.Equal(new StopEvent(expected, "why"), Assert.Single(history.Events));
        Assert.Empty(InvariantChecker.Check([history]));
    }

    [Fact]
    public void A_test_hosts_failed_line_and_an_unknown_stop_reason_read_as_failures()
    {
        var path = Path.Combine(Path.GetTempPath(), $"recorder-stop-{Guid.NewGuid():N}.jsonl");
        try
        {
            File.WriteAllText(path,
                """{"ev":"start","member":"akka.tcp://h@127.0.0.1:1","incarnation":1,"pid":1}""" + "\n" +
                """{"ev":"stopped","reason":"Vanished","detail":"?"}""" + "\n" +
                """{"ev":"failed","reason":"Failed","detail":"The group actor failed: X"}""" + "\n" +
                """{"ev":"stopped","reason":"Downed","detail":"d"}""" + "\n");
            var log = HostLog.Read(path);
            Assert.Equal<HistoryEvent>(
                [new FailedEvent("Vanished", "?"), new FailedEvent("Failed", "The group actor failed: X"), new StopEvent(StopReason.Downed, "d")],
                log.Events);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<MemberHistory> Record(GroupStopped stopped)
    {
        var subscriber = _system.ActorOf(RecordingSubscriber.Props(Self, "p"));
        subscriber.Tell(stopped);
        return await subscriber.Ask<MemberHistory>(new RecordingSubscriber.GetHistory(), TimeSpan.FromSeconds(10));
    }
}
