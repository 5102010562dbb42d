using GroupChat.Model;

namespace GroupChat.Tests.Support;

public static class OrderChecks
{
    /// <summary>
    /// The chat's causal promises on one node's delivery order: a reply after its parent, a reaction after its target
    /// (and after the same person's previous reaction it replaces), a message that shows a file after the file.
    /// Returns the violations (empty when all hold).
    /// </summary>
    public static List<string> Violations(string node, IReadOnlyList<StoredEvent> log)
    {
        var index = new Dictionary<string, int>();
        for (var i = 0; i < log.Count; i++) index.TryAdd(log[i].Id, i);
        var problems = new List<string>();
        void Before(string? earlier, int i, string what)
        {
            if (earlier is null) return;
            if (!index.TryGetValue(earlier, out var j) || j > i) problems.Add($"{node}: {log[i].Id} ({what}) is delivered at {i} but {earlier} at {(index.TryGetValue(earlier, out var k) ? k : -1)}");
        }
        for (var i = 0; i < log.Count; i++)
        {
            switch (log[i].Event)
            {
                case Posted p:
                    Before(p.ReplyTo, i, "reply");
                    Before(p.Attachment, i, "message showing a file");
                    break;
                case ReactionSet r:
                    Before(r.Target, i, "reaction");
                    Before(r.Previous, i, "reaction toggle");
                    break;
            }
        }
        return problems;
    }
}
