using System.Runtime.Versioning;
using System.Text.Json;
using Siampain.Messaging;
using Siampain.Tests.Infrastructure;
using Siampain.Tests.Messaging;

namespace Siampain.Tests.Durability;

/// <summary>
/// A broker that will not take the terminal's events (wrong password, a certificate it cannot trust, an ACL):
/// the status and the log say which, and every event stays in the database until the problem is fixed.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BrokerRefusalTests : IDisposable
{
    private const int Events = 10;
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-durability-").FullName;

    private string DatabasePath => Path.Combine(_folder, "siampain.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task WrongPasswordKeepsEveryEventUntilTheRightOneIsConfigured()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings { Users = new Dictionary<string, string> { ["door-1"] = "right" } });
        var settings = new Dictionary<string, string?> { ["Mqtt:Username"] = "door-1", ["Mqtt:PasswordFile"] = PasswordFile("wrong") };

        await using (var terminal = await LiveTerminal.StartAsync(DatabasePath, broker.Port, settings))
        {
            await AssertRefusedAndKeptAsync(terminal, BrokerFailureKind.BadCredentials, 4002, "credentials");
        }

        settings["Mqtt:PasswordFile"] = PasswordFile("right");
        await AssertDeliveredAfterTheFixAsync(broker.Port, settings);
    }

    [Fact]
    public async Task UntrustedBrokerCertificateKeepsEveryEventUntilTheRightCaIsConfigured()
    {
        using var school = new TestCertificates("School CA");
        using var stranger = new TestCertificates("Some other CA");
        var (certificate, key) = school.WriteServer(_folder);
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings { ExtraConfig = [$"certfile {certificate}", $"keyfile {key}"] });
        var settings = new Dictionary<string, string?> { ["Mqtt:Tls"] = "true", ["Mqtt:CaFile"] = stranger.WriteAuthority(Path.Combine(_folder, "other-ca.pem")) };

        await using (var terminal = await LiveTerminal.StartAsync(DatabasePath, broker.Port, settings))
        {
            await AssertRefusedAndKeptAsync(terminal, BrokerFailureKind.Tls, 4003, "TLS");
        }

        settings["Mqtt:CaFile"] = school.WriteAuthority(Path.Combine(_folder, "school-ca.pem"));
        await AssertDeliveredAfterTheFixAsync(broker.Port, settings);
    }

    [Fact]
    public async Task EventsRefusedByTheBrokerAclStayAndTheRetainedStatusSaysWhy()
    {
        const string Root = "school/siampain/door-1";
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings
        {
            Acl = [$"topic readwrite {Root}/availability", $"topic readwrite {Root}/status", "topic readwrite homeassistant/#", "topic read #"],
        });
        await using var terminal = await LiveTerminal.StartAsync(DatabasePath, broker.Port);
        await AssertRefusedAndKeptAsync(terminal, BrokerFailureKind.Refused, 4004, "NotAuthorized");

        // A dashboard that starts now finds the reason in the retained status, published at each reconnect.
        await using var dashboard = await MqttProbe.ConnectAsync(broker.Port, "late-dashboard", terminal.Topics.Status);
        await dashboard.WaitUntilAsync(r => r.Any(m => m.Payload.Contains("NotAuthorized", StringComparison.Ordinal)), "the status to carry the refusal");
        using var status = JsonDocument.Parse(dashboard.Received.Last(m => m.Payload.Contains("NotAuthorized", StringComparison.Ordinal)).Payload);
        Assert.True(status.RootElement.GetProperty("outbox_backlog").GetInt64() >= Events);
    }

    private static async Task AssertRefusedAndKeptAsync(LiveTerminal terminal, BrokerFailureKind kind, int eventId, string reason)
    {
        var records = terminal.Record(Events);
        await terminal.WaitUntilAsync(() => terminal.Publisher.Health.LastFailure?.Kind == kind, $"a {kind} failure");

        var line = terminal.Logs.Entries.FirstOrDefault(e => e.EventId == eventId);
        Assert.True(line is not null, terminal.Describe());
        Assert.Contains("stay in the outbox", line.Message, StringComparison.Ordinal);
        Assert.Contains(reason, terminal.Board.Current.LastError, StringComparison.Ordinal);
        Assert.Equal(records.Select(r => r.Sequence), terminal.Outbox.PeekPending(100).Where(m => m.Topic == terminal.Topics.Events).Select(m => m.Sequence));
        Assert.Equal(records.Select(r => r.EventId), terminal.StoredRecords().Select(r => r.EventId));
    }

    private async Task AssertDeliveredAfterTheFixAsync(int port, Dictionary<string, string?> settings)
    {
        await using var fixedTerminal = await LiveTerminal.StartAsync(DatabasePath, port, settings, tag: "after-fix");
        await fixedTerminal.WaitUntilAsync(() => fixedTerminal.Outbox.PendingCount == 0, "the kept events to be delivered");
        Assert.True(fixedTerminal.Publisher.Health.Delivered >= Events);
    }

    private string PasswordFile(string password)
    {
        var path = Path.Combine(_folder, $"password-{password}");
        File.WriteAllText(path, password + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}
