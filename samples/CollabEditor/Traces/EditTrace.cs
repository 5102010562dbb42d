using System.IO.Compression;
using System.Text.Json;
using CollabEditor.Crdt;

namespace CollabEditor.Traces;

/// <summary>One transaction of a trace: its author (agent index), the transactions it was made on, and its patches.</summary>
public sealed record TraceTxn(int Agent, int[] Parents, Patch[] Patches);

/// <summary>A sequential or concurrent editing trace (josephg/editing-traces formats).</summary>
public sealed class EditTrace
{
    public required bool Concurrent { get; init; }
    public required string StartContent { get; init; }
    public required string EndContent { get; init; }
    public required int NumAgents { get; init; }
    public required TraceTxn[] Txns { get; init; }

    public long PatchCount => Txns.Sum(t => (long)t.Patches.Length);

    public static EditTrace Load(string path)
    {
        if (!File.Exists(path)) throw new TraceFormatException($"{path}: no such file");
        try
        {
            using var file = File.OpenRead(path);
            using var head = new BufferedStream(file);
            Stream stream = head;
            var magic = new byte[2];
            var n = head.Read(magic, 0, 2);
            file.Position = 0;
            using var buffered = new BufferedStream(file);
            stream = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(buffered, CompressionMode.Decompress) : buffered;
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            return Parse(ms.GetBuffer().AsMemory(0, (int)ms.Length), path);
        }
        catch (InvalidDataException e)
        {
            throw new TraceFormatException($"{path}: not a readable gzip file ({e.Message})");
        }
    }

    public static EditTrace Parse(ReadOnlyMemory<byte> json, string name = "trace")
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new TraceFormatException($"{name}: not valid JSON ({e.Message})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new TraceFormatException($"{name}: the trace is not a JSON object");
            var concurrent = root.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "concurrent";
            var end = RequiredString(root, "endContent", name);
            var start = root.TryGetProperty("startContent", out var sc) && sc.ValueKind == JsonValueKind.String ? sc.GetString()! : "";
            if (concurrent && start.Length > 0) throw new TraceFormatException($"{name}: a concurrent trace must start empty");
            var agents = 1;
            if (concurrent)
            {
                if (!root.TryGetProperty("numAgents", out var na) || na.ValueKind != JsonValueKind.Number || !na.TryGetInt32(out agents) || agents < 1 || agents > 10_000)
                    throw new TraceFormatException($"{name}: numAgents must be an integer in 1..10000");
            }
            if (!root.TryGetProperty("txns", out var txns) || txns.ValueKind != JsonValueKind.Array)
                throw new TraceFormatException($"{name}: no txns array");
            var list = new TraceTxn[txns.GetArrayLength()];
            var i = 0;
            foreach (var t in txns.EnumerateArray())
            {
                list[i] = ParseTxn(t, i, concurrent, agents, name);
                i++;
            }
            return new EditTrace { Concurrent = concurrent, StartContent = start, EndContent = end, NumAgents = agents, Txns = list };
        }
    }

    private static TraceTxn ParseTxn(JsonElement t, int i, bool concurrent, int agents, string name)
    {
        string Where() => $"{name}: transaction {i}";
        if (t.ValueKind != JsonValueKind.Object) throw new TraceFormatException($"{Where()} is not an object");
        var agent = 0;
        int[] parents;
        if (concurrent)
        {
            if (!t.TryGetProperty("agent", out var a) || a.ValueKind != JsonValueKind.Number || !a.TryGetInt32(out agent) || agent < 0 || agent >= agents)
                throw new TraceFormatException($"{Where()}: agent must be an integer in 0..{agents - 1}");
            if (!t.TryGetProperty("parents", out var ps) || ps.ValueKind != JsonValueKind.Array)
                throw new TraceFormatException($"{Where()}: no parents array");
            parents = new int[ps.GetArrayLength()];
            var k = 0;
            foreach (var p in ps.EnumerateArray())
            {
                if (p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out var pi) || pi < 0 || pi >= i)
                    throw new TraceFormatException($"{Where()}: parent {p} is not an earlier transaction");
                parents[k++] = pi;
            }
        }
        else
        {
            parents = i == 0 ? [] : [i - 1];
        }
        if (!t.TryGetProperty("patches", out var patches) || patches.ValueKind != JsonValueKind.Array)
            throw new TraceFormatException($"{Where()}: no patches array");
        var list = new Patch[patches.GetArrayLength()];
        var j = 0;
        foreach (var p in patches.EnumerateArray())
        {
            if (p.ValueKind != JsonValueKind.Array || p.GetArrayLength() != 3)
                throw new TraceFormatException($"{Where()}, patch {j}: expected [position, deleted, inserted]");
            var pos = p[0];
            var del = p[1];
            var ins = p[2];
            if (pos.ValueKind != JsonValueKind.Number || !pos.TryGetInt32(out var position) || position < 0
                || del.ValueKind != JsonValueKind.Number || !del.TryGetInt32(out var deleted) || deleted < 0
                || ins.ValueKind != JsonValueKind.String)
                throw new TraceFormatException($"{Where()}, patch {j}: expected [position >= 0, deleted >= 0, \"text\"]");
            var text = ins.GetString()!;
            if (TextDocument.CodePoints(text) < 0) throw new TraceFormatException($"{Where()}, patch {j}: inserted text holds a lone surrogate");
            list[j++] = new Patch(position, deleted, text);
        }
        return new TraceTxn(agent, parents, list);
    }

    private static string RequiredString(JsonElement root, string property, string name) =>
        root.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new TraceFormatException($"{name}: no {property} string");
}

public sealed class TraceFormatException(string message) : Exception(message);
