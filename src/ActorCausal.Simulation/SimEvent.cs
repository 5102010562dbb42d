using ActorCausal.Protocol.Messages;

namespace ActorCausal.Simulation;

internal enum EventKind : byte
{
    Tick,
    Arrive,
    Broadcast,
    // Membership oracle (faults only).
    FaultStep,
    Notify,
    CrashNow,
    Heal,
    Exit,
    Rejoin,
    PartialBroadcast,
    Resume,
    DeferredArrive,
    SplitComplete,
    // Founding schedules (Founding/FoundingDriver.cs).
    NodeStart,
    StallStart,
    StallEnd,
    DriverNote,
    StartupUnreachable,
    StartupHeal,
}

/// <summary>
/// Member: the receiver (Arrive), the broadcaster (Broadcast), the target (Notify, CrashNow, Exit, Rejoin, PartialBroadcast).
/// From: the sender (Arrive), the subject (Notify), the attempt (FaultStep). PlanIndex: the plan entry (Broadcast),
/// the fault step (FaultStep, PartialBroadcast), the notification kind (Notify), the crash spec (CrashNow).
/// </summary>
internal readonly record struct SimEvent(EventKind Kind, int Member, int From, ProtocolMessage? Message, int PlanIndex);
