using System.Collections.Immutable;
using ActorCausal.Protocol.Internal;
using ActorCausal.Protocol.Membership;
using ActorCausal.Protocol.Messages;

namespace ActorCausal.Protocol;

// ISIS / Skeen sequencer-free total order. A total-order message joins the queue once causally ready (so total
// order is also causal), gets this member's proposal max(agreed, proposed) + 1 with the rank as tie-breaker, and is
// delivered when it is at the head of the queue and its priority is final (the maximum of all proposals).
public sealed partial class GroupMember
{

    private RetryTimeout? _retryTimeoutState;

    /// <summary>The wait before an undecided message asks again, learned from the decision times seen here.</summary>
    private RetryTimeout DecisionTimeout => _retryTimeoutState ??= new RetryTimeout(Settings.TotalRetryDelayMs, InitialRetryMs, InitialRetryMs);

    /// <summary>The wait before the first decision time is known: never below the configured first wait.</summary>
    private long InitialRetryMs => Math.Max(Settings.NakMaxDelayMs, Settings.TotalRetryDelayMs);

    /// <summary>The wait after which an undecided message asks again without evidence of a loss (a sender's last messages).</summary>
    private long LongWaitMs => 8 * InitialRetryMs;

    private ProposalProgress? _progressState;

    /// <summary>What proposals and finals have shown in this view (<see cref="ProposalProgress"/>); replaced with the view state.</summary>
    private ProposalProgress Progress =>
        _progressState is { } p && ReferenceEquals(p.Owner, _viewState) ? p : _progressState = new ProposalProgress(_viewState, _viewState.Size, Settings.TotalRetryDelayMs, InitialRetryMs, InitialRetryMs);

    /// <summary>Proposals made while handling the current input, by recipient rank (-1: everyone); sent together on drain.</summary>
    private readonly List<(int To, ProposedPriority Item)> _pendingProposals = new();

    private TotalEntry EntryFor(MessageId id)
    {
        if (!_viewState.Total.TryGetValue(id, out var entry))
        {
            entry = new TotalEntry(id, _viewState.Size);
            _viewState.Total[id] = entry;
        }
        return entry;
    }

    private void EnqueueTotal(DataMessage m)
    {
        var entry = EntryFor(m.Id);
        entry.Message = m;
        if (!entry.IsFinal)
        {
            var proposal = new Priority(Math.Max(_viewState.MaxAgreed, _viewState.MaxProposed) + 1, Rank);
            _viewState.MaxProposed = proposal.Number;
            entry.OwnProposal = proposal;
            entry.HasOwnProposal = true;
            entry.AddProposal(Rank, proposal);
            Settings.Rules.OwnProposalMade(this, entry, m, proposal);
        }
        entry.EnqueuedAtMs = _now;
        entry.RetryBackoffMs = DecisionTimeout.CurrentMs;
        entry.RetryAtMs = _now + entry.RetryBackoffMs;
        _viewState.NextTotalRetryAtMs = Math.Min(_viewState.NextTotalRetryAtMs, entry.RetryAtMs);
        entry.InQueue = true;
        _viewState.TotalQueue.Add(entry);
        TryDecide(entry);
    }

    /// <summary>Two-step: everyone hears this member's proposal. Three-step: the sender does (unless it is this member).</summary>
    internal void ShareProposal(DataMessage m, Priority proposal)
    {
        if (Settings.TotalOrder == TotalOrderMode.TwoStep) _pendingProposals.Add((-1, new ProposedPriority(m.Id, proposal)));
        else if (m.Sender != Rank) _pendingProposals.Add((m.Sender, new ProposedPriority(m.Id, proposal)));
    }

    /// <summary>Three-step: the sender decides once it holds every proposal and tells everyone. Two-step: everyone decides.</summary>
    private void TryDecide(TotalEntry entry)
    {
        // A member that reported to a flush decides nothing: the flush decision orders what is still open.
        if (entry.IsFinal || entry.ProposalCount < _viewState.Size || _viewState.Flush.DecidesNothing) return;
        if (Settings.TotalOrder == TotalOrderMode.ThreeStep)
        {
            if (entry.Id.Sender != Rank) return;
            _effects.Add(new SendToAll(new FinalPriority(View.Id, entry.Id, entry.MaxProposal)));
        }
        ApplyFinal(entry, entry.MaxProposal);
    }

    private void ApplyFinal(TotalEntry entry, Priority final)
    {
        if (entry.IsFinal) return;
        if (entry.InQueue && !entry.Retried) DecisionTimeout.Sample(_now - entry.EnqueuedAtMs);
        SetFinal(entry, final);
    }

    /// <summary>Sets the final priority, re-sorting the queue; the flush decision uses this to override.</summary>
    private void SetFinal(TotalEntry entry, Priority final)
    {
        if (final.Number > _viewState.MaxAgreed) _viewState.MaxAgreed = final.Number;
        if (entry.InQueue)
        {
            _viewState.TotalQueue.Remove(entry);
            entry.IsFinal = true;
            entry.Final = final;
            _viewState.TotalQueue.Add(entry);
        }
        else
        {
            entry.IsFinal = true;
            entry.Final = final;
        }
    }

    /// <summary>Delivers the head of the ISIS queue while its priority is final.</summary>
    private bool DeliverAgreedTotal()
    {
        if (_viewState.Flush is FlushDelivery.Committing commit) return DeliverFlushOrder(commit);
        var progress = false;
        while (_viewState.TotalQueue.Count > 0)
        {
            var head = _viewState.TotalQueue.Min!;
            if (!head.IsFinal) break;
            var m = head.Message!;
            if (!SafeWaitOver(m)) break; // a safe head waits until every member knows its final: so does the queue
            var log = _viewState.Logs[m.Sender];
            if (log.Delivered != m.Sequence - 1) break; // cannot happen: earlier total messages of one sender sort first
            _viewState.TotalQueue.Remove(head);
            _viewState.Total.Remove(head.Id);
            log.SetFinal(m.Sequence, head.Final);
            DeliverNow(m);
            progress = true;
        }
        return progress;
    }

    /// <summary>Sends the proposals of the input just handled: one message per recipient, however many proposals.</summary>
    private void SendPendingProposals()
    {
        var count = _pendingProposals.Count;
        if (count == 0) return;
        if (count == 1)
        {
            var (to, item) = _pendingProposals[0];
            var single = new Proposal(View.Id, item.Message, item.Priority, false);
            _effects.Add(to < 0 ? new SendToAll(single) : new Send(View.Members[to], single));
        }
        else if (Settings.TotalOrder == TotalOrderMode.TwoStep)
        {
            _effects.Add(new SendToAll(new ProposalBatch(View.Id, ItemsFor(-1))));
        }
        else
        {
            var done = new bool[_viewState.Size];
            foreach (var (to, _) in _pendingProposals)
            {
                if (done[to]) continue;
                done[to] = true;
                var items = ItemsFor(to);
                _effects.Add(new Send(View.Members[to], items.Length == 1 ? new Proposal(View.Id, items[0].Message, items[0].Priority, false) : new ProposalBatch(View.Id, items)));
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

    private ReceiveOutcome OnProposalBatch(MemberId from, int fromRank, ProposalBatch batch)
    {
        if (batch.Items.IsDefaultOrEmpty) return Reject(from, RejectReason.Malformed, "An empty proposal batch.");
        var accepted = false;
        foreach (var item in batch.Items)
        {
            if (OnProposal(from, fromRank, item.Message, item.Priority, replyRequested: false).Status != ReceiveStatus.Rejected) accepted = true;
        }
        return accepted ? ReceiveOutcome.Accepted : ReceiveOutcome.Rejected(RejectReason.Malformed, "Every proposal of the batch was refused.");
    }

    private ReceiveOutcome OnProposal(MemberId from, int fromRank, MessageId id, Priority priority, bool replyRequested)
    {
        if (id.Sender < 0 || id.Sender >= _viewState.Size || id.Sequence < 1 || id.ViewId != View.Id)
            return Reject(from, RejectReason.Malformed, $"Proposal for {id}, which is not a message of {View}.");
        if (priority.Rank != fromRank || priority.Number < 1)
            return Reject(from, RejectReason.Malformed, $"Proposal {priority} for {id} from rank {fromRank} is not a priority that member could propose.");
        if (Settings.TotalOrder == TotalOrderMode.ThreeStep && id.Sender != Rank)
            return Reject(from, RejectReason.UnknownMessage, $"Three-step proposal for {id} sent to a member that is not its sender.");
        var log = _viewState.Logs[id.Sender];
        if (id.Sender == Rank ? id.Sequence > _viewState.Seq : id.Sequence > log.Delivered + Settings.ReceiveWindow)
            return Reject(from, RejectReason.UnknownMessage, $"Proposal for {id}, which this member has not sent and cannot expect.");

        var proposedBefore = Progress.NoteProposal(fromRank, id.Sender, id.Sequence, _now);
        if (id.Sequence > proposedBefore + 1) RetryLostProposals(fromRank, id.Sender, proposedBefore + 1, id.Sequence - 1);

        if (!_viewState.Total.TryGetValue(id, out var entry))
        {
            if (id.Sequence <= log.Delivered)
            {
                // Delivered here already: the proposer is missing the outcome.
                if (replyRequested && log.TryGetFinal(id.Sequence, out var known))
                    _effects.Add(new Send(from, new FinalPriority(View.Id, id, known)));
                _counters.Duplicates++;
                return ReceiveOutcome.Duplicate;
            }
            entry = EntryFor(id);
            if (id.Sequence > log.KnownMax)
            {
                log.KnownMax = id.Sequence;
                if (log.HasGap) StartGapTimer(id.Sender);
            }
        }

        if (fromRank == id.Sender && id.Sequence > log.ShownBySender)
        {
            // The sender's own proposal (two-step) shows the message first-hand: a gap below it is a loss.
            log.ShownBySender = id.Sequence;
            if (log.HasGap) StartGapTimer(id.Sender);
        }
        var added = entry.AddProposal(fromRank, priority);
        if (added && entry.InQueue && !entry.Retried) Progress.SampleResponse(fromRank, _now - entry.EnqueuedAtMs);
        if (replyRequested)
        {
            if (entry.IsFinal) _effects.Add(new Send(from, new FinalPriority(View.Id, id, entry.Final)));
            else if (entry.HasOwnProposal && Settings.TotalOrder == TotalOrderMode.TwoStep)
                _effects.Add(new Send(from, new Proposal(View.Id, id, entry.OwnProposal, false)));
        }
        if (!added)
        {
            _counters.Duplicates++;
            return ReceiveOutcome.Duplicate;
        }
        if (entry.InQueue)
        {
            TryDecide(entry);
            if (entry.IsFinal) Pump();
        }
        return ReceiveOutcome.Accepted;
    }

    private ReceiveOutcome OnFinal(MemberId from, int fromRank, FinalPriority f)
    {
        var id = f.Message;
        if (id.Sender < 0 || id.Sender >= _viewState.Size || id.Sequence < 1 || id.ViewId != View.Id || f.Priority.Number < 1
            || f.Priority.Rank < 0 || f.Priority.Rank >= _viewState.Size)
            return Reject(from, RejectReason.Malformed, $"Final priority {f.Priority} for {id} does not fit {View}.");
        var log = _viewState.Logs[id.Sender];
        if (id.Sequence <= log.Delivered)
        {
            _counters.Duplicates++;
            return ReceiveOutcome.Duplicate;
        }
        if (id.Sender == Rank ? id.Sequence > _viewState.Seq : id.Sequence > log.Delivered + Settings.ReceiveWindow)
            return Reject(from, RejectReason.UnknownMessage, $"Final priority for {id}, which this member has not sent and cannot expect.");
        if (Settings.TotalOrder == TotalOrderMode.ThreeStep && fromRank == id.Sender && id.Sender != Rank)
        {
            var finalBefore = Progress.NoteFinal(id.Sender, id.Sequence);
            if (id.Sequence > finalBefore + 1) AskForLostFinals(id.Sender, finalBefore + 1, id.Sequence - 1);
        }
        var entry = EntryFor(id);
        if (entry.IsFinal)
        {
            _counters.Duplicates++;
            return ReceiveOutcome.Duplicate;
        }
        ApplyFinal(entry, f.Priority);
        if (entry.InQueue) Pump();
        return ReceiveOutcome.Accepted;
    }

    /// <summary>The sender retransmitted a total-order message: our proposal probably got lost, so send it again.</summary>
    private void OnDuplicateData(DataMessage m)
    {
        if (m.Order != DeliveryOrder.Total || !_viewState.Total.TryGetValue(m.Id, out var entry) || !entry.HasOwnProposal || entry.IsFinal) return;
        if (Settings.TotalOrder == TotalOrderMode.ThreeStep)
            _effects.Add(new Send(View.Members[m.Sender], new Proposal(View.Id, m.Id, entry.OwnProposal, false)));
    }

    /// <summary>
    /// Asks again for what an undecided message is missing once it has waited longer than decisions take here
    /// (<see cref="RetryTimeout"/>), with exponential back-off while it keeps asking. Walks the queue only when an entry is due.
    /// </summary>
    private void RetryUndecidedIfDue()
    {
        if (_viewState.TotalQueue.Count == 0 || _viewState.NextTotalRetryAtMs > _now || _viewState.Flush.DecidesNothing) return;
        var next = long.MaxValue;
        var retried = false;
        foreach (var entry in _viewState.TotalQueue)
        {
            if (entry.IsFinal) continue;
            if (entry.RetryAtMs <= _now && RetryUndecided(entry)) retried = true;
            next = Math.Min(next, entry.RetryAtMs);
        }
        _viewState.NextTotalRetryAtMs = next;
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
        var sent = false;
        if (Settings.TotalOrder == TotalOrderMode.ThreeStep && m.Sender != Rank)
        {
            if (FinalShownLost(m) || _now - entry.EnqueuedAtMs >= LongWaitMs)
            {
                _effects.Add(new Send(View.Members[m.Sender], new Proposal(View.Id, m.Id, entry.OwnProposal, true)));
                sent = true;
            }
        }
        else
        {
            for (var k = 0; k < _viewState.Size; k++)
            {
                if (k == Rank || entry.HasProposalFrom(k)) continue;
                var shownLost = Progress.HighestProposal(k, m.Sender) > m.Sequence;
                if (!shownLost && (_now - entry.EnqueuedAtMs < Progress.ResponseTimeoutMs(k)
                    || Progress.Progressing(k, m.Sender, _now, Progress.ResponseTimeoutMs(k)))) continue;
                AskForProposal(k, entry);
                sent = true;
            }
        }
        if (sent)
        {
            entry.Retried = true;
            entry.RetryBackoffMs = Math.Min(entry.RetryBackoffMs * 2, InitialRetryMs);
        }
        entry.RetryAtMs = _now + entry.RetryBackoffMs;
        return sent;
    }

    /// <summary>
    /// Three-step: the sender sent a final for a later message, or its own delivered or stored entry (gossip, acks) covers
    /// the message, so it decided and sent the final before that gossip on the same FIFO link.
    /// </summary>
    private bool FinalShownLost(DataMessage m) =>
        Progress.HighestFinal(m.Sender) > m.Sequence || _viewState.Acks.StoredBy(m.Sender, m.Sender) >= m.Sequence
        || _viewState.Acks.DeliveredBy(m.Sender, m.Sender) >= m.Sequence;

    /// <summary>Three-step sender: sends the message again (its receiver then proposes again). Two-step: asks for the proposal.</summary>
    private void AskForProposal(int rank, TotalEntry entry)
    {
        var m = entry.Message!;
        if (Settings.TotalOrder == TotalOrderMode.ThreeStep) Settings.Rules.ResendForProposal(this, rank, m);
        else _effects.Add(new Send(View.Members[rank], new Proposal(View.Id, m.Id, entry.OwnProposal, true)));
    }

    /// <summary>
    /// <paramref name="proposer"/> proposed for a later message of <paramref name="sender"/>, so it proposed for
    /// <paramref name="from"/>..<paramref name="to"/> before: the proposals still missing here were lost.
    /// </summary>
    private void RetryLostProposals(int proposer, int sender, long from, long to)
    {
        if (_viewState.Flush.DecidesNothing) return;
        for (var seq = Math.Max(from, _viewState.Logs[sender].Delivered + 1); seq <= to; seq++)
        {
            if (!_viewState.Total.TryGetValue(new MessageId(View.Id, sender, seq), out var entry)
                || !entry.InQueue || entry.IsFinal || !entry.HasOwnProposal || entry.HasProposalFrom(proposer)) continue;
            AskForProposal(proposer, entry);
            PostponeRetry(entry);
        }
    }

    /// <summary>Three-step: the sender's final for a later message came first, so the finals still missing here were lost (or our proposals were).</summary>
    private void AskForLostFinals(int sender, long from, long to)
    {
        if (_viewState.Flush.DecidesNothing) return;
        for (var seq = Math.Max(from, _viewState.Logs[sender].Delivered + 1); seq <= to; seq++)
        {
            if (!_viewState.Total.TryGetValue(new MessageId(View.Id, sender, seq), out var entry)
                || !entry.InQueue || entry.IsFinal || !entry.HasOwnProposal) continue;
            _effects.Add(new Send(View.Members[sender], new Proposal(View.Id, entry.Id, entry.OwnProposal, true)));
            PostponeRetry(entry);
        }
    }

    /// <summary>An entry that just asked on evidence waits a full back-off before its timer asks again.</summary>
    private void PostponeRetry(TotalEntry entry)
    {
        entry.Retried = true;
        entry.RetryAtMs = Math.Max(entry.RetryAtMs, _now + entry.RetryBackoffMs);
    }

    /// <summary>Three-step: sends <paramref name="m"/> again to the member of <paramref name="rank"/>, whose proposal is missing.</summary>
    internal void ResendForProposal(int rank, DataMessage m)
    {
        _counters.Retransmitted++;
        _effects.Add(new Send(View.Members[rank], m));
    }
}
