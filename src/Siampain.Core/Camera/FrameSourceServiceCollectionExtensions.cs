using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Siampain.Camera;

public static class FrameSourceServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="FrameSourceOptions"/> to the "Camera" section, validated at start, and registers the
    /// <see cref="IFrameSource"/> (not started). A host that can offer more kinds (OpenCV on x64) registers its own
    /// <see cref="IFrameCaptureFactory"/>, which is then used instead of the built-in ones.
    /// </summary>
    public static IServiceCollection AddFrameSource(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<FrameSourceOptions>().Bind(configuration.GetSection(FrameSourceOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FrameSourceOptions>, FrameSourceOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFrameSource>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<FrameSourceOptions>>().Value;
            var time = provider.GetRequiredService<TimeProvider>();
            var loggers = provider.GetRequiredService<ILoggerFactory>();
            return provider.GetService<IFrameCaptureFactory>() is { } factory
                ? new FrameSource(options, factory, time, loggers.CreateLogger<FrameSource>())
                : FrameSource.Create(options, time, loggers);
        });
        return services;
    }
}
