using System.Text.Json;
using System.Text.Json.Serialization;

namespace Siampain.Models;

/// <summary>
/// models/manifest.json: every model file with its checksum, input layout, preprocessing and the thresholds
/// picked by evaluation. Code reads constants from here instead of literals, so a new model needs no code change.
/// </summary>
public sealed record ModelManifest
{
    public const string FileName = "manifest.json";

    public required DetectorManifest Detector { get; init; }

    public required IReadOnlyDictionary<string, EmbedderManifest> Embedders { get; init; }

    /// <summary>Key into <see cref="Embedders"/> used when the configuration does not choose one.</summary>
    public required string DefaultEmbedder { get; init; }

    /// <summary>Where the manifest was read from; model file names are relative to it.</summary>
    [JsonIgnore]
    public string Folder { get; init; } = ".";

    public string PathOf(ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Path.Combine(Folder, file.File);
    }

    public EmbedderManifest Embedder(string? name = null)
    {
        name ??= DefaultEmbedder;
        return Embedders.TryGetValue(name, out var embedder)
            ? embedder
            : throw new ModelException(Path.Combine(Folder, FileName),
                $"has no embedder '{name}'; it has: {string.Join(", ", Embedders.Keys)}");
    }

    /// <summary>This manifest with embedder <paramref name="name"/> (the default when null) changed; nothing is written.</summary>
    public ModelManifest WithEmbedder(string? name, Func<EmbedderManifest, EmbedderManifest> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        name ??= DefaultEmbedder;
        return this with { Embedders = new Dictionary<string, EmbedderManifest>(Embedders) { [name] = change(Embedder(name)) } };
    }

    public static ModelManifest Load(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new ModelException(path, "does not exist: point the models folder at a folder holding manifest.json and the .onnx files");
        }

        try
        {
            var manifest = JsonSerializer.Deserialize(File.ReadAllText(path), ManifestJsonContext.Default.ModelManifest)
                ?? throw new ModelException(path, "is empty");
            manifest.Validate(path);
            return manifest with { Folder = Path.GetFullPath(folder) };
        }
        catch (JsonException e)
        {
            throw new ModelException(path, $"is not a valid model manifest: {e.Message}", e);
        }
    }

    /// <summary>Refuses values that would make the terminal decide wrongly without saying so.</summary>
    /// <exception cref="ModelException">A threshold outside [-1, 1] or a mask classifier of the wrong width.</exception>
    public void Validate(string path)
    {
        foreach (var (name, embedder) in Embedders ?? throw new ModelException(path, "has no 'embedders'"))
        {
            CheckCosine(path, name, "verificationThreshold", embedder.VerificationThreshold);
            CheckCosine(path, name, "identificationThreshold", embedder.IdentificationThreshold);
            if (embedder.OpenSet is { } openSet)
            {
                CheckOpenSet(path, name, "openSet", openSet);
            }

            if (embedder.Masked is not { } masked)
            {
                continue;
            }

            CheckCosine(path, name, "masked.verificationThreshold", masked.VerificationThreshold);
            CheckCosine(path, name, "masked.identificationThreshold", masked.IdentificationThreshold);
            if (masked.OpenSet is { } maskedOpenSet)
            {
                CheckOpenSet(path, name, "masked.openSet", maskedOpenSet);
            }

            var classifier = masked.Classifier ?? throw new ModelException(path, $"embedder '{name}': 'masked' has no 'classifier'");
            if (classifier.Weights is null || classifier.Weights.Length != Recognition.MaskFeatures.Count)
            {
                throw new ModelException(path, $"embedder '{name}': masked.classifier.weights has {classifier.Weights?.Length ?? 0} values; the mask classifier reads {Recognition.MaskFeatures.Count} crop features");
            }

            if (classifier.Weights.Any(w => !float.IsFinite(w)) || !float.IsFinite(classifier.Bias))
            {
                throw new ModelException(path, $"embedder '{name}': masked.classifier holds a value that is not a finite number");
            }
        }
    }

    private static void CheckOpenSet(string path, string embedder, string key, OpenSetManifest openSet)
    {
        var points = openSet.Points;
        if (points is null || points.Length == 0)
        {
            throw new ModelException(path, $"embedder '{embedder}': {key} has no 'points'");
        }

        for (var i = 0; i < points.Length; i++)
        {
            CheckCosine(path, embedder, $"{key}.points[{i}].threshold", points[i].Threshold);
            // One person is the identification threshold's own case.
            if (points[i].People < 2 || (i > 0 && points[i].People <= points[i - 1].People))
            {
                throw new ModelException(path, $"embedder '{embedder}': {key}.points[{i}].people is {points[i].People}; gallery sizes must be whole numbers from 2, in increasing order");
            }
        }
    }

    private static void CheckCosine(string path, string embedder, string key, float value)
    {
        if (!float.IsFinite(value) || value < -1 || value > 1)
        {
            throw new ModelException(path, $"embedder '{embedder}': {key} is {value}; a cosine threshold must lie in [-1, 1]");
        }
    }

    public void Save(string folder)
    {
        var path = Path.Combine(folder, FileName);
        File.WriteAllText(path, JsonSerializer.Serialize(this, ManifestJsonContext.Default.ModelManifest) + "\n");
    }
}

/// <summary>A model file and the sha256 it must have.</summary>
public record ModelFile
{
    public required string File { get; init; }

    public required string Sha256 { get; init; }
}

public sealed record DetectorManifest : ModelFile
{
    public required string Input { get; init; }

    /// <summary>Square input side in pixels.</summary>
    public required int Size { get; init; }

    public required PixelNormalization Normalization { get; init; }

    public required float ScoreThreshold { get; init; }

    public required float NmsIouThreshold { get; init; }
}

public sealed record EmbedderManifest : ModelFile
{
    public required string Input { get; init; }

    public required string Output { get; init; }

    /// <summary>Square input side of the aligned crop in pixels.</summary>
    public required int Size { get; init; }

    public required int Dimensions { get; init; }

    public required PixelNormalization Normalization { get; init; }

    /// <summary>Where eyes, nose and mouth corners land in the aligned crop (x0, y0, x1, y1, ...), in crop pixels.</summary>
    public required float[] AlignmentTemplate { get; init; }

    /// <summary>Cosine similarity above which two faces are the same person (best LFW accuracy); set by `siampain eval lfw --write-manifest`.</summary>
    public float VerificationThreshold { get; init; }

    /// <summary>
    /// Cosine a gallery match must reach at the door: LFW's threshold at a false-accept rate of 1e-3, stricter than
    /// the best-accuracy one because letting a stranger check in for someone is the costly error.
    /// </summary>
    public float IdentificationThreshold { get; init; }

    /// <summary>
    /// The identification threshold by gallery size, written by `siampain eval identify --write-manifest`: a stranger
    /// is compared with every enrolled person, so a bigger gallery needs a higher bar to keep the same share of
    /// strangers out. Absent = <see cref="IdentificationThreshold"/> at any size.
    /// </summary>
    public OpenSetManifest? OpenSet { get; init; }

    /// <summary>The verification head: P(same) = sigmoid(Slope * cosine + Intercept), fitted with BCE + L2.</summary>
    public VerificationHeadParameters? Head { get; init; }

    /// <summary>How masked faces are told apart and matched; absent = every face is matched as unmasked.</summary>
    public MaskedMatchingManifest? Masked { get; init; }

    /// <summary>
    /// Which faces are embedded together with their mirror image; the thresholds above were fitted that way, so
    /// evaluation writes it with them. Absent = none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public MirrorPolicy Mirror { get; init; }
}

/// <summary>
/// Test-time mirroring: a face is embedded with its left-right mirror image too and the two embeddings averaged. A
/// face is close to symmetric, its photo is not (light from one side, a turned head, a mask pulled askew), and the
/// average keeps what both views share. A template or a photo runs both views in one batch, a second pass of the
/// embedder; at the door the views come from a track's alternate frames, one pass each (FaceTrack).
/// </summary>
[JsonConverter(typeof(MirrorPolicyJsonConverter))]
public enum MirrorPolicy
{
    /// <summary>Every face is embedded once.</summary>
    None,

    /// <summary>Templates, and the faces the mask classifier calls masked, are mirrored: where it gains most.</summary>
    Masked,

    /// <summary>Every face is mirrored.</summary>
    All,
}

public static class MirrorPolicyExtensions
{
    extension(MirrorPolicy policy)
    {
        /// <summary>Whether enrolment embeds a template with its mirror image (always, unless mirroring is off).</summary>
        public bool MirrorsTemplates => policy != MirrorPolicy.None;

        /// <summary>Whether a face at the door is embedded with its mirror image, given what the mask classifier said.</summary>
        public bool MirrorsProbe(bool masked) => policy == MirrorPolicy.All || (masked && policy == MirrorPolicy.Masked);
    }
}

/// <summary>"none", "masked", "all" in the manifest; numbers are refused, so a typo cannot turn into a policy.</summary>
internal sealed class MirrorPolicyJsonConverter() : JsonStringEnumConverter<MirrorPolicy>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);

/// <summary>
/// Mask handling for one embedder, written by `siampain eval masked-lfw --write-manifest`: the mask classifier and the
/// thresholds for a masked probe matched against masked templates (masked scores run higher for strangers too, so
/// they need their own operating point).
/// </summary>
public sealed record MaskedMatchingManifest
{
    public required MaskClassifierParameters Classifier { get; init; }

    /// <summary>Cosine above which a masked probe and a masked template are the same person (best accuracy on masked LFW).</summary>
    public required float VerificationThreshold { get; init; }

    /// <summary>Cosine a masked probe's gallery match must reach at the door (masked LFW at a false-accept rate of 1e-3).</summary>
    public required float IdentificationThreshold { get; init; }

    /// <summary>
    /// The masked bar by gallery size, written by `siampain eval masked-identification --write-manifest` from strangers
    /// wearing masks: masked strangers score differently from unmasked ones, so the unmasked curve moved by a constant
    /// lets through more of them than it should. Absent = the unmasked curve's rise added to <see cref="IdentificationThreshold"/>.
    /// </summary>
    public OpenSetManifest? OpenSet { get; init; }
}

/// <summary>
/// Measured operating points of 1:N identification: with <c>People</c> enrolled, a match must reach
/// <c>Threshold</c> for at most <see cref="FalseAlarmRate"/> of the strangers' photos to be taken for someone.
/// </summary>
public sealed record OpenSetManifest
{
    public required double FalseAlarmRate { get; init; }

    public required string FittedOn { get; init; }

    public required OpenSetPoint[] Points { get; init; }
}

public sealed record OpenSetPoint(int People, float Threshold);

/// <summary>P(masked) = sigmoid(Weights · features + Bias), a logistic regression on statistics of the aligned crop (MaskFeatures).</summary>
public sealed record MaskClassifierParameters(float[] Weights, float Bias, string FittedOn, double HeldOutAccuracy);

/// <summary>value = (pixel - Mean) / Std, per channel, RGB order.</summary>
public sealed record PixelNormalization(float Mean, float Std);

public sealed record VerificationHeadParameters(float Slope, float Intercept, string FittedOn);

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
