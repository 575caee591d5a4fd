using System.Globalization;
using Siampain.Imaging;
using Siampain.Models;
using Siampain.Recognition;
using Siampain.Tests.Fixtures;
using Siampain.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Siampain.Tests.Conversion;

/// <summary>
/// The project's TFLite->ONNX conversion of MobileFaceNet against the real TFLite runtime: the committed fixture
/// holds TFLite's raw outputs for real aligned faces, and the converted fp32 model must reproduce them.
/// </summary>
public sealed class TfLiteReferenceTests(ITestOutputHelper output)
{
    public const string ModelFile = "mobilefacenet-fp32.onnx";

    /// <summary>Issue 2: L2-normalised embeddings within 1e-5 of TFLite's (largest component difference).</summary>
    private const double Tolerance = 1e-5;

    private const int MinimumFaces = 20;


    [Fact]
    public void Converted_fp32_model_matches_the_TFLite_runtime_on_every_reference_face()
    {
        var reference = MobileFaceNetReference.Load();
        var input = reference.File.Input;
        Assert.True(reference.Crops.Count >= MinimumFaces, $"only {reference.Crops.Count} reference faces");
        RequireManifestPreprocessingMatches(input);

        using var embedder = RuntimeEmbedder(new PixelNormalization(input.Mean, input.Std));
        double worstDifference = 0, worstCosine = 1;
        var worstFace = string.Empty;
        var failures = new List<string>();
        foreach (var crop in reference.Crops)
        {
            var (difference, cosine) = Compare(reference.File.Outputs[crop], EmbedCrop(embedder, reference.PathOf(crop)));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{crop}: max |diff| {difference:E2}, 1 - cosine {1 - cosine:E2}"));
            if (difference > worstDifference)
            {
                worstDifference = difference;
                worstFace = crop;
            }

            worstCosine = Math.Min(worstCosine, cosine);
            if (!(difference <= Tolerance))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{crop} ({difference:E2})"));
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{reference.Crops.Count} faces: max |diff| {worstDifference:E2} ({worstFace}), min cosine {worstCosine:F12}; " +
            $"TFLite runtime tfjs-tflite {reference.File.Runtime["@tensorflow/tfjs-tflite"]}"));
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {reference.Crops.Count} faces differ from TFLite by more than {Tolerance:E0} after L2 normalisation: {string.Join(", ", failures)}");
    }

    /// <summary>
    /// The comparison is sharp enough to catch a real mistake: dividing by 127.5 instead of 128 (the detector's
    /// normalisation, an easy mix-up) changes each input by 0.4% and must already break the tolerance.
    /// </summary>
    [Fact]
    public void A_preprocessing_mix_up_of_half_a_grey_level_is_caught()
    {
        var reference = MobileFaceNetReference.Load();
        var crop = reference.Crops[0];
        using var embedder = RuntimeEmbedder(new PixelNormalization(reference.File.Input.Mean, 127.5f));
        var (difference, _) = Compare(reference.File.Outputs[crop], EmbedCrop(embedder, reference.PathOf(crop)));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{crop} with std 127.5: max |diff| {difference:E2}"));
        Assert.True(difference > Tolerance * 10, $"std 127.5 instead of 128 moved the embedding by only {difference:E2}");
    }

    /// <summary>The runtime's own embedder (the code the terminal runs), with the given preprocessing.</summary>
    private static FaceEmbedder RuntimeEmbedder(PixelNormalization normalization)
    {
        var manifest = TestAssets.Manifest;
        var variant = manifest.Embedders.Single(e => e.Value.File == ModelFile).Key;
        return new FaceEmbedder(manifest.WithEmbedder(variant, e => e with { Normalization = normalization }), variant);
    }

    private static float[] EmbedCrop(FaceEmbedder embedder, string path)
    {
        var embedding = new float[embedder.Dimensions];
        embedder.EmbedAligned([ImageFile.Load(path)], embedding);
        return embedding;
    }

    private static (double MaxDifference, double Cosine) Compare(float[] expected, float[] actual)
    {
        var e = MobileFaceNetReference.Normalised(expected);
        var a = MobileFaceNetReference.Normalised(actual);
        double difference = 0, cosine = 0;
        for (var i = 0; i < e.Length; i++)
        {
            difference = Math.Max(difference, Math.Abs(e[i] - a[i]));
            cosine += e[i] * a[i];
        }

        return (difference, cosine);
    }

    /// <summary>The runtime embeds with the manifest's preprocessing: it must be the one the reference was made with.</summary>
    private static void RequireManifestPreprocessingMatches(ReferenceInput input)
    {
        var manifest = TestAssets.Manifest;
        foreach (var embedder in manifest.Embedders.Values.Where(e => e.File == ModelFile))
        {
            Assert.Equal(input.Shape[1], embedder.Size);
            Assert.Equal(new PixelNormalization(input.Mean, input.Std), embedder.Normalization);
        }
    }
}
