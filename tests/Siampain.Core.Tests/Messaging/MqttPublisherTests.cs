using System.Runtime.Versioning;
using System.Text.Json;
using Siampain.Messaging;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Messaging;

/// <summary>The publisher against a real mosquitto: outages, a frozen broker, bad credentials, the Last Will.</summary>
[SupportedOSPlatform("linux")]
public sealed class MqttPublisherTests
{
    [Fact]
    public async Task EventsRecordedWhileTheBrokerIsDownAllArriveInOrderAfterItReturns()
    {
        // Persistence keeps the dashboard's session over the restart, so nothing published before it reconnects is
        // lost to it.
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings { Persistence = true });
        await using var terminal = await RunningPublisher.StartAsync(RunningPublisher.OptionsFor(broker.Port));
        await using var dashboard = await MqttProbe.ConnectAsync(broker.Port, "dashboard", terminal.Topics.Events);
        await terminal.WaitUntilAsync(h => h.Connected, "the first connection");

        await broker.StopAsync();
        await terminal.WaitUntilAsync(h => !h.Connected && h.LastFailure is not null, "the publisher to notice the outage");
        for (var i = 0; i < 1000; i++)
        {
            terminal.Outbox.AddEvent(terminal.Topics, $"student-{i:D4}");
        }

        Assert.Equal(1000, terminal.Outbox.PendingCount);
        await broker.RestartAsync();

        await dashboard.WaitUntilAsync(r => DistinctSeqs(r).Count == 1000, "all 1,000 events");
        var seqs = Seqs(dashboard.Received);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), DistinctSeqs(dashboard.Received));
        Assert.True(IsNonDecreasing(seqs), "events arrived out of order");
        await terminal.WaitUntilAsync(_ => terminal.Outbox.PendingCount == 0, "the outbox to drain");
        Assert.Equal(2, terminal.Publisher.Health.Connections);

        // The subscription to Home Assistant's status was renewed on the new connection.
        await dashboard.PublishAsync(terminal.Topics.HomeAssistantStatus, "online");
        await terminal.WaitUntilAsync(
            _ => terminal.Logger.Entries.SkipWhile(e => e.EventId.Id != 4010).Any(e => e.EventId.Id == 4009),
            "discovery republished after Home Assistant's birth message");
    }

    [Fact]
    public async Task FrozenBrokerTimesOutWithoutDeadlockAndDeliveryResumesAfterThaw()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var terminal = await RunningPublisher.StartAsync(RunningPublisher.OptionsFor(broker.Port));
        await using var dashboard = await MqttProbe.ConnectAsync(
            broker.Port, "dashboard", terminal.Topics.Events, terminal.Topics.Availability);
        await terminal.WaitUntilAsync(h => h.Connected, "the first connection");
        terminal.Outbox.AddEvent(terminal.Topics, "before-freeze");
        await dashboard.WaitUntilAsync(r => DistinctSeqs(r).Count == 1, "the first event", publisher: terminal);

        broker.Freeze();
        for (var i = 0; i < 50; i++)
        {
            terminal.Outbox.AddEvent(terminal.Topics, $"during-freeze-{i}");
        }

        await terminal.WaitUntilAsync(h => h.LastFailure?.Kind == BrokerFailureKind.Timeout, "a timeout");
        Assert.Equal(50, terminal.Outbox.PendingCount);
        Assert.Contains(terminal.Logger.Entries, e => e.EventId.Id == 4006);
        Assert.Contains("did not answer", terminal.Board.Current.LastError, StringComparison.Ordinal);

        broker.Thaw();
        await dashboard.WaitUntilAsync(r => DistinctSeqs(r).Count == 51, "the events recorded during the freeze", publisher: terminal);
        Assert.True(IsNonDecreasing(Seqs(dashboard.Received)), "events arrived out of order");
        await terminal.WaitUntilAsync(_ => terminal.Outbox.PendingCount == 0, "the outbox to drain");

        // The frozen connection was abandoned without a DISCONNECT: the broker announced our Will, then we came back.
        await dashboard.WaitUntilAsync(r => r.LastOrDefault(m => m.Topic == terminal.Topics.Availability)?.Payload == "online", "online again");
        var availability = dashboard.On(terminal.Topics.Availability).Select(m => m.Payload).ToList();
        Assert.Contains("offline", availability);
    }

    [Fact]
    public async Task StopReturnsWhileTheBrokerIsFrozen()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var terminal = await RunningPublisher.StartAsync(RunningPublisher.OptionsFor(broker.Port));
        await terminal.WaitUntilAsync(h => h.Connected, "the first connection");

        broker.Freeze();
        terminal.Outbox.AddEvent(terminal.Topics, "stuck");
        await terminal.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, terminal.Outbox.PendingCount);
        Assert.False(terminal.Publisher.Health.Connected);
        terminal.Publisher.Dispose();
    }

    [Fact]
    public async Task WrongPasswordIsReportedClearlyAndEventsStayPending()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings { Users = new Dictionary<string, string> { ["door-1"] = "right" } });
        var passwordFile = Path.Combine(broker.Folder, "client-password");
        await File.WriteAllTextAsync(passwordFile, "wrong\n");
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var options = RunningPublisher.OptionsFor(broker.Port);
        options.Username = "door-1";
        options.PasswordFile = passwordFile;

        await using var terminal = await RunningPublisher.StartAsync(options);
        for (var i = 0; i < 5; i++)
        {
            terminal.Outbox.AddEvent(terminal.Topics, $"student-{i}");
        }

        await terminal.WaitUntilAsync(h => h.LastFailure?.Kind == BrokerFailureKind.BadCredentials, "the credentials to be rejected");
        Assert.False(terminal.Publisher.Health.Connected);
        Assert.Equal(5, terminal.Outbox.PendingCount);
        Assert.Contains("credentials", terminal.Board.Current.LastError, StringComparison.Ordinal);
        Assert.Contains(terminal.Logger.Entries, e => e.EventId.Id == 4002 &&
            e.Message.Contains("127.0.0.1", StringComparison.Ordinal) &&
            e.Message.Contains("stay in the outbox", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(MqttProtocol.V500)]
    [InlineData(MqttProtocol.V311)]
    public async Task RightPasswordFromFileDeliversOverEitherProtocol(MqttProtocol protocol)
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings { Users = new Dictionary<string, string> { ["door-1"] = "right", ["dashboard"] = "watch" } });
        var passwordFile = Path.Combine(broker.Folder, "client-password");
        await File.WriteAllTextAsync(passwordFile, "right\n");
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var options = RunningPublisher.OptionsFor(broker.Port);
        options.Username = "door-1";
        options.PasswordFile = passwordFile;
        options.Protocol = protocol;

        await using var terminal = await RunningPublisher.StartAsync(options);
        await terminal.WaitUntilAsync(h => h.Connected, "the connection");
        terminal.Outbox.AddEvent(terminal.Topics, "student-1", AttendanceStatuses.Late);

        await terminal.WaitUntilAsync(h => h.Delivered == 1, "the delivery");
        Assert.Equal(0, terminal.Outbox.PendingCount);
    }

    [Fact]
    public async Task UnreachableBrokerIsReportedAndEventsStayPending()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var options = RunningPublisher.OptionsFor(broker.Port);
        await broker.StopAsync();

        await using var terminal = await RunningPublisher.StartAsync(options);
        terminal.Outbox.AddEvent(terminal.Topics, "student-1");

        await terminal.WaitUntilAsync(h => h.LastFailure?.Kind == BrokerFailureKind.Unreachable, "the broker to be reported unreachable");
        Assert.Contains(terminal.Logger.Entries, e => e.EventId.Id == 4005 && e.Message.Contains("ConnectionRefused", StringComparison.Ordinal));
        Assert.Equal(1, terminal.Outbox.PendingCount);
    }

    [Fact]
    public async Task PublishRefusedByTheBrokerAclIsReportedAndEventsStayPending()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings { Acl = ["topic read #"] });
        await using var terminal = await RunningPublisher.StartAsync(RunningPublisher.OptionsFor(broker.Port));
        terminal.Outbox.AddEvent(terminal.Topics, "student-1");

        await terminal.WaitUntilAsync(h => h.LastFailure?.Kind == BrokerFailureKind.Refused, "the publish to be refused");
        Assert.Contains(terminal.Logger.Entries, e => e.EventId.Id == 4004 &&
            e.Message.Contains("NotAuthorized", StringComparison.Ordinal) &&
            e.Message.Contains("ACL", StringComparison.Ordinal));
        Assert.Equal(1, terminal.Outbox.PendingCount);
    }

    [Fact]
    public async Task CleanStopPublishesOfflineAndAnAbandonedConnectionGetsTheWill()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var options = RunningPublisher.OptionsFor(broker.Port);
        var topics = new MqttTopics(options);
        await using var dashboard = await MqttProbe.ConnectAsync(broker.Port, "dashboard", topics.Availability);

        // A client with the publisher's connect options that vanishes without DISCONNECT, like a killed process.
        using (var doomed = new MQTTnet.MqttClientFactory().CreateMqttClient())
        {
            await doomed.ConnectAsync(BrokerClientOptions.Build(options, topics));
        }

        await dashboard.WaitUntilAsync(r => r.Any(m => m.Payload == "offline"), "the Last Will");

        await using (var terminal = await RunningPublisher.StartAsync(options))
        {
            await terminal.WaitUntilAsync(h => h.Connected, "the connection");
            await dashboard.WaitUntilAsync(r => r[^1].Payload == "online", "online");
        }

        await dashboard.WaitUntilAsync(r => r[^1].Payload == "offline", "offline after a clean stop");
        var seen = dashboard.Received.Select(m => m.Payload).ToList();
        Assert.Equal("offline", seen[0]);
        Assert.Contains("online", seen);
    }

    private static List<long> Seqs(IEnumerable<ProbeMessage> received) =>
        [.. received.Where(m => m.Topic.EndsWith("/events", StringComparison.Ordinal))
            .Select(m => JsonDocument.Parse(m.Payload).RootElement.GetProperty("seq").GetInt64())];

    /// <summary>At-least-once: a message whose PUBACK was lost comes again; consumers dedupe on event_id.</summary>
    private static List<long> DistinctSeqs(IEnumerable<ProbeMessage> received) => [.. Seqs(received).Distinct()];

    private static bool IsNonDecreasing(List<long> seqs)
    {
        // A redelivered message may repeat, but nothing may overtake an earlier one: each seq is at most one more
        // than the highest seen so far.
        long highest = 0;
        foreach (var seq in seqs)
        {
            if (seq > highest + 1)
            {
                return false;
            }

            highest = Math.Max(highest, seq);
        }

        return true;
    }
}
