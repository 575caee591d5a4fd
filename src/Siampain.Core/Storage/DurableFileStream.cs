using System.Runtime.ExceptionServices;

namespace Siampain.Storage;

/// <summary>
/// The stream LiteDB gets for the data file and for its log. Two things LiteDB does not do by itself:
/// <list type="bullet">
/// <item><see cref="Flush"/> reaches the storage medium (fsync); LiteDB only calls plain Flush on streams it did
/// not open, and without this a committed transaction can still vanish in a power cut.</item>
/// <item>A failed write (a full disk) is never thrown on LiteDB's background log writer. When that thread throws,
/// LiteDB closes the engine from inside it, waits for itself, and leaves every thread that waits for its queue
/// (a checkpoint) blocked forever. So a failed write is remembered, every later write is skipped (nothing written
/// after it can make a half-written transaction look complete), and the error is thrown by the next read or length
/// change, which happen on the caller's thread: the checkpoint that makes a commit durable reads the log back.
/// The data file is only flushed from the caller's thread, so its <see cref="Flush"/> reports the failure too.</item>
/// </list>
/// </summary>
internal sealed class DurableFileStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _dropWrites;
    private readonly bool _failOnFlush;
    private ExceptionDispatchInfo? _failure;
    private long _flushCount;

    /// <param name="inner">The file; tests pass one that fails like a full disk.</param>
    /// <param name="failOnFlush">False for the log, which LiteDB's background writer flushes.</param>
    /// <param name="dropWrites">
    /// For looking at a file that may be damaged: LiteDB writes while opening and closing (log replay, a mark on a
    /// file it found broken), and a damaged file must be kept exactly as it was found.
    /// </param>
    internal DurableFileStream(Stream inner, bool failOnFlush, bool dropWrites = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _failOnFlush = failOnFlush;
        _dropWrites = dropWrites;
    }

    /// <summary>How many times the stream reached the disk; lets tests see that commits are made durable.</summary>
    public long FlushCount => Interlocked.Read(ref _flushCount);

    /// <summary>The first write error, if any; the stream writes nothing more after it.</summary>
    public Exception? Failure => Volatile.Read(ref _failure)?.SourceException;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => _inner.Position = value;
    }

    public override void Flush()
    {
        if (_failOnFlush)
        {
            ThrowIfFailed();
        }

        if (_dropWrites || Failure is not null)
        {
            return;
        }

        if (_inner is FileStream file)
        {
            file.Flush(flushToDisk: true);
        }
        else
        {
            _inner.Flush();
        }

        Interlocked.Increment(ref _flushCount);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ThrowIfFailed();
        return _inner.Read(buffer, offset, count);
    }

    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

    public override void SetLength(long value)
    {
        ThrowIfFailed();
        if (_dropWrites)
        {
            return;
        }

        try
        {
            _inner.SetLength(value);
        }
        catch (IOException e)
        {
            Fail(e);
            throw;
        }
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (_failure is not null || _dropWrites)
        {
            return;
        }

        try
        {
            _inner.Write(buffer, offset, count);
        }
        catch (IOException e)
        {
            Fail(e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Fail(IOException e) => Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);

    private void ThrowIfFailed() => Volatile.Read(ref _failure)?.Throw();
}
