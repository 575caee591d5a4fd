using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Siampain.Storage;

/// <summary>
/// Configuration section "Outbox". The limits do not drop anything: attendance events are kept whatever the
/// backlog; crossing a limit raises the status (and through it the retained alarm) so someone fixes the link.
/// </summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";
    public const int DefaultMaxPending = 100_000;
    public const int DefaultMaxAgeHours = 7 * 24;
    public const int DefaultNearLimitPercent = 80;

    /// <summary>Pending events at which the outbox counts as full (about 50 MB of database at 500 bytes each).</summary>
    [Range(100, 10_000_000)]
    public int MaxPending { get; set; } = DefaultMaxPending;

    /// <summary>Age of the oldest pending event at which the outbox counts as full.</summary>
    [Range(1, 24 * 365)]
    public int MaxAgeHours { get; set; } = DefaultMaxAgeHours;

    /// <summary>Share of either limit from which the status says "near limit".</summary>
    [Range(10, 100)]
    public int NearLimitPercent { get; set; } = DefaultNearLimitPercent;
}

[OptionsValidator]
public sealed partial class OutboxOptionsValidator : IValidateOptions<OutboxOptions>;
