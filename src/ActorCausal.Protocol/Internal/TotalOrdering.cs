using System.Collections.Immutable;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol.Internal;

/// <summary>
/// ISIS / Skeen sequencer-free total order at one member. A total-order message joins the queue once causally ready (so
/// total order is also causal), gets this member's proposal max(agreed, proposed) + 1 with the rank as tie-breaker, and
/// is delivered when it is at the head of the queue and its priority is final (the maximum of all proposals). Owns the
/// queue and the agreement state of the view (replaced by <see cref="StartView"/>), the proposals made while handling
/// one input (sent together by <see cref="SendPendingProposals"/>), and the repairs of lost proposals and finals.
/// </summary>
internal sealed class TotalOrdering
{
    private readonly ITotalOrderHost _host;
    private readonly GroupMemberSettings _settings;
    private readonly MemberCounters _counters;

    private Dictionary<MessageId, TotalEntry> _entries = new();
    private SortedSet<TotalEntry> _queue = new(TotalQueueOrder.Instance);
    private int _size;
    private long _maxProposed;
    /// <summary>No undecided entry is due for a retry before this (a lower bound: the retry pass recomputes it).</summary>
    private long _nextRetryAtMs = long.MaxValue;
    private ProposalProgress? _progressState;
    private RetryTimeout? _retryTimeoutState;

    /// <summary>Proposals made while handling the current input, by recipient rank (-1: everyone); sent together on drain.</summary>
    private readonly List<(int To, ProposedPriority Item)> _pendingProposals = new();

    public TotalOrdering(ITotalOrderHost host, GroupMemberSettings settings, MemberCounters counters)
    {
        _host = host;
        _settings = settings;
        _counters = counters;
    }

    /// <summary>The highest final priority number seen in this view.</summary>
    public long MaxAgreed { get; private set; }

    /// <summary>Entries in the queue (causally ready here, not yet delivered).</summary>
    public int QueueCount => _queue.Count;

    /// <summary>The queue's head: the entry with the lowest current priority.</summary>
    public TotalEntry? Head => _queue.Min;

    /// <summary>Every message of the view heard of and not delivered, queued or not.</summary>
    public IEnumerable<TotalEntry> Entries => _entries.Values;

    public bool HasPendingProposals => _pendingProposals.Count > 0;

    /// <summary>Forgets everything of the previous view (send its pending proposals first); the learned decision time stays.</summary>
    public void StartView(int size)
    {
        _entries = new();
        _queue = new(TotalQueueOrder.Instance);
        _size = size;
        MaxAgreed = 0;
        _maxProposed = 0;
        _nextRetryAtMs = long.MaxValue;
        _progressState = null;
    }

    /// <summary>The wait before an undecided message asks again, learned from the decision times seen here.</summary>
    private RetryTimeout DecisionTimeout => _retryTimeoutState ??= new RetryTimeout(_settings.TotalRetryDelayMs, InitialRetryMs, InitialRetryMs);

    /// <summary>The wait before the first decision time is known: never below the configured first wait.</summary>
    private long InitialRetryMs => Math.Max(_settings.NakMaxDelayMs, _settings.TotalRetryDelayMs);

    /// <summary>The wait after which an undecided message asks again without evidence of a loss (a sender's last messages).</summary>
    private long LongWaitMs => 8 * InitialRetryMs;

    /// <summary>What proposals and finals have shown in this view (<see cref="ProposalProgress"/>).</summary>
    private ProposalProgress Progress => _progressState ??= new ProposalProgress(this, _size, _settings.TotalRetryDelayMs, InitialRetryMs, InitialRetryMs, 4 * InitialRetryMs);

    private bool ThreeStep => _settings.TotalOrder == TotalOrderMode.ThreeStep;

    public bool TryGetEntry(MessageId id, out TotalEntry entry) => _entries.TryGetValue(id, out entry!);

    /// <summary>The final priority of <paramref name="id"/> if it is known here and the message not yet delivered.</summary>
    public bool TryGetFinal(MessageId id, out Priority final)
    {
        final = default;
        if (!_entries.TryGetValue(id, out var entry) || !entry.IsFinal) return false;
        final = entry.Final;
        return true;
    }

    public TotalEntry EntryFor(MessageId id)
    {
        if (!_entries.TryGetValue(id, out var entry))
        {
            entry = new TotalEntry(id, _size);
            _entries[id] = entry;
        }
        return entry;
    }

    /// <summary>Drops an entry (delivered by a flush, or beyond its cut).</summary>
    public void Remove(TotalEntry entry)
    {
        if (entry.InQueue) _queue.Remove(entry);
        _entries.Remove(entry.Id);
    }

    /// <summary>A causally ready total-order message joins the queue with this member's proposal.</summary>
    public void Enqueue(DataMessage m)
    {
        var entry = EntryFor(m.Id);
        entry.Message = m;
        if (!entry.IsFinal)
        {
            var proposal = new Priority(Math.Max(MaxAgreed, _maxProposed) + 1, _host.Rank);
            _maxProposed = proposal.Number;
            entry.OwnProposal = proposal;
            entry.HasOwnProposal = true;
            entry.AddProposal(_host.Rank, proposal);
            if (_settings.Rules.AgreesOnPriority) ShareProposal(m, proposal);
            else SetFinalUnagreed(entry, proposal);
        }
        entry.EnqueuedAtMs = _host.Now;
        entry.RetryBackoffMs = DecisionTimeout.CurrentMs;
        entry.RetryAtMs = _host.Now + entry.RetryBackoffMs;
        _nextRetryAtMs = Math.Min(_nextRetryAtMs, entry.RetryAtMs);
        entry.InQueue = true;
        _queue.Add(entry);
        TryDecide(entry);
    }

    /// <summary>The broken rule (<see cref="ProtocolRules.AgreesOnPriority"/> false): the own proposal is final, the queue not re-sorted.</summary>
    private static void SetFinalUnagreed(TotalEntry entry, Priority proposal)
    {
        entry.IsFinal = true;
        entry.Final = proposal;
    }

    /// <summary>Two-step: everyone hears this member's proposal. Three-step: the sender does (unless it is this member).</summary>
    private void ShareProposal(DataMessage m, Priority proposal)
    {
        if (_settings.TotalOrder == TotalOrderMode.TwoStep) _pendingProposals.Add((-1, new ProposedPriority(m.Id, proposal)));
        else if (m.Sender != _host.Rank) _pendingProposals.Add((m.Sender, new ProposedPriority(m.Id, proposal)));
    }

    /// <summary>Three-step: the sender decides once it holds every proposal and tells everyone. Two-step: everyone decides.</summary>
    private void TryDecide(TotalEntry entry)
    {
        // A member that reported to a flush decides nothing: the flush decision orders what is still open.
        if (entry.IsFinal || entry.ProposalCount < _size || _host.FlushDecidesNothing) return;
        if (ThreeStep)
        {
            if (entry.Id.Sender != _host.Rank) return;
            _host.Emit(new SendToAll(new FinalPriority(_host.View.Id, entry.Id, entry.MaxProposal)));
        }
        ApplyFinal(entry, entry.MaxProposal);
    }

    private void ApplyFinal(TotalEntry entry, Priority final)
    {
        if (entry.IsFinal) return;
        if (entry.InQueue && !entry.Retried) DecisionTimeout.Sample(_host.Now - entry.EnqueuedAtMs);
        SetFinal(entry, final);
    }

    /// <summary>Sets the final priority, re-sorting the queue; the flush decision uses this to override.</summary>
    public void SetFinal(TotalEntry entry, Priority final)
    {
        if (final.Number > MaxAgreed) MaxAgreed = final.Number;
        if (entry.InQueue)
        {
            _queue.Remove(entry);
            entry.IsFinal = true;
            entry.Final = final;
            _queue.Add(entry);
        }
        else
        {
            entry.IsFinal = true;
            entry.Final = final;
        }
    }

    /// <summary>Delivers the head of the queue while its priority is final.</summary>
    public bool DeliverAgreed()
    {
        var progress = false;
        while (_queue.Count > 0)
        {
            var head = _queue.Min!;
            if (!head.IsFinal) break;
            var m = head.Message!;
            if (!_host.SafeWaitOver(m)) break; // a safe head waits until every member knows its final: so does the queue
            var log = _host.Log(m.Sender);
            if (log.Delivered != m.Sequence - 1) break; // cannot happen: earlier total messages of one sender sort first
            _queue.Remove(head);
            _entries.Remove(head.Id);
            log.SetFinal(m.Sequence, head.Final);
            _host.Deliver(m);
            progress = true;
        }
        return progress;
    }

    /// <summary>Sends the proposals of the input just handled: one message per recipient, however many proposals.</summary>
    public void SendPendingProposals()
    {
        var count = _pendingProposals.Count;
        if (count == 0) return;
        var view = _host.View;
        if (count == 1)
        {
            var (to, item) = _pendingProposals[0];
            var single = new Proposal(view.Id, item.Message, item.Priority, false);
            _host.Emit(to < 0 ? new SendToAll(single) : new Send(view.Members[to], single));
        }
        else if (_settings.TotalOrder == TotalOrderMode.TwoStep)
        {
            _host.Emit(new SendToAll(new ProposalBatch(view.Id, ItemsFor(-1))));
        }
        else
        {
            var done = new bool[_size];
            foreach (var (to, _) in _pendingProposals)
            {
                if (done[to]) continue;
                done[to] = true;
                var items = ItemsFor(to);
                _host.Emit(new Send(view.Members[to], items.Length == 1 ? new Proposal(view.Id, items[0].Message, items[0].Priority, false) : new ProposalBatch(view.Id, items)));
            }
        }
        _pendingProposals.Clear();
    }

    private ImmutableArray<ProposedPriority> ItemsFor(int to)
    {
        var items = ImmutableArray.CreateBuilder<ProposedPriority>();
        foreach (var (recipient, item) in _pendingProposals)
        {
            if (recipient == to) items.Add(item);
        }
        return items.ToImmutable();
    }

    public ReceiveOutcome OnProposalBatch(MemberId from, int fromRank, ProposalBatch batch)
    {
        if (batch.Items.IsDefaultOrEmpty) return _host.Reject(from, RejectReason.Malformed, "An empty proposal batch.");
        var accepted = false;
        foreach (var item in batch.Items)
        {
            if (OnProposal(from, fromRank, item.Message, item.Priority, replyRequested: false, askNumber: 0).Status != ReceiveStatus.Rejected) accepted = true;
        }
        return accepted ? ReceiveOutcome.Accepted : ReceiveOutcome.Rejected(RejectReason.Malformed, "Every proposal of the batch was refused.");
    }

    /// <summary><paramref name="askNumber"/>: <see cref="Proposal.AskNumber"/>.</summary>
    public ReceiveOutcome OnProposal(MemberId from, int fromRank, MessageId id, Priority priority, bool replyRequested, int askNumber = 0)
    {
        var view = _host.View;
        var rank = _host.Rank;
        var now = _host.Now;
        if (id.Sender < 0 || id.Sender >= _size || id.Sequence < 1 || id.ViewId != view.Id)
            return _host.Reject(from, RejectReason.Malformed, $"Proposal for {id}, which is not a message of {view}.");
        if (priority.Rank != fromRank || priority.Number < 1)
            return _host.Reject(from, RejectReason.Malformed, $"Proposal {priority} for {id} from rank {fromRank} is not a priority that member could propose.");
        if (ThreeStep && id.Sender != rank)
            return _host.Reject(from, RejectReason.UnknownMessage, $"Three-step proposal for {id} sent to a member that is not its sender.");
        var log = _host.Log(id.Sender);
        if (id.Sender == rank ? id.Sequence > _host.LastSequence : id.Sequence > log.Delivered + _settings.ReceiveWindow)
            return _host.Reject(from, RejectReason.UnknownMessage, $"Proposal for {id}, which this member has not sent and cannot expect.");

        var proposedBefore = Progress.NoteProposal(fromRank, id.Sender, id.Sequence, now);
        if (id.Sequence > proposedBefore + 1) RetryLostProposals(fromRank, id.Sender, proposedBefore + 1, id.Sequence - 1);

        if (!_entries.TryGetValue(id, out var entry))
        {
            if (id.Sequence <= log.Delivered)
            {
                // Delivered here already: the proposer is missing the outcome.
                if (replyRequested && log.TryGetFinal(id.Sequence, out var known))
                    _host.Emit(new Send(from, new FinalPriority(view.Id, id, known) { AskNumber = askNumber }));
                _counters.Duplicates++;
                return ReceiveOutcome.Duplicate;
            }
            entry = EntryFor(id);
            if (id.Sequence > log.KnownMax)
            {
                log.KnownMax = id.Sequence;
                if (log.HasGap) _host.StartGapTimer(id.Sender);
            }
        }

        if (fromRank == id.Sender && id.Sequence > log.ShownBySender)
        {
            // The sender's own proposal (two-step) shows the message first-hand: a gap below it is a loss.
            log.ShownBySender = id.Sequence;
            if (log.HasGap) _host.StartGapTimer(id.Sender);
        }
        var added = entry.AddProposal(fromRank, priority);
        if (replyRequested)
        {
            if (entry.IsFinal) _host.Emit(new Send(from, new FinalPriority(view.Id, id, entry.Final) { AskNumber = askNumber }));
            else if (entry.HasOwnProposal && _settings.TotalOrder == TotalOrderMode.TwoStep)
                _host.Emit(new Send(from, new Proposal(view.Id, id, entry.OwnProposal, false) { AskNumber = askNumber }));
        }
        else if (askNumber != 0) SampleAnswer(entry, fromRank, askNumber);
        else if (added && entry.InQueue) Progress.SampleResponse(fromRank, now - entry.EnqueuedAtMs);
        if (!added)
        {
            _counters.Duplicates++;
            return ReceiveOutcome.Duplicate;
        }
        if (entry.InQueue)
        {
            TryDecide(entry);
            if (entry.IsFinal) _host.Pump();
        }
        return ReceiveOutcome.Accepted;
    }

    public ReceiveOutcome OnFinal(MemberId from, int fromRank, FinalPriority f)
    {
        var id = f.Message;
        var view = _host.View;
        if (id.Sender < 0 || id.Sender >= _size || id.Sequence < 1 || id.ViewId != view.Id || f.Priority.Number < 1
            || f.Priority.Rank < 0 || f.Priority.Rank >= _size)
            return _host.Reject(from, RejectReason.Malformed, $"Final priority {f.Priority} for {id} does not fit {view}.");
        var log = _host.Log(id.Sender);
        if (id.Sequence <= log.Delivered)
        {
            _counters.Duplicates++;
            return ReceiveOutcome.Duplicate;
        }
        if (id.Sender == _host.Rank ? id.Sequence > _host.LastSequence : id.Sequence > log.Delivered + _settings.ReceiveWindow)
            return _host.Reject(from, RejectReason.UnknownMessage, $"Final priority for {id}, which this member has not sent and cannot expect.");
        if (ThreeStep && fromRank == id.Sender && id.Sender != _host.Rank)
        {
            var finalBefore = Progress.NoteFinal(id.Sender, id.Sequence);
            if (id.Sequence > finalBefore + 1) AskForLostFinals(id.Sender, finalBefore + 1, id.Sequence - 1);
        }
        var entry = EntryFor(id);
        if (f.AskNumber != 0) SampleAnswer(entry, fromRank, f.AskNumber);
        if (entry.IsFinal)
        {
            _counters.Duplicates++;
            return ReceiveOutcome.Duplicate;
        }
        ApplyFinal(entry, f.Priority);
        if (entry.InQueue) _host.Pump();
        return ReceiveOutcome.Accepted;
    }

    /// <summary>The sender retransmitted a total-order message: our proposal probably got lost, so send it again.</summary>
    public void OnDuplicateData(DataMessage m)
    {
        if (m.Order != DeliveryOrder.Total || !_entries.TryGetValue(m.Id, out var entry) || !entry.HasOwnProposal || entry.IsFinal) return;
        if (ThreeStep)
            _host.Emit(new Send(_host.View.Members[m.Sender], new Proposal(_host.View.Id, m.Id, entry.OwnProposal, false) { AskNumber = Proposal.AnswersResentMessage }));
    }

    /// <summary>
    /// <paramref name="member"/> answered ask <paramref name="askNumber"/> about the entry: the time since that ask is a
    /// sample of its answer time. An answer to a resent message names no ask: a sample only if there was one (Karn).
    /// </summary>
    private void SampleAnswer(TotalEntry entry, int member, int askNumber)
    {
        if (askNumber == Proposal.AnswersResentMessage && entry.AskCount(member) == 1) askNumber = 1;
        if (entry.TryGetAskTime(member, askNumber, out var askedAtMs)) Progress.SampleAnswer(member, _host.Now - askedAtMs);
    }

    /// <summary>
    /// Records an ask to <paramref name="member"/> about the entry and returns its number, or 0 when a repeat would come
    /// before the member's answer time since the last ask (<see cref="ProposalProgress.AnswerTimeoutMs"/>): the answer
    /// may still be on its way. Only the asker's repeats wait; its own proposal is repaired when the other member asks.
    /// </summary>
    private int TryAsk(int member, TotalEntry entry)
    {
        var now = _host.Now;
        if (entry.AskCount(member) > 0 && now - entry.LastAskAtMs(member) < Progress.AnswerTimeoutMs(member)) return 0;
        return entry.RecordAsk(member, now);
    }

    /// <summary>
    /// Asks again for what an undecided message is missing once it has waited longer than decisions take here
    /// (<see cref="RetryTimeout"/>), with exponential back-off while it keeps asking. Walks the queue only when an entry is due.
    /// </summary>
    public void RetryUndecidedIfDue()
    {
        var now = _host.Now;
        if (_queue.Count == 0 || _nextRetryAtMs > now || _host.FlushDecidesNothing) return;
        var next = long.MaxValue;
        var retried = false;
        foreach (var entry in _queue)
        {
            if (entry.IsFinal) continue;
            if (entry.RetryAtMs <= now && RetryUndecided(entry)) retried = true;
            next = Math.Min(next, entry.RetryAtMs);
        }
        _nextRetryAtMs = next;
        if (retried) DecisionTimeout.BackOff();
    }

    /// <summary>
    /// A due undecided entry asks only where something is shown lost, or where the member it waits for has taken longer
    /// than its proposals take here and has gone quiet: a member still working through the sender's stream will propose
    /// in order, and a three-step sender that has not decided is itself waiting. Returns whether anything was sent.
    /// </summary>
    private bool RetryUndecided(TotalEntry entry)
    {
        var m = entry.Message!;
        var now = _host.Now;
        var sent = false;
        if (ThreeStep && m.Sender != _host.Rank)
        {
            if ((FinalShownLost(m) || now - entry.EnqueuedAtMs >= LongWaitMs) && TryAsk(m.Sender, entry) is var ask and > 0)
            {
                _host.Emit(new Send(_host.View.Members[m.Sender], new Proposal(_host.View.Id, m.Id, entry.OwnProposal, true) { AskNumber = ask }));
                sent = true;
            }
        }
        else
        {
            for (var k = 0; k < _size; k++)
            {
                if (k == _host.Rank || entry.HasProposalFrom(k)) continue;
                var shownLost = Progress.HighestProposal(k, m.Sender) > m.Sequence;
                if (!shownLost && (now - entry.EnqueuedAtMs < Progress.ResponseTimeoutMs(k)
                    || Progress.Progressing(k, m.Sender, now, Progress.ResponseTimeoutMs(k)))) continue;
                if (AskForProposal(k, entry)) sent = true;
            }
        }
        if (sent)
        {
            entry.Retried = true;
            entry.RetryBackoffMs = Math.Min(entry.RetryBackoffMs * 2, InitialRetryMs);
        }
        entry.RetryAtMs = now + entry.RetryBackoffMs;
        return sent;
    }

    /// <summary>
    /// Three-step: the sender sent a final for a later message, or its own delivered or stored entry (gossip, acks) covers
    /// the message, so it decided and sent the final before that gossip on the same FIFO link.
    /// </summary>
    private bool FinalShownLost(DataMessage m) =>
        Progress.HighestFinal(m.Sender) > m.Sequence || _host.Acks.StoredBy(m.Sender, m.Sender) >= m.Sequence
        || _host.Acks.DeliveredBy(m.Sender, m.Sender) >= m.Sequence;

    /// <summary>
    /// Three-step sender: sends the message again (its receiver then proposes again). Two-step: asks for the proposal.
    /// Returns whether it asked (<see cref="TryAsk"/>).
    /// </summary>
    private bool AskForProposal(int rank, TotalEntry entry)
    {
        var m = entry.Message!;
        if (ThreeStep && !_settings.Rules.Retransmits) return false;
        var ask = TryAsk(rank, entry);
        if (ask == 0) return false;
        if (ThreeStep) ResendForProposal(rank, m);
        else _host.Emit(new Send(_host.View.Members[rank], new Proposal(_host.View.Id, m.Id, entry.OwnProposal, true) { AskNumber = ask }));
        return true;
    }

    /// <summary>
    /// <paramref name="proposer"/> proposed for a later message of <paramref name="sender"/>, so it proposed for
    /// <paramref name="from"/>..<paramref name="to"/> before: the proposals still missing here were lost.
    /// </summary>
    private void RetryLostProposals(int proposer, int sender, long from, long to)
    {
        if (_host.FlushDecidesNothing) return;
        for (var seq = Math.Max(from, _host.Log(sender).Delivered + 1); seq <= to; seq++)
        {
            if (!_entries.TryGetValue(new MessageId(_host.View.Id, sender, seq), out var entry)
                || !entry.InQueue || entry.IsFinal || !entry.HasOwnProposal || entry.HasProposalFrom(proposer)) continue;
            if (AskForProposal(proposer, entry)) PostponeRetry(entry);
        }
    }

    /// <summary>Three-step: the sender's final for a later message came first, so the finals still missing here were lost (or our proposals were).</summary>
    private void AskForLostFinals(int sender, long from, long to)
    {
        if (_host.FlushDecidesNothing) return;
        for (var seq = Math.Max(from, _host.Log(sender).Delivered + 1); seq <= to; seq++)
        {
            if (!_entries.TryGetValue(new MessageId(_host.View.Id, sender, seq), out var entry)
                || !entry.InQueue || entry.IsFinal || !entry.HasOwnProposal || TryAsk(sender, entry) is not (> 0 and var ask)) continue;
            _host.Emit(new Send(_host.View.Members[sender], new Proposal(_host.View.Id, entry.Id, entry.OwnProposal, true) { AskNumber = ask }));
            PostponeRetry(entry);
        }
    }

    /// <summary>An entry that just asked on evidence waits a full back-off before its timer asks again.</summary>
    private void PostponeRetry(TotalEntry entry)
    {
        entry.Retried = true;
        entry.RetryAtMs = Math.Max(entry.RetryAtMs, _host.Now + entry.RetryBackoffMs);
    }

    /// <summary>Three-step: sends <paramref name="m"/> again to the member of <paramref name="rank"/>, whose proposal is missing.</summary>
    private void ResendForProposal(int rank, DataMessage m)
    {
        _counters.Retransmitted++;
        _host.Emit(new Send(_host.View.Members[rank], m));
    }
}
