using ActorCausal.Protocol;

namespace ActorCausal.Simulation.Driving;

/// <summary>
/// What a simulated driver does with each protocol effect of member <typeparamref name="TMember"/>: the duties the Akka
/// actor has (send, deliver to the application, snapshots, announcements, probes, merges), one method a kind.
/// </summary>
internal interface IEffectHandler<in TMember>
{
    void Send(TMember from, Send send);
    void SendToAll(TMember from, SendToAll send);
    void Deliver(TMember at, Deliver deliver);
    void InputRejected(TMember at, InputRejected rejected);
    void ClockSkewExceeded(TMember at, ClockSkewExceeded skew);
    void ViewChangedByMinority(TMember at, ViewChangedByMinority minority);
    void ViewInstalled(TMember at, ViewInstalled installed);
    void PeerSuspected(TMember at, PeerSuspected suspected);
    void PeerReachable(TMember at, PeerReachable reachable);
    void Stopped(TMember at, Stopped stopped);
    void TakeSnapshot(TMember at, TakeSnapshot take);
    void LoadSnapshot(TMember at, LoadSnapshot load);
    void HeldBroadcastSent(TMember at, HeldBroadcastSent sent);
    void AnnounceJoin(TMember from, AnnounceJoin announce);
    void AckJoin(TMember from, AckJoin ack);
    void ProbeOtherNodes(TMember from, ProbeOtherNodes probe);
    void MergingInto(TMember at, MergingInto into);
    void MergeSnapshot(TMember at, MergeSnapshot merge);
}

/// <summary>The one switch over protocol effects, shared by the fault simulator and the founding simulator.</summary>
internal static class EffectDriver
{
    public static void Apply<TMember>(TMember member, Effect effect, IEffectHandler<TMember> handler)
    {
        switch (effect)
        {
            case Send s: handler.Send(member, s); break;
            case SendToAll a: handler.SendToAll(member, a); break;
            case Deliver d: handler.Deliver(member, d); break;
            case InputRejected r: handler.InputRejected(member, r); break;
            case ClockSkewExceeded c: handler.ClockSkewExceeded(member, c); break;
            case ViewChangedByMinority v: handler.ViewChangedByMinority(member, v); break;
            case ViewInstalled v: handler.ViewInstalled(member, v); break;
            case PeerSuspected p: handler.PeerSuspected(member, p); break;
            case PeerReachable p: handler.PeerReachable(member, p); break;
            case Stopped s: handler.Stopped(member, s); break;
            case TakeSnapshot t: handler.TakeSnapshot(member, t); break;
            case LoadSnapshot l: handler.LoadSnapshot(member, l); break;
            case HeldBroadcastSent h: handler.HeldBroadcastSent(member, h); break;
            case AnnounceJoin a: handler.AnnounceJoin(member, a); break;
            case AckJoin a: handler.AckJoin(member, a); break;
            case ProbeOtherNodes p: handler.ProbeOtherNodes(member, p); break;
            case MergingInto m: handler.MergingInto(member, m); break;
            case MergeSnapshot m: handler.MergeSnapshot(member, m); break;
            default: throw new InvalidOperationException($"No simulated driver duty for effect {effect.GetType().Name}.");
        }
    }
}
