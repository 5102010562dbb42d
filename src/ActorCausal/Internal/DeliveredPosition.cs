using System.Collections.Immutable;
using System.Runtime.InteropServices;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Internal;

/// <summary>
/// The group actor's record of what its member handed the subscriber in the installed view: per sender rank, the highest
/// sequence number delivered (delivery is at least FIFO per sender, so that is how many). Fed by the actor's deliveries
/// and view installs, on the actor's thread; published to the handle's <see cref="DeliveryWaiters"/> once per batch of
/// effects.
/// </summary>
internal sealed class DeliveredPosition(string group)
{
    private GroupView? _view;
    private uint _fingerprint;
    private long[] _delivered = [];
    private bool _changed;

    public void ViewInstalled(GroupView view)
    {
        _view = view;
        _fingerprint = DeliveryToken.FingerprintOf(view);
        _delivered = new long[view.Size];
        _changed = true;
    }

    public void Delivered(MessageId id)
    {
        if (_view is null || id.ViewId != _view.Id || (uint)id.Sender >= (uint)_delivered.Length || id.Sequence <= _delivered[id.Sender]) return;
        _delivered[id.Sender] = id.Sequence;
        _changed = true;
    }

    /// <summary>What the member has delivered so far.</summary>
    public DeliveryToken Token() => _view is null
        ? DeliveryToken.Nothing(group)
        : DeliveryToken.Create(group, _view.Id, _fingerprint, ImmutableArray.Create(_delivered));

    /// <summary>
    /// The token of this member's own message <paramref name="own"/>, sent now: everything delivered before it plus the
    /// message itself (its causal past). Null if it was not sent in the installed view.
    /// </summary>
    public DeliveryToken? TokenOf(MessageId own)
    {
        if (_view is null || own.ViewId != _view.Id || (uint)own.Sender >= (uint)_delivered.Length) return null;
        // One copy per broadcast (this is on the send path): the delivered vector with the own entry raised in place.
        var entries = (long[])_delivered.Clone();
        if (own.Sequence > entries[own.Sender]) entries[own.Sender] = own.Sequence;
        return DeliveryToken.Create(group, _view.Id, _fingerprint, ImmutableCollectionsMarshal.AsImmutableArray(entries));
    }

    /// <summary>Hands the position to the waiters if it changed since the last time.</summary>
    public void PublishTo(DeliveryWaiters waiters)
    {
        if (!_changed) return;
        _changed = false;
        waiters.Publish(Token());
    }
}
