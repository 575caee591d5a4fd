using Microsoft.Extensions.Logging;

namespace Siampain.Storage;

internal static partial class Log
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Opened database {Path}")]
    public static partial void Opened(ILogger logger, string path);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error,
        Message = "Database {Path} is damaged ({Problem}); kept it as {SetAside} and started a new file")]
    public static partial void Damaged(ILogger logger, string path, string problem, string setAside);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "Recovered {Documents} documents from the damaged database into {Path}; {Lost} collections were read only in part")]
    public static partial void Recovered(ILogger logger, string path, int documents, int lost);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Database {Path}: the disk is full; the last write was not saved")]
    public static partial void DiskFull(ILogger logger, string path);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Database {Path}: a write failed; reopening the file")]
    public static partial void WriteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning,
        Message = "Database {Path}: checkpoint failed, the commit was made durable in the log instead")]
    public static partial void CheckpointFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning,
        Message = "Outbox is near its limit: {Pending} events pending (limit {Limit}), oldest from {Oldest:o}")]
    public static partial void OutboxNearLimit(ILogger logger, long pending, int limit, DateTimeOffset oldest);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error,
        Message = "Outbox is over its limit: {Pending} events pending (limit {Limit}); events are kept, none dropped")]
    public static partial void OutboxOverLimit(ILogger logger, long pending, int limit);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Database {Path}: closing after a failure raised an error too")]
    public static partial void CloseFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning,
        Message = "Outbox sequence continues at {Next} after the database was recovered (the recovered counter said {Recovered}); numbers in between are skipped, none is reused")]
    public static partial void SequenceSkipped(ILogger logger, long recovered, long next);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning,
        Message = "Outbox sequence reservation {Path} is unreadable ({Problem}); it is rewritten with the next event")]
    public static partial void SequenceReservationUnreadable(ILogger logger, string path, string problem);
}
