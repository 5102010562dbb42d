using System.Collections.Immutable;
using System.Runtime.InteropServices;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Internal;

/// <summary>
/// The group actor's record of what its member handed the subscriber, in the view the subscriber was last handed: per
/// sender rank, the highest sequence number handed over (delivery is at least FIFO per sender, so that is how many).
/// "Handed" is when the subscriber gets the event: at once, or for an on-demand reader when it took it against credit
/// (a view installed by the protocol while the reader still takes the previous view's deliveries is not its view yet).
/// Fed on the actor's thread; published to the handle's <see cref="DeliveryWaiters"/> after each batch of effects and
/// each credit.
/// </summary>
internal sealed class DeliveredPosition(string group)
{
    private GroupView? _view;
    private uint _fingerprint;
    private long[] _delivered = [];
    private bool _changed;
    private GroupView? _installed;
    private uint _installedFingerprint;

    /// <summary>The protocol installed <paramref name="view"/> (the subscriber may not have been handed it yet).</summary>
    public void ViewInstalled(GroupView view)
    {
        _installed = view;
        _installedFingerprint = DeliveryToken.FingerprintOf(view);
    }

    /// <summary>The subscriber was handed <paramref name="e"/>.</summary>
    public void Handed(IGroupEvent e)
    {
        if (e is Delivered d) Delivered(d.MessageId);
        else if (e is ViewChanged v) ViewHanded(v.View);
    }

    private void ViewHanded(GroupView view)
    {
        _view = view;
        _fingerprint = view == _installed ? _installedFingerprint : DeliveryToken.FingerprintOf(view);
        _delivered = new long[view.Size];
        _changed = true;
    }

    private void Delivered(MessageId id)
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
        if (_view is null || own.ViewId != _view.Id) return OwnOnly(own);
        if ((uint)own.Sender >= (uint)_delivered.Length) return null;
        // One copy per broadcast (this is on the send path): the delivered vector with the own entry raised in place.
        var entries = (long[])_delivered.Clone();
        if (own.Sequence > entries[own.Sender]) entries[own.Sender] = own.Sequence;
        return DeliveryToken.Create(group, _view.Id, _fingerprint, ImmutableCollectionsMarshal.AsImmutableArray(entries));
    }

    /// <summary>
    /// Sent in a view the (on-demand) subscriber was not handed yet: the token of the message alone. A member that
    /// delivers it has delivered its causal past too (except for FIFO messages).
    /// </summary>
    private DeliveryToken? OwnOnly(MessageId own)
    {
        if (_installed is null || own.ViewId != _installed.Id || (uint)own.Sender >= (uint)_installed.Size) return null;
        var entries = new long[_installed.Size];
        entries[own.Sender] = own.Sequence;
        return DeliveryToken.Create(group, _installed.Id, _installedFingerprint, ImmutableCollectionsMarshal.AsImmutableArray(entries));
    }

    /// <summary>Hands the position to the waiters if it changed since the last time.</summary>
    public void PublishTo(DeliveryWaiters waiters)
    {
        if (!_changed) return;
        _changed = false;
        waiters.Publish(Token());
    }
}
