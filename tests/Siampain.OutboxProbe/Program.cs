using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Siampain.OutboxProbe;
using Siampain.Storage;

// The terminal's storage + attendance + MQTT side as a process of its own, for tests that kill it with SIGKILL.
// Configuration comes from the command line (--Storage:Path=..., --Mqtt:Port=..., any service key), plus:
//   --Probe:Events=N      sightings of new people to record after start (default 0)
//   --Probe:IntervalMs=N  pause between two of them (default 0)
//   --Probe:Tag=TEXT      prefix of the made-up person ids, unique per run
// stdout carries one line per fact the test reads: "ready", "recorded <seq> <event_id>" (printed only after the
// record's transaction is durable), "produced", "drained" (the outbox is empty afterwards). Logs go to stderr.
// Closing stdin stops it cleanly, like SIGTERM from systemd.
var command = new ConfigurationBuilder().AddCommandLine(args).Build();
var databasePath = command["Storage:Path"] ?? throw new ArgumentException("--Storage:Path=<file> is required");
var port = int.Parse(command["Mqtt:Port"] ?? throw new ArgumentException("--Mqtt:Port=<port> is required"), CultureInfo.InvariantCulture);
var events = int.Parse(command["Probe:Events"] ?? "0", CultureInfo.InvariantCulture);
var interval = TimeSpan.FromMilliseconds(int.Parse(command["Probe:IntervalMs"] ?? "0", CultureInfo.InvariantCulture));
var tag = command["Probe:Tag"] ?? "visitor";

using var host = ProbeTerminal.Build(
    configuration =>
    {
        configuration.AddInMemoryCollection(ProbeTerminal.Defaults(databasePath, port));
        configuration.AddCommandLine(args);
    },
    logging =>
    {
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    });

await host.StartAsync();
Console.WriteLine("ready");
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
_ = Task.Run(() =>
{
    Console.In.ReadToEnd();
    lifetime.StopApplication();
});
for (var i = 0; i < events && !lifetime.ApplicationStopping.IsCancellationRequested; i++)
{
    var record = ProbeTerminal.RecordVisitor(host.Services, $"{tag}-{i:D5}");
    Console.WriteLine(FormattableString.Invariant($"recorded {record.Sequence} {record.EventId}"));
    if (interval > TimeSpan.Zero)
    {
        await Task.Delay(interval);
    }
}

Console.WriteLine("produced");
var outbox = host.Services.GetRequiredService<LiteOutbox>();
while (outbox.PendingCount > 0 && !lifetime.ApplicationStopping.IsCancellationRequested)
{
    await Task.Delay(50);
}

Console.WriteLine("drained");
await host.WaitForShutdownAsync();
