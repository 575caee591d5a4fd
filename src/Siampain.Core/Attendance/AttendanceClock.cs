using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Siampain.Storage;

namespace Siampain.Attendance;

/// <summary>Opens and closes sessions on time even when nobody walks past the door.</summary>
public sealed class AttendanceClock(AttendanceRecorder recorder, TimeProvider time, ILogger<AttendanceClock> logger) : BackgroundService
{
    /// <summary>Session boundaries are minutes apart; a few seconds late is invisible in the records.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                recorder.Tick();
            }
            catch (StorageException e)
            {
                // The database said what is wrong; the next tick retries, nothing decided so far is lost.
                Log.TickFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
