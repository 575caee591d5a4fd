using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Siampain.Camera;
using Siampain.Hosting;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Hosting;

/// <summary>Bad configuration, models and camera stop `siampain run` at start with one message naming the key or file.</summary>
public sealed class TerminalConfigurationTests : IDisposable
{
    private readonly TerminalFolder _folder = new();
    private readonly CollectingLoggerProvider _logs = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task An_unknown_enum_value_names_the_key_and_the_allowed_values()
    {
        _folder.WriteConfig(change: config => config["Camera"]!["Kind"] = "usb");

        var (code, message) = await RunAsync();

        Assert.Equal(ExitCodes.Configuration, code);
        Assert.Equal("siampain: configuration error: Camera:Kind is 'usb'; it must be one of Rpicam, Command, Images, Opencv.", message);
    }

    [Fact]
    public async Task A_value_out_of_range_is_caught_by_validation_at_start_and_names_the_key_and_the_range()
    {
        _folder.WriteConfig();

        var (code, message) = await RunAsync("Camera:Width=9999");

        Assert.Equal(ExitCodes.Configuration, code);
        Assert.Equal("siampain: configuration error: Camera:Width must be between 16 and 4096.", message);
    }

    [Fact]
    public async Task Every_problem_is_listed_at_once()
    {
        _folder.WriteConfig(change: config =>
        {
            config["Camera"]!["Widht"] = 320;
            config["Door"]!["LedPin"] = "eleven";
            config["Terminal"] = new System.Text.Json.Nodes.JsonObject { ["HealthTimeout"] = "soon" };
        });

        var (code, message) = await RunAsync();

        Assert.Equal(ExitCodes.Configuration, code);
        Assert.StartsWith("siampain: configuration error: 3 configuration problems:", message, StringComparison.Ordinal);
        Assert.Contains("Camera:Widht is not a known key; Camera has: Kind, Width, Height,", message, StringComparison.Ordinal);
        Assert.Contains("Door:LedPin is 'eleven'; it must be a whole number from 0 to 1023.", message, StringComparison.Ordinal);
        Assert.Contains("Terminal:HealthTimeout is 'soon'; it must be a duration [d.]hh:mm:ss[.fff] from 00:00:01 to 00:10:00.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_across_keys_and_sections_are_all_reported_with_their_keys()
    {
        _folder.WriteConfig();

        var (code, message) = await RunAsync("Recognition:MaxVotes=2", "Recognition:ConfidentVotesToReject=6", "Mqtt:DeviceId=door/1", "Door:Output=Gpio", "Door:BuzzerPin=17");

        Assert.Equal(ExitCodes.Configuration, code);
        Assert.Contains("Recognition:VotesToRecognise: VotesToRecognise (3) exceeds MaxVotes (2)", message, StringComparison.Ordinal);
        Assert.Contains("Recognition:ConfidentVotesToReject: ConfidentVotesToReject (6) exceeds VotesToReject (4)", message, StringComparison.Ordinal);
        Assert.Contains("Mqtt:DeviceId must be 1-64 characters from A-Z a-z 0-9 _ -", message, StringComparison.Ordinal);
        Assert.Contains("Door:LedPin, Door:BuzzerPin: LedPin and BuzzerPin are both 17", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_file_is_named_with_the_line_of_the_error()
    {
        File.WriteAllText(_folder.ConfigPath, "{\n  \"Camera\": { \"Kind\": \"Images\" },\n  \"Door\": { \"Output\": None }\n}\n");

        var (code, message) = await RunAsync();

        Assert.Equal(ExitCodes.Configuration, code);
        Assert.StartsWith($"siampain: configuration error: {_folder.ConfigPath}: not valid JSON: line 3,", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_says_where_the_template_is()
    {
        var (code, message) = await RunAsync();

        Assert.Equal(ExitCodes.Configuration, code);
        Assert.Equal(
            $"siampain: configuration error: {_folder.ConfigPath} does not exist: copy deploy/siampain.example.json there and adapt it, or pass another file with --config.",
            message);
    }

    [Fact]
    public async Task A_malformed_override_is_refused()
    {
        _folder.WriteConfig();

        var (code, message) = await RunAsync("FrameRate=10");

        Assert.Equal(ExitCodes.Configuration, code);
        Assert.Contains("The override 'FrameRate=10' is not of the form Section:Key=value", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_models_folder_names_the_manifest_and_the_key()
    {
        var missing = Path.Combine(_folder.Folder, "no-models");
        _folder.WriteConfig(change: config => config["Recognition"]!["ModelsFolder"] = missing);

        var (code, message) = await RunAsync();

        Assert.Equal(ExitCodes.Configuration, code);
        Assert.Equal(
            $"siampain: model error: {Path.Combine(missing, "manifest.json")}: does not exist: point the models folder at a folder holding manifest.json " +
            "and the .onnx files (check Recognition:ModelsFolder and Recognition:Embedder)",
            message);
    }

    [Fact]
    public async Task A_damaged_model_file_is_named()
    {
        var models = Directory.CreateDirectory(Path.Combine(_folder.Folder, "models")).FullName;
        foreach (var file in new[] { "manifest.json", "blazeface-front-128.onnx" })
        {
            File.Copy(Path.Combine(TestAssets.ModelsFolder, file), Path.Combine(models, file));
        }

        File.WriteAllText(Path.Combine(models, "mobilefacenet-int8.onnx"), "not a model");
        _folder.WriteConfig(change: config => config["Recognition"]!["ModelsFolder"] = models);

        var (code, message) = await RunAsync();

        Assert.Equal(ExitCodes.Configuration, code);
        Assert.StartsWith($"siampain: model error: {Path.Combine(models, "mobilefacenet-int8.onnx")}: is not a loadable ONNX model", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_embedder_lists_the_ones_the_manifest_has()
    {
        _folder.WriteConfig();

        var (code, message) = await RunAsync("Recognition:Embedder=int4");

        Assert.Equal(ExitCodes.Configuration, code);
        Assert.Contains("has no embedder 'int4'; it has: distilled-fp32, distilled-int8, fp32, int8", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Command", "no-such-camera-program", "Camera:Command 'no-such-camera-program' was not found or is not executable (not on PATH)")]
    [InlineData("Command", "/nonexistent/ffmpeg", "Camera:Command '/nonexistent/ffmpeg' was not found or is not executable (no such file)")]
    [InlineData("Rpicam", "", "Camera:Command 'rpicam-vid' was not found or is not executable (not on PATH): install rpicam-apps")]
    public async Task A_camera_program_that_is_not_installed_stops_the_start(string kind, string command, string expected)
    {
        _folder.WriteConfig(change: config =>
        {
            config["Camera"]!["Kind"] = kind;
            config["Camera"]!["Command"] = command;
        });

        var (code, message) = await RunAsync();

        Assert.Equal(ExitCodes.Configuration, code);
        Assert.StartsWith($"siampain: camera error: {expected}", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_path_that_cannot_be_created_is_a_storage_error()
    {
        var blocker = Path.Combine(_folder.Folder, "blocker");
        File.WriteAllText(blocker, "a file where a folder should be");
        _folder.WriteConfig(change: config => config["Storage"]!["Path"] = Path.Combine(blocker, "siampain.db"));

        var (code, message) = await RunAsync();

        Assert.Equal(ExitCodes.Failure, code);
        Assert.StartsWith($"siampain: storage error: {blocker}: cannot create the database folder", message, StringComparison.Ordinal);
        Assert.EndsWith("(check Storage:Path)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_overrides_the_file_and_the_command_line_overrides_both()
    {
        _folder.WriteConfig(change: config => config["Terminal"] = new System.Text.Json.Nodes.JsonObject { ["MaxConsecutiveFailures"] = 3, ["HealthTimeout"] = "00:00:20" });
        var variable = $"{TerminalConfiguration.EnvironmentPrefix}Terminal__MaxConsecutiveFailures";
        Environment.SetEnvironmentVariable(variable, "7");
        try
        {
            var configuration = TerminalConfiguration.Load(_folder.ConfigPath, [], environment: true);
            Assert.Equal("7", configuration["Terminal:MaxConsecutiveFailures"]);
            Assert.Equal("00:00:20", configuration["Terminal:HealthTimeout"]);

            configuration = TerminalConfiguration.Load(_folder.ConfigPath, ["Terminal:MaxConsecutiveFailures=9"], environment: true);
            Assert.Equal("9", configuration["Terminal:MaxConsecutiveFailures"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Sections_this_version_does_not_read_are_reported_but_do_not_stop_it()
    {
        _folder.WriteConfig(change: config => config["Snapshots"] = new System.Text.Json.Nodes.JsonObject { ["Enabled"] = true });

        using var host = await TerminalHost.StartAsync(_folder.Settings(_logs));
        var camera = host.Services.GetRequiredService<IOptions<FrameSourceOptions>>().Value;

        Assert.Equal(FrameSourceKind.Images, camera.Kind);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 5001 && e.Message.Contains("'Snapshots'", StringComparison.Ordinal));
        await host.StopAsync();
    }

    private async Task<(int Code, string Message)> RunAsync(params string[] overrides)
    {
        var error = new StringWriter();
        var code = await TerminalHost.RunAsync(_folder.Settings(_logs, overrides: overrides), error);
        return (code, error.ToString().TrimEnd());
    }
}
