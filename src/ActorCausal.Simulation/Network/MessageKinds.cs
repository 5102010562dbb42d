using ActorCausal.Protocol.Messages;

namespace ActorCausal.Simulation.Network;

/// <summary>Names a protocol message for counting: its type, with retries and safe acknowledgements told apart.</summary>
public static class MessageKinds
{
    public static string Of(ProtocolMessage message) => message switch
    {
        Proposal { ReplyRequested: true } => "Proposal(retry)",
        StabilityGossip { Held: not null } => "StabilityGossip(held)",
        _ => message.GetType().Name,
    };
}
