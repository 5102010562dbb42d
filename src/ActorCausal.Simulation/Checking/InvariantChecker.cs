using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;

namespace ActorCausal.Simulation.Checking;

/// <summary>
/// Checks invariants 1-5 of the design against per-member histories of sends and deliveries. It shares no logic
/// with the protocol and never reads its clocks: happened-before is rebuilt from the histories alone.
/// </summary>
/// <remarks>
/// <para>
/// Happened-before: m1 -&gt; m2 when m1's sender sent m1 before m2, or m2's sender delivered m1 before sending m2,
/// closed transitively. The past of a send is downward-closed per sender (a sender's i-th message precedes its
/// (i+1)-th), so it is held as a vector: entry q = how many of q's sends (a prefix in q's send order) happened-before.
/// Members are replayed in an interleaving that respects every member's local order and puts each send before its
/// deliveries; a history where no such interleaving exists is causally impossible and is reported.
/// </para>
/// <para>
/// The order and dependencies of a message are taken from its send event (what the application asked for).
/// Works with any set of histories: the simulator's, hand-built ones in tests, or logs of a real cluster.
/// </para>
/// </remarks>
public sealed class InvariantChecker
{
    private readonly MemberHistory[] _histories;

    public InvariantChecker(IEnumerable<MemberHistory> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        _histories = histories.ToArray();
        var seen = new HashSet<MemberId>();
        foreach (var h in _histories)
        {
            if (!seen.Add(h.Member)) throw new ArgumentException($"Member {h.Member} has two histories.", nameof(histories));
        }
    }

    /// <summary>Checks <paramref name="histories"/>. <paramref name="checkValidity"/>: also require that every member delivered every sent message (only meaningful at the end of a run).</summary>
    public static IReadOnlyList<InvariantViolation> Check(IEnumerable<MemberHistory> histories, bool checkValidity = true) =>
        new InvariantChecker(histories).Check(checkValidity);

    public IReadOnlyList<InvariantViolation> Check(bool checkValidity = true)
    {
        var violations = new List<InvariantViolation>();
        var n = _histories.Length;
        var sends = new Dictionary<MessageId, SentMessage>();
        var sendsBy = new List<MessageId>[n];

        // 1. Index the sends.
        for (var i = 0; i < n; i++)
        {
            sendsBy[i] = new List<MessageId>();
            foreach (var e in _histories[i].Events)
            {
                if (e is not SendEvent s) continue;
                sendsBy[i].Add(s.Id);
                var deps = s.DependsOn.IsDefault ? ImmutableArray<MessageId>.Empty : s.DependsOn;
                if (!sends.TryAdd(s.Id, new SentMessage(i, sendsBy[i].Count, s.Order, deps)))
                    violations.Add(new InvariantViolation(ViolationKind.Creation, _histories[i].Member, [s.Id], "message id sent twice"));
            }
        }

        // 2. The causal past of every send.
        ComputePasts(sends, violations);

        // 3. Per member, in local order: no creation, no duplication, FIFO, causal, explicit.
        var delivered = new HashSet<MessageId>[n];
        var totalSequences = new List<MessageId>[n];
        for (var p = 0; p < n; p++)
        {
            delivered[p] = new HashSet<MessageId>();
            totalSequences[p] = new List<MessageId>();
            CheckDeliveries(p, sends, sendsBy, delivered[p], totalSequences[p], violations);
        }

        // 4. Total order agreement between every pair of members.
        CheckTotalOrder(totalSequences, violations);

        // 5. Validity.
        if (checkValidity)
        {
            for (var p = 0; p < n; p++)
            {
                for (var q = 0; q < n; q++)
                {
                    foreach (var id in sendsBy[q])
                    {
                        if (sends[id].Member == q && !delivered[p].Contains(id))
                            violations.Add(new InvariantViolation(ViolationKind.Validity, _histories[p].Member, [id], $"never delivered (sent by {_histories[q].Member})"));
                    }
                }
            }
        }

        return violations;
    }

    private void ComputePasts(Dictionary<MessageId, SentMessage> sends, List<InvariantViolation> violations)
    {
        var n = _histories.Length;
        var position = new int[n];
        var sendCount = new int[n];
        var knowledge = new int[n][];
        for (var i = 0; i < n; i++) knowledge[i] = new int[n];

        while (true)
        {
            var progress = false;
            var done = true;
            for (var i = 0; i < n; i++)
            {
                var events = _histories[i].Events;
                while (position[i] < events.Count)
                {
                    var e = events[position[i]];
                    if (e is SendEvent)
                    {
                        sendCount[i]++;
                        var s = sends[e.Id];
                        if (s.Member == i && s.Index == sendCount[i]) s.Past = (int[])knowledge[i].Clone();
                        knowledge[i][i] = sendCount[i];
                    }
                    else if (sends.TryGetValue(e.Id, out var s))
                    {
                        if (s.Past is null) break; // its send is not replayed yet
                        var k = knowledge[i];
                        for (var q = 0; q < n; q++)
                        {
                            if (s.Past[q] > k[q]) k[q] = s.Past[q];
                        }
                        if (s.Index > k[s.Member]) k[s.Member] = s.Index;
                    }
                    position[i]++;
                    progress = true;
                }
                if (position[i] < events.Count) done = false;
            }
            if (done) return;
            if (progress) continue;

            // Every remaining member waits for a send that comes after its delivery: a causal cycle.
            for (var i = 0; i < n; i++)
            {
                var events = _histories[i].Events;
                if (position[i] >= events.Count) continue;
                var e = events[position[i]];
                var s = sends[e.Id];
                violations.Add(new InvariantViolation(ViolationKind.Creation, _histories[i].Member, [e.Id],
                    "delivered before it was sent (no interleaving of the histories puts the send first)"));
                if (s.Index > knowledge[i][s.Member]) knowledge[i][s.Member] = s.Index;
                position[i]++;
                break;
            }
        }
    }

    private void CheckDeliveries(
        int p,
        Dictionary<MessageId, SentMessage> sends,
        List<MessageId>[] sendsBy,
        HashSet<MessageId> delivered,
        List<MessageId> totalSequence,
        List<InvariantViolation> violations)
    {
        var n = _histories.Length;
        var self = _histories[p].Member;
        var prefix = new int[n]; // prefix[q]: q's first prefix[q] sends are all delivered here
        var deliveredIndex = new bool[n][];
        for (var q = 0; q < n; q++) deliveredIndex[q] = new bool[sendsBy[q].Count + 2];

        foreach (var e in _histories[p].Events)
        {
            if (e is not DeliverEvent d) continue;
            if (!sends.TryGetValue(d.Id, out var s))
            {
                violations.Add(delivered.Add(d.Id)
                    ? new InvariantViolation(ViolationKind.Creation, self, [d.Id], $"delivered from {d.Sender} but never sent")
                    : new InvariantViolation(ViolationKind.Duplication, self, [d.Id], "delivered twice"));
                continue;
            }

            var senderId = _histories[s.Member].Member;
            if (senderId != d.Sender)
                violations.Add(new InvariantViolation(ViolationKind.Creation, self, [d.Id], $"delivered as sent by {d.Sender} but sent by {senderId}"));
            if (d.Order != s.Order)
                violations.Add(new InvariantViolation(ViolationKind.Creation, self, [d.Id], $"delivered as {d.Order} but sent as {s.Order}"));
            if (!delivered.Add(d.Id))
            {
                violations.Add(new InvariantViolation(ViolationKind.Duplication, self, [d.Id], "delivered twice"));
                continue;
            }

            var q = s.Member;
            if (prefix[q] < s.Index - 1)
            {
                var missing = sendsBy[q][prefix[q]];
                violations.Add(new InvariantViolation(ViolationKind.Fifo, self, [missing, d.Id],
                    $"{d.Id} delivered before {missing}, sent earlier by {senderId}"));
            }

            if (s.Order is DeliveryOrder.Causal or DeliveryOrder.Total)
            {
                var past = s.Past!;
                for (var r = 0; r < n; r++)
                {
                    if (r == q || past[r] <= prefix[r]) continue;
                    var missing = sendsBy[r][prefix[r]];
                    violations.Add(new InvariantViolation(ViolationKind.Causal, self, [missing, d.Id],
                        $"{s.Order} {d.Id} delivered before {missing} (from {_histories[r].Member}), which happened-before it"));
                }
            }
            else if (s.Order == DeliveryOrder.Explicit)
            {
                foreach (var dep in s.DependsOn)
                {
                    if (!delivered.Contains(dep))
                        violations.Add(new InvariantViolation(ViolationKind.Explicit, self, [dep, d.Id], $"{d.Id} delivered before its dependency {dep}"));
                }
            }

            deliveredIndex[q][s.Index] = true;
            while (deliveredIndex[q][prefix[q] + 1]) prefix[q]++;

            if (s.Order == DeliveryOrder.Total) totalSequence.Add(d.Id);
        }
    }

    private void CheckTotalOrder(List<MessageId>[] totalSequences, List<InvariantViolation> violations)
    {
        var n = _histories.Length;
        var positions = new Dictionary<MessageId, int>[n];
        for (var p = 0; p < n; p++)
        {
            positions[p] = new Dictionary<MessageId, int>(totalSequences[p].Count);
            for (var k = 0; k < totalSequences[p].Count; k++) positions[p][totalSequences[p][k]] = k;
        }

        for (var p = 0; p < n; p++)
        {
            for (var r = p + 1; r < n; r++)
            {
                // Walk p's order; r's positions of the common messages must increase.
                var maxPosition = -1;
                MessageId maxId = default;
                foreach (var id in totalSequences[p])
                {
                    if (!positions[r].TryGetValue(id, out var at)) continue;
                    if (at < maxPosition)
                    {
                        violations.Add(new InvariantViolation(ViolationKind.Total, _histories[r].Member, [maxId, id],
                            $"{_histories[p].Member} delivered {maxId} before {id}; {_histories[r].Member} delivered {id} before {maxId}"));
                        break;
                    }
                    maxPosition = at;
                    maxId = id;
                }
            }
        }
    }

    private sealed class SentMessage(int member, int index, DeliveryOrder order, ImmutableArray<MessageId> dependsOn)
    {
        /// <summary>Index of the sending member's history.</summary>
        public int Member { get; } = member;
        /// <summary>1-based position among the sender's sends.</summary>
        public int Index { get; } = index;
        public DeliveryOrder Order { get; } = order;
        public ImmutableArray<MessageId> DependsOn { get; } = dependsOn;
        /// <summary>Entry q: how many of q's sends happened-before this one. Null until replayed.</summary>
        public int[]? Past { get; set; }
    }
}
