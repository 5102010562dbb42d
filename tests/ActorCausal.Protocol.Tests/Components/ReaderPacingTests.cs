using ActorCausal.Protocol.Internal;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>Flow control from the reader: what a member reports delivered for stability.</summary>
public class ReaderPacingTests
{
    [Fact]
    public void Not_paced_a_member_reports_what_it_delivered()
    {
        var view = new ViewState(size: 3, rank: 0);
        view.Acks.MarkDelivered(1, 4);

        Assert.Same(view.Delivered, new ReaderPacing(pacedByReader: false).Reported(view));
    }

    [Fact]
    public void Paced_it_reports_per_sender_the_prefix_its_reader_took_and_an_earlier_position_counts_nothing()
    {
        var view = new ViewState(size: 3, rank: 0);
        view.Acks.MarkDelivered(1, 4);
        var pacing = new ReaderPacing(pacedByReader: true);

        Assert.Equal<long>([0, 0, 0], pacing.Reported(view));
        Assert.True(pacing.Take(view, sender: 1, sequence: 3));
        Assert.True(view.DeliveredChanged);
        view.DeliveredChanged = false;
        Assert.False(pacing.Take(view, sender: 1, sequence: 2));

        Assert.False(view.DeliveredChanged);
        Assert.Equal<long>([0, 3, 0], pacing.Reported(view));
    }

    [Fact]
    public void A_new_view_starts_from_nothing_taken()
    {
        var pacing = new ReaderPacing(pacedByReader: true);
        pacing.Take(new ViewState(size: 3, rank: 0), sender: 1, sequence: 3);

        Assert.Equal<long>([0, 0], pacing.Reported(new ViewState(size: 2, rank: 0)));
    }
}
