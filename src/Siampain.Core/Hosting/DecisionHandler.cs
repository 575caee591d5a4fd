using Microsoft.Extensions.Logging;
using Siampain.Attendance;
using Siampain.Gpio;
using Siampain.Pipeline;
using Siampain.Storage;

namespace Siampain.Hosting;

/// <summary>What one decision caused at the door.</summary>
/// <param name="Records">The attendance records it wrote (none when it changed nothing or was not recorded).</param>
/// <param name="Signal">What the door showed.</param>
/// <param name="Failure">Why the decision could not be stored, else null.</param>
public sealed record DecisionOutcome(IReadOnlyList<AttendanceRecord> Records, DoorSignalKind Signal, string? Failure);

/// <summary>
/// Turns the pipeline's decisions into attendance records and door signals, the one way the service and the demo
/// share. Recognised and unknown faces are recorded (durably, with their outbox event) before the door says
/// anything, so a signal the person saw is never for a record that was lost. An uncertain face is not recorded:
/// the door shows the error pattern (look again) and the log keeps the track, since a guess must neither check a
/// student in nor put a student on record as a stranger.
/// </summary>
public sealed class DecisionHandler
{
    private readonly AttendanceRecorder _recorder;
    private readonly IDoorSignal _door;
    private readonly Func<string, string> _nameOf;
    private readonly ILogger _logger;

    public DecisionHandler(AttendanceRecorder recorder, IDoorSignal door, Func<string, string> nameOf, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(door);
        ArgumentNullException.ThrowIfNull(nameOf);
        ArgumentNullException.ThrowIfNull(logger);
        _recorder = recorder;
        _door = door;
        _nameOf = nameOf;
        _logger = logger;
    }

    public async Task<DecisionOutcome> HandleAsync(FaceDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (Sighting.From(decision) is not { } sighting)
        {
            Log.Uncertain(_logger, decision.TrackId, decision.Votes);
            await SignalAsync(DoorSignalKind.Error, null, cancellationToken).ConfigureAwait(false);
            return new DecisionOutcome([], DoorSignalKind.Error, null);
        }

        IReadOnlyList<AttendanceRecord> records;
        try
        {
            records = _recorder.Record(sighting);
        }
        catch (StorageException e)
        {
            // The record could not be kept: the person must see that something is wrong, not a welcome.
            Log.RecordFailed(_logger, e, decision.TrackId);
            await SignalAsync(DoorSignalKind.Error, null, cancellationToken).ConfigureAwait(false);
            return new DecisionOutcome([], DoorSignalKind.Error, e.Message);
        }

        Log.Decided(_logger, decision.TrackId, decision.Kind, decision.PersonId ?? "-", decision.Confidence, records.Count, decision.Latency.TotalMilliseconds);
        var signal = SignalFor(decision.Kind, records);
        var name = decision.PersonId is { } id ? _nameOf(id) : null;
        var subject = records.Count > 0 && records[^1].Status == AttendanceStatus.NotOnRoster ? $"{name} (not on the roster)" : name;
        await SignalAsync(signal, subject, cancellationToken).ConfigureAwait(false);
        return new DecisionOutcome(records, signal, null);
    }

    /// <summary>
    /// What the door shows: the status the record got when there is one, else the recognition itself (a known
    /// face outside any session, or seen again within the minimum gap, is still greeted).
    /// </summary>
    internal static DoorSignalKind SignalFor(DecisionKind kind, IReadOnlyList<AttendanceRecord> records)
    {
        if (records.Count == 0)
        {
            return kind == DecisionKind.Recognised ? DoorSignalKind.Recognised : DoorSignalKind.Unknown;
        }

        return records[0].Status switch
        {
            AttendanceStatus.Present or AttendanceStatus.Returned => DoorSignalKind.Recognised,
            AttendanceStatus.Late => DoorSignalKind.Late,
            AttendanceStatus.Exit or AttendanceStatus.LeftEarly => DoorSignalKind.Exit,
            _ => DoorSignalKind.Unknown,
        };
    }

    private async Task SignalAsync(DoorSignalKind kind, string? subject, CancellationToken cancellationToken)
    {
        try
        {
            await _door.SignalAsync(kind, subject, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DoorSignalException or IOException or InvalidOperationException)
        {
            // The record is already stored; a broken LED must not stop attendance.
            Log.SignalFailed(_logger, e, kind);
        }
    }
}
