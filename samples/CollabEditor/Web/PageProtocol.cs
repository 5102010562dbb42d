using System.Text.Json;
using CollabEditor.Crdt;
using CollabEditor.Nodes;

namespace CollabEditor.Web;

/// <summary>The JSON messages between a page and its node. Page to node: <c>{"type":"edit","seq":n,"id":k,
/// "patches":[[pos,del,"ins"]]}</c> (code points) and <c>{"type":"caret","pos":n}</c>. Node to page: "text" and
/// "presence" (see <see cref="ToJson"/>).</summary>
public static class PageProtocol
{
    public static object? Parse(ReadOnlySpan<byte> json, out string? error)
    {
        error = null;
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            var type = root.GetProperty("type").GetString();
            switch (type)
            {
                case "edit":
                    var patches = new List<Patch>();
                    foreach (var p in root.GetProperty("patches").EnumerateArray())
                    {
                        if (p.GetArrayLength() != 3) throw new FormatException("a patch is [pos, deleted, inserted]");
                        patches.Add(new Patch(p[0].GetInt32(), p[1].GetInt32(), p[2].GetString() ?? ""));
                    }
                    if (patches.Count > 1000) throw new FormatException("too many patches");
                    return new ClientEdit(root.GetProperty("seq").GetInt64(), root.GetProperty("id").GetInt64(), patches.ToArray());
                case "caret":
                    return new ClientCaret(root.GetProperty("pos").GetInt32());
                default:
                    error = $"unknown message type '{type}'";
                    return null;
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            error = e.Message;
            return null;
        }
    }

    public static object ToJson(object message) => message switch
    {
        EditRefused r => new { type = "error", id = r.EditId, message = $"edit refused: {r.Reason}" },
        DocumentView v => new { type = "text", text = v.Text, seq = v.Seq, acked = v.AckedEdit, remote = v.Remote, agent = v.Agent },
        PresenceView p => new
        {
            type = "presence",
            members = p.Members.Select(m => new { address = m.Address, state = m.State, self = m.Self }),
            heldBack = p.HeldBack,
            txns = p.Txns,
            version = p.Version,
            carets = p.Carets.Select(c => new { name = c.Name, pos = c.Position }),
        },
        _ => new { type = "unknown" },
    };
}
