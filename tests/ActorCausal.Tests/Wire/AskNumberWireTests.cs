using ActorCausal.Protocol;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Tests.Wire;

/// <summary>
/// Total order's ask numbers (Proposal.AskNumber, FinalPriority.AskNumber) cross the wire, negative ones included;
/// bytes without the field (a version before it, WireGoldenTests) read as 0, an unasked message.
/// </summary>
public sealed class AskNumberWireTests() : WireRoundTrip("asknumbers")
{
    [Theory]
    [InlineData(3)]
    [InlineData(Proposal.AnswersResentMessage)]
    public void A_proposals_ask_number_round_trips(int askNumber)
    {
        var ask = new Proposal(7, new MessageId(7, 2, 41), new Priority(900, 1), ReplyRequested: askNumber > 0) { AskNumber = askNumber };
        Assert.Equal(askNumber, RoundTrip(ask).AskNumber);
    }

    [Fact]
    public void A_finals_ask_number_round_trips_and_an_unasked_one_costs_no_bytes()
    {
        var unasked = new FinalPriority(7, new MessageId(7, 2, 41), new Priority(900, 1));
        var answer = unasked with { AskNumber = 12 };
        Assert.Equal(12, RoundTrip(answer).AskNumber);
        Assert.Equal(0, RoundTrip(unasked).AskNumber);
        Assert.True(Serializer.ToBinary(answer).Length > Serializer.ToBinary(unasked).Length);
    }
}
