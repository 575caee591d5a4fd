using System.Numerics;
using Microsoft.ML.OnnxRuntime;
using Siampain.Imaging;
using Siampain.Models;

namespace Siampain.Detection;

/// <summary>
/// MediaPipe BlazeFace (front, 128x128) on ONNX Runtime. The frame is letterboxed to a square and resampled
/// straight into the pooled input tensor; raw scores are filtered before any sigmoid or box decoding so that
/// an empty frame costs little beyond the network itself.
/// </summary>
public sealed class BlazeFaceDetector : IFaceDetector, IDisposable
{
    private const int Regressors = 16;

    private readonly InferenceSession _session;
    private readonly DetectorManifest _manifest;
    private readonly Vector2[] _anchors = BlazeFaceAnchors.Create();
    private readonly int _size;
    private readonly float[] _input;
    private readonly SquareResampler _resampler;
    private readonly OrtValue[] _inputValues;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly float[][] _outputs;
    private readonly OrtValue[] _outputValues;
    private readonly float _rawScoreThreshold;
    private readonly List<DetectedFace> _candidates = new(32);
    private readonly RunOptions _runOptions = new();
    private readonly Lock _lock = new();

    public BlazeFaceDetector(ModelManifest manifest, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        _manifest = manifest.Detector;
        _size = _manifest.Size;
        var path = manifest.PathOf(_manifest);
        _session = OnnxModel.Open(path, threads);
        OnnxModel.RequireInput(_session, path, _manifest.Input, _size, _size, 3);

        _input = new float[_size * _size * 3];
        _resampler = new SquareResampler(_size);
        _inputValues = [OrtValue.CreateTensorValueFromMemory(_input, [1, _size, _size, 3])];
        _inputNames = [_manifest.Input];

        // The outputs are told apart by shape, not by name: converters rename them freely.
        var layerAnchors = BlazeFaceAnchors.Layers.Select(l => l.Cells * l.Cells * l.PerCell).ToArray();
        _outputNames = new string[4];
        foreach (var (name, meta) in _session.OutputMetadata)
        {
            var dims = meta.Dimensions;
            if (dims.Length != 3)
            {
                continue;
            }

            var layer = Array.IndexOf(layerAnchors, dims[1]);
            if (layer >= 0 && dims[2] == 1)
            {
                _outputNames[layer] = name;
            }
            else if (layer >= 0 && dims[2] == Regressors)
            {
                _outputNames[2 + layer] = name;
            }
        }

        if (_outputNames.Any(n => n is null))
        {
            throw new ModelException(path, "does not have BlazeFace's four outputs ([1,512,1], [1,384,1], [1,512,16], [1,384,16])");
        }

        _outputs = new float[4][];
        _outputValues = new OrtValue[4];
        for (var i = 0; i < 4; i++)
        {
            var count = layerAnchors[i % 2];
            var width = i < 2 ? 1 : Regressors;
            _outputs[i] = new float[count * width];
            _outputValues[i] = OrtValue.CreateTensorValueFromMemory(_outputs[i], [1, count, width]);
        }

        var threshold = Math.Clamp(_manifest.ScoreThreshold, 1e-6f, 1 - 1e-6f);
        _rawScoreThreshold = MathF.Log(threshold / (1 - threshold));
    }

    public int InputSize => _size;

    /// <summary>Detects in the whole image, letterboxed: the door camera's case, where faces fill much of the frame.</summary>
    public void Detect(RgbImage image, List<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(image);
        Detect(image, SquareWindow.Letterbox(image.Width, image.Height), faces);
    }

    /// <summary>Detects in one square window of the image; coordinates come back in image pixels.</summary>
    public void Detect(RgbImage image, SquareWindow window, List<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        lock (_lock)
        {
            DetectCandidates(image, window);
            WeightedNms.Merge(_candidates, _manifest.NmsIouThreshold, faces);
        }
    }

    /// <summary>Adds the raw (unmerged) detections of one window to <paramref name="candidates"/>.</summary>
    internal void AddCandidates(RgbImage image, SquareWindow window, List<DetectedFace> candidates)
    {
        lock (_lock)
        {
            DetectCandidates(image, window);
            candidates.AddRange(_candidates);
        }
    }

    internal float NmsIouThreshold => _manifest.NmsIouThreshold;

    private void DetectCandidates(RgbImage image, SquareWindow window)
    {
        ArgumentNullException.ThrowIfNull(image);
        _resampler.Resample(image, window, _input, _manifest.Normalization);
        _session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);
        _candidates.Clear();
        var anchorOffset = 0;
        for (var layer = 0; layer < 2; layer++)
        {
            Decode(_outputs[layer], _outputs[2 + layer], anchorOffset, window);
            anchorOffset += _outputs[layer].Length;
        }
    }

    private void Decode(float[] scores, float[] regressors, int anchorOffset, SquareWindow window)
    {
        var pixel = 1f / _size;
        for (var i = 0; i < scores.Length; i++)
        {
            var raw = scores[i];
            if (raw < _rawScoreThreshold)
            {
                continue;
            }

            var score = 1f / (1f + MathF.Exp(-Math.Clamp(raw, -100f, 100f)));
            var anchor = _anchors[anchorOffset + i];
            var r = regressors.AsSpan(i * Regressors, Regressors);
            var centre = anchor + (new Vector2(r[0], r[1]) * pixel);
            var size = new Vector2(r[2], r[3]) * pixel;
            var keypoints = default(FaceKeypoints);
            for (var k = 0; k < FaceKeypoints.Count; k++)
            {
                keypoints[k] = ToSource(anchor + (new Vector2(r[4 + (2 * k)], r[5 + (2 * k)]) * pixel), window);
            }

            var topLeft = ToSource(centre - (size / 2), window);
            _candidates.Add(new DetectedFace(new FaceBox(topLeft.X, topLeft.Y, size.X * window.Side, size.Y * window.Side), score, keypoints));
        }
    }

    private static Vector2 ToSource(Vector2 normalised, SquareWindow window) =>
        new(window.X + (normalised.X * window.Side), window.Y + (normalised.Y * window.Side));

    public void Dispose()
    {
        foreach (var value in _inputValues.Concat(_outputValues))
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
    }
}
