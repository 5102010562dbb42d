using ActorCausal.Protocol.Messages;

namespace ActorCausal.Benchmarks.Workloads;

/// <summary>
/// The baseline: causal delivery the way the seeds' sample code does it. Every arrival goes into one pending list, then
/// the WHOLE list is scanned for a deliverable message (Birman–Schiper–Stephenson condition); a delivery removes it and
/// restarts the scan from the front; it stops after a full pass that delivers nothing.
/// </summary>
public sealed class NaiveCausalReceiver
{
    private readonly long[] _delivered;
    private readonly List<DataMessage> _pending = new();

    public NaiveCausalReceiver(int groupSize) => _delivered = new long[groupSize];

    public long DeliveredCount { get; private set; }

    /// <summary>Called for each delivery, in order (for checking; null in timed runs).</summary>
    public Action<DataMessage>? OnDeliver { get; set; }

    public void Receive(DataMessage message)
    {
        _pending.Add(message);
        bool progress;
        do
        {
            progress = false;
            for (var i = 0; i < _pending.Count; i++)
            {
                var candidate = _pending[i];
                if (!CanDeliver(candidate)) continue;
                _pending.RemoveAt(i);
                _delivered[candidate.Sender]++;
                DeliveredCount++;
                OnDeliver?.Invoke(candidate);
                progress = true;
                break;
            }
        }
        while (progress);
    }

    /// <summary>VC[s] = D[s] + 1 and VC[k] &lt;= D[k] for k != s.</summary>
    private bool CanDeliver(DataMessage message)
    {
        var clock = message.Clock.AsSpan();
        var s = message.Sender;
        if (clock[s] != _delivered[s] + 1) return false;
        for (var k = 0; k < clock.Length; k++)
        {
            if (k != s && clock[k] > _delivered[k]) return false;
        }
        return true;
    }
}
