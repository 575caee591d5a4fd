using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Siampain.Messaging;

namespace Siampain.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the database (sections "Storage" and "Outbox", validated at start), the outbox as the
    /// <see cref="IOutbox"/> the MQTT relay reads, and the people store. The outbox's limit level drives the
    /// status board's alarm.
    /// </summary>
    public static IServiceCollection AddSiampainStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName)).ValidateOnStart();
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StatusBoard>();
        services.TryAddSingleton(provider => new SiampainDatabase(
            provider.GetRequiredService<IOptions<StorageOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<SiampainDatabase>>()));
        services.TryAddSingleton(provider =>
        {
            var db = provider.GetRequiredService<SiampainDatabase>();
            var outbox = new LiteOutbox(
                db,
                provider.GetRequiredService<IOptions<OutboxOptions>>().Value,
                provider.GetRequiredService<ILogger<LiteOutbox>>());
            var board = provider.GetRequiredService<StatusBoard>();
            if (db.Recovery is { } report)
            {
                // The log says it once at start; the retained status keeps saying it to the dashboard.
                board.Update(facts => facts with
                {
                    LastError = $"database was damaged ({report.Problem}); recovered {report.RecoveredDocuments} documents, the damaged file is kept as {report.SetAsidePath}",
                });
            }

            outbox.LevelChanged += status => board.Update(facts => facts with { OutboxAlarm = status.Level != OutboxLevel.Normal });
            return outbox;
        });
        services.TryAddSingleton<IOutbox>(provider => provider.GetRequiredService<LiteOutbox>());
        services.TryAddSingleton<PeopleStore>();
        return services;
    }
}
