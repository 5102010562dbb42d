using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Protocol.Internal;

/// <summary>What <see cref="ViewChangeStarter"/> needs from its member beyond the <see cref="IMemberContext"/>.</summary>
internal interface IViewChangeHost : IMemberContext
{
    MemberPhase Phase { get; }
    /// <summary>The group this view closes to merge into, if it does.</summary>
    GroupView? MergeTarget { get; }

    /// <summary>Starts or restarts a flush round towards <paramref name="desired"/> among <paramref name="participants"/> (ranks).</summary>
    void ChangeView(ImmutableArray<MemberId> desired, ImmutableArray<int> participants);
    /// <summary>The deliberately broken rule: install <paramref name="desired"/> without agreement.</summary>
    void InstallAlone(ImmutableArray<MemberId> desired);
}
