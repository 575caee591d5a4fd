using LiteDB;
using LiteDB.Engine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Siampain.Storage;

/// <summary>
/// The one LiteDB database of the process (Direct mode: this process owns the file). Every write goes through
/// <see cref="Write{T}"/>, one transaction at a time; a durable write returns only once its data is on the disk.
/// </summary>
public sealed class SiampainDatabase : IDisposable
{
    internal const int PageSize = 8192;

    private readonly Lock _writeLock = new();
    private readonly Func<string, Stream> _openFile;
    private readonly ILogger _logger;
    private readonly int _checkpointPages;
    private readonly ITimer _checkpointTimer;
    private readonly List<Action> _afterCommit = [];
    private volatile OpenedDatabase? _open;
    private bool _inWrite;

    public SiampainDatabase(StorageOptions options, TimeProvider time, ILogger<SiampainDatabase>? logger = null)
        : this(options, time, logger, path => new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0))
    {
    }

    /// <param name="openFile">Opens the data and log files; tests pass a stream that fails like a full disk.</param>
    internal SiampainDatabase(StorageOptions options, TimeProvider time, ILogger? logger, Func<string, Stream> openFile)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Time = time;
        Path = System.IO.Path.GetFullPath(options.Path);
        _openFile = openFile;
        _logger = logger ?? NullLogger.Instance;
        _checkpointPages = options.CheckpointPages;
        Mapper = CreateMapper();
        Recovery = OpenOrRecover();
        var interval = TimeSpan.FromSeconds(options.CheckpointSeconds);
        _checkpointTimer = time.CreateTimer(_ => TryCheckpoint(), null, interval, interval);
    }

    public string Path { get; }

    public string LogPath => LogPathOf(Path);

    public TimeProvider Time { get; }

    /// <summary>
    /// Raised after the database was closed and opened again following a failed write; what it holds may differ
    /// from what the failed call assumed (a commit whose durability step failed is replayed from the log).
    /// </summary>
    public event Action? Reopened;

    /// <summary>What was found and done at start if the file was damaged; null when it opened cleanly.</summary>
    public RecoveryReport? Recovery { get; }

    internal BsonMapper Mapper { get; }

    /// <summary>The data file's stream, for tests that count flushes.</summary>
    internal DurableFileStream? DataStream => _open?.Data;

    private LiteDatabase Db => _open?.Db ?? throw new StorageException(Path, "is not open: an earlier write failed and it could not be reopened", null, false);

    public static string LogPathOf(string path) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path) ?? ".",
            System.IO.Path.GetFileNameWithoutExtension(path) + "-log" + System.IO.Path.GetExtension(path));

    /// <summary>A collection for reading, or for writing inside <see cref="Write{T}"/>. Do not keep it: a reopen replaces it.</summary>
    public ILiteCollection<T> Collection<T>(string name) => Db.GetCollection<T>(name);

    /// <summary>
    /// Runs a query that other threads make while the terminal writes (the relay, the status timer), under the
    /// write lock. LiteDB 5 allows a reader beside a writer, but under that concurrency it was seen to trip its own
    /// page checks ("discarded page must be writable") and close the engine for everyone; these reads are small,
    /// so taking turns costs nothing measurable. <paramref name="query"/> must materialise its result.
    /// </summary>
    public T Read<T>(Func<T> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        lock (_writeLock)
        {
            return query();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction. With <paramref name="durable"/> the call returns after the
    /// committed pages reached the disk, so a power cut afterwards cannot lose them.
    /// </summary>
    /// <exception cref="StorageException">The write failed (e.g. disk full); it was rolled back, nothing earlier is lost.</exception>
    public T Write<T>(Func<T> work, bool durable = true)
    {
        ArgumentNullException.ThrowIfNull(work);
        Action[] committed;
        T result;
        lock (_writeLock)
        {
            if (_inWrite)
            {
                throw new InvalidOperationException("A database write is already running on this thread; nest the work instead.");
            }

            var db = _open?.Db ?? Reopen();
            _inWrite = true;
            try
            {
                db.BeginTrans();
                result = work();
                db.Commit();
                if (durable)
                {
                    MakeDurable(db);
                }

                // A failed write may also have been noticed by now without an exception reaching this thread.
                if (StreamFailure() is { } failure)
                {
                    throw failure;
                }
            }
            catch (Exception e)
            {
                _afterCommit.Clear();
                TryRollback(db);
                // 999 = LiteDB found its own file in an impossible state; other LiteExceptions (duplicate key, ...)
                // belong to the caller and leave the engine usable.
                if (StreamFailure() is { } failure)
                {
                    throw Failed(failure);
                }

                // LiteDB also closes its engine by itself after an error on its writer thread; the next call on it
                // then finds its locks disposed. That is the same failure seen late: reopen from the files.
                if (e is IOException or ObjectDisposedException or LiteException { ErrorCode: 999 })
                {
                    throw Failed(e);
                }

                throw;
            }
            finally
            {
                _inWrite = false;
            }

            committed = [.. _afterCommit];
            _afterCommit.Clear();
        }

        // Outside the lock: the callbacks signal other components, which may read (or write) the database.
        foreach (var action in committed)
        {
            action();
        }

        return result;
    }

    public void Write(Action work, bool durable = true)
    {
        ArgumentNullException.ThrowIfNull(work);
        Write(() =>
        {
            work();
            return true;
        }, durable);
    }

    /// <summary>Runs <paramref name="action"/> after the current write committed; signals must not fire for a rollback.</summary>
    internal void AfterCommit(Action action)
    {
        EnsureInWrite();
        _afterCommit.Add(action);
    }

    internal void EnsureInWrite()
    {
        if (!_inWrite || !_writeLock.IsHeldByCurrentThread)
        {
            throw new InvalidOperationException("This must run inside SiampainDatabase.Write, in the transaction it belongs to.");
        }
    }

    /// <summary>Copies the log into the data file now (also done on a timer and by size).</summary>
    public void Checkpoint()
    {
        lock (_writeLock)
        {
            Db.Checkpoint();
        }
    }

    public void Dispose()
    {
        _checkpointTimer.Dispose();
        lock (_writeLock)
        {
            _open?.Dispose();
            _open = null;
        }
    }

    private void TryCheckpoint()
    {
        try
        {
            Checkpoint();
        }
        catch (Exception e) when (e is IOException or LiteException or StorageException)
        {
            Log.CheckpointFailed(_logger, Path, e);
        }
    }

    private void MakeDurable(LiteDatabase db)
    {
        // Commit only queues the pages for LiteDB's writer thread. Checkpoint waits for that queue, copies the pages
        // into the data file and flushes it, which with DurableFileStream is an fsync.
        try
        {
            db.Checkpoint();
        }
        catch (IOException e) when (_open?.Log.Failure is null)
        {
            // The data file could not take the pages, but the log writer had finished before the copy began: the
            // committed pages are in the log, and one flush of it makes them durable there. The engine is reopened
            // so that it forgets the failed data stream; the log is replayed at open.
            Log.CheckpointFailed(_logger, Path, e);
            _open?.Log.Flush();
            CloseQuietly();
            TryReopen();
        }
    }

    private Exception? StreamFailure() => _open?.Log.Failure ?? _open?.Data.Failure;

    private void TryReopen()
    {
        try
        {
            OpenOrRecover();
            Reopened?.Invoke();
        }
        catch (Exception e) when (e is IOException or LiteException or StorageException)
        {
            // Write reopens on its next call; until then reads say the database is not open.
            Log.WriteFailed(_logger, Path, e);
        }
    }

    private StorageException Failed(Exception e)
    {
        var diskFull = StorageException.IsDiskFullError(e) || StorageException.IsDiskFullError(e.InnerException ?? e);
        if (diskFull)
        {
            Log.DiskFull(_logger, Path);
        }
        else
        {
            Log.WriteFailed(_logger, Path, e);
        }

        // After an I/O error LiteDB closes its engine; reopening from the files brings back every committed
        // transaction and drops the one that failed.
        CloseQuietly();
        TryReopen();
        var problem = diskFull
            ? "the disk is full: the last write was not saved (earlier records are safe); free space on this file system"
            : $"a write failed ({e.Message}); it was not saved, earlier records are safe";
        return new StorageException(Path, problem, e, diskFull);
    }

    private LiteDatabase Reopen()
    {
        OpenOrRecover();
        Reopened?.Invoke();
        return Db;
    }

    private void CloseQuietly()
    {
        try
        {
            _open?.Dispose();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The engine may already have closed itself after the failure; what is on disk is what counts.
            Log.CloseFailed(_logger, Path, e);
        }

        _open = null;
    }

    private static void TryRollback(LiteDatabase db)
    {
        try
        {
            db.Rollback();
        }
        catch (Exception e) when (e is IOException or LiteException or ObjectDisposedException)
        {
            // A closed engine has nothing left to roll back.
        }
    }

    private RecoveryReport? OpenOrRecover()
    {
        var directory = System.IO.Path.GetDirectoryName(Path) ?? ".";
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(directory, $"cannot create the database folder: {e.Message}", e, StorageException.IsDiskFullError(e));
        }

        var problem = DatabaseRecovery.FindDamage(Path, LogPath, (data, log) => OpenLite(data, log, dropWrites: true));
        RecoveryReport? report = null;
        if (problem is not null)
        {
            report = DatabaseRecovery.Recover(Path, LogPath, problem, Time.GetUtcNow(), (data, log) => OpenLite(data, log));
            Log.Damaged(_logger, Path, problem, report.SetAsidePath);
            Log.Recovered(_logger, Path, report.RecoveredDocuments, report.PartialCollections.Count);
        }

        _open = OpenLite(Path, LogPath);
        Log.Opened(_logger, Path);
        return report;
    }

    /// <summary>Opens a LiteDB engine on durable streams over the two files.</summary>
    private OpenedDatabase OpenLite(string dataPath, string logPath, bool dropWrites = false)
    {
        DurableFileStream? data = null;
        DurableFileStream? log = null;
        try
        {
            data = new DurableFileStream(_openFile(dataPath), failOnFlush: true, dropWrites);
            log = new DurableFileStream(_openFile(logPath), failOnFlush: false, dropWrites);
            var engine = new LiteEngine(new EngineSettings
            {
                DataStream = data,
                LogStream = log,
                // Sorts spill here; on the board they are small, and a temp file would be one more file to lose.
                TempStream = new MemoryStream(),
            });
            engine.Pragma("CHECKPOINT", _checkpointPages);
            return new OpenedDatabase(new LiteDatabase(engine, Mapper, disposeOnClose: true), data, log);
        }
        catch (Exception e)
        {
            data?.Dispose();
            log?.Dispose();
            if (e is UnauthorizedAccessException || (e is IOException && e is not EndOfStreamException && data is null))
            {
                throw new StorageException(dataPath, $"cannot open the database file: {e.Message}", e, StorageException.IsDiskFullError(e));
            }

            throw;
        }
    }

    private static BsonMapper CreateMapper()
    {
        var mapper = new BsonMapper { EnumAsInteger = false, TrimWhitespace = false, EmptyStringToNull = false };
        mapper.RegisterType(
            (TimeOnly t) => new BsonValue(t.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)),
            b => TimeOnly.ParseExact(b.AsString, "HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        mapper.RegisterType(
            (DateOnly d) => new BsonValue(d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            b => DateOnly.ParseExact(b.AsString, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        return mapper;
    }
}

/// <summary>A LiteDB database and its two streams, which LiteDB never closes itself when it is given streams.</summary>
internal sealed class OpenedDatabase(LiteDatabase db, DurableFileStream data, DurableFileStream log) : IDisposable
{
    public LiteDatabase Db => db;

    public DurableFileStream Data => data;

    public DurableFileStream Log => log;

    public void Dispose()
    {
        try
        {
            db.Dispose();
        }
        finally
        {
            data.Dispose();
            log.Dispose();
        }
    }
}
