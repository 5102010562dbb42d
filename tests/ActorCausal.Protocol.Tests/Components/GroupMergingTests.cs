using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Tests.Components;

/// <summary>Merging two groups of one name, at one member, driven directly through a host that records what it is asked to do.</summary>
public class GroupMergingTests
{
    private static readonly GroupView Big = new(20, [new MemberId("a0", 1), new MemberId("a1", 1)]);
    private static readonly GroupView Small = new(5, [new MemberId("c0", 1)]);

    [Fact]
    public void The_coordinator_of_the_losing_group_asks_the_winner_and_once_accepted_closes_its_view_towards_it()
    {
        var host = new Host(Small, rank: 0);

        host.Merging.Receive(Big.Members[0], new MergeProbe(Big.Id, Big.Members));
        var request = Assert.Single(host.Effects.OfType<Send>());
        Assert.Equal(Big.Members[0], request.To);
        Assert.IsType<MergeRequest>(request.Message);
        Assert.Equal(0, host.ViewChangesAsked);

        host.Merging.Receive(Big.Members[0], new MergeAccept(Big.Id, Big.Members));

        Assert.Equal(Big, host.Merging.Target);
        Assert.Equal(1, host.ViewChangesAsked);
    }

    [Fact]
    public void The_winner_accepts_a_request_but_not_while_it_has_asked_to_merge_elsewhere()
    {
        var winner = new Host(Big, rank: 0);
        winner.Merging.Receive(Small.Members[0], new MergeRequest(Small.Id, Small.Members));
        Assert.IsType<MergeAccept>(Assert.Single(winner.Effects.OfType<Send>()).Message);

        var asking = new Host(Big, rank: 0);
        var bigger = new GroupView(30, [new MemberId("x0", 1), new MemberId("x1", 1), new MemberId("x2", 1)]);
        asking.Merging.Receive(bigger.Members[0], new MergeProbe(bigger.Id, bigger.Members));
        asking.Effects.Clear();

        var outcome = asking.Merging.Receive(Small.Members[0], new MergeRequest(Small.Id, Small.Members));

        Assert.Equal(ReceiveStatus.Duplicate, outcome.Status);
        Assert.Empty(asking.Effects);
    }

    [Fact]
    public void An_offer_admits_the_offerer_and_the_decision_that_admits_it_carries_its_sides_state_which_is_merged_once()
    {
        var host = new Host(Big, rank: 0);
        var offerer = new MemberId("c0", 2);
        byte[] state = [1, 2, 3];

        host.Merging.Receive(offerer, new MergeOffer(Small.Id, Small.Members, state));

        Assert.Equal([offerer], host.JoinRequests);
        Assert.Contains(host.Effects, e => e is AckJoin ack && ack.To == offerer);
        Assert.True(host.Merging.IsMergedAway(Small.Members[0]));
        var decision = host.Merging.WithMerge(new FlushDecision(Big.Id, Big.Id + 1, [.. Big.Members, offerer], [0, 0], [], []));
        var side = Assert.Single(decision.Merged);
        Assert.Equal(Small, side.View);

        host.Merging.DeliverMergedSides(decision, Big.Id + 1);
        host.Merging.DeliverMergedSides(decision, Big.Id + 1);

        Assert.Single(host.Effects.OfType<MergeSnapshot>());
    }

    [Fact]
    public void A_merging_joiner_offers_itself_to_every_target_member_once_its_state_arrives()
    {
        var host = new Host(new GroupView(0, [new MemberId("c0", 2)]), rank: 0) { Phase = MemberPhase.Joining };
        host.Merging.StartJoin(new MergeHandover(Small, Big, Small.Members[0], [], 1, null), nowMs: 0);

        Assert.True(host.Merging.JoinTick());
        Assert.Empty(host.Effects);
        Assert.False(host.Merging.ProvideSnapshot(Small.Id + 1, new byte[] { 9 }));

        Assert.True(host.Merging.ProvideSnapshot(Small.Id, new byte[] { 9 }));

        var offers = host.Effects.OfType<Send>().Where(s => s.Message is MergeOffer).Select(s => s.To).ToList();
        Assert.Equal(Big.Members, offers);
    }

    private sealed class Host : IMergeHost
    {
        public Host(GroupView view, int rank)
        {
            View = view;
            Rank = rank;
            Merging = new GroupMerging(this, new GroupMemberSettings(), new JoinAttempt(), new HeldBroadcasts());
        }

        public GroupMerging Merging { get; }
        public List<Effect> Effects { get; } = new();
        public List<MemberId> JoinRequests { get; } = new();
        public int ViewChangesAsked { get; private set; }

        public MemberId Self => View.Members[Rank];
        public GroupView View { get; }
        public int Rank { get; }
        public int Size => View.Size;
        public long Now { get; set; }
        public long LastSequence => 0;
        public SenderLog Log(int sender) => new();
        public int CoordinatorRank() => 0;
        public bool IsRemoved(MemberId member) => false;
        public void Emit(Effect effect) => Effects.Add(effect);
        public ReceiveOutcome Reject(MemberId from, RejectReason reason, string detail) => ReceiveOutcome.Rejected(reason, detail);

        public MemberPhase Phase { get; set; } = MemberPhase.Normal;
        public bool IsLeaving => false;
        public bool IsDowned(MemberId member) => false;
        public FlushCommit? LastCommit => null;
        public void Removed(MemberId member) { }
        public void JoinRequested(MemberId member) => JoinRequests.Add(member);
        public void ForgetPendingJoin(MemberId member) { }
        public void CoordinateViewChange() => ViewChangesAsked++;
        public void Stop(StopReason reason, string detail) { }
    }
}
