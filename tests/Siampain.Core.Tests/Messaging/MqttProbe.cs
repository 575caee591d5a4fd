using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace Siampain.Tests.Messaging;

/// <summary>One message as a dashboard would see it.</summary>
internal sealed record ProbeMessage(string Topic, string Payload, bool Retain);

/// <summary>
/// A second MQTT client playing the dashboard: subscribes, records everything it receives, can publish (as Home
/// Assistant's birth message). It keeps a persistent session and reconnects while waiting, so if a frozen or
/// restarted broker costs it the connection, the broker queues what it missed.
/// </summary>
internal sealed class MqttProbe : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _options;
    private readonly string[] _filters;
    private readonly ConcurrentQueue<ProbeMessage> _received = new();

    private MqttProbe(IMqttClient client, MqttClientOptions options, string[] filters)
    {
        _client = client;
        _options = options;
        _filters = filters;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            _received.Enqueue(new ProbeMessage(message.Topic, Encoding.UTF8.GetString(message.Payload), message.Retain));
            return Task.CompletedTask;
        };
    }

    public IReadOnlyList<ProbeMessage> Received => [.. _received];

    public static async Task<MqttProbe> ConnectAsync(int port, string clientId, params string[] filters)
    {
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId(clientId)
            // Long, so its own pings do not trip over a frozen broker; MQTTnet treats 0 as "ping continuously".
            .WithKeepAlivePeriod(TimeSpan.FromMinutes(5))
            .WithTimeout(TimeSpan.FromSeconds(60))
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600)
            .Build();
        var probe = new MqttProbe(new MqttClientFactory().CreateMqttClient(), options, filters);
        await probe.ReconnectAsync();
        return probe;
    }

    public async Task ReconnectAsync()
    {
        var result = await _client.ConnectAsync(_options);
        if (result.IsSessionPresent)
        {
            // The broker kept our subscriptions; subscribing again would replay the retained messages.
            return;
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in _filters)
        {
            subscribe = subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await _client.SubscribeAsync(subscribe.Build());
    }

    public Task PublishAsync(string topic, string payload) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());

    public IReadOnlyList<ProbeMessage> On(string topic) => [.. _received.Where(m => m.Topic == topic)];

    /// <summary>Waits until <paramref name="done"/> holds for what was received; fails with what was seen instead.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<ProbeMessage>, bool> done, string what, int seconds = 60, RunningPublisher? publisher = null)
    {
        var clock = Stopwatch.StartNew();
        while (!done(Received))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                var seen = string.Join("\n", _received.TakeLast(10).Select(m => $"{m.Topic} {(m.Retain ? "(retained) " : string.Empty)}{m.Payload}"));
                Assert.Fail($"Gave up waiting for {what}; received {_received.Count} message(s), the last ones:\n{seen}\n{publisher?.Describe()}");
            }

            if (!_client.IsConnected)
            {
                await TryReconnectAsync();
            }

            await Task.Delay(20);
        }
    }

    private async Task TryReconnectAsync()
    {
        try
        {
            await ReconnectAsync();
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException)
        {
            // The broker is still away; the next round tries again.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), limit.Token);
            }
            catch (OperationCanceledException)
            {
                // A frozen broker never answers; disposing closes the socket anyway.
            }
        }

        _client.Dispose();
    }
}
