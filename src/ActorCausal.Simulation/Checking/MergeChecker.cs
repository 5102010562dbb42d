using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking;

/// <summary>What a node's application saw over a run, across the incarnations of its group member (merges start new ones).</summary>
/// <param name="Member">The node's last incarnation.</param>
/// <param name="Live">It ends in the group (not stopped, not crashed).</param>
/// <param name="Delivered">Every message any of its incarnations delivered, as run-wide ids (group of origin and message id).</param>
/// <param name="State">Its application state at the end: what it delivered, loaded or merged.</param>
public sealed record ApplicationRecord(MemberId Member, bool Live, IReadOnlyCollection<string> Delivered, IReadOnlyCollection<string> State);

/// <summary>The merge's own promises, beyond the invariants every group keeps.</summary>
public static class MergeChecker
{
    /// <summary>
    /// The losing side closes its view with a flush: the members that stopped to merge out of one view delivered the same
    /// set of that view's messages.
    /// </summary>
    public static IReadOnlyList<InvariantViolation> ClosingViewAgreement(IEnumerable<MemberHistory> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        var byView = new Dictionary<string, List<(MemberId Member, HashSet<MessageId> Delivered)>>();
        foreach (var h in histories)
        {
            if (h.Events.OfType<StopEvent>().FirstOrDefault() is not { Reason: StopReason.Merged }) continue;
            if (h.Events.OfType<ViewEvent>().LastOrDefault() is not { } last) continue;
            var delivered = h.Events.OfType<DeliverEvent>().Where(d => d.Id.ViewId == last.ViewId).Select(d => d.Id).ToHashSet();
            var key = $"view {last.ViewId} [{string.Join(", ", last.Members)}]";
            if (!byView.TryGetValue(key, out var list)) byView[key] = list = new();
            list.Add((h.Member, delivered));
        }
        var violations = new List<InvariantViolation>();
        foreach (var (key, members) in byView)
        {
            var first = members[0];
            foreach (var other in members.Skip(1))
            {
                if (other.Delivered.SetEquals(first.Delivered)) continue;
                var diff = other.Delivered.Except(first.Delivered).Concat(first.Delivered.Except(other.Delivered)).Take(5).ToImmutableArray();
                violations.Add(new InvariantViolation(ViolationKind.MergeVirtualSynchrony, other.Member, diff,
                    $"closed {key} to merge with {other.Delivered.Count} of its messages delivered, {first.Member} with {first.Delivered.Count}"));
            }
        }
        return violations;
    }

    /// <summary>
    /// "A merged member's application saw both sides": at the end every live application holds every message that any
    /// node's application delivered, on whichever side, and all live applications hold the same state.
    /// </summary>
    public static IReadOnlyList<InvariantViolation> BothSidesSeen(IReadOnlyList<ApplicationRecord> applications)
    {
        ArgumentNullException.ThrowIfNull(applications);
        var violations = new List<InvariantViolation>();
        var delivered = applications.SelectMany(a => a.Delivered).ToHashSet();
        HashSet<string>? reference = null;
        MemberId referenceMember = default;
        foreach (var app in applications.Where(a => a.Live))
        {
            var state = app.State.ToHashSet();
            var lost = delivered.Where(id => !state.Contains(id)).ToList();
            if (lost.Count > 0)
                violations.Add(new InvariantViolation(ViolationKind.MergeLostState, app.Member, [],
                    $"its application lacks {lost.Count} delivered messages, e.g. {string.Join(", ", lost.Take(5))}"));
            if (reference is null)
            {
                reference = state;
                referenceMember = app.Member;
            }
            else if (!reference.SetEquals(state))
            {
                violations.Add(new InvariantViolation(ViolationKind.MergeLostState, app.Member, [],
                    $"its application state ({state.Count} messages) differs from {referenceMember}'s ({reference.Count})"));
            }
        }
        return violations;
    }
}
