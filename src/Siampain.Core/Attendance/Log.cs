using Microsoft.Extensions.Logging;

namespace Siampain.Attendance;

internal static partial class Log
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Session {Session} opened ({Start:t}-{End:t})")]
    public static partial void SessionOpened(ILogger logger, string session, DateTimeOffset start, DateTimeOffset end);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
        Message = "Session {Session} closed: {Present} present, {Late} late, {LeftEarly} left early, {Absent} absent")]
    public static partial void SessionClosed(ILogger logger, string session, int present, int late, int leftEarly, int absent);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning,
        Message = "Session {Session} passed while the terminal was off: no attendance was taken for it")]
    public static partial void SessionMissed(ILogger logger, string session);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Session {Session} continues from its {Records} stored records")]
    public static partial void SessionResumed(ILogger logger, string session, int records);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Debug, Message = "Session {Session}: {Person} is {Status}")]
    public static partial void Recorded(ILogger logger, string session, string? person, AttendanceStatus status);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Debug, Message = "Sighting at {Time:o} outside any open session; ignored")]
    public static partial void NoSession(ILogger logger, DateTimeOffset time);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Warning, Message = "Course {Course} in session {Session} no longer exists; closing the session without it")]
    public static partial void CourseMissing(ILogger logger, string course, string session);

    [LoggerMessage(EventId = 3120, Level = LogLevel.Error, Message = "Opening or closing sessions failed; retrying at the next tick")]
    public static partial void TickFailed(ILogger logger, Exception exception);
}
