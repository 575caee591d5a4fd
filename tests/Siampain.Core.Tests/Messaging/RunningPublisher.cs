using System.Diagnostics;
using Microsoft.Extensions.Options;
using Siampain.Messaging;

namespace Siampain.Tests.Messaging;

/// <summary>An <see cref="MqttPublisher"/> started against a test broker, with its outbox, board and log at hand.</summary>
internal sealed class RunningPublisher : IAsyncDisposable
{
    private RunningPublisher(MqttOptions options)
    {
        Options = options;
        Publisher = new MqttPublisher(Outbox, Microsoft.Extensions.Options.Options.Create(options), Board, TimeProvider.System, Logger);
    }

    public MqttOptions Options { get; }

    public InMemoryOutbox Outbox { get; } = new();

    public StatusBoard Board { get; } = new();

    public CollectingLogger<MqttPublisher> Logger { get; } = new();

    public MqttPublisher Publisher { get; }

    public MqttTopics Topics => Publisher.Topics;

    /// <summary>Short timeouts and back-off so that faults show up quickly; same code paths as production.</summary>
    public static MqttOptions OptionsFor(int port) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        DeviceId = "door-1",
        TopicPrefix = "school/siampain",
        KeepAlive = TimeSpan.FromSeconds(3),
        OperationTimeout = TimeSpan.FromSeconds(2),
        BackoffMin = TimeSpan.FromMilliseconds(50),
        BackoffMax = TimeSpan.FromMilliseconds(500),
    };

    public static async Task<RunningPublisher> StartAsync(MqttOptions options)
    {
        MqttOptionsValidator.ThrowIfInvalid(options);
        var running = new RunningPublisher(options);
        await running.Publisher.StartAsync(CancellationToken.None);
        return running;
    }

    public async Task WaitUntilAsync(Func<MqttHealth, bool> done, string what, int seconds = 60)
    {
        var clock = Stopwatch.StartNew();
        while (!done(Publisher.Health))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"Gave up waiting for {what}; {Describe()}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Health, backlog and the latest log lines, for failure messages.</summary>
    public string Describe()
    {
        var log = string.Join("\n", Logger.Entries.TakeLast(30).Select(e => $"{e.Level} {e.EventId.Id} {e.Message}"));
        return $"health {Publisher.Health}; outbox {Outbox.PendingCount}; log:\n{log}";
    }

    public Task StopAsync() => Publisher.StopAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Publisher.Dispose();
    }
}
