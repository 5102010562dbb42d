namespace ActorCausal.Protocol.Clocks;

/// <summary>How two vector clocks relate.</summary>
public enum CausalRelation
{
    /// <summary>The clocks are equal.</summary>
    Equal,
    /// <summary>The left clock happened-before the right one.</summary>
    Before,
    /// <summary>The right clock happened-before the left one.</summary>
    After,
    /// <summary>Neither clock happened-before the other.</summary>
    Concurrent,
}
