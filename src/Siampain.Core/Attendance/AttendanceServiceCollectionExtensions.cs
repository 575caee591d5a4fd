using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siampain.Messaging;
using Siampain.Storage;

namespace Siampain.Attendance;

public static class AttendanceServiceCollectionExtensions
{
    /// <summary>
    /// Registers the attendance recorder (section "Attendance", validated at start) and the clock that opens and
    /// closes sessions, with the storage they write to. Topics and device id come from the "Mqtt" section.
    /// </summary>
    public static IServiceCollection AddAttendance(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AttendanceOptions>().Bind(configuration.GetSection(AttendanceOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AttendanceOptions>, AttendanceOptionsValidator>());
        services.AddSiampainStorage(configuration);

        // Events carry the MQTT device id and topics even on a terminal that runs without a broker; the publisher,
        // when registered, binds and validates the same section.
        services.AddOptions<MqttOptions>().Bind(configuration.GetSection(MqttOptions.SectionName));
        services.TryAddSingleton<AttendanceStore>();
        services.TryAddSingleton(provider => new AttendanceRecorder(
            provider.GetRequiredService<AttendanceStore>(),
            provider.GetRequiredService<LiteOutbox>(),
            provider.GetRequiredService<PeopleStore>(),
            provider.GetRequiredService<IOptions<AttendanceOptions>>().Value,
            new MqttTopics(provider.GetRequiredService<IOptions<MqttOptions>>().Value),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<AttendanceRecorder>>()));
        services.AddHostedService<AttendanceClock>();
        return services;
    }
}
