using System.Runtime.CompilerServices;

namespace CollabEditor.Crdt;

/// <summary>LEB128 unsigned varints over a growable byte buffer, and their reader.</summary>
public sealed class ByteWriter
{
    private byte[] _buf;
    private int _len;

    public ByteWriter(int capacity = 256) => _buf = new byte[capacity];

    public int Length => _len;

    public ReadOnlySpan<byte> Written => _buf.AsSpan(0, _len);

    public void Clear() => _len = 0;

    private void Ensure(int n)
    {
        if (_len + n > _buf.Length) Array.Resize(ref _buf, Math.Max(_buf.Length * 2, _len + n));
    }

    public void Byte(byte b)
    {
        Ensure(1);
        _buf[_len++] = b;
    }

    public void UInt(uint v)
    {
        Ensure(5);
        while (v >= 0x80)
        {
            _buf[_len++] = (byte)(v | 0x80);
            v >>= 7;
        }
        _buf[_len++] = (byte)v;
    }

    public void Int(int v) => UInt((uint)((v << 1) ^ (v >> 31)));

    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buf.AsSpan(_len));
        _len += bytes.Length;
    }

    public void Utf8(ReadOnlySpan<char> text)
    {
        var max = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
        Ensure(max + 5);
        var n = System.Text.Encoding.UTF8.GetByteCount(text);
        UInt((uint)n);
        _len += System.Text.Encoding.UTF8.GetBytes(text, _buf.AsSpan(_len));
    }
}

public ref struct ByteReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public ByteReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly bool AtEnd => _pos >= _data.Length;

    public readonly int Position => _pos;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte Byte()
    {
        if (_pos >= _data.Length) throw new EditRejectedException("truncated data");
        return _data[_pos++];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint UInt()
    {
        // one byte: most values (counts, deltas) are below 128
        var p = _pos;
        if ((uint)(p + 1) < (uint)_data.Length)
        {
            uint b0 = _data[p];
            if (b0 < 0x80)
            {
                _pos = p + 1;
                return b0;
            }
            uint b1 = _data[p + 1];
            if (b1 < 0x80)
            {
                _pos = p + 2;
                return (b0 & 0x7f) | (b1 << 7);
            }
        }
        return UIntLong();
    }

    private uint UIntLong()
    {
        uint v = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = Byte();
            v |= (uint)(b & 0x7f) << shift;
            if (b < 0x80) return v;
        }
        throw new EditRejectedException("malformed varint");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Count(int max = int.MaxValue)
    {
        var v = UInt();
        if (v > (uint)max) throw new EditRejectedException($"count {v} out of range");
        return (int)v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Int()
    {
        var v = UInt();
        return (int)(v >> 1) ^ -(int)(v & 1);
    }

    public ReadOnlySpan<byte> Bytes(int n)
    {
        if (n < 0 || _pos + n > _data.Length) throw new EditRejectedException("truncated data");
        var s = _data.Slice(_pos, n);
        _pos += n;
        return s;
    }
}
