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
    /// <summary>
    /// <see cref="Causal"/>, delivered only once every member of the view holds the message (safe, uniform delivery, like
    /// Spread's SAFE service): a member that delivers it knows every member that installs the next view delivers it too,
    /// even if this member crashes right after. On the wire it is a causal message with <see cref="Messages.DataMessage.Safe"/> set.
    /// </summary>
    SafeCausal = 4,
    /// <summary>
    /// <see cref="Total"/>, delivered only once every member of the view holds the message and its final priority (uniform
    /// total order, like Vsync's SafeSend): members that crash or are downed never order it differently from the survivors.
    /// On the wire it is a total-order message with <see cref="Messages.DataMessage.Safe"/> set.
    /// </summary>
    SafeTotal = 5,
}

/// <summary>The safe orders in terms of the base orders the protocol's delivery conditions use.</summary>
public static class DeliveryOrderExtensions
{
    /// <summary>True for <see cref="DeliveryOrder.SafeCausal"/> and <see cref="DeliveryOrder.SafeTotal"/>.</summary>
    public static bool IsSafe(this DeliveryOrder order) => order is DeliveryOrder.SafeCausal or DeliveryOrder.SafeTotal;

    /// <summary>The ordering condition without the safe wait: <see cref="DeliveryOrder.Causal"/> for SafeCausal, <see cref="DeliveryOrder.Total"/> for SafeTotal, else itself.</summary>
    public static DeliveryOrder BaseOrder(this DeliveryOrder order) => order switch
    {
        DeliveryOrder.SafeCausal => DeliveryOrder.Causal,
        DeliveryOrder.SafeTotal => DeliveryOrder.Total,
        _ => order,
    };

    /// <summary>The order as a broadcast asks for it: <paramref name="order"/> (a base order) made safe when <paramref name="safe"/>.</summary>
    public static DeliveryOrder WithSafe(this DeliveryOrder order, bool safe) => !safe ? order : order switch
    {
        DeliveryOrder.Causal => DeliveryOrder.SafeCausal,
        DeliveryOrder.Total => DeliveryOrder.SafeTotal,
        _ => order,
    };
}
