using System.Runtime.ExceptionServices;

namespace Siampain.Storage;

/// <summary>
/// The stream LiteDB gets for the data file and for its log. Two things LiteDB does not do by itself:
/// <list type="bullet">
/// <item><see cref="Flush"/> reaches the storage medium (fsync); LiteDB only calls plain Flush on streams it did
/// not open, and without this a committed transaction can still vanish in a power cut.</item>
/// <item>A failed write (a full disk) is remembered and reported by the next <see cref="Flush"/>, <see cref="Read(byte[], int, int)"/>
/// or <see cref="SetLength"/> instead of being thrown at once. LiteDB's background log writer, when a write
/// throws, closes the engine without ever telling threads that wait for its queue (a checkpoint would hang forever);
/// it does finish its queue, then flushes, and that is where the error now surfaces. Every write after the first
/// failure is skipped, so nothing written later can make a half-written transaction look complete.</item>
/// </list>
/// </summary>
internal sealed class DurableFileStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _dropWrites;
    private ExceptionDispatchInfo? _failure;
    private long _flushCount;

    /// <param name="inner">The file; tests pass one that fails like a full disk.</param>
    /// <param name="dropWrites">
    /// For looking at a file that may be damaged: LiteDB writes while opening and closing (log replay, a mark on a
    /// file it found broken), and a damaged file must be kept exactly as it was found.
    /// </param>
    internal DurableFileStream(Stream inner, bool dropWrites = false)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _dropWrites = dropWrites;
    }

    /// <summary>How many times the stream reached the disk; lets tests see that commits are made durable.</summary>
    public long FlushCount => Interlocked.Read(ref _flushCount);

    /// <summary>The first write error, if any; the stream refuses all further work after it.</summary>
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
        ThrowIfFailed();
        if (_dropWrites)
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
