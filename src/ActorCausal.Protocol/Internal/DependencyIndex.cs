using System.Collections.Immutable;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// The explicit dependencies of the most recent explicit-order messages, for chain and dependents queries.
/// Bounded: past its capacity the oldest entries are forgotten (their ids still appear as leaves of newer chains).
/// </summary>
internal sealed class DependencyIndex(int capacity)
{
    private readonly Dictionary<MessageId, ImmutableArray<MessageId>> _dependsOn = new();
    private readonly Dictionary<MessageId, List<MessageId>> _dependents = new();
    private readonly Queue<MessageId> _age = new();

    public int Count => _dependsOn.Count;

    public void Add(MessageId id, ImmutableArray<MessageId> dependsOn)
    {
        if (!_dependsOn.TryAdd(id, dependsOn)) return;
        _age.Enqueue(id);
        foreach (var dep in dependsOn)
        {
            if (!_dependents.TryGetValue(dep, out var list)) _dependents[dep] = list = new List<MessageId>(1);
            list.Add(id);
        }
        while (_dependsOn.Count > capacity) Evict(_age.Dequeue());
    }

    public bool Contains(MessageId id) => _dependsOn.ContainsKey(id);

    public ImmutableArray<MessageId> Dependents(MessageId id) =>
        _dependents.TryGetValue(id, out var list) ? list.ToImmutableArray() : ImmutableArray<MessageId>.Empty;

    /// <summary>Transitive dependencies of <paramref name="id"/>, each after its own dependencies; <paramref name="id"/> itself excluded.</summary>
    public ImmutableArray<MessageId> Chain(MessageId id)
    {
        if (!_dependsOn.ContainsKey(id))
            throw new KeyNotFoundException($"Message {id} is not an explicit-order message this member has delivered (or it was evicted from the dependency index).");
        var result = ImmutableArray.CreateBuilder<MessageId>();
        var state = new Dictionary<MessageId, bool>(); // false = on the current path, true = done
        var path = new List<MessageId>();
        var stack = new Stack<(MessageId Id, int Next)>();
        stack.Push((id, 0));
        state[id] = false;
        path.Add(id);
        while (stack.Count > 0)
        {
            var (current, next) = stack.Pop();
            var deps = _dependsOn.TryGetValue(current, out var d) ? d : ImmutableArray<MessageId>.Empty;
            if (next < deps.Length)
            {
                stack.Push((current, next + 1));
                var dep = deps[next];
                if (state.TryGetValue(dep, out var done))
                {
                    if (!done)
                    {
                        var start = path.IndexOf(dep);
                        throw new DependencyCycleException([.. path.Skip(start), dep]);
                    }
                    continue;
                }
                state[dep] = false;
                path.Add(dep);
                stack.Push((dep, 0));
                continue;
            }
            state[current] = true;
            path.RemoveAt(path.Count - 1);
            if (current != id) result.Add(current);
        }
        return result.ToImmutable();
    }

    private void Evict(MessageId id)
    {
        if (!_dependsOn.Remove(id, out var deps)) return;
        foreach (var dep in deps)
        {
            if (_dependents.TryGetValue(dep, out var list))
            {
                list.Remove(id);
                if (list.Count == 0) _dependents.Remove(dep);
            }
        }
        _dependents.Remove(id);
    }
}
