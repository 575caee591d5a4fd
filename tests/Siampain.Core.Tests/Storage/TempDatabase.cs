using Microsoft.Extensions.Time.Testing;
using Siampain.Storage;

namespace Siampain.Tests.Storage;

/// <summary>A temp folder holding one real database file; deleted with everything in it on dispose.</summary>
internal sealed class TempDatabase : IDisposable
{
    private readonly List<SiampainDatabase> _opened = [];

    public TempDatabase()
    {
        Folder = Directory.CreateTempSubdirectory("siampain-db-").FullName;
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero));
        Time.SetLocalTimeZone(TimeZoneInfo.Utc);
    }

    public string Folder { get; }

    public FakeTimeProvider Time { get; }

    public string Path => System.IO.Path.Combine(Folder, "siampain.db");

    public StorageOptions Options => new() { Path = Path };

    public SiampainDatabase Open() => Open(path => new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read));

    public SiampainDatabase Open(Func<string, Stream> openFile)
    {
        var db = new SiampainDatabase(Options, Time, null, openFile);
        _opened.Add(db);
        return db;
    }

    public void Dispose()
    {
        foreach (var db in _opened)
        {
            db.Dispose();
        }

        Directory.Delete(Folder, recursive: true);
    }
}
