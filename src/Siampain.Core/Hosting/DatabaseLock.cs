using Siampain.Storage;

namespace Siampain.Hosting;

/// <summary>
/// Keeps two Siampain processes (the service and `enroll`, say) from opening one database at once: on Linux the
/// database's own file sharing does not stop a second writer, and two LiteDB engines on one file corrupt it. An
/// exclusive lock on "&lt;database&gt;.lock", held for the life of the process; the kernel releases it if the process dies.
/// </summary>
public sealed class DatabaseLock : IDisposable
{
    private readonly FileStream _file;

    private DatabaseLock(FileStream file) => _file = file;

    public static string LockPathOf(string databasePath) => Path.GetFullPath(databasePath) + ".lock";

    /// <exception cref="StorageException">Another process holds the database, or the lock file cannot be created.</exception>
    public static DatabaseLock Acquire(string databasePath) =>
        TryAcquire(databasePath) ?? throw new StorageException(Path.GetFullPath(databasePath),
            "is in use by another Siampain process (the terminal service?): stop it first (systemctl stop siampain)", null, diskFull: false);

    /// <summary>The lock, or null while another process holds it.</summary>
    /// <exception cref="StorageException">The lock file cannot be created (folder missing and not creatable, read-only, disk full).</exception>
    public static DatabaseLock? TryAcquire(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var path = LockPathOf(databasePath);
        var folder = Path.GetDirectoryName(path)!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(folder, $"cannot create the database folder: {e.Message}", e, StorageException.IsDiskFullError(e));
        }

        try
        {
            return new DatabaseLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (File.Exists(path) && !StorageException.IsDiskFullError(e))
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException(path, $"cannot create the database's lock file: {e.Message}", e, StorageException.IsDiskFullError(e));
        }
    }

    public void Dispose() => _file.Dispose();
}
