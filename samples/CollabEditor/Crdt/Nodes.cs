namespace CollabEditor.Crdt;

/// <summary>A node of the order-statistic B+tree over runs: its visible and total item counts.</summary>
internal abstract class Node
{
    public Inner? Parent;
    public int Vis;
    public int Tot;
}

internal sealed class Leaf : Node
{
    public const int Capacity = 64;
    public readonly Run[] Runs = new Run[Capacity];
    public int Count;
    public Leaf? Next;
    public readonly int Id;

    public Leaf(int id) => Id = id;

    public void Recount()
    {
        int vis = 0, tot = 0;
        for (var i = 0; i < Count; i++)
        {
            tot += Runs[i].Len;
            vis += Runs[i].Visible;
        }
        Vis = vis;
        Tot = tot;
    }
}

internal sealed class Inner : Node
{
    public const int Capacity = 64;
    public readonly Node[] Children = new Node[Capacity];
    public int Count;

    public void Recount()
    {
        int vis = 0, tot = 0;
        for (var i = 0; i < Count; i++)
        {
            vis += Children[i].Vis;
            tot += Children[i].Tot;
        }
        Vis = vis;
        Tot = tot;
    }

    public int IndexOf(Node child)
    {
        for (var i = 0; i < Count; i++)
            if (ReferenceEquals(Children[i], child)) return i;
        throw new InvalidOperationException("corrupt tree: child not under its parent");
    }
}
