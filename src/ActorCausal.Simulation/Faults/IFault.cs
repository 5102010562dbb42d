namespace ActorCausal.Simulation;

// How to add a fault kind (one kind, one file in Faults/, as the examples there):
// 1. A public record deriving from FaultStep that says what the step does (scripted tests build it; the generator draws it).
// 2. In the same file, a class implementing IFault that takes the MembershipOracle (Applies: the record type; Describe:
//    one line for the plan; Step: tries the step now). It acts only through the oracle (MembershipOracle.cs: Resolve,
//    CanFail, DoCrash, DoJoin, DoLeave, NotifyFailure, ScheduleNotify, ScheduleDownAll, Quarantine, ...) and the network
//    (oracle.Net: cuts, splits, data filters); events it schedules for itself it handles through oracle.OnEvent. Draw
//    only from oracle.Random or oracle.ResolverRandom (add a new stream rather than new draws on an old one, so that older
//    seeds keep their schedules).
// 3. Record what happened as a typed FaultEvent (Faults/FaultEvents.cs) with Log(...), never as free text; tests match
//    the events. Record what a check must judge as history events or RunFacts, never as violations.
// 4. For generated plans: a static Draw(at, random) on the record (the steps of one episode), a FaultKinds flag, its CLI
//    name (FaultKindsText.Names) and a row in FaultPlanGenerator.Kinds (append; reordering changes every seed's plan).
// 5. Register the handler in MembershipOracle.Init (_faults).

/// <summary>What a fault step's attempt came to: done, try again later (while it would break the majority), or never.</summary>
internal enum StepOutcome { Done, Retry, Skip }

/// <summary>One kind of membership fault: runs the fault steps of its kind when they come due.</summary>
internal interface IFault
{
    /// <summary>Whether <paramref name="step"/> is of this kind.</summary>
    bool Applies(FaultStep step);

    /// <summary>One line for the fault plan (<see cref="FaultSummary.Plan"/>).</summary>
    string Describe(FaultStep step);

    /// <summary>Tries <paramref name="step"/> now; <paramref name="why"/> says why it is not done.</summary>
    StepOutcome Step(FaultStep step, out string? why);
}
