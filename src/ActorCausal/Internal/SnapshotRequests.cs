using Akka.Actor;
using Akka.Event;

namespace ActorCausal.Internal;

/// <summary>The application state at a view boundary, or why there is none (<see cref="Problem"/>: joiners then get an empty snapshot).</summary>
internal sealed record SnapshotTaken(long ViewId, ReadOnlyMemory<byte> Snapshot, string? Problem);

/// <summary>
/// Asks for the application state at a view boundary: from the <see cref="JoinOptions.TakeSnapshot"/> delegate, the
/// <see cref="JoinOptions.SnapshotProvider"/> actor or the subscriber, or none (stateless); the answer, or its absence
/// after <paramref name="timeout"/>, comes back to <paramref name="self"/> as a <see cref="SnapshotTaken"/>.
/// </summary>
internal sealed class SnapshotRequests(string group, JoinOptions options, IActorRef subscriber, TimeSpan timeout, ICanTell self, IActorRef selfSender, ILoggingAdapter log)
{
    /// <summary>Snapshots that came without state: not given in time, failed, or answered for another view.</summary>
    public long Missing { get; private set; }

    public void Request(long viewId, long deliveredBefore)
    {
        if (options.Stateless)
        {
            self.Tell(new SnapshotTaken(viewId, ReadOnlyMemory<byte>.Empty, null), selfSender);
            return;
        }
        var request = new SnapshotRequest(group, viewId) { DeliveredBefore = deliveredBefore };
        if (options.TakeSnapshot is { } take)
        {
            Task<ReadOnlyMemory<byte>> task;
            try
            {
                task = take(request);
            }
            catch (Exception e)
            {
                task = Task.FromException<ReadOnlyMemory<byte>>(e);
            }
            task.WaitAsync(timeout).ContinueWith(t => t.IsCompletedSuccessfully
                ? new SnapshotTaken(viewId, t.Result, null)
                : new SnapshotTaken(viewId, ReadOnlyMemory<byte>.Empty, t.Exception?.GetBaseException().Message ?? "cancelled"),
                TaskContinuationOptions.ExecuteSynchronously).PipeTo(self);
            return;
        }
        (options.SnapshotProvider ?? subscriber).Ask<SnapshotResponse>(request, timeout).ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully && t.Result.ViewId == viewId) return new SnapshotTaken(viewId, t.Result.Snapshot, null);
            var problem = t.IsCompletedSuccessfully
                ? $"answered for view {t.Result.ViewId}"
                : t.Exception?.GetBaseException().Message ?? "no answer";
            return new SnapshotTaken(viewId, ReadOnlyMemory<byte>.Empty, problem);
        }, TaskContinuationOptions.ExecuteSynchronously).PipeTo(self);
    }

    /// <summary>An answer came back: one without state is logged and counted.</summary>
    public void Received(SnapshotTaken taken)
    {
        if (taken.Problem is null) return;
        Missing++;
        log.Warning("Group {0}: the subscriber gave no snapshot for view {1} ({2}); joiners get an empty snapshot.", group, taken.ViewId, taken.Problem);
    }
}
