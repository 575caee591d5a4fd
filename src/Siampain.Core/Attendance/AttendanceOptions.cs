using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Siampain.Attendance;

/// <summary>Configuration section "Attendance".</summary>
public sealed class AttendanceOptions
{
    public const string SectionName = "Attendance";
    public const string DefaultDeviceId = "siampain";
    public const string DefaultTopicPrefix = "siampain";
    public const int DefaultMinimumGapSeconds = 60;
    public const int DefaultUnknownGapSeconds = 60;
    public const int DefaultOpenBeforeMinutes = 15;

    /// <summary>This terminal's id in events and topics.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "Attendance:DeviceId must be 1-64 letters, digits, '_' or '-' (it is part of MQTT topics).")]
    public string DeviceId { get; set; } = DefaultDeviceId;

    /// <summary>Topics are "{TopicPrefix}/{DeviceId}/attendance" and "{TopicPrefix}/{DeviceId}/session".</summary>
    [Required]
    [RegularExpression("^[^#+]{1,128}$", ErrorMessage = "Attendance:TopicPrefix must not be empty or contain the MQTT wildcards '#' or '+'.")]
    public string TopicPrefix { get; set; } = DefaultTopicPrefix;

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

    public string AttendanceTopic => $"{TopicPrefix}/{DeviceId}/attendance";

    public string SessionTopic => $"{TopicPrefix}/{DeviceId}/session";
}

[OptionsValidator]
public sealed partial class AttendanceOptionsValidator : IValidateOptions<AttendanceOptions>;
