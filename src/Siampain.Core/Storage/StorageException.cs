namespace Siampain.Storage;

/// <summary>The database could not be opened or written; the message names the file and what to do.</summary>
public sealed class StorageException : Exception
{
    /// <summary>errno ENOSPC on Linux, carried in IOException.HResult by .NET.</summary>
    internal const int DiskFullErrno = 28;

    public StorageException()
    {
    }

    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StorageException(string path, string problem, Exception? innerException, bool diskFull)
        : base($"{path}: {problem}", innerException)
    {
        Path = path;
        IsDiskFull = diskFull;
    }

    public string? Path { get; }

    /// <summary>The write failed because the file system is full; nothing committed before was lost.</summary>
    public bool IsDiskFull { get; }

    internal static bool IsDiskFullError(Exception e) =>
        e is IOException io && ((io.HResult & 0xFFFF) == DiskFullErrno || io.HResult == unchecked((int)0x80070070));
}
