using System.Reflection;

namespace Siampain.Messaging;

/// <summary>What other stages report about the terminal; the publisher puts it in the retained status.</summary>
public sealed record TerminalFacts
{
    public string? Model { get; init; }

    public double? Fps { get; init; }

    public string? LastPerson { get; init; }

    public int PeoplePresent { get; init; }

    /// <summary>Set by the outbox's owner when it nears its size or age limit.</summary>
    public bool OutboxAlarm { get; init; }

    /// <summary>The latest error any stage wants a dashboard to see.</summary>
    public string? LastError { get; init; }
}

/// <summary>
/// Thread-safe holder of <see cref="TerminalFacts"/>: stages update it from their own threads, the MQTT publisher
/// reads a snapshot and is told that something changed.
/// </summary>
public sealed class StatusBoard
{
    private TerminalFacts _facts = new();

    public static string SoftwareVersion { get; } =
        typeof(StatusBoard).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public TerminalFacts Current => Volatile.Read(ref _facts);

    /// <summary>Raised after every update; handlers must be quick (the publisher only sets a flag).</summary>
    public event Action? Changed;

    public void Update(Func<TerminalFacts, TerminalFacts> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        TerminalFacts seen, next;
        do
        {
            seen = Volatile.Read(ref _facts);
            next = change(seen);
        }
        while (!ReferenceEquals(Interlocked.CompareExchange(ref _facts, next, seen), seen));

        Changed?.Invoke();
    }
}
