namespace CollabEditor.Crdt;

/// <summary>What a document keeps per agent: its name, the text of every item it inserted (indexed by counter), the
/// leaf that holds each of its items, how many transactions of it are integrated, and its operation log.</summary>
internal sealed class AgentData
{
    /// <summary>Stands in the text buffer for an astral code point (kept in <see cref="Astral"/>); a lone high
    /// surrogate never appears in valid input, so the marker cannot be confused with text.</summary>
    public const char AstralMarker = '\uD800';

    public readonly string Name;
    public char[] Text = new char[16];
    public int[] LeafOf = new int[16];
    public Dictionary<int, int>? Astral;
    public int NextSeq;
    public int Txns;
    public readonly OpLog Log = new();

    public AgentData(string name) => Name = name;

    public void Reserve(int count)
    {
        var need = NextSeq + count;
        if (need <= Text.Length) return;
        var size = Math.Max(need, Text.Length + (Text.Length >> 1)); // 1.5x: less slack in memory than doubling
        Array.Resize(ref Text, size);
        Array.Resize(ref LeafOf, size);
    }

    /// <summary>Appends the code points of <paramref name="text"/> (already validated) at the next counters.</summary>
    public void AppendText(ReadOnlySpan<char> text, int codePoints)
    {
        Reserve(codePoints);
        if (codePoints == text.Length)
        {
            text.CopyTo(Text.AsSpan(NextSeq));
        }
        else
        {
            var seq = NextSeq;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsHighSurrogate(c))
                {
                    Astral ??= new Dictionary<int, int>();
                    Astral[seq] = char.ConvertToUtf32(c, text[i + 1]);
                    Text[seq++] = AstralMarker;
                    i++;
                }
                else
                {
                    Text[seq++] = c;
                }
            }
        }
        NextSeq += codePoints;
    }

    public void SetLeaf(int seq, int len, int leafId) => LeafOf.AsSpan(seq, len).Fill(leafId);

    /// <summary>Appends the text of items [seq, seq + len) to <paramref name="sb"/>.</summary>
    public void CopyText(int seq, int len, System.Text.StringBuilder sb)
    {
        var span = Text.AsSpan(seq, len);
        if (Astral is null || span.IndexOf(AstralMarker) < 0)
        {
            sb.Append(span);
            return;
        }
        for (var i = 0; i < len; i++)
        {
            if (span[i] == AstralMarker) sb.Append(char.ConvertFromUtf32(Astral[seq + i]));
            else sb.Append(span[i]);
        }
    }
}
