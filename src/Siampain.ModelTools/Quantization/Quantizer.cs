using System.ComponentModel.DataAnnotations;
using Google.Protobuf;
using Siampain.ModelTools.Onnx.Proto;

namespace Siampain.ModelTools.Quantization;

internal sealed record QuantizerOptions
{
    public const double DefaultPercentile = 99.999;

    /// <summary>Mean cosine to fp32 the selection aims for on the calibration faces, leaving a margin for unseen faces.</summary>
    public const double DefaultTargetCosine = 0.995;

    [Range(90.0, 100.0)]
    public double Percentile { get; init; } = DefaultPercentile;

    [Range(0.0, 1.0)]
    public double TargetCosine { get; init; } = DefaultTargetCosine;

    /// <summary>7-bit weights (see <see cref="QdqWriter.ReducedWeightMax"/>); only turn off on CPUs with VNNI or ARM dot products.</summary>
    public bool ReduceRange { get; init; } = true;

    /// <summary>Conv layers kept float store float16 weights (widened once at load): the file shrinks, the float math stays.</summary>
    public bool HalfWeightsForFloatLayers { get; init; } = true;
}

internal sealed record QuantizationResult(ModelProto Model, QuantizationReport Report);

/// <summary>
/// Static int8 QDQ quantization of an image embedder, choosing which layers to quantize by measurement:
/// each candidate (Conv, Add) is quantized alone and the cosine of the embeddings to fp32 is measured on the
/// calibration faces; the most sensitive ones stay float, as few as needed to reach the target cosine.
/// </summary>
internal sealed class Quantizer(QuantizerOptions options, TextWriter log)
{
    /// <summary>Cosines are compared after rounding, so that noise in the last digits cannot reorder layers between machines.</summary>
    private const int CosineDigits = 4;

    public QuantizationResult Run(ModelProto fp32, CalibrationFaces faces, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(fp32);
        ArgumentNullException.ThrowIfNull(faces);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        var model = WithNodeNames(fp32);
        var index = new GraphIndex(model.Graph);
        var output = model.Graph.Output[0].Name;
        var candidates = model.Graph.Node.Where(n => IsCandidate(n, index)).ToList();
        if (candidates.Count == 0)
        {
            throw new InvalidOperationException("the model has no Conv or Add node to quantize");
        }

        var tensors = candidates.SelectMany(n => QdqWriter.QuantizedActivations(n, index)).Distinct().ToList();
        log.WriteLine($"calibrating {tensors.Count} tensors of {candidates.Count} candidate layers on {faces.Calibration.Count} crops (percentile {options.Percentile})");
        var ranges = Calibrator.Calibrate(model, sourceName, tensors, faces.Calibration, options.Percentile);

        using var reference = new OrtRunner(model.ToByteArray(), sourceName);
        var selectionReference = Embed(reference, faces.Selection, output);
        (double Mean, double Min) Measure(IEnumerable<NodeProto> quantized, CropBatch crops, float[][] expected)
        {
            using var runner = new OrtRunner(Write(quantized).ToByteArray(), $"{sourceName} (int8 trial)");
            return Compare(Embed(runner, crops, output), expected);
        }

        ModelProto Write(IEnumerable<NodeProto> quantized)
        {
            var names = quantized.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            var half = options.HalfWeightsForFloatLayers
                ? candidates.Where(n => !names.Contains(n.Name)).Select(n => n.Name).ToHashSet(StringComparer.Ordinal)
                : [];
            return QdqWriter.Write(model, names, half, ranges, options.ReduceRange);
        }

        log.WriteLine($"measuring the sensitivity of {candidates.Count} layers one at a time");
        var alone = candidates.ToDictionary(n => n, n => Math.Round(Measure([n], faces.Selection, selectionReference).Mean, CosineDigits));
        var bySensitivity = candidates.OrderBy(n => alone[n]).ThenBy(candidates.IndexOf).ToList();

        // Keep the K most sensitive layers float; K is the smallest that reaches the target (binary search:
        // the cosine grows with K, and K = all layers is the fp32 model itself).
        var search = new List<SearchStep>();
        bool Reaches(int keptFloat)
        {
            var (mean, min) = Measure(bySensitivity.Skip(keptFloat), faces.Selection, selectionReference);
            search.Add(new SearchStep(keptFloat, Math.Round(mean, CosineDigits), Math.Round(min, CosineDigits)));
            log.WriteLine($"  {keptFloat,3} most sensitive layers float: mean cosine {mean:F5}, min {min:F5}");
            return Math.Round(mean, CosineDigits) >= options.TargetCosine;
        }

        int low = 0, high = bySensitivity.Count;
        if (!Reaches(0))
        {
            while (high - low > 1)
            {
                var middle = (low + high) / 2;
                (low, high) = Reaches(middle) ? (low, middle) : (middle, high);
            }
        }
        else
        {
            high = 0;
        }

        var chosen = bySensitivity.Skip(high).ToHashSet();
        var quantized = Write(chosen);
        quantized.DocString = $"{fp32.DocString} Static int8 QDQ: {chosen.Count} of {candidates.Count} layers int8, chosen by measured sensitivity.";
        var calibration = Measure(chosen, faces.Selection, selectionReference);
        var heldOut = Measure(chosen, faces.HeldOut, Embed(reference, faces.HeldOut, output));
        log.WriteLine($"int8 layers: {chosen.Count}/{candidates.Count}; held-out cosine mean {heldOut.Mean:F5}, min {heldOut.Min:F5}");

        // An Add left float whose inputs and output all carry Q/DQ for their neighbours' sake is fused into
        // QLinearAdd by ONNX Runtime all the same; the report says what will run.
        var quantizedTensors = chosen.SelectMany(n => QdqWriter.QuantizedActivations(n, index)).ToHashSet(StringComparer.Ordinal);
        bool RunsInt8Anyway(NodeProto node) => node.OpType == "Add" && QdqWriter.QuantizedActivations(node, index).All(quantizedTensors.Contains);

        var report = new QuantizationReport
        {
            Source = sourceName,
            Percentile = options.Percentile,
            WeightBits = options.ReduceRange ? 7 : 8,
            FloatLayerWeights = options.HalfWeightsForFloatLayers ? "float16" : "float32",
            TargetCosine = options.TargetCosine,
            CalibrationFaces = faces.CalibrationSources,
            CalibrationCrops = faces.Calibration.Count,
            HeldOutFaces = faces.HeldOutSources,
            Layers = [.. bySensitivity.Select(n => new LayerDecision(n.Name, Kind(n, index), alone[n], chosen.Contains(n) || RunsInt8Anyway(n)))],
            Search = search,
            Calibration = Stats(faces.Selection.Count, calibration),
            HeldOut = Stats(faces.HeldOut.Count, heldOut),
        };
        return new QuantizationResult(quantized, report);
    }

    private static CosineStats Stats(int crops, (double Mean, double Min) cosine) =>
        new(crops, Math.Round(cosine.Mean, CosineDigits), Math.Round(cosine.Min, CosineDigits));

    private static bool IsCandidate(NodeProto node, GraphIndex index) => node.OpType switch
    {
        "Conv" => node.Input.Count >= 2 && index.Initializers.TryGetValue(node.Input[1], out var w)
                  && w.DataType == (int)TensorProto.Types.DataType.Float && w.Dims.Count == 4,
        "Add" => node.Input.Count == 2 && node.Input.All(index.IsActivation),
        _ => false,
    };

    private static string Kind(NodeProto node, GraphIndex index)
    {
        if (node.OpType != "Conv")
        {
            return node.OpType;
        }

        var dims = index.Initializers[node.Input[1]].Dims;
        var group = node.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1;
        return group > 1 && dims[1] == 1 ? $"depthwise conv {dims[2]}x{dims[3]}" : $"conv {dims[2]}x{dims[3]}";
    }

    /// <summary>Exported graphs may leave node names empty; the selection and report need one per node.</summary>
    private static ModelProto WithNodeNames(ModelProto fp32)
    {
        var model = fp32.Clone();
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < model.Graph.Node.Count; i++)
        {
            var node = model.Graph.Node[i];
            if (node.Name.Length > 0 && used.Add(node.Name))
            {
                continue;
            }

            var name = $"{node.OpType}_{i}";
            for (var k = 1; !used.Add(name); k++)
            {
                name = $"{node.OpType}_{i}_{k}";
            }

            node.Name = name;
        }

        return model;
    }

    private static float[][] Embed(OrtRunner runner, CropBatch crops, string output)
    {
        var values = runner.Run(crops.Data, crops.Count, [output])[output];
        var size = values.Length / crops.Count;
        return [.. Enumerable.Range(0, crops.Count).Select(i => values.AsSpan(i * size, size).ToArray())];
    }

    private static (double Mean, double Min) Compare(float[][] actual, float[][] expected)
    {
        var cosines = actual.Zip(expected, (a, e) => (double)System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, e)).ToArray();
        return (cosines.Average(), cosines.Min());
    }
}
