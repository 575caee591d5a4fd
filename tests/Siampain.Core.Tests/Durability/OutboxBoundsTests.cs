using System.Runtime.Versioning;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Siampain.Storage;
using Siampain.Tests.Infrastructure;
using Siampain.Tests.Messaging;

namespace Siampain.Tests.Durability;

/// <summary>
/// The outbox's limits with the real terminal: a backlog near its size or age limit raises the status and the
/// retained alarm, nothing is ever dropped, and the LiteDB log stays short while a long backlog drains.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class OutboxBoundsTests : IDisposable
{
    private const string Root = "school/siampain/door-1";
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-durability-").FullName;

    private string DatabasePath => Path.Combine(_folder, "siampain.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task BacklogNearTheSizeLimitRaisesTheRetainedAlarmAndOverTheLimitNothingIsDropped()
    {
        // The broker takes everything but the events, so the backlog grows while the status still goes out.
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings
        {
            Acl = [$"topic readwrite {Root}/availability", $"topic readwrite {Root}/status", "topic readwrite homeassistant/#", "topic read #"],
        });
        await using var terminal = await LiveTerminal.StartAsync(DatabasePath, broker.Port,
            new Dictionary<string, string?> { ["Outbox:MaxPending"] = "100", ["Outbox:NearLimitPercent"] = "80" });

        var records = terminal.Record(79);
        Assert.False(terminal.Board.Current.OutboxAlarm);
        records.AddRange(terminal.Record(1));
        Assert.True(terminal.Board.Current.OutboxAlarm);
        Assert.Contains(terminal.Logs.Entries, e => e.EventId == 3010);

        // A dashboard that starts now sees the alarm in the retained status, and the entity that shows it.
        await using var dashboard = await MqttProbe.ConnectAsync(broker.Port, "late-dashboard", terminal.Topics.Status,
            terminal.Topics.DiscoveryConfig("binary_sensor", "siampain_door-1_outbox_alarm"));
        await dashboard.WaitUntilAsync(r => r.Any(m => m.Topic == terminal.Topics.Status && Alarm(m.Payload)), "a status with the alarm raised");
        await dashboard.WaitUntilAsync(r => r.Any(m => m.Topic.EndsWith("outbox_alarm/config", StringComparison.Ordinal)), "the alarm entity");

        // The broker keeps both: one that connects even later gets them at once, flagged as retained. (The first
        // dashboard may have been connected before the terminal published them, and then got them live.)
        await using var later = await MqttProbe.ConnectAsync(broker.Port, "later-dashboard", terminal.Topics.Status,
            terminal.Topics.DiscoveryConfig("binary_sensor", "siampain_door-1_outbox_alarm"));
        await later.WaitUntilAsync(r => r.Any(m => m.Retain && m.Topic == terminal.Topics.Status && Alarm(m.Payload)), "the retained alarm");
        await later.WaitUntilAsync(r => r.Any(m => m.Retain && m.Topic.EndsWith("outbox_alarm/config", StringComparison.Ordinal)), "the retained alarm entity");

        records.AddRange(terminal.Record(40));
        Assert.Equal(OutboxLevel.OverLimit, terminal.Outbox.GetStatus().Level);
        Assert.Contains(terminal.Logs.Entries, e => e.EventId == 3011 && e.Message.Contains("none dropped", StringComparison.Ordinal));
        Assert.Equal(records.Select(r => r.Sequence), terminal.Outbox.PeekPending(1000).Select(m => m.Sequence));
    }

    [Fact]
    public async Task BacklogThatOnlyAgesRaisesTheAlarmWithoutANewEvent()
    {
        // Morning, so that the nine hours stay within the day: past midnight the all-day drill session would close
        // and queue its summary, a second message (the test failed whenever it ran after 15:00 UTC).
        var time = new FakeTimeProvider(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(8), TimeSpan.Zero));
        await using var terminal = await LiveTerminal.StartAsync(DatabasePath, LoopbackBlackHole.FreeLoopbackPort(),
            new Dictionary<string, string?> { ["Outbox:MaxAgeHours"] = "10", ["Outbox:NearLimitPercent"] = "80" }, time);
        terminal.Record(1);
        Assert.False(terminal.Board.Current.OutboxAlarm);

        time.Advance(TimeSpan.FromHours(9));

        Assert.True(terminal.Board.Current.OutboxAlarm, terminal.Describe());
        Assert.Equal(1, terminal.Outbox.PendingCount);
    }

    [Fact]
    public async Task TheLogStaysShortWhileALongBacklogDrains()
    {
        const int CheckpointPages = 10;
        await using var broker = await MosquittoBroker.StartAsync();
        await using var terminal = await LiveTerminal.StartAsync(DatabasePath, broker.Port,
            new Dictionary<string, string?> { ["Storage:CheckpointPages"] = CheckpointPages.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await terminal.WaitUntilAsync(() => terminal.Publisher.Health.Connected, "the first connection");
        await broker.StopAsync();
        await terminal.WaitUntilAsync(() => !terminal.Publisher.Health.Connected, "the outage to be noticed");
        terminal.Record(300);

        // Marking an event sent is not fsynced (a lost mark only repeats the event), so those commits pile up in
        // the log until a checkpoint copies them into the data file.
        long largest = 0;
        using var stop = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                largest = Math.Max(largest, LengthOf(terminal.Database.LogPath));
                await Task.Delay(1);
            }
        });
        await broker.RestartAsync();
        await terminal.WaitUntilAsync(() => terminal.Outbox.PendingCount == 0, "the backlog to drain");
        await stop.CancelAsync();
        await watch;

        // 300 marks touch several pages each; without checkpoints the log would hold them all.
        Assert.InRange(largest, 0, 3L * CheckpointPages * SiampainDatabase.PageSize);
    }

    private static bool Alarm(string statusPayload)
    {
        using var json = JsonDocument.Parse(statusPayload);
        return json.RootElement.GetProperty("outbox_alarm").GetBoolean() && json.RootElement.GetProperty("outbox_backlog").GetInt64() >= 80;
    }

    private static long LengthOf(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }
}
