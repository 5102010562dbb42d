namespace ActorCausal.Simulation.Checking.Checks;

/// <summary>Which of positions 1..n are marked, and the length of the marked prefix.</summary>
internal sealed class Prefix(int positions)
{
    private readonly bool[] _marked = new bool[positions + 2];

    public int Length { get; private set; }

    public void Mark(int position)
    {
        _marked[position] = true;
        while (_marked[Length + 1]) Length++;
    }
}
