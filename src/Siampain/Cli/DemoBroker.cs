using System.Net;
using System.Net.Sockets;
using MQTTnet.Server;

namespace Siampain.Cli;

/// <summary>
/// An MQTT broker inside the demo's process, on loopback and a free port, for machines without one: the terminal's
/// publisher talks to it exactly as to mosquitto, and it counts what arrives on the terminal's topics.
/// </summary>
internal sealed class DemoBroker : IAsyncDisposable
{
    private readonly MqttServer _server;
    private readonly string _eventsTopic;
    private readonly string _sessionsTopic;
    private int _events;
    private int _sessions;

    private DemoBroker(MqttServer server, int port, string eventsTopic, string sessionsTopic)
    {
        _server = server;
        Port = port;
        _eventsTopic = eventsTopic;
        _sessionsTopic = sessionsTopic;
        _server.InterceptingPublishAsync += e =>
        {
            if (e.ApplicationMessage.Topic == _eventsTopic)
            {
                Interlocked.Increment(ref _events);
            }
            else if (e.ApplicationMessage.Topic == _sessionsTopic)
            {
                Interlocked.Increment(ref _sessions);
            }

            return Task.CompletedTask;
        };
    }

    public int Port { get; }

    /// <summary>Attendance events received.</summary>
    public int Events => Volatile.Read(ref _events);

    /// <summary>Session summaries received.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    public static async Task<DemoBroker> StartAsync(string eventsTopic, string sessionsTopic)
    {
        var port = FreePort();
        var factory = new MqttServerFactory();
        var options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .Build();
        var server = factory.CreateMqttServer(options);
        var broker = new DemoBroker(server, port, eventsTopic, sessionsTopic);
        await server.StartAsync().ConfigureAwait(false);
        return broker;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync().ConfigureAwait(false);
        _server.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
