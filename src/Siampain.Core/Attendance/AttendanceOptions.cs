using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Siampain.Attendance;

/// <summary>Configuration section "Attendance".</summary>
public sealed class AttendanceOptions
{
    public const string SectionName = "Attendance";
    public const int DefaultMinimumGapSeconds = 60;
    public const int DefaultUnknownGapSeconds = 60;
    public const int DefaultOpenBeforeMinutes = 15;

    /// <summary>The room or door this terminal watches; empty runs every course slot.</summary>
    public string Room { get; set; } = "";

    /// <summary>Two sightings of one person closer than this are one passage through the door, not an exit.</summary>
    [Range(5, 3600)]
    public int MinimumGapSeconds { get; set; } = DefaultMinimumGapSeconds;

    /// <summary>Unknown faces closer together than this give one "unknown" record.</summary>
    [Range(5, 3600)]
    public int UnknownGapSeconds { get; set; } = DefaultUnknownGapSeconds;

    /// <summary>A session opens this long before its start so that students arriving early count.</summary>
    [Range(0, 120)]
    public int OpenBeforeMinutes { get; set; } = DefaultOpenBeforeMinutes;

}

[OptionsValidator]
public sealed partial class AttendanceOptionsValidator : IValidateOptions<AttendanceOptions>;
