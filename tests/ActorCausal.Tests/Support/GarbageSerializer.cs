using Akka.Actor;
using Akka.Serialization;

namespace ActorCausal.Tests.Support;

/// <summary>A message whose bytes are garbage.</summary>
public sealed record Garbage(byte[] Bytes);

/// <summary>
/// Poses as ActorCausal's serializer (same identifier, envelope manifest) on a system that does not load the library,
/// so that the receiving node's CausalGroupsSerializer gets malformed bytes from real remoting.
/// </summary>
public sealed class GarbageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => 6200;
    public override string Manifest(object o) => "E";
    public override byte[] ToBinary(object obj) => ((Garbage)obj).Bytes;
    public override object FromBinary(byte[] bytes, string manifest) => new Garbage(bytes);
}
