namespace CollabEditor.Crdt;

/// <summary>An edit in Unicode code points: delete <see cref="Deleted"/> characters at <see cref="Position"/>, then
/// insert <see cref="Inserted"/> there.</summary>
public readonly record struct Patch(int Position, int Deleted, string Inserted);

/// <summary>A transaction, update or state the document refuses; the document is unchanged.</summary>
public sealed class EditRejectedException(string message) : Exception(message);
