using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Siampain.Camera;

/// <summary>Where frames come from.</summary>
public enum FrameSourceKind
{
    /// <summary>A Raspberry Pi camera through rpicam-vid's raw I420 output; needs no OpenCV.</summary>
    Rpicam,

    /// <summary>Any command writing raw frames of <see cref="FrameSourceOptions.PixelFormat"/> to stdout (ffmpeg, GStreamer).</summary>
    Command,

    /// <summary>A folder of photos played as frames (demo, tests).</summary>
    Images,

    /// <summary>OpenCV VideoCapture (device index or file). x64 only; provided by the executable, not by Core.</summary>
    Opencv,
}

/// <summary>Layout of the raw frames a command writes.</summary>
public enum RawPixelFormat
{
    Bgr24,
    Rgb24,

    /// <summary>Planar 4:2:0, Y then U then V (ffmpeg's yuv420p, rpicam-vid's yuv420).</summary>
    I420,
    Gray,
}

/// <summary>What happens when a source ends normally (a command exits with 0, the last photo of a folder).</summary>
public enum EndOfStream
{
    /// <summary>Start again: a camera must never stop for good, and a clip or folder loops.</summary>
    Restart,

    /// <summary>Complete the frame stream (a demo clip played once).</summary>
    Stop,
}

/// <summary>The camera, bound to the "Camera" configuration section.</summary>
public sealed class FrameSourceOptions : IValidatableObject
{
    public const string SectionName = "Camera";
    public const int DefaultWidth = 640;
    public const int DefaultHeight = 480;
    public const int DefaultFrameRate = 15;
    public const string DefaultRpicamCommand = "rpicam-vid";

    /// <summary>rpicam-vid pads image rows to this many bytes; other widths would arrive sheared.</summary>
    public const int RpicamWidthAlignment = 64;

    public FrameSourceKind Kind { get; set; } = FrameSourceKind.Rpicam;

    [Range(16, 4096)]
    public int Width { get; set; } = DefaultWidth;

    [Range(16, 4096)]
    public int Height { get; set; } = DefaultHeight;

    /// <summary>Frames per second asked of the camera; for Images, the rate photos are played at.</summary>
    [Range(1, 120)]
    public int FrameRate { get; set; } = DefaultFrameRate;

    /// <summary>Format of a Command's output. rpicam always delivers I420.</summary>
    public RawPixelFormat PixelFormat { get; set; } = RawPixelFormat.Bgr24;

    /// <summary>Command: the program to run. Rpicam: empty for "rpicam-vid" or another path to it.</summary>
    [MaxLength(4096)]
    public string Command { get; set; } = string.Empty;

    /// <summary>Command: its whole argument list. Rpicam: extra arguments (e.g. "--rotation", "180").</summary>
    public IList<string> Arguments { get; set; } = [];

    /// <summary>Images: the folder of photos (jpg, png, bmp, gif, pgm, ppm), played in name order.</summary>
    [MaxLength(4096)]
    public string ImagesFolder { get; set; } = string.Empty;

    /// <summary>Opencv: a device index ("0") or a file.</summary>
    [MaxLength(4096)]
    public string Device { get; set; } = "0";

    public EndOfStream EndOfStream { get; set; } = EndOfStream.Restart;

    /// <summary>No frame for this long = the camera stalled; its process is killed and restarted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:05:00")]
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Wait before the first restart; doubled after each failure in a row up to <see cref="MaxRestartDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.01", "00:10:00")]
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.01", "01:00:00")]
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Frames waiting for the pipeline. Older frames are dropped (and counted) when it is full: recognition always
    /// wants the newest frame, and a queue longer than 2 only adds latency.
    /// </summary>
    [Range(1, 2)]
    public int QueueCapacity { get; set; } = 1;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        switch (Kind)
        {
            case FrameSourceKind.Command when string.IsNullOrWhiteSpace(Command):
                yield return new ValidationResult($"{SectionName}:{nameof(Command)} is required when {nameof(Kind)} is Command.", [nameof(Command)]);
                break;
            case FrameSourceKind.Images when string.IsNullOrWhiteSpace(ImagesFolder):
                yield return new ValidationResult($"{SectionName}:{nameof(ImagesFolder)} is required when {nameof(Kind)} is Images.", [nameof(ImagesFolder)]);
                break;
            case FrameSourceKind.Rpicam when Width % RpicamWidthAlignment != 0:
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(Width)} is {Width}; with rpicam it must be a multiple of {RpicamWidthAlignment} (e.g. 640, 1280) because rpicam-vid pads rows.",
                    [nameof(Width)]);
                break;
        }

        var i420 = Kind == FrameSourceKind.Rpicam || (Kind == FrameSourceKind.Command && PixelFormat == RawPixelFormat.I420);
        if (i420 && (Width % 2 != 0 || Height % 2 != 0))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(Width)} and {nameof(Height)} must be even for I420 frames (got {Width}x{Height}).", [nameof(Width), nameof(Height)]);
        }

        if (MaxRestartDelay < RestartDelay)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(MaxRestartDelay)} ({MaxRestartDelay}) is shorter than {nameof(RestartDelay)} ({RestartDelay}).",
                [nameof(MaxRestartDelay)]);
        }
    }
}

/// <summary>Checks the ranges and the cross-field rules when the host starts (ValidateOnStart).</summary>
[OptionsValidator]
public sealed partial class FrameSourceOptionsValidator : IValidateOptions<FrameSourceOptions>;
