using System.Text.Json;
using System.Text.Json.Serialization;

namespace Siampain.ModelTools.Quantization;

/// <summary>What the quantizer measured and decided, written beside the model (models/*.quantization.json).</summary>
internal sealed record QuantizationReport
{
    public required string Source { get; init; }

    public required double Percentile { get; init; }

    public required int WeightBits { get; init; }

    /// <summary>How the weights of layers left in float are stored.</summary>
    public required string FloatLayerWeights { get; init; }

    public required double TargetCosine { get; init; }

    public required IReadOnlyList<string> CalibrationFaces { get; init; }

    public required int CalibrationCrops { get; init; }

    public required IReadOnlyList<string> HeldOutFaces { get; init; }

    /// <summary>Every candidate node, most sensitive first, with the cosine measured when it alone is int8.</summary>
    public required IReadOnlyList<LayerDecision> Layers { get; init; }

    /// <summary>Each probe of the search: how many of the most sensitive layers stayed float, and the cosine then.</summary>
    public required IReadOnlyList<SearchStep> Search { get; init; }

    public required CosineStats Calibration { get; init; }

    public required CosineStats HeldOut { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, ReportJsonContext.Default.QuantizationReport) + "\n";
}

internal sealed record LayerDecision(string Node, string Kind, double CosineAlone, bool Int8);

internal sealed record SearchStep(int KeptFloat, double MeanCosine, double MinCosine);

internal sealed record CosineStats(int Crops, double Mean, double Min);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(QuantizationReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
