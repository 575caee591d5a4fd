using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Siampain.Camera;

/// <summary>
/// Runs a program that writes raw frames to stdout (rpicam-vid, ffmpeg, gst-launch) and starts it again for each
/// capture session. Nothing about the program is assumed beyond the frame layout.
/// </summary>
public sealed class ProcessFrameCaptureFactory : IFrameCaptureFactory
{
    private readonly ILogger _logger;

    public ProcessFrameCaptureFactory(string command, IEnumerable<string> arguments, RawPixelFormat format, int width, int height, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Command = command;
        Arguments = [.. arguments];
        Format = format;
        Width = width;
        Height = height;
        FrameBytes = PixelConversion.FrameBytes(format, width, height);
        _logger = logger;
    }

    public string Command { get; }

    public IReadOnlyList<string> Arguments { get; }

    public RawPixelFormat Format { get; }

    public int Width { get; }

    public int Height { get; }

    internal int FrameBytes { get; }

    public string Description => $"'{Command}' ({Width}x{Height} {Format})";

    /// <summary>rpicam-vid writing raw I420 frames forever, with no preview window (the terminal is headless).</summary>
    public static ProcessFrameCaptureFactory ForRpicam(FrameSourceOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var command = string.IsNullOrWhiteSpace(options.Command) ? FrameSourceOptions.DefaultRpicamCommand : options.Command;
        string[] arguments =
        [
            "-t", "0", "--codec", "yuv420", "--nopreview",
            "--width", $"{options.Width}", "--height", $"{options.Height}", "--framerate", $"{options.FrameRate}",
            .. options.Arguments, "-o", "-",
        ];
        return new ProcessFrameCaptureFactory(command, arguments, RawPixelFormat.I420, options.Width, options.Height, logger);
    }

    public static ProcessFrameCaptureFactory ForCommand(FrameSourceOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ProcessFrameCaptureFactory(options.Command, options.Arguments, options.PixelFormat, options.Width, options.Height, logger);
    }

    public ValueTask<IFrameCapture> OpenAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IFrameCapture>(ProcessFrameCapture.Start(this, _logger));
}

/// <summary>One run of the camera program. Reads whole frames only: a frame cut short is an error, never delivered.</summary>
internal sealed class ProcessFrameCapture : IFrameCapture
{
    private const int ErrorLinesKept = 6;
    private const int CommandNotFound = 2; // ENOENT
    private const int PermissionDenied = 13; // EACCES
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);

    private readonly ProcessFrameCaptureFactory _settings;
    private readonly ILogger _logger;
    private readonly Process _process;
    private readonly byte[] _raw;
    private readonly Queue<string> _errorLines = new();

    private ProcessFrameCapture(ProcessFrameCaptureFactory settings, ILogger logger, Process process)
    {
        _settings = settings;
        _logger = logger;
        _process = process;
        _raw = new byte[settings.FrameBytes];
    }

    public static ProcessFrameCapture Start(ProcessFrameCaptureFactory settings, ILogger logger)
    {
        var info = new ProcessStartInfo(settings.Command)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,

            // Closed at once, so a program that reads keys from stdin (ffmpeg) never touches the service's terminal.
            RedirectStandardInput = true,
        };
        foreach (var argument in settings.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var capture = new ProcessFrameCapture(settings, logger, process);
        process.ErrorDataReceived += (_, e) => capture.OnErrorLine(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new FrameSourceException(e.NativeErrorCode switch
            {
                CommandNotFound => $"Cannot start {settings.Description}: command not found. Check {FrameSourceOptions.SectionName}:{nameof(FrameSourceOptions.Command)} and that the program is installed and on PATH.",
                PermissionDenied => $"Cannot start {settings.Description}: permission denied (is it executable?).",
                _ => $"Cannot start {settings.Description}: {e.Message}.",
            }, e);
        }

        process.StandardInput.Close();
        process.BeginErrorReadLine();
        return capture;
    }

    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        var stream = _process.StandardOutput.BaseStream;
        var filled = 0;

        // Killing the process is what reliably wakes a read blocked on a silent pipe.
        using (cancellationToken.UnsafeRegister(static state => ((ProcessFrameCapture)state!).Kill(), this))
        {
            while (filled < _raw.Length)
            {
                int read;
                try
                {
                    read = await stream.ReadAsync(_raw.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    throw new FrameSourceException($"Reading frames from {_settings.Description} failed: {e.Message}", e);
                }

                if (read == 0)
                {
                    break;
                }

                filled += read;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (filled == _raw.Length)
        {
            var frame = Frame.Rent(_settings.Width, _settings.Height);
            PixelConversion.ToRgb(_settings.Format, _raw, _settings.Width, _settings.Height, frame.Image.Pixels);
            return frame;
        }

        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var code = _process.ExitCode;
        if (code != 0)
        {
            throw new FrameSourceException($"{_settings.Description} exited with code {code}.{ErrorTail()}");
        }

        if (filled > 0)
        {
            throw new FrameSourceException(
                $"{_settings.Description} ended {filled} bytes into a frame of {_raw.Length} bytes: its output is not {_settings.Width}x{_settings.Height} " +
                $"{_settings.Format}. Check {FrameSourceOptions.SectionName}:{nameof(FrameSourceOptions.Width)}, {nameof(FrameSourceOptions.Height)} and " +
                $"{nameof(FrameSourceOptions.PixelFormat)} against the command. The partial frame was discarded.{ErrorTail()}");
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(ExitWait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A process that ignores SIGKILL is stuck in the kernel; nothing more can be done from here.
        }

        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already exited.
        }
    }

    private void OnErrorLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        Log.ProcessOutput(_logger, line);
        lock (_errorLines)
        {
            _errorLines.Enqueue(line);
            if (_errorLines.Count > ErrorLinesKept)
            {
                _errorLines.Dequeue();
            }
        }
    }

    private string ErrorTail()
    {
        lock (_errorLines)
        {
            return _errorLines.Count == 0 ? string.Empty : $" Its last messages: {string.Join(" | ", _errorLines)}";
        }
    }
}
