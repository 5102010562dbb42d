using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;

namespace ActorCausal.Benchmarks.Cluster;

/// <summary>
/// The benchmark's flow-control counters: for each receiver and sender, how many of the sender's messages the receiver
/// has delivered. Each receiver writes only its own row, so a plain volatile write is enough. In one process the
/// counters are a pinned array; with one node per process they are a file mapped by the parent and every node, so the
/// pacing is the same in both (it is the benchmark's, not the system's: no real sender sees the receivers' counters).
/// </summary>
public sealed unsafe class DeliveryBoard : IDisposable
{
    private readonly long* _counts;
    private readonly int _nodes;
    private readonly long[]? _pinned;
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;

    private DeliveryBoard(int nodes, long[] pinned)
    {
        _nodes = nodes;
        _pinned = pinned;
        _counts = (long*)Unsafe.AsPointer(ref pinned[0]);
    }

    private DeliveryBoard(int nodes, MemoryMappedFile file)
    {
        _nodes = nodes;
        _file = file;
        _view = file.CreateViewAccessor(0, Bytes(nodes));
        byte* start = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        _counts = (long*)(start + _view.PointerOffset);
    }

    public int Nodes => _nodes;

    public static DeliveryBoard InProcess(int nodes) => new(nodes, GC.AllocateArray<long>(nodes * nodes, pinned: true));

    /// <summary>Creates the shared file (zeroed) that the node processes map with <see cref="Open"/>.</summary>
    public static DeliveryBoard Create(string path, int nodes) =>
        new(nodes, MemoryMappedFile.CreateFromFile(path, FileMode.CreateNew, null, Bytes(nodes), MemoryMappedFileAccess.ReadWrite));

    public static DeliveryBoard Open(string path, int nodes) =>
        new(nodes, MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, Bytes(nodes), MemoryMappedFileAccess.ReadWrite));

    /// <summary>A new file for a board: in /dev/shm on Linux (memory, no disk), else the temp folder.</summary>
    public static string NewPath() =>
        Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"actorcausal-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");

    private static long Bytes(int nodes) => (long)nodes * nodes * sizeof(long);

    public long Read(int receiver, int sender) => Volatile.Read(ref _counts[receiver * _nodes + sender]);

    /// <summary>Called by the receiver only (one writer per row).</summary>
    public void Increment(int receiver, int sender)
    {
        ref var count = ref _counts[receiver * _nodes + sender];
        Volatile.Write(ref count, count + 1);
    }

    public long Total()
    {
        long total = 0;
        for (var i = 0; i < _nodes * _nodes; i++) total += Volatile.Read(ref _counts[i]);
        return total;
    }

    /// <summary>Between runs, while no node delivers.</summary>
    public void Clear()
    {
        for (var i = 0; i < _nodes * _nodes; i++) Volatile.Write(ref _counts[i], 0);
    }

    public void Dispose()
    {
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _file?.Dispose();
        GC.KeepAlive(_pinned);
    }
}
