using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Siampain.Attendance;
using Siampain.Camera;
using Siampain.Gpio;
using Siampain.Messaging;
using Siampain.Pipeline;

namespace Siampain.Hosting;

public static class TerminalServiceCollectionExtensions
{
    /// <summary>
    /// The whole terminal: camera, recognition, attendance with storage, door signal, MQTT publisher, the frame
    /// loop and the systemd watchdog. Every section is bound and validated at start. Hosted services start in the
    /// order the data needs them: the attendance clock, MQTT, the frame loop, the watchdog.
    /// </summary>
    public static IServiceCollection AddSiampainTerminal(this IServiceCollection services, IConfiguration configuration, ConfigurationReport report)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(report);
        services.AddOptions<TerminalOptions>().Bind(configuration.GetSection(TerminalOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TerminalOptions>, TerminalOptionsValidator>());
        services.AddOptions<RecognitionOptions>().Bind(configuration.GetSection(RecognitionOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RecognitionOptions>, RecognitionOptionsValidator>());

        services.AddFrameSource(configuration);
        services.AddDoorSignal(configuration);
        services.AddAttendance(configuration);
        services.AddMqttPublisher(configuration);

        services.TryAddSingleton(provider => new RecognitionEngine(
            provider.GetRequiredService<IOptions<RecognitionOptions>>().Value, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IRecognitionPipeline>(provider => provider.GetRequiredService<RecognitionEngine>().Pipeline);
        services.TryAddSingleton(provider => new FrameLoopHealth(
            provider.GetRequiredService<IOptions<TerminalOptions>>().Value, provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(_ => WatchdogSettings.FromEnvironment(Environment.GetEnvironmentVariable, Environment.ProcessId));
        services.TryAddSingleton<AttendanceStore>();
        services.TryAddSingleton<FrameLoop>();
        services.AddHostedService(provider => provider.GetRequiredService<FrameLoop>());
        services.TryAddSingleton<WatchdogNotifier>();
        services.AddHostedService(provider => provider.GetRequiredService<WatchdogNotifier>());
        return services;
    }
}
