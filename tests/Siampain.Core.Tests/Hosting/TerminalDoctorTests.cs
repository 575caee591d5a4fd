using Siampain.Detection;
using Siampain.Hosting;
using Siampain.Imaging;
using Siampain.Recognition;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Hosting;

/// <summary>`siampain doctor` against real files, a real camera stand-in (a frames folder, a failing command) and a real mosquitto.</summary>
public sealed class TerminalDoctorTests : IDisposable
{
    private readonly TerminalFolder _folder = new();
    private readonly CollectingLoggerProvider _logs = new();
    private readonly RgbImage _photo = TestAssets.LoadSample(3);
    private readonly List<DetectedFace> _faces;

    public TerminalDoctorTests()
    {
        _faces = DoorFrames.FacesOf(_photo);
        _folder.WriteFrames(_photo, _faces[0], count: 1);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_working_installation_passes_every_check()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        _folder.WriteConfig(broker.Port);
        using (var analyzer = new FaceAnalyzer(TestAssets.Manifest, "int8"))
        {
            _folder.Enrol(analyzer, "ann", "Ann", _photo, _faces[0]);
        }

        var results = await DiagnoseAsync();

        Assert.All(results, r => Assert.True(r.Status == DoctorStatus.Ok, $"{r.Area} {r.Check}: {r.Status} {r.Detail}"));
        Assert.Equal(["config", "models", "camera", "gpio", "storage", "broker"], results.Select(r => r.Area).Distinct());
        Assert.Contains(results, r => r.Check == "first frame" && r.Detail == "640x480 from Images");
        Assert.Contains(results, r => r.Check == "database" && r.Detail.EndsWith(": 1 people, 1 templates for this embedder, 0 events waiting in the outbox", StringComparison.Ordinal));
        Assert.Contains(results, r => r.Check == "mqtt login" && r.Detail.StartsWith($"127.0.0.1:{broker.Port} accepted anonymous", StringComparison.Ordinal));
        var bar = MatchThresholds.From(TestAssets.Manifest.Embedder("int8"), galleryPeople: 1);
        Assert.Contains(results, r => r.Check == "match threshold" && r.Detail.StartsWith($"{bar.Unmasked:0.0000} (masked {bar.Masked:0.0000}) for the 1 people enrolled", StringComparison.Ordinal));

        // The probe logged in under its own id without a Last Will: the terminal's own session and availability are untouched.
        Assert.Contains("siampain-door-1-doctor", broker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_broker_credentials_are_told_apart_from_an_unreachable_broker()
    {
        await using var broker = await MosquittoBroker.StartAsync(new MosquittoSettings { Users = new Dictionary<string, string> { ["terminal"] = "right" } });
        _folder.WriteConfig(broker.Port, config =>
        {
            config["Mqtt"]!["Username"] = "terminal";
            config["Mqtt"]!["Password"] = "wrong";
        });

        var login = Assert.Single(await DiagnoseAsync(), r => r.Check == "mqtt login");

        Assert.Equal(DoctorStatus.Fail, login.Status);
        Assert.StartsWith("broker rejected the credentials", login.Detail, StringComparison.Ordinal);
        Assert.Equal("check Mqtt:Username and Mqtt:PasswordFile against the broker's password file", login.Fix);

        await broker.StopAsync();
        var results = await DiagnoseAsync();
        var tcp = Assert.Single(results, r => r.Check == "tcp");
        Assert.Equal(DoctorStatus.Fail, tcp.Status);
        Assert.Contains("ConnectionRefused", tcp.Detail, StringComparison.Ordinal);
        Assert.Equal(DoctorStatus.Skipped, Assert.Single(results, r => r.Check == "mqtt login").Status);
    }

    [Fact]
    public async Task A_model_file_that_differs_from_the_manifest_fails_its_checksum_and_is_not_loaded()
    {
        var models = Directory.CreateDirectory(Path.Combine(_folder.Folder, "models")).FullName;
        foreach (var file in Directory.GetFiles(TestAssets.ModelsFolder))
        {
            File.Copy(file, Path.Combine(models, Path.GetFileName(file)));
        }

        await using (var stream = new FileStream(Path.Combine(models, "mobilefacenet-int8.onnx"), FileMode.Open))
        {
            stream.Seek(-1, SeekOrigin.End);
            stream.WriteByte(0x5A);
        }

        _folder.WriteConfig(change: config => config["Recognition"]!["ModelsFolder"] = models);
        var results = await DiagnoseAsync();

        var embedder = Assert.Single(results, r => r.Check == "embedder int8");
        Assert.Equal(DoctorStatus.Fail, embedder.Status);
        Assert.Contains("mobilefacenet-int8.onnx has sha256 ", embedder.Detail, StringComparison.Ordinal);
        Assert.Equal(DoctorStatus.Ok, Assert.Single(results, r => r.Check == "detector").Status);
        Assert.Equal(DoctorStatus.Skipped, Assert.Single(results, r => r.Check == "load").Status);
    }

    [Fact]
    public async Task Hardware_this_machine_lacks_is_reported_with_the_setting_that_avoids_it()
    {
        _folder.WriteConfig(change: config =>
        {
            config["Door"]!["Output"] = "Gpio";
            config["Camera"]!["Kind"] = "Command";
            config["Camera"]!["Command"] = "false";
        });

        var results = await DiagnoseAsync();

        var chips = Assert.Single(results, r => r.Area == "gpio");
        Assert.Equal(DoctorStatus.Fail, chips.Status);
        Assert.Contains("set Door:Output to Console or None", chips.Detail, StringComparison.Ordinal);
        var camera = Assert.Single(results, r => r.Area == "camera");
        Assert.Equal(DoctorStatus.Fail, camera.Status);
        Assert.Equal("'false' (640x480 Bgr24) exited with code 1.", camera.Detail);
    }

    [Fact]
    public async Task A_configured_match_threshold_below_what_the_manifest_measured_is_a_warning()
    {
        _folder.WriteConfig(change: config => config["Recognition"]!["MatchThreshold"] = 0.2);
        using (var analyzer = new FaceAnalyzer(TestAssets.Manifest, "int8"))
        {
            _folder.Enrol(analyzer, "ann", "Ann", _photo, _faces[0]);
        }

        var results = await DiagnoseAsync();

        var bar = Assert.Single(results, r => r.Check == "match threshold");
        Assert.Equal(DoctorStatus.Warn, bar.Status);
        Assert.Contains("0.2000", bar.Detail, StringComparison.Ordinal);
        Assert.Contains("(Recognition:MatchThreshold), below the", bar.Detail, StringComparison.Ordinal);
        Assert.StartsWith("remove Recognition:MatchThreshold", bar.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_section_fails_and_its_checks_are_left_out()
    {
        _folder.WriteConfig(change: config => config["Storage"]!["CheckpointSeconds"] = 0);

        var results = await DiagnoseAsync();

        var storage = Assert.Single(results, r => r.Area == "config" && r.Check == "Storage");
        Assert.Equal(DoctorStatus.Fail, storage.Status);
        Assert.Equal("Storage:CheckpointSeconds must be between 1 and 3600.", storage.Detail);
        Assert.DoesNotContain(results, r => r.Area == "storage");
        Assert.Contains(results, r => r.Area == "models" && r.Status == DoctorStatus.Ok);
    }

    [Fact]
    public async Task A_configuration_file_that_does_not_load_is_the_one_failure()
    {
        File.WriteAllText(_folder.ConfigPath, "{ \"Camera\": ");

        var result = Assert.Single(await DiagnoseAsync());

        Assert.Equal(("config", DoctorStatus.Fail), (result.Area, result.Status));
        Assert.StartsWith($"{_folder.ConfigPath}: not valid JSON", result.Detail, StringComparison.Ordinal);
    }

    private Task<IReadOnlyList<DoctorResult>> DiagnoseAsync() => TerminalDoctor.RunAsync(_folder.Settings(_logs));
}
