using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// Merging two groups of one name that formed anyway (start-up partition, lost announcements), as JGroups' MERGE3 does.
// Discovery: every MergeIntervalMs the coordinator probes (ProbeOtherNodes) every Up node not in its view. A coordinator
// that hears a probe from a disjoint group evaluates MergeRules.Wins on the two views; the loser asks the winner
// (MergeRequest), the winner agrees if it still wins and is not itself merging (MergeAccept). The loser then closes its
// view with an ordinary flush whose decision has no members and names the target, so every loser member delivers the
// same set of its last view; each then stops (StopReason.Merged) and hands over (MergingInto) to a new incarnation
// (GroupMember.Merging) that offers itself to the winner's members with the losing side's state (MergeOffer). A winner
// member that hears an offer admits the offerer by the ordinary join path; the flush that admits the first offerer of a
// side carries that side's state, which every winner member merges (MergeSnapshot) after its last delivery of the old
// view and before the new view; the welcome gives the offerers the winner's state, also as a merge, and any ordinary
// joiner of that view loads the winner's state and then merges the side's.
public sealed partial class GroupMember
{
    private const int MaxMergeOffers = 1_024;
    private readonly MergeNegotiation _negotiation;
    /// <summary>Offers heard from joiners of another side: the side's last view and its state.</summary>
    private readonly Dictionary<MemberId, MergeSide> _mergeOffers = new();
    /// <summary>Sides whose state this member's group has merged (or, for a merging joiner, its own origin).</summary>
    private readonly HashSet<(long, MemberId)> _mergedSides = new();
    private MergeJoin? _merge;
    /// <summary>Incarnations that closed their group to merge: never admitted.</summary>
    private readonly HashSet<MemberId> _mergedAway = new();

    /// <summary>
    /// The next incarnation of a member whose group closed its view to merge (<see cref="MergingInto"/>). It is joining,
    /// holds broadcasts until it is admitted (the old incarnation's held ones first, tickets unchanged), and offers itself
    /// to the winner once the application's state at the end of the old view arrives (<see cref="ProvideSnapshot"/> with
    /// the origin's view id).
    /// </summary>
    public static GroupMember Merging(MemberId self, MergeHandover handover, GroupMemberSettings? settings = null, long nowMs = 0)
    {
        ArgumentNullException.ThrowIfNull(handover);
        if (handover.Origin.Contains(self) || handover.Target.Contains(self))
            throw new ArgumentException($"{self} must be a new incarnation, in neither {handover.Origin} nor {handover.Target}.", nameof(self));
        var m = new GroupMember(self, settings, nowMs)
        {
            _merge = new MergeJoin(handover, nowMs),
            _lifecycle = Lifecycle.MergeJoining,
        };
        m._join.Start(nowMs);
        m._held.Adopt(handover.Held.Select(h => new HeldBroadcast(h.Ticket, h.Payload, h.Order, ImmutableArray<MessageId>.Empty)), handover.NextTicket);
        m._mergedSides.Add(MergeRules.Key(handover.Origin));
        // The driver routes what is sent to the old incarnation to this one: it repairs origin members that missed the closing commit.
        if (handover.LastCommit is { } commit) m._recentCommits.Enqueue((commit, handover.Origin));
        return m;
    }

    /// <summary>True while this member is the new incarnation of a merging member and not yet admitted.</summary>
    public bool IsMergeJoining => _lifecycle == Lifecycle.MergeJoining;

    private void MergeTick()
    {
        if (Phase != MemberPhase.Normal || _negotiation.Target is not null || _leaving.Contains(Self) || CoordinatorRank() != Rank) return;
        if (!_negotiation.TakeProbeDue(_now)) return;
        _effects.Add(new ProbeOtherNodes(new MergeProbe(View.Id, View.Members)));
    }

    /// <summary>
    /// What comes from outside this member's group, before the membership checks: merge traffic; a welcome from another
    /// group (declined); flush traffic of the view this member's previous incarnation closed to merge, whatever its id
    /// (answered with that commit); the commit this member missed, from the next incarnation of a member of its view.
    /// Null: an ordinary message.
    /// </summary>
    private ReceiveOutcome? ReceiveAcrossGroups(MemberId from, ProtocolMessage message)
    {
        if (message is MergeMessage merge && Phase != MemberPhase.Stopped) return ReceiveMerge(from, merge);
        if (message is Welcome welcome && IsWelcomeFromAnotherGroup(from, welcome)) return DeclineWelcome(welcome);
        if (_merge is not null && !View.Contains(from) && RepairMissedCommit(from, message)) return ReceiveOutcome.Duplicate;
        if (message is FlushCommit repair && IsCommitFromSuccessor(from, repair, out var rank)) return _flush.OnCommit(from, rank, repair);
        return null;
    }

    private ReceiveOutcome ReceiveMerge(MemberId from, MergeMessage message)
    {
        if (message.Members.IsDefaultOrEmpty || message.Members.Distinct().Count() != message.Members.Length)
            return Reject(from, RejectReason.Malformed, $"{message.GetType().Name} with a view that is empty or repeats a member.");
        // A coordinator speaks for its own view; an offer comes from the new incarnation of a member of the view it names.
        if (message is not (MergeOffer or WelcomeDeclined) && !message.Members.Contains(from))
            return Reject(from, RejectReason.Malformed, $"{message.GetType().Name} of a view that does not hold its sender {from}.");
        return message switch
        {
            MergeProbe probe => OnMergeProbe(from, probe.View),
            MergeRequest request => OnMergeRequest(from, request.View),
            MergeAccept accept => OnMergeAccept(from, accept.View),
            MergeOffer offer => OnMergeOffer(from, offer),
            WelcomeDeclined declined => OnWelcomeDeclined(from, declined.View),
            _ => Reject(from, RejectReason.Malformed, $"Unknown merge message {message.GetType().Name}."),
        };
    }

    /// <summary>True when this member may take part in a merge decision as its group's coordinator.</summary>
    private bool CanDecideMerge(GroupView other) =>
        Phase == MemberPhase.Normal && _negotiation.Target is null && !_leaving.Contains(Self) && CoordinatorRank() == Rank && MergeRules.Disjoint(View, other);

    private ReceiveOutcome OnMergeProbe(MemberId from, GroupView other)
    {
        if (Phase == MemberPhase.Joining)
        {
            // A group of this name exists: do not found one; the announcements reach its members.
            if (_merge is null) _join.Answered(_now);
            return ReceiveOutcome.Accepted;
        }
        if (!CanDecideMerge(other)) return ReceiveOutcome.Duplicate;
        if (MergeRules.Wins(View, other))
        {
            // Let the other coordinator learn of this group now rather than at its next probe.
            if (_negotiation.TakeProbeReplyDue(_now)) _effects.Add(new Send(from, new MergeProbe(View.Id, View.Members)));
            return ReceiveOutcome.Accepted;
        }
        if (!_negotiation.MayRequest(_now)) return ReceiveOutcome.Duplicate;
        _negotiation.Requested(from, _now);
        _effects.Add(new Send(from, new MergeRequest(View.Id, View.Members)));
        return ReceiveOutcome.Accepted;
    }

    private ReceiveOutcome OnMergeRequest(MemberId from, GroupView other)
    {
        // A coordinator that asked to merge elsewhere does not take others in: two requests that cross both go unanswered.
        if (!CanDecideMerge(other) || _negotiation.HasRequestOut || !MergeRules.Wins(View, other)) return ReceiveOutcome.Duplicate;
        _negotiation.Accepted(_now);
        _effects.Add(new Send(from, new MergeAccept(View.Id, View.Members)));
        return ReceiveOutcome.Accepted;
    }

    private ReceiveOutcome OnMergeAccept(MemberId from, GroupView winner)
    {
        if (!CanDecideMerge(winner) || MergeRules.Wins(View, winner) || !_negotiation.TakeAcceptance(from, _now)) return ReceiveOutcome.Duplicate;
        _negotiation.CloseInto(winner);
        CoordinateViewChange(); // no members wanted: a flush that closes this view
        return ReceiveOutcome.Accepted;
    }

    private ReceiveOutcome OnMergeOffer(MemberId from, MergeOffer offer)
    {
        if (Phase is not (MemberPhase.Normal or MemberPhase.Flushing) || View.Contains(from)) return ReceiveOutcome.Duplicate;
        var side = new MergeSide(offer.View, offer.Snapshot);
        // A member of the closed side that this group admitted from a late announcement never took part here and is gone.
        foreach (var ghost in side.View.Members.Where(m => View.Contains(m) && m != Self && m.Address == from.Address).ToList()) Removed(ghost);
        if (side.View.Contains(from) || side.View.Members.Any(m => View.Contains(m) && !_removed.Contains(m)))
            return Reject(from, RejectReason.Malformed, $"A merge offer from {from} of {side.View}, which is not another group.");
        if (!_mergeOffers.ContainsKey(from) && _mergeOffers.Count >= MaxMergeOffers) return ReceiveOutcome.Duplicate;
        _mergeOffers[from] = side;
        // The side's members are gone (their new incarnations offer themselves): an announcement of theirs still on its way must not admit them.
        foreach (var old in side.View.Members)
        {
            _mergedAway.Add(old);
            _pendingJoins.Remove(old);
        }
        JoinRequested(from);
        _effects.Add(new AckJoin(from, View.Id));
        return ReceiveOutcome.Accepted;
    }

    /// <summary>A merging joiner offers itself to the target's members until admitted; with no answer for long it joins as anyone would.</summary>
    private void MergeJoinTick(MergeJoin mj)
    {
        if (mj.Snapshot is { } snapshot && _now >= mj.NextOfferAt)
        {
            mj.NextOfferAt = _now + Settings.JoinRetryIntervalMs;
            var origin = mj.Handover.Origin;
            foreach (var member in mj.Handover.Target.Members)
            {
                if (!_removed.Contains(member) && !_downed.Contains(member))
                    _effects.Add(new Send(member, new MergeOffer(origin.Id, origin.Members, snapshot)));
            }
        }
        if (_now - mj.StartedAt >= 3 * Settings.FoundingDelayMs && _join.UnansweredFor(_now, Settings.FoundingDelayMs))
        {
            mj.Fallback = true;
            _join.Start(_now);
        }
    }

    /// <summary>The application's state at the end of the side that merges, for the offers of a merging joiner.</summary>
    private bool ProvideMergeSnapshot(long viewId, ReadOnlyMemory<byte> snapshot)
    {
        if (_merge is not { Snapshot: null } mj || Phase != MemberPhase.Joining || viewId != mj.Handover.Origin.Id) return false;
        mj.Snapshot = snapshot;
        mj.NextOfferAt = _now;
        MergeJoinTick(mj);
        return true;
    }

    /// <summary>What the coordinator adds to a decision it makes: the merge target, and the state of each other side whose first member it admits.</summary>
    private FlushDecision WithMerge(FlushDecision decision)
    {
        var sides = ImmutableArray.CreateBuilder<MergeSide>();
        foreach (var joiner in decision.NewMembers)
        {
            if (View.Contains(joiner) || !_mergeOffers.TryGetValue(joiner, out var side) || _mergedSides.Contains(MergeRules.Key(side.View))) continue;
            if (!sides.Any(s => s.View.Equals(side.View))) sides.Add(side);
        }
        return decision with { MergeTarget = _negotiation.Target, Merged = sides.ToImmutable() };
    }

    /// <summary>At a commit that admits members of other sides: merge each side's state, after the last delivery of the old view.</summary>
    private void DeliverMergedSides(FlushDecision decision, long nextViewId)
    {
        if (decision.Merged.IsDefaultOrEmpty) return;
        foreach (var side in decision.Merged)
        {
            if (!_mergedSides.Add(MergeRules.Key(side.View))) continue;
            _effects.Add(new MergeSnapshot(nextViewId, side));
        }
        foreach (var joiner in decision.NewMembers) _mergeOffers.Remove(joiner);
    }

    /// <summary>A commit that closes this group to merge: hand over to the next incarnation and stop.</summary>
    private void StopForMerge(GroupView target)
    {
        var held = _held.TakeAll().Select(h => new HeldForMerge(h.Ticket, h.Payload, h.Order)).ToImmutableArray();
        var lastCommit = _recentCommits.Count > 0 ? _recentCommits.Last().Commit : null;
        _effects.Add(new MergingInto(new MergeHandover(View, target, Self, held, _held.LastTicket, lastCommit)));
        Stop(StopReason.Merged, $"View {View.Id} closed to merge into {target}.");
    }

    /// <summary>A joiner's welcome: load (or, for a merging joiner, merge) the group's state, then merge every other side merged in this view.</summary>
    private void AddWelcomeSnapshots(Welcome welcome)
    {
        if (_merge is not null)
        {
            var old = welcome.Members.Where(m => !welcome.Joined.Contains(m)).ToList();
            var winner = new GroupView(Math.Max(0, welcome.ViewId - 1), old.Count > 0 ? old : welcome.Members);
            _effects.Add(new MergeSnapshot(welcome.ViewId, new MergeSide(winner, welcome.Snapshot)));
        }
        else
        {
            _effects.Add(new LoadSnapshot(welcome.ViewId, welcome.Snapshot));
        }
        if (welcome.Merged.IsDefaultOrEmpty) return;
        foreach (var side in welcome.Merged)
        {
            if (_mergedSides.Add(MergeRules.Key(side.View))) _effects.Add(new MergeSnapshot(welcome.ViewId, side));
        }
    }

    /// <summary>
    /// A welcome that is not the one that admitted this member: another group of the name admitted it too (an announcement
    /// of it arrived late there, or two groups admitted each other's founders). Its view id may even equal this group's.
    /// </summary>
    private bool IsWelcomeFromAnotherGroup(MemberId from, Welcome welcome)
    {
        if (_merge is { } mj && welcome.Members.Contains(mj.Handover.Previous) && !welcome.Members.Contains(Self)) return true;
        return Phase is MemberPhase.Normal or MemberPhase.Flushing && welcome.Members.Contains(Self) && !MergeRules.SameGroup(welcome.ViewId, View.Id);
    }

    /// <summary>
    /// Tells the welcome's members that this member (or, for a welcome into its previous incarnation, that one: it closed
    /// its group to merge and is gone) is in no view of theirs.
    /// </summary>
    /// <summary>
    /// The commit this member missed, sent by the next incarnation of a member of this view (it closed the view to merge
    /// and its node now hosts the new one): as good as from the member itself.
    /// </summary>
    private bool IsCommitFromSuccessor(MemberId from, FlushCommit commit, out int rank)
    {
        rank = -1;
        if (Phase != MemberPhase.Flushing || commit.ViewId != View.Id || View.Contains(from)) return false;
        for (var k = 0; k < _viewState.Size; k++)
        {
            if (View.Members[k].Address == from.Address && View.Members[k] != Self) rank = k;
        }
        return rank >= 0;
    }

    private ReceiveOutcome DeclineWelcome(Welcome welcome)
    {
        var declined = _merge is { } mj && welcome.Members.Contains(mj.Handover.Previous) && !welcome.Members.Contains(Self)
            ? new WelcomeDeclined(mj.Handover.Origin.Id, [mj.Handover.Previous])
            : new WelcomeDeclined(View.Id, View.Members);
        foreach (var m in welcome.Members)
        {
            if (m != Self) _effects.Add(new Send(m, declined));
        }
        return ReceiveOutcome.Duplicate;
    }

    private ReceiveOutcome OnWelcomeDeclined(MemberId from, GroupView theirs)
    {
        if (Phase is not (MemberPhase.Normal or MemberPhase.Flushing) || theirs.Equals(View)) return ReceiveOutcome.Duplicate;
        // A view of this group's own (perhaps a later or earlier one) is no other group's.
        if (MergeRules.SameGroup(theirs.Id, View.Id)) return ReceiveOutcome.Duplicate;
        // It never took part in this group (it installed another group's view first): nothing of it is lost.
        if (View.Contains(from) && theirs.Contains(from))
        {
            Removed(from);
            return ReceiveOutcome.Accepted;
        }
        // A later incarnation on the same node speaks for the one it replaced (which closed its group to merge).
        var gone = theirs.Members.Where(m => View.Contains(m) && m != from && m.Address == from.Address).ToList();
        foreach (var m in gone) Removed(m);
        return gone.Count > 0 ? ReceiveOutcome.Accepted : ReceiveOutcome.Duplicate;
    }

    private BroadcastResult HoldWhileMerging(object payload, DeliveryOrder order, ImmutableArray<MessageId> deps)
    {
        if (_held.Count < Settings.MaxUnstable) return Hold(payload, order, deps);
        _counters.Refused++;
        return BroadcastResult.Refused(BroadcastRefusal.BackPressure, $"{_held.Count} broadcasts are held until this member is admitted to the group it merges into (limit {Settings.MaxUnstable}).");
    }
}
