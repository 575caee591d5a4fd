using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Siampain.Messaging;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the MQTT publisher as a hosted service with its options bound to the "Mqtt" section and validated
    /// at start. The caller registers the <see cref="IOutbox"/> (the storage side).
    /// </summary>
    public static IServiceCollection AddMqttPublisher(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MqttOptions>().Bind(configuration.GetSection(MqttOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StatusBoard>();
        services.TryAddSingleton<MqttPublisher>();
        services.AddHostedService(provider => provider.GetRequiredService<MqttPublisher>());
        return services;
    }
}
