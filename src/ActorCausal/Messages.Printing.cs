using System.Collections.Immutable;
using System.Text;

namespace ActorCausal;

// Readable ToString for the messages whose generated record form prints ImmutableArray`1[...] or ReadOnlyMemory<Byte>:
// member lists as [a, b], payload bytes as their count.

public sealed partial record Broadcast
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Payload = ").Append(Payload).Append(", Order = ").Append(Order).Append(", DependsOn = ").Append(MessagePrinting.List(DependsOn));
        return true;
    }
}

public sealed partial record Delivered
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Group = ").Append(Group).Append(", Payload = ").Append(Payload).Append(", Sender = ").Append(Sender)
            .Append(", MessageId = ").Append(MessageId).Append(", Clock = ").Append(Clock).Append(", Time = ").Append(Time)
            .Append(", ViewId = ").Append(ViewId).Append(", Order = ").Append(Order).Append(", DependsOn = ").Append(MessagePrinting.List(DependsOn));
        return true;
    }
}

public sealed partial record UndeserializablePayload
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("SerializerId = ").Append(SerializerId).Append(", Manifest = ").Append(Manifest)
            .Append(", Bytes = ").Append(Bytes.Length).Append(" bytes, Error = ").Append(Error);
        return true;
    }
}

public sealed partial record ViewChanged
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Group = ").Append(Group).Append(", View = ").Append(View)
            .Append(", Joined = ").Append(MessagePrinting.List(Joined)).Append(", Left = ").Append(MessagePrinting.List(Left));
        return true;
    }
}

public sealed partial record SnapshotResponse
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("ViewId = ").Append(ViewId).Append(", Snapshot = ").Append(Snapshot.Length).Append(" bytes");
        return true;
    }
}

public sealed partial record InstallSnapshot
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Group = ").Append(Group).Append(", ViewId = ").Append(ViewId).Append(", Snapshot = ").Append(Snapshot.Length).Append(" bytes");
        return true;
    }
}

public sealed partial record GroupsMerged
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Group = ").Append(Group).Append(", ViewId = ").Append(ViewId).Append(", OtherSide = ").Append(OtherSide)
            .Append(", Snapshot = ").Append(Snapshot.Length).Append(" bytes");
        return true;
    }
}

internal static class MessagePrinting
{
    /// <summary><c>[a, b]</c>; <c>[]</c> for an empty or default array.</summary>
    public static string List<T>(ImmutableArray<T> items) => items.IsDefaultOrEmpty ? "[]" : $"[{string.Join(", ", items)}]";
}
