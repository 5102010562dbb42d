namespace ActorCausal.Protocol.Internal;

/// <summary>The <see cref="IMemberContext"/> of a part that works on the current view's state directly (queues, logs, vectors).</summary>
internal interface IViewContext : IMemberContext
{
    /// <summary>The current view's state; replaced whole when a view is installed, so read it anew at each input.</summary>
    ViewState ViewState { get; }
}
