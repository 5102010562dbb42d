using GroupChat.Model;

namespace GroupChat.Tests;

/// <summary>Which missing events a request may wait for (they can still come) and which it is refused at once for.</summary>
public sealed class MissingEventsTests
{
    private static readonly Dictionary<string, long> Progress = new() { ["n2-aa11"] = 7, ["n1-0ld0"] = 3 };

    private static string? Why(string id) => MissingEvents.WhyNever(id, Progress, ownOrigin: "n1-be57", ownSequence: 5, otherNodes: ["n2", "n3"]);

    [Theory]
    [InlineData("n2-aa11.8")] // the next event of a known origin
    [InlineData("n3-cc33.1")] // the first event of a node in the view that has sent nothing here yet
    [InlineData("n1-be57.5")] // this node's own, sent, not delivered back yet
    [InlineData("n1-0ld0.4")] // an earlier incarnation's, beyond what is here: another node's history may carry it
    public void An_event_that_can_still_come_is_waited_for(string id) => Assert.Null(Why(id));

    [Theory]
    [InlineData("nope.9", "no node of this room sends as nope")]
    [InlineData("n9-dd44.1", "no node of this room sends as n9-dd44")]
    [InlineData("n2-aa11.7", "delivered here up to n2-aa11.7")] // passed: the origin is delivered up to 7 and 7 is not here
    [InlineData("n2-aa11.2", "delivered here up to n2-aa11.7")]
    [InlineData("n1-0ld1.1", "no node of this room sends as n1-0ld1")] // an incarnation of this node that is not this one, never seen here
    [InlineData("n1-be57.6", "this node has sent no event n1-be57.6")]
    [InlineData("hello", "is not an event id")]
    [InlineData("n2-aa11.0", "is not an event id")]
    public void An_event_that_cannot_come_says_why(string id, string why) => Assert.Contains(why, Why(id));
}
