using System.Collections.Concurrent;
using Akka.Cluster;
using GroupChat.Storage;

namespace GroupChat.Actors;

/// <summary>What a node's chat actors share: its name and incarnation, its database, and a way to tell the web layer that a room changed.</summary>
public sealed class NodeContext(string nodeName, ChatStore store, Action<string> changed, bool replicationOff = false)
{
    /// <summary>The bench's ceiling only (<see cref="NodeOptions.ReplicationOff"/>): every group is a <see cref="LocalGroup"/>.</summary>
    public bool ReplicationOff { get; } = replicationOff;

    /// <summary>Event ids sent by this process start with it: the node name and a random incarnation tag.</summary>
    public string Origin { get; } = $"{nodeName}-{Convert.ToHexString(Guid.NewGuid().ToByteArray()[..3]).ToLowerInvariant()}";

    public string NodeName { get; } = nodeName;

    public ChatStore Store { get; } = store;

    public void Changed(string room) => changed(room);

    public const string NameRolePrefix = "chat-node:";
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>
    /// A node's chat name (n1, n2, ...) from its Akka address: every node carries it as a cluster role
    /// (<c>chat-node:NAME</c>), so every node can name the others; host:port when the role is not known.
    /// </summary>
    public string NameOf(Cluster cluster, string address)
    {
        if (_names.TryGetValue(address, out var known)) return known;
        foreach (var m in cluster.State.Members)
        {
            var role = m.Roles.FirstOrDefault(r => r.StartsWith(NameRolePrefix, StringComparison.Ordinal));
            if (role is not null) _names[m.Address.ToString()] = role[NameRolePrefix.Length..];
        }
        var self = cluster.SelfAddress.ToString();
        _names.TryAdd(self, NodeName);
        if (_names.TryGetValue(address, out known)) return known;
        var at = address.LastIndexOf('@');
        return at >= 0 ? address[(at + 1)..] : address;
    }
}
