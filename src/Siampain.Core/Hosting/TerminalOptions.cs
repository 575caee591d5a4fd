using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Siampain.Hosting;

/// <summary>The frame loop's health rules, bound to the "Terminal" configuration section.</summary>
public sealed class TerminalOptions : IValidatableObject
{
    public const string SectionName = "Terminal";
    public const string DefaultHealthTimeout = "00:00:10";
    public const int DefaultMaxConsecutiveFailures = 5;

    /// <summary>
    /// The frame loop counts as healthy while it processed a frame within this long. Longer than a camera
    /// restart's first back-off, shorter than the service's WatchdogSec, so a dead camera or a hung loop ends in
    /// a restart by systemd but a camera blip does not.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HealthTimeout { get; set; } = TimeSpan.Parse(DefaultHealthTimeout, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Frames in a row whose processing threw before the loop counts as unhealthy (one bad frame is not a failure).</summary>
    [Range(1, 1000)]
    public int MaxConsecutiveFailures { get; set; } = DefaultMaxConsecutiveFailures;

    /// <summary>How often the frame rate is put on the status board.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:10:00")]
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StatusInterval > HealthTimeout)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(StatusInterval)} ({StatusInterval}) is longer than {nameof(HealthTimeout)} ({HealthTimeout}).",
                [nameof(StatusInterval)]);
        }
    }
}

[OptionsValidator]
public sealed partial class TerminalOptionsValidator : IValidateOptions<TerminalOptions>;
