using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Siampain.Attendance;
using Siampain.Messaging;
using Siampain.Storage;

namespace Siampain.OutboxProbe;

/// <summary>
/// The terminal's storage, attendance and MQTT side wired the way the service wires them (the same registration
/// extensions, options bound from configuration and validated at start), without camera or models. The durability
/// tests run it in-process, and in a child process (<c>Program</c>) when they need to SIGKILL it.
/// </summary>
public static class ProbeTerminal
{
    public const string DeviceId = "door-1";
    public const string TopicPrefix = "school/siampain";
    public const string CourseId = "drill";

    /// <summary>
    /// Short timeouts and back-off so that faults show up within seconds; everything else is the service default.
    /// Later sources (test overrides, command line) win.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Defaults(string databasePath, int port) => new Dictionary<string, string?>
    {
        ["Storage:Path"] = databasePath,
        ["Mqtt:Host"] = "127.0.0.1",
        ["Mqtt:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mqtt:DeviceId"] = DeviceId,
        ["Mqtt:TopicPrefix"] = TopicPrefix,
        ["Mqtt:KeepAlive"] = "00:00:03",
        ["Mqtt:OperationTimeout"] = "00:00:02",
        ["Mqtt:BackoffMin"] = "00:00:00.050",
        ["Mqtt:BackoffMax"] = "00:00:00.500",
    };

    /// <param name="configure">Adds configuration sources after the defaults (overrides, command line).</param>
    /// <param name="time">The clock of every component; null for the system clock.</param>
    public static IHost Build(Action<IConfigurationBuilder> configure, Action<ILoggingBuilder> logging, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(logging);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        configure(builder.Configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        logging(builder.Logging);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddAttendance(builder.Configuration);
        builder.Services.AddMqttPublisher(builder.Configuration);
        var host = builder.Build();

        // Resolving the store opens the database: a damaged file is found, set aside and salvaged right here,
        // before anything else runs, exactly as at the service's start.
        SeedCourse(host.Services.GetRequiredService<AttendanceStore>());
        return host;
    }

    /// <summary>
    /// One course that meets all day, every day, with nobody on its roster: every new face is a "not on roster"
    /// record, so each sighting of a new person gives exactly one event whatever the time of day.
    /// </summary>
    public static void SeedCourse(AttendanceStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store.FindCourse(CourseId) is not null)
        {
            return;
        }

        store.SaveCourses([
            new Course
            {
                Id = CourseId,
                Name = "Fire drill",
                Schedule = [.. Enum.GetValues<DayOfWeek>().Select(day => new ScheduleSlot { Day = day, Start = TimeOnly.MinValue, End = TimeOnly.MaxValue })],
            },
        ]);
    }

    /// <summary>Records one sighting of a person never seen before; returns once the record and its event are durable.</summary>
    /// <exception cref="InvalidOperationException">No session was running (only in the last tick before midnight).</exception>
    public static AttendanceRecord RecordVisitor(IServiceProvider services, string person)
    {
        ArgumentNullException.ThrowIfNull(services);
        var recorder = services.GetRequiredService<AttendanceRecorder>();
        var time = services.GetRequiredService<TimeProvider>();
        var records = recorder.Record(new Sighting(time.GetUtcNow(), person, null, 0.9));
        return records.Count == 1 ? records[0] : throw new InvalidOperationException($"sighting of {person} gave {records.Count} records");
    }

    public static MqttTopics Topics(IServiceProvider services) => services.GetRequiredService<MqttPublisher>().Topics;
}
