namespace CollabEditor.Crdt;

/// <summary>
/// Encodes one transaction for the other replicas: author, transaction index, and its operations by item id (inserts
/// with their origins and UTF-8 text, deletes as id ranges). Reused across transactions to avoid allocation.
/// </summary>
public sealed class UpdateWriter
{
    internal const byte Format = 1;
    private readonly ByteWriter _ops = new();
    private readonly ByteWriter _out = new();
    private readonly List<int> _names = new();
    private TextDocument? _doc;
    private int _txn;
    private int _opCount;

    internal void Begin(TextDocument doc, int author, int txn)
    {
        _doc = doc;
        _txn = txn;
        _ops.Clear();
        _names.Clear();
        _names.Add(author);
        _opCount = 0;
    }

    private void Ref(int agent, int seq)
    {
        if (agent < 0)
        {
            _ops.UInt(0);
            return;
        }
        var k = _names.IndexOf(agent);
        if (k < 0)
        {
            k = _names.Count;
            _names.Add(agent);
        }
        _ops.UInt((uint)k + 1);
        _ops.UInt((uint)seq);
    }

    internal void Insert(int seq, int len, int olA, int olS, int orA, int orS, string text)
    {
        _opCount++;
        _ops.Byte((byte)OpKind.Insert);
        _ops.UInt((uint)seq);
        _ops.UInt((uint)len);
        Ref(olA, olS);
        Ref(orA, orS);
        _ops.Utf8(text);
    }

    internal void Delete(int agent, int seq, int len)
    {
        _opCount++;
        _ops.Byte((byte)OpKind.Delete);
        Ref(agent, seq);
        _ops.UInt((uint)len);
    }

    /// <summary>The encoded update of the transaction just applied.</summary>
    public ReadOnlySpan<byte> Encoded
    {
        get
        {
            _out.Clear();
            _out.Byte(Format);
            _out.UInt((uint)_names.Count);
            foreach (var n in _names) _out.Utf8(_doc!.AgentName(n));
            _out.UInt((uint)_txn);
            _out.UInt((uint)_opCount);
            _out.Bytes(_ops.Written);
            return _out.Written;
        }
    }

    public byte[] ToArray() => Encoded.ToArray();
}
