using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Siampain.Gpio;

public static class DoorSignalServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="DoorSignalOptions"/> to the "Door" section, validated at start, and registers the
    /// <see cref="IDoorSignal"/> that <see cref="DoorSignalOptions.Output"/> names. Needs a TimeProvider registered
    /// (TimeProvider.System is added if none is).
    /// </summary>
    public static IServiceCollection AddDoorSignal(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DoorSignalOptions>().Bind(configuration.GetSection(DoorSignalOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DoorSignalOptions>, DoorSignalOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDoorSignal>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DoorSignalOptions>>().Value;
            return options.Output switch
            {
                DoorSignalOutput.Gpio => new GpioDoorSignal(options, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<GpioDoorSignal>>()),
                DoorSignalOutput.Console => new ConsoleDoorSignal(),
                _ => NullDoorSignal.Instance,
            };
        });
        return services;
    }
}

/// <summary>For a terminal without an indicator (Output = None).</summary>
public sealed class NullDoorSignal : IDoorSignal
{
    public static readonly NullDoorSignal Instance = new();

    private NullDoorSignal()
    {
    }

    public ValueTask SignalAsync(DoorSignalKind kind, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
