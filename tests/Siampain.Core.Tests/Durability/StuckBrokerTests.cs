using System.Runtime.Versioning;
using Siampain.Tests.Infrastructure;
using Siampain.Tests.Messaging;

namespace Siampain.Tests.Durability;

/// <summary>
/// A broker that keeps the connection open but answers nothing (frozen with SIGSTOP), or a network that swallows
/// every packet: recording must go on (no deadlock between the recorder and the stuck relay), and delivery resumes.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class StuckBrokerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-durability-").FullName;

    private string DatabasePath => Path.Combine(_folder, "siampain.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task FrozenBrokerDoesNotStopRecordingAndDeliveryResumesAfterThaw()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var terminal = await LiveTerminal.StartAsync(DatabasePath, broker.Port);
        await using var dashboard = await MqttProbe.ConnectAsync(broker.Port, "dashboard", terminal.Topics.Events, terminal.Topics.Sessions);

        await StallAndRecoverAsync(terminal, dashboard, broker.Freeze, broker.Thaw);
    }

    [Fact]
    public async Task BlackHoledBrokerDoesNotStopRecordingAndDeliveryResumesWhenPacketsFlowAgain()
    {
        // The terminal uses a second listener, so that only its packets vanish and the dashboard keeps its link.
        var terminalPort = LoopbackBlackHole.FreeLoopbackPort();
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings { ExtraConfig = [$"listener {terminalPort} 127.0.0.1"] });
        await using var terminal = await LiveTerminal.StartAsync(DatabasePath, terminalPort);
        await using var dashboard = await MqttProbe.ConnectAsync(broker.Port, "dashboard", terminal.Topics.Events, terminal.Topics.Sessions);
        LoopbackBlackHole? hole = null;
        try
        {
            await StallAndRecoverAsync(terminal, dashboard, () => hole = new LoopbackBlackHole(terminalPort), () => hole?.Remove());
        }
        finally
        {
            hole?.Dispose();
        }
    }

    private static async Task StallAndRecoverAsync(LiveTerminal terminal, MqttProbe dashboard, Action stall, Action recover)
    {
        await terminal.WaitUntilAsync(() => terminal.Publisher.Health.Connected, "the first connection");
        terminal.Record(20);
        await dashboard.WaitUntilAsync(r => Deliveries.Distinct(Deliveries.Parse(r, terminal.Topics.Events)) == 20, "the first 20 events");

        stall();
        var during = await RecordAsync(terminal, 50);
        await terminal.WaitUntilAsync(() => terminal.Publisher.Health.LastFailure?.Kind == Siampain.Messaging.BrokerFailureKind.Timeout,
            "the relay to give up on the silent broker");
        Assert.Contains(terminal.Logs.Entries, e => e.EventId == 4006);

        // Still stuck, through the reconnect attempts: recording goes on and everything waits in the database.
        during.AddRange(await RecordAsync(terminal, 50));
        Assert.True(terminal.Outbox.PendingCount >= 100, terminal.Describe());
        var unacknowledged = terminal.Outbox.PeekPending(int.MaxValue).Select(m => m.Sequence).ToHashSet();
        Assert.All(during, r => Assert.Contains(r.Sequence, unacknowledged));

        recover();
        await dashboard.WaitUntilAsync(r => Deliveries.Distinct(Deliveries.Parse(r, terminal.Topics.Events)) == 120, "all 120 events", seconds: 120);
        await terminal.WaitUntilAsync(() => terminal.Outbox.PendingCount == 0, "the outbox to drain");
        var received = Deliveries.Parse(dashboard.Received, terminal.Topics.Events, terminal.Topics.Sessions);

        // A publish that was on its way when the broker went silent may arrive and be sent again after the reconnect.
        Assert.Empty(Deliveries.Problems(received, terminal.LastSequence, (_, seq) => unacknowledged.Contains(seq)));
        Assert.True(terminal.Publisher.Health.Connections >= 2);
    }

    /// <summary>Records on another thread; a deadlock with the stuck relay would show as this never finishing.</summary>
    private static async Task<List<Siampain.Attendance.AttendanceRecord>> RecordAsync(LiveTerminal terminal, int count)
    {
        var recording = Task.Run(() => terminal.Record(count));
        var finished = await Task.WhenAny(recording, Task.Delay(TimeSpan.FromMinutes(2)));
        Assert.True(finished == recording, $"recording hung while the broker was stuck; {terminal.Describe()}");
        return await recording;
    }
}
