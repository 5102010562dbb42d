using System.Collections.Immutable;
using ActorCausal.Protocol.Messages;
using Google.Protobuf;
using W = ActorCausal.Serialization.Proto;

namespace ActorCausal.Serialization;

// The runtime's own messages between group actors (IWireMessage): the envelope, the join handshake, chunks and probes.
internal sealed partial class ProtoMapping
{
    public W.GroupEnvelope ToProto(GroupEnvelope envelope)
    {
        var w = new W.GroupEnvelope { From = ToProto(envelope.From) };
        foreach (var m in envelope.Messages) w.Messages.Add(ToProtoUnion(m));
        return w;
    }

    public GroupEnvelope FromProto(W.GroupEnvelope w)
    {
        var from = FromProto(Required(w.From, "GroupEnvelope.from"));
        if (w.Messages.Count == 0) throw new WireFormatException("A GroupEnvelope carries no protocol message.");
        var messages = ImmutableArray.CreateBuilder<ProtocolMessage>(w.Messages.Count);
        foreach (var m in w.Messages) messages.Add(FromProto(m));
        return new GroupEnvelope(from, messages.MoveToImmutable());
    }

    public W.JoinRequest ToProto(JoinRequest j) => new() { Joiner = ToProto(j.Joiner) };

    public JoinRequest FromProto(W.JoinRequest w) => new(FromProto(Required(w.Joiner, "JoinRequest.joiner")));

    public W.JoinAck ToProto(JoinAck a) => new() { Member = ToProto(a.Member), ViewId = a.ViewId };

    public JoinAck FromProto(W.JoinAck w)
    {
        if (w.ViewId < 0) throw new WireFormatException($"JoinAck with negative view id {w.ViewId}.");
        return new JoinAck(FromProto(Required(w.Member, "JoinAck.member")), w.ViewId);
    }

    public W.GroupChunk ToProto(GroupChunk c) => new()
    {
        From = ToProto(c.From), Transfer = c.Transfer, Index = c.Index, Count = c.Count, TotalBytes = c.TotalBytes,
        Manifest = c.Manifest, Data = UnsafeByteOperations.UnsafeWrap(c.Data),
    };

    public GroupChunk FromProto(W.GroupChunk w)
    {
        if (w.Count < 1 || w.Index < 0 || w.Index >= w.Count) throw new WireFormatException($"GroupChunk piece {w.Index} of {w.Count}.");
        if (w.TotalBytes < w.Count || w.Data.Length == 0 || w.Data.Length > w.TotalBytes)
            throw new WireFormatException($"GroupChunk of {w.Data.Length} bytes in a message of {w.TotalBytes} bytes in {w.Count} pieces.");
        if (w.Transfer < 0) throw new WireFormatException($"GroupChunk with negative transfer {w.Transfer}.");
        if (!WireTypes.IsProtocolMessageManifest(w.Manifest)) throw new WireFormatException($"GroupChunk of a '{w.Manifest}' message.");
        return new GroupChunk(FromProto(Required(w.From, "GroupChunk.from")), w.Transfer, w.Index, w.Count, w.TotalBytes, w.Manifest, w.Data.Memory);
    }

    public W.GroupProbe ToProto(GroupProbe p) => new() { From = ToProto(p.From), Probe = ToProto(p.Probe) };

    public GroupProbe FromProto(W.GroupProbe w)
    {
        var probe = FromProto(Required(w.Probe, "GroupProbe.probe"));
        return new GroupProbe(FromProto(Required(w.From, "GroupProbe.from")), probe);
    }
}
