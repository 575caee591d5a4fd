using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Siampain.Attendance;
using Siampain.Messaging;
using Siampain.OutboxProbe;
using Siampain.Storage;

namespace Siampain.Tests.Durability;

/// <summary>
/// The terminal's storage, attendance and MQTT side in this process, built by the service's own registrations on
/// a real database file (see <see cref="ProbeTerminal"/>); started, so the publisher relays the real outbox.
/// </summary>
internal sealed class LiveTerminal : IAsyncDisposable
{
    private readonly IHost _host;
    private int _visitors;

    private LiveTerminal(IHost host, LogCapture logs, string tag)
    {
        _host = host;
        Logs = logs;
        Tag = tag;
    }

    public LogCapture Logs { get; }

    /// <summary>Prefix of the people this terminal makes up, so that two terminals on one database never share one.</summary>
    public string Tag { get; }

    public IServiceProvider Services => _host.Services;

    public SiampainDatabase Database => Services.GetRequiredService<SiampainDatabase>();

    public LiteOutbox Outbox => Services.GetRequiredService<LiteOutbox>();

    public StatusBoard Board => Services.GetRequiredService<StatusBoard>();

    public MqttPublisher Publisher => Services.GetRequiredService<MqttPublisher>();

    public MqttTopics Topics => Publisher.Topics;

    /// <param name="overrides">Configuration keys on top of <see cref="ProbeTerminal.Defaults"/>.</param>
    public static async Task<LiveTerminal> StartAsync(string databasePath, int port, IReadOnlyDictionary<string, string?>? overrides = null,
        TimeProvider? time = null, string tag = "visitor")
    {
        var logs = new LogCapture();
        var host = ProbeTerminal.Build(
            configuration =>
            {
                configuration.AddInMemoryCollection(ProbeTerminal.Defaults(databasePath, port));
                configuration.AddInMemoryCollection(overrides ?? new Dictionary<string, string?>());
            },
            logging => logging.AddProvider(logs),
            time);
        var terminal = new LiveTerminal(host, logs, tag);
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return terminal;
    }

    /// <summary>Records <paramref name="count"/> sightings of new people through the attendance recorder.</summary>
    public List<AttendanceRecord> Record(int count)
    {
        var records = new List<AttendanceRecord>(count);
        for (var i = 0; i < count; i++)
        {
            records.Add(ProbeTerminal.RecordVisitor(Services, $"{Tag}-{_visitors++:D6}"));
        }

        return records;
    }

    /// <summary>The highest seq the outbox has given out (its counter in the database).</summary>
    public long LastSequence => Database.Collection<MetaDocument>(LiteOutbox.MetaCollectionName).FindById(LiteOutbox.SequenceKey)?.Value ?? 0;

    /// <summary>The attendance records in the database, lowest seq first.</summary>
    public List<AttendanceRecord> StoredRecords() =>
        [.. Services.GetRequiredService<AttendanceStore>().Records.FindAll().OrderBy(r => r.Sequence)];

    public Task WaitUntilAsync(Func<bool> done, string what, int seconds = 60) => Wait.UntilAsync(done, what, Describe, seconds);

    public string Describe() => $"health {Publisher.Health}; outbox {Outbox.PendingCount}; log:\n{Logs.Tail(30)}";

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }
}

internal static class Wait
{
    /// <summary>Polls <paramref name="done"/>; fails with <paramref name="describe"/>'s text if it does not hold in time.</summary>
    public static async Task UntilAsync(Func<bool> done, string what, Func<string> describe, int seconds = 60)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(seconds))
            {
                Assert.Fail($"Gave up waiting for {what}; {describe()}");
            }

            await Task.Delay(20);
        }
    }
}
