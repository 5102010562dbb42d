namespace ActorCausal.Streams;

/// <summary>How <see cref="CausalGroupFlow"/> retries a broadcast refused for back-pressure or before admission.</summary>
public sealed record CausalGroupFlowSettings
{
    /// <summary>The first wait before a retry (10 ms by default); it doubles up to <see cref="MaxRetryInterval"/>.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The longest wait between retries (1 s by default).</summary>
    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The defaults.</summary>
    public static CausalGroupFlowSettings Default { get; } = new();
}
