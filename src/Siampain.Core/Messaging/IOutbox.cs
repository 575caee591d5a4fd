namespace Siampain.Messaging;

/// <summary>
/// Events waiting for the broker, persisted before the door signal. The relay reads them in sequence order and
/// marks them sent only after the broker acknowledged them (at-least-once; consumers dedupe on EventId).
/// </summary>
public interface IOutbox
{
    /// <summary>Up to <paramref name="max"/> unsent messages, lowest sequence first.</summary>
    IReadOnlyList<OutboxMessage> PeekPending(int max);

    /// <summary>Marks one message as acknowledged by the broker.</summary>
    void MarkSent(long sequence);

    /// <summary>
    /// Marks several acknowledged messages at once; a durable outbox does it in one transaction, which is what
    /// lets a long backlog drain fast.
    /// </summary>
    void MarkSent(IReadOnlyCollection<long> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        foreach (var sequence in sequences)
        {
            MarkSent(sequence);
        }
    }

    /// <summary>How many messages are not yet acknowledged.</summary>
    long PendingCount { get; }

    /// <summary>Completes when at least one message is pending (immediately if some already are).</summary>
    ValueTask WaitForPendingAsync(CancellationToken cancellationToken);
}

/// <summary>One event as it will go on the wire. Sequence is per device, gap-free and increasing.</summary>
public sealed record OutboxMessage(long Sequence, string EventId, string Topic, byte[] Payload, DateTimeOffset CreatedAt);
