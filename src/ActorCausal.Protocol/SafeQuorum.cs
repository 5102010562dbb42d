namespace ActorCausal.Protocol;

/// <summary>How many members of the view must store a safe message before it is delivered (every member of a group must use the same).</summary>
public enum SafeQuorum
{
    /// <summary>Every member: uniform whatever the split-brain resolver does, but one slow or cut-off member stalls every safe message until a view change.</summary>
    All,
    /// <summary>
    /// A strict majority: one slow member no longer stalls safe messages. Uniform only while every view change keeps at
    /// least half of the closing view (Akka's keep-majority or lease-majority resolver over the group's nodes); see
    /// docs/protocol.md, Safe delivery.
    /// </summary>
    Majority,
}
