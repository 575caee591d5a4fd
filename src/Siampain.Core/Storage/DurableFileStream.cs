namespace Siampain.Storage;

/// <summary>
/// A file stream whose <see cref="Flush"/> reaches the storage medium (fsync). LiteDB only calls plain Flush on
/// streams it did not open itself, and without this a committed transaction can still vanish in a power cut.
/// </summary>
public sealed class DurableFileStream : Stream
{
    private readonly FileStream _file;
    private long _flushCount;

    public DurableFileStream(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        // No OS-level read-ahead buffer: LiteDB writes whole 8 KiB pages at explicit positions.
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
    }

    public string Path { get; }

    /// <summary>How many times the stream reached the disk; lets tests see that commits are made durable.</summary>
    public long FlushCount => Interlocked.Read(ref _flushCount);

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => _file.Length;

    public override long Position
    {
        get => _file.Position;
        set => _file.Position = value;
    }

    public override void Flush()
    {
        _file.Flush(flushToDisk: true);
        Interlocked.Increment(ref _flushCount);
    }

    public override int Read(byte[] buffer, int offset, int count) => _file.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _file.Read(buffer);

    public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);

    public override void SetLength(long value) => _file.SetLength(value);

    public override void Write(byte[] buffer, int offset, int count) => _file.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _file.Write(buffer);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
