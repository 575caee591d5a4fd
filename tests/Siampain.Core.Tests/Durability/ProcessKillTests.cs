using System.Runtime.Versioning;
using Siampain.Messaging;
using Siampain.OutboxProbe;
using Siampain.Tests.Infrastructure;
using Siampain.Tests.Messaging;
using Xunit.Abstractions;

namespace Siampain.Tests.Durability;

/// <summary>The terminal as its own process, killed with SIGKILL at random moments while it records and publishes.</summary>
[SupportedOSPlatform("linux")]
public sealed class ProcessKillTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 6;
    private const int EventsPerRun = 150;
    private const string MarkerTopic = "test/run";

    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-durability-").FullName;

    private string DatabasePath => Path.Combine(_folder, "siampain.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task KilledAtRandomPointsWhilePublishingLosesNothingAndRepeatsOnlyUnacknowledgedEvents()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        var topics = new MqttTopics(new MqttOptions { DeviceId = ProbeTerminal.DeviceId, TopicPrefix = ProbeTerminal.TopicPrefix });

        // Persistence keeps the dashboard's session (and what is queued for it) while the broker is away.
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings { Persistence = true });
        await using var dashboard = await MqttProbe.ConnectAsync(broker.Port, "dashboard", topics.Events, topics.Sessions, MarkerTopic);

        // What the database said was still unacknowledged when each run was killed.
        var pendingAtKill = new List<IReadOnlySet<long>>();
        var recorded = new List<Delivery>();
        for (var run = 0; run <= Kills; run++)
        {
            // Even runs record with the broker away and die with a backlog; odd runs start with that backlog and die
            // while draining it (and recording more): the two places where a kill can cost an acknowledgement. The
            // last run is not killed: it drains what is left and stops cleanly.
            var last = run == Kills;
            var draining = run % 2 == 1 || last;
            if (draining)
            {
                await broker.RestartAsync();
                await ReconnectAsync(dashboard);

                // Mosquitto forwards in the order it receives, so this splits what the dashboard gets by run.
                await dashboard.PublishAsync(MarkerTopic, run.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                await broker.StopAsync();
            }

            var before = dashboard.Received.Count;
            using var probe = ProbeProcess.Start(DatabasePath, broker.Port,
                [$"--Probe:Events={(last ? 0 : EventsPerRun)}", $"--Probe:Tag=run{run}"]);
            await probe.WaitForLineAsync("ready");
            if (last)
            {
                await probe.WaitForLineAsync("drained");
                await probe.StopAsync();
                break;
            }

            if (draining)
            {
                await Wait.UntilAsync(() => dashboard.Received.Count > before + 1, "the drain to begin", probe.Describe);
            }

            var delay = draining ? random.Next(0, 80) : random.Next(500, 2500);
            await Task.Delay(delay);
            probe.Kill();

            var snapshot = DatabaseSnapshot.Read(DatabasePath);
            Assert.True(snapshot.Recovery is null, $"seed {seed}, run {run}: SIGKILL left a damaged database: {snapshot.Recovery}");
            var stored = snapshot.Records.ToDictionary(r => r.Seq, r => r.EventId);
            foreach (var (seq, eventId) in probe.Recorded)
            {
                Assert.True(stored.TryGetValue(seq, out var storedId) && storedId == eventId,
                    $"seed {seed}, run {run}: seq {seq} was reported recorded but is not in the database after the kill");
            }

            recorded.AddRange(probe.Recorded);
            pendingAtKill.Add(snapshot.Pending);
            if (draining)
            {
                // Marked sent means the broker had it: it reaches the dashboard, also after the kill.
                var acknowledged = Enumerable.Range(1, (int)snapshot.LastSequence).Select(s => (long)s).Where(s => !snapshot.Pending.Contains(s)).ToList();
                await dashboard.WaitUntilAsync(r => !acknowledged.Except(Deliveries.Parse(r, topics.Events, topics.Sessions).Select(d => d.Seq)).Any(),
                    $"run {run}: every acknowledged event at the dashboard");
            }

            output.WriteLine($"run {run} ({(draining ? "draining" : "broker away")}): killed {delay} ms {(draining ? "into the drain" : "after start")}; " +
                $"{probe.Recorded.Count} recorded, last seq {snapshot.LastSequence}, {snapshot.Pending.Count} unacknowledged");
        }

        var final = DatabaseSnapshot.Read(DatabasePath);
        Assert.Empty(final.Pending);
        await dashboard.WaitUntilAsync(r => Deliveries.Distinct(Deliveries.Parse(r, topics.Events, topics.Sessions)) >= final.LastSequence, "every event");

        // Which run delivered each message: the run whose marker came last before it.
        var received = new List<Delivery>();
        var runOf = new List<int>();
        var currentRun = 0;
        foreach (var message in dashboard.Received)
        {
            if (message.Topic == MarkerTopic)
            {
                currentRun = int.Parse(message.Payload, System.Globalization.CultureInfo.InvariantCulture);
                continue;
            }

            received.AddRange(Deliveries.Parse([message], topics.Events, topics.Sessions));
            runOf.Add(currentRun);
        }

        // A run may send again only what the database still called unacknowledged when the run before it died.
        var problems = Deliveries.Problems(received, final.LastSequence, (i, seq) => runOf[i] > 0 && pendingAtKill[runOf[i] - 1].Contains(seq));
        Assert.True(problems.Count == 0, $"seed {seed}:\n{string.Join("\n", problems.Take(20))}");

        // Every event a run reported recorded arrived as that very event.
        var arrived = received.GroupBy(d => d.Seq).ToDictionary(g => g.Key, g => g.First().EventId);
        Assert.All(recorded, r => Assert.Equal(r.EventId, arrived[r.Seq]));
        output.WriteLine($"seed {seed}: {final.LastSequence} events, {received.Count - final.LastSequence} duplicate deliveries");
    }

    /// <summary>The dashboard's client may still be winding down the connection the broker's stop cut; retry until it can connect.</summary>
    private static async Task ReconnectAsync(MqttProbe dashboard)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await dashboard.ReconnectAsync();
                return;
            }
            catch (Exception e) when (attempt < 100 && e is InvalidOperationException or MQTTnet.Exceptions.MqttCommunicationException)
            {
                await Task.Delay(50);
            }
        }
    }
}
