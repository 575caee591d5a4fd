using Siampain.Camera;

namespace Siampain.Tests.Camera;

public sealed class FrameSourceOptionsTests
{
    private static readonly FrameSourceOptionsValidator Validator = new();

    [Fact]
    public void Defaults_are_valid() => Assert.True(Validator.Validate(null, new FrameSourceOptions()).Succeeded);

    [Fact]
    public void A_command_source_needs_a_command() =>
        AssertRejected(new FrameSourceOptions { Kind = FrameSourceKind.Command }, "Camera:Command");

    [Fact]
    public void An_images_source_needs_a_folder() =>
        AssertRejected(new FrameSourceOptions { Kind = FrameSourceKind.Images }, "Camera:ImagesFolder");

    [Fact]
    public void Rpicam_widths_must_match_its_row_padding() =>
        AssertRejected(new FrameSourceOptions { Width = 650 }, "multiple of 64");

    [Fact]
    public void I420_needs_even_sizes() =>
        AssertRejected(new FrameSourceOptions { Kind = FrameSourceKind.Command, Command = "x", PixelFormat = RawPixelFormat.I420, Width = 161 }, "must be even");

    [Fact]
    public void The_back_off_cap_cannot_be_below_the_first_delay() =>
        AssertRejected(new FrameSourceOptions { RestartDelay = TimeSpan.FromSeconds(10), MaxRestartDelay = TimeSpan.FromSeconds(1) }, "MaxRestartDelay");

    [Fact]
    public void Out_of_range_values_name_their_key()
    {
        AssertRejected(new FrameSourceOptions { QueueCapacity = 5 }, "QueueCapacity");
        AssertRejected(new FrameSourceOptions { FrameRate = 0 }, "FrameRate");
        AssertRejected(new FrameSourceOptions { StallTimeout = TimeSpan.Zero }, "StallTimeout");
    }

    private static void AssertRejected(FrameSourceOptions options, string expected)
    {
        var result = Validator.Validate(null, options);
        Assert.True(result.Failed, $"expected a failure mentioning {expected}");
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }
}
