using System.Collections.Immutable;
using ActorCausal.Protocol;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Simulation;

/// <summary>What follows a crash.</summary>
public enum FollowUp
{
    None,
    /// <summary>A second member crashes as soon as the first member learns the first crash's removal (0-10 ms later).</summary>
    CrashAfterFirstRemoved,
    /// <summary>A second member (not the coordinator) crashes while it is flushing, after <see cref="CrashFault.FlushSteps"/> of its own events in the flush.</summary>
    CrashWhenFlushing,
    /// <summary>The coordinator crashes while it is flushing, after <see cref="CrashFault.FlushSteps"/> of its own events in the flush.</summary>
    CrashCoordinatorWhenFlushing,
}

/// <summary>
/// <see cref="Member"/> crashes at <see cref="FaultStep.AtMs"/>. With <see cref="PartialReceipt"/> it crashes instead right
/// after its next accepted broadcast at or after that time, whose data reaches only <see cref="Receivers"/> (slots; null:
/// a random non-empty strict subset of the others), once every copy that gets through has arrived.
/// </summary>
public sealed record CrashFault(long AtMs, int Member = MemberRef.Any) : FaultStep(AtMs)
{
    public bool PartialReceipt { get; init; }
    public ImmutableArray<int>? Receivers { get; init; }
    public FollowUp Then { get; init; } = FollowUp.None;
    /// <summary>The second victim of <see cref="FollowUp.CrashAfterFirstRemoved"/> (a slot or a <see cref="MemberRef"/>).</summary>
    public int ThenMember { get; init; } = MemberRef.NotCoordinator;
    /// <summary>For the mid-flush follow-ups: the victim's events processed while flushing before it crashes (0: at once).</summary>
    public int FlushSteps { get; init; }

    /// <summary>The generator's crash episode: of the coordinator 30% of the time, partial receipt 40%, a follow-up half the time.</summary>
    internal static IEnumerable<FaultStep> Draw(long at, DeterministicRandom random)
    {
        var victim = random.Chance(0.3) ? MemberRef.Coordinator : MemberRef.Any;
        var crash = new CrashFault(at, victim) { PartialReceipt = random.Chance(0.4) };
        var flavour = random.NextInt(6);
        yield return flavour switch
        {
            3 => crash with { Then = FollowUp.CrashAfterFirstRemoved, ThenMember = random.Chance(0.5) ? MemberRef.Coordinator : MemberRef.NotCoordinator },
            4 => crash with { Then = FollowUp.CrashWhenFlushing, FlushSteps = random.NextInt(8) },
            5 => crash with { Then = FollowUp.CrashCoordinatorWhenFlushing, FlushSteps = random.NextInt(8) },
            _ => crash,
        };
    }
}

// A crash: the member processes nothing more, each link from it keeps what arrives within a random grace, and the
// others suspect, down and remove it (NotifyFailure). With a partial receipt it first broadcasts a message whose data
// reaches only some members. Follow-ups: a second crash after the first removal, or mid-flush.
internal sealed class CrashFaults(MembershipOracle oracle) : IFault
{
    public bool Applies(FaultStep step) => step is CrashFault;
    public string Describe(FaultStep step) => step is CrashFault c ? $"crash of {MemberRef.Format(c.Member)}{(c.PartialReceipt ? " after a partially received broadcast" : "")}{(c.Then != FollowUp.None ? $", then {c.Then}" : "")}" : step.GetType().Name;
    public StepOutcome Step(FaultStep step, out string? why) => TryCrash((CrashFault)step, out why);

    private StepOutcome TryCrash(CrashFault c, out string? why)
    {
        why = null;
        var victim = oracle.Resolve(c.Member, forFailure: true);
        if (victim < 0)
        {
            why = $"no member can crash without breaking the majority ({MemberRef.Format(c.Member)})";
            return StepOutcome.Retry;
        }
        var spec = new MembershipOracle.CrashSpec(victim, CrashCause.Crash, "crash", c.Then, c.ThenMember, c.FlushSteps, Restart: false, Grace: true);
        if (c.PartialReceipt) return TryPartialCrash(c, spec, out why);
        oracle.DoCrash(spec);
        return StepOutcome.Done;
    }

    private StepOutcome TryPartialCrash(CrashFault c, MembershipOracle.CrashSpec spec, out string? why)
    {
        why = null;
        var victim = spec.Victim;
        var order = MembershipOracle.AllOrders[oracle.Random.NextInt(MembershipOracle.AllOrders.Length)];
        var result = oracle.BroadcastUnplanned(victim, order, "f", 0xF1);
        if (!result.Accepted)
        {
            oracle.Drain(victim);
            why = $"{oracle.Ids[victim]} refused the broadcast: {result.Refusal}";
            return StepOutcome.Retry;
        }
        if (result.IsHeld)
        {
            // A view change is under way: the broadcast goes out in the next view; try the partial crash again later.
            oracle.Drain(victim);
            oracle.AfterEvent(victim);
            why = $"{oracle.Ids[victim]} is flushing";
            return StepOutcome.Retry;
        }
        var others = (oracle.Slots[victim].ViewSlots ?? []).Where(s => s >= 0 && s != victim && !oracle.Slots[s].Gone).ToList();
        var receivers = c.Receivers is { } chosen ? chosen.Where(others.Contains).ToList() : oracle.RandomSubset(others, allowAll: false);
        oracle.Net.RestrictData(result.Id, victim, receivers);
        oracle.Log(new PartialBroadcast(oracle.Ids[victim], result.Id, order, receivers.Select(r => oracle.Ids[r]).ToImmutableArray(), oracle.MaxLinkDelay + 1));
        oracle.Drain(victim);
        oracle.AfterEvent(victim);
        oracle.ScheduleCrash(oracle.Now + oracle.MaxLinkDelay + 1, spec with { Cause = CrashCause.AfterPartialBroadcast, Why = $"crash after partially received {result.Id}", Grace = false });
        return StepOutcome.Done;
    }
}
