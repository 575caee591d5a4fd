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

    /// <summary>How often the age limit is looked at when nothing is recorded or sent (an outage over a weekend).</summary>
    internal static readonly TimeSpan LimitCheckInterval = TimeSpan.FromMinutes(1);

    private readonly SiampainDatabase _db;
    private readonly OutboxOptions _options;
    private readonly ILogger _logger;
    private readonly SequenceReservation _reservation;
    private readonly Lock _levelLock = new();
    private readonly ITimer _limitTimer;
    private TaskCompletionSource _enqueued = NewSignal();
    private long _pending;
    private OutboxLevel _lastLevel;

    public LiteOutbox(SiampainDatabase db, OutboxOptions options, ILogger<LiteOutbox>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        _db = db;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _reservation = new SequenceReservation(SequenceReservation.PathFor(db.Path), _logger);
        if (db.Recovery is not null)
        {
            SkipPastPublishedSequences();
        }

        _pending = Messages.LongCount();
        _lastLevel = GetStatus().Level;
        db.Reopened += () => Interlocked.Exchange(ref _pending, Messages.LongCount());

        // Enqueue and MarkSent look at the limits, but the age of a stuck backlog grows while neither happens.
        _limitTimer = db.Time.CreateTimer(_ => CheckLimitsOnTimer(), null, LimitCheckInterval, LimitCheckInterval);
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
        _reservation.Cover(counter.Value);
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
        return _db.Read(() => Messages.Find(Query.All("_id", Query.Ascending), limit: max).Select(d => d.ToMessage()).ToList());
    }

    public void MarkSent(long sequence) => MarkSent([sequence]);

    public void MarkSent(IReadOnlyCollection<long> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);

        // Not durable on purpose: losing a "sent" mark in a power cut only causes a duplicate, which consumers
        // drop by event_id, and skipping the fsync keeps draining a long backlog fast.
        var deleted = _db.Write(() => sequences.Count(s => Messages.Delete(s)), durable: false);
        if (deleted > 0)
        {
            Interlocked.Add(ref _pending, -deleted);
            CheckLimits();
        }
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
        var pending = PendingCount;
        var oldest = pending > 0 ? _db.Read(() => Messages.FindOne(Query.All("_id", Query.Ascending))?.CreatedAt) : null;
        var age = oldest is { } o ? _db.Time.GetUtcNow() - o : TimeSpan.Zero;
        var countShare = (double)pending / _options.MaxPending;
        var ageShare = age / TimeSpan.FromHours(_options.MaxAgeHours);
        var share = Math.Max(countShare, ageShare);
        var level = share >= 1 ? OutboxLevel.OverLimit
            : share * 100 >= _options.NearLimitPercent ? OutboxLevel.NearLimit
            : OutboxLevel.Normal;
        return new OutboxStatus(pending, oldest, level);
    }

    /// <summary>
    /// After a damaged database was salvaged, the counter may be older than numbers already published (or gone):
    /// continue after the highest number that may have been used.
    /// </summary>
    private void SkipPastPublishedSequences()
    {
        var meta = _db.Collection<MetaDocument>(MetaCollectionName);
        var recovered = meta.FindById(SequenceKey)?.Value ?? 0;
        var highestPending = Messages.FindOne(Query.All("_id", Query.Descending))?.Id ?? 0;
        var floor = Math.Max(Math.Max(recovered, highestPending), _reservation.Reserved);
        if (floor > recovered)
        {
            _db.Write(() => meta.Upsert(new MetaDocument { Id = SequenceKey, Value = floor }));
            Log.SequenceSkipped(_logger, recovered, floor + 1);
        }
    }

    public void Dispose() => _limitTimer.Dispose();

    private void CheckLimitsOnTimer()
    {
        try
        {
            CheckLimits();
        }
        catch (Exception e) when (e is StorageException or LiteException or IOException or ObjectDisposedException)
        {
            // The database is being reopened or closed; the next tick looks again.
        }
    }

    private void CheckLimits()
    {
        // Only the level change is logged: a long outage would otherwise log once per event. The lock keeps the
        // timer and a writer from announcing two changes out of order.
        lock (_levelLock)
        {
            var status = GetStatus();
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
