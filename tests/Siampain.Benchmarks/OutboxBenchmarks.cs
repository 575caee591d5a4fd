using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Siampain.Messaging;
using Siampain.Storage;
using Siampain.Tests.Infrastructure;

namespace Siampain.Benchmarks;

/// <summary>
/// A real LiteDB outbox in a temp folder and, where needed, a real mosquitto on loopback with the real publisher.
/// Payloads are real attendance events, so sizes are what the terminal stores.
/// </summary>
public abstract class OutboxBenchmarkBase
{
    private string _folder = null!;

    private protected SiampainDatabase Db { get; private set; } = null!;

    private protected LiteOutbox Outbox { get; private set; } = null!;

    private protected MqttTopics Topics { get; } = new(new MqttOptions { DeviceId = "door-1", TopicPrefix = "school/siampain" });

    private protected MosquittoBroker? Broker { get; private set; }

    protected void OpenDatabase()
    {
        _folder = Directory.CreateTempSubdirectory("siampain-bench-outbox-").FullName;
        Db = new SiampainDatabase(new StorageOptions { Path = Path.Combine(_folder, "siampain.db") }, TimeProvider.System);
        Outbox = new LiteOutbox(Db, new OutboxOptions { MaxPending = 10_000_000 });
    }

    protected void StartBroker() => Broker = MosquittoBroker.StartAsync().GetAwaiter().GetResult();

    protected MqttPublisher NewPublisher()
    {
        var options = new MqttOptions
        {
            Host = "127.0.0.1",
            Port = Broker!.Port,
            DeviceId = "door-1",
            TopicPrefix = "school/siampain",
            Discovery = false,
        };
        return new MqttPublisher(Outbox, Microsoft.Extensions.Options.Options.Create(options), new StatusBoard(), TimeProvider.System,
            NullLogger<MqttPublisher>.Instance);
    }

    /// <summary>One event in its own transaction, as the recorder commits it.</summary>
    protected void Enqueue(bool durable) => Db.Write(() => Outbox.Enqueue(Topics.Events, Payload), durable);

    /// <summary>Buffers <paramref name="count"/> events quickly (many per transaction): setup, not measured.</summary>
    protected void Fill(int count)
    {
        for (var done = 0; done < count; done += 1000)
        {
            var batch = Math.Min(1000, count - done);
            Db.Write(() =>
            {
                for (var i = 0; i < batch; i++)
                {
                    Outbox.Enqueue(Topics.Events, Payload);
                }
            }, durable: false);
        }

        Db.Checkpoint();
    }

    protected void WaitUntilDrained()
    {
        while (Outbox.PendingCount > 0)
        {
            Thread.Sleep(1);
        }
    }

    protected void Close()
    {
        Outbox.Dispose();
        Db.Dispose();
        Broker?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_folder, recursive: true);
    }

    private byte[] Payload(OutboxEnvelope envelope) => MessagePayloads.Serialize(new AttendanceEvent
    {
        EventId = envelope.EventId,
        Seq = envelope.Sequence,
        Time = envelope.CreatedAt,
        Device = Topics.DeviceId,
        Course = "CS101",
        Session = "CS101-2026-11-24-0800",
        Person = FormattableString.Invariant($"s2024-{envelope.Sequence % 10_000:D4}"),
        Status = AttendanceStatuses.Present,
        Confidence = 0.87,
    });
}

/// <summary>What making a commit durable (fsync of the data file) costs per event, against LiteDB's plain commit.</summary>
[MedianColumn]
[WarmupCount(1)]
[IterationCount(5)]
public class OutboxCommitBenchmarks : OutboxBenchmarkBase
{
    [GlobalSetup]
    public void Setup() => OpenDatabase();

    [GlobalCleanup]
    public void Cleanup() => Close();

    [Benchmark(Baseline = true, Description = "commit one event, not durable")]
    public void PlainCommit() => Enqueue(durable: false);

    [Benchmark(Description = "commit one event, durable (fsync)")]
    public void DurableCommit() => Enqueue(durable: true);
}

/// <summary>Events recorded one per durable transaction while the broker is up: recorded-to-acknowledged rate.</summary>
[MedianColumn]
[WarmupCount(1)]
[IterationCount(5)]
public class OutboxPublishBenchmarks : OutboxBenchmarkBase
{
    private const int Events = 500;
    private MqttPublisher _publisher = null!;

    [GlobalSetup]
    public void Setup()
    {
        OpenDatabase();
        StartBroker();
        _publisher = NewPublisher();
        _publisher.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        while (!_publisher.Health.Connected)
        {
            Thread.Sleep(10);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _publisher.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _publisher.Dispose();
        Close();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "record durably and publish, per event")]
    public void RecordAndPublish()
    {
        for (var i = 0; i < Events; i++)
        {
            Enqueue(durable: true);
        }

        WaitUntilDrained();
    }
}

/// <summary>
/// 100,000 events buffered during an outage, then the broker is back: time per event until all are acknowledged
/// (target: at least 2,000 events/s, i.e. at most 500 us per event). Also prints the database size they take.
/// </summary>
[MedianColumn]
[WarmupCount(1)]
[IterationCount(2)]
[InvocationCount(1)]
public class OutboxDrainBenchmarks : OutboxBenchmarkBase
{
    private const int Buffered = 100_000;
    private MqttPublisher? _publisher;

    [GlobalSetup]
    public void Setup()
    {
        OpenDatabase();
        StartBroker();
    }

    [GlobalCleanup]
    public void Cleanup() => Close();

    [IterationSetup]
    public void Buffer()
    {
        var before = new FileInfo(Db.Path).Length;
        Fill(Buffered);
        Console.WriteLine(FormattableString.Invariant(
            $"// database: {new FileInfo(Db.Path).Length:N0} bytes with {Buffered:N0} events pending (file was {before:N0} bytes before)"));
        _publisher = NewPublisher();
    }

    [Benchmark(OperationsPerInvoke = Buffered, Description = "drain 100,000 buffered events, per event")]
    public void Drain()
    {
        _publisher!.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        WaitUntilDrained();
    }

    [IterationCleanup]
    public void StopPublisher()
    {
        _publisher!.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        _publisher.Dispose();
    }
}
