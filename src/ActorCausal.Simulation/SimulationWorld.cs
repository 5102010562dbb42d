using ActorCausal.Protocol;
using ActorCausal.Protocol.Membership;
using ActorCausal.Simulation.Checking;
using ActorCausal.Simulation.Network;

namespace ActorCausal.Simulation;

/// <summary>
/// The state one schedule shares between its event loop (<see cref="Simulator"/>) and its membership oracle
/// (<see cref="MembershipOracle"/>): the members in their slots, what each recorded, the network, virtual time, the event
/// queue and the trace hash.
/// </summary>
/// <remarks>
/// Members live in slots: the founding members are slots 0..<see cref="Founders"/>-1 (m0..), joiners, restarted and
/// merged incarnations get new slots.
/// </remarks>
internal sealed class SimulationWorld(SimulationOptions options, ulong seed, GroupMemberSettings settings, int founders, SimulatedNetwork net)
{
    private readonly PriorityQueue<SimEvent, (long Time, long Seq)> _queue = new();
    private long _counter;

    public SimulationOptions Options { get; } = options;
    public ulong Seed { get; } = seed;
    public GroupMemberSettings Settings { get; } = settings;
    /// <summary>The members the schedule starts with (the planned broadcasters).</summary>
    public int Founders { get; } = founders;
    public SimulatedNetwork Net { get; } = net;

    public List<MemberId> Ids { get; } = new();
    public List<ISimulatedMember> Members { get; } = new();
    public List<SlotState> Slots { get; } = new();
    public Dictionary<MemberId, int> SlotOf { get; } = new();
    public List<List<HistoryEvent>> History { get; } = new();
    public List<HashSet<MessageId>> DeliveredSet { get; } = new();
    /// <summary>The simulated application state: the ids it reflects, in order (a loaded snapshot's, then deliveries).</summary>
    public List<List<MessageId>> DeliveredList { get; } = new();

    public long Now { get; set; }
    /// <summary>The slot whose input is being processed (-1: none), named when the protocol throws.</summary>
    public int Current { get; set; } = -1;
    public ulong Trace { get; private set; } = 14695981039346656037UL;

    public int Accepted { get; set; }
    public long LastBroadcastMs { get; set; }
    public int HeldBroadcasts { get; set; }
    /// <summary>Broadcasts the workload did not plan (numbered for their payloads).</summary>
    public int ExtraBroadcasts { get; set; }

    /// <summary>Puts <paramref name="member"/> in a new slot, in <paramref name="view"/> or (null) joining. Returns the slot.</summary>
    public int AddSlot(MemberId id, ISimulatedMember member, GroupView? view)
    {
        if (SlotOf.ContainsKey(id)) throw new InvalidOperationException($"Member {id} exists already.");
        var slot = Members.Count;
        Ids.Add(id);
        Members.Add(member);
        SlotOf[id] = slot;
        History.Add(new List<HistoryEvent>());
        DeliveredSet.Add(new HashSet<MessageId>());
        DeliveredList.Add(new List<MessageId>());
        var state = new SlotState { Joining = view is null, CreatedAt = Now };
        Slots.Add(state);
        if (view is not null) SetView(slot, view);
        Net.AddSlot(slot);
        return slot;
    }

    public void SetView(int slot, GroupView view)
    {
        var s = Slots[slot];
        s.View = view;
        var recipients = new int[view.Size];
        for (var k = 0; k < view.Size; k++) recipients[k] = SlotOf.TryGetValue(view.Members[k], out var j) ? j : -1;
        s.ViewSlots = recipients;
    }

    public void Schedule(long time, SimEvent e) => _queue.Enqueue(e, (time, _counter++));

    public bool TryDequeue(out SimEvent e, out long time)
    {
        var found = _queue.TryDequeue(out e, out var key);
        time = key.Time;
        return found;
    }

    public void Hash(ulong value)
    {
        // FNV-1a over the 8 bytes of value.
        var h = Trace;
        for (var b = 0; b < 8; b++)
        {
            h ^= (value >> (8 * b)) & 0xFF;
            h *= 1099511628211UL;
        }
        Trace = h;
    }

    public void HashId(MessageId id)
    {
        Hash((ulong)id.ViewId);
        Hash((ulong)id.Sender);
        Hash((ulong)id.Sequence);
    }
}
