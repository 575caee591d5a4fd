namespace Siampain.Gpio;

/// <summary>What the door tells the person in front of it.</summary>
public enum DoorSignalKind
{
    Recognised,
    Late,
    Unknown,
    Error,
    Exit,
}

/// <summary>
/// The door indicator. A signal starts at once and plays in the background; a newer signal pre-empts a running
/// one, so callers never wait for a pattern to finish.
/// </summary>
public interface IDoorSignal
{
    ValueTask SignalAsync(DoorSignalKind kind, CancellationToken cancellationToken);

    /// <summary>
    /// Same as <see cref="SignalAsync(DoorSignalKind, CancellationToken)"/>; <paramref name="subject"/> (a name) is
    /// shown only by indicators that display text. The door hardware has no display and ignores it.
    /// </summary>
    ValueTask SignalAsync(DoorSignalKind kind, string? subject, CancellationToken cancellationToken) => SignalAsync(kind, cancellationToken);
}
