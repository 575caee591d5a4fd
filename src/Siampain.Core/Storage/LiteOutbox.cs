using LiteDB;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Siampain.Messaging;

namespace Siampain.Storage;

/// <summary>Sequence number, id and time given to an event when it enters the outbox.</summary>
public readonly record struct OutboxEnvelope(long Sequence, string EventId, DateTimeOffset CreatedAt);

public enum OutboxLevel
{
    Normal,
    NearLimit,
    OverLimit,
}

/// <summary>Backlog for the status topic and the alarm.</summary>
public sealed record OutboxStatus(long Pending, DateTimeOffset? OldestCreatedAt, OutboxLevel Level);

/// <summary>
/// The outbox as a LiteDB collection keyed by sequence number. Events are added inside the caller's
/// <see cref="SiampainDatabase.Write{T}"/>, so an attendance record and its event commit together or not at all.
/// </summary>
public sealed class LiteOutbox : IOutbox, IDisposable
{
    internal const string CollectionName = "outbox";
    internal const string MetaCollectionName = "meta";
    internal const string SequenceKey = "outbox.sequence";

    /// <summary>
    /// Acknowledged events are deleted in batches of this many, or <see cref="AckDelay"/> after the first of a
    /// batch: one commit per PUBACK would cap draining a long backlog at the disk's commit rate. A crash loses at
    /// most one batch of marks, which only means those events are sent again (consumers dedupe on event_id).
    /// </summary>
    internal const int AckBatch = 64;

    internal static readonly TimeSpan AckDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the age of the oldest event is looked up; counts are checked on every change.</summary>
    private static readonly TimeSpan AgeCheckInterval = TimeSpan.FromSeconds(1);

    private readonly SiampainDatabase _db;
    private readonly OutboxOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _ackLock = new();
    private readonly SortedSet<long> _acked = [];

    /// <summary>A copy of <see cref="_acked"/> for readers, which must not take the lock: a commit's callbacks read it.</summary>
    private volatile long[] _ackedSnapshot = [];
    private readonly ITimer _ackTimer;
    private TaskCompletionSource _enqueued = NewSignal();
    private long _pending;
    private OutboxLevel _lastLevel;
    private OutboxStatus? _lastStatus;
    private DateTimeOffset _lastAgeCheck;

    public LiteOutbox(SiampainDatabase db, OutboxOptions options, ILogger<LiteOutbox>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        _db = db;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _pending = Messages.LongCount();
        _lastLevel = GetStatus().Level;
        _ackTimer = db.Time.CreateTimer(_ => FlushAcknowledged(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        db.Reopened += () => Interlocked.Exchange(ref _pending, Messages.LongCount() - _ackedSnapshot.Length);
    }

    /// <summary>Raised when the backlog crosses into or out of "near limit" / "over limit", for the status and alarm.</summary>
    public event Action<OutboxStatus>? LevelChanged;

    public long PendingCount => Interlocked.Read(ref _pending);

    private ILiteCollection<OutboxDocument> Messages => _db.Collection<OutboxDocument>(CollectionName);

    /// <summary>
    /// Adds one event in the running transaction. The sequence counter is a document updated in the same
    /// transaction, so a rollback takes the number back and the sequence stays gap-free.
    /// </summary>
    /// <param name="payload">Builds the wire payload; it gets the sequence and id so both can be in the JSON.</param>
    public OutboxMessage Enqueue(string topic, Func<OutboxEnvelope, byte[]> payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentNullException.ThrowIfNull(payload);
        _db.EnsureInWrite();
        var meta = _db.Collection<MetaDocument>(MetaCollectionName);
        var counter = meta.FindById(SequenceKey) ?? new MetaDocument { Id = SequenceKey };
        counter.Value++;
        meta.Upsert(counter);

        var now = _db.Time.GetUtcNow();
        var envelope = new OutboxEnvelope(counter.Value, Guid.CreateVersion7(now).ToString("N"), now);
        var document = new OutboxDocument
        {
            Id = envelope.Sequence,
            EventId = envelope.EventId,
            Topic = topic,
            Payload = payload(envelope),
            CreatedAt = now,
        };
        Messages.Insert(document);
        _db.AfterCommit(() =>
        {
            Interlocked.Increment(ref _pending);
            Interlocked.Exchange(ref _enqueued, NewSignal()).TrySetResult();
            CheckLimits();
        });
        return document.ToMessage();
    }

    public IReadOnlyList<OutboxMessage> PeekPending(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var acked = _ackedSnapshot;
        return Messages.Find(Query.All("_id", Query.Ascending), limit: max + acked.Length)
            .Where(d => Array.BinarySearch(acked, d.Id) < 0)
            .Take(max)
            .Select(d => d.ToMessage())
            .ToList();
    }

    public void MarkSent(long sequence)
    {
        bool flushNow;
        lock (_ackLock)
        {
            if (_acked.Contains(sequence) || Messages.FindById(sequence) is null)
            {
                return;
            }

            _acked.Add(sequence);
            _ackedSnapshot = [.. _acked];
            var left = Interlocked.Decrement(ref _pending);

            // An empty backlog is written at once, so an idle terminal's outbox is empty on disk too.
            flushNow = _acked.Count >= AckBatch || left == 0;
            if (!flushNow && _acked.Count == 1)
            {
                _ackTimer.Change(AckDelay, Timeout.InfiniteTimeSpan);
            }
        }

        if (flushNow)
        {
            FlushAcknowledged();
        }

        CheckLimits();
    }

    /// <summary>Deletes the acknowledged events now (also done in batches, on a short timer, and on dispose).</summary>
    public void FlushAcknowledged()
    {
        lock (_ackLock)
        {
            if (_acked.Count == 0)
            {
                return;
            }

            try
            {
                // Not durable on purpose: a lost mark only causes a duplicate, and an fsync per batch is not needed.
                _db.Write(() =>
                {
                    foreach (var sequence in _acked)
                    {
                        Messages.Delete(sequence);
                    }
                }, durable: false);
                _acked.Clear();
                _ackedSnapshot = [];
                _ackTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
            catch (StorageException e)
            {
                // Kept in memory and retried with the next batch; the events stay hidden from PeekPending.
                Log.AckFlushFailed(_logger, _acked.Count, e);
                _ackTimer.Change(AckDelay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        _ackTimer.Dispose();
        FlushAcknowledged();
    }

    public async ValueTask WaitForPendingAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // Take the signal before looking at the count: an enqueue in between then completes this signal.
            var signal = Volatile.Read(ref _enqueued);
            if (PendingCount > 0)
            {
                return;
            }

            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public OutboxStatus GetStatus()
    {
        var acked = _ackedSnapshot;
        var pending = PendingCount;
        var oldest = pending > 0
            ? Messages.Find(Query.All("_id", Query.Ascending), limit: acked.Length + 1).FirstOrDefault(d => Array.BinarySearch(acked, d.Id) < 0)?.CreatedAt
            : null;
        var status = new OutboxStatus(pending, oldest, LevelOf(pending, oldest));
        _lastStatus = status;
        _lastAgeCheck = _db.Time.GetUtcNow();
        return status;
    }

    private OutboxLevel LevelOf(long pending, DateTimeOffset? oldest)
    {
        var age = oldest is { } o ? _db.Time.GetUtcNow() - o : TimeSpan.Zero;
        var share = Math.Max((double)pending / _options.MaxPending, age / TimeSpan.FromHours(_options.MaxAgeHours));
        return share >= 1 ? OutboxLevel.OverLimit
            : share * 100 >= _options.NearLimitPercent ? OutboxLevel.NearLimit
            : OutboxLevel.Normal;
    }

    private void CheckLimits()
    {
        // The age needs a look at the oldest event; once a second is plenty for a limit measured in hours.
        var status = _lastStatus is { } last && _db.Time.GetUtcNow() - _lastAgeCheck < AgeCheckInterval && PendingCount > 0
            ? last with { Pending = PendingCount, Level = LevelOf(PendingCount, last.OldestCreatedAt) }
            : GetStatus();

        // Only the level change is reported: a long outage would otherwise log once per event.
        if (status.Level == _lastLevel)
        {
            return;
        }

        _lastLevel = status.Level;
        LevelChanged?.Invoke(status);
        if (status.Level == OutboxLevel.NearLimit)
        {
            Log.OutboxNearLimit(_logger, status.Pending, _options.MaxPending, status.OldestCreatedAt ?? default);
        }
        else if (status.Level == OutboxLevel.OverLimit)
        {
            Log.OutboxOverLimit(_logger, status.Pending, _options.MaxPending);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>One pending event; _id is its sequence number so the primary index gives sequence order.</summary>
internal sealed class OutboxDocument
{
    public long Id { get; set; }

    public string EventId { get; set; } = "";

    public string Topic { get; set; } = "";

    public byte[] Payload { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public OutboxMessage ToMessage() => new(Id, EventId, Topic, Payload, CreatedAt);
}

/// <summary>A named counter kept in the database.</summary>
internal sealed class MetaDocument
{
    public string Id { get; set; } = "";

    public long Value { get; set; }
}
