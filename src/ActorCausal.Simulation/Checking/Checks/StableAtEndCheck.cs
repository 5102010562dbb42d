namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>
/// A run that did not reach quiescence (and did not end in a protocol error) leaves no unstable messages buffered at a
/// member that must have emptied its buffers (every member without faults, the correct ones with faults).
/// </summary>
public sealed class StableAtEndCheck : IInvariantCheck
{
    public string Name => "buffers empty at the end";

    public IEnumerable<InvariantViolation> Check(HistoryIndex index, CheckerOptions options)
    {
        foreach (var (p, end) in EndOfRun.States(index))
        {
            var run = end.Run;
            if (!run.Quiescent && run.ProtocolError is null && end.Buffered != 0 && end.BuffersMustEmpty)
                yield return new InvariantViolation(ViolationKind.UnstableBuffers, index.MemberAt(p), [],
                    $"{end.Buffered} messages still buffered at {run.EndTimeMs} ms, {run.EndTimeMs - run.LastBroadcastMs} ms after the last broadcast");
        }
    }
}
