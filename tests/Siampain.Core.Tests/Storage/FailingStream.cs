namespace Siampain.Tests.Storage;

/// <summary>The disk the streams of one test share: full now, or full after a number of writes.</summary>
internal sealed class FakeDisk
{
    private volatile bool _full;
    private int _writesLeft = int.MaxValue;

    public bool Full
    {
        get => _full;
        set => _full = value;
    }

    /// <summary>Writes that still fit; the disk is full from the next one on.</summary>
    public int WritesLeft
    {
        set => Volatile.Write(ref _writesLeft, value);
    }

    public bool TakeWrite() => !_full && Interlocked.Decrement(ref _writesLeft) >= 0;
}

/// <summary>A file stream that fails writes like a full disk (ENOSPC) while its disk is full.</summary>
internal sealed class FailingStream(Stream inner, FakeDisk disk) : Stream
{
    private const int NoSpaceLeftOnDevice = 28;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value)
    {
        if (disk.Full && value > inner.Length)
        {
            throw new IOException("No space left on device", NoSpaceLeftOnDevice);
        }

        inner.SetLength(value);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (!disk.TakeWrite())
        {
            throw new IOException("No space left on device", NoSpaceLeftOnDevice);
        }

        inner.Write(buffer, offset, count);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
