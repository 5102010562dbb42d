namespace ActorCausal.Protocol;

/// <summary>How many members of the view must store a safe message before it is delivered (every member of a group must use the same).</summary>
public enum SafeQuorum
{
    /// <summary>Every member: uniform whatever the split-brain resolver does, but one slow or cut-off member stalls every safe message until a view change.</summary>
    All,
    /// <summary>
    /// A strict majority: one slow member no longer stalls safe causal messages (safe total order still needs every
    /// member's proposal). Uniform only while at least half of a view takes part in the flush that ends it (Akka's
    /// keep-majority or lease-majority resolver over the group's nodes); see docs/protocol.md, Majority-safe.
    /// </summary>
    Majority,
}
