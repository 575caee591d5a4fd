using Siampain.Messaging;

namespace Siampain.Tests.Messaging;

/// <summary>
/// The outbox contract kept in memory, for relay tests until the LiteDB outbox is merged.
/// Sequences start at 1 and never repeat, like the durable one.
/// </summary>
internal sealed class InMemoryOutbox : IOutbox
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, OutboxMessage> _pending = [];
    private long _next = 1;
    private TaskCompletionSource _added = NewSignal();

    public long PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Records an attendance event the way the attendance stage will: seq = the outbox sequence.</summary>
    public OutboxMessage AddEvent(MqttTopics topics, string person, string status = AttendanceStatuses.Present)
    {
        TaskCompletionSource added;
        OutboxMessage message;
        lock (_lock)
        {
            var seq = _next++;
            var value = new AttendanceEvent
            {
                EventId = Guid.NewGuid().ToString("N"),
                Seq = seq,
                Time = DateTimeOffset.UtcNow,
                Device = topics.DeviceId,
                Course = "CS101",
                Session = "2026-11-24T08:00",
                Person = person,
                Status = status,
                Confidence = 0.93,
            };
            message = new OutboxMessage(seq, value.EventId, topics.Events, MessagePayloads.Serialize(value), value.Time);
            _pending.Add(seq, message);
            added = _added;
            _added = NewSignal();
        }

        added.TrySetResult();
        return message;
    }

    public IReadOnlyList<OutboxMessage> PeekPending(int max)
    {
        lock (_lock)
        {
            return [.. _pending.Values.Take(max)];
        }
    }

    public void MarkSent(long sequence)
    {
        lock (_lock)
        {
            _pending.Remove(sequence);
        }
    }

    public async ValueTask WaitForPendingAsync(CancellationToken cancellationToken)
    {
        Task added;
        lock (_lock)
        {
            if (_pending.Count > 0)
            {
                return;
            }

            added = _added.Task;
        }

        await added.WaitAsync(cancellationToken);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
