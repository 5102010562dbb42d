using Akka.Actor;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>A step of the cluster benchmark that did not finish within its bound: the mode is given up, the run goes on.</summary>
public sealed class BenchStallException : Exception
{
    public BenchStallException(string step, TimeSpan bound, Exception? inner = null)
        : base($"{step}: not done within {bound.TotalSeconds:0.###} s", inner)
    {
    }

    /// <summary>A stall a node process reported (its message already names the step), or a step that failed there.</summary>
    public BenchStallException(string message) : base(message)
    {
    }
}

/// <summary>
/// Every ask and wait of the cluster benchmarks goes through here, bounded by <see cref="Bound"/> (generous by default:
/// 17 members on a loaded 2-core machine answer a status ask in seconds, not milliseconds) and named, so a stall
/// reports which step stalled instead of crashing the run with a bare <see cref="AskTimeoutException"/>.
/// </summary>
public static class BenchSteps
{
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(60);

    /// <summary><c>--step-timeout</c>; set once at start, before any node runs.</summary>
    public static TimeSpan Bound { get; set; } = DefaultBound;

    /// <summary>Asks made by ActorCausal itself (<c>CausalGroup.Status</c>) get the same bound through this setting.</summary>
    public static string AskTimeoutConfig => $"actorcausal.ask-timeout = {Math.Max(1, (int)Math.Ceiling(Bound.TotalMilliseconds))}ms";

    /// <summary>Runs <paramref name="action"/> with the bound it should give its own asks; a timeout of any kind becomes a stall of <paramref name="step"/>.</summary>
    public static async Task<T> Bounded<T>(string step, Func<TimeSpan, Task<T>> action)
    {
        try
        {
            // A little more than the bound, so the action's own timeout (with its message) fires first.
            return await action(Bound).WaitAsync(Bound + TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is AskTimeoutException or TimeoutException or TaskCanceledException)
        {
            throw new BenchStallException(step, Bound, e);
        }
    }

    public static Task<T> Ask<T>(IActorRef actor, object message, string step) =>
        Bounded(step, bound => actor.Ask<T>(message, bound));

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds, for at most the bound.</summary>
    public static async Task WaitUntil(string step, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await Bounded(step, _ => condition()))
        {
            if (DateTime.UtcNow > deadline) throw new BenchStallException(step, Bound);
            await Task.Delay(100);
        }
    }
}
