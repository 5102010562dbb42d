using CollabEditor.Crdt;
using CollabEditor.Replay;
using CollabEditor.Traces;

namespace CollabEditor.Tests.Crdt;

/// <summary>
/// Three writers, where integrating the other agents' transactions agent by agent is not causal: agent 1 deletes a
/// character agent 2 typed, so a replica must integrate agent 2's transaction before agent 1's.
/// </summary>
public class CausalOrderTests
{
    // "abc" by agent 0; agent 2 appends "XY"; agent 1, having seen it, deletes the X; agent 0 then appends "!".
    public const string ThreeWriters = """
        {"kind":"concurrent","endContent":"abcY!","numAgents":3,"txns":[
          {"parents":[],"agent":0,"patches":[[0,0,"abc"]]},
          {"parents":[0],"agent":2,"patches":[[3,0,"XY"]]},
          {"parents":[1],"agent":1,"patches":[[3,1,""]]},
          {"parents":[2],"agent":0,"patches":[[4,0,"!"]]}
        ]}
        """;

    private static EditTrace Trace() => EditTrace.Parse(System.Text.Encoding.UTF8.GetBytes(ThreeWriters));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Per_agent_replay_integrates_other_agents_in_causal_order(bool eager)
    {
        var trace = Trace();
        var docs = LocalReplay.PerAgent(trace, new Causality(trace), eager);
        Assert.Equal(3, docs.Length);
        foreach (var d in docs) Assert.Equal("abcY!", d.GetText());
    }

    [Fact]
    public void An_update_offered_before_its_causal_past_waits_in_the_buffer_and_is_integrated_after_it()
    {
        var trace = Trace();
        var updates = new List<byte[]>();
        LocalReplay.PerAgent(trace, new Causality(trace), eager: false, updates);
        var doc = new TextDocument();
        var buffer = new CausalBuffer();
        // reverse order: each of the last three arrives before what it depends on, so all three wait
        Assert.Equal(0, buffer.Offer(doc, updates[3]));
        Assert.Equal(0, buffer.Offer(doc, updates[2]));
        Assert.Equal(0, buffer.Offer(doc, updates[1]));
        Assert.Equal(3, buffer.Count);
        Assert.Equal(UpdateOutcome.Waiting, doc.TryApplyUpdate(updates[2], out var missing));
        Assert.Contains($"({LocalReplay.AgentName(2)}, 0)", missing.Describe());
        Assert.Equal(4, buffer.Offer(doc, updates[0]));
        Assert.Equal(0, buffer.Count);
        Assert.Equal("abcY!", doc.GetText());
        Assert.Equal(0, buffer.Offer(doc, updates[2])); // a duplicate changes nothing
        Assert.Equal("abcY!", doc.GetText());
    }

    [Fact]
    public void A_malformed_update_still_throws_from_the_buffer()
    {
        var buffer = new CausalBuffer();
        Assert.Throws<EditRejectedException>(() => buffer.Offer(new TextDocument(), [9, 1, 2]));
        Assert.Equal(0, buffer.Count);
    }
}
