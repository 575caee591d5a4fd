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
            return manifest with { Folder = Path.GetFullPath(folder) };
        }
        catch (JsonException e)
        {
            throw new ModelException(path, $"is not a valid model manifest: {e.Message}", e);
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

    /// <summary>The verification head: P(same) = sigmoid(Slope * cosine + Intercept), fitted with BCE + L2.</summary>
    public VerificationHeadParameters? Head { get; init; }
}

/// <summary>value = (pixel - Mean) / Std, per channel, RGB order.</summary>
public sealed record PixelNormalization(float Mean, float Std);

public sealed record VerificationHeadParameters(float Slope, float Intercept, string FittedOn);

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
