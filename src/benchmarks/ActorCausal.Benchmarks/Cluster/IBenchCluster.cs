namespace ActorCausal.Benchmarks.Cluster;

/// <summary>The nodes one mode runs on: N ActorSystems in this process, or one per node process.</summary>
public interface IBenchCluster : IAsyncDisposable
{
    /// <summary>One run: a new actor, topic or group per node; throws <see cref="BenchStallException"/> when a step stalls.</summary>
    Task<RunResult> RunOnceAsync(string mode, string tag, int messages, bool record, bool check);
}
