using System.Runtime.Versioning;
using Siampain.Tests.Infrastructure;
using Siampain.Tests.Messaging;

namespace Siampain.Tests.Durability;

/// <summary>The real recorder, LiteDB outbox and publisher against a real mosquitto that goes away and comes back.</summary>
[SupportedOSPlatform("linux")]
public sealed class BrokerOutageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-durability-").FullName;

    private string DatabasePath => Path.Combine(_folder, "siampain.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ThousandEventsRecordedWhileTheBrokerIsDownAllArriveInSeqOrderAfterItReturns()
    {
        // Persistence keeps the dashboard's session over the restart, so it misses nothing published before it is back.
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings { Persistence = true });
        await using var terminal = await LiveTerminal.StartAsync(DatabasePath, broker.Port);
        await using var dashboard = await MqttProbe.ConnectAsync(broker.Port, "dashboard", terminal.Topics.Events, terminal.Topics.Sessions);
        await terminal.WaitUntilAsync(() => terminal.Publisher.Health.Connected, "the first connection");

        await broker.StopAsync();
        await terminal.WaitUntilAsync(() => terminal.Publisher.Health is { Connected: false, LastFailure: not null }, "the publisher to notice the outage");
        var records = terminal.Record(1000);

        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.True(terminal.Outbox.PendingCount >= 1000, terminal.Describe());
        await broker.RestartAsync();

        await dashboard.WaitUntilAsync(r => Deliveries.Distinct(Deliveries.Parse(r, terminal.Topics.Events)) >= 1000, "all 1,000 events", seconds: 120);
        await terminal.WaitUntilAsync(() => terminal.Outbox.PendingCount == 0, "the outbox to drain");
        var received = Deliveries.Parse(dashboard.Received, terminal.Topics.Events, terminal.Topics.Sessions);
        var lastSeq = terminal.LastSequence;
        Assert.Empty(Deliveries.Problems(received, lastSeq));

        // What arrived is what was recorded: same event ids, stored beside the records.
        var arrived = received.ToDictionary(d => d.Seq, d => d.EventId);
        Assert.All(records, r => Assert.Equal(r.EventId, arrived[r.Sequence]));
        Assert.Equal(2, terminal.Publisher.Health.Connections);
    }
}
