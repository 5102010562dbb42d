namespace ActorCausal.Protocol.Internal;

/// <summary>
/// Per view, what each member's proposals and each sender's finals have shown, so that a missing proposal or final is
/// asked for on evidence instead of on a clock. A member proposes for one sender's total-order messages in sequence
/// order, and links are FIFO: a proposal of member j for sender s's message n proves that j proposed for every earlier
/// total-order message of s, so one of those still missing here was lost. A three-step sender decides its messages in
/// sequence order unless a proposal was lost, so its final for n likewise shows a missing final below n as lost (or
/// the sender as waiting for this member's lost proposal: asking repairs both).
/// It also learns, per member, how long that member takes to propose once a message is queued here (its response time
/// under the current load, <see cref="RetryTimeout"/>), and tells whether a member is still working through a sender's
/// stream (it proposed for a new message of that sender recently): a member that is merely slow is waited for. Only
/// proposals sent unasked are response samples, so a repeat that was needless (the answer was slow) still teaches the
/// real response time. Separately it learns, per member, how long that member takes to answer an ask (ask to answer,
/// matched by the ask number the answer echoes): a repeat ask waits at least that long.
/// </summary>
internal sealed class ProposalProgress(object owner, int members, long floorMs, long initialMs, long capMs, long answerCapMs)
{
    private readonly RetryTimeout?[] _responseTimeouts = new RetryTimeout?[members];
    private readonly RetryTimeout?[] _answerTimeouts = new RetryTimeout?[members];
    private readonly long[] _highestProposal = new long[members * members];
    private readonly long[] _lastProposalAtMs = new long[members * members];
    private readonly long[] _highestFinal = new long[members];

    /// <summary>The view state this belongs to; a new view gets a new instance.</summary>
    public object Owner { get; } = owner;

    /// <summary>Records <paramref name="proposer"/>'s proposal for <paramref name="sender"/>'s message; returns the highest sequence number it had proposed for before.</summary>
    public long NoteProposal(int proposer, int sender, long sequence, long nowMs)
    {
        var i = proposer * members + sender;
        var before = _highestProposal[i];
        if (sequence > before)
        {
            _highestProposal[i] = sequence;
            _lastProposalAtMs[i] = nowMs;
        }
        return before;
    }

    /// <summary>The highest sequence number of <paramref name="sender"/> that <paramref name="proposer"/> was seen proposing for.</summary>
    public long HighestProposal(int proposer, int sender) => _highestProposal[proposer * members + sender];

    /// <summary>Records a final priority from <paramref name="sender"/>; returns the highest sequence number it had sent a final for before.</summary>
    public long NoteFinal(int sender, long sequence)
    {
        var before = _highestFinal[sender];
        if (sequence > before) _highestFinal[sender] = sequence;
        return before;
    }

    public long HighestFinal(int sender) => _highestFinal[sender];

    /// <summary>Whether <paramref name="proposer"/> proposed for a new message of <paramref name="sender"/> within the last <paramref name="windowMs"/>.</summary>
    public bool Progressing(int proposer, int sender, long nowMs, long windowMs)
    {
        var last = _lastProposalAtMs[proposer * members + sender];
        return last > 0 && nowMs - last < windowMs;
    }

    /// <summary>How long to wait for <paramref name="proposer"/>'s proposal before asking: learned from its proposals here.</summary>
    public long ResponseTimeoutMs(int proposer) => ResponseTimeout(proposer).CurrentMs;

    /// <summary>An unasked proposal of <paramref name="proposer"/> came <paramref name="waitedMs"/> after its message was queued here.</summary>
    public void SampleResponse(int proposer, long waitedMs) => ResponseTimeout(proposer).Sample(waitedMs);

    /// <summary>The least wait between two asks to <paramref name="member"/> about one message: learned from its answers.</summary>
    public long AnswerTimeoutMs(int member) => AnswerTimeout(member).CurrentMs;

    /// <summary><paramref name="member"/> answered an ask <paramref name="answeredMs"/> after it was sent.</summary>
    public void SampleAnswer(int member, long answeredMs) => AnswerTimeout(member).Sample(answeredMs);

    private RetryTimeout ResponseTimeout(int proposer) => _responseTimeouts[proposer] ??= new RetryTimeout(floorMs, initialMs, capMs);

    private RetryTimeout AnswerTimeout(int member) => _answerTimeouts[member] ??= new RetryTimeout(floorMs, floorMs, answerCapMs);
}
