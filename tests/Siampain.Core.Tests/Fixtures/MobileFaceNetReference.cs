using System.Text.Json;
using System.Text.Json.Serialization;
using Siampain.Tests.Infrastructure;

namespace Siampain.Tests.Fixtures;

/// <summary>
/// The committed TFLite reference: aligned crops of the registry sample faces and MobileFaceNet's raw outputs
/// for them from the real TFLite runtime. Remade by src/Siampain.ModelTools/Reference (see its README).
/// </summary>
internal sealed class MobileFaceNetReference
{
    public const string FileName = "reference.json";

    private MobileFaceNetReference(string folder, ReferenceFile file)
    {
        Folder = folder;
        File = file;
    }

    public static string DefaultFolder { get; } =
        Path.Combine(TestAssets.RepositoryRoot, "tests", "Siampain.Core.Tests", "Fixtures", "mobilefacenet-reference");

    public string Folder { get; }

    public ReferenceFile File { get; }

    /// <summary>Crop file names, in a fixed order.</summary>
    public IReadOnlyList<string> Crops => [.. File.Outputs.Keys.Order(StringComparer.Ordinal)];

    public string PathOf(string crop) => Path.Combine(Folder, crop);

    public static MobileFaceNetReference Load(string? folder = null)
    {
        folder ??= DefaultFolder;
        var path = Path.Combine(folder, FileName);
        var file = JsonSerializer.Deserialize(System.IO.File.ReadAllText(path), ReferenceJsonContext.Default.ReferenceFile)
            ?? throw new InvalidDataException($"{path}: is empty");
        return new MobileFaceNetReference(folder, file);
    }

    /// <summary>The vector scaled to unit length, in double so the comparison adds no rounding of its own.</summary>
    public static double[] Normalised(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (var v in vector)
        {
            sum += (double)v * v;
        }

        var scale = 1 / Math.Sqrt(sum);
        var result = new double[vector.Length];
        for (var i = 0; i < vector.Length; i++)
        {
            result[i] = vector[i] * scale;
        }

        return result;
    }

    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var na = Normalised(a);
        var nb = Normalised(b);
        double dot = 0;
        for (var i = 0; i < na.Length; i++)
        {
            dot += na[i] * nb[i];
        }

        return dot;
    }
}

internal sealed record ReferenceFile(
    ReferenceModel Model,
    IReadOnlyDictionary<string, string> Runtime,
    ReferenceInput Input,
    IReadOnlyDictionary<string, string> CropSha256,
    IReadOnlyDictionary<string, float[]> Outputs);

internal sealed record ReferenceModel(string Package, string TarballSha256, string File, string Sha256);

internal sealed record ReferenceInput(string Layout, int[] Shape, string Channels, float Mean, float Std);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ReferenceFile))]
internal sealed partial class ReferenceJsonContext : JsonSerializerContext;
