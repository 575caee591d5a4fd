using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Siampain.Messaging;

/// <summary>What the publisher last knew about the broker; read by the status command and by tests.</summary>
public sealed record MqttHealth(bool Connected, BrokerFailure? LastFailure, long Delivered, int Connections);

/// <summary>
/// The terminal's MQTT side: one loop that connects (with back-off), announces availability, serves Home Assistant
/// discovery, relays the outbox in sequence order and notices a silent broker. MQTTnet v5 has no managed client,
/// so reconnecting is this loop's job; the client's Disconnected handler only signals it, because reconnecting
/// from inside that handler can deadlock the client.
/// </summary>
public sealed class MqttPublisher : BackgroundService
{
    // Large enough to amortise the outbox read and the one transaction that marks a batch sent, small enough that a
    // status or discovery request waits little.
    private const int BatchSize = 256;

    // A burst of board updates (a class walking in) becomes one retained status per second at most.
    private static readonly TimeSpan StatusMinGap = TimeSpan.FromSeconds(1);

    private static readonly byte[] OnlinePayload = Encoding.UTF8.GetBytes(HomeAssistantDiscovery.Online);
    private static readonly byte[] OfflinePayload = Encoding.UTF8.GetBytes(HomeAssistantDiscovery.Offline);

    private readonly IOutbox _outbox;
    private readonly MqttOptions _options;
    private readonly MqttTopics _topics;
    private readonly StatusBoard _board;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MqttClientFactory _factory = new();
    private readonly MqttClientOptions _clientOptions;
    private readonly IReadOnlyList<(string Topic, byte[] Payload)> _discovery;

    // Capacity 1, drop when full: it is only a nudge; what to do is in the flags below.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private int _discoveryRequested;
    private int _statusDirty;
    private MqttHealth _health = new(false, null, 0, 0);

    public MqttPublisher(IOutbox outbox, IOptions<MqttOptions> options, StatusBoard board, TimeProvider time, ILogger<MqttPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _outbox = outbox;
        _options = options.Value;
        _topics = new MqttTopics(_options);
        _board = board;
        _time = time;
        _logger = logger;
        _clientOptions = BrokerClientOptions.Build(_options, _topics);
        _discovery = [.. HomeAssistantDiscovery.Build(_options, _topics, StatusBoard.SoftwareVersion)
            .Select(d => (d.Topic, MessagePayloads.Serialize(d.Config)))];
    }

    public MqttHealth Health => Volatile.Read(ref _health);

    public MqttTopics Topics => _topics;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _board.Changed += OnBoardChanged;
        var backoff = new Backoff(_options.BackoffMin, _options.BackoffMax, Random.Shared);
        BrokerFailure? previous = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var sessionsBefore = Health.Connections;
                var failure = await RunConnectionAsync(stoppingToken).ConfigureAwait(false);
                if (failure is null)
                {
                    break;
                }

                if (Health.Connections != sessionsBefore)
                {
                    // A session was established (not merely a CONNACK): back off from the start again, and log the
                    // next failure even if it repeats the one before that session.
                    backoff.Reset();
                    previous = null;
                }

                if (failure != previous)
                {
                    Report(failure);
                    _board.Update(f => f with { LastError = failure.Message });
                }

                previous = failure;
                var delay = backoff.Next();
                Log.Retrying(_logger, delay);
                try
                {
                    await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            _board.Changed -= OnBoardChanged;
            Log.Stopped(_logger, _outbox.PendingCount);
        }
    }

    /// <summary>One client from connect to loss; null when it ended because the service is stopping.</summary>
    private async Task<BrokerFailure?> RunConnectionAsync(CancellationToken stoppingToken)
    {
        // A fresh client per connection: after a timed-out operation the old one's state is not to be trusted.
        // Disposing it without a DISCONNECT closes the socket, so the broker publishes our Last Will.
        using var client = _factory.CreateMqttClient();
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += _ =>
        {
            lost.TrySetResult();
            return Task.CompletedTask;
        };
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        try
        {
            await ConnectAsync(client, stoppingToken).ConfigureAwait(false);
            await RunSessionAsync(client, lost.Task, stoppingToken).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (client.IsConnected)
            {
                await SayGoodbyeAsync(client).ConfigureAwait(false);
            }

            return null;
        }
        catch (BrokerOperationException e)
        {
            return e.Failure;
        }
        finally
        {
            SetHealth(h => h with { Connected = false });
        }
    }

    private async Task ConnectAsync(IMqttClient client, CancellationToken stoppingToken)
    {
        Log.Connecting(_logger, _options.Host, _options.Port, _clientOptions.ClientId, _options.Protocol, _options.Tls);
        var result = await BoundedAsync("connect", t => client.ConnectAsync(_clientOptions, t), stoppingToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new BrokerOperationException("connect", BrokerFailure.FromConnectResult(result.ResultCode, result.ReasonString));
        }
    }

    private async Task RunSessionAsync(IMqttClient client, Task lost, CancellationToken stoppingToken)
    {
        await PublishAsync(client, _topics.Availability, OnlinePayload, retain: true, stoppingToken).ConfigureAwait(false);
        var subscription = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(_topics.HomeAssistantStatus, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await BoundedAsync("subscribe", t => client.SubscribeAsync(subscription, t), stoppingToken).ConfigureAwait(false);

        SetHealth(h => h with { Connected = true, LastFailure = null, Connections = h.Connections + 1 });
        Log.Connected(_logger, _options.Host, _options.Port, _outbox.PendingCount);

        Interlocked.Exchange(ref _discoveryRequested, 0);
        await PublishDiscoveryAsync(client, stoppingToken).ConfigureAwait(false);
        await PublishStatusAsync(client, stoppingToken).ConfigureAwait(false);
        var lastStatus = _time.GetUtcNow();
        var lastTraffic = lastStatus;
        long deliveredSinceIdle = 0;

        while (true)
        {
            stoppingToken.ThrowIfCancellationRequested();
            if (lost.IsCompleted)
            {
                throw new BrokerOperationException("session", new BrokerFailure(BrokerFailureKind.ConnectionLost, "broker closed the connection"));
            }

            if (Interlocked.Exchange(ref _discoveryRequested, 0) == 1)
            {
                await PublishDiscoveryAsync(client, stoppingToken).ConfigureAwait(false);
            }

            var relayed = await RelayBatchAsync(client, stoppingToken).ConfigureAwait(false);
            deliveredSinceIdle += relayed;
            var now = _time.GetUtcNow();
            if (relayed > 0)
            {
                lastTraffic = now;
            }
            else if (deliveredSinceIdle > 0)
            {
                Log.Drained(_logger, deliveredSinceIdle);
                deliveredSinceIdle = 0;
                Volatile.Write(ref _statusDirty, 1);
            }

            var statusDue = now - lastStatus >= _options.StatusInterval ||
                (Volatile.Read(ref _statusDirty) == 1 && now - lastStatus >= StatusMinGap);
            if (statusDue)
            {
                await PublishStatusAsync(client, stoppingToken).ConfigureAwait(false);
                lastStatus = lastTraffic = now;
            }

            if (relayed > 0)
            {
                continue;
            }

            var untilPing = lastTraffic + _options.KeepAlive - now;
            var untilStatus = lastStatus + (Volatile.Read(ref _statusDirty) == 1 ? StatusMinGap : _options.StatusInterval) - now;
            var idle = untilPing < untilStatus ? untilPing : untilStatus;
            if (idle > TimeSpan.Zero)
            {
                await WaitForWorkAsync(idle, lost, stoppingToken).ConfigureAwait(false);
            }

            if (_time.GetUtcNow() - lastTraffic >= _options.KeepAlive && !lost.IsCompleted)
            {
                // Only an answered ping proves the broker is alive: a frozen broker keeps the TCP socket open.
                await BoundedAsync("ping", async t =>
                {
                    await client.PingAsync(t).ConfigureAwait(false);
                    return true;
                }, stoppingToken).ConfigureAwait(false);
                lastTraffic = _time.GetUtcNow();
            }
        }
    }

    /// <summary>
    /// Publishes the oldest pending messages one at a time, each marked sent only after its PUBACK. One at a time
    /// keeps the order on the wire equal to the outbox order, also across a failure in the middle of a batch.
    /// The acknowledged ones are marked together when the batch ends or fails: one database transaction per batch,
    /// because on a busy disk a transaction costs milliseconds and one per event would cap a drain far below
    /// 2,000 events/s. A crash in between only repeats the batch's acknowledged events (consumers dedupe).
    /// </summary>
    private async Task<int> RelayBatchAsync(IMqttClient client, CancellationToken stoppingToken)
    {
        var batch = _outbox.PeekPending(BatchSize);
        var acknowledged = new List<long>(batch.Count);
        try
        {
            foreach (var message in batch)
            {
                await PublishAsync(client, message.Topic, message.Payload, retain: false, stoppingToken).ConfigureAwait(false);
                acknowledged.Add(message.Sequence);
            }
        }
        finally
        {
            MarkSent(acknowledged);
        }

        return batch.Count;
    }

    private void MarkSent(List<long> acknowledged)
    {
        if (acknowledged.Count == 0)
        {
            return;
        }

        _outbox.MarkSent(acknowledged);
        SetHealth(h => h with { Delivered = h.Delivered + acknowledged.Count });
    }

    private async Task WaitForWorkAsync(TimeSpan idle, Task lost, CancellationToken stoppingToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var pending = _outbox.WaitForPendingAsync(stop.Token).AsTask();
        var wake = _wake.Reader.WaitToReadAsync(stop.Token).AsTask();
        var delay = Task.Delay(idle, _time, stop.Token);
        var first = await Task.WhenAny(pending, wake, delay, lost).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        _wake.Reader.TryRead(out _);
        stoppingToken.ThrowIfCancellationRequested();
        if (first == pending && pending.IsFaulted)
        {
            // The outbox itself failed (storage error): that is not a broker problem, let the host see it.
            await pending.ConfigureAwait(false);
        }
    }

    private async Task PublishDiscoveryAsync(IMqttClient client, CancellationToken stoppingToken)
    {
        if (!_options.Discovery)
        {
            return;
        }

        foreach (var (topic, payload) in _discovery)
        {
            await PublishAsync(client, topic, payload, retain: true, stoppingToken).ConfigureAwait(false);
        }

        Log.DiscoveryPublished(_logger, _discovery.Count, _options.DiscoveryPrefix);
    }

    private Task PublishStatusAsync(IMqttClient client, CancellationToken stoppingToken)
    {
        Volatile.Write(ref _statusDirty, 0);
        var facts = _board.Current;
        var status = new TerminalStatus
        {
            Time = _time.GetUtcNow(),
            Version = StatusBoard.SoftwareVersion,
            Model = facts.Model,
            Fps = facts.Fps,
            OutboxBacklog = _outbox.PendingCount,
            OutboxAlarm = facts.OutboxAlarm,
            LastError = facts.LastError,
            LastPerson = facts.LastPerson,
            PeoplePresent = facts.PeoplePresent,
        };
        return PublishAsync(client, _topics.Status, MessagePayloads.Serialize(status), retain: true, stoppingToken);
    }

    /// <summary>QoS 1; returns once the broker's PUBACK arrived, throws if it refused or did not answer in time.</summary>
    private async Task PublishAsync(IMqttClient client, string topic, byte[] payload, bool retain, CancellationToken stoppingToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build();
        var result = await BoundedAsync("publish", t => client.PublishAsync(message, t), stoppingToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            var hint = result.ReasonCode == MqttClientPublishReasonCode.NotAuthorized ? "; check the broker's ACL for this user" : string.Empty;
            var reason = string.IsNullOrEmpty(result.ReasonString) ? string.Empty : ": " + result.ReasonString;
            throw new BrokerOperationException("publish", new BrokerFailure(
                BrokerFailureKind.Refused, $"broker refused a publish to '{topic}' ({result.ReasonCode}{reason}){hint}"));
        }
    }

    /// <summary>Runs one broker operation under the operation timeout, turning any failure into a classified one.</summary>
    private async Task<T> BoundedAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(_options.OperationTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            return await action(linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is not BrokerOperationException)
        {
            var failure = BrokerFailure.FromException(e, timeout.IsCancellationRequested);
            throw new BrokerOperationException(operation, failure, e);
        }
    }

    /// <summary>On a clean stop: retained "offline" and a normal DISCONNECT (after which the broker drops the Will).</summary>
    private async Task SayGoodbyeAsync(IMqttClient client)
    {
        try
        {
            await PublishAsync(client, _topics.Availability, OfflinePayload, retain: true, CancellationToken.None).ConfigureAwait(false);
            var disconnect = new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build();
            await BoundedAsync("disconnect", async t =>
            {
                await client.DisconnectAsync(disconnect, t).ConfigureAwait(false);
                return true;
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BrokerOperationException e)
        {
            // The socket closes on dispose either way, and the broker then publishes the Will ("offline").
            Log.ConnectionLost(_logger, _options.Host, _options.Port, e.Failure.Message);
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        // Runs on the client's receive loop: publishing from here would wait for a PUBACK that this very loop has
        // to read, so it only raises a flag for the publisher loop.
        var topic = e.ApplicationMessage.Topic;
        if (topic != _topics.HomeAssistantStatus)
        {
            Log.IgnoredMessage(_logger, topic, "not a topic this terminal subscribes to");
            return Task.CompletedTask;
        }

        var payload = Encoding.UTF8.GetString(e.ApplicationMessage.Payload);
        if (payload == HomeAssistantDiscovery.Online)
        {
            Log.HomeAssistantOnline(_logger);
            Interlocked.Exchange(ref _discoveryRequested, 1);
            _wake.Writer.TryWrite(true);
        }
        else if (payload != HomeAssistantDiscovery.Offline)
        {
            Log.IgnoredMessage(_logger, topic, "payload is neither 'online' nor 'offline'");
        }

        return Task.CompletedTask;
    }

    private void OnBoardChanged()
    {
        Volatile.Write(ref _statusDirty, 1);
        _wake.Writer.TryWrite(true);
    }

    private void Report(BrokerFailure failure)
    {
        var (host, port) = (_options.Host, _options.Port);
        switch (failure.Kind)
        {
            case BrokerFailureKind.BadCredentials:
                Log.BadCredentials(_logger, host, port, failure.Message);
                break;
            case BrokerFailureKind.Tls:
                Log.TlsFailed(_logger, host, port, failure.Message);
                break;
            case BrokerFailureKind.Unreachable:
                Log.Unreachable(_logger, host, port, failure.Message);
                break;
            case BrokerFailureKind.Timeout:
                Log.TimedOut(_logger, host, port, _options.OperationTimeout, failure.Message);
                break;
            case BrokerFailureKind.ConnectionLost:
                Log.ConnectionLost(_logger, host, port, failure.Message);
                break;
            default:
                Log.Refused(_logger, host, port, failure.Message);
                break;
        }

        SetHealth(h => h with { LastFailure = failure });
    }

    private void SetHealth(Func<MqttHealth, MqttHealth> change)
    {
        // Only the publisher loop writes; readers just need a consistent snapshot.
        Volatile.Write(ref _health, change(_health));
    }
}

/// <summary>A broker operation failed; carries the classified reason up to the connection loop.</summary>
internal sealed class BrokerOperationException : Exception
{
    public BrokerOperationException(string operation, BrokerFailure failure, Exception? inner = null)
        : base($"{operation}: {failure.Message}", inner)
    {
        Operation = operation;
        Failure = failure;
    }

    public string Operation { get; }

    public BrokerFailure Failure { get; }
}
