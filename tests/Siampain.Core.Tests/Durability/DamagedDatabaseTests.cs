using System.Runtime.Versioning;
using Siampain.Storage;
using Siampain.Tests.Infrastructure;
using Siampain.Tests.Messaging;

namespace Siampain.Tests.Durability;

/// <summary>
/// A database file damaged while the terminal was off (cut short, a page of garbage, the header gone), found at
/// the service's start: it says so, keeps what can be read, and the sequence goes on without reusing a number
/// that a consumer already saw.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class DamagedDatabaseTests : IDisposable
{
    private const int Published = 150;

    // LiteDB 5's page header: 4 bytes page id, then the page type (4 = data).
    private const int PageTypeOffset = 4;
    private const byte DataPageType = 4;
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-durability-").FullName;

    public enum Damage
    {
        TruncatedAtRandomOffset,
        GarbageOverRandomPage,
        GarbageOverHeader,
    }

    private string DatabasePath => Path.Combine(_folder, "siampain.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(Damage.TruncatedAtRandomOffset)]
    [InlineData(Damage.GarbageOverRandomPage)]
    [InlineData(Damage.GarbageOverHeader)]
    public async Task DamagedFileIsReportedSalvagedAndTheSequenceNeverReusesAPublishedNumber(Damage damage)
    {
        var seed = Random.Shared.Next();
        await using var broker = await MosquittoBroker.StartAsync();
        List<Delivery> before;
        string[] topics;
        await using var dashboard = await MqttProbe.ConnectAsync(broker.Port, "dashboard", "#");
        await using (var terminal = await LiveTerminal.StartAsync(DatabasePath, broker.Port))
        {
            topics = [terminal.Topics.Events, terminal.Topics.Sessions];
            before = [.. terminal.Record(Published).Select(r => new Delivery(r.Sequence, r.EventId))];
            await terminal.WaitUntilAsync(() => terminal.Outbox.PendingCount == 0, "everything to be published");
        }

        var problem = Apply(damage, new Random(seed));

        await using var restarted = await LiveTerminal.StartAsync(DatabasePath, broker.Port, tag: "after");
        var report = restarted.Database.Recovery;
        Assert.True(report is not null, $"seed {seed}: {problem} was not noticed");
        Assert.Contains(restarted.Logs.Entries, e => e.EventId == 3001 && e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains(report.SetAsidePath, StringComparison.Ordinal));
        Assert.Contains("database was damaged", restarted.Board.Current.LastError, StringComparison.Ordinal);
        Assert.True(File.Exists(report.SetAsidePath));

        // What was salvaged is what was there, nothing invented.
        var original = before.ToDictionary(d => d.Seq, d => d.EventId);
        var salvaged = restarted.StoredRecords();
        Assert.All(salvaged, r => Assert.Equal(original[r.Sequence], r.EventId));
        if (damage == Damage.GarbageOverRandomPage)
        {
            Assert.NotEmpty(salvaged);
        }

        // New events continue above every number already published, and go out.
        var after = restarted.Record(20);
        Assert.True(after[0].Sequence > Published, $"seed {seed}: after {problem} the sequence restarted at {after[0].Sequence}");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => after[0].Sequence + i), after.Select(r => r.Sequence));
        await dashboard.WaitUntilAsync(r => after.All(a => Deliveries.Parse(r, topics).Any(d => d.EventId == a.EventId)), "the new events");
        var received = Deliveries.Parse(dashboard.Received, topics);
        Assert.All(received.GroupBy(d => d.Seq), g => Assert.Single(g.Select(d => d.EventId).Distinct()));
    }

    private string Apply(Damage damage, Random random)
    {
        var length = new FileInfo(DatabasePath).Length;
        var pages = (int)(length / SiampainDatabase.PageSize);
        switch (damage)
        {
            case Damage.TruncatedAtRandomOffset:
            {
                var offset = random.NextInt64(SiampainDatabase.PageSize, length);
                using var file = new FileStream(DatabasePath, FileMode.Open);
                file.SetLength(offset);
                return $"truncated to {offset} of {length} bytes";
            }

            case Damage.GarbageOverRandomPage:
            {
                // A page that holds documents: garbage over a free page (the drained outbox leaves many) harms nothing.
                var bytes = File.ReadAllBytes(DatabasePath);
                var dataPages = Enumerable.Range(1, pages - 1).Where(p => bytes[((long)p * SiampainDatabase.PageSize) + PageTypeOffset] == DataPageType).ToList();
                return Scribble(dataPages[random.Next(dataPages.Count)], random);
            }

            default:
                return Scribble(0, random);
        }
    }

    private string Scribble(int page, Random random)
    {
        var garbage = new byte[SiampainDatabase.PageSize];
        random.NextBytes(garbage);
        using var file = new FileStream(DatabasePath, FileMode.Open);
        file.Position = (long)page * SiampainDatabase.PageSize;
        file.Write(garbage);
        return $"garbage over page {page}";
    }
}
