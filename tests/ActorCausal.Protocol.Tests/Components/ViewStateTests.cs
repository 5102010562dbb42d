using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Messages;
using static ActorCausal.Protocol.Tests.Components.RecordingMember;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>The per-view state's buffer counts.</summary>
public class ViewStateTests
{
    [Fact]
    public void Buffered_counts_every_message_kept_until_stable_and_pending_only_those_not_yet_delivered()
    {
        var view = new ViewState(size: 3, rank: 0);
        var log = view.Logs[1];
        foreach (var seq in new long[] { 1, 2, 3 }) log.Put(Data(1, seq, DeliveryOrder.Fifo, [0, seq, 0]), 0);
        view.Logs[2].Put(Data(2, 1, DeliveryOrder.Fifo, [0, 0, 1]), 0);
        log.Delivered = 2;
        log.ReleaseUpTo(1);

        Assert.Equal((3, 2), (view.Buffered, view.Pending));
        Assert.Equal((0, 0), (ViewState.None.Buffered, ViewState.None.Pending));
    }
}
