using Siampain.Messaging;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Messaging;

/// <summary>TLS to a real mosquitto with a private CA: trusted, untrusted, and with a client certificate.</summary>
public sealed class MqttTlsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-mqtt-tls-").FullName;
    private readonly TestCertificates _school = new("School CA");

    [Fact]
    public async Task ClientCertificateSignedByThePrivateCaDelivers()
    {
        var (serverCertificate, serverKey) = _school.WriteServer(_folder);
        var authority = _school.WriteAuthority(Path.Combine(_folder, "school-ca.pem"));
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings
        {
            ExtraConfig = [$"cafile {authority}", $"certfile {serverCertificate}", $"keyfile {serverKey}", "require_certificate true"],
        });
        var (clientCertificate, clientKey) = _school.WriteClient(_folder, "door-1");
        var options = RunningPublisher.OptionsFor(broker.Port);
        options.Tls = true;
        options.CaFile = authority;
        options.ClientCertificateFile = clientCertificate;
        options.ClientKeyFile = clientKey;

        await using var terminal = await RunningPublisher.StartAsync(options);
        terminal.Outbox.AddEvent(terminal.Topics, "student-1");

        await terminal.WaitUntilAsync(h => h.Delivered == 1, "delivery over TLS");
        Assert.Equal(0, terminal.Outbox.PendingCount);
    }

    [Fact]
    public async Task BrokerCertificateFromAnotherCaIsReportedAsTlsFailureAndEventsStayPending()
    {
        var (serverCertificate, serverKey) = _school.WriteServer(_folder);
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings
        {
            ExtraConfig = [$"certfile {serverCertificate}", $"keyfile {serverKey}"],
        });
        using var stranger = new TestCertificates("Some other CA");
        var options = RunningPublisher.OptionsFor(broker.Port);
        options.Tls = true;
        options.CaFile = stranger.WriteAuthority(Path.Combine(_folder, "other-ca.pem"));

        await using var terminal = await RunningPublisher.StartAsync(options);
        terminal.Outbox.AddEvent(terminal.Topics, "student-1");

        await terminal.WaitUntilAsync(h => h.LastFailure?.Kind == BrokerFailureKind.Tls, "a TLS failure");
        Assert.Contains(terminal.Logger.Entries, e => e.EventId.Id == 4003);
        Assert.Contains("TLS", terminal.Board.Current.LastError, StringComparison.Ordinal);
        Assert.Equal(1, terminal.Outbox.PendingCount);
    }

    public void Dispose()
    {
        _school.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
