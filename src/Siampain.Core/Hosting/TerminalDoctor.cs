using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using Siampain.Camera;
using Siampain.Gpio;
using Siampain.Messaging;
using Siampain.Models;
using Siampain.Packages;
using Siampain.Pipeline;
using Siampain.Recognition;
using Siampain.Storage;

namespace Siampain.Hosting;

public enum DoctorStatus
{
    Ok,
    Warn,
    Fail,

    /// <summary>Not checked because something it depends on failed.</summary>
    Skipped,
}

/// <summary>One line of `siampain doctor`: what was checked, how it went, and what to do about it.</summary>
public sealed record DoctorResult(string Area, string Check, DoctorStatus Status, string Detail, string? Fix = null);

/// <summary>
/// Checks a terminal's installation the way `siampain run` would use it, without starting the service: the
/// configuration, the models, the camera (one real frame), the door hardware, the database and its disk, and the
/// broker (TCP, then an MQTT login with the configured credentials). Every check is bounded in time.
/// </summary>
public sealed class TerminalDoctor
{
    /// <summary>Below this, a full disk is close: the outbox grows while the broker is away.</summary>
    public const long LowDiskBytes = 200L * 1024 * 1024;

    /// <summary>Below this, writes will fail soon.</summary>
    public const long FullDiskBytes = 20L * 1024 * 1024;

    private static readonly TimeSpan MaxBrokerWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CameraPoll = TimeSpan.FromMilliseconds(200);
    private readonly List<DoctorResult> _results = [];
    private readonly TimeProvider _time;

    public TerminalDoctor(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    public static async Task<IReadOnlyList<DoctorResult>> RunAsync(TerminalHostSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var doctor = new TerminalDoctor();
        await doctor.CheckAllAsync(settings, cancellationToken).ConfigureAwait(false);
        return doctor._results;
    }

    private async Task CheckAllAsync(TerminalHostSettings settings, CancellationToken cancellationToken)
    {
        IHost host;
        try
        {
            host = TerminalHost.CreateBuilder(settings with { ConfigureLogging = _ => { } }).Build();
        }
        catch (TerminalConfigurationException e)
        {
            Add("config", "file and keys", DoctorStatus.Fail, e.Message, "fix the file (see docs/configuration.md); nothing else can be checked until it loads");
            return;
        }

        using (host)
        {
            var report = host.Services.GetRequiredService<ConfigurationReport>();
            Add("config", "file and keys", report.UnusedSections.Count == 0 ? DoctorStatus.Ok : DoctorStatus.Warn,
                report.UnusedSections.Count == 0 ? report.Path : $"{report.Path}; sections not used by this version: {string.Join(", ", report.UnusedSections)}",
                report.UnusedSections.Count == 0 ? null : "remove them or check their spelling");

            var recognition = Section<RecognitionOptions>(host, RecognitionOptions.Section);
            var camera = Section<FrameSourceOptions>(host, FrameSourceOptions.SectionName);
            var door = Section<DoorSignalOptions>(host, DoorSignalOptions.SectionName);
            var storage = Section<StorageOptions>(host, StorageOptions.SectionName);
            Section<OutboxOptions>(host, OutboxOptions.SectionName);
            Section<Attendance.AttendanceOptions>(host, Attendance.AttendanceOptions.SectionName);
            var mqtt = Section<MqttOptions>(host, MqttOptions.SectionName);
            Section<TerminalOptions>(host, TerminalOptions.SectionName);

            var embedder = recognition is null ? null : CheckModels(recognition);
            if (camera is not null)
            {
                await CheckCameraAsync(camera, cancellationToken).ConfigureAwait(false);
            }

            if (door is not null)
            {
                CheckDoor(door);
            }

            if (storage is not null)
            {
                CheckStorage(storage, embedder, recognition);
            }

            if (mqtt is not null)
            {
                await CheckBrokerAsync(mqtt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private T? Section<T>(IHost host, string name)
        where T : class
    {
        try
        {
            var value = host.Services.GetRequiredService<IOptions<T>>().Value;
            Add("config", name, DoctorStatus.Ok, "valid");
            return value;
        }
        catch (Exception e) when (TerminalHost.Describe(e) is { } failure)
        {
            Add("config", name, DoctorStatus.Fail, failure.Message.Replace("configuration error: ", string.Empty, StringComparison.Ordinal),
                $"fix the {name} section; its checks are skipped until then");
            return null;
        }
    }

    /// <summary>Manifest, checksums, and loading both networks; returns the embedder's model id and manifest entry when it loads.</summary>
    private (string ModelId, EmbedderManifest Manifest)? CheckModels(RecognitionOptions options)
    {
        var folder = RecognitionEngine.ModelsFolderOf(options);
        ModelManifest manifest;
        try
        {
            manifest = ModelManifest.Load(folder);
            Add("models", "manifest", DoctorStatus.Ok, Path.Combine(manifest.Folder, ModelManifest.FileName));
        }
        catch (ModelException e)
        {
            Add("models", "manifest", DoctorStatus.Fail, e.Message, "set Recognition:ModelsFolder to the folder shipped with the release (it holds manifest.json)");
            return null;
        }

        var files = new List<(string Role, ModelFile File)> { ("detector", manifest.Detector) };
        try
        {
            files.Add(($"embedder {options.Embedder ?? manifest.DefaultEmbedder}", manifest.Embedder(options.Embedder)));
        }
        catch (ModelException e)
        {
            Add("models", "embedder", DoctorStatus.Fail, e.Message, "set Recognition:Embedder to one of the manifest's embedders");
            return null;
        }

        var intact = true;
        foreach (var (role, file) in files)
        {
            var path = manifest.PathOf(file);
            if (!File.Exists(path))
            {
                Add("models", role, DoctorStatus.Fail, $"{path} is missing", "reinstall the models folder from the release");
                intact = false;
                continue;
            }

            var actual = PackageCache.Sha256Of(path);
            var matches = string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase);
            Add("models", role, matches ? DoctorStatus.Ok : DoctorStatus.Fail,
                matches ? $"{file.File}, sha256 matches the manifest" : $"{path} has sha256 {actual[..12]}…, the manifest expects {file.Sha256[..12]}…",
                matches ? null : "the file is corrupt or from another build: reinstall the models folder");
            intact &= matches;
        }

        if (!intact)
        {
            Add("models", "load", DoctorStatus.Skipped, "a model file is missing or altered");
            return null;
        }

        try
        {
            using var engine = new RecognitionEngine(options, _time);
            Add("models", "load", DoctorStatus.Ok, $"both networks load; embedder {engine.ModelId}");
            return (engine.ModelId, manifest.Embedder(options.Embedder));
        }
        catch (Exception e) when (e is ModelException or ArgumentException)
        {
            Add("models", "load", DoctorStatus.Fail, e.Message, "reinstall the models folder; check Recognition:MaxFacesPerFrame");
            return null;
        }
    }

    /// <summary>The bar a match must clear for the people enrolled now, and whether a configured one sits below what the manifest measured.</summary>
    private void CheckMatchThreshold(EmbedderManifest embedder, float? configured, int enrolled)
    {
        var measured = MatchThresholds.From(embedder, galleryPeople: enrolled);
        var used = MatchThresholds.From(embedder, configured, enrolled);
        var detail = $"{used.Unmasked:0.0000} (masked {used.Masked:0.0000}) for the {enrolled} people enrolled for this embedder"
            + (configured is null ? $"; it rises as people are enrolled{(embedder.OpenSet is { } openSet ? $" (manifest: {openSet.Points[^1].Threshold:0.0000} at {openSet.Points[^1].People})" : string.Empty)}" : " (Recognition:MatchThreshold)");
        if (configured < measured.Unmasked)
        {
            Add("storage", "match threshold", DoctorStatus.Warn, $"{detail}, below the {measured.Unmasked:0.0000} the manifest measured for a gallery this size: {(embedder.OpenSet is { } measuredOn ? $"more than {measuredOn.FalseAlarmRate * 100:0.#}% of strangers" : "more strangers than the manifest allows")} may be taken for someone",
                "remove Recognition:MatchThreshold (the bar then follows the gallery) or raise it");
            return;
        }

        Add("storage", "match threshold", DoctorStatus.Ok, detail);
    }

    private async Task CheckCameraAsync(FrameSourceOptions options, CancellationToken cancellationToken)
    {
        if (CameraCheck.Problem(options) is { } problem)
        {
            Add("camera", options.Kind.ToString(), DoctorStatus.Fail, problem);
            return;
        }

        FrameSource source;
        try
        {
            source = FrameSource.Create(options, _time, NullLoggerFactory.Instance);
        }
        catch (FrameSourceException e)
        {
            Add("camera", options.Kind.ToString(), DoctorStatus.Fail, e.Message);
            return;
        }

        // One real frame, within the stall timeout the service itself would allow; a camera that fails to start
        // is reported at its first failure rather than after the timeout.
        await using (source.ConfigureAwait(false))
        {
            source.Start();
            var started = _time.GetTimestamp();
            var limit = options.StallTimeout + TimeSpan.FromSeconds(2);
            while (_time.GetElapsedTime(started) < limit && source.Health.ConsecutiveFailures == 0)
            {
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                poll.CancelAfter(CameraPoll);
                try
                {
                    using var frame = await source.Frames.ReadAsync(poll.Token).ConfigureAwait(false);
                    Add("camera", "first frame", DoctorStatus.Ok, $"{frame.Image.Width}x{frame.Image.Height} from {options.Kind}");
                    return;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Not yet; look at the camera's health and wait again.
                }
                catch (System.Threading.Channels.ChannelClosedException)
                {
                    break;
                }
            }

            var error = source.Health.LastError ?? $"no frame within {limit.TotalSeconds:0} s";
            var busy = options.Kind != FrameSourceKind.Images ? " If `siampain run` is active it may hold the camera: stop it first." : string.Empty;
            Add("camera", "first frame", DoctorStatus.Fail, error, $"check the Camera section against the camera (see docs/configuration.md).{busy}");
        }
    }

    private void CheckDoor(DoorSignalOptions options)
    {
        if (options.Output != DoorSignalOutput.Gpio)
        {
            Add("gpio", "door output", DoctorStatus.Ok, $"Output is {options.Output}: no GPIO needed");
            return;
        }

        try
        {
            var chips = GpioChips.List();
            var chip = string.IsNullOrEmpty(options.Chip) ? "the default chip" : $"gpiochip{GpioChips.Resolve(options.Chip)}";
            Add("gpio", "chips", DoctorStatus.Ok, $"{string.Join(", ", chips)}; using {chip}");
        }
        catch (DoorSignalException e)
        {
            Add("gpio", "chips", DoctorStatus.Fail, e.Message);
            return;
        }

        try
        {
            // Claiming the pins proves they are free and writable; they are released (inactive) at once.
            using var signal = new GpioDoorSignal(options, _time, NullLogger<GpioDoorSignal>.Instance);
            Add("gpio", "pins", DoctorStatus.Ok, $"LED pin {options.LedPin} and buzzer {(options.Buzzer == BuzzerDrive.Active ? $"pin {options.BuzzerPin}" : options.Buzzer.ToString())} claimed and released");
        }
        catch (DoorSignalException e)
        {
            Add("gpio", "pins", DoctorStatus.Fail, e.Message, "if the service is running it holds the pins: stop it first");
        }
    }

    private void CheckStorage(StorageOptions options, (string ModelId, EmbedderManifest Manifest)? embedder, RecognitionOptions? recognition)
    {
        var modelId = embedder?.ModelId;
        var path = Path.GetFullPath(options.Path);
        var folder = Path.GetDirectoryName(path)!;
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".siampain-doctor-{Environment.ProcessId}");
            File.WriteAllText(probe, "probe");
            File.Delete(probe);
            Add("storage", "folder writable", DoctorStatus.Ok, folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Add("storage", "folder writable", DoctorStatus.Fail, $"{folder}: {e.Message}",
                "create the folder and give it to the service user (e.g. StateDirectory=siampain in the unit)");
            return;
        }

        var free = new DriveInfo(folder).AvailableFreeSpace;
        var (status, fix) = free < FullDiskBytes ? (DoctorStatus.Fail, "free space now: records cannot be written")
            : free < LowDiskBytes ? (DoctorStatus.Warn, "free space soon: the outbox grows while the broker is unreachable")
            : (DoctorStatus.Ok, (string?)null);
        Add("storage", "free disk", status, $"{free / (1024.0 * 1024):0} MiB free on the database's file system", fix);

        DatabaseLock? exclusive;
        try
        {
            exclusive = DatabaseLock.TryAcquire(path);
        }
        catch (StorageException e)
        {
            Add("storage", "database", DoctorStatus.Fail, e.Message, "check Storage:Path and the disk");
            return;
        }

        if (exclusive is null)
        {
            Add("storage", "database", DoctorStatus.Warn, $"{path} is in use by another Siampain process (the service?); not opened",
                "stop the service to check the database itself");
            return;
        }

        using (exclusive)
        {
            try
            {
                using var db = new SiampainDatabase(options, _time);
                var people = new PeopleStore(db);
                var templates = people.ListTemplates(modelId);
                using var outbox = new LiteOutbox(db, new OutboxOptions());
                var pending = outbox.PendingCount;
                var detail = $"{path}: {people.List().Count} people, {templates.Count} templates{(modelId is null ? string.Empty : " for this embedder")}, {pending} events waiting in the outbox";
                if (db.Recovery is { } recovery)
                {
                    Add("storage", "database", DoctorStatus.Warn, $"{detail}; it was damaged ({recovery.Problem}) and recovered, the old file is {recovery.SetAsidePath}");
                }
                else
                {
                    Add("storage", "database", templates.Count == 0 ? DoctorStatus.Warn : DoctorStatus.Ok, detail,
                        templates.Count == 0 ? "enrol people (siampain enroll) or import a gallery (siampain gallery import)" : null);
                }

                if (embedder is { } loaded)
                {
                    CheckMatchThreshold(loaded.Manifest, recognition?.MatchThreshold, templates.Select(t => t.PersonId).Distinct(StringComparer.Ordinal).Count());
                }
            }
            catch (StorageException e)
            {
                Add("storage", "database", DoctorStatus.Fail, e.Message, "check Storage:Path and the disk");
            }
        }
    }

    private async Task CheckBrokerAsync(MqttOptions options, CancellationToken cancellationToken)
    {
        var limit = options.OperationTimeout < MaxBrokerWait ? options.OperationTimeout : MaxBrokerWait;
        var where = $"{options.Host}:{options.Port}";
        var clock = Stopwatch.StartNew();
        using (var tcp = new TcpClient())
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            wait.CancelAfter(limit);
            try
            {
                await tcp.ConnectAsync(options.Host, options.Port, wait.Token).ConfigureAwait(false);
                Add("broker", "tcp", DoctorStatus.Ok, $"{where} accepts connections ({clock.ElapsedMilliseconds} ms)");
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                var detail = e is SocketException socket ? $"{where}: {socket.SocketErrorCode} ({socket.Message})" : $"{where}: no answer within {limit.TotalSeconds:0.#} s";
                Add("broker", "tcp", DoctorStatus.Fail, detail, "check Mqtt:Host and Mqtt:Port, that the broker runs, and the network/firewall between them");
                Add("broker", "mqtt login", DoctorStatus.Skipped, "no TCP connection");
                return;
            }
        }

        var topics = new MqttTopics(options);
        var clientOptions = BrokerClientOptions.Build(options, topics);

        // Its own client id, so the running service's session is not taken over, and no Last Will, so a dashboard
        // never sees this probe's exit as the terminal going offline.
        clientOptions.ClientId = $"siampain-{options.DeviceId}-doctor";
        clientOptions.WillTopic = null;
        clientOptions.WillPayload = null;
        clientOptions.WillRetain = false;
        using var client = new MqttClientFactory().CreateMqttClient();
        using var login = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        login.CancelAfter(limit);
        BrokerFailure? failure;
        try
        {
            var result = await client.ConnectAsync(clientOptions, login.Token).ConfigureAwait(false);
            failure = result.ResultCode == MqttClientConnectResultCode.Success ? null : BrokerFailure.FromConnectResult(result.ResultCode, result.ReasonString);
            if (failure is null)
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = BrokerFailure.FromException(e, login.IsCancellationRequested && !cancellationToken.IsCancellationRequested);
            if (failure.Kind == BrokerFailureKind.Timeout)
            {
                failure = failure with { Message = $"broker did not answer the MQTT login within {limit.TotalSeconds:0.#} s" };
            }
        }

        if (failure is null)
        {
            var user = string.IsNullOrEmpty(options.Username) ? "anonymous" : $"as {options.Username}";
            Add("broker", "mqtt login", DoctorStatus.Ok, $"{where} accepted {user}{(options.Tls ? " over TLS" : string.Empty)} ({options.Protocol})");
            return;
        }

        Add("broker", "mqtt login", DoctorStatus.Fail, failure.Message, failure.Kind switch
        {
            BrokerFailureKind.BadCredentials => "check Mqtt:Username and Mqtt:PasswordFile against the broker's password file",
            BrokerFailureKind.Tls => "check Mqtt:Tls, Mqtt:CaFile and that Mqtt:Host matches the broker certificate's name",
            BrokerFailureKind.Timeout => "the port answers but not MQTT: check Mqtt:Port and Mqtt:Tls (a TLS port needs Tls true)",
            _ => "check the broker's log for why it refused this client",
        });
    }

    private void Add(string area, string check, DoctorStatus status, string detail, string? fix = null) =>
        _results.Add(new DoctorResult(area, check, status, detail, fix));
}
