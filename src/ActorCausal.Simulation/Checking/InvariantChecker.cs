using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking.Checks;

namespace ActorCausal.Simulation.Checking;

/// <summary>What <see cref="InvariantChecker"/> checks beyond the safety rules that always apply.</summary>
public sealed record CheckerOptions
{
    /// <summary>
    /// Also require that every correct member delivered what it must (invariant 5 and agreement among correct members);
    /// only meaningful at the end of a run.
    /// </summary>
    public bool CheckValidity { get; init; } = true;

    /// <summary>
    /// Check total order (invariant 4) also between members that did not stay correct (crashed, downed, left) and the
    /// others. Disagreements seen only through such members are reported as <see cref="ViolationKind.UniformTotal"/>;
    /// false (the default) leaves them out: the protocol promises agreement among members that stay correct, not
    /// uniform agreement (docs/protocol.md, Limits).
    /// </summary>
    public bool UniformTotalOrder { get; init; }

    /// <summary>
    /// The run ended with a settled cluster and the histories hold every group of the name: require one view per group
    /// name (<see cref="Checks.OneViewPerNameCheck"/>). Off by default (hand-built histories and runs cut short are not stable).
    /// </summary>
    public bool OneViewPerNameOnceStable { get; init; }

    /// <summary>
    /// Members whose group actor the test itself made fail (stopped it, or shut its actor system down before it left): their
    /// <see cref="FailedEvent"/> is expected. Any other failure is a <see cref="ViolationKind.GroupFailed"/>.
    /// </summary>
    public IReadOnlySet<MemberId> CausedFailures { get; init; } = new HashSet<MemberId>();
}

/// <summary>
/// Checks invariants 1-6 of the design, the view rules, the partition rule and the facts the simulator recorded against
/// per-member histories: it builds one <see cref="HistoryIndex"/> and runs every <see cref="IInvariantCheck"/> of
/// <see cref="AllChecks"/> over it, one small check per rule (Checks/). It shares no logic with the protocol and never
/// reads its clocks: happened-before is rebuilt from the histories alone.
/// </summary>
/// <remarks>
/// <para>
/// Views: a member is in view v from its <see cref="ViewEvent"/> for v to its next one. A history without view events
/// (one fixed group, as hand-written tests and the fault-free simulator produce) is in one implicit view whose members
/// are all histories. A member is correct when it never crashes, is never downed, never leaves and is never excluded.
/// </para>
/// <para>
/// Causality and lost messages: m1 of a view that ended binds a delivery of m2 only if m1 outlived that view (some
/// member delivered it and then installed a later view), whether m2 is of a later view or of the same one. A message lost
/// with every member that held it (a crashed sender whose only receiver crashed too) can still lie in the causal past of
/// survivors' later messages, through a FIFO or explicit message delivered without its causal past; no protocol can
/// deliver it, so it is exempt. Messages of earlier views than the deliverer's first view reach it through its snapshot
/// and are exempt too.
/// </para>
/// <para>
/// The order and dependencies of a message are taken from its send event (what the application asked for).
/// Works with any set of histories: the simulator's, hand-built ones in tests, or logs of a real cluster.
/// </para>
/// </remarks>
public sealed class InvariantChecker
{
    /// <summary>Every check, in report order.</summary>
    public static readonly IReadOnlyList<IInvariantCheck> AllChecks =
    [
        new ProtocolErrorCheck(),
        new MembershipCheck(),
        new CreationCheck(),
        new ViewAgreementCheck(),
        new AfterStopCheck(),
        new NoDuplicationCheck(),
        new InViewCheck(),
        new FifoOrderCheck(),
        new CausalOrderCheck(),
        new ExplicitOrderCheck(),
        new OrphanCheck(),
        new TotalOrderCheck(),
        new ViewSequenceCheck(),
        new VirtualSynchronyCheck(),
        new LeaverCheck(),
        new SnapshotCheck(),
        new PartitionCheck(),
        new ValidityCheck(),
        new StableAtEndCheck(),
        new LivenessAtEndCheck(),
        new UniformAgreementCheck(),
        new MergeClosingViewCheck(),
        new OneViewPerNameCheck(),
        new GroupFailureCheck(),
    ];

    private readonly HistoryIndex _index;
    private readonly IReadOnlyList<IInvariantCheck> _checks;

    public InvariantChecker(IEnumerable<MemberHistory> histories)
        : this(histories, AllChecks)
    {
    }

    /// <summary>A checker that runs only <paramref name="checks"/>.</summary>
    public InvariantChecker(IEnumerable<MemberHistory> histories, IReadOnlyList<IInvariantCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        _index = new HistoryIndex(histories);
        _checks = checks;
    }

    /// <summary>Checks <paramref name="histories"/>. <paramref name="checkValidity"/>: also require that every correct member delivered what it must (only meaningful at the end of a run).</summary>
    public static IReadOnlyList<InvariantViolation> Check(IEnumerable<MemberHistory> histories, bool checkValidity = true) =>
        new InvariantChecker(histories).Check(new CheckerOptions { CheckValidity = checkValidity });

    public static IReadOnlyList<InvariantViolation> Check(IEnumerable<MemberHistory> histories, CheckerOptions options) =>
        new InvariantChecker(histories).Check(options);

    public IReadOnlyList<InvariantViolation> Check(bool checkValidity = true) => Check(new CheckerOptions { CheckValidity = checkValidity });

    public IReadOnlyList<InvariantViolation> Check(CheckerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var violations = new List<InvariantViolation>();
        foreach (var check in _checks) violations.AddRange(check.Check(_index, options));
        return violations;
    }

    /// <summary>How each member's history ends.</summary>
    public enum Fate { Correct, Crashed, Downed, Left, Excluded, Failed }

    /// <summary>The fate of <paramref name="history"/>: the first stop or crash in it, or correct.</summary>
    public static Fate FateOf(MemberHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        foreach (var e in history.Events)
        {
            switch (e)
            {
                case CrashEvent:
                    return Fate.Crashed;
                case FailedEvent:
                    return Fate.Failed;
                case PauseEvent { Excluded: true }:
                    return Fate.Downed;
                case StopEvent s:
                    return s.Reason switch
                    {
                        StopReason.Left => Fate.Left,
                        StopReason.Downed => Fate.Downed,
                        _ => Fate.Excluded,
                    };
            }
        }
        return Fate.Correct;
    }
}
