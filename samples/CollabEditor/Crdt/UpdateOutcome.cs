namespace CollabEditor.Crdt;

/// <summary>What <see cref="TextDocument.TryApplyUpdate"/> did with an update.</summary>
public enum UpdateOutcome
{
    /// <summary>Integrated.</summary>
    Applied,

    /// <summary>Already integrated here; nothing changed.</summary>
    Duplicate,

    /// <summary>Its causal past is not here yet; nothing changed.</summary>
    Waiting,
}

/// <summary>
/// Why an update waits: transaction <see cref="Txn"/> of <see cref="Author"/> needs either its author's earlier
/// transactions (<see cref="Agent"/> is -1 and <see cref="Needed"/> is how many this replica has) or item
/// (<see cref="AgentName"/>, <see cref="Needed"/>) that this replica has not seen.
/// </summary>
public readonly record struct MissingPast(string Author, int Txn, int Agent, int Needed)
{
    public string? AgentName { get; init; }

    public string Describe() => Agent < 0
        ? $"update is transaction {Txn} of '{Author}' but this replica has only {Needed}: its causal past is missing"
        : $"update names item ({AgentName}, {Needed}) that this replica has not seen: its causal past is missing";
}
