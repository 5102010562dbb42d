using System.Collections.Immutable;

namespace ActorCausal.Streams;

/// <summary>
/// One producer's vector clock over the producers: <see cref="Observe(CausalId)"/> what the producer has seen of the
/// others (what it consumed before writing), <see cref="Stamp{T}(T)"/> each element it writes. Thread-safe.
/// </summary>
public sealed class CausalClock
{
    private readonly object _lock = new();
    private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _grown = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>
    /// The clock of <paramref name="producer"/>, whose next element gets sequence number <paramref name="sequence"/> + 1
    /// (a restarted producer passes how many elements it wrote before).
    /// </summary>
    public CausalClock(string producer, long sequence = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(producer);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        Producer = producer;
        _sequence = sequence;
    }

    /// <summary>The producer this clock stamps for.</summary>
    public string Producer { get; }

    /// <summary>The producer has seen <paramref name="id"/> (and so, by FIFO, its producer's earlier elements).</summary>
    public void Observe(CausalId id)
    {
        if (id.Producer == Producer || id.Sequence <= 0) return;
        lock (_lock)
        {
            if (_seen.GetValueOrDefault(id.Producer) >= id.Sequence) return;
            _seen[id.Producer] = id.Sequence;
            _grown[id.Producer] = id.Sequence;
        }
    }

    /// <summary>The producer has seen every id in <paramref name="ids"/>.</summary>
    public void Observe(IEnumerable<CausalId> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var id in ids) Observe(id);
    }

    /// <summary>The clock now: per producer the highest sequence number seen (this producer's own: written).</summary>
    public ImmutableDictionary<string, long> Clock
    {
        get
        {
            lock (_lock) return _seen.ToImmutableDictionary(StringComparer.Ordinal).SetItem(Producer, _sequence);
        }
    }

    /// <summary>Stamps the producer's next element with what it has seen: it depends on everything observed before.</summary>
    public Stamped<T> Stamp<T>(T value)
    {
        lock (_lock)
        {
            var deps = _grown.Count == 0 ? ImmutableArray<CausalId>.Empty : _grown.Select(g => new CausalId(g.Key, g.Value)).ToImmutableArray();
            _grown.Clear();
            return new Stamped<T>(new CausalId(Producer, ++_sequence), deps, value);
        }
    }

    /// <summary>
    /// Stamps the producer's next element with explicit dependencies only (and its own previous element): semantic
    /// causality, a reply waits for what it replies to, not for everything its producer had seen.
    /// </summary>
    public Stamped<T> Stamp<T>(T value, IEnumerable<CausalId> dependsOn)
    {
        ArgumentNullException.ThrowIfNull(dependsOn);
        var deps = dependsOn.Where(d => d.Producer != Producer && d.Sequence > 0).ToImmutableArray();
        lock (_lock) return new Stamped<T>(new CausalId(Producer, ++_sequence), deps, value);
    }
}
