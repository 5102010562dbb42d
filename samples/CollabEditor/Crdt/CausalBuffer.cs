namespace CollabEditor.Crdt;

/// <summary>
/// Holds back remote updates whose causal past is not here yet and integrates each once it is: an update that names
/// an item or a transaction of agent X waits under X and is tried again whenever an update of X is integrated. So
/// updates may be offered in any order; none is ever refused for arriving early. Malformed updates still throw.
/// </summary>
public sealed class CausalBuffer
{
    private readonly Dictionary<string, List<byte[]>> _waitingOn = new(StringComparer.Ordinal);
    private readonly Queue<byte[]> _ready = new();

    /// <summary>Updates held back.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// Integrates <paramref name="update"/> into <paramref name="doc"/> if it can, then every held update that this
    /// unblocks; holds it back otherwise. Returns how many updates were integrated (0 for a duplicate or a held one).
    /// Throws <see cref="EditRejectedException"/> for a malformed update, after integrating what else became ready.
    /// </summary>
    public int Offer(TextDocument doc, ReadOnlySpan<byte> update)
    {
        // the common case (causal delivery): integrated straight from the caller's buffer, copied only to be held
        var outcome = doc.TryApplyUpdate(update, out var missing);
        if (outcome == UpdateOutcome.Duplicate) return 0;
        if (outcome == UpdateOutcome.Waiting)
        {
            Hold(update.ToArray(), missing);
            return 0;
        }
        if (_waitingOn.Count == 0 || !Unblock(TextDocument.PeekUpdate(update).Author)) return 1;
        var (applied, _, error) = Drain(doc);
        if (error is not null) throw error;
        return applied + 1;
    }

    private void Hold(byte[] update, MissingPast missing)
    {
        var key = missing.Agent < 0 ? missing.Author : missing.AgentName!;
        if (!_waitingOn.TryGetValue(key, out var list)) _waitingOn[key] = list = new List<byte[]>();
        list.Add(update);
        Count++;
    }

    private bool Unblock(string author)
    {
        if (!_waitingOn.Remove(author, out var unblocked)) return false;
        Count -= unblocked.Count;
        foreach (var u in unblocked) _ready.Enqueue(u);
        return true;
    }

    /// <summary>Tries every held update again (after the document grew other than through <see cref="Offer"/>, e.g. a
    /// state merged in). Returns how many were integrated and how many were malformed (dropped).</summary>
    public (int Applied, int Dropped) RetryAll(TextDocument doc)
    {
        foreach (var list in _waitingOn.Values)
            foreach (var u in list) _ready.Enqueue(u);
        Count = 0;
        _waitingOn.Clear();
        var (applied, dropped, _) = Drain(doc);
        return (applied, dropped);
    }

    /// <summary>Integrates the ready updates and what each unblocks; malformed ones are dropped, the first one's error
    /// returned.</summary>
    private (int Applied, int Dropped, EditRejectedException? Error) Drain(TextDocument doc)
    {
        int applied = 0, dropped = 0;
        EditRejectedException? error = null;
        while (_ready.Count > 0)
        {
            var update = _ready.Dequeue();
            UpdateOutcome outcome;
            MissingPast missing;
            try
            {
                outcome = doc.TryApplyUpdate(update, out missing);
            }
            catch (EditRejectedException e)
            {
                error ??= e;
                dropped++;
                continue;
            }
            if (outcome == UpdateOutcome.Waiting)
            {
                Hold(update, missing);
                continue;
            }
            if (outcome != UpdateOutcome.Applied) continue;
            applied++;
            Unblock(TextDocument.PeekUpdate(update).Author);
        }
        return (applied, dropped, error);
    }
}
