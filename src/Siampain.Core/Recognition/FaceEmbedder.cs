using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Siampain.Alignment;
using Siampain.Detection;
using Siampain.Imaging;
using Siampain.Models;

namespace Siampain.Recognition;

/// <summary>
/// The twin branch of the Siamese network: aligned face -> L2-normalised embedding. Faces are aligned straight
/// into a pooled input tensor and run in batches; input and output OrtValues are created once per batch size,
/// so embedding a frame allocates nothing. The tensor has room for a mirror image of every face: a mirrored face
/// (<see cref="MirrorPolicy"/>) runs in the same batch, and costs about as much as one more face.
/// </summary>
public sealed class FaceEmbedder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly EmbedderManifest _manifest;
    private readonly FaceAligner _aligner;
    private readonly int _faceFloats;
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly OrtValue[][] _inputValues;
    private readonly OrtValue[][] _outputValues;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();
    private readonly Lock _lock = new();

    public FaceEmbedder(ModelManifest manifest, string? variant = null, int threads = 1, int maxBatch = 4)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        Variant = variant ?? manifest.DefaultEmbedder;
        _manifest = manifest.Embedder(Variant);
        var path = manifest.PathOf(_manifest);
        _session = OnnxModel.Open(path, threads);
        OnnxModel.RequireInput(_session, path, _manifest.Input, _manifest.Size, _manifest.Size, 3);
        if (!_session.OutputMetadata.TryGetValue(_manifest.Output, out var output) || output.Dimensions[^1] != _manifest.Dimensions)
        {
            throw new ModelException(path, $"has no output '{_manifest.Output}' of {_manifest.Dimensions} values per face");
        }

        _aligner = new FaceAligner(_manifest);
        MaxBatch = maxBatch;
        _faceFloats = _manifest.Size * _manifest.Size * 3;
        var rows = 2 * maxBatch;
        _input = new float[rows * _faceFloats];
        _output = new float[rows * _manifest.Dimensions];
        _inputValues = new OrtValue[rows][];
        _outputValues = new OrtValue[rows][];
        for (var n = 1; n <= rows; n++)
        {
            _inputValues[n - 1] = [OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _input.AsMemory(0, n * _faceFloats), [n, _manifest.Size, _manifest.Size, 3])];
            _outputValues[n - 1] = [OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _output.AsMemory(0, n * _manifest.Dimensions), [n, _manifest.Dimensions])];
        }

        _inputNames = [_manifest.Input];
        _outputNames = [_manifest.Output];
        ModelId = $"{Path.GetFileNameWithoutExtension(_manifest.File)}@{_manifest.Sha256[..12]}";
    }

    /// <summary>Which manifest entry this is ("fp32", "int8", ...).</summary>
    public string Variant { get; }

    /// <summary>Identifies the weights; templates made by another model must not be matched against this one.</summary>
    public string ModelId { get; }

    public int Dimensions => _manifest.Dimensions;

    public int MaxBatch { get; }

    public FaceAligner Aligner => _aligner;

    /// <summary>Which faces the manifest says are embedded with their mirror image.</summary>
    public MirrorPolicy Mirror => _manifest.Mirror;

    public EmbedderManifest Manifest => _manifest;

    /// <summary>
    /// Embeds each face of <paramref name="image"/>; row i of <paramref name="embeddings"/> gets face i. With
    /// <paramref name="mirrored"/>, each face is embedded with its mirror image.
    /// </summary>
    public void Embed(RgbImage image, ReadOnlySpan<DetectedFace> faces, Span<float> embeddings, bool mirrored = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        RequireRoom(faces.Length, embeddings);
        Span<bool> mirrors = stackalloc bool[MaxBatch];
        mirrors.Fill(mirrored);
        lock (_lock)
        {
            for (var start = 0; start < faces.Length; start += MaxBatch)
            {
                var count = Math.Min(MaxBatch, faces.Length - start);
                for (var i = 0; i < count; i++)
                {
                    _aligner.AlignInto(image, faces[start + i], _input.AsSpan(i * _faceFloats, _faceFloats));
                }

                RunBatch(count, mirrors[..count], embeddings.Slice(start * Dimensions, count * Dimensions));
            }
        }
    }

    /// <summary>
    /// The input slot of face <paramref name="index"/> in the next batch, for a caller that aligns into the tensor
    /// itself and inspects the crop before spending the network on it (the terminal's quality gate). Only the one
    /// owner of this embedder may use the slots, then call <see cref="EmbedSlots"/>.
    /// </summary>
    public Span<float> Slot(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, MaxBatch);
        return _input.AsSpan(index * _faceFloats, _faceFloats);
    }

    /// <summary>
    /// Embeds the first <paramref name="count"/> slots filled through <see cref="Slot"/>; slot i is embedded with its
    /// mirror image where <paramref name="mirrored"/>[i] is set (empty: none is).
    /// </summary>
    public void EmbedSlots(int count, Span<float> embeddings, ReadOnlySpan<bool> mirrored = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxBatch);
        RequireRoom(count, embeddings);
        if (!mirrored.IsEmpty && mirrored.Length < count)
        {
            throw new ArgumentException($"{count} slots need {count} mirror flags, got {mirrored.Length}.", nameof(mirrored));
        }

        if (count > 0)
        {
            lock (_lock)
            {
                RunBatch(count, mirrored.IsEmpty ? mirrored : mirrored[..count], embeddings);
            }
        }
    }

    /// <summary>Embeds crops that are already aligned (size x size), such as reference fixtures.</summary>
    public void EmbedAligned(IReadOnlyList<RgbImage> crops, Span<float> embeddings)
    {
        ArgumentNullException.ThrowIfNull(crops);
        RequireRoom(crops.Count, embeddings);
        var normalization = _manifest.Normalization;
        lock (_lock)
        {
            for (var start = 0; start < crops.Count; start += MaxBatch)
            {
                var count = Math.Min(MaxBatch, crops.Count - start);
                for (var i = 0; i < count; i++)
                {
                    var crop = crops[start + i];
                    if (crop.Width != _manifest.Size || crop.Height != _manifest.Size)
                    {
                        throw new ArgumentException($"Crop {start + i} is {crop.Width}x{crop.Height}; the model takes {_manifest.Size}x{_manifest.Size}.", nameof(crops));
                    }

                    var target = _input.AsSpan(i * _faceFloats, _faceFloats);
                    var source = crop.Pixels.AsSpan(0, _faceFloats);
                    for (var k = 0; k < target.Length; k++)
                    {
                        target[k] = (source[k] - normalization.Mean) / normalization.Std;
                    }
                }

                RunBatch(count, default, embeddings.Slice(start * Dimensions, count * Dimensions));
            }
        }
    }

    /// <summary>
    /// Runs the first <paramref name="count"/> slots, plus a mirror copy (in the free rows after them) of each slot
    /// <paramref name="mirrored"/> flags; a mirrored face's embedding is the normalised sum of both unit embeddings.
    /// </summary>
    private void RunBatch(int count, ReadOnlySpan<bool> mirrored, Span<float> destination)
    {
        var rows = count;
        for (var i = 0; i < mirrored.Length; i++)
        {
            if (mirrored[i])
            {
                var copy = _input.AsSpan(rows++ * _faceFloats, _faceFloats);
                _input.AsSpan(i * _faceFloats, _faceFloats).CopyTo(copy);
                MirrorInPlace(copy, _manifest.Size);
            }
        }

        _session.Run(_runOptions, _inputNames, _inputValues[rows - 1], _outputNames, _outputValues[rows - 1]);
        var mirror = count;
        for (var i = 0; i < count; i++)
        {
            var target = destination.Slice(i * Dimensions, Dimensions);
            Normalize(_output.AsSpan(i * Dimensions, Dimensions), target);
            if (i < mirrored.Length && mirrored[i])
            {
                var mirrorRow = _output.AsSpan(mirror++ * Dimensions, Dimensions);
                Normalize(mirrorRow, mirrorRow);
                CombineViews(target, mirrorRow, target);
            }
        }
    }

    /// <summary>
    /// The embedding of two views of one face (it and its mirror image): the normalised sum of their unit
    /// embeddings. <paramref name="target"/> may be either view.
    /// </summary>
    public static void CombineViews(ReadOnlySpan<float> view, ReadOnlySpan<float> otherView, Span<float> target)
    {
        TensorPrimitives.Add(view, otherView, target);
        Normalize(target, target);
    }

    /// <summary>Turns the crop in slot <paramref name="index"/> into its mirror image, for a caller that embeds the mirror view alone.</summary>
    public void MirrorSlot(int index) => MirrorInPlace(Slot(index), _manifest.Size);

    private static void Normalize(ReadOnlySpan<float> raw, Span<float> target)
    {
        var norm = TensorPrimitives.Norm(raw);
        TensorPrimitives.Divide(raw, norm > 0 ? norm : 1f, target);
    }

    /// <summary>Left-right mirror of a size x size HWC crop, in place: each row's pixels in reverse order, channels kept.</summary>
    private static void MirrorInPlace(Span<float> crop, int size)
    {
        for (var y = 0; y < size; y++)
        {
            var row = crop.Slice(y * size * 3, size * 3);
            for (var x = 0; x < size / 2; x++)
            {
                var left = row.Slice(x * 3, 3);
                var right = row.Slice((size - 1 - x) * 3, 3);
                for (var c = 0; c < 3; c++)
                {
                    (left[c], right[c]) = (right[c], left[c]);
                }
            }
        }
    }

    private void RequireRoom(int faces, Span<float> embeddings)
    {
        if (embeddings.Length < faces * Dimensions)
        {
            throw new ArgumentException($"{faces} faces need {faces * Dimensions} floats of embeddings, got {embeddings.Length}.", nameof(embeddings));
        }
    }

    public void Dispose()
    {
        foreach (var value in _inputValues.Concat(_outputValues).SelectMany(v => v))
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
    }
}
