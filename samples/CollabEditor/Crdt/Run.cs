namespace CollabEditor.Crdt;

/// <summary>
/// A run of consecutive items: the characters one agent inserted with consecutive counters, each one's left origin the
/// previous one, all with the same right origin (what typing forwards produces). Character k of the run is the item
/// (Agent, Seq + k); its left origin is (Agent, Seq + k - 1) for k &gt; 0 and (OlAgent, OlSeq) for k = 0.
/// Agent -1 in an origin means the start (left) or the end (right) of the document.
/// </summary>
internal struct Run
{
    public int Agent;
    public int Seq;
    public int Len;
    public int OlAgent;
    public int OlSeq;
    public int OrAgent;
    public int OrSeq;

    /// <summary>0: not inserted at the version being edited (only while a past-version edit runs); 1: visible;
    /// k + 1: deleted by k delete operations.</summary>
    public int State;

    public readonly bool Contains(int agent, int seq) => Agent == agent && seq >= Seq && seq < Seq + Len;

    /// <summary>True when <paramref name="next"/> continues this run: same agent, next counters, its left origin this
    /// run's last item, the same right origin and the same state.</summary>
    public readonly bool CanAppend(in Run next) =>
        next.Agent == Agent && next.Seq == Seq + Len && next.OlAgent == Agent && next.OlSeq == Seq + Len - 1
        && next.OrAgent == OrAgent && next.OrSeq == OrSeq && next.State == State;

    /// <summary>The part of this run from <paramref name="offset"/> on.</summary>
    public readonly Run TailFrom(int offset) => new()
    {
        Agent = Agent, Seq = Seq + offset, Len = Len - offset, OlAgent = Agent, OlSeq = Seq + offset - 1,
        OrAgent = OrAgent, OrSeq = OrSeq, State = State,
    };

    public readonly int Visible => State == 1 ? Len : 0;
}
