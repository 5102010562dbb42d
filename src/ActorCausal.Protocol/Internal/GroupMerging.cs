using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Merging two groups of one name that formed anyway (start-up partition, lost announcements), as JGroups' MERGE3 does.
/// Discovery: every MergeIntervalMs the coordinator probes (ProbeOtherNodes) every Up node not in its view. A coordinator
/// that hears a probe from a disjoint group evaluates <see cref="MergeRules.Wins"/> on the two views; the loser asks the
/// winner (MergeRequest), the winner agrees if it still wins and is not itself merging (MergeAccept). The loser then
/// closes its view with an ordinary flush whose decision has no members and names the target, so every loser member
/// delivers the same set of its last view; each then stops (StopReason.Merged) and hands over (MergingInto) to a new
/// incarnation (GroupMember.Merging) that offers itself to the winner's members with the losing side's state
/// (MergeOffer). A winner member that hears an offer admits the offerer by the ordinary join path; the flush that admits
/// the first offerer of a side carries that side's state, which every winner member merges (MergeSnapshot) after its last
/// delivery of the old view and before the new view; the welcome gives the offerers the winner's state, also as a merge,
/// and any ordinary joiner of that view loads the winner's state and then merges the side's.
/// Owns the coordinator's negotiation, the offers heard, the sides merged, a merging joiner's offers, and the
/// incarnations merged away.
/// </summary>
internal sealed class GroupMerging
{
    private const int MaxMergeOffers = 1_024;
    private readonly IMergeHost _host;
    private readonly GroupMemberSettings _settings;
    private readonly JoinAttempt _join;
    private readonly HeldBroadcasts _held;
    private readonly MergeNegotiation _negotiation;
    /// <summary>Offers heard from joiners of another side: the side's last view and its state.</summary>
    private readonly Dictionary<MemberId, MergeSide> _mergeOffers = new();
    /// <summary>Sides whose state this member's group has merged (or, for a merging joiner, its own origin).</summary>
    private readonly HashSet<(long, MemberId)> _mergedSides = new();
    /// <summary>Incarnations that closed their group to merge: never admitted.</summary>
    private readonly HashSet<MemberId> _mergedAway = new();
    private MergeJoin? _joining;

    public GroupMerging(IMergeHost host, GroupMemberSettings settings, JoinAttempt join, HeldBroadcasts held)
    {
        _host = host;
        _settings = settings;
        _join = join;
        _held = held;
        _negotiation = new MergeNegotiation(settings.MergeIntervalMs, settings.JoinRetryIntervalMs);
    }

    /// <summary>The group this member's group closes its view to merge into, once agreed.</summary>
    public GroupView? Target => _negotiation.Target;

    /// <summary>This member is the next incarnation of a merging member (admitted or not).</summary>
    public bool IsMergeJoiner => _joining is not null;

    /// <summary>An incarnation that closed its group to merge: never admitted.</summary>
    public bool IsMergedAway(MemberId member) => _mergedAway.Contains(member);

    /// <summary>
    /// <paramref name="message"/> is of a side whose state this member's application was handed (its own origin, for a
    /// merging joiner): a view of that side's group up to the one it closed to merge.
    /// </summary>
    public bool HoldsMergedState(MessageId message) =>
        _mergedSides.Any(side => MergeRules.SameGroup(side.Item1, message.ViewId) && message.ViewId <= side.Item1);

    /// <summary>This member is the next incarnation of a merging member: it offers itself to the target.</summary>
    public void StartJoin(MergeHandover handover, long nowMs)
    {
        _joining = new MergeJoin(handover, nowMs);
        _mergedSides.Add(MergeRules.Key(handover.Origin));
    }

    /// <summary>A joining member's tick: true while it still offers itself (it neither announces nor founds).</summary>
    public bool JoinTick()
    {
        if (_joining is not { } mj) return false;
        var wasFallback = mj.Fallback;
        OfferTick(mj);
        return !wasFallback && !mj.Fallback;
    }

    public void Tick()
    {
        if (_host.Phase != MemberPhase.Normal || _negotiation.Target is not null || _host.IsLeaving || _host.CoordinatorRank() != _host.Rank) return;
        if (!_negotiation.TakeProbeDue(_host.Now)) return;
        _host.Emit(new ProbeOtherNodes(new MergeProbe(_host.View.Id, _host.View.Members)));
    }

    public ReceiveOutcome Receive(MemberId from, MergeMessage message)
    {
        if (message.Members.IsDefaultOrEmpty || message.Members.Distinct().Count() != message.Members.Length)
            return _host.Reject(from, RejectReason.Malformed, $"{message.GetType().Name} with a view that is empty or repeats a member.");
        // A coordinator speaks for its own view; an offer comes from the new incarnation of a member of the view it names.
        if (message is not (MergeOffer or WelcomeDeclined) && !message.Members.Contains(from))
            return _host.Reject(from, RejectReason.Malformed, $"{message.GetType().Name} of a view that does not hold its sender {from}.");
        return message switch
        {
            MergeProbe probe => OnMergeProbe(from, probe.View),
            MergeRequest request => OnMergeRequest(from, request.View),
            MergeAccept accept => OnMergeAccept(from, accept.View),
            MergeOffer offer => OnMergeOffer(from, offer),
            WelcomeDeclined declined => OnWelcomeDeclined(from, declined.View),
            _ => _host.Reject(from, RejectReason.Malformed, $"Unknown merge message {message.GetType().Name}."),
        };
    }

    /// <summary>True when this member may take part in a merge decision as its group's coordinator.</summary>
    private bool CanDecideMerge(GroupView other) =>
        _host.Phase == MemberPhase.Normal && _negotiation.Target is null && !_host.IsLeaving && _host.CoordinatorRank() == _host.Rank && MergeRules.Disjoint(_host.View, other);

    private ReceiveOutcome OnMergeProbe(MemberId from, GroupView other)
    {
        if (_host.Phase == MemberPhase.Joining)
        {
            // A group of this name exists: do not found one; the announcements reach its members.
            if (_joining is null) _join.Answered(_host.Now);
            return ReceiveOutcome.Accepted;
        }
        if (!CanDecideMerge(other)) return ReceiveOutcome.Duplicate;
        if (MergeRules.Wins(_host.View, other))
        {
            // Let the other coordinator learn of this group now rather than at its next probe.
            if (_negotiation.TakeProbeReplyDue(_host.Now)) _host.Emit(new Send(from, new MergeProbe(_host.View.Id, _host.View.Members)));
            return ReceiveOutcome.Accepted;
        }
        if (!_negotiation.MayRequest(_host.Now)) return ReceiveOutcome.Duplicate;
        _negotiation.Requested(from, _host.Now);
        _host.Emit(new Send(from, new MergeRequest(_host.View.Id, _host.View.Members)));
        return ReceiveOutcome.Accepted;
    }

    private ReceiveOutcome OnMergeRequest(MemberId from, GroupView other)
    {
        // A coordinator that asked to merge elsewhere does not take others in: two requests that cross both go unanswered.
        if (!CanDecideMerge(other) || _negotiation.HasRequestOut || !MergeRules.Wins(_host.View, other)) return ReceiveOutcome.Duplicate;
        _negotiation.Accepted(_host.Now);
        _host.Emit(new Send(from, new MergeAccept(_host.View.Id, _host.View.Members)));
        return ReceiveOutcome.Accepted;
    }

    private ReceiveOutcome OnMergeAccept(MemberId from, GroupView winner)
    {
        if (!CanDecideMerge(winner) || MergeRules.Wins(_host.View, winner) || !_negotiation.TakeAcceptance(from, _host.Now)) return ReceiveOutcome.Duplicate;
        _negotiation.CloseInto(winner);
        _host.CoordinateViewChange(); // no members wanted: a flush that closes this view
        return ReceiveOutcome.Accepted;
    }

    private ReceiveOutcome OnMergeOffer(MemberId from, MergeOffer offer)
    {
        if (_host.Phase is not (MemberPhase.Normal or MemberPhase.Flushing) || _host.View.Contains(from)) return ReceiveOutcome.Duplicate;
        var side = new MergeSide(offer.View, offer.Snapshot);
        // A member of the closed side that this group admitted from a late announcement never took part here and is gone.
        foreach (var ghost in side.View.Members.Where(m => _host.View.Contains(m) && m != _host.Self && m.Address == from.Address).ToList()) _host.Removed(ghost);
        if (side.View.Contains(from) || side.View.Members.Any(m => _host.View.Contains(m) && !_host.IsRemoved(m)))
            return _host.Reject(from, RejectReason.Malformed, $"A merge offer from {from} of {side.View}, which is not another group.");
        if (!_mergeOffers.ContainsKey(from) && _mergeOffers.Count >= MaxMergeOffers) return ReceiveOutcome.Duplicate;
        _mergeOffers[from] = side;
        // The side's members are gone (their new incarnations offer themselves): an announcement of theirs still on its way must not admit them.
        foreach (var old in side.View.Members)
        {
            _mergedAway.Add(old);
            _host.ForgetPendingJoin(old);
        }
        _host.JoinRequested(from);
        _host.Emit(new AckJoin(from, _host.View.Id));
        return ReceiveOutcome.Accepted;
    }

    /// <summary>A merging joiner offers itself to the target's members until admitted; with no answer for long it joins as anyone would.</summary>
    private void OfferTick(MergeJoin mj)
    {
        if (mj.Snapshot is { } snapshot && _host.Now >= mj.NextOfferAt)
        {
            mj.NextOfferAt = _host.Now + _settings.JoinRetryIntervalMs;
            var origin = mj.Handover.Origin;
            foreach (var member in mj.Handover.Target.Members)
            {
                if (!_host.IsRemoved(member) && !_host.IsDowned(member))
                    _host.Emit(new Send(member, new MergeOffer(origin.Id, origin.Members, snapshot)));
            }
        }
        if (_host.Now - mj.StartedAt >= 3 * _settings.FoundingDelayMs && _join.UnansweredFor(_host.Now, _settings.FoundingDelayMs))
        {
            mj.Fallback = true;
            _join.Start(_host.Now);
        }
    }

    /// <summary>The application's state at the end of the side that merges, for the offers of a merging joiner.</summary>
    public bool ProvideSnapshot(long viewId, ReadOnlyMemory<byte> snapshot)
    {
        if (_joining is not { Snapshot: null } mj || _host.Phase != MemberPhase.Joining || viewId != mj.Handover.Origin.Id) return false;
        mj.Snapshot = snapshot;
        mj.NextOfferAt = _host.Now;
        OfferTick(mj);
        return true;
    }

    /// <summary>What the coordinator adds to a decision it makes: the merge target, and the state of each other side whose first member it admits.</summary>
    public FlushDecision WithMerge(FlushDecision decision)
    {
        var sides = ImmutableArray.CreateBuilder<MergeSide>();
        foreach (var joiner in decision.NewMembers)
        {
            if (_host.View.Contains(joiner) || !_mergeOffers.TryGetValue(joiner, out var side) || _mergedSides.Contains(MergeRules.Key(side.View))) continue;
            if (!sides.Any(s => s.View.Equals(side.View))) sides.Add(side);
        }
        return decision with { MergeTarget = _negotiation.Target, Merged = sides.ToImmutable() };
    }

    /// <summary>At a commit that admits members of other sides: merge each side's state, after the last delivery of the old view.</summary>
    public void DeliverMergedSides(FlushDecision decision, long nextViewId)
    {
        if (decision.Merged.IsDefaultOrEmpty) return;
        foreach (var side in decision.Merged)
        {
            if (!_mergedSides.Add(MergeRules.Key(side.View))) continue;
            _host.Emit(new MergeSnapshot(nextViewId, side));
        }
        foreach (var joiner in decision.NewMembers) _mergeOffers.Remove(joiner);
    }

    /// <summary>A commit that closes this group to merge: hand over to the next incarnation and stop.</summary>
    public void StopForMerge(GroupView target)
    {
        var held = _held.TakeAll().Select(h => new HeldForMerge(h.Ticket, h.Payload, h.Order)).ToImmutableArray();
        _host.Emit(new MergingInto(new MergeHandover(_host.View, target, _host.Self, held, _held.LastTicket, _host.LastCommit)));
        _host.Stop(StopReason.Merged, $"View {_host.View.Id} closed to merge into {target}.");
    }

    /// <summary>A joiner's welcome: load (or, for a merging joiner, merge) the group's state, then merge every other side merged in this view.</summary>
    public void AddWelcomeSnapshots(Welcome welcome)
    {
        if (_joining is not null)
        {
            var old = welcome.Members.Where(m => !welcome.Joined.Contains(m)).ToList();
            var winner = new GroupView(Math.Max(0, welcome.ViewId - 1), old.Count > 0 ? old : welcome.Members);
            _host.Emit(new MergeSnapshot(welcome.ViewId, new MergeSide(winner, welcome.Snapshot)));
        }
        else
        {
            _host.Emit(new LoadSnapshot(welcome.ViewId, welcome.Snapshot));
        }
        if (welcome.Merged.IsDefaultOrEmpty) return;
        foreach (var side in welcome.Merged)
        {
            if (_mergedSides.Add(MergeRules.Key(side.View))) _host.Emit(new MergeSnapshot(welcome.ViewId, side));
        }
    }

    /// <summary>
    /// A welcome that is not the one that admitted this member: another group of the name admitted it too (an announcement
    /// of it arrived late there, or two groups admitted each other's founders). Its view id may even equal this group's.
    /// </summary>
    public bool IsWelcomeFromAnotherGroup(MemberId from, Welcome welcome)
    {
        if (_joining is { } mj && welcome.Members.Contains(mj.Handover.Previous) && !welcome.Members.Contains(_host.Self)) return true;
        return _host.Phase is MemberPhase.Normal or MemberPhase.Flushing && welcome.Members.Contains(_host.Self) && !MergeRules.SameGroup(welcome.ViewId, _host.View.Id);
    }

    /// <summary>
    /// Tells the welcome's members that this member (or, for a welcome into its previous incarnation, that one: it closed
    /// its group to merge and is gone) is in no view of theirs.
    /// </summary>
    /// <summary>
    /// The commit this member missed, sent by the next incarnation of a member of this view (it closed the view to merge
    /// and its node now hosts the new one): as good as from the member itself.
    /// </summary>
    public bool IsCommitFromSuccessor(MemberId from, FlushCommit commit, out int rank)
    {
        rank = -1;
        if (_host.Phase != MemberPhase.Flushing || commit.ViewId != _host.View.Id || _host.View.Contains(from)) return false;
        for (var k = 0; k < _host.Size; k++)
        {
            if (_host.View.Members[k].Address == from.Address && _host.View.Members[k] != _host.Self) rank = k;
        }
        return rank >= 0;
    }

    public ReceiveOutcome DeclineWelcome(Welcome welcome)
    {
        var declined = _joining is { } mj && welcome.Members.Contains(mj.Handover.Previous) && !welcome.Members.Contains(_host.Self)
            ? new WelcomeDeclined(mj.Handover.Origin.Id, [mj.Handover.Previous])
            : new WelcomeDeclined(_host.View.Id, _host.View.Members);
        foreach (var m in welcome.Members)
        {
            if (m != _host.Self) _host.Emit(new Send(m, declined));
        }
        return ReceiveOutcome.Duplicate;
    }

    private ReceiveOutcome OnWelcomeDeclined(MemberId from, GroupView theirs)
    {
        if (_host.Phase is not (MemberPhase.Normal or MemberPhase.Flushing) || theirs.Equals(_host.View)) return ReceiveOutcome.Duplicate;
        // A view of this group's own (perhaps a later or earlier one) is no other group's.
        if (MergeRules.SameGroup(theirs.Id, _host.View.Id)) return ReceiveOutcome.Duplicate;
        // It never took part in this group (it installed another group's view first): nothing of it is lost.
        if (_host.View.Contains(from) && theirs.Contains(from))
        {
            _host.Removed(from);
            return ReceiveOutcome.Accepted;
        }
        // A later incarnation on the same node speaks for the one it replaced (which closed its group to merge).
        var gone = theirs.Members.Where(m => _host.View.Contains(m) && m != from && m.Address == from.Address).ToList();
        foreach (var m in gone) _host.Removed(m);
        return gone.Count > 0 ? ReceiveOutcome.Accepted : ReceiveOutcome.Duplicate;
    }
}
