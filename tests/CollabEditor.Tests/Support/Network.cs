using CollabEditor.Crdt;

namespace CollabEditor.Tests.Support;

/// <summary>
/// Replicas of one document exchanging updates under a seeded random causal delivery order, as causal broadcast
/// delivers them: an update reaches a replica only after everything its author had integrated when making it.
/// </summary>
public sealed class Network
{
    private sealed record Sent(string Author, int Txn, Dictionary<string, int> Deps, byte[] Update);

    private readonly Random _random;
    private readonly List<Sent> _sent = new();
    private readonly List<HashSet<int>> _pending = new();

    public Network(int replicas, int seed)
    {
        _random = new Random(seed);
        for (var i = 0; i < replicas; i++)
        {
            var doc = new TextDocument();
            Docs.Add(doc);
            Agents.Add(doc.Agent(NameOf(i)));
            _pending.Add(new HashSet<int>());
        }
    }

    public List<TextDocument> Docs { get; } = new();
    public List<int> Agents { get; } = new();

    public static string NameOf(int replica) => "r" + replica;

    public void Edit(int replica, params Patch[] patches)
    {
        var doc = Docs[replica];
        var deps = new Dictionary<string, int>(doc.Version());
        var writer = new UpdateWriter();
        var txn = doc.TxnCount(Agents[replica]);
        doc.Edit(Agents[replica], patches, writer);
        _sent.Add(new Sent(NameOf(replica), txn, deps, writer.ToArray()));
        for (var r = 0; r < Docs.Count; r++)
            if (r != replica) _pending[r].Add(_sent.Count - 1);
    }

    private bool Ready(int replica, Sent s)
    {
        var doc = Docs[replica];
        foreach (var (agent, count) in s.Deps)
        {
            var have = doc.TryGetAgent(agent, out var a) ? doc.TxnCount(a) : 0;
            if (have < count) return false;
        }
        return true;
    }

    /// <summary>Delivers one random causally ready update; false when none is pending.</summary>
    public bool DeliverOne()
    {
        var choices = new List<(int Replica, int Msg)>();
        for (var r = 0; r < Docs.Count; r++)
            foreach (var m in _pending[r])
                if (Ready(r, _sent[m])) choices.Add((r, m));
        if (choices.Count == 0) return false;
        var (replica, msg) = choices[_random.Next(choices.Count)];
        _pending[replica].Remove(msg);
        Assert.True(Docs[replica].ApplyUpdate(_sent[msg].Update));
        return true;
    }

    /// <summary>Delivers up to <paramref name="max"/> random ready updates.</summary>
    public void DeliverSome(int max)
    {
        for (var i = 0; i < max && DeliverOne(); i++) { }
    }

    public void DeliverAll()
    {
        while (DeliverOne()) { }
        Assert.All(_pending, p => Assert.Empty(p));
    }

    public void AssertConverged()
    {
        var text = Docs[0].GetText();
        foreach (var d in Docs) Assert.Equal(text, d.GetText());
    }
}
