using System.Numerics.Tensors;
using Siampain.Models;

namespace Siampain.Recognition;

/// <summary>
/// Tells whether a face wears a mask from a few statistics of its aligned crop (<see cref="MaskFeatures"/>), a
/// logistic regression: about a microsecond, before the embedder runs. Trained on faces painted with the project's
/// own masks; graded on faces wearing masks it never saw.
/// </summary>
public sealed class MaskClassifier
{
    /// <summary>L2 weight of the fit (on standardised features).</summary>
    public const float Lambda = 0.01f;

    private readonly float[] _weights;
    private readonly float _bias;

    public MaskClassifier(MaskClassifierParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _weights = parameters.Weights;
        _bias = parameters.Bias;
    }

    public int Dimensions => _weights.Length;

    /// <summary>Whether the aligned crop (NHWC tensor of side <paramref name="size"/>) shows a masked face.</summary>
    public bool IsMaskedCrop(ReadOnlySpan<float> crop, int size)
    {
        Span<float> features = stackalloc float[MaskFeatures.Count];
        MaskFeatures.Compute(crop, size, features);
        return IsMasked(features);
    }

    /// <summary>The embedder's mask classifier from the manifest, or null when it has none (every face is then matched as unmasked).</summary>
    public static MaskClassifier? For(EmbedderManifest embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        return embedder.Masked is { } masked ? new MaskClassifier(masked.Classifier) : null;
    }

    public float Logit(ReadOnlySpan<float> features) => TensorPrimitives.Dot(_weights, features) + _bias;

    public bool IsMasked(ReadOnlySpan<float> features) => Logit(features) >= 0;

    /// <summary>Fits on the features of unmasked faces and of faces painted with masks.</summary>
    public static MaskClassifierParameters Fit(IReadOnlyList<float[]> unmasked, IReadOnlyList<float[]> masked, string fittedOn, double heldOutAccuracy = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(unmasked);
        ArgumentNullException.ThrowIfNull(masked);
        var model = LogisticRegression.Fit([.. unmasked, .. masked], [.. unmasked.Select(_ => false), .. masked.Select(_ => true)], Lambda);
        return new MaskClassifierParameters(model.Weights, model.Bias, fittedOn, heldOutAccuracy);
    }
}
