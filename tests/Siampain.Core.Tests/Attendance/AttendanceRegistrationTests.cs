using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using Siampain.Attendance;
using Siampain.Messaging;
using Siampain.Storage;

namespace Siampain.Tests.Attendance;

public sealed class AttendanceRegistrationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("siampain-di-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_recorder_the_outbox_and_the_clock_come_from_configuration()
    {
        using var provider = Build(new() { ["Storage:Path"] = Path.Combine(_folder, "s.db"), ["Mqtt:DeviceId"] = "door-7" });

        Assert.Same(provider.GetRequiredService<LiteOutbox>(), provider.GetRequiredService<IOutbox>());
        Assert.NotNull(provider.GetRequiredService<AttendanceRecorder>());
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is AttendanceClock);
        Assert.Equal(Path.Combine(_folder, "s.db"), provider.GetRequiredService<SiampainDatabase>().Path);
    }

    [Theory]
    [InlineData("Storage:CheckpointSeconds", "0", "CheckpointSeconds")]
    [InlineData("Outbox:MaxPending", "5", "MaxPending")]
    [InlineData("Attendance:MinimumGapSeconds", "1", "MinimumGapSeconds")]
    public void A_value_out_of_range_is_refused_naming_the_key(string key, string value, string named)
    {
        using var provider = Build(new() { ["Storage:Path"] = Path.Combine(_folder, "s.db"), [key] = value });

        var section = key.Split(':')[0];
        var error = Assert.Throws<OptionsValidationException>(() => _ = section switch
        {
            "Storage" => (object)provider.GetRequiredService<IOptions<StorageOptions>>().Value,
            "Outbox" => provider.GetRequiredService<IOptions<OutboxOptions>>().Value,
            _ => provider.GetRequiredService<IOptions<AttendanceOptions>>().Value,
        });
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_near_full_outbox_raises_the_status_alarm()
    {
        using var provider = Build(new() { ["Storage:Path"] = Path.Combine(_folder, "s.db"), ["Outbox:MaxPending"] = "100" });
        var db = provider.GetRequiredService<SiampainDatabase>();
        var outbox = provider.GetRequiredService<LiteOutbox>();
        var board = provider.GetRequiredService<StatusBoard>();

        for (var i = 0; i < 80; i++)
        {
            db.Write(() => outbox.Enqueue("t", _ => [1]), durable: false);
        }

        Assert.True(board.Current.OutboxAlarm);
        foreach (var message in outbox.PeekPending(100))
        {
            outbox.MarkSent(message.Sequence);
        }

        Assert.False(board.Current.OutboxAlarm);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddAttendance(configuration);
        return services.BuildServiceProvider();
    }
}
