namespace ActorCausal.Streams;

/// <summary>
/// The dependency bookkeeping of <see cref="CausalMerge"/>, without Akka: elements go in per partition, come out in an
/// order where each follows its producer's previous element and its dependencies, each exactly once. A held element
/// waits on one unmet requirement at a time, indexed by the producer it waits on and the sequence number it needs, so
/// a release re-checks only the elements it may free. Producers are numbered on first sight (arrays, not dictionaries,
/// on the hot path). Single-threaded.
/// </summary>
internal sealed class MergeBuffer<T>
{
    private sealed class Held(int partition, long offset, Stamped<T> element, int producer)
    {
        public readonly int Partition = partition;
        public readonly long Offset = offset;
        public readonly Stamped<T> Element = element;
        public readonly int Producer = producer;
        /// <summary>The next dependency to check (those before it are met).</summary>
        public int NextDependency;
        /// <summary>Emitted or skipped: its offset no longer holds the partition's commit point back.</summary>
        public bool Done;
    }

    private sealed class Partition
    {
        /// <summary>Elements not yet done, in offset order.</summary>
        public readonly Queue<Held> Open = new();
        /// <summary>The offset after the last record, or the last heartbeat's position if higher.</summary>
        public long Position;
        /// <summary>Its elements waiting for a dependency.</summary>
        public int Waiting;
        public long SafeOffset => Open.Count == 0 ? Position : Open.Peek().Offset;

        public void DropDone()
        {
            while (Open.TryPeek(out var head) && head.Done) Open.Dequeue();
        }
    }

    private readonly Partition[] _partitions;
    private readonly Dictionary<string, int> _producerIndex = new(StringComparer.Ordinal);
    private readonly List<string> _producerNames = new();
    /// <summary>Per producer, the highest sequence number handed to the ready queue (the ready queue keeps that order).</summary>
    private long[] _released = new long[8];
    /// <summary>Per producer, the elements of other producers waiting on it, by the sequence number they need.</summary>
    private PriorityQueue<Held, long>?[] _waiting = new PriorityQueue<Held, long>?[8];
    /// <summary>Per producer, its own elements that arrived before their predecessor, by sequence number (the common wait: one lookup, no heap).</summary>
    private Dictionary<long, Held>?[] _early = new Dictionary<long, Held>?[8];
    private readonly Queue<Held> _ready = new();
    private readonly Stack<int> _advanced = new();

    public MergeBuffer(int partitions, CausalCheckpoint? resumeFrom)
    {
        if (resumeFrom is not null && resumeFrom.SafeOffsets.Length != partitions)
            throw new ArgumentException($"The checkpoint has {resumeFrom.SafeOffsets.Length} partitions, the merge {partitions}.", nameof(resumeFrom));
        _partitions = new Partition[partitions];
        for (var i = 0; i < partitions; i++) _partitions[i] = new Partition { Position = resumeFrom?.SafeOffsets[i] ?? 0 };
        if (resumeFrom is not null)
            foreach (var (producer, delivered) in resumeFrom.Delivered)
                _released[IndexOf(producer)] = delivered;
    }

    /// <summary>Elements waiting for a dependency.</summary>
    public int Waiting { get; private set; }

    /// <summary>Elements of <paramref name="partition"/> waiting for a dependency.</summary>
    public int WaitingIn(int partition) => _partitions[partition].Waiting;

    /// <summary>Elements that can be emitted now.</summary>
    public int Ready => _ready.Count;

    /// <summary>Per partition, how far it was read (the offset after its last record or heartbeat), for failure messages.</summary>
    public string Positions() => string.Join(", ", _partitions.Select((p, i) => $"{i}: read to {p.Position}, safe {p.SafeOffset}"));

    /// <summary>The commit point of <paramref name="partition"/>.</summary>
    public long SafeOffset(int partition) => _partitions[partition].SafeOffset;

    public void Add(int partition, PartitionRecord<T> record)
    {
        var p = _partitions[partition];
        if (record.Element is not { } element)
        {
            p.Position = Math.Max(p.Position, record.Offset);
            return;
        }
        p.Position = Math.Max(p.Position, record.Offset + 1);
        var held = new Held(partition, record.Offset, element, IndexOf(element.Id.Producer));
        p.Open.Enqueue(held);
        Check(held);
        Cascade();
    }

    /// <summary>
    /// The fast path for an element that can be emitted at once: nothing of its partition is open, nothing is ready
    /// before it, its predecessor and dependencies were released. Emits it without holding it (false: use
    /// <see cref="Add"/>). What its release frees becomes ready behind it.
    /// </summary>
    public bool TryPass(int partition, PartitionRecord<T> record, out CausalMerged<T> merged)
    {
        merged = null!;
        var p = _partitions[partition];
        if (record.Element is not { } element || p.Open.Count > 0 || _ready.Count > 0) return false;
        var producer = IndexOf(element.Id.Producer);
        if (element.Id.Sequence != _released[producer] + 1) return false;
        foreach (var dep in element.DependsOn)
            if (_released[IndexOf(dep.Producer)] < dep.Sequence) return false;
        _released[producer] = element.Id.Sequence;
        p.Position = Math.Max(p.Position, record.Offset + 1);
        merged = new CausalMerged<T>(partition, record.Offset, element, p.Position);
        LastProducer = producer;
        _advanced.Push(producer);
        Cascade();
        return true;
    }

    /// <summary>The producer number of the element <see cref="TryTake"/> or <see cref="TryPass"/> gave last.</summary>
    public int LastProducer { get; private set; }

    /// <summary>The name of producer number <paramref name="producer"/>.</summary>
    public string ProducerName(int producer) => _producerNames[producer];

    /// <summary>Takes the next element to emit, with its partition's commit point after it.</summary>
    public bool TryTake(out CausalMerged<T> merged)
    {
        if (!_ready.TryDequeue(out var held))
        {
            merged = null!;
            return false;
        }
        held.Done = true;
        var p = _partitions[held.Partition];
        p.DropDone();
        LastProducer = held.Producer;
        merged = new CausalMerged<T>(held.Partition, held.Offset, held.Element, p.SafeOffset);
        return true;
    }

    /// <summary>
    /// For each producer some held element waits on, its first element not released, unless that element is itself
    /// held (then it waits for something else, named instead): the elements that never arrived.
    /// </summary>
    public IReadOnlyList<CausalId> Missing()
    {
        var held = _waiting.Where(q => q is not null).SelectMany(q => q!.UnorderedItems.Select(i => i.Element.Element.Id))
            .Concat(_early.Where(e => e is not null).SelectMany(e => e!.Values.Select(h => h.Element.Id))).ToHashSet();
        return Enumerable.Range(0, _producerNames.Count).Where(i => _waiting[i] is { Count: > 0 } || _early[i] is { Count: > 0 })
            .Select(i => new CausalId(_producerNames[i], _released[i] + 1))
            .Where(id => !held.Contains(id))
            .OrderBy(id => id.Producer, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Names looked up lately by string instance (a producer's elements usually share one instance), so most lookups
    /// skip hashing the string.
    /// </summary>
    private readonly string?[] _cachedNames = new string?[64];
    private readonly int[] _cachedIndexes = new int[64];

    private int IndexOf(string producer)
    {
        var slot = System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(producer) & 63;
        if (ReferenceEquals(_cachedNames[slot], producer)) return _cachedIndexes[slot];
        if (!_producerIndex.TryGetValue(producer, out var index)) index = AddProducer(producer);
        _cachedNames[slot] = producer;
        _cachedIndexes[slot] = index;
        return index;
    }

    private int AddProducer(string producer)
    {
        var index = _producerNames.Count;
        _producerIndex[producer] = index;
        _producerNames.Add(producer);
        if (index == _released.Length)
        {
            Array.Resize(ref _released, index * 2);
            Array.Resize(ref _waiting, index * 2);
            Array.Resize(ref _early, index * 2);
        }
        return index;
    }

    /// <summary>Releases <paramref name="held"/>, skips it as a duplicate, or parks it on its first unmet requirement.</summary>
    private void Check(Held held)
    {
        var sequence = held.Element.Id.Sequence;
        var own = _released[held.Producer];
        if (sequence <= own)
        {
            held.Done = true;
            _partitions[held.Partition].DropDone();
            return;
        }
        if (sequence > own + 1)
        {
            // A duplicate of an element already early stays out: the first copy is the one emitted.
            if ((_early[held.Producer] ??= new Dictionary<long, Held>()).TryAdd(sequence, held)) Count(held, +1);
            else
            {
                held.Done = true;
                _partitions[held.Partition].DropDone();
            }
            return;
        }
        var deps = held.Element.DependsOn;
        while (held.NextDependency < deps.Length)
        {
            var dep = deps[held.NextDependency];
            var producer = IndexOf(dep.Producer);
            if (_released[producer] < dep.Sequence)
            {
                Park(held, producer, dep.Sequence);
                return;
            }
            held.NextDependency++;
        }
        _released[held.Producer] = sequence;
        _ready.Enqueue(held);
        _advanced.Push(held.Producer);
    }

    private void Park(Held held, int producer, long sequence)
    {
        (_waiting[producer] ??= new PriorityQueue<Held, long>()).Enqueue(held, sequence);
        Count(held, +1);
    }

    private void Count(Held held, int change)
    {
        Waiting += change;
        _partitions[held.Partition].Waiting += change;
    }

    /// <summary>Re-checks the elements each release may have freed, until no release frees more.</summary>
    private void Cascade()
    {
        while (_advanced.TryPop(out var producer))
        {
            var released = _released[producer];
            if (_early[producer] is { Count: > 0 } early && early.Remove(released + 1, out var next))
            {
                Count(next, -1);
                Check(next);
            }
            if (_waiting[producer] is not { Count: > 0 } queue) continue;
            while (queue.TryPeek(out var held, out var needed) && needed <= released)
            {
                queue.Dequeue();
                Count(held, -1);
                Check(held);
            }
        }
    }
}
