namespace ActorCausal.Streams;

/// <summary>
/// The dependency bookkeeping of <see cref="CausalMerge"/>, without Akka: elements go in per partition, come out in an
/// order where each follows its producer's previous element and its dependencies, each exactly once. A held element
/// waits on one unmet requirement at a time, indexed by the producer it waits on and the sequence number it needs, so
/// an emission re-checks only the elements it may release. Single-threaded.
/// </summary>
internal sealed class MergeBuffer<T>
{
    private sealed class Held(int partition, long offset, Stamped<T> element)
    {
        public readonly int Partition = partition;
        public readonly long Offset = offset;
        public readonly Stamped<T> Element = element;
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
        public long SafeOffset => Open.Count == 0 ? Position : Open.Peek().Offset;
    }

    private readonly Partition[] _partitions;
    /// <summary>Per producer, the highest sequence number handed to the ready queue (the ready queue keeps that order).</summary>
    private readonly Dictionary<string, long> _released;
    private readonly Dictionary<string, PriorityQueue<Held, long>> _waiting = new(StringComparer.Ordinal);
    private readonly Queue<Held> _ready = new();
    private readonly Stack<string> _advanced = new();

    public MergeBuffer(int partitions, CausalCheckpoint? resumeFrom)
    {
        if (resumeFrom is not null && resumeFrom.SafeOffsets.Length != partitions)
            throw new ArgumentException($"The checkpoint has {resumeFrom.SafeOffsets.Length} partitions, the merge {partitions}.", nameof(resumeFrom));
        _partitions = new Partition[partitions];
        for (var i = 0; i < partitions; i++) _partitions[i] = new Partition { Position = resumeFrom?.SafeOffsets[i] ?? 0 };
        _released = resumeFrom is null ? new(StringComparer.Ordinal) : new(resumeFrom.Delivered, StringComparer.Ordinal);
    }

    /// <summary>Elements waiting for a dependency.</summary>
    public int Waiting { get; private set; }

    /// <summary>Elements that can be emitted now.</summary>
    public int Ready => _ready.Count;

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
        var held = new Held(partition, record.Offset, element);
        p.Open.Enqueue(held);
        Check(held);
        Cascade();
    }

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
        while (p.Open.TryPeek(out var head) && head.Done) p.Open.Dequeue();
        merged = new CausalMerged<T>(held.Partition, held.Offset, held.Element, p.SafeOffset);
        return true;
    }

    /// <summary>
    /// For each producer some held element waits on, its first element not released, unless that element is itself
    /// held (then it waits for something else, named instead): the elements that never arrived.
    /// </summary>
    public IReadOnlyList<CausalId> Missing()
    {
        var held = _waiting.Values.SelectMany(q => q.UnorderedItems.Select(i => i.Element.Element.Id)).ToHashSet();
        return _waiting.Where(w => w.Value.Count > 0)
            .Select(w => new CausalId(w.Key, _released.GetValueOrDefault(w.Key) + 1))
            .Where(id => !held.Contains(id))
            .OrderBy(id => id.Producer, StringComparer.Ordinal).ToList();
    }

    /// <summary>Releases <paramref name="held"/>, skips it as a duplicate, or parks it on its first unmet requirement.</summary>
    private void Check(Held held)
    {
        var id = held.Element.Id;
        var own = _released.GetValueOrDefault(id.Producer);
        if (id.Sequence <= own)
        {
            Skip(held);
            return;
        }
        if (id.Sequence > own + 1)
        {
            Park(held, id.Producer, id.Sequence - 1);
            return;
        }
        var deps = held.Element.DependsOn;
        while (held.NextDependency < deps.Length)
        {
            var dep = deps[held.NextDependency];
            if (_released.GetValueOrDefault(dep.Producer) < dep.Sequence)
            {
                Park(held, dep.Producer, dep.Sequence);
                return;
            }
            held.NextDependency++;
        }
        _released[id.Producer] = id.Sequence;
        _ready.Enqueue(held);
        _advanced.Push(id.Producer);
    }

    private void Skip(Held held)
    {
        held.Done = true;
        var p = _partitions[held.Partition];
        while (p.Open.TryPeek(out var head) && head.Done) p.Open.Dequeue();
    }

    private void Park(Held held, string producer, long sequence)
    {
        if (!_waiting.TryGetValue(producer, out var queue)) _waiting[producer] = queue = new PriorityQueue<Held, long>();
        queue.Enqueue(held, sequence);
        Waiting++;
    }

    /// <summary>Re-checks the elements each release may have freed, until no release frees more.</summary>
    private void Cascade()
    {
        while (_advanced.TryPop(out var producer))
        {
            if (!_waiting.TryGetValue(producer, out var queue)) continue;
            var released = _released[producer];
            while (queue.TryPeek(out var held, out var needed) && needed <= released)
            {
                queue.Dequeue();
                Waiting--;
                Check(held);
            }
        }
    }
}
