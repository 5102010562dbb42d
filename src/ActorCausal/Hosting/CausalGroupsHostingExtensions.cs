using System.Globalization;
using System.Text;
using ActorCausal.Protocol;
using Akka.Configuration;
using Akka.Hosting;

namespace ActorCausal.Hosting;

/// <summary>Settings for <see cref="CausalGroupsHostingExtensions.WithCausalGroups"/>; anything left null keeps its HOCON value.</summary>
public sealed class CausalGroupsOptions
{
    public TimeSpan? TickInterval { get; set; }
    public TimeSpan? JoinRetryInterval { get; set; }
    public TimeSpan? FoundingDelay { get; set; }
    public TimeSpan? SnapshotTimeout { get; set; }
    public TimeSpan? LeaveTimeout { get; set; }
    public TimeSpan? AskTimeout { get; set; }
    public TotalOrderMode? TotalOrder { get; set; }
    public int? MaxUnstable { get; set; }
    public TimeSpan? NakInitialDelay { get; set; }
    public TimeSpan? NakMaxDelay { get; set; }
    public TimeSpan? StabilityInterval { get; set; }
    public TimeSpan? IdleGossipInterval { get; set; }
    public TimeSpan? MaxClockSkew { get; set; }
    public bool? Batching { get; set; }
    public int? BatchMaxMessages { get; set; }
    public long? BatchMaxBytes { get; set; }
    public TimeSpan? BatchLinger { get; set; }
    public bool? Metrics { get; set; }
    public bool? VerifyPayloads { get; set; }
    public long? ChunkPieceSize { get; set; }
    public long? ChunkMaxMessageSize { get; set; }
    public TimeSpan? ChunkReassemblyTimeout { get; set; }

    /// <summary>The options as an <c>actorcausal { ... }</c> HOCON block.</summary>
    public Config ToHocon()
    {
        var sb = new StringBuilder();
        void Add(string path, object? value)
        {
            if (value is null) return;
            var text = value switch
            {
                TimeSpan t => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms",
                bool b => b ? "on" : "off",
                TotalOrderMode m => m == TotalOrderMode.TwoStep ? "two-step" : "three-step",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            sb.Append("actorcausal.").Append(path).Append(" = ").Append(text).Append('\n');
        }
        Add("tick-interval", TickInterval);
        Add("join-retry-interval", JoinRetryInterval);
        Add("founding-delay", FoundingDelay);
        Add("snapshot-timeout", SnapshotTimeout);
        Add("leave-timeout", LeaveTimeout);
        Add("ask-timeout", AskTimeout);
        Add("protocol.total-order", TotalOrder);
        Add("protocol.max-unstable", MaxUnstable);
        Add("protocol.nak-initial-delay", NakInitialDelay);
        Add("protocol.nak-max-delay", NakMaxDelay);
        Add("protocol.stability-interval", StabilityInterval);
        Add("protocol.idle-gossip-interval", IdleGossipInterval);
        Add("protocol.max-clock-skew", MaxClockSkew);
        Add("batching.enabled", Batching);
        Add("batching.max-messages", BatchMaxMessages);
        Add("batching.max-bytes", BatchMaxBytes);
        Add("batching.linger", BatchLinger);
        Add("metrics.enabled", Metrics);
        Add("verify-payloads", VerifyPayloads);
        Add("chunking.piece-size", ChunkPieceSize);
        Add("chunking.max-message-size", ChunkMaxMessageSize);
        Add("chunking.reassembly-timeout", ChunkReassemblyTimeout);
        return ConfigurationFactory.ParseString(sb.ToString());
    }
}

public static class CausalGroupsHostingExtensions
{
    /// <summary>
    /// Adds ActorCausal to an Akka.Hosting ActorSystem: the reference configuration (so the serializer is bound from
    /// the start), the options as overrides, and the extension itself, started with the system. The system needs the
    /// cluster provider (Akka.Cluster.Hosting's <c>WithClustering</c>, or HOCON).
    /// </summary>
    public static AkkaConfigurationBuilder WithCausalGroups(this AkkaConfigurationBuilder builder, Action<CausalGroupsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new CausalGroupsOptions();
        configure?.Invoke(options);
        builder.AddHocon(options.ToHocon(), HoconAddMode.Prepend);
        builder.AddHocon(CausalGroups.DefaultConfig(), HoconAddMode.Append);
        builder.WithExtensions(typeof(CausalGroupsExtensionProvider));
        return builder;
    }
}
