namespace ActorCausal.Protocol;

/// <summary>The ordering a broadcast asks for. Every order is at least FIFO per sender.</summary>
public enum DeliveryOrder : byte
{
    /// <summary>After the sender's previous messages.</summary>
    Fifo = 0,
    /// <summary>After everything that happened-before it (CBCAST, Birman–Schiper–Stephenson).</summary>
    Causal = 1,
    /// <summary>FIFO plus the message ids named in <c>dependsOn</c>, and nothing else.</summary>
    Explicit = 2,
    /// <summary>Same relative order at every member (ISIS / Skeen agreement); also causal.</summary>
    Total = 3,
}
